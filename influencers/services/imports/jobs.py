"""Imports as jobs: an uploaded file becomes an IMPORT job (`import_upload_submit`, or
`import_upload_store` then `import_submit` when the web UI asks for the column mapping in
between), and the job handler runs it with progress, counts and a log (`run_import_job`).

Who writes the shared catalogue: any editor or owner of any organisation (the people who own the
data import it); viewers may not. The job belongs to the importing user's organisation, so its page
and progress are theirs. The rule lives here (`catalogue_import_check`), for the API and the web UI
alike (docs/import-format.md, "Who may import")."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_noop

from core.errors import ImportValidationError, InputError, InvalidState, PermissionDenied
from core.models import Job, JobKind, JobStatus, Organization
from core.selectors.tenancy import membership_for_user
from core.services.jobs import job_log, job_phase, job_progress, job_set_total, job_submit
from core.services.upload_folders import upload_folder
from influencers import messages as m
from influencers.follow_ups import AccountsChanged, follow_ups_of
from influencers.services.imports.mapping import ColumnMapping, mapping_from_data
from influencers.services.imports.service import creators_import_file
from influencers.services.imports.shipped import shipped_mapping

IMPORT_MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 200 * 1024 * 1024)

PROGRESS_EVERY = 2000  # records validated between two progress writes
PHASE_WRITES = 50  # at most this many progress writes per follow-up step (each a small UPDATE)
# The import's own phase, before the follow-ups' (named in English, translated by the faces).
WRITING = gettext_noop("writing the accounts")
PROBLEMS_KEPT = 1000  # refused rows a job keeps as data for its page (the error text lists 50)
MAPPABLE_KINDS = ("csv", "tsv", "xlsx")  # JSON files use the documented format, never a mapping


@dataclass(frozen=True)
class StoredUpload:
    """An uploaded import file kept in a private temporary folder; `name` is the user's own name
    for it (what messages show), `path` never leaves the server."""

    path: str
    name: str
    kind: str


def run_import_job(job: Job) -> dict[str, Any]:
    """Import `job.params["path"]` (optional "mapping": a mapping file path, "dry_run": bool).

    While validating, `done` counts the records read. Then the job goes through phases
    (`Job.phase`): writing the accounts, then each follow-up of the committed import (search
    text, metrics, vetting, ...: influencers.follow_ups), each counting the accounts done; the
    job's own done/total covers all phases. The counts per table are stored on the job. Invalid input raises
    ImportValidationError, which core.services.jobs.run_job records as the job's error (every problem
    listed) with nothing written.
    """
    params = job.params or {}
    path = params.get("path")
    if not path or not isinstance(path, str):
        raise InputError("the import job has no file path", field="path")
    dry_run = bool(params.get("dry_run", False))
    # Users see the name of what they uploaded, never the server's temporary path.
    source = upload_display_name(params.get("original_name")) or Path(path).name
    job_log(job=job, message=(m.CHECKING if dry_run else m.IMPORTING)(file=source))
    last = {"done": -PROGRESS_EVERY}
    steps = [WRITING] + ([] if dry_run else follow_ups_of(AccountsChanged))
    written: list[tuple[str, int]] = [("", 0)]  # the step and done last written

    def follow_up(what: str, done: int, total: int) -> None:
        # Written when a step starts and ends, and at most PHASE_WRITES times in between.
        step_written, done_written = written[0]
        if what != step_written or done >= total or done - done_written >= max(1, total // PHASE_WRITES):
            written[0] = (what, done)
            step = steps.index(what) + 1 if what in steps else len(steps)
            job_phase(job=job, name=what, step=step, steps=len(steps), done=done, total=total)

    def progress(stage: str, done: int, total: int | None) -> None:
        # Only the validation happens outside the import's transaction: progress written while
        # writing would be invisible to other connections until the commit (and would share the
        # connection with the writer thread), so the write phase reports once, at the end.
        if stage == "validating" and total is None and done - last["done"] >= PROGRESS_EVERY:
            last["done"] = done
            job_progress(job=job, done=done)
        elif stage == "validated":
            job_phase(job=job, name=WRITING, step=1, steps=len(steps), done=0, total=total or 0)
            job_log(job=job, message=(m.VALID if dry_run else m.VALID_WRITING)(n=total or 0))

    mapping: str | ColumnMapping | None = params.get("mapping")  # a mapping file (the CLI's jobs)
    if params.get("mapping_data") is not None:
        mapping = mapping_from_data(params["mapping_data"], source=str(params.get("mapping_name") or "column mapping"))
    try:
        result = creators_import_file(
            path=path, mapping=mapping, dry_run=dry_run, progress=progress, source=source, follow_up_progress=follow_up
        )
    except ImportValidationError as exc:
        _keep_problems(job, exc.errors)
        raise
    job_set_total(job=job, total=result.accounts_total)
    job_progress(job=job, done=result.accounts_total, counts=result.counts)
    for table, counts in result.counts.items():
        if any(counts.values()):
            job_log(
                job=job,
                message=m.TABLE_COUNTS(
                    table=table, created=counts["created"], updated=counts["updated"], unchanged=counts["unchanged"]
                ),
            )
    for warning in result.warnings:
        job_log(job=job, message=m.IMPORT_WARNING(text=str(warning)))
    return result.as_dict()


def _keep_problems(job: Job, errors: list[InputError]) -> None:
    """Store the refused rows as data (file, row, field, reason) for the job's page; the job's
    failure keeps them (core.services.jobs.job_fail only replaces its message)."""
    problems = [
        {"file": e.source, "row": e.location, "field": e.field or "", "reason": e.reason}
        for e in errors[:PROBLEMS_KEPT]
    ]
    job.result = {**(job.result or {}), "problems": problems}
    Job.objects.filter(pk=job.pk).update(result=job.result)


def upload_display_name(name: Any) -> str:
    """An uploaded file's own name as messages show it: the last path part, printable, ≤ 200
    characters ('' when there is none)."""
    if not isinstance(name, str):
        return ""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable()).strip()[:200]


def sniff_import_kind(upload: IO[bytes]) -> str:
    """The importer's file type ('xlsx', 'json', 'jsonl', 'tsv' or 'csv') from the upload's
    content; its name is not trusted. Anything else is an InputError naming the field."""
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise InputError("a broken ZIP/XLSX file", field="file") from exc
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise InputError("a ZIP file that is not an XLSX workbook", field="file")
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] == b"[":
        return "json"
    if text[:1] == b"{":
        first, _, rest = text.partition(b"\n")
        try:
            json.loads(first)
        except ValueError:
            return "json"  # one object over several lines
        return "jsonl" if rest.lstrip()[:1] == b"{" else "json"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        try:  # the head may end inside a multi-byte character
            decoded = head[:-4].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError("not a CSV, TSV, XLSX, JSON or JSONL file (not UTF-8 text)", field="file") from exc
    header = decoded.lstrip("\ufeff").split("\n", 1)[0]
    if "\x00" in decoded or not header.strip():
        raise InputError("not a CSV, TSV, XLSX, JSON or JSONL file", field="file")
    if "\t" in header:
        return "tsv"
    if "," in header or ";" in header:
        return "csv"
    raise InputError("not a CSV, TSV, XLSX, JSON or JSONL file (no delimited header line)", field="file")


def catalogue_import_check(*, user: Any, organization: Organization) -> None:
    """Refuse (PermissionDenied) a user who may not import into the shared catalogue for
    `organization`: editors and owners of any organisation may, viewers and non-members not."""
    membership = membership_for_user(user, organization_id=organization.pk)
    if membership is None or not membership.can_write:
        raise PermissionDenied("your role in this organisation cannot import creators (viewers read only)")


def import_upload_store(*, upload: UploadedFile) -> StoredUpload:
    """Check an uploaded import file (size, type sniffed from its content) and keep it in a
    private temporary folder."""
    if upload.size is not None and upload.size > IMPORT_MAX_BYTES:
        raise InputError(f"the file is {upload.size:,} bytes, above the limit of {IMPORT_MAX_BYTES:,}", field="file")
    kind = sniff_import_kind(upload)
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(upload.name or "upload").stem)[:80] or "upload"
    path = upload_folder("imports") / f"{stem}.{kind}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return StoredUpload(path=str(path), name=upload_display_name(upload.name), kind=kind)


def import_mapping_data(mapping: str | dict[str, Any] | None, *, kind: str) -> tuple[str, dict[str, Any] | None]:
    """(name, data) of the column mapping asked for: a shipped mapping's name, or the columns
    chosen in the web UI as mapping data; checked now, so a bad mapping never becomes a job."""
    if mapping in (None, "", {}):
        return "", None
    if kind not in MAPPABLE_KINDS:
        raise InputError(
            "a column mapping applies to CSV and XLSX files; JSON uses the documented format", field="mapping"
        )
    if isinstance(mapping, str):
        name, data = mapping, shipped_mapping(mapping).data()
    else:
        name, data = "column mapping", mapping
    mapping_from_data(data, source=name)
    return name, data


def import_submit(
    *,
    stored: StoredUpload,
    dry_run: bool,
    organization: Organization,
    user: Any,
    mapping: str | dict[str, Any] | None = None,
) -> Job:
    """Queue an IMPORT job (belonging to `organization`) for a stored upload; returns the job."""
    catalogue_import_check(user=user, organization=organization)
    name, data = import_mapping_data(mapping, kind=stored.kind)
    params: dict[str, Any] = {"path": stored.path, "dry_run": dry_run, "original_name": stored.name}
    if data is not None:
        params.update(mapping_name=name, mapping_data=data)
    return job_submit(kind=JobKind.IMPORT, params=params, organization=organization, user=user)


def import_upload_submit(
    *,
    upload: UploadedFile,
    dry_run: bool,
    organization: Organization,
    user: Any,
    mapping: str | dict[str, Any] | None = None,
) -> Job:
    """Store an uploaded import file and queue its IMPORT job; returns the job to follow."""
    catalogue_import_check(user=user, organization=organization)
    stored = import_upload_store(upload=upload)
    return import_submit(stored=stored, dry_run=dry_run, organization=organization, user=user, mapping=mapping)


def import_confirm(*, job: Job, user: Any) -> Job:
    """Import for real the file (and mapping) a dry run found valid: a new IMPORT job of the same
    organisation. Anything but a succeeded dry run whose file is still there is refused."""
    params = job.params or {}
    if job.kind != JobKind.IMPORT or not params.get("dry_run") or job.status != JobStatus.SUCCEEDED:
        raise InvalidState("only a dry run that found no problems can be imported")
    if job.organization is None:
        raise InvalidState("this dry run belongs to no organisation")
    if not Path(str(params.get("path", ""))).is_file():
        raise InvalidState("the checked file is gone; upload it again")
    catalogue_import_check(user=user, organization=job.organization)
    return job_submit(
        kind=JobKind.IMPORT,
        params={**params, "dry_run": False, "checked_by_job": job.pk},
        organization=job.organization,
        user=user,
    )
