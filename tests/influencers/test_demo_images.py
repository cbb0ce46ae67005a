"""The procedural demo styles: deterministic, distinct, and alike within a style."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from influencers.services.demo.images import DEMO_STYLES, draw_style_image


def _mean_colour(style: str, seed: int) -> np.ndarray:
    return np.asarray(draw_style_image(style, seed, 48), dtype=float).reshape(-1, 3).mean(axis=0)


def test_styles_are_a_handful_of_named_looks():
    assert 6 <= len(DEMO_STYLES) <= 8 and len(set(DEMO_STYLES)) == len(DEMO_STYLES)


def test_same_seed_same_pixels_other_seed_other_composition():
    first = np.asarray(draw_style_image("neon-night", 11, 64))
    assert np.array_equal(first, np.asarray(draw_style_image("neon-night", 11, 64)))
    assert not np.array_equal(first, np.asarray(draw_style_image("neon-night", 12, 64)))
    image = draw_style_image("ocean-calm", 1)
    assert image.mode == "RGB" and image.size == (256, 256)


def test_images_of_one_style_are_closer_in_mean_colour_than_to_other_styles():
    colours = {style: [_mean_colour(style, seed) for seed in range(5)] for style in DEMO_STYLES}
    for style in DEMO_STYLES:
        within = np.mean([np.linalg.norm(a - b) for a, b in itertools.combinations(colours[style], 2)])
        for other in DEMO_STYLES:
            if other != style:
                between = np.mean([np.linalg.norm(a - b) for a in colours[style] for b in colours[other]])
                assert within < between, (style, other, within, between)


def test_unknown_style_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="pastel-minimal"):
        draw_style_image("vaporwave", 1)
