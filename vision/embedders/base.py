"""The one small interface every embedder implements, and the batching pipeline around it.

An embedder turns images (and, for CLIP, text) into L2-normalised float32 vectors. Work is split
in two so decoding and preprocessing of the next batch can overlap the model on this batch:

- `prepare(image)`: per image, thread-safe, CPU work outside the model (decode, resize). It runs
  in `embed_stream`'s prefetch thread while the model computes, so it must not start torch work:
  torch would give that thread its own pool of OpenMP threads, fighting the model's for the cores;
- `embed_prepared(items)`: the model on a batch of prepared items (batch-wide tensor work here).

`id` names the model, its weights and its preprocessing; it is stored with every vector and an
index only ever holds vectors of one id.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from queue import SimpleQueue
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
        """Per-image work before the model (thread-safe; PIL and numpy, no torch)."""

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
        prefetch: bool = True,
        prefetch_batches: int = 2,
    ) -> Generator[StreamBatch[T], None, None]:
        """Embed many items whose images `load(item)` opens (from disk, storage...), in order.

        `load` should return the image without decoding it (`Image.open`), so `fit` can decode a
        JPEG at reduced scale. With `prefetch`, a background thread loads, decodes and prepares
        the next `prefetch_batches` batches while the model runs on this one (PIL releases the GIL
        while it decodes and resizes, torch while it computes), and when the model is ready before
        the next batch is, this thread prepares the rest of it alongside: never slower than
        preparing it here alone. Memory stays bounded: at most `prefetch_batches` + 1 batches of
        prepared items wait. `items` is only iterated in this thread. An item whose image cannot
        be loaded or prepared (missing file, broken data, too many pixels) is reported in
        `failures`, not raised; the others are embedded. Vectors do not depend on `prefetch`.
        """
        size = batch_size or self.batch_size
        chunks = _chunked(items, size)

        def prepare_one(item: T) -> tuple[bool, Any]:
            try:
                return True, self.prepare(self.fit(load(item)))
            except Exception as exc:  # noqa: BLE001 - any unreadable image is a per-item failure
                return False, f"{type(exc).__name__}: {exc}"

        if not prefetch:
            for chunk in chunks:
                work = _BatchWork(chunk, prepare_one)
                work.finish()
                yield self._embed_work(work)
            return
        ahead: deque[_BatchWork[T]] = deque()
        queue: SimpleQueue[_BatchWork[T] | None] = SimpleQueue()
        helper = threading.Thread(target=_prefetch_loop, args=(queue,), name="vision-prefetch", daemon=True)
        helper.start()
        try:
            while True:
                # Top up before waiting, so the helper moves on to the next batch while this
                # thread finishes the current one and the model runs.
                while len(ahead) <= max(prefetch_batches, 1) and (chunk := next(chunks, [])):
                    work = _BatchWork(chunk, prepare_one)
                    ahead.append(work)
                    queue.put(work)
                if not ahead:
                    break
                work = ahead.popleft()
                work.finish()
                yield self._embed_work(work)
        finally:
            for waiting in ahead:
                waiting.cancel()  # the generator was closed early: drop what is not started
            queue.put(None)
            helper.join()

    def _embed_work(self, work: _BatchWork[T]) -> StreamBatch[T]:
        ok, prepared, failed = work.outcome()
        if not prepared:
            return StreamBatch(ok, np.zeros((0, self.dim), dtype=np.float32), failed)
        return StreamBatch(ok, self.embed_prepared(prepared), failed)


class _BatchWork(Generic[T]):
    """One batch's items, each prepared by whichever thread claims it first (the prefetch
    helper or the consumer), the results kept in the items' order."""

    def __init__(self, chunk: list[T], prepare_one: Callable[[T], tuple[bool, Any]]) -> None:
        self.chunk = chunk
        self._prepare_one = prepare_one
        self._results: list[tuple[bool, Any] | None] = [None] * len(chunk)
        self._claimed = 0
        self._settled = 0
        self._done = threading.Condition()

    def run(self) -> None:
        """Prepare unclaimed items until none is left (called by both threads)."""
        while True:
            with self._done:
                index = self._claimed
                if index >= len(self.chunk):
                    return
                self._claimed += 1
            result: tuple[bool, Any] = (False, "preparation was interrupted")
            try:
                result = self._prepare_one(self.chunk[index])
            finally:
                with self._done:
                    self._results[index] = result
                    self._settled += 1
                    self._done.notify_all()

    def finish(self) -> None:
        """Prepare what nobody has started, then wait for the items the helper is on."""
        self.run()
        with self._done:
            self._done.wait_for(lambda: self._settled == self._claimed)

    def cancel(self) -> None:
        """Leave the items nobody has started unprepared (the stream was closed)."""
        with self._done:
            self._claimed = len(self.chunk)

    def outcome(self) -> tuple[list[T], list[Any], list[tuple[T, str]]]:
        """(items prepared, their prepared values, (item, reason) of the others), in order."""
        ok, prepared, failed = [], [], []
        for item, result in zip(self.chunk, self._results, strict=True):
            if result is not None and result[0]:
                ok.append(item)
                prepared.append(result[1])
            else:
                failed.append((item, result[1] if result is not None else "not prepared"))
        return ok, prepared, failed


def _prefetch_loop(queue: SimpleQueue[_BatchWork[Any] | None]) -> None:
    while (work := queue.get()) is not None:
        work.run()


def _chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
