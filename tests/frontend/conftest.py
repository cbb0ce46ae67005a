"""Fixtures of the web UI tests: a signed-in member of an organisation and a small catalogue
whose metrics come from the real metrics service; for the browser tests, the seeded demo site
and a headless Chromium."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from django.utils import timezone
from PIL import Image

from tests.factories import (
    AccountFactory,
    AudienceProfileFactory,
    CreatorFactory,
    HistoryPointFactory,
    MembershipFactory,
    PostFactory,
)
from tests.frontend.browser import DOWNLOADS, make_driver


def png_bytes(colour: tuple[int, int, int] = (200, 120, 90), size: int = 48) -> bytes:
    """A small real PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def member(db):
    """An editor membership (user + organisation)."""
    return MembershipFactory()


@pytest.fixture
def ui(client, member):
    """A Django test client signed in as the editor."""
    client.force_login(member.user)
    return client


def make_creator(name: str, *, followers: int, platform: str = "instagram", handle: str | None = None, days: int = 40):
    """A creator with one account, daily follower history, recent posts, an audience profile,
    and its metrics computed by the metrics service."""
    from influencers.metrics.service import refresh_metrics

    creator = CreatorFactory(display_name=name)
    account = AccountFactory(creator=creator, platform=platform, handle=handle or name.lower().replace(" ", "_"))
    today = timezone.now().date()
    for offset in range(days, -1, -1):
        HistoryPointFactory(account=account, date=today - dt.timedelta(days=offset), followers=followers - offset * 50)
    for index in range(8):
        PostFactory(
            account=account,
            posted_at=timezone.now() - dt.timedelta(days=2 + index * 3),
            likes=int(followers * 0.03),
            comments=int(followers * 0.002),
            is_sponsored=index == 0,
            sponsor="Acme Skincare" if index == 0 else "",
        )
    AudienceProfileFactory(account=account)
    refresh_metrics([account.pk])
    return creator


@pytest.fixture
def catalogue(db):
    """Three creators: two on Instagram, one on TikTok, different sizes."""
    return [
        make_creator("Lin Mei 林美", followers=120_000),
        make_creator("Alex Rivera", followers=45_000),
        make_creator("Tok Star", followers=900_000, platform="tiktok"),
    ]


@pytest.fixture
def demo_site(transactional_db, settings, tmp_path):
    """A small synthetic demo catalogue (the real seeder), its images embedded with the
    weight-free style descriptor, the demo tenant, and the demo login; media served."""
    from django.core.cache import cache

    from vetting.services.demo import DEMO_PASSWORD, DEMO_USERNAME, demo_user_ensure, seed_demo
    from vision.services.embedding import embed_pending_assets
    from vision.services.index import reset_index_cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VISION_INDEX_DIR = tmp_path / "index"
    settings.ROOT_URLCONF = "tests.frontend.urls_with_media"
    reset_index_cache()
    cache.clear()
    summary = seed_demo(creators=14, image_size=96)
    embed_pending_assets()
    demo_user_ensure()
    yield {"summary": summary, "username": DEMO_USERNAME, "password": DEMO_PASSWORD}
    reset_index_cache()
    cache.clear()


@pytest.fixture
def browser(tmp_path):
    downloads = DOWNLOADS / tmp_path.name
    if downloads.exists():
        shutil.rmtree(downloads)
    driver = make_driver(downloads=downloads)
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()
