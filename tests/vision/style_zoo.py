"""An independent set of synthetic "editing styles" for testing the style descriptor.

Unlike the demo catalogue (each style draws its own kind of picture), here every image starts
from the same kind of random scene — natural-image-like 1/f noise coloured with a random palette,
plus random shapes and sometimes a horizon — and a style is only a *grade* applied on top, the
way a creator's preset or filter gives a feed its look whatever the subject. A descriptor that
finds these styles follows the look, not the objects.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ZOO_STYLES: tuple[str, ...] = (
    "bright_airy",
    "dark_moody",
    "bw_contrast",
    "vintage_fade",
    "vivid_pop",
    "teal_orange",
    "pastel_soft",
    "sepia_vignette",
    # Two looks that share their colours and differ in shape: hard-edged flat graphics in primary
    # colours (often red/orange/yellow) against soft, heavily blurred warm sunsets.
    "flat_graphic",
    "sunset_blur",
)
GRADES = ZOO_STYLES[:8]  # the styles that are only a grade over a random scene
_PRIMARIES = np.array([[0.88, 0.12, 0.1], [0.98, 0.8, 0.1], [0.1, 0.3, 0.75], [0.95, 0.45, 0.1], [0.08, 0.08, 0.08]])


def _pink_noise(rng: np.random.Generator, size: int) -> np.ndarray:
    freq = np.fft.fftfreq(size)
    radius = np.sqrt(freq[:, None] ** 2 + freq[None, :] ** 2)
    radius[0, 0] = 1.0
    spectrum = (rng.normal(size=(size, size)) + 1j * rng.normal(size=(size, size))) / radius**1.1
    field = np.real(np.fft.ifft2(spectrum))
    return (field - field.min()) / (np.ptp(field) + 1e-9)


def random_scene(rng: np.random.Generator, size: int = 128) -> np.ndarray:
    """A random scene as float RGB in 0..1: 1/f colour fields, shapes, maybe a horizon."""
    palette = rng.uniform(0.05, 0.95, size=(3, 3))
    weights = np.stack([_pink_noise(rng, size) for _ in range(3)], axis=-1) ** 2
    weights /= weights.sum(axis=-1, keepdims=True) + 1e-9
    img = weights @ palette
    if rng.random() < 0.5:  # a sky/ground split
        horizon = int(rng.uniform(0.3, 0.7) * size)
        sky = rng.uniform(0.2, 1.0, size=3)
        ramp = np.linspace(0.7, 1.0, horizon)[:, None, None]
        img[:horizon] = 0.4 * img[:horizon] + 0.6 * sky * ramp
    canvas = Image.fromarray((img * 255).astype(np.uint8))
    draw = ImageDraw.Draw(canvas)
    for _ in range(int(rng.integers(2, 7))):
        x0, y0 = rng.uniform(0, size * 0.8, size=2)
        w, h = rng.uniform(size * 0.08, size * 0.45, size=2)
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        box = (x0, y0, x0 + w, y0 + h)
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    if rng.random() < 0.5:
        canvas = canvas.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 2.0)))
    return np.asarray(canvas, dtype=np.float64) / 255.0


def _luma(img: np.ndarray) -> np.ndarray:
    return img @ np.array([0.299, 0.587, 0.114])


def _saturate(img: np.ndarray, amount: float) -> np.ndarray:
    y = _luma(img)[..., None]
    return np.clip(y + (img - y) * amount, 0, 1)


def _curve(img: np.ndarray, contrast: float, pivot: float = 0.5) -> np.ndarray:
    return np.clip(pivot + (img - pivot) * contrast, 0, 1)


def _grain(img: np.ndarray, rng: np.random.Generator, amount: float) -> np.ndarray:
    return np.clip(img + rng.normal(0, amount, size=img.shape[:2])[..., None], 0, 1)


def _vignette(img: np.ndarray, strength: float) -> np.ndarray:
    size = img.shape[0]
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1) - 0.5
    falloff = 1 - strength * np.clip((np.hypot(xx, yy) / 0.7) ** 2, 0, 1)
    return img * falloff[..., None]


def grade(style: str, img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Apply the named style's grade to a float RGB scene."""
    j = lambda lo, hi: rng.uniform(lo, hi)  # noqa: E731 - per-image jitter so no two grades are identical
    if style == "bright_airy":
        out = _saturate(img, j(0.5, 0.7))
        out = 0.45 + 0.55 * _curve(out, j(0.55, 0.7))
        out = out * np.array([1.0, 0.99, 0.96])
    elif style == "dark_moody":
        out = _saturate(img, j(0.35, 0.55)) * j(0.3, 0.45)
        out = out + np.array([0.0, 0.03, 0.04]) * (1 - _luma(out)[..., None])
        out = _vignette(out, j(0.3, 0.5))
    elif style == "bw_contrast":
        y = _curve(_luma(img), j(1.8, 2.4))[..., None]
        out = np.repeat(y, 3, axis=-1)
    elif style == "vintage_fade":
        out = _saturate(img, j(0.45, 0.65))
        out = 0.16 + 0.72 * _curve(out, j(0.8, 0.95))
        out = out * np.array([1.06, 1.0, 0.8])
        out = _grain(out, rng, j(0.03, 0.05))
    elif style == "vivid_pop":
        out = _curve(_saturate(img, j(1.9, 2.4)), j(1.2, 1.4))
    elif style == "teal_orange":
        y = _luma(img)[..., None]
        shadows, highlights = np.array([0.0, 0.45, 0.55]), np.array([1.0, 0.62, 0.32])
        tone = shadows * (1 - y) + highlights * y
        out = _curve(0.35 * img + 0.65 * tone * (0.4 + 0.8 * y), j(1.1, 1.3))
    elif style == "pastel_soft":
        tint = np.array([[1.0, 0.86, 0.92], [0.9, 0.88, 1.0], [0.88, 1.0, 0.94]])[int(rng.integers(0, 3))]
        out = 0.62 + 0.3 * _saturate(img, j(0.6, 0.9))
        out = out * tint
        out = (
            np.asarray(
                Image.fromarray((np.clip(out, 0, 1) * 255).astype(np.uint8)).filter(
                    ImageFilter.GaussianBlur(j(1.0, 2.0))
                ),
                dtype=np.float64,
            )
            / 255.0
        )
    elif style == "sepia_vignette":
        y = _curve(_luma(img), j(1.1, 1.3))[..., None]
        out = y * np.array([1.0, 0.82, 0.58]) + np.array([0.06, 0.03, 0.0])
        out = _vignette(out, j(0.4, 0.6))
    else:
        raise ValueError(f"unknown zoo style {style!r}")
    return np.clip(out, 0, 1)


def flat_graphic(rng: np.random.Generator, size: int) -> np.ndarray:
    """Flat primary-colour shapes with hard edges on a plain light or dark background."""
    background = [(0.96, 0.94, 0.88), (1.0, 1.0, 1.0), (0.1, 0.1, 0.12), (0.98, 0.82, 0.2)][int(rng.integers(0, 4))]
    canvas = Image.new("RGB", (size, size), tuple(int(255 * c) for c in background))
    draw = ImageDraw.Draw(canvas)
    for _ in range(int(rng.integers(2, 6))):
        colour = tuple(int(255 * c) for c in _PRIMARIES[int(rng.integers(0, len(_PRIMARIES)))])
        x0, y0 = rng.uniform(0, size * 0.7, size=2)
        w, h = rng.uniform(size * 0.15, size * 0.5, size=2)
        shape = int(rng.integers(0, 3))
        if shape == 0:
            draw.rectangle((x0, y0, x0 + w, y0 + h), fill=colour)
        elif shape == 1:
            draw.ellipse((x0, y0, x0 + w, y0 + w), fill=colour)
        else:
            draw.polygon([(x0, y0 + h), (x0 + w / 2, y0), (x0 + w, y0 + h)], fill=colour)
    return np.asarray(canvas, dtype=np.float64) / 255.0


def sunset_blur(rng: np.random.Generator, size: int) -> np.ndarray:
    """A warm sky gradient (orange, red, pink, yellow), a sun disc and a dark horizon, blurred hard."""
    top = np.array([rng.uniform(0.85, 1.0), rng.uniform(0.35, 0.6), rng.uniform(0.1, 0.4)])
    bottom = np.array([rng.uniform(0.9, 1.0), rng.uniform(0.6, 0.85), rng.uniform(0.1, 0.3)])
    t = np.linspace(0, 1, size)[:, None, None]
    img = np.broadcast_to(top * (1 - t) + bottom * t, (size, size, 3)).copy()
    canvas = Image.fromarray((img * 255).astype(np.uint8))
    draw = ImageDraw.Draw(canvas)
    cx, cy, r = rng.uniform(0.2, 0.8) * size, rng.uniform(0.3, 0.6) * size, rng.uniform(0.06, 0.15) * size
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, int(rng.uniform(200, 240)), 150))
    horizon = int(rng.uniform(0.6, 0.85) * size)
    dark = tuple(int(c) for c in rng.uniform(20, 70, size=3))
    draw.rectangle((0, horizon, size, size), fill=dark)
    canvas = canvas.filter(ImageFilter.GaussianBlur(rng.uniform(4.0, 8.0) * size / 128))
    return np.asarray(canvas, dtype=np.float64) / 255.0


@lru_cache(maxsize=512)
def _zoo_pixels(style: str, seed: int, size: int) -> bytes:
    rng = np.random.default_rng([ZOO_STYLES.index(style), seed])
    if style == "flat_graphic":
        pixels = flat_graphic(rng, size)
    elif style == "sunset_blur":
        pixels = sunset_blur(rng, size)
    else:
        pixels = grade(style, random_scene(rng, size), rng)
    return (pixels * 255).astype(np.uint8).tobytes()


def zoo_image(style: str, seed: int, size: int = 128) -> Image.Image:
    """A fresh random scene graded in `style` (deterministic for a seed; cached, since tests
    build the same small catalogues again and again)."""
    return Image.frombytes("RGB", (size, size), _zoo_pixels(style, seed, size))
