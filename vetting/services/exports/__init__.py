"""Exports of a shortlist or a discovery search as CSV, XLSX or a PDF vetting report.

`export_create` validates the request and queues an EXPORT job (organisation-owned); the job
handler `run_export_job` gathers the rows, writes the file under MEDIA_ROOT/exports/<org id>/
and records its path in `job.result`. Files are served only by the API's download view, which
checks the organisation; never through /media/.

An export is written in one language (`language`: "en" or "zh-hans", the requester's by
default): headers, labels, sentences and the PDF throughout. A CSV's header row is of labels in
that language, or of stable codes with `csv_header="code"`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation

from core.errors import InputError, InvalidState
from core.models import Job, JobKind, JobStatus, Organization
from core.services.jobs import job_submit
from vetting import messages as m
from vetting.models import Shortlist
from vetting.services.exports.rows import ExportContext, ExportRow, export_rows

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
MAX_ROWS = {"csv": 1000, "xlsx": 1000, "pdf": 200}
CSV_HEADERS = ("label", "code")


def export_languages() -> tuple[str, ...]:
    """The languages an export can be written in (settings.LANGUAGES)."""
    return tuple(code for code, _name in settings.LANGUAGES)


def export_language(requested: str | None = None) -> str:
    """The export language for a request: `requested` when given (an InputError when it is not
    one of the UI's languages), else the active language (the web page's, the API request's
    Accept-Language), else the default."""
    languages = export_languages()
    if requested:
        code = requested.lower().replace("_", "-")
        if code in ("zh", "zh-cn", "zh-hans-cn"):
            code = "zh-hans"
        if code not in languages:
            raise InputError(f"unknown language {requested!r} (choose from {', '.join(languages)})", field="language")
        return code
    active = (translation.get_language() or settings.LANGUAGE_CODE).lower()
    return next((code for code in languages if active.startswith(code.split("-")[0])), settings.LANGUAGE_CODE)


def export_create(
    *,
    organization: Organization,
    user: User | AnonymousUser | None = None,
    fmt: str,
    shortlist: Shortlist | None = None,
    filters: dict[str, Any] | None = None,
    limit: int = 200,
    language: str | None = None,
    csv_header: str = "label",
) -> Job:
    """Queue an export of `shortlist` (one of the organisation's) or of a discovery search
    (`filters`, the GET /api/creators/ parameters) in `language` (see `export_language`).
    Returns the PENDING job."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})", field="format")
    if (shortlist is None) == (filters is None):
        raise InputError("give either a shortlist or search filters", field="shortlist")
    if shortlist is not None and shortlist.organization_id != organization.pk:
        raise InputError("no such shortlist", field="shortlist")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_ROWS[fmt]:
        raise InputError(f"limit must be between 1 and {MAX_ROWS[fmt]} for {fmt}", field="limit")
    if csv_header not in CSV_HEADERS:
        raise InputError(f"csv_header must be one of {', '.join(CSV_HEADERS)}", field="csv_header")
    params: dict[str, Any] = {"format": fmt, "limit": limit, "language": export_language(language)}
    if fmt == "csv":
        params["csv_header"] = csv_header
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
    """The EXPORT job handler: gather rows, write the file in the export's language, report
    progress."""

    params = job.params or {}
    fmt = params.get("format")
    if fmt not in FORMATS or job.organization_id is None:
        raise InvalidState(f"export job {job.pk} has no valid format or organisation")
    # Jobs queued before exports had a language were English.
    language = params.get("language") or "en"
    if language not in export_languages():
        raise InvalidState(f"export job {job.pk} asks for an unknown language {language!r}")
    with translation.override(language):
        return _write_export(job, fmt, params, language)


def _write_export(job: Job, fmt: str, params: dict[str, Any], language: str) -> dict[str, Any]:
    from core.services.jobs import job_log, job_progress, job_set_total
    from vetting.services.exports.pdf import write_pdf
    from vetting.services.exports.tabular import write_csv, write_xlsx

    assert job.organization_id is not None  # checked by run_export_job
    rows, context = export_rows(
        organization_id=job.organization_id,
        shortlist_id=params.get("shortlist_id"),
        filters=params.get("filters"),
        limit=int(params.get("limit") or 200),
        with_history=fmt == "pdf",
        with_overlap=fmt in ("pdf", "xlsx"),
    )
    job_set_total(job=job, total=len(rows) + 1)
    job_log(job=job, message=m.EXPORTING(n=len(rows), format=fmt))
    folder = export_dir(job.organization_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"export-{job.pk}.{fmt}"
    partial = path.with_suffix(f".{fmt}.part")

    def progress(done: int) -> None:
        job_progress(job=job, done=done)

    if fmt == "csv":
        write_csv(partial, rows, context=context, progress=progress, header_row=params.get("csv_header") or "label")
    elif fmt == "xlsx":
        write_xlsx(partial, rows, context=context, progress=progress)
    else:
        write_pdf(partial, rows, context=context, progress=progress, language=language)
    partial.replace(path)  # atomic: a download never sees half a file
    return {
        "path": str(path),
        "filename": f"{download_name(context)}.{fmt}",
        "format": fmt,
        "rows": len(rows),
        "language": language,
    }


def download_name(context: ExportContext) -> str:
    """A file name for the download: the shortlist's name (letters of any script kept), else
    "search"."""
    title = context.title if not context.is_search else "search"
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in title)[:60].strip("-")
    return safe or "export"


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


__all__ = [
    "ExportContext",
    "ExportRow",
    "export_create",
    "export_file",
    "export_language",
    "export_rows",
    "run_export_job",
]
