"""What each new aspect of the style descriptor (v3) sees, on controlled edits of the same random
scenes: tonal key, colour grade, hard edges vs blur, and indifference to resizing and JPEG
re-compression. Scenes come from tests/vision/style_zoo.random_scene (content varies, the edit is
what the test controls)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

from tests.vision.style_zoo import flat_graphic, random_scene
from vision.embedders.style import VERSION_WEIGHTS, StyleEmbedder, style_aspects, style_descriptor
from vision.services.serving import buildable_embedder

SEEDS = range(1, 6)


def _image(pixels: np.ndarray) -> Image.Image:
    return Image.fromarray((np.clip(pixels, 0, 1) * 255).astype(np.uint8))


def _scene(seed: int, size: int = 192) -> np.ndarray:
    return random_scene(np.random.default_rng(seed), size)


def _high_key(x: np.ndarray) -> np.ndarray:
    return 0.6 + 0.38 * x  # lifted shadows, bright, low contrast


def _low_key(x: np.ndarray) -> np.ndarray:
    return 0.35 * x


def _aspect(pixels: np.ndarray | Image.Image, name: str) -> np.ndarray:
    image = pixels if isinstance(pixels, Image.Image) else _image(pixels)
    return style_aspects(image)[name]


def test_high_key_and_low_key_versions_of_one_scene_separate():
    # The key aspect: two different scenes both high-key are closer than one scene high- vs low-key.
    for seed in SEEDS:
        a, b = _scene(seed), _scene(seed + 10)
        same_key = _aspect(_high_key(a), "key") @ _aspect(_high_key(b), "key")
        same_scene = _aspect(_high_key(a), "key") @ _aspect(_low_key(a), "key")
        assert same_key > 0.85 and same_scene < 0.5, (seed, same_key, same_scene)
    # And in the whole descriptor, a high-key query is nearer another high-key scene than a low-key one.
    a, b = _scene(1), _scene(11)
    query = style_descriptor(_image(_high_key(a)))
    assert query @ style_descriptor(_image(_high_key(b))) > query @ style_descriptor(_image(_low_key(b)))


def _muted(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = (x @ np.array([0.299, 0.587, 0.114]))[..., None]
    return y + 0.3 * (x - y), y


def _split_toned(x: np.ndarray) -> np.ndarray:
    """Teal pushed into the shadows, orange into the highlights, over a muted scene."""
    muted, y = _muted(x)
    return muted + 0.15 * ((1 - y) * np.array([-1.0, 0.3, 0.6]) + y * np.array([1.0, 0.2, -0.8]))


def test_split_toned_scenes_are_nearer_each_other_than_neutral_ones():
    # Content varies between scenes, so the split aspect is compared across different scenes:
    # split-toned vs split-toned against split-toned vs neutral (mean over 5 pairs).
    same, neutral = [], []
    for seed in SEEDS:
        a, b = _scene(seed), _scene(seed + 10)
        toned = _aspect(_split_toned(a), "split")
        same.append(toned @ _aspect(_split_toned(b), "split"))
        neutral.append(toned @ _aspect(_muted(b)[0], "split"))
    # Measured 0.70 vs 0.67: scene colours that follow lightness (a blue sky, dark foliage) weigh
    # as much as a 15 % toning, so the aspect helps without deciding alone (docs/vision.md).
    assert np.mean(same) > np.mean(neutral) + 0.02, (same, neutral)
    # On one scene, the direction of the toning is what the aspect measures: teal shadows under
    # orange highlights are further from the mirrored toning than from no toning at all.
    for seed in SEEDS:
        a = _scene(seed)
        muted, y = _muted(a)
        mirrored = muted + 0.15 * ((1 - y) * np.array([1.0, 0.2, -0.8]) + y * np.array([-1.0, 0.3, 0.6]))
        toned = _aspect(_split_toned(a), "split")
        assert toned @ _aspect(mirrored, "split") < toned @ _aspect(muted, "split") - 0.08, seed


def test_flat_graphics_and_their_blurred_versions_separate_on_shape():
    for seed in SEEDS:
        graphic = _image(flat_graphic(np.random.default_rng(seed), 256))
        other = _image(flat_graphic(np.random.default_rng(seed + 10), 256))
        blurred = graphic.filter(ImageFilter.GaussianBlur(8))
        assert _aspect(graphic, "shape") @ _aspect(other, "shape") > _aspect(graphic, "shape") @ _aspect(
            blurred, "shape"
        ), seed


@pytest.mark.parametrize("seed", [2, 4])
def test_resizing_and_jpeg_recompression_barely_move_the_vector(seed):
    original = _image(_split_toned(_scene(seed, 512)))
    buffer = io.BytesIO()
    original.resize((300, 300), Image.Resampling.LANCZOS).save(buffer, format="JPEG", quality=80)
    recompressed = Image.open(io.BytesIO(buffer.getvalue()))
    v, w = style_descriptor(original), style_descriptor(recompressed)
    other_scene = style_descriptor(_image(_split_toned(_scene(seed + 10, 512))))
    assert v @ w > 0.98  # measured 0.997
    assert v @ w > v @ other_scene + 0.1


def test_the_cosine_is_the_weighted_mean_of_the_aspects_cosines():
    image = _image(_scene(7))
    aspects = style_aspects(image)
    assert list(aspects) == list(VERSION_WEIGHTS[3])
    for name, block in aspects.items():
        # Layout is damped (a flat image has no layout), so it may be shorter than unit length.
        assert float(np.linalg.norm(block)) <= 1.0 + 1e-5, name
        assert name == "layout" or abs(float(np.linalg.norm(block)) - 1.0) < 1e-5, name
    weights = VERSION_WEIGHTS[3]
    other = style_aspects(_image(_scene(8)))
    # The cosine of two descriptors is the weighted mean of the aspects' cosines (up to the
    # overall normalisation, which the damped layout makes slightly different from the sum).
    weighted = sum(weights[n] * float(aspects[n] @ other[n]) for n in aspects)
    norms = np.sqrt(sum(weights[n] * float(a @ a) for n, a in aspects.items())) * np.sqrt(
        sum(weights[n] * float(a @ a) for n, a in other.items())
    )
    assert abs(float(style_descriptor(image) @ style_descriptor(_image(_scene(8)))) - weighted / norms) < 1e-4


def test_earlier_versions_keep_their_ids_so_their_indexes_keep_serving():
    # A v2 catalogue keeps answering searches while it is re-embedded with v3 only if this code
    # still builds v2 with the same id (vision.services.serving.buildable_embedder).
    assert StyleEmbedder(version=1).id == "style-v1-c383dff295"
    assert StyleEmbedder(version=2).id == "style-v2-40975c79a3"
    assert StyleEmbedder().id.startswith("style-v3-") and StyleEmbedder().version == 3
    v2 = buildable_embedder("style-v2-40975c79a3")
    assert v2 is not None and v2.id == "style-v2-40975c79a3"
