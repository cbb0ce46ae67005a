"""The IMPORT job handler: runs an import file as a Job with progress, counts and a log."""

from __future__ import annotations

from typing import Any

from influencers.errors import InputError
from influencers.models import Job
from influencers.services.jobs import job_log, job_progress, job_set_total

from .service import creators_import_file

PROGRESS_EVERY = 2000  # accounts between two progress writes


def run_import_job(job: Job) -> dict[str, Any]:
    """Import `job.params["path"]` (optional "mapping": a mapping file path, "dry_run": bool).

    Progress counts accounts; the counts per table are stored on the job. Invalid input raises
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
        if stage != "writing" or total is None:
            return
        if job.total != total:
            job_set_total(job=job, total=total)
        if done - last["done"] >= PROGRESS_EVERY or done >= total:
            last["done"] = done
            job_progress(job=job, done=done)

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
