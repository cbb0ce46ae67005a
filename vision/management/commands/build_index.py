"""`python manage.py build_index [--if-stale] [--no-embed] [--check]`.

With --if-stale while the configured embedder is being switched to (no index yet, a previous
embedder's index serving), nothing is embedded here: the server's searches keep using the previous
index and hand the re-embedding to a job (vision.services.serving)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.errors import VettedError
from vision.management.commands._progress import image_bar, stage_bar


class Command(BaseCommand):
    help = (
        "Embed pending images, then rebuild the FAISS index of the configured embedder from the stored "
        "vectors and refresh every aesthetic profile. --if-stale only does what is needed: embeds what is "
        "pending and applies the database/index difference (nothing when they agree)."
    )
    # A query or an index update from the shell: Django's system checks (every URL module and
    # template tag imported) would cost more CPU than the work itself.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--if-stale", action="store_true", help="Only update when the index is out of step")
        parser.add_argument("--no-embed", action="store_true", help="Do not embed pending images first")
        parser.add_argument("--check", action="store_true", help="Only report the index state; exit 1 unless ready")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:
        from vision.embedders import get_embedder
        from vision.services.embedding import embed_pending_assets, pending_assets
        from vision.services.index import index_build, index_status, index_sync
        from vision.services.profiles import profile_refresh, profiles_refresh_all

        quiet = options["no_progress"]
        try:
            embedder = get_embedder()
            self.stderr.write(f"embedder: {embedder.label} [{embedder.id}]")
            if options["check"]:
                status = index_status(embedder.id)
                pending = pending_assets(embedder_id=embedder.id).count()
                self.stdout.write(
                    f"index {status['state']}: {status['count']} vectors in the index, {status['db_count']} stored, "
                    f"{pending} image(s) not embedded yet"
                )
                if status["state"] != "ready" or pending:
                    raise CommandError("the index is not up to date (run `python manage.py build_index --if-stale`)")
                return
            embedded = 0
            if options["if_stale"] and not options["no_embed"]:
                from vision.services.serving import previous_with_index

                previous = previous_with_index(embedder)
                if previous is not None:
                    # Switching embedder: re-embedding the catalogue here would hold the start
                    # for minutes; the server's searches use the previous index meanwhile and
                    # hand the re-embedding to a job.
                    pending = pending_assets(embedder_id=embedder.id).count()
                    self.stdout.write(
                        f"switching to {embedder.label} [{embedder.id}]: {pending} image(s) will be re-embedded "
                        f"by a job; until then searches use {previous.label} [{previous.id}]"
                    )
                    return
            if not options["no_embed"]:
                with image_bar(self.stderr, "embedding", disable=quiet) as progress:
                    embedded = embed_pending_assets(progress=progress, update_index=False)
            with stage_bar(self.stderr, disable=quiet) as stages:
                if options["if_stale"]:
                    result = index_sync(embedder_id=embedder.id, progress=stages)
                    profiles = profile_refresh(account_ids=result.pop("account_ids"), embedder_id=embedder.id)
                    summary = f"index {result['action']}"
                    if result["action"] == "unchanged":
                        summary += " (already up to date)"
                    elif result["action"] == "updated":
                        summary += f" (+{result['added']} −{result['removed']} vectors, {result['moved']} moved)"
                    count, version = result.get("count", 0), result.get("version", 0)
                else:
                    index = index_build(embedder_id=embedder.id, progress=stages)
                    with image_bar(self.stderr, "profiles", disable=quiet) as progress:
                        profiles = profiles_refresh_all(embedder_id=embedder.id, progress=progress)
                    summary = "index rebuilt" if index else "index empty"
                    count, version = (index.count, index.version) if index else (0, 0)
        except VettedError as exc:
            raise CommandError(str(exc)) from exc
        if count == 0:
            self.stdout.write(f"embedded {embedded} image(s); no vectors stored yet, so there is no index to build")
            return
        self.stdout.write(
            f"embedded {embedded} image(s); {summary}: {count} vectors, version {version}; "
            f"{profiles} profile(s) refreshed"
        )
