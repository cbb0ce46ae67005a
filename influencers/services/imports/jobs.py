"""The IMPORT job handler: runs an import file as a Job with progress, counts and a log."""

from __future__ import annotations

from typing import Any

from core.errors import InputError
from core.models import Job
from core.services.jobs import job_log, job_progress, job_set_total
from influencers.services.imports.service import creators_import_file

PROGRESS_EVERY = 2000  # records validated between two progress writes


def run_import_job(job: Job) -> dict[str, Any]:
    """Import `job.params["path"]` (optional "mapping": a mapping file path, "dry_run": bool).

    While validating, `done` counts the records read; then `total` is the number of accounts
    and `done` reaches it when they are written. The counts per table are stored on the job. Invalid input raises
    ImportValidationError, which the job runner records as the job's error (every problem
    listed) with nothing written.
    """
    params = job.params or {}
    path = params.get("path")
    if not path or not isinstance(path, str):
        raise InputError("the import job has no file path", field="path")
    dry_run = bool(params.get("dry_run", False))
    job_log(job=job, message=f"{'checking' if dry_run else 'importing'} {path}")
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
            job_log(
                job=job, message=f"{total} account(s) valid, writing" if not dry_run else f"{total} account(s) valid"
            )

    result = creators_import_file(path=path, mapping=params.get("mapping"), dry_run=dry_run, progress=progress)
    if job.total != result.accounts_total:
        job_set_total(job=job, total=result.accounts_total)
    job_progress(job=job, done=result.accounts_total, counts=result.counts)
    for table, counts in result.counts.items():
        if any(counts.values()):
            job_log(
                job=job,
                message=f"{table}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged",
            )
    for warning in result.warnings:
        job_log(job=job, message=f"warning: {warning}")
    return result.as_dict()
