"""GET /api/brands/{id}/matches/ from the feature snapshot: a row's explanations rendered for one
response are kept by the API (api/renderings.py) under the number of the row's kept explanations
(vetting/services/page_inputs.py) and reused by later responses in the same language; what they
show is what a fresh rendering shows, in every language."""

from __future__ import annotations

import json

import pytest

from api import renderings
from api.renderings import RenderingMemo
from api.views import brands
from tests.threads import at_once
from tests.vetting.snapshots import counted_explanation_loads
from tests.vetting.test_feature_snapshot import brand, catalogue
from vetting.features import snapshot as snapshots
from vetting.services.page_inputs import PageInputsMemo

__all__ = ["catalogue"]  # fixtures

pytestmark = pytest.mark.django_db


def test_kept_renderings_show_what_a_fresh_rendering_shows(catalogue, snapshot_on, editor):
    b = brand(organization=editor.organization)
    url = f"/api/brands/{b.pk}/matches/?limit=12"
    english = editor.client.get(url)
    chinese = editor.client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    reweighted = editor.client.get(url + "&w_engagement=2&w_value=0.5")
    assert english.status_code == chinese.status_code == reweighted.status_code == 200
    rows, zh_rows = english.json()["results"], chinese.json()["results"]
    assert rows and [r["creator"]["id"] for r in rows] == [r["creator"]["id"] for r in zh_rows]
    # The same rows in another language are rendered in it, not served from the English rendering.
    assert rows[0]["parts"][0]["label"] != zh_rows[0]["parts"][0]["label"]
    assert rows[0]["explanations"] != zh_rows[0]["explanations"]
    # Other weights: each part's score and weight are this ranking's, its reasons the row's.
    for row in reweighted.json()["results"]:
        weights = {p["name"]: p["weight"] for p in row["parts"]}
        assert weights["engagement"] > weights["value_alignment"]

    snapshot = snapshots.current_snapshot()
    assert snapshot is not None
    kept = snapshot.memo(("page inputs",), PageInputsMemo)
    assert {r["creator"]["id"] for r in rows} <= {row[1] for row in kept.rows.values()}  # served from the snapshot

    with pytest.MonkeyPatch.context() as patched:  # the same rows again: nothing rendered anew
        patched.setattr(brands, "_part_reasons", lambda *a: pytest.fail("rendered again"))
        again_english = editor.client.get(url)
        again_chinese = editor.client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    snapshots.forget_loaded()  # a new snapshot object: nothing kept, every row rendered afresh
    fresh_english = editor.client.get(url)
    fresh_chinese = editor.client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert again_english.content == english.content == fresh_english.content
    assert again_chinese.content == chinese.content == fresh_chinese.content
    fresh_reweighted = editor.client.get(url + "&w_engagement=2&w_value=0.5")
    assert fresh_reweighted.content == reweighted.content


def test_a_row_whose_rendering_is_kept_is_served_without_loading_its_explanations(
    catalogue, snapshot_on, editor, monkeypatch
):
    b = brand(organization=editor.organization)
    url = f"/api/brands/{b.pk}/matches/?limit=40"
    first = editor.client.get(url)
    rows = first.json()["results"]
    citing = [r for r in rows if r["competitor_posts"]]
    assert citing and len(citing) < len(rows), "the catalogue should have rows citing a competitor's post and not"
    loads = counted_explanation_loads(monkeypatch)
    again = editor.client.get(url)  # every row's explanations and their rendering kept
    assert again.content == first.content
    # Only the rows citing competitor posts read their explanations (the posts are in them).
    assert len(loads) == len(citing)

    loads.clear()
    renderings.row_reasons.clear()  # explanations kept, renderings not: each row's are loaded and rendered
    anew = editor.client.get(url)
    assert anew.content == first.content
    assert len(loads) == len(rows)


def test_kept_renderings_are_pretty_printed_and_browsable_too(catalogue, snapshot_on, editor):
    b = brand(organization=editor.organization)
    url = f"/api/brands/{b.pk}/matches/?limit=5"
    compact = editor.client.get(url)
    editor.client.get(url)  # now from the kept renderings
    pretty = editor.client.get(url, HTTP_ACCEPT="application/json; indent=4")
    assert pretty.status_code == 200 and b'\n    "results"' in pretty.content
    assert json.loads(pretty.content) == json.loads(compact.content)
    browsable = editor.client.get(url, HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200
    assert compact.json()["results"][0]["parts"][0]["explanation"] in browsable.content.decode()


def test_the_rendering_memo_is_keyed_by_number_and_language_and_bounded_least_recently_used():
    memo: RenderingMemo[str] = RenderingMemo(max_entries=2)
    memo.keep(1, "en", "one in English")
    memo.keep(1, "zh-hans", "one in Chinese")
    assert memo.get(1, "en") == "one in English" and memo.get(1, "zh-hans") == "one in Chinese"
    assert memo.get(2, "en") is None and memo.get(1, "fr") is None
    assert memo.get(1, "en") == "one in English"  # now the most recently used
    memo.keep(2, "en", "two")
    assert memo.get(1, "zh-hans") is None  # the least recently used went
    assert memo.get(1, "en") == "one in English" and memo.get(2, "en") == "two"
    assert len(memo) == 2


def test_the_rendering_memo_stays_bounded_and_right_under_threads():
    memo: RenderingMemo[int] = RenderingMemo(max_entries=50)

    def use(thread: int) -> list[tuple[int, int | None]]:
        seen = []
        for n in range(500):
            memo.keep(thread * 1000 + n, "en", n)
            seen.append((n // 2, memo.get(thread * 1000 + n // 2, "en")))
        return seen

    for seen in at_once(use, range(4)):
        assert all(got in (None, kept) for kept, got in seen)
        assert seen[-1][1] is None  # 250 renderings ago: evicted
    assert len(memo) == 50
