"""A weight-free image descriptor for visual style: palette, tone, colour statistics, texture and
layout, computed with numpy in a perceptual colour space (CIELAB).

It is NOT CLIP: it knows nothing about objects or scenes. It answers "does this feed *look*
like that one" — pastel and airy, dark and neon, warm and grainy, black-and-white and graphic —
which is what a mood-board search mostly asks, and it works offline with no model weights.

How the vector is built (docs/vision.md has the long version):

Every aspect is a block that is L2-normalised on its own and multiplied by sqrt(weight); the
final vector is normalised again. So the cosine of two descriptors is exactly the weighted mean
of the per-aspect cosines. Every block is either a (square-rooted) distribution, whose cosine is
the Bhattacharyya coefficient, or a scalar encoded with Gaussian bumps ("soft one-hot"), whose
cosine falls smoothly as the two values move apart. No aspect can dominate by its units.

1. palette   joint soft histogram over Lab in polar form: near-neutral pixels by lightness (5
             bins), coloured pixels by lightness (3) × chroma (2) × hue (12, circular) —
             which colours, how light, how vivid.
2. tone      16-bin lightness histogram: high-key / low-key / full range.
3. colour    soft-encoded scalars: mean lightness, lightness spread (contrast), 5–95% range,
   stats     mean chroma, colourfulness (Hasler & Süsstrunk 2003), warmth (mean b* − a*/2
             direction), share of near-neutral pixels.
4. texture   histogram of log gradient magnitude (flat / soft / detailed / noisy), edge
             orientation histogram (geometric vs organic), fine-grain residual energy and
             edge density, at two scales.
5. layout    3×3 grid of mean Lab relative to the image mean (light top, dark corners...),
             damped so flat images do not produce a random direction.
6. shape     (v2) share of truly flat pixels, edge density at five gradient thresholds,
             sharpness (fine detail relative to coarse structure, contrast-free: blur removes
             it, hard edges keep it) and the share of edge energy on the horizontal/vertical
             axes — so hard-edged flat graphics and soft blurred photographs of the same
             colours separate.
7. grade     (v2) split toning and black/white points: mean a*, b* of the darkest and of the
             lightest quarter of the pixels (teal shadows / orange highlights, warm fades),
             2nd and 98th lightness percentiles (lifted blacks, clipped whites).
8. key       (v3) tonal key and contrast: the 5/25/50/75/95 % lightness percentiles, the
             interquartile range, the share of crushed blacks and of clipped whites.
9. chroma    (v3) colour character whatever the hue: a joint lightness × chroma histogram
             (pastel = light and softly coloured, airy = light and near neutral), how
             concentrated the hues are (one tint vs many colours), the warm/cool balance of
             the colour there is, median and 90th-percentile chroma, the chroma of the darkest
             and of the lightest third (tinted vs clean whites) and the strength of the cast.
10. split    (v3) colour as a function of tone: lightest-third minus darkest-third a*, b*
             (the direction of a split toning) and the correlations of a*, b* and chroma with
             lightness.
11. colour_detail (v3) how much of the detail is colour rather than lightness: colour-edge
             share and strength, local colour variation (blotchy colour vs luminance grain vs
             smooth blended tints).

Versions 1 (the first five blocks) and 2 (the first seven) stay computable, with their own
weights and ids (`StyleEmbedder(version=1)`, `version=2`), so an index of older vectors keeps
serving searches while the catalogue is re-embedded with v3 (docs/vision.md, "Switching
embedders"). `style_aspects` returns the blocks of one image, unweighted.

Square roots on histograms keep small accent colours visible next to a dominant background.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import numpy as np
from PIL import Image

from vision.embedders.base import Embedder, l2_normalize

DESCRIPTOR_VERSION = 3  # the current version; 1 and 2 stay computable (see the module docstring)
WORK_SIZE = 128  # pixels per side the descriptor is computed at

# Relative weight of each aspect in the final cosine, per version. v2's and v3's weights were
# chosen on the synthetic style zoo (tests/vision/zoo_eval.py, 12 queries per look; a few steps
# of coordinate search over the block weights, no per-look rule; docs/vision.md has the table).
VERSION_WEIGHTS: dict[int, dict[str, float]] = {
    1: {"palette": 3.0, "tone": 1.0, "stats": 2.5, "texture": 2.5, "layout": 1.0},
    2: {
        "palette": 3.0,
        "tone": 1.0,
        "stats": 1.5,
        "texture": 2.5,
        "layout": 0.5,
        "shape": 2.0,
        "grade": 1.0,
    },
    3: {
        "palette": 3.0,
        "tone": 0.5,
        "stats": 0.75,
        "texture": 5.0,
        "layout": 0.5,
        "shape": 2.0,
        "grade": 1.0,
        "key": 1.0,
        "chroma": 2.0,
        "split": 1.0,
        "colour_detail": 3.0,
    },
}
BLOCK_WEIGHTS = VERSION_WEIGHTS[DESCRIPTOR_VERSION]

_NEUTRAL_CHROMA = (6.0, 14.0)  # below the first: grey; above the second: coloured; linear between
_NEUTRAL_L_CENTRES = np.array([0.0, 25.0, 50.0, 75.0, 100.0])
_COLOUR_L_CENTRES = np.array([20.0, 50.0, 80.0])
_CHROMA_CENTRES = np.array([20.0, 55.0])
_HUE_BINS = 12
_TONE_BINS = 16
_RBF_CENTRES = 8
_GRAD_BINS = 10

_FLAT_GRADIENT = 0.15  # lightness units per pixel below which a pixel counts as flat
_EDGE_THRESHOLDS = (0.5, 1.5, 4.0, 10.0, 25.0)
_AXIS_TOLERANCE = 0.2  # |sin 2θ| below this: an edge within ~6° of horizontal or vertical

# v3: tonal key, chroma character and split toning.
_KEY_PERCENTILES = (5, 25, 50, 75, 95)
_CLIP_L = (3.0, 97.0)  # lightness below / above which a pixel counts as crushed / clipped
_LC_L_CENTRES = np.array([10.0, 30.0, 50.0, 70.0, 90.0])
_LC_C_CENTRES = np.array([0.0, 10.0, 25.0, 45.0, 70.0])
_WARM_HUE = 60.0  # a*b* hue angle (degrees) of the warm pole: orange-yellow; its opposite is teal-blue


def _config(version: int) -> dict:
    """Every parameter of a version (hashed into the embedder id)."""
    config = {
        "version": version,
        "work_size": WORK_SIZE,
        "weights": VERSION_WEIGHTS[version],
        "neutral_chroma": _NEUTRAL_CHROMA,
        "neutral_l": _NEUTRAL_L_CENTRES.tolist(),
        "colour_l": _COLOUR_L_CENTRES.tolist(),
        "chroma": _CHROMA_CENTRES.tolist(),
        "hue_bins": _HUE_BINS,
        "tone_bins": _TONE_BINS,
        "rbf": _RBF_CENTRES,
        "grad_bins": _GRAD_BINS,
        "resize": "bilinear-reducing_gap2",
        "colour": "sRGB-D65-CIELAB",
        "colour_scale": "box2",
    }
    if version >= 2:
        config["shape"] = {"flat": _FLAT_GRADIENT, "edges": _EDGE_THRESHOLDS, "axis": _AXIS_TOLERANCE, "coarse": 4}
        config["grade"] = {"quartiles": [25, 75], "points": [2, 98]}
    if version >= 3:
        config["key"] = {"percentiles": _KEY_PERCENTILES, "clip": _CLIP_L}
        config["chroma"] = {"l": _LC_L_CENTRES.tolist(), "c": _LC_C_CENTRES.tolist(), "warm_hue": _WARM_HUE}
        config["split"] = {"thirds": True, "correlations": ["a", "b", "chroma"]}
        config["colour_detail"] = {"scale": "box2"}
    return config


# sRGB 8-bit → linear light, as a lookup table.
_SRGB = np.arange(256, dtype=np.float64) / 255.0
_LINEAR_LUT = np.where(_SRGB <= 0.04045, _SRGB / 12.92, ((_SRGB + 0.055) / 1.055) ** 2.4).astype(np.float32)
# Linear sRGB → XYZ (D65), rows pre-divided by the D65 white point so white maps to (1, 1, 1).
_RGB_TO_XYZN = (
    np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]])
    / np.array([[0.95047], [1.0], [1.08883]])
).astype(np.float32)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """uint8 (..., 3) sRGB → float32 (..., 3) CIELAB (D65): L in 0..100, a/b roughly −100..100."""
    linear = _LINEAR_LUT[rgb]
    xyz = linear @ _RGB_TO_XYZN.T
    delta = 6.0 / 29.0
    f = np.cbrt(xyz)
    low = xyz <= delta**3  # the linear toe of the Lab curve (very dark colours)
    if low.any():
        f[low] = xyz[low] / (3 * delta**2) + 4.0 / 29.0
    lab = np.empty_like(f)
    lab[..., 0] = 116.0 * f[..., 1] - 16.0
    lab[..., 1] = 500.0 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200.0 * (f[..., 1] - f[..., 2])
    return lab


def _soft_bins(values: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Triangular (linear) soft assignment of each value to its two nearest centres.
    Returns (lower index, upper index, weight of the upper) — values outside clamp to the ends."""
    values = np.clip(values, centres[0], centres[-1])
    upper = np.clip(np.searchsorted(centres, values, side="right"), 1, len(centres) - 1)
    lower = upper - 1
    span = centres[upper] - centres[lower]
    w_upper = (values - centres[lower]) / span
    return lower, upper, w_upper.astype(np.float32)


def _rbf(value: float, lo: float, hi: float, n: int = _RBF_CENTRES) -> np.ndarray:
    """A scalar as Gaussian bumps on `n` evenly spaced centres over [lo, hi], unit length.
    The cosine of two encodings is ~exp(-(Δ/spacing)²/4): 1 when equal, ~0.78 one step apart."""
    centres = np.linspace(lo, hi, n)
    spacing = (hi - lo) / (n - 1)
    x = float(np.clip(value, lo, hi))
    bumps = np.exp(-0.5 * ((x - centres) / spacing) ** 2)
    return bumps / np.linalg.norm(bumps)


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 1e-12 else v


def _palette(lab: np.ndarray) -> np.ndarray:
    L, a, b = lab[..., 0].ravel(), lab[..., 1].ravel(), lab[..., 2].ravel()
    chroma = np.hypot(a, b)
    lo, hi = _NEUTRAL_CHROMA
    colour_w = np.clip((chroma - lo) / (hi - lo), 0.0, 1.0)
    neutral_w = 1.0 - colour_w

    neutral = np.zeros(len(_NEUTRAL_L_CENTRES), dtype=np.float64)
    l0, l1, wl = _soft_bins(L, _NEUTRAL_L_CENTRES)
    neutral += np.bincount(l0, weights=neutral_w * (1 - wl), minlength=len(neutral))
    neutral += np.bincount(l1, weights=neutral_w * wl, minlength=len(neutral))

    n_l, n_c = len(_COLOUR_L_CENTRES), len(_CHROMA_CENTRES)
    coloured = np.zeros(n_l * n_c * _HUE_BINS, dtype=np.float64)
    mask = colour_w > 0
    if mask.any():
        Lc, cc, wc = L[mask], chroma[mask], colour_w[mask]
        hue = (np.degrees(np.arctan2(b[mask], a[mask])) % 360.0) / (360.0 / _HUE_BINS)
        h0 = np.floor(hue).astype(np.int64) % _HUE_BINS
        h1 = (h0 + 1) % _HUE_BINS
        wh = (hue - np.floor(hue)).astype(np.float32)
        cl0, cl1, wlc = _soft_bins(Lc, _COLOUR_L_CENTRES)
        c0, c1, wcc = _soft_bins(cc, _CHROMA_CENTRES)
        # All 2×2×2 corner combinations of the trilinear assignment in one bincount.
        idx, wts = [], []
        for li, lw in ((cl0, 1 - wlc), (cl1, wlc)):
            for ci, cw in ((c0, 1 - wcc), (c1, wcc)):
                base = (li * n_c + ci) * _HUE_BINS
                lcw = wc * lw * cw
                idx += [base + h0, base + h1]
                wts += [lcw * (1 - wh), lcw * wh]
        coloured += np.bincount(np.concatenate(idx), weights=np.concatenate(wts), minlength=len(coloured))
    hist = np.concatenate([neutral, coloured])
    return _unit(np.sqrt(hist / max(hist.sum(), 1e-12)))


def _tone(L: np.ndarray) -> np.ndarray:
    centres = np.linspace(0.0, 100.0, _TONE_BINS)
    l0, l1, w = _soft_bins(L.ravel(), centres)
    hist = np.bincount(l0, weights=1 - w, minlength=_TONE_BINS) + np.bincount(l1, weights=w, minlength=_TONE_BINS)
    return _unit(np.sqrt(hist / max(hist.sum(), 1e-12)))


def _colourfulness(rgb: np.ndarray) -> float:
    """Hasler & Süsstrunk (2003) colourfulness on 8-bit RGB: ~0 greyscale, >100 extremely vivid."""
    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    rg = r - g
    yb = 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def _stats(lab: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    L, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    chroma = np.hypot(a, b)
    p5, p95 = np.percentile(L, [5, 95])
    # Warmth: projection of the mean colour on the warm (orange-yellow) direction of the a*b* plane.
    warmth = float(0.45 * a.mean() + 0.9 * b.mean())
    parts = [
        _rbf(float(L.mean()), 0.0, 100.0),
        _rbf(float(L.std()), 0.0, 40.0),
        _rbf(float(p95 - p5), 0.0, 100.0),
        _rbf(float(chroma.mean()), 0.0, 60.0),
        _rbf(_colourfulness(rgb), 0.0, 120.0),
        _rbf(warmth, -40.0, 40.0),
        _rbf(float((chroma < _NEUTRAL_CHROMA[1]).mean()), 0.0, 1.0),
    ]
    return _unit(np.concatenate(parts))


def _gradients(L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Central-difference gradients (magnitude, orientation in [0, π)) of a 2-D array."""
    gx = np.zeros_like(L)
    gy = np.zeros_like(L)
    gx[:, 1:-1] = 0.5 * (L[:, 2:] - L[:, :-2])
    gy[1:-1, :] = 0.5 * (L[2:, :] - L[:-2, :])
    return np.hypot(gx, gy), np.mod(np.arctan2(gy, gx), np.pi)


def _box3(x: np.ndarray) -> np.ndarray:
    padded = np.pad(x, 1, mode="edge")
    acc = np.zeros_like(x)
    for dy in range(3):
        for dx in range(3):
            acc += padded[dy : dy + x.shape[0], dx : dx + x.shape[1]]
    return acc / 9.0


def _texture(L: np.ndarray) -> np.ndarray:
    mag, ori = _gradients(L)
    # Log-magnitude histogram: 0.25 (smooth gradients) ... 40 (hard edges) lightness units/pixel.
    log_centres = np.linspace(np.log(0.25), np.log(40.0), _GRAD_BINS)
    g0, g1, wg = _soft_bins(np.log(np.maximum(mag.ravel(), 0.25)), log_centres)
    ghist = np.bincount(g0, weights=1 - wg, minlength=_GRAD_BINS) + np.bincount(g1, weights=wg, minlength=_GRAD_BINS)
    ghist = _unit(np.sqrt(ghist / ghist.sum()))

    # Orientation of clear edges, 8 bins over 180°, weighted by magnitude; a flat image gets a
    # uniform histogram (no preferred direction) rather than an empty one.
    strong = mag > 2.0
    obins = 8
    pos = ori[strong] / (np.pi / obins)
    o0 = np.floor(pos).astype(np.int64) % obins
    o1 = (o0 + 1) % obins
    wo = pos - np.floor(pos)
    ohist = np.full(obins, 1e-3)
    if strong.any():
        m = mag[strong]
        ohist += np.bincount(o0, weights=m * (1 - wo), minlength=obins) + np.bincount(
            o1, weights=m * wo, minlength=obins
        )
    ohist = _unit(np.sqrt(ohist / ohist.sum()))

    residual = L - _box3(L)
    half = L.reshape(L.shape[0] // 2, 2, L.shape[1] // 2, 2).mean(axis=(1, 3))
    mag_half, _ = _gradients(half)
    scalars = np.concatenate(
        [
            _rbf(float(np.log1p(residual.std())), 0.0, np.log1p(12.0)),  # film grain / noise / fine detail
            _rbf(float(strong.mean()), 0.0, 0.6),  # edge density
            _rbf(float(np.log1p(mag_half.mean())), 0.0, np.log1p(20.0)),  # coarse structure
        ]
    )
    return np.concatenate([ghist * np.sqrt(0.45), ohist * np.sqrt(0.2), _unit(scalars) * np.sqrt(0.35)])


def _shape(L: np.ndarray) -> np.ndarray:
    """Edges and flat regions: hard-edged flat graphics vs soft, blurred photographs."""
    mag, ori = _gradients(L)
    flat = float((mag < _FLAT_GRADIENT).mean())  # plain backgrounds, flat fills
    density = np.array([(mag > t).mean() for t in _EDGE_THRESHOLDS])
    # Sharpness: fine detail relative to coarse structure (both in lightness units per pixel),
    # so independent of contrast. Blur removes the fine part; hard edges and grain keep it.
    residual = float(np.abs(L - _box3(L)).mean())
    quarter = L.reshape(L.shape[0] // 4, 4, L.shape[1] // 4, 4).mean(axis=(1, 3))
    coarse, _ = _gradients(quarter)
    sharpness = residual / (float(coarse.mean()) / 4.0 + residual + 1e-6)
    strong = mag > 4.0
    axis = 0.0
    if strong.any():
        weights = mag[strong]
        aligned = np.abs(np.sin(2 * ori[strong])) < _AXIS_TOLERANCE
        axis = float(weights[aligned].sum() / weights.sum())
    parts = [
        _rbf(flat, 0.0, 1.0),
        _unit(np.sqrt(density + 1e-4)),
        _rbf(sharpness, 0.0, 1.0),
        _rbf(axis, 0.0, 1.0),
    ]
    return _unit(np.concatenate(parts))


def _grade(lab: np.ndarray) -> np.ndarray:
    """Split toning and black/white points: the colour of the shadows and of the highlights, and
    how deep the blacks and how bright the whites go."""
    L, a, b = lab[..., 0].ravel(), lab[..., 1].ravel(), lab[..., 2].ravel()
    low, high = np.percentile(L, [25, 75])
    dark, light = L <= low, L >= high
    black, white = np.percentile(L, [2, 98])
    parts = [
        _rbf(float(a[dark].mean()), -30.0, 30.0),
        _rbf(float(b[dark].mean()), -30.0, 30.0),
        _rbf(float(a[light].mean()), -30.0, 30.0),
        _rbf(float(b[light].mean()), -30.0, 30.0),
        _rbf(float(black), 0.0, 60.0),
        _rbf(float(white), 40.0, 100.0),
    ]
    return _unit(np.concatenate(parts))


def _key(L: np.ndarray) -> np.ndarray:
    """Tonal key and contrast: where the lightness quantiles sit (high-key = high median, low
    contrast, lifted shadows) and how much is crushed to black or clipped to white."""
    quantiles = np.percentile(L, _KEY_PERCENTILES)
    crushed, clipped = float((L <= _CLIP_L[0]).mean()), float((L >= _CLIP_L[1]).mean())
    parts = [_rbf(float(q), 0.0, 100.0, 12) for q in quantiles]
    parts += [_rbf(float(quantiles[3] - quantiles[1]), 0.0, 60.0), _rbf(crushed, 0.0, 0.4), _rbf(clipped, 0.0, 0.4)]
    return _unit(np.concatenate(parts))


def _chroma(lab: np.ndarray) -> np.ndarray:
    """Colour character independent of hue: the joint lightness × chroma distribution (pastel =
    light and softly coloured, airy = light and nearly neutral, neon = dark and vivid), how
    concentrated the hues are (one tint, as in sepia or duotone, vs many colours) and the
    warm/cool balance of the colour that is there."""
    L, a, b = lab[..., 0].ravel(), lab[..., 1].ravel(), lab[..., 2].ravel()
    chroma = np.hypot(a, b)
    l0, l1, wl = _soft_bins(L, _LC_L_CENTRES)
    c0, c1, wc = _soft_bins(chroma, _LC_C_CENTRES)
    n_c = len(_LC_C_CENTRES)
    idx = np.concatenate([l0 * n_c + c0, l0 * n_c + c1, l1 * n_c + c0, l1 * n_c + c1])
    wts = np.concatenate([(1 - wl) * (1 - wc), (1 - wl) * wc, wl * (1 - wc), wl * wc])
    hist = np.bincount(idx, weights=wts, minlength=len(_LC_L_CENTRES) * n_c)
    hist = _unit(np.sqrt(hist / hist.sum()))
    # Hue statistics weighted by chroma, so near-grey pixels (whose hue is noise) do not count.
    weight = np.clip(chroma - _NEUTRAL_CHROMA[0], 0.0, None)
    total = float(weight.sum())
    if total > 1e-6:
        hue = np.arctan2(b, a)
        concentration = float(np.hypot((weight * np.cos(hue)).sum(), (weight * np.sin(hue)).sum()) / total)
        warm = float((weight * np.cos(hue - np.radians(_WARM_HUE))).sum() / total)
    else:
        concentration, warm = 0.0, 0.0
    # The chroma of the darkest and of the lightest third: clean whites and neutral shadows vs
    # tinted ones (a pastel wash colours the whole range, a neutral airy grade leaves it clean),
    # and the strength of the overall colour cast whatever its hue.
    dark, light = _darkest_and_lightest_third(L)
    cast = float(np.hypot(a.mean(), b.mean()))
    scalars = np.concatenate(
        [
            _rbf(concentration, 0.0, 1.0),
            _rbf(warm, -1.0, 1.0),
            _rbf(float(np.percentile(chroma, 50)), 0.0, 60.0),
            _rbf(float(np.percentile(chroma, 90)), 0.0, 80.0),
            _rbf(float(chroma[dark].mean()), 0.0, 60.0),
            _rbf(float(chroma[light].mean()), 0.0, 60.0),
            _rbf(cast, 0.0, 40.0),
        ]
    )
    return np.concatenate([hist * np.sqrt(0.5), _unit(scalars) * np.sqrt(0.5)])


def _split(lab: np.ndarray) -> np.ndarray:
    """Colour as a function of tone — the heart of a colour grade: the tint of the lightest third
    of the pixels minus that of the darkest third (teal shadows under orange highlights point one
    way, warm-shadowed fades another, an evenly tinted image nowhere), and how a*, b* and chroma
    follow lightness across the image (correlations, so free of the image's overall saturation:
    sepia and split-toned images have colour that rises with lightness)."""
    L, a, b = lab[..., 0].ravel(), lab[..., 1].ravel(), lab[..., 2].ravel()
    dark, light = _darkest_and_lightest_third(L)
    da, db = float(a[light].mean() - a[dark].mean()), float(b[light].mean() - b[dark].mean())
    parts = [
        _rbf(da, -40.0, 40.0),
        _rbf(db, -40.0, 40.0),
        _rbf(float(np.hypot(da, db)), 0.0, 50.0),
        _rbf(_correlation(L, a), -1.0, 1.0),
        _rbf(_correlation(L, b), -1.0, 1.0),
        _rbf(_correlation(L, np.hypot(a, b)), -1.0, 1.0),
    ]
    return _unit(np.concatenate(parts))


def _darkest_and_lightest_third(L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the darkest and of the lightest third of the pixels (a partial sort; ties in a
    flat image are split by position, so both thirds are always non-empty)."""
    third = max(L.size // 3, 1)
    order = np.argpartition(L, (third - 1, L.size - third))
    return order[:third], order[L.size - third :]


def _correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation; 0 when either is constant (a grey image has no colour to follow tone)."""
    xc, yc = x - x.mean(), y - y.mean()
    denom = float(np.sqrt((xc @ xc) * (yc @ yc)))
    return float(xc @ yc) / denom if denom > 1e-3 * x.size else 0.0


def _colour_detail(lab: np.ndarray) -> np.ndarray:
    """How much of the image's detail is in colour rather than lightness: colour edges and
    blotches (saturated scenes, chroma noise) vs luminance-only grain and soft, blended tints."""
    L, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    mag_l, _ = _gradients(L)
    mag_a, _ = _gradients(a)
    mag_b, _ = _gradients(b)
    colour_edges = float(np.hypot(mag_a, mag_b).mean())
    local = float((np.abs(a - _box3(a)) + np.abs(b - _box3(b))).mean())
    parts = [
        _rbf(colour_edges / (colour_edges + float(mag_l.mean()) + 1e-3), 0.0, 1.0),
        _rbf(float(np.log1p(colour_edges)), 0.0, np.log1p(10.0)),
        _rbf(float(np.log1p(local)), 0.0, np.log1p(6.0)),
    ]
    return _unit(np.concatenate(parts))


def _layout(lab: np.ndarray) -> np.ndarray:
    h, w = lab.shape[:2]
    cells = lab[: h - h % 3, : w - w % 3].reshape(3, h // 3, 3, w // 3, 3).mean(axis=(1, 3))  # (3, 3, Lab)
    rel = (cells - lab.reshape(-1, 3).mean(axis=0)) / np.array([25.0, 25.0, 25.0])
    v = rel.ravel()
    # Damped normalisation: a flat image (all cells ≈ mean) stays near zero instead of taking
    # a random direction, so it neither matches nor opposes any layout.
    return v / np.sqrt(float(v @ v) + 0.25)


def _prepare_pixels(image: Image.Image) -> np.ndarray:
    # Full decode (no JPEG draft) so an image gives the same vector however it was opened; the
    # bilinear resize with reducing_gap box-averages large images down first, which is fast.
    image = image.convert("RGB")
    resized = image.resize((WORK_SIZE, WORK_SIZE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(resized, dtype=np.uint8)


def style_aspects(image: Image.Image, version: int = DESCRIPTOR_VERSION) -> dict[str, np.ndarray]:
    """Each aspect (block) of the descriptor of one image, unit length and unweighted: what the
    descriptor compares, one aspect at a time (the cosine of two images' blocks is that aspect's
    similarity)."""
    rgb = _prepare_pixels(image)
    lab = srgb_to_lab(rgb)
    # Colour aspects on a 2×2 box-averaged copy (4× fewer pixels, same distribution of colours
    # at feed-thumbnail scale); texture and shape need the full working resolution.
    h, w = lab.shape[:2]
    lab_small = lab.reshape(h // 2, 2, w // 2, 2, 3).mean(axis=(1, 3))
    rgb_small = rgb.reshape(h // 2, 2, w // 2, 2, 3).mean(axis=(1, 3))
    blocks = {
        "palette": lambda: _palette(lab_small),
        "tone": lambda: _tone(lab_small[..., 0]),
        "stats": lambda: _stats(lab_small, rgb_small),
        "texture": lambda: _texture(lab[..., 0]),
        "layout": lambda: _layout(lab_small),
        "shape": lambda: _shape(lab[..., 0]),
        "grade": lambda: _grade(lab_small),
        "key": lambda: _key(lab_small[..., 0].ravel()),
        "chroma": lambda: _chroma(lab_small),
        "split": lambda: _split(lab_small),
        "colour_detail": lambda: _colour_detail(lab_small),
    }
    return {name: blocks[name]() for name in VERSION_WEIGHTS[version]}


def style_descriptor(image: Image.Image, version: int = DESCRIPTOR_VERSION) -> np.ndarray:
    """The style vector of one image (float32, unit length) in descriptor `version`: its aspects,
    each multiplied by √weight, so the cosine of two vectors is the weighted mean of the aspects'."""
    weights = VERSION_WEIGHTS[version]
    aspects = style_aspects(image, version)
    vector = np.concatenate([aspects[name] * np.sqrt(weight) for name, weight in weights.items()])
    return l2_normalize(vector[None, :])[0]


def _config_hash(version: int) -> str:
    return hashlib.sha256(json.dumps(_config(version), sort_keys=True).encode()).hexdigest()[:10]


class StyleEmbedder(Embedder):
    """The weight-free style descriptor behind the Embedder interface."""

    kind = "style"
    supports_text = False

    def __init__(self, *, batch_size: int = 64, version: int = DESCRIPTOR_VERSION) -> None:
        if version not in VERSION_WEIGHTS:
            raise ValueError(f"unknown style descriptor version {version} (known: {sorted(VERSION_WEIGHTS)})")
        self._batch_size = batch_size
        self.version = version
        self._id = f"style-v{version}-{_config_hash(version)}"
        self._dim = int(style_descriptor(Image.new("RGB", (8, 8)), version).shape[0])
        self.label = {
            1: "Style descriptor (colour/texture, not CLIP)",
            2: "Style descriptor v2 (colour, texture and shape; not CLIP)",
            3: "Style descriptor v3 (colour, tone, grade, texture and shape; not CLIP)",
        }[version]

    @property
    def id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def batch_size(self) -> int:
        return self._batch_size

    def prepare(self, image: Image.Image) -> np.ndarray:
        # The whole descriptor is "preprocessing": it runs in the prefetch thread.
        return style_descriptor(image, self.version)

    def embed_prepared(self, items: Sequence[np.ndarray]) -> np.ndarray:
        return l2_normalize(np.stack(items))
