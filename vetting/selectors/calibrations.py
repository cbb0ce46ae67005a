"""Which calibration of the follower scorer applies: the catalogue's, or one named by an organisation."""

from __future__ import annotations

from django.conf import settings

from core.errors import NotFound
from core.models import Organization
from vetting.models import FollowerScorerCalibration
from vetting.scoring.follower_calibration import DEFAULT_NAME, FollowerCalibration, load_default_calibration


def catalogue_follower_calibration() -> FollowerCalibration:
    """The calibration the catalogue's vetting uses: the active one of the catalogue admin
    organisation, else the committed default (fitted on public labelled real accounts)."""
    record = FollowerScorerCalibration.objects.filter(
        organization__name=settings.ADMIN_ORGANIZATION_NAME, active=True
    ).first()
    return FollowerCalibration.from_dict(record.data) if record else load_default_calibration()


def follower_calibration_named(*, name: str, organization: Organization | None) -> FollowerCalibration:
    """The calibration `name` of `organization` ("default" is the committed one for everybody)."""
    if name == DEFAULT_NAME:
        return load_default_calibration()
    record = FollowerScorerCalibration.objects.filter(organization=organization, name=name).first()
    if record is None:
        owner = f"organisation {organization.name!r}" if organization else "no organisation"
        raise NotFound(f"no follower-scorer calibration named {name!r} in {owner}")
    return FollowerCalibration.from_dict(record.data)
