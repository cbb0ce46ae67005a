"""Job reads: an organisation sees its own jobs; catalogue jobs (no organisation) are visible
to the catalogue admin organisation only."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db.models import Q, QuerySet

from core.messages import is_message, render_message
from core.models import Job, Organization
from core.selectors.lookup import get_or_not_found

_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} ")


def job_list(*, organization: Organization) -> QuerySet[Job]:
    scope = Q(organization=organization)
    if organization.is_catalogue_admin:
        scope |= Q(organization__isnull=True)
    return Job.objects.filter(scope).select_related("created_by").order_by("-created_at", "-id")


def job_get(*, organization: Organization, job_id: object) -> Job:
    return get_or_not_found(job_list(organization=organization), job_id, what="job")


def job_log_lines(job: Job) -> list[tuple[str, Any]]:
    """The job's log as (timestamp, message) pairs: a line written as a Message
    (`core.services.jobs.job_log`) comes back as its stored form {"code", "params"}, any other
    line (written by hand, or before messages existed) as its text. Lines without a timestamp
    (the rest of a multi-line entry) have an empty one."""
    out: list[tuple[str, Any]] = []
    for line in (job.log or "").splitlines():
        stamp, text = "", line
        if _STAMP.match(line):
            stamp, text = line[:19], line[20:]
        if text.startswith("{"):
            try:
                data = json.loads(text)
            except ValueError:
                data = None
            if is_message(data):
                out.append((stamp, data))
                continue
        out.append((stamp, text))
    return out


def job_log_text(job: Job, language: str | None = None, *, last: int | None = None) -> str:
    """The job's log in words, one line per entry, in `language` (else the active language);
    the `last` lines only when given."""
    lines = job_log_lines(job)
    if last is not None:
        lines = lines[-last:]
    return "\n".join(f"{stamp} {render_message(message, language)}".strip() for stamp, message in lines)
