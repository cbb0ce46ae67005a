"""Calibrations of the follower scorer fitted on an organisation's own labelled follower files."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models.tenancy import Organization


class FollowerScorerCalibration(models.Model):
    """A named calibration (`vetting.scoring.follower_calibration.FollowerCalibration.as_dict()`)
    with where it came from and how it did under cross-validation. The catalogue admin
    organisation's active calibration is the one the catalogue's vetting uses; any
    organisation's calibration can score its follower files by name."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="follower_calibrations")
    name = models.CharField(max_length=100)
    data = models.JSONField(help_text="The calibration: refitted weights, reference calibrations, provenance, metrics")
    source_name = models.CharField(max_length=255, help_text="The labelled file it was fitted on")
    rows = models.PositiveIntegerField()
    fakes = models.PositiveIntegerField()
    cv_roc_auc = models.FloatField(help_text="Cross-validated ROC AUC on the labelled file")
    active = models.BooleanField(default=False, help_text="The calibration this organisation's vetting uses")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="calibration_unique_org_name"),
            models.UniqueConstraint(
                fields=["organization"], condition=models.Q(active=True), name="calibration_one_active_per_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization_id})"
