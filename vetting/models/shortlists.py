"""Organisation-owned lists of creators for a brand or campaign, with an audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models.tenancy import Organization
from influencers.models.catalogue import Creator
from vetting.models.brands import Brand


class EntryStatus(models.TextChoices):
    CANDIDATE = "candidate", "Candidate"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CONTACTED = "contacted", "Contacted"
    BOOKED = "booked", "Booked"


class Shortlist(models.Model):
    """A list of creators an organisation is considering for a brand or campaign."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="shortlists")
    brand = models.ForeignKey(Brand, on_delete=models.SET_NULL, null=True, blank=True, related_name="shortlists")
    name = models.CharField(max_length=200)
    campaign = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "id"]

    def __str__(self) -> str:
        return self.name


class ShortlistEntry(models.Model):
    """A creator on a shortlist. `vetting_snapshot` keeps the scores as they were when the
    creator was added, so the list stays auditable after the data changes."""

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="shortlist_entries")
    status = models.CharField(max_length=20, choices=EntryStatus.choices, default=EntryStatus.CANDIDATE)
    notes = models.TextField(blank=True)
    vetting_snapshot = models.JSONField(default=dict, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["shortlist_id", "added_at", "id"]
        verbose_name_plural = "shortlist entries"
        constraints = [models.UniqueConstraint(fields=["shortlist", "creator"], name="entry_unique_shortlist_creator")]

    def __str__(self) -> str:
        return f"{self.creator} on {self.shortlist} ({self.status})"


class ShortlistEvent(models.Model):
    """Who changed what on a shortlist entry, and when."""

    entry = models.ForeignKey(ShortlistEntry, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    action = models.CharField(max_length=30, help_text="added, status, notes")
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} on entry {self.entry_id} at {self.at:%Y-%m-%d %H:%M}"


class CreatorNote(models.Model):
    """A private note an organisation keeps about a creator."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="creator_notes")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="org_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"note on {self.creator} by {self.organization}"
