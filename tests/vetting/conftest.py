"""Fixtures of the vetting tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import AccountFactory, AccountMetricsFactory, CreatorFactory, PostFactory
from vetting.scoring.text_similarity import term_vector

SAFETY_CAPTIONS = ["gambling night", "sponsored by Rival Co", "natural skincare routine", "lunch", "casino trip"]


@pytest.fixture
def safety_catalogue() -> None:
    """10 creators with text terms and recent posts: some hit "gambling", some are sponsored by
    "Rival Co", one uses "casino" (only a later rule excludes it); old posts outside the window."""
    for c in range(10):
        account = AccountFactory(creator=CreatorFactory(country="CN"))
        AccountMetricsFactory(
            account=account,
            followers=10_000 * (c + 1),
            fake_risk=0.1,
            risk_confidence=0.9,
            risk_level="low",
            vetting_inputs={"text": {"terms": term_vector(["natural skincare"])}},
        )
        caption = SAFETY_CAPTIONS[c % len(SAFETY_CAPTIONS)]
        PostFactory(
            account=account,
            caption=caption,
            is_sponsored="Rival" in caption,
            sponsor="Rival Co" if "Rival" in caption else "",
            posted_at=timezone.now() - dt.timedelta(days=3),
        )
        PostFactory(account=account, caption="gambling long ago", posted_at=timezone.now() - dt.timedelta(days=400))
