"""How images flow to an embedder in `Embedder.embed_stream`: the prefetch thread changes
neither the vectors nor their order, a bad image is reported alone, and the prefetch stays a
bounded number of batches ahead of the model."""

from __future__ import annotations

import io
import threading
import time

import numpy as np
import open_clip
import pytest
import torch
from PIL import Image

from tests.vision.style_zoo import zoo_image
from tests.vision.test_clip_embedder import clip_settings, tiny_model_name  # noqa: F401 - fixtures
from vision.embedders import get_embedder
from vision.embedders.clip import OpenClipEmbedder
from vision.embedders.style import StyleEmbedder

STYLES = ("vivid_pop", "bw_contrast", "sepia_vignette", "teal_orange")


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _files(n: int, size: int = 96) -> dict[str, bytes]:
    return {f"img{k}": _jpeg(zoo_image(STYLES[k % len(STYLES)], seed=k, size=size)) for k in range(n)}


def _opener(files: dict[str, bytes], slow: frozenset[str] = frozenset()):
    def load(name: str) -> Image.Image:
        if name in slow:
            time.sleep(0.02)  # the helper and the consumer finish items out of order
        return Image.open(io.BytesIO(files[name]))

    return load


def _collect(stream) -> tuple[list, np.ndarray, list]:
    items, vectors, failures = [], [], []
    for batch in stream:
        assert len(batch.items) == len(batch.vectors)
        items += batch.items
        vectors.append(batch.vectors)
        failures += batch.failures
    return items, np.concatenate(vectors), failures


@pytest.mark.parametrize("kind", ["style", "clip"])
def test_prefetch_gives_the_same_vectors_in_the_same_order_as_the_sequential_path(kind, request):
    if kind == "clip":
        request.getfixturevalue("clip_settings")
    embedder = StyleEmbedder(batch_size=3) if kind == "style" else get_embedder()
    files = _files(11)
    names = list(files)
    load = _opener(files, slow=frozenset(names[1::3]))
    sequential = _collect(embedder.embed_stream(names, load, batch_size=3, prefetch=False))
    overlapped = _collect(embedder.embed_stream(names, load, batch_size=3, prefetch=True))
    assert sequential[0] == overlapped[0] == names
    assert np.array_equal(sequential[1], overlapped[1])
    # and they are each image's own vector, not a neighbour's
    alone = np.concatenate([embedder.embed_images([load(name)]) for name in names])
    assert np.allclose(overlapped[1], alone, atol=1e-5)
    assert not np.allclose(overlapped[1][0], overlapped[1][1], atol=1e-3)


def test_clip_batches_get_open_clips_own_preprocessing_value_for_value(clip_settings):  # noqa: F811
    embedder = get_embedder()
    assert isinstance(embedder, OpenClipEmbedder)
    _, _, reference = open_clip.create_model_and_transforms(
        clip_settings.VISION_MODEL, pretrained=clip_settings.VISION_PRETRAINED
    )
    images = [zoo_image(style, seed=5, size=70) for style in STYLES]
    prepared = [embedder.prepare(image) for image in images]
    assert all(isinstance(item, np.ndarray) for item in prepared)  # no torch in prepare
    assert torch.equal(embedder.batch_tensor(prepared), torch.stack([reference(image) for image in images]))


@pytest.mark.parametrize("prefetch", [True, False])
def test_a_bad_image_in_the_middle_is_reported_and_the_others_embedded(prefetch, monkeypatch):
    embedder = StyleEmbedder(batch_size=4)
    files = _files(9, size=64)
    files["img3"] = b"\xff\xd8\xff\xe0 not really a jpeg"  # a corrupt file
    files["img5"] = _jpeg(Image.new("RGB", (400, 400), (10, 20, 30)))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 300 * 300 // 2)  # img5: > 2× the limit, PIL refuses it
    names = [*files, "missing"]
    load = _opener(files)
    items, vectors, failures = _collect(embedder.embed_stream(names, load, batch_size=4, prefetch=prefetch))
    assert items == ["img0", "img1", "img2", "img4", "img6", "img7", "img8"]
    assert [name for name, _ in failures] == ["img3", "img5", "missing"]
    reasons = dict(failures)
    assert reasons["img3"].startswith("OSError")  # a JPEG header, then garbage: fails when decoded
    assert reasons["img5"].startswith("DecompressionBombError")
    assert reasons["missing"].startswith("KeyError")
    assert np.allclose(vectors[3], embedder.embed_images([load("img4")])[0], atol=1e-6)


def test_prefetch_stays_a_bounded_number_of_batches_ahead():
    embedder = StyleEmbedder(batch_size=2)
    files = _files(4, size=32)
    pulled, loaded = [], []

    def names():
        for k in range(40):
            pulled.append(k)
            yield f"img{k % 4}"

    def load(name: str) -> Image.Image:
        loaded.append(name)
        return Image.open(io.BytesIO(files[name]))

    stream = embedder.embed_stream(names(), load, batch_size=2, prefetch=True, prefetch_batches=2)
    first = next(stream)
    time.sleep(0.3)  # an unbounded prefetch would go on loading while the model's caller is busy
    assert len(first.items) == 2
    assert len(pulled) == 6 and len(loaded) <= 6  # this batch + 2 ahead
    rest = [batch for batch in stream]
    assert len(rest) == 19 and len(loaded) == 40


def test_closing_the_stream_early_stops_the_prefetch_thread():
    embedder = StyleEmbedder(batch_size=2)
    files = _files(4, size=32)
    before = {t for t in threading.enumerate() if t.name == "vision-prefetch"}
    stream = embedder.embed_stream([f"img{k % 4}" for k in range(30)], _opener(files), batch_size=2)
    next(stream)
    stream.close()
    assert {t for t in threading.enumerate() if t.name == "vision-prefetch"} == before
