"""Tracking one platform account by reference (POST /api/v1/accounts/track): the request is
checked here, before any job exists (who may ask, whether the platform has a configured
connector, whether the reference can be read), then a REFRESH job with params
`{"add": {platform, ref}}` does the fetching (influencers.services.refresh, `account_add_job_run`)."""

from __future__ import annotations

from typing import Any

from core.errors import InputError, PermissionDenied
from core.models import Job, JobKind, Organization
from core.selectors.tenancy import membership_for_user
from core.services.jobs import job_submit
from influencers.models import Platform
from influencers.services.refresh import connector_for

REF_MAX_LENGTH = 500


def account_track_submit(*, platform: str, ref: str, organization: Organization, user: Any) -> Job:
    """Queue a REFRESH job that adds (or refreshes) the account `ref` of `platform`; the job is
    `organization`'s. Editors and owners only: it writes to the shared catalogue and spends quota.

    PermissionDenied for viewers; InputError (field platform/ref) for a platform without a
    connector or an unreadable reference; ConnectorNotConfigured when the platform's key is unset.
    """
    membership = membership_for_user(user, organization_id=organization.pk)
    if membership is None or not membership.can_write:
        raise PermissionDenied("your role in this organisation cannot add accounts (viewers read only)")
    if platform not in Platform.values:
        raise InputError(f"unknown platform {platform!r}", field="platform")
    ref = ref.strip()
    if not ref or len(ref) > REF_MAX_LENGTH:
        raise InputError(f"give a handle, @handle, id or profile URL (1-{REF_MAX_LENGTH} characters)", field="ref")
    # Refused now rather than as a failed job: the caller can fix these at once.
    connector = connector_for(platform)
    connector.parse_ref(ref)
    return job_submit(
        kind=JobKind.REFRESH,
        params={"add": {"platform": platform, "ref": ref}},
        organization=organization,
        user=user,
    )
