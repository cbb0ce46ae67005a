"""Catalogues of real image files for the vision fault tests (the workers that embed them are
started by tests/workers.py)."""

from __future__ import annotations

import io

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image


def make_image_assets(count: int, *, accounts: int = 8, size: int = 160, seed: int = 7) -> list[int]:
    """`count` MediaAssets spread over `accounts` accounts (one creator each), each with its own
    JPEG file in media storage. Each account has its own base colour, so its images share a look."""
    from influencers.models import MediaAsset
    from tests.factories import AccountFactory, MediaAssetFactory

    rng = np.random.default_rng(seed)
    owners = [AccountFactory() for _ in range(accounts)]
    looks = rng.integers(0, 255, size=(accounts, 3))
    ids = []
    for n in range(count):
        owner = n % accounts
        pixels = np.clip(looks[owner] + rng.normal(0, 40, size=(size, size, 3)), 0, 255).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="JPEG", quality=85)
        name = default_storage.save(f"assets/fault/{n:04d}.jpg", ContentFile(buffer.getvalue()))
        asset = MediaAssetFactory(account=owners[owner], width=size, height=size)
        MediaAsset.objects.filter(pk=asset.pk).update(image=name)
        ids.append(asset.pk)
    return ids
