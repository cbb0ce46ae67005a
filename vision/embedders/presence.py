"""Are CLIP weights on this machine? Answered from files alone, without importing torch/open_clip.

VISION_EMBEDDER=auto asks this in every process that embeds or searches. Importing open_clip (and
with it torch) only to learn that no weights exist cost ~10 s per process, so `auto` first looks
at the disk: a checkpoint file or hub-style folder given in VISION_PRETRAINED, or a pretrained
tag's files in the Hugging Face / open_clip caches. Only when something is there does the CLIP
embedder load (and `resolve_clip_weights`, which needs open_clip, confirm it); a false positive
costs the import, never a wrong embedder.
"""

from __future__ import annotations

import os
from pathlib import Path

# Same lists as vision.embedders.clip (kept here so this module imports nothing heavy).
CHECKPOINT_SUFFIXES = (".bin", ".pt", ".pth", ".safetensors")
FOLDER_CHECKPOINTS = (
    "open_clip_model.safetensors",
    "open_clip_pytorch_model.safetensors",
    "open_clip_pytorch_model.bin",
    "open_clip_pytorch_model.pth",
    "model.safetensors",
    "pytorch_model.bin",
)
# The tag used when VISION_PRETRAINED is empty (open_clip's best-known weights per model).
DEFAULT_TAGS = {
    "ViT-B-32": "laion2b_s34b_b79k",
    "ViT-B-16": "laion2b_s34b_b88k",
    "ViT-L-14": "laion2b_s32b_b82k",
}


def looks_like_path(pretrained: str) -> bool:
    """VISION_PRETRAINED names a file or folder rather than an open_clip tag."""
    return (
        os.sep in pretrained
        or pretrained.startswith((".", "~"))
        or pretrained.endswith(CHECKPOINT_SUFFIXES)
        or Path(pretrained).expanduser().exists()
    )


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache, as huggingface_hub resolves it (env vars, then the default)."""
    explicit = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "huggingface"
    )
    return Path(home).expanduser() / "hub"


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-")


def _tag_in_hub_cache(model: str, tag: str, cache: Path) -> bool:
    """A cached hub repo whose name carries the tag (open_clip names them after the tag, e.g.
    `laion/CLIP-ViT-B-32-laion2B-s34B-b79K` or `timm/vit_base_patch32_clip_224.laion2b_s34b_b79k`)
    and holds a weights file in one of its snapshots."""
    if not cache.is_dir():
        return False
    wanted = _normalise(tag)
    arch = _normalise(model)
    for repo in cache.glob("models--*"):
        name = _normalise(repo.name)
        if wanted not in name:
            continue
        # The laion repos also name the architecture; timm ones use timm's names, so only a
        # laion-style name is checked for the model.
        if "clip-vit" in name and arch not in name:
            continue
        for snapshot in (repo / "snapshots").glob("*"):
            if any((snapshot / f).is_file() for f in FOLDER_CHECKPOINTS):
                return True
    return False


def clip_weights_present(model: str, pretrained: str) -> bool:
    """Whether the weights VISION_MODEL / VISION_PRETRAINED name seem to be on this machine,
    decided from the file system only (see the module docstring)."""
    pretrained = (pretrained or "").strip()
    if pretrained and looks_like_path(pretrained):
        path = Path(pretrained).expanduser()
        if path.is_dir():
            return (path / "open_clip_config.json").is_file() and any((path / f).is_file() for f in FOLDER_CHECKPOINTS)
        return path.is_file()
    tag = pretrained or DEFAULT_TAGS.get(model, "")
    if not tag:
        return False
    if _tag_in_hub_cache(model, tag, hub_cache_dir()):
        return True
    # open_clip's URL downloads (the original OpenAI weights) land in ~/.cache/clip.
    legacy = Path(os.path.expanduser("~/.cache/clip"))
    return tag.lower() == "openai" and legacy.is_dir() and any(legacy.glob(f"{model}*.pt"))
