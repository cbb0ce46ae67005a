"""`python manage.py embed_images [--account ID ...] [--batch-size N] [--retry-failed] [--no-index]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from influencers.errors import VettedError
from vision.management.commands._progress import image_bar


class Command(BaseCommand):
    help = (
        "Embed every image that has no vector yet with the configured embedder (never twice), then "
        "update the index and the creators' aesthetic profiles."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--account", type=int, nargs="+", action="extend", dest="accounts", help="Only these account ids")
        parser.add_argument("--batch-size", type=int, default=None, help="Images per model batch (default VISION_BATCH_SIZE)")
        parser.add_argument("--retry-failed", action="store_true", help="Try again the images that failed before")
        parser.add_argument("--no-index", action="store_true", help="Only store vectors; leave the index as it is")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        from vision.embedders import get_embedder
        from vision.services.embedding import embed_pending_assets

        if options["batch_size"] is not None and options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
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
