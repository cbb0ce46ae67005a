"""`python manage.py aesthetic_search (--image PATH ... | --text TEXT) [--top N] [--json]`."""

from __future__ import annotations

import io
import json

from django.core.management.base import BaseCommand, CommandError
from PIL import Image

from core.errors import VettedError
from core.services.media import inspect_image_path


class Command(BaseCommand):
    help = "Creators ranked by visual similarity to example images and/or a text description (text needs CLIP)."
    # A query or an index update from the shell: Django's system checks (every URL module and
    # template tag imported) would cost more CPU than the work itself.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--image", nargs="+", action="extend", default=[], dest="images", metavar="PATH")
        parser.add_argument("--text", default="", help="Describe the look (needs CLIP weights)")
        parser.add_argument(
            "--negative", nargs="+", action="extend", default=[], metavar="PATH", help="Images to steer away from"
        )
        parser.add_argument("--top", type=int, default=20)
        parser.add_argument("--platform", nargs="+", action="extend", dest="platforms")
        parser.add_argument("--country", nargs="+", action="extend", dest="countries")
        parser.add_argument("--min-followers", type=int)
        parser.add_argument("--max-followers", type=int)
        parser.add_argument("--json", action="store_true", help="Print the whole result as JSON")

    def handle(self, *args, **options) -> None:
        from vision.services.search import aesthetic_search

        if not options["images"] and not options["text"]:
            raise CommandError("give --image PATH [PATH ...] and/or --text TEXT")
        try:
            images = [_load(path, "--image") for path in options["images"]]
            negatives = [_load(path, "--negative") for path in options["negative"]]
            result = aesthetic_search(
                images=images,
                text=options["text"],
                negative_images=negatives,
                platforms=options["platforms"],
                countries=options["countries"],
                min_followers=options["min_followers"],
                max_followers=options["max_followers"],
                top=options["top"],
            )
        except VettedError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"embedder: {result.embedder['label']} [{result.embedder['id']}]; index {result.index_state}")
        if not result.results:
            self.stdout.write(
                "no creators found" + (" (nothing embedded yet)" if result.index_state == "empty" else "")
            )
            return
        self.stdout.write(f"{'rank':>4}  {'score':>6}  {'creator':<40} best images (similarity)")
        for rank, match in enumerate(result.results, 1):
            images_text = ", ".join(f"#{m.asset_id} ({m.similarity:.3f})" for m in match.matches)
            name = f"{match.display_name} [{match.creator_id}]"
            self.stdout.write(f"{rank:>4}  {match.score:>6.3f}  {name:<40} {images_text}")


def _load(path: str, option: str) -> Image.Image:
    info = inspect_image_path(path, source=path, field=option)
    return Image.open(io.BytesIO(info.data))
