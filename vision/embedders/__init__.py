"""Embedders and the one cached getter that picks the configured one.

VISION_EMBEDDER: "clip" (open_clip; fails with instructions if its weights are not here),
"style" (weight-free style descriptor) or "auto" (CLIP when its weights are on this machine,
otherwise the style descriptor; decided from the files, without importing torch).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings

from vision.embedders.base import Embedder, l2_normalize
from vision.errors import EmbedderUnavailable, WeightsMissing

__all__ = ["Embedder", "embedder_settings", "get_embedder", "l2_normalize", "reset_embedder_cache"]

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[tuple, Embedder] = {}


def embedder_settings() -> tuple[str, str, str, int, int, int]:
    """The settings an embedder depends on (also its cache key)."""
    return (
        str(settings.VISION_EMBEDDER).strip().lower(),
        str(settings.VISION_MODEL),
        str(settings.VISION_PRETRAINED),
        int(settings.VISION_BATCH_SIZE),
        int(settings.VISION_TORCH_THREADS),
        int(settings.VISION_JPEG_DECODE_FACTOR),
    )


def _build(kind: str, model: str, pretrained: str, batch_size: int, threads: int, decode_factor: int) -> Embedder:
    # open_clip (and torch with it) is imported only on the paths that build a CLIP embedder:
    # importing it costs seconds, and most installs have no weights.
    from vision.embedders.presence import clip_weights_present
    from vision.embedders.style import StyleEmbedder

    def clip() -> Embedder:
        from vision.embedders.clip import OpenClipEmbedder

        return OpenClipEmbedder(
            model=model,
            pretrained=pretrained,
            batch_size=batch_size,
            torch_threads=threads,
            jpeg_decode_factor=decode_factor,
        )

    if kind == "style":
        return StyleEmbedder(batch_size=max(batch_size, 1))
    if kind == "clip":
        return clip()
    if kind == "auto":
        if clip_weights_present(model, pretrained):
            try:
                return clip()
            except (WeightsMissing, EmbedderUnavailable) as exc:
                logger.warning("VISION_EMBEDDER=auto: CLIP weights not usable, using the style descriptor: %s", exc)
        return StyleEmbedder(batch_size=max(batch_size, 1))
    raise EmbedderUnavailable(f"VISION_EMBEDDER={kind!r} is not one of: clip, style, auto")


def get_embedder() -> Embedder:
    """The configured embedder, loaded once per process per settings (the CLIP model is big)."""
    key = embedder_settings()
    embedder = _cache.get(key)
    if embedder is None:
        with _lock:
            embedder = _cache.get(key)
            if embedder is None:
                embedder = _build(*key)
                _cache[key] = embedder
    return embedder


def reset_embedder_cache() -> None:
    """Forget loaded embedders (tests that change settings; after new weights are installed)."""
    with _lock:
        _cache.clear()
