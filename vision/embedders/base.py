"""The one small interface every embedder implements, and the batching pipeline around it.

An embedder turns images (and, for CLIP, text) into L2-normalised float32 vectors. Work is split
in two so decoding and preprocessing of the next batch can overlap the model on this batch:

- `prepare(image)`: per image, thread-safe, CPU work outside the model (resize, normalise);
- `embed_prepared(items)`: the model on a batch of prepared items.

`id` names the model, its weights and its preprocessing; it is stored with every vector and an
index only ever holds vectors of one id.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
from PIL import Image

from vision.errors import TextSearchUnavailable

T = TypeVar("T")


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, as contiguous float32 (all-zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def to_rgb(image: Image.Image, *, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """The image as RGB; transparency is flattened onto white (how feeds display PNG cut-outs)."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, background)
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


@dataclass
class StreamBatch(Generic[T]):
    """One embedded batch from `Embedder.embed_stream`: the items that worked with their vectors
    (row i belongs to `items[i]`) and the ones that could not be read, with the reason."""

    items: list[T]
    vectors: np.ndarray
    failures: list[tuple[T, str]]


class Embedder(ABC):
    """Images (and maybe text) → L2-normalised float32 vectors of `dim` dimensions."""

    kind: str = ""  # "clip" or "style"
    label: str = ""
    supports_text: bool = False
    # JPEGs not yet decoded are decoded at the smallest DCT scale (1/2, 1/4, 1/8) that keeps both
    # sides ≥ this many pixels (None: always full size). Part of the preprocessing, so of the id.
    draft_size: int | None = None

    @property
    @abstractmethod
    def id(self) -> str:
        """Stable identity: model, weights (tag or file hash) and preprocessing."""

    @property
    @abstractmethod
    def dim(self) -> int:
        """Vector length."""

    @property
    def batch_size(self) -> int:
        return 32

    @abstractmethod
    def prepare(self, image: Image.Image) -> Any:
        """Per-image work before the model (thread-safe)."""

    @abstractmethod
    def embed_prepared(self, items: Sequence[Any]) -> np.ndarray:
        """The model on prepared items → (n, dim) float32, rows L2-normalised."""

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Text prompts → vectors in the image space. Only CLIP has a text encoder."""
        raise TextSearchUnavailable(
            f"text search needs CLIP weights; the embedder in use is '{self.label}' ({self.id}), which only "
            "compares images. Search with example images instead, or provide CLIP weights (see docs/vision.md: "
            "`python manage.py vision_fetch_weights` on an online machine, then VISION_PRETRAINED=...).",
            field="text",
        )

    def prefetch_helps(self) -> bool:
        """Whether a background decoding thread speeds `embed_stream` up: only when a core is
        left over by the model (measured: on 2 cores with torch on both, a third busy thread
        slowed ViT-B-32 batches more than the overlap gained)."""
        return True

    def fit(self, image: Image.Image) -> Image.Image:
        """The image as the model's preprocessing wants it: RGB, and for a JPEG that is not
        decoded yet, decoded directly at a reduced scale (much cheaper than decoding 1080 px and
        resizing; a no-op for decoded images and other formats). Mutates a not-yet-decoded image."""
        if self.draft_size and getattr(image, "format", None) == "JPEG":
            image.draft("RGB", (self.draft_size, self.draft_size))
        return to_rgb(image)

    def describe(self) -> dict[str, Any]:
        """What every result names: {'id', 'kind', 'label', 'dim', 'supports_text'}."""
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "dim": self.dim,
            "supports_text": self.supports_text,
        }

    def embed_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        """Vectors of in-memory images, in order, batched by `batch_size`."""
        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        for start in range(0, len(images), self.batch_size):
            chunk = [self.prepare(self.fit(image)) for image in images[start : start + self.batch_size]]
            out.append(self.embed_prepared(chunk))
        return np.concatenate(out).astype(np.float32, copy=False)

    def embed_stream(
        self,
        items: Iterable[T],
        load: Callable[[T], Image.Image],
        *,
        batch_size: int | None = None,
        prefetch: bool | None = None,
    ) -> Iterator[StreamBatch[T]]:
        """Embed many items whose images `load(item)` opens (from disk, storage...).

        `load` should return the image without decoding it (`Image.open`), so `fit` can decode a
        JPEG at reduced scale. Loading, decoding and `prepare` of batch i+1 run in a background thread while the model
        runs on batch i (PIL and torch release the GIL), so the model is not kept waiting.
        An item whose image cannot be loaded is reported in `failures`, not raised.
        `prefetch=None` uses `prefetch_helps()`.
        """
        size = batch_size or self.batch_size
        if prefetch is None:
            prefetch = self.prefetch_helps()

        def prepare_chunk(chunk: list[T]) -> tuple[list[T], list[Any], list[tuple[T, str]]]:
            ok, prepared, failed = [], [], []
            for item in chunk:
                try:
                    image = load(item)
                    prepared.append(self.prepare(self.fit(image)))
                    ok.append(item)
                except Exception as exc:  # noqa: BLE001 - any unreadable image is a per-item failure
                    failed.append((item, f"{type(exc).__name__}: {exc}"))
            return ok, prepared, failed

        chunks = _chunked(items, size)
        if not prefetch:
            for chunk in chunks:
                ok, prepared, failed = prepare_chunk(chunk)
                yield StreamBatch(ok, self._embed_or_empty(prepared), failed)
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vision-prefetch") as pool:
            pending = None
            for chunk in chunks:
                future = pool.submit(prepare_chunk, chunk)
                if pending is not None:
                    ok, prepared, failed = pending.result()
                    yield StreamBatch(ok, self._embed_or_empty(prepared), failed)
                pending = future
            if pending is not None:
                ok, prepared, failed = pending.result()
                yield StreamBatch(ok, self._embed_or_empty(prepared), failed)

    def _embed_or_empty(self, prepared: list[Any]) -> np.ndarray:
        if not prepared:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.embed_prepared(prepared)


def _chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
