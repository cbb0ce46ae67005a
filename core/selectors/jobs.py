"""Job reads: an organisation sees its own jobs; catalogue jobs (no organisation) are visible
to the catalogue admin organisation only."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.models import Job, Organization
from core.selectors.lookup import get_or_not_found


def job_list(*, organization: Organization) -> QuerySet[Job]:
    scope = Q(organization=organization)
    if organization.is_catalogue_admin:
        scope |= Q(organization__isnull=True)
    return Job.objects.filter(scope).select_related("created_by").order_by("-created_at", "-id")


def job_get(*, organization: Organization, job_id: object) -> Job:
    return get_or_not_found(job_list(organization=organization), job_id, what="job")
