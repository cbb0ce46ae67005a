"""`python manage.py embed_images [--account ID ...] [--batch-size N] [--retry-failed] [--no-index]
[--as-job [--job-batch N]]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import VettedError
from vision.management.commands._progress import image_bar


class Command(BaseCommand):
    help = (
        "Embed every image that has no vector yet with the configured embedder (never twice), then "
        "update the index and the creators' aesthetic profiles."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument(
            "--account", type=int, nargs="+", action="extend", dest="accounts", help="Only these account ids"
        )
        parser.add_argument(
            "--batch-size", type=int, default=None, help="Images per model batch (default VISION_BATCH_SIZE)"
        )
        parser.add_argument("--retry-failed", action="store_true", help="Try again the images that failed before")
        parser.add_argument("--no-index", action="store_true", help="Only store vectors; leave the index as it is")
        parser.add_argument(
            "--as-job",
            action="store_true",
            help="Run as an EMBED job split into asset-id batches, one batch job each, spread over every heavy "
            "worker (in this process when no broker is configured)",
        )
        parser.add_argument(
            "--job-batch", type=int, default=None, help="Images per batch job with --as-job (default 1000)"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:
        from vision.embedders import get_embedder
        from vision.services.embedding import embed_pending_assets

        if options["batch_size"] is not None and options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        if options["job_batch"] is not None and (options["job_batch"] < 1 or not options["as_job"]):
            raise CommandError("--job-batch must be at least 1 and goes with --as-job")
        if options["as_job"]:
            if options["no_index"]:
                raise CommandError("--no-index does not go with --as-job (the job publishes the index once at the end)")
            self._enqueue_job(options)
            return
        try:
            embedder = get_embedder()
            self.stderr.write(f"embedder: {embedder.label} [{embedder.id}]")
            report: dict = {}
            with image_bar(self.stderr, "embedding", disable=options["no_progress"]) as progress:
                embedded = embed_pending_assets(
                    batch_size=options["batch_size"],
                    progress=progress,
                    account_ids=options["accounts"],
                    retry_failed=options["retry_failed"],
                    update_index=not options["no_index"],
                    report=report,
                )
        except VettedError as exc:
            raise CommandError(str(exc)) from exc
        line = f"embedded {embedded} image(s)"
        if report.get("failed"):
            line += f", {report['failed']} unreadable (skipped next time; --retry-failed to retry)"
        if "index" in report:
            idx = report["index"]
            line += f"; index {idx['action']} ({idx.get('count', 0)} vectors, version {idx.get('version', 0)})"
            line += f"; {report.get('profiles', 0)} profile(s) refreshed"
        self.stdout.write(line)

    def _enqueue_job(self, options: dict) -> None:
        from core.models import JobKind, JobStatus
        from core.services.jobs import job_submit

        params: dict = {"reason": "embed_images --as-job", "retry_failed": options["retry_failed"]}
        if options["accounts"]:
            params["account_ids"] = sorted(set(options["accounts"]))
        if options["job_batch"]:
            params["batch_assets"] = options["job_batch"]
        try:
            job = job_submit(kind=JobKind.EMBED, params=params)
        except VettedError as exc:
            raise CommandError(str(exc)) from exc
        job.refresh_from_db()
        if job.status in (JobStatus.PENDING, JobStatus.RUNNING):  # a worker may have started it already
            self.stdout.write(f"EMBED job {job.pk} {job.status}; follow it at /api/jobs/{job.pk}/")
        elif job.status == JobStatus.SUCCEEDED:
            self.stdout.write(
                f"EMBED job {job.pk}: embedded {job.result.get('embedded_total', 0)} image(s) in "
                f"{job.result.get('batches', 0)} batch(es); index {job.result.get('index', {}).get('action', '-')}"
            )
        else:
            raise CommandError(f"EMBED job {job.pk} {job.status}: {job.error}")
