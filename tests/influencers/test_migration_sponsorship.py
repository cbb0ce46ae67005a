"""Migration 0008 decides every existing post again by the one sponsorship rule: a post stored
as sponsored keeps it as its platform flag; the others are sponsored only by a named sponsor or a
whole-token marker (the old substring rule's '#adventure' is not an ad)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from influencers.models import Post
from tests.migrations import migrate_to

BEFORE = [("influencers", "0007_metrics_risk_evidence")]
AFTER = [("influencers", "0008_post_paid_partnership_evidence")]


@pytest.mark.django_db(transaction=True)
def test_existing_posts_are_decided_again_with_their_evidence():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = migrate_to(BEFORE).loader.project_state(BEFORE).apps
        Creator, Account, OldPost = (apps.get_model("influencers", m) for m in ("Creator", "Account", "Post"))
        account = Account.objects.create(creator=Creator.objects.create(display_name="c"), platform="x", handle="c")
        at = dt.datetime(2019, 5, 1, tzinfo=dt.UTC)
        for post_id, caption, sponsored, sponsor in [
            ("flagged", "morning #ad", True, ""),
            ("marker", "Summit day #AD", False, ""),
            ("substring", "Summit day #adventure #adidas", False, ""),
            ("named", "morning", False, "Calmia"),
            ("plain", "morning", False, ""),
        ]:
            OldPost.objects.create(
                account=account,
                platform_post_id=post_id,
                posted_at=at,
                caption=caption,
                is_sponsored=sponsored,
                sponsor=sponsor,
            )

        migrate_to(AFTER)

        stored = {
            p.platform_post_id: (p.is_sponsored, p.paid_partnership, p.sponsorship_source, p.sponsorship_marker)
            for p in Post.objects.all()
        }
        assert stored == {
            "flagged": (True, True, "flag", "#ad"),
            "marker": (True, None, "marker", "#ad"),
            "substring": (False, None, "", ""),
            "named": (True, None, "sponsor", ""),
            "plain": (False, None, "", ""),
        }
    finally:
        migrate_to(latest)
