"""What a ranking page shows of its accounts (vetting/services/page_inputs.py): read once per
catalogue version where the ranking comes from the feature snapshot, with explanations kept per
brand and row; never shown after a write, and always what a ranking from the database shows."""

from __future__ import annotations

import math
import time

import pytest

from influencers.models import Account, AccountMetrics
from tests.threads import at_once
from tests.vetting.snapshots import counted_explanation_loads
from vetting.services import matching, page_inputs
from vetting.services.matching import rank_creators_for_brand
from vetting.services.page_inputs import same_inputs

from .test_feature_snapshot import brand, catalogue, ranked_from_database, ranked_from_snapshot

__all__ = ["catalogue"]  # fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(monkeypatch):
    """The account ids each database read of page inputs asked for, by kind."""
    seen: dict[str, list[int]] = {"rows": [], "audiences": [], "risks": []}
    rows, audiences, risks = page_inputs._rows, page_inputs._audiences, page_inputs.creator_risks

    def counting_rows(ids):
        seen["rows"].extend(ids)
        return rows(ids)

    def counting_audiences(ids, dims):
        seen["audiences"].extend(ids)
        return audiences(ids, dims)

    def counting_risks(*, creators):
        seen["risks"].extend(creators)
        return risks(creators=creators)

    monkeypatch.setattr(page_inputs, "_rows", counting_rows)
    monkeypatch.setattr(page_inputs, "_audiences", counting_audiences)
    monkeypatch.setattr(page_inputs, "creator_risks", counting_risks)
    return seen


def test_a_page_reads_only_the_accounts_no_earlier_page_of_the_version_read(catalogue, snapshot_on, monkeypatch, reads):
    monkeypatch.setattr(matching, "READ_AHEAD", 0)  # this page's own reads only
    b = brand()
    first = ranked_from_snapshot(monkeypatch, brand=b, limit=10)
    shown = [r["account_id"] for r in first.rows]
    assert sorted(reads["rows"]) == sorted(shown) and reads["audiences"]
    for seen in reads.values():
        seen.clear()

    other_weights = ranked_from_snapshot(
        monkeypatch, brand=b, limit=10, weights={"audience_fit": 0, "authenticity": 1, "value_alignment": 0}
    )
    new = [r["account_id"] for r in other_weights.rows if r["account_id"] not in shown]
    assert new, "other weights should bring other accounts onto the page"
    assert sorted(reads["rows"]) == sorted(new)
    assert set(reads["audiences"]) <= set(new)
    assert set(reads["risks"]) <= {r["creator_id"] for r in other_weights.rows if r["account_id"] in new}


def test_kept_inputs_and_explanations_give_the_rows_the_database_gives(catalogue, snapshot_on, settings, monkeypatch):
    b = brand()
    weights = {"audience_fit": 2, "authenticity": 1, "value_alignment": 1, "engagement": 0}
    ranked_from_snapshot(monkeypatch, brand=b, limit=15)  # fills the memo
    again = ranked_from_snapshot(monkeypatch, brand=b, limit=15, weights=weights)
    expected = ranked_from_database(settings, brand=b, limit=15, weights=weights)
    assert [r["account_id"] for r in again.rows] == [r["account_id"] for r in expected.rows]
    assert again.rows == expected.rows  # scores, parts, explanations and evidence


def test_a_row_shown_twice_reuses_its_explanations(catalogue, snapshot_on, monkeypatch):
    b = brand()
    first = ranked_from_snapshot(monkeypatch, brand=b, limit=5)
    second = ranked_from_snapshot(monkeypatch, brand=b, limit=8, filters={"min_followers": 1})
    assert len(first.explanation_ids) == len(first.rows) and len(second.explanation_ids) == len(second.rows)
    by_account = {r["account_id"]: (r, n) for r, n in zip(first.rows, first.explanation_ids, strict=True)}
    shared = [(r, n) for r, n in zip(second.rows, second.explanation_ids, strict=True) if r["account_id"] in by_account]
    assert shared
    for row, number in shared:
        kept_row, kept_number = by_account[row["account_id"]]
        assert number == kept_number  # where a face keeps its rendering of them
        assert row["parts"] == kept_row["parts"]
    assert len(set(first.explanation_ids)) == len(first.rows)  # one number per row


def test_kept_explanations_are_loaded_only_when_a_row_is_read(catalogue, snapshot_on, monkeypatch):
    b = brand()
    first = ranked_from_snapshot(monkeypatch, brand=b, limit=8)
    loads = counted_explanation_loads(monkeypatch)
    again = ranked_from_snapshot(monkeypatch, brand=b, limit=8)  # every row's explanations kept
    heads = [r.head for r in again.ranked]
    assert len(heads) == 8 and not loads  # rank, score, risk and part scores need no explanations
    assert again.rows == first.rows
    assert len(loads) == 8  # reading the rows loads each row's explanations once
    assert again.rows is again.rows and list(again) == again.rows and len(loads) == 8
    for head, row in zip(heads, again.rows, strict=True):  # a head is its row without what explanations give
        assert {k: v for k, v in row.items() if k not in ("parts", "competitor_posts", "explanations")} == {
            k: v for k, v in head.items() if k != "parts"
        }
        assert [{k: p[k] for k in h} for p, h in zip(row["parts"], head["parts"], strict=True)] == head["parts"]


def test_a_row_explained_anew_gets_a_new_explanation_number(catalogue, snapshot_on, monkeypatch):
    b = brand()
    before = ranked_from_snapshot(monkeypatch, brand=b, limit=5)
    b.values = ["gaming"]
    b.save()
    after = ranked_from_snapshot(monkeypatch, brand=b, limit=5)
    assert None not in after.explanation_ids
    assert not set(before.explanation_ids) & set(after.explanation_ids)


def test_a_brand_edit_explains_the_rows_anew(catalogue, snapshot_on, settings, monkeypatch):
    b = brand()
    ranked_from_snapshot(monkeypatch, brand=b, limit=10)
    b.values, b.description = ["gaming"], "Games and streams"
    b.save()
    after = ranked_from_snapshot(monkeypatch, brand=b, limit=10)
    assert after.rows == ranked_from_database(settings, brand=b, limit=10).rows


def test_a_write_is_never_shown_from_the_inputs_of_before(catalogue, snapshot_on, settings, monkeypatch):
    b = brand()
    before = ranked_from_snapshot(monkeypatch, brand=b, limit=10)
    top = before.rows[0]
    Account.objects.filter(pk=top["account_id"]).update(handle="renamed_since")
    AccountMetrics.objects.filter(account_id=top["account_id"]).update(engagement_rate=0.5)
    after = ranked_from_snapshot(monkeypatch, brand=b, limit=10)
    row = next(r for r in after.rows if r["account_id"] == top["account_id"])
    assert row["handle"] == "renamed_since"
    assert after.rows == ranked_from_database(settings, brand=b, limit=10).rows


def test_the_database_path_keeps_nothing(catalogue, settings, reads):
    settings.RANKING_FEATURE_SNAPSHOT = False
    b = brand()
    rank_creators_for_brand(brand=b, limit=5)
    again = rank_creators_for_brand(brand=b, limit=5)
    assert len(reads["rows"]) == 10
    assert again.explanation_ids == [None] * 5  # made for that page only: no face keeps a rendering


def test_same_inputs_reads_nan_as_equal_and_any_other_change_as_a_change():
    risk = object()
    kept = (math.nan, 0.25, True, 0.5, None, [], risk)
    assert same_inputs(kept, (float("nan"), 0.25, True, 0.5, None, [], risk))
    assert not same_inputs(kept, (0.1, 0.25, True, 0.5, None, [], risk))
    assert not same_inputs(kept, (math.nan, 0.26, True, 0.5, None, [], risk))
    assert not same_inputs(kept, (math.nan, 0.25, True, 0.5, (0.8, []), [], risk))
    assert not same_inputs(kept, (math.nan, 0.25, True, 0.5, None, ["hit"], risk))
    assert not same_inputs(kept, (math.nan, 0.25, True, 0.5, None, [], object()))


def test_the_memo_is_bounded_and_evicts_the_oldest_first(monkeypatch):
    monkeypatch.setattr(page_inputs, "MEMO_ACCOUNTS", 3)
    memo = page_inputs.PageInputsMemo()
    memo.keep(memo.rows, {1: (1,), 2: (2,)})
    memo.keep(memo.rows, {3: (3,)})
    assert list(memo.rows) == [1, 2, 3]
    memo.keep(memo.rows, {4: (4,), 5: (5,)})  # a page of two more: the two read longest ago go
    assert list(memo.rows) == [3, 4, 5]
    memo.keep(memo.risks, {10: "low", 11: "high", 12: "low", 13: "high"})  # its own bound
    assert list(memo.risks) == [11, 12, 13] and list(memo.rows) == [3, 4, 5]


def test_explanations_are_bounded_oldest_first_and_numbered_anew(monkeypatch):
    monkeypatch.setattr(page_inputs, "MEMO_EXPLANATIONS", 2)
    memo = page_inputs.PageInputsMemo()
    first = memo.keep_explanation("brand", 1, (0.5,), {"lines": [1]})
    assert loaded(memo.explanation("brand", 1, (0.5,))) == ({"lines": [1]}, first)
    assert memo.explanation("brand", 1, (0.6,)) is None  # made from other inputs
    second = memo.keep_explanation("brand", 2, (0.5,), {"lines": [2]})
    anew = memo.keep_explanation("brand", 1, (0.6,), {"lines": [3]})  # account 1 explained anew: now the newest
    assert len({first, second, anew}) == 3
    assert page_inputs.PageInputsMemo().keep_explanation("brand", 1, (0.5,), {}) not in {first, second, anew}
    memo.keep_explanation("brand", 3, (0.5,), {"lines": [4]})
    assert memo.explanation("brand", 2, (0.5,)) is None  # the oldest went
    assert loaded(memo.explanation("brand", 1, (0.6,))) == ({"lines": [3]}, anew)


def loaded(kept):
    """A memo's kept explanation with its explanations loaded."""
    load, number = kept
    return load(), number


def test_pages_reading_and_evicting_at_once_each_get_their_own_inputs(monkeypatch):
    """Pages of one catalogue version at once, with a memo too small for them all: each page
    shows its own accounts' inputs (what it read, even if another page evicted it meanwhile).
    The database reads are stand-ins that yield to the other threads."""
    monkeypatch.setattr(page_inputs, "MEMO_ACCOUNTS", 4)

    def rows(ids):
        time.sleep(0.001)
        return {a: (a, 1000 + a) for a in ids}

    def audiences(ids, dims):
        time.sleep(0.001)
        return {a: {"account_id": a} for a in ids if a % 2}

    def risks(*, creators):
        time.sleep(0.001)
        return {c: f"verdict of {c}" for c in creators}

    monkeypatch.setattr(page_inputs, "_rows", rows)
    monkeypatch.setattr(page_inputs, "_audiences", audiences)
    monkeypatch.setattr(page_inputs, "creator_risks", risks)
    memo = page_inputs.PageInputsMemo()
    pages = [[i, i + 1, i + 2] for i in range(1, 25, 3)] * 2

    def read(page: list[int]) -> tuple:
        got = page_inputs.page_inputs(page, ["countries"], memo=memo)
        return list(got.rows), sorted(got.audiences), sorted(got.risks.values())

    for page, (shown, with_audience, verdicts) in zip(pages, at_once(read, pages), strict=True):
        assert shown == page
        assert with_audience == [a for a in page if a % 2]
        assert verdicts == sorted(f"verdict of {1000 + a}" for a in page)
    assert len(memo.rows) <= 4 and len(memo.audiences) <= 4 and len(memo.risks) <= 4


def test_a_page_that_reads_reads_the_accounts_ranked_next_too(catalogue, snapshot_on, monkeypatch, reads):
    monkeypatch.setattr(matching, "READ_AHEAD", 6)
    b = brand()
    ranked_from_snapshot(monkeypatch, brand=b, limit=8)
    read = {kind: list(ids) for kind, ids in reads.items()}
    for seen in reads.values():
        seen.clear()
    # The next six creators' accounts were read with the page: a longer page reads nothing.
    longer = ranked_from_snapshot(monkeypatch, brand=b, limit=14)
    assert reads == {"rows": [], "audiences": [], "risks": []}
    assert sorted(read["rows"]) == sorted(r["account_id"] for r in longer.rows)
    assert set(read["audiences"]) == {r["account_id"] for r in longer.rows}
    assert set(read["risks"]) == {r["creator_id"] for r in longer.rows}
    # A page that reads nothing reads nothing ahead either.
    ranked_from_snapshot(monkeypatch, brand=b, limit=8)
    assert reads == {"rows": [], "audiences": [], "risks": []}


def test_inputs_read_ahead_give_the_rows_the_database_gives(catalogue, snapshot_on, settings, monkeypatch, reads):
    monkeypatch.setattr(matching, "READ_AHEAD", 10)
    b = brand()
    ranked_from_snapshot(monkeypatch, brand=b, limit=5)
    read_ahead = set(reads["rows"])
    for query in ({"limit": 10, "offset": 5}, {"limit": 12, "weights": {"authenticity": 3, "engagement": 0}}):
        kept = ranked_from_snapshot(monkeypatch, brand=b, **query)
        expected = ranked_from_database(settings, brand=b, **query)
        assert {r["account_id"] for r in kept.rows} & read_ahead
        assert kept.rows == expected.rows  # scores, parts, explanations and evidence


def test_accounts_read_ahead_are_kept_but_not_shown_with_the_page(catalogue):
    accounts = list(Account.objects.filter(metrics__isnull=False).order_by("pk").values_list("pk", "creator_id"))
    page, ahead = accounts[:3], accounts[3:9]
    memo = page_inputs.PageInputsMemo()
    dims = ("countries", "age")
    inputs = page_inputs.page_inputs([a for a, _ in page], dims, memo=memo, ahead=[a for a, _ in ahead])
    assert set(inputs.rows) == {a for a, _ in page}
    assert set(inputs.audiences) <= {a for a, _ in page}
    assert set(inputs.risks) == {c for _, c in page}
    assert {a for a, _ in ahead} <= set(memo.rows)
    assert {(a, dims) for a, _ in ahead} <= set(memo.audiences)
    assert {c for _, c in ahead} <= set(memo.risks)
