"""Job reads: an organisation sees its own jobs; catalogue jobs (no organisation) are visible
to the catalogue admin organisation only."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from core.models import Job, Organization

from vetting.selectors.brands import _int_or_404


def job_list(*, organization: Organization) -> QuerySet[Job]:
    scope = Q(organization=organization)
    if organization.is_catalogue_admin:
        scope |= Q(organization__isnull=True)
    return Job.objects.filter(scope).select_related("created_by").order_by("-created_at", "-id")


def job_get(*, organization: Organization, job_id: object) -> Job:
    return get_object_or_404(job_list(organization=organization), pk=_int_or_404(job_id))
