"""Image checks: type by content, size and pixel limits, broken files; perceptual hashes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from core.errors import InputError
from core.services.media import hamming_distance, inspect_image_bytes, inspect_image_path


def _png(width: int = 64, height: int = 48, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    array = (rng.random((height, width, 3)) * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def _composition(size: int = 128) -> Image.Image:
    from PIL import ImageDraw

    image = Image.new("RGB", (size, size), (230, 220, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 70, 70), fill=(200, 60, 40))
    draw.rectangle((60, 70, 120, 120), fill=(30, 60, 140))
    draw.line((0, 100, 128, 20), fill=(20, 20, 20), width=6)
    return image


def test_a_png_is_accepted_with_its_facts():
    info = inspect_image_bytes(_png())
    assert (info.width, info.height, info.format) == (64, 48, "PNG")
    assert len(info.sha256) == 64 and len(info.phash) == 16


def test_type_is_judged_by_content_not_name(tmp_path):
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"GIF89a-not-really-an-image-at-all")
    with pytest.raises(InputError) as excinfo:
        inspect_image_path(fake, source="creators.json", field="images[0].path")
    message = str(excinfo.value)
    assert "creators.json" in message and "images[0].path" in message and "not a readable image" in message


def test_unsupported_format_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="BMP")
    with pytest.raises(InputError, match="unsupported image type BMP"):
        inspect_image_bytes(buffer.getvalue())


def test_size_and_pixel_limits_are_enforced():
    data = _png(100, 100)
    with pytest.raises(InputError, match="bytes, above the limit of 100$"):
        inspect_image_bytes(data, max_bytes=100)
    with pytest.raises(InputError, match="10,000 pixels, above the limit of 5,000"):
        inspect_image_bytes(data, max_pixels=5_000)


def test_truncated_image_is_refused():
    data = _png(64, 64)
    with pytest.raises(InputError, match="broken image|not a readable image"):
        inspect_image_bytes(data[: len(data) // 2])


def test_empty_and_missing_files_are_refused(tmp_path):
    with pytest.raises(InputError, match="empty"):
        inspect_image_bytes(b"")
    with pytest.raises(InputError, match="cannot read image file"):
        inspect_image_path(tmp_path / "missing.png")


def test_perceptual_hash_survives_reencoding_and_resizing_but_tells_images_apart():
    original = _composition()
    buffer = io.BytesIO()
    original.resize((96, 96)).save(buffer, format="JPEG", quality=60)
    copy = inspect_image_bytes(buffer.getvalue())
    buffer = io.BytesIO()
    original.save(buffer, format="PNG")
    source = inspect_image_bytes(buffer.getvalue())
    other = inspect_image_bytes(_png(128, 128, seed=3))
    assert source.sha256 != copy.sha256
    assert hamming_distance(source.phash, copy.phash) <= 6
    assert hamming_distance(source.phash, other.phash) >= 16
