"""Imports as jobs: an uploaded file becomes an IMPORT job (`import_upload_submit`), and the job
handler runs it with progress, counts and a log (`run_import_job`)."""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from core.errors import InputError
from core.models import Job, JobKind, Organization
from core.services.jobs import job_log, job_progress, job_set_total, job_submit
from influencers import messages as m
from influencers.services.imports.service import creators_import_file

IMPORT_MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 200 * 1024 * 1024)

PROGRESS_EVERY = 2000  # records validated between two progress writes


def run_import_job(job: Job) -> dict[str, Any]:
    """Import `job.params["path"]` (optional "mapping": a mapping file path, "dry_run": bool).

    While validating, `done` counts the records read; then `total` is the number of accounts
    and `done` reaches it when they are written. The counts per table are stored on the job. Invalid input raises
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

    def progress(stage: str, done: int, total: int | None) -> None:
        # Only the validation happens outside the import's transaction: progress written while
        # writing would be invisible to other connections until the commit (and would share the
        # connection with the writer thread), so the write phase reports once, at the end.
        if stage == "validating" and total is None and done - last["done"] >= PROGRESS_EVERY:
            last["done"] = done
            job_progress(job=job, done=done)
        elif stage == "validated":
            job_set_total(job=job, total=total or 0)
            job_progress(job=job, done=0)
            job_log(job=job, message=(m.VALID if dry_run else m.VALID_WRITING)(n=total or 0))

    result = creators_import_file(
        path=path, mapping=params.get("mapping"), dry_run=dry_run, progress=progress, source=source
    )
    if job.total != result.accounts_total:
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


def import_upload_submit(*, upload: UploadedFile, dry_run: bool, organization: Organization, user: Any) -> Job:
    """Check an uploaded import file (size, type sniffed from its content), keep it in a private
    temporary folder and queue an IMPORT job for it; returns the job to follow."""
    if upload.size is not None and upload.size > IMPORT_MAX_BYTES:
        raise InputError(f"the file is {upload.size:,} bytes, above the limit of {IMPORT_MAX_BYTES:,}", field="file")
    kind = sniff_import_kind(upload)
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(upload.name or "upload").stem)[:80] or "upload"
    path = Path(tempfile.mkdtemp(prefix="vetted-import-")) / f"{stem}.{kind}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return job_submit(
        kind=JobKind.IMPORT,
        params={"path": str(path), "dry_run": dry_run, "original_name": upload_display_name(upload.name)},
        organization=organization,
        user=user,
    )
