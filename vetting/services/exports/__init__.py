"""Exports of a shortlist or a discovery search as CSV, XLSX or a PDF vetting report.

`export_create` validates the request and queues an EXPORT job (organisation-owned); the job
handler `run_export_job` gathers the rows, writes the file under MEDIA_ROOT/exports/<org id>/
and records its path in `job.result`. Files are served only by the API's download view, which
checks the organisation; never through /media/.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from core.errors import InputError, InvalidState
from core.models import Job, JobKind, JobStatus, Organization
from core.services.jobs import job_submit
from vetting.models import Shortlist
from vetting.services.exports.rows import ExportRow, export_rows

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
MAX_ROWS = {"csv": 1000, "xlsx": 1000, "pdf": 200}


def export_create(
    *,
    organization: Organization,
    user: User | AnonymousUser | None = None,
    fmt: str,
    shortlist: Shortlist | None = None,
    filters: dict[str, Any] | None = None,
    limit: int = 200,
) -> Job:
    """Queue an export of `shortlist` (one of the organisation's) or of a discovery search
    (`filters`, the GET /api/creators/ parameters). Returns the PENDING job."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})", field="format")
    if (shortlist is None) == (filters is None):
        raise InputError("give either a shortlist or search filters", field="shortlist")
    if shortlist is not None and shortlist.organization_id != organization.pk:
        raise InputError("no such shortlist", field="shortlist")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_ROWS[fmt]:
        raise InputError(f"limit must be between 1 and {MAX_ROWS[fmt]} for {fmt}", field="limit")
    params: dict[str, Any] = {"format": fmt, "limit": limit}
    if shortlist is not None:
        params["shortlist_id"] = shortlist.pk
    else:
        clean = _clean_filters(filters or {})
        from influencers.selectors.creators import creator_list

        creator_list(filters=clean)  # validates now, so a bad filter is a 400 and not a failed job
        params["filters"] = clean
    return job_submit(kind=JobKind.EXPORT, params=params, organization=organization, user=user)


def _clean_filters(filters: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in filters.items():
        if isinstance(value, list):
            if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
                raise InputError("list items must be plain values", field=f"filters.{key}")
            clean[key] = [str(v) for v in value]
        elif isinstance(value, bool):
            clean[key] = "true" if value else "false"
        elif isinstance(value, (str, int, float)):
            clean[key] = str(value)
        elif value is not None:
            raise InputError("must be a plain value or a list of them", field=f"filters.{key}")
    return clean


def export_dir(organization_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / str(organization_id)


def run_export_job(job: Job) -> dict[str, Any]:
    """The EXPORT job handler: gather rows, write the file, report progress."""
    from core.services.jobs import job_log, job_progress, job_set_total
    from vetting.services.exports.pdf import write_pdf
    from vetting.services.exports.tabular import write_csv, write_xlsx

    params = job.params or {}
    fmt = params.get("format")
    if fmt not in FORMATS or job.organization_id is None:
        raise InvalidState(f"export job {job.pk} has no valid format or organisation")
    rows, title = export_rows(
        organization_id=job.organization_id,
        shortlist_id=params.get("shortlist_id"),
        filters=params.get("filters"),
        limit=int(params.get("limit") or 200),
        with_history=fmt == "pdf",
    )
    job_set_total(job=job, total=len(rows) + 1)
    job_log(job=job, message=f"exporting {len(rows)} creator(s) as {fmt}")
    folder = export_dir(job.organization_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"export-{job.pk}.{fmt}"
    partial = path.with_suffix(f".{fmt}.part")

    def progress(done: int) -> None:
        job_progress(job=job, done=done)

    writer = {"csv": write_csv, "xlsx": write_xlsx, "pdf": write_pdf}[fmt]
    writer(partial, rows, title=title, progress=progress)
    partial.replace(path)  # atomic: a download never sees half a file
    safe_title = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in title)[:60].strip("-") or "export"
    return {"path": str(path), "filename": f"{safe_title}.{fmt}", "format": fmt, "rows": len(rows)}


def export_file(*, job: Job) -> tuple[Path, str, str]:
    """(path, download filename, content type) of a finished export; InvalidState otherwise."""
    if job.kind != JobKind.EXPORT:
        raise InvalidState("this job is not an export")
    if job.status != JobStatus.SUCCEEDED:
        raise InvalidState(f"the export is {job.status}, not ready for download")
    path = Path((job.result or {}).get("path", ""))
    if job.organization_id is None:  # run_export_job refuses such a job: it never wrote a file
        raise InvalidState("the export file is gone; run the export again")
    root = export_dir(job.organization_id).resolve()
    if not path.is_file() or root not in path.resolve().parents:
        raise InvalidState("the export file is gone; run the export again")
    fmt = job.result.get("format", path.suffix.lstrip("."))
    return path, job.result.get("filename", path.name), CONTENT_TYPES.get(fmt, "application/octet-stream")


__all__ = ["ExportRow", "export_create", "export_file", "export_rows", "run_export_job"]
