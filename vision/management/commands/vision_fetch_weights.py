"""`python manage.py vision_fetch_weights [--model NAME] [--pretrained TAG] [--output DIR]`.

Run on a machine WITH internet access. Downloads open_clip weights with open_clip's own
downloader (into the Hugging Face / open_clip cache) and, with --output, writes a self-contained
hub-style folder (open_clip_config.json + weights) to copy to offline machines and point
VISION_PRETRAINED at.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Download open_clip weights (on an online machine) for VISION_MODEL / VISION_PRETRAINED."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--model", default=None, help="open_clip model name (default VISION_MODEL)")
        parser.add_argument(
            "--pretrained",
            default=None,
            help="open_clip pretrained tag (default VISION_PRETRAINED or the model's default tag)",
        )
        parser.add_argument("--output", default=None, help="Write a hub-style folder here to copy to offline machines")

    def handle(self, *args, **options) -> None:
        import open_clip
        from huggingface_hub import constants as hf_constants

        from vision.embedders.presence import DEFAULT_TAGS

        model = options["model"] or settings.VISION_MODEL
        default_tag = (
            settings.VISION_PRETRAINED if settings.VISION_PRETRAINED and "/" not in settings.VISION_PRETRAINED else ""
        )
        if model not in open_clip.list_models():
            raise CommandError(f"--model {model}: not an open_clip model (see open_clip.list_models())")
        tags = open_clip.list_pretrained_tags_by_model(model)
        tag = options["pretrained"] or default_tag or DEFAULT_TAGS.get(model) or (tags[0] if tags else "")
        cfg = open_clip.get_pretrained_cfg(model, tag)
        if not cfg:
            raise CommandError(f"--pretrained {tag!r}: not a pretrained tag of {model} (tags: {', '.join(tags)})")
        offline_help = (
            "Run this command on a machine with internet access, then copy the --output folder to this machine "
            "and set VISION_PRETRAINED to it (see docs/vision.md)."
        )
        if hf_constants.HF_HUB_OFFLINE:
            raise CommandError(
                f"cannot download {model} / {tag}: HF_HUB_OFFLINE is set, so downloads are disabled on this machine. "
                + offline_help
            )
        self.stderr.write(f"downloading {model} / {tag} ...")
        try:
            path = Path(open_clip.download_pretrained(cfg))
        except Exception as exc:
            raise CommandError(f"could not download {model} / {tag}: {exc}\n{offline_help}") from exc
        if not path.is_file():
            raise CommandError(f"open_clip returned no weights file for {model} / {tag}")
        self.stdout.write(f"weights in the local cache: {path}")
        if not options["output"]:
            self.stdout.write(f"this machine can now use VISION_MODEL={model} VISION_PRETRAINED={tag}")
            return
        out = Path(options["output"]).expanduser()
        out.mkdir(parents=True, exist_ok=True)
        model_cfg = dict(open_clip.get_model_config(model))
        if cfg.get("quick_gelu"):
            model_cfg["quick_gelu"] = True
        preprocess = {k: cfg[k] for k in ("mean", "std", "interpolation", "resize_mode") if k in cfg}
        preprocess["size"] = model_cfg["vision_cfg"].get("image_size", 224)
        name = "open_clip_model.safetensors" if path.suffix == ".safetensors" else "open_clip_pytorch_model.bin"
        shutil.copyfile(path, out / name)
        (out / "open_clip_config.json").write_text(
            json.dumps(
                {"model_name": model, "pretrained_tag": tag, "model_cfg": model_cfg, "preprocess_cfg": preprocess},
                indent=2,
            )
        )
        self.stdout.write(f"wrote {out}/ — copy it to the offline machine and set VISION_PRETRAINED={out.resolve()}")
