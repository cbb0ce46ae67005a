"""Calibrating the follower scorer on an organisation's own labelled follower file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.db import transaction

from core.errors import InputError, InvalidState
from core.models import Organization
from vetting.models import FollowerScorerCalibration
from vetting.scoring.follower_calibration import DEFAULT_NAME, fit_follower_calibration
from vetting.scoring.follower_io import read_labelled_follower_csv


def follower_calibration_create(
    *,
    path: str | os.PathLike[str],
    name: str,
    organization: Organization,
    user: Any = None,
    activate: bool = False,
    replace: bool = False,
) -> FollowerScorerCalibration:
    """Fit a calibration on the labelled file at `path` (the `score_followers` columns plus
    `is_fake`) and store it under `name` for `organization`; with `activate` it becomes the one the
    organisation's vetting uses. The whole file is validated first; nothing is stored when it is
    refused (too small, one class only, a bad value named by line and field)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InputError("a calibration needs a name of 1 to 100 characters", field="name")
    if name == DEFAULT_NAME:
        raise InputError(f"{DEFAULT_NAME!r} is the committed calibration's name; choose another", field="name")
    exists = FollowerScorerCalibration.objects.filter(organization=organization, name=name).exists()
    if exists and not replace:
        raise InvalidState(f"organisation {organization.name!r} already has a calibration named {name!r}")
    source = Path(path).name
    batch, labels = read_labelled_follower_csv(path)
    calibration = fit_follower_calibration(batch, labels, name=name, source=source)
    with transaction.atomic():
        FollowerScorerCalibration.objects.filter(organization=organization, name=name).delete()
        if activate:
            FollowerScorerCalibration.objects.filter(organization=organization, active=True).update(active=False)
        return FollowerScorerCalibration.objects.create(
            organization=organization,
            name=name,
            data=calibration.as_dict(),
            source_name=source,
            rows=len(labels),
            fakes=int(labels.sum()),
            cv_roc_auc=float(calibration.metrics["roc_auc"]),
            active=activate,
            created_by=user if user is not None and getattr(user, "pk", None) else None,
        )
