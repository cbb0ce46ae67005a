"""Pinned query counts: list endpoints cost the same number of queries for 3 rows as for 30
(no N+1). The pins are upper bounds; raise one only with a reason."""

from __future__ import annotations

import pytest

from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    BrandFactory,
    CreatorFactory,
    CreatorNoteFactory,
    JobFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)

# auth token + membership + count + page + prefetch accounts(+metrics)
PINS = {
    "/api/creators/": 5,
    "/api/creators/?platform=instagram&min_followers=10&sort=-engagement_rate": 5,
    # the partner filters are subqueries of the same two queries
    "/api/creators/?not_worked_with=Lumiskin,@dewlab,璐美肤": 5,
    "/api/brands/": 4,
    "/api/shortlists/": 4,
    "/api/notes/": 4,
    "/api/jobs/": 4,
    "entries": 7,
}


def populate(editor, n: int) -> dict:
    shortlist = ShortlistFactory(organization=editor.organization, brand=None)
    for i in range(n):
        creator = CreatorFactory()
        for platform in ("instagram", "tiktok"):
            account = AccountFactory(creator=creator, platform=platform)
            AccountMetricsFactory(account=account, followers=1000 + i, engagement_rate=0.01 * (i % 5))
        BrandFactory(organization=editor.organization)
        CreatorNoteFactory(organization=editor.organization, creator=creator)
        JobFactory(organization=editor.organization)
        ShortlistEntryFactory(shortlist=shortlist, creator=creator)
        ShortlistFactory(organization=editor.organization, brand=None)
    return {"shortlist": shortlist}


@pytest.mark.parametrize("rows", [3, 30])
def test_list_endpoints_have_pinned_query_counts(editor, rows, django_assert_max_num_queries):
    from vetting.services.shortlists import entry_update

    made = populate(editor, rows)
    for entry in made["shortlist"].entries.all()[:3]:
        entry_update(entry=entry, user=editor.user, status="approved")
    for path, pin in PINS.items():
        if path == "entries":
            path = f"/api/shortlists/{made['shortlist'].pk}/entries/"
        with django_assert_max_num_queries(pin):
            response = editor.client.get(path)
        assert response.status_code == 200, path
        expected = rows + 1 if "shortlists/" == path.rsplit("/api/", 1)[-1] else rows
        assert len(response.json()["results"]) == min(expected, 25), path
