"""Procedural images for the synthetic demo catalogue, drawn with Pillow + numpy.

Each creator's feed has ONE visual style; every image is a fresh random composition in that
style (palette jitter, shape positions, textures), so images of one style are alike but never
identical. This gives the vision module (mood-board search, lookalikes, aesthetic profiles)
something real to find without bundling any binary file.

Interface relied on by the vision helpers/tests: `DEMO_STYLES` and `draw_style_image`.
"""

from __future__ import annotations

import colorsys
import hashlib
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

# The supersampling factor for shapes drawn with ImageDraw (smoother edges at a small cost).
_SS = 2

Painter = Callable[[np.random.Generator, int], Image.Image]


def _hsl(h: float, s: float, lightness: float) -> tuple[int, int, int]:
    """HSL (each 0..1, hue wraps) → 8-bit RGB."""
    r, g, b = colorsys.hls_to_rgb(h % 1.0, min(max(lightness, 0.0), 1.0), min(max(s, 0.0), 1.0))
    return int(r * 255), int(g * 255), int(b * 255)


def _jitter(rng: np.random.Generator, value: float, spread: float) -> float:
    return value + float(rng.uniform(-spread, spread))


def _vertical_gradient(size: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> np.ndarray:
    t = np.linspace(0.0, 1.0, size, dtype=np.float32)[:, None, None]
    grad = (1 - t) * np.array(top, np.float32) + t * np.array(bottom, np.float32)
    return np.broadcast_to(grad, (size, size, 3)).copy()


@lru_cache(maxsize=8)
def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinate grids (y, x) of a square image; cached and read-only."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    yy.flags.writeable = xx.flags.writeable = False
    return yy, xx


def _radial(size: int, cx: float, cy: float, radius: float) -> np.ndarray:
    """A 0..1 radial falloff centred at (cx, cy) in pixel units."""
    yy, xx = _grid(size)
    d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / max(radius, 1.0)
    return np.clip(1.0 - d, 0.0, 1.0)


def _work_size(size: int) -> int:
    """Smooth (gradient-only) styles are computed at half size and upscaled: invisible on
    gradients, four times less numpy work."""
    return max(8, size // 2)


def _upscale(arr: np.ndarray, size: int) -> np.ndarray:
    if arr.shape[0] == size:
        return arr
    image = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB").resize(
        (size, size), Image.Resampling.BILINEAR
    )
    return np.asarray(image, np.float32)


def _to_image(arr: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def _grain(arr: np.ndarray, rng: np.random.Generator, amount: float, mono: bool = True) -> np.ndarray:
    shape = arr.shape[:2] + ((1,) if mono else (3,))
    return arr + rng.normal(0.0, amount, shape).astype(np.float32)


def _canvas(size: int, color: tuple[int, int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (size * _SS, size * _SS), color)
    return image, ImageDraw.Draw(image)


def _down(image: Image.Image, size: int) -> Image.Image:
    return image.resize((size, size), Image.Resampling.BILINEAR) if image.size[0] != size else image


def _pastel_minimal(rng: np.random.Generator, size: int) -> Image.Image:
    """Soft pastel palette, high lightness, 1–3 simple shapes, lots of empty space."""
    base_hue = float(rng.uniform(0, 1))
    bg = _hsl(base_hue, _jitter(rng, 0.45, 0.1), _jitter(rng, 0.92, 0.03))
    image, draw = _canvas(size, bg)
    s = size * _SS
    for _ in range(int(rng.integers(1, 4))):
        hue = base_hue + float(rng.choice([0.08, 0.5, 0.9, 0.33])) + _jitter(rng, 0, 0.04)
        color = _hsl(hue, _jitter(rng, 0.5, 0.12), _jitter(rng, 0.8, 0.05))
        r = float(rng.uniform(0.08, 0.2)) * s
        cx, cy = rng.uniform(0.25, 0.75, 2) * s
        if rng.random() < 0.6:
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=color)
        else:
            draw.rounded_rectangle([cx - r, cy - r * 0.7, cx + r, cy + r * 0.7], radius=int(r * 0.3), fill=color)
    if rng.random() < 0.5:  # a thin pastel line: the "minimal still life" table edge
        y = float(rng.uniform(0.65, 0.85)) * s
        draw.line([(0.1 * s, y), (0.9 * s, y)], fill=_hsl(base_hue, 0.3, 0.75), width=max(1, s // 200))
    arr = np.asarray(_down(image, size), np.float32)
    return _to_image(_grain(arr, rng, 1.5))


def _neon_night(rng: np.random.Generator, size: int) -> Image.Image:
    """Dark background with saturated magenta/cyan glowing lines and rings."""
    bg = _hsl(_jitter(rng, 0.7, 0.05), 0.5, _jitter(rng, 0.06, 0.03))
    glow, draw = _canvas(size, (0, 0, 0))
    s = size * _SS
    neon_hues = [0.87, 0.52, 0.78]  # magenta, cyan, violet
    for _ in range(int(rng.integers(3, 7))):
        color = _hsl(float(rng.choice(neon_hues)) + _jitter(rng, 0, 0.03), 1.0, 0.55)
        width = int(rng.integers(3, 8)) * _SS
        if rng.random() < 0.5:
            x0, y0, x1, y1 = rng.uniform(0.05, 0.95, 4) * s
            draw.line([(x0, y0), (x1, y1)], fill=color, width=width)
        else:
            r = float(rng.uniform(0.08, 0.3)) * s
            cx, cy = rng.uniform(0.2, 0.8, 2) * s
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=color, width=width)
    glow = _down(glow, size)
    halo = glow.filter(ImageFilter.GaussianBlur(radius=size / 40))
    arr = np.asarray(glow, np.float32) + 1.6 * np.asarray(halo, np.float32) + np.array(bg, np.float32)
    return _to_image(_grain(arr, rng, 3.0))


def _earthy_film(rng: np.random.Generator, size: int) -> Image.Image:
    """Warm browns/olive, soft organic blobs, heavy film grain and a vignette."""
    full, size = size, _work_size(size)
    top = _hsl(_jitter(rng, 0.09, 0.03), _jitter(rng, 0.35, 0.08), _jitter(rng, 0.55, 0.06))
    bottom = _hsl(_jitter(rng, 0.16, 0.03), _jitter(rng, 0.3, 0.08), _jitter(rng, 0.32, 0.06))
    arr = _vertical_gradient(size, top, bottom)
    for _ in range(int(rng.integers(2, 5))):
        color = np.array(_hsl(_jitter(rng, 0.1, 0.05), _jitter(rng, 0.4, 0.1), _jitter(rng, 0.4, 0.12)), np.float32)
        cx, cy = rng.uniform(0.1, 0.9, 2) * size
        mask = _radial(size, cx, cy, float(rng.uniform(0.15, 0.4)) * size)[..., None]
        mask = mask * (2 - mask)  # ease-out: soft-edged blob
        arr = arr * (1 - 0.8 * mask) + color * 0.8 * mask
    vignette = _radial(size, size / 2, size / 2, size * 0.85)[..., None]
    arr = arr * (0.55 + 0.45 * vignette)
    return _to_image(_grain(_upscale(arr, full), rng, 12.0))


def _mono_street(rng: np.random.Generator, size: int) -> Image.Image:
    """Greyscale, high contrast: black blocks, stripes and diagonals on pale concrete."""
    image, draw = _canvas(size, (int(rng.integers(205, 240)),) * 3)
    s = size * _SS
    for _ in range(int(rng.integers(4, 8))):
        grey = int(rng.integers(0, 30)) if rng.random() < 0.75 else int(rng.integers(110, 150))
        kind = rng.random()
        if kind < 0.45:
            x0, y0 = rng.uniform(0, 0.8, 2) * s
            w, h = rng.uniform(0.08, 0.3, 2) * s
            draw.rectangle([x0, y0, x0 + w, y0 + h], fill=(grey,) * 3)
        elif kind < 0.75:
            x0, x1 = rng.uniform(0, 1, 2) * s
            draw.polygon([(x0, 0), (x1, s), (x1 + s * 0.05, s), (x0 + s * 0.05, 0)], fill=(grey,) * 3)
        else:
            pts = [tuple(rng.uniform(0, 1, 2) * s) for _ in range(3)]
            draw.polygon(pts, fill=(grey,) * 3)
    arr = np.asarray(_down(image, size), np.float32)
    return _to_image(_grain(arr, rng, 5.0))


def _tropical_vivid(rng: np.random.Generator, size: int) -> Image.Image:
    """Saturated greens and yellows with leaf-like organic shapes."""
    bg = _hsl(_jitter(rng, 0.3, 0.04), _jitter(rng, 0.75, 0.1), _jitter(rng, 0.42, 0.06))
    image, draw = _canvas(size, bg)
    s = size * _SS
    for _ in range(int(rng.integers(6, 12))):
        hue = float(rng.choice([0.14, 0.25, 0.33, 0.4, 0.12])) + _jitter(rng, 0, 0.03)
        color = _hsl(hue, _jitter(rng, 0.85, 0.1), _jitter(rng, 0.5, 0.12))
        cx, cy = rng.uniform(0, 1, 2) * s
        length = float(rng.uniform(0.2, 0.5)) * s
        width = length * float(rng.uniform(0.25, 0.45))
        angle = float(rng.uniform(0, np.pi))
        t = np.linspace(0, np.pi, 24)
        # A leaf: a lens shape along its axis, rotated.
        along = np.concatenate([np.cos(t), np.cos(t[::-1])]) * length / 2
        across = np.concatenate([np.sin(t), -np.sin(t[::-1])]) * width / 2
        xs = cx + along * np.cos(angle) - across * np.sin(angle)
        ys = cy + along * np.sin(angle) + across * np.cos(angle)
        draw.polygon(list(zip(xs.tolist(), ys.tolist())), fill=color)
    if rng.random() < 0.6:  # a yellow fruit/sun disc
        r = float(rng.uniform(0.06, 0.14)) * s
        cx, cy = rng.uniform(0.2, 0.8, 2) * s
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_hsl(_jitter(rng, 0.14, 0.02), 0.95, 0.55))
    arr = np.asarray(_down(image, size), np.float32)
    return _to_image(_grain(arr, rng, 3.0))


def _ocean_calm(rng: np.random.Generator, size: int) -> Image.Image:
    """Blue/teal vertical gradients with soft horizontal bands and gentle waves."""
    full, size = size, _work_size(size)
    top = _hsl(_jitter(rng, 0.55, 0.03), _jitter(rng, 0.5, 0.1), _jitter(rng, 0.78, 0.06))
    bottom = _hsl(_jitter(rng, 0.58, 0.03), _jitter(rng, 0.6, 0.1), _jitter(rng, 0.3, 0.06))
    arr = _vertical_gradient(size, top, bottom)
    yy, xx = (g / size for g in _grid(size))
    horizon = float(rng.uniform(0.3, 0.6))
    for _ in range(int(rng.integers(3, 7))):
        y0 = float(rng.uniform(horizon, 1.0))
        amp, freq, phase = float(rng.uniform(0.003, 0.015)), float(rng.uniform(2, 8)), float(rng.uniform(0, 6.3))
        thick = float(rng.uniform(0.01, 0.03))
        band = np.exp(-(((yy - y0 - amp * np.sin(freq * np.pi * xx + phase)) / thick) ** 2))[..., None]
        tint = np.array(_hsl(_jitter(rng, 0.5, 0.04), 0.4, _jitter(rng, 0.85, 0.08)), np.float32)
        arr = arr * (1 - 0.5 * band) + tint * 0.5 * band
    return _to_image(_grain(_upscale(arr, full), rng, 2.0))


def _sunset_warm(rng: np.random.Generator, size: int) -> Image.Image:
    """Orange/pink/purple sky gradient, a low sun disc and dark hill silhouettes."""
    full, size = size, _work_size(size)
    top = _hsl(_jitter(rng, 0.8, 0.04), _jitter(rng, 0.55, 0.1), _jitter(rng, 0.45, 0.06))
    bottom = _hsl(_jitter(rng, 0.07, 0.03), _jitter(rng, 0.9, 0.08), _jitter(rng, 0.6, 0.06))
    arr = _vertical_gradient(size, top, bottom)
    sun_x, sun_y = float(rng.uniform(0.25, 0.75)) * size, float(rng.uniform(0.45, 0.7)) * size
    sun_r = float(rng.uniform(0.08, 0.16)) * size
    glow = _radial(size, sun_x, sun_y, sun_r * 3.5)[..., None] ** 2
    disc = (_radial(size, sun_x, sun_y, sun_r)[..., None] > 0).astype(np.float32)
    sun_color = np.array(_hsl(_jitter(rng, 0.11, 0.02), 1.0, 0.7), np.float32)
    arr = arr * (1 - 0.5 * glow) + sun_color * 0.5 * glow
    arr = arr * (1 - disc) + sun_color * disc
    xs = np.arange(size, dtype=np.float32) / size
    yy = np.arange(size, dtype=np.float32)[:, None] / size
    for layer in range(int(rng.integers(1, 3))):
        base = float(rng.uniform(0.7, 0.85)) + 0.07 * layer
        ridge = base + 0.06 * np.sin(xs * float(rng.uniform(3, 9)) + float(rng.uniform(0, 6.3)))
        mask = (yy > ridge[None, :]).astype(np.float32)[..., None]
        hill = np.array(_hsl(_jitter(rng, 0.85, 0.05), 0.35, 0.12 + 0.05 * layer), np.float32)
        arr = arr * (1 - mask) + hill * mask
    return _to_image(_grain(_upscale(arr, full), rng, 2.5))


_PAINTERS: dict[str, Painter] = {
    "pastel-minimal": _pastel_minimal,
    "neon-night": _neon_night,
    "earthy-film": _earthy_film,
    "mono-street": _mono_street,
    "tropical-vivid": _tropical_vivid,
    "ocean-calm": _ocean_calm,
    "sunset-warm": _sunset_warm,
}

# The demo visual styles, in a fixed order (the demo seeder assigns one per creator).
DEMO_STYLES: tuple[str, ...] = tuple(_PAINTERS)


def draw_style_image(style: str, seed: int, size: int = 256) -> Image.Image:
    """Draw a new square RGB image of `size` pixels in the demo visual `style`.

    Deterministic: the same (style, seed, size) always gives the same pixels; a different seed
    gives a different composition in the same style. Raises ValueError for an unknown style.
    """
    painter = _PAINTERS.get(style)
    if painter is None:
        raise ValueError(f"unknown demo style {style!r}; known styles: {', '.join(DEMO_STYLES)}")
    if size < 8:
        raise ValueError(f"size must be at least 8 pixels, got {size}")
    # Mix the style name into the seed so style A seed 1 and style B seed 1 are unrelated draws.
    style_key = int.from_bytes(hashlib.sha256(style.encode()).digest()[:8], "big")
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFFFFFFFFFF, style_key])
    image = painter(rng, size)
    if image.mode != "RGB" or image.size != (size, size):
        image = image.convert("RGB").resize((size, size))
    return image
