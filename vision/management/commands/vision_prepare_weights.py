"""`python manage.py vision_prepare_weights [--hub-timeout SECONDS]` (run by scripts/run.sh).

Makes the default run use CLIP when its weights can be had: with VISION_EMBEDDER auto or clip
and the weights not on this machine, it checks (bounded, a few seconds) whether the model hub
answers; if so it fetches the weights once into the local cache, with a progress bar
(`vision_fetch_weights`), otherwise it prints one line saying the weight-free style descriptor
is in use and how to enable CLIP. It never fails the start: every outcome exits 0.
"""

from __future__ import annotations

import urllib.error
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from vision.embedders.presence import DEFAULT_TAGS, clip_weights_present, looks_like_path

NOTICE = (
    ">> CLIP weights are not on this machine ({why}): aesthetic search uses the weight-free style "
    "descriptor. To enable CLIP: `python manage.py vision_fetch_weights` on a machine with internet "
    "access (docs/vision.md, 'Providing weights')."
)


def hub_reachable(timeout: float) -> bool:
    """Whether the Hugging Face hub answers within `timeout` seconds (one HEAD request)."""
    from huggingface_hub import constants

    request = urllib.request.Request(constants.ENDPOINT, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True  # it answered
    except (OSError, ValueError):
        return False


class Command(BaseCommand):
    help = "Fetch the CLIP weights once when the hub is reachable; otherwise say the style descriptor is used."
    # A query or an index update from the shell: Django's system checks (every URL module and
    # template tag imported) would cost more CPU than the work itself.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--hub-timeout", type=float, default=4.0, help="Seconds to wait for the hub (default 4)")

    def handle(self, *args, **options) -> None:
        from huggingface_hub import constants

        kind = str(settings.VISION_EMBEDDER).strip().lower()
        model, pretrained = str(settings.VISION_MODEL), str(settings.VISION_PRETRAINED or "").strip()
        if kind == "style":
            return
        if clip_weights_present(model, pretrained):
            self.stdout.write(f">> CLIP weights found ({model} / {pretrained or DEFAULT_TAGS.get(model, '')})")
            return
        if pretrained and looks_like_path(pretrained):
            self.stdout.write(NOTICE.format(why=f"VISION_PRETRAINED={pretrained} does not exist"))
            return
        if constants.HF_HUB_OFFLINE:
            self.stdout.write(NOTICE.format(why="HF_HUB_OFFLINE is set"))
            return
        if not hub_reachable(options["hub_timeout"]):
            self.stdout.write(NOTICE.format(why=f"the model hub did not answer within {options['hub_timeout']:g} s"))
            return
        self.stdout.write(f">> fetching CLIP weights {model} once into the local cache (progress below)")
        try:
            call_command("vision_fetch_weights", model=model, pretrained=pretrained or None)
        except CommandError as exc:
            self.stdout.write(NOTICE.format(why=f"the download failed: {str(exc).splitlines()[0]}"))
