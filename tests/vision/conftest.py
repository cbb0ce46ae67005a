"""Fixtures of the vision tests: a private index folder and media root per test, fresh caches,
and helpers that store real image files as MediaAssets."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.services.media import image_content_file, inspect_image_bytes


@pytest.fixture(autouse=True)
def vision_isolation(isolated_vision):
    """Each test: its own index folder and media root, the style embedder, no cached state."""


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def add_image_asset(account, image: Image.Image, *, fmt: str = "PNG"):
    """Store `image` as a MediaAsset of `account` the way imports do (checked, hashed, saved)."""
    from tests.factories import MediaAssetFactory

    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    info = inspect_image_bytes(buffer.getvalue(), source="test")
    asset = MediaAssetFactory.build(
        account=account, sha256=info.sha256, width=info.width, height=info.height, phash=info.phash
    )
    asset.image.save(image_content_file(info).name, image_content_file(info), save=False)
    asset.save()
    return asset


@pytest.fixture
def image_asset():
    return add_image_asset
