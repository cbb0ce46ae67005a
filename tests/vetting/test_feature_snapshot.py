"""The ranking feature snapshot (vetting/features/snapshot.py): a ranking read from it gives the
same rows, scores and explanations as one read from the database, a catalogue write is never
answered from the snapshot of before, and the processes of a host share one written snapshot."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from django.utils import timezone

from influencers.models import Account, AccountMetrics, Platform
from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    AudienceProfileFactory,
    BrandFactory,
    CreatorFactory,
    PostFactory,
)
from vetting.features import snapshot as snapshots
from vetting.scoring.text_similarity import term_vector
from vetting.services import matching
from vetting.services.matching import catalogue_idf, rank_creators_for_brand

pytestmark = pytest.mark.django_db

WORDS = ["natural", "skincare", "sustainable", "天然护肤", "gaming", "travel", "vlog", "makeup", "gambling", "food"]
PLATFORMS = [Platform.INSTAGRAM, Platform.TIKTOK, Platform.XIAOHONGSHU, Platform.DOUYIN]
COUNTRIES = ["CN", "TW", "US", "SG", ""]
LEVELS = [("low", 0.1), ("medium", 0.45), ("high", 0.8), ("insufficient", 0.3), ("", None)]


@pytest.fixture
def catalogue():
    """40 creators: some with two accounts, some accounts without metrics, audiences old and new
    (some with empty or all-zero dimensions), cached text terms or none, vetting-report engagement
    or the metrics' rate, and recent posts hitting the brand's exclusions or its competitor."""
    rng = random.Random(20)
    today = timezone.localdate()
    for c in range(40):
        creator = CreatorFactory(
            country=rng.choice(COUNTRIES), languages=rng.sample(["zh", "en", "ja", "ko"], k=rng.randint(0, 2))
        )
        for platform in rng.sample(PLATFORMS, k=2 if c % 4 == 0 else 1):
            account = AccountFactory(creator=creator, platform=platform)
            if c % 9 == 5:
                continue  # no metrics yet
            level, risk = rng.choice(LEVELS)
            vetting = {}
            if rng.random() < 0.7:
                vetting["text"] = {"terms": term_vector([" ".join(rng.sample(WORDS, k=3))])}
            if rng.random() < 0.3:
                vetting["rank"] = {"engagement_quality": round(rng.random(), 3)}
            AccountMetricsFactory(
                account=account,
                followers=int(10 ** rng.uniform(3, 6.5)),
                fake_risk=risk,
                risk_confidence=None if risk is None else rng.uniform(0.3, 1.0),
                risk_level=level,
                engagement_rate=rng.choice([None, rng.uniform(0.005, 0.08)]),
                vetting_inputs=vetting,
            )
            if rng.random() < 0.8:
                AudienceProfileFactory(
                    account=account,
                    as_of=today - dt.timedelta(days=400),
                    countries={"US": 1.0},
                    age={},
                    gender={},
                    languages={},
                    interests={},
                )
                female = rng.random()
                AudienceProfileFactory(
                    account=account,
                    as_of=today - dt.timedelta(days=rng.randint(0, 300)),
                    countries={rng.choice(["CN", "TW", "US"]): 0.6, "SG": 0.4},
                    age={"18-24": rng.random(), "25-34": rng.random(), "45-54": 0.1},
                    gender={"female": female, "male": 1 - female} if c % 5 else {"female": 0, "male": 0},
                    languages={} if c % 3 else {"zh": 0.9, "en": 0.1},
                    interests={"beauty": 1.0},
                )
            for days in (3, 40):
                caption = rng.choice(["gambling night", "sponsored by Rival Co", "natural skincare routine", "lunch"])
                PostFactory(
                    account=account,
                    caption=caption,
                    is_sponsored="Rival" in caption,
                    sponsor="Rival Co" if "Rival" in caption else "",
                    posted_at=timezone.now() - dt.timedelta(days=days),
                )


def brand(**kwargs):
    defaults = {
        "values": ["natural", "sustainable", "天然"],
        "description": "Clean skincare for sensitive skin",
        "excluded_keywords": ["gambling"],
        "competitors": ["Rival Co"],
        "preferred_platforms": [],
        "min_followers": None,
        "target_audience": {
            "countries": {"weight": 1.0, "values": {"CN": 0.7, "TW": 0.3}},
            "age": {"weight": 1.0, "values": {"18-24": 0.5, "25-34": 0.5}},
            "gender": {"weight": 0.5, "values": {"female": 1.0}},
            "languages": {"weight": 0.5, "values": {"zh": 1.0, "fr": 0.0}},
        },
    }
    return BrandFactory(**{**defaults, **kwargs})


def ranked_from_database(settings, **kwargs):
    settings.RANKING_FEATURE_SNAPSHOT = False
    try:
        return rank_creators_for_brand(**kwargs)
    finally:
        settings.RANKING_FEATURE_SNAPSHOT = True


def ranked_from_snapshot(monkeypatch, **kwargs):
    with monkeypatch.context() as patched:
        patched.setattr(matching, "_features", lambda *a: pytest.fail("the ranking read the database"))
        return rank_creators_for_brand(**kwargs)


QUERIES = [
    {},
    {"filters": {"platforms": ["instagram", "tiktok"], "min_followers": 20_000}},
    {"filters": {"countries": ["cn", "TW"], "languages": ["zh"], "max_risk": 0.5}},
    {"filters": {"max_risk": 0.5, "include_unvetted": True, "max_followers": 900_000}},
    {"weights": {"audience_fit": 1, "authenticity": 0, "value_alignment": 2, "engagement": 0.5}},
    {"limit": 7, "offset": 5},
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_snapshot_ranks_exactly_as_the_database(catalogue, snapshot_on, settings, monkeypatch, query):
    b = brand()
    expected = ranked_from_database(settings, brand=b, **query)
    got = ranked_from_snapshot(monkeypatch, brand=b, **query)
    assert expected.total > 0 and len(expected.rows) > 0
    assert got.total == expected.total
    assert got.rows == expected.rows  # ranks, scores, parts, explanations and evidence


@pytest.mark.django_db(transaction=True)  # commits its rows: memos never keep what an open write transaction read
def test_one_memoised_features_per_brand_serves_every_filter(catalogue, snapshot_on, settings, monkeypatch):
    settings.DATA_MEMO = True  # per-process memos on, response caching off
    settings.API_RESPONSE_CACHE_SECONDS = 0
    computed = []
    real = matching._features_from_snapshot
    monkeypatch.setattr(matching, "_features_from_snapshot", lambda *a: computed.append(a[2]) or real(*a))
    b = brand()
    for query in QUERIES:
        got = ranked_from_snapshot(monkeypatch, brand=b, **query)
        assert got.rows == ranked_from_database(settings, brand=b, **query).rows
    assert computed == [{}]  # every account's features, once: the filters chose each query's candidates


def test_brand_safety_and_a_creator_list_agree_too(catalogue, snapshot_on, settings, monkeypatch):
    b = brand(target_audience={}, values=[], description="")  # only safety hits move alignment
    creators = list(AccountMetrics.objects.values_list("account__creator_id", flat=True)[:12])
    query = {"filters": {"creator_ids": creators}}
    expected = ranked_from_database(settings, brand=b, **query)
    got = ranked_from_snapshot(monkeypatch, brand=b, **query)
    penalised = [r for r in expected.rows if r["competitor_posts"] or r["parts"][2]["known"]]
    assert penalised, "the catalogue should have brand-safety hits"
    assert got.rows == expected.rows and got.total == expected.total


def test_the_snapshot_idf_is_the_catalogue_idf(catalogue, snapshot_on):
    terms = dict.fromkeys([*term_vector(["natural skincare gaming"]), "absent-term"], 1.0)
    snapshot = snapshots.current_snapshot()
    assert snapshot is not None
    assert snapshot.idf(terms) == catalogue_idf(terms)


def test_a_write_is_never_answered_from_the_snapshot_of_before(catalogue, snapshot_on, settings, monkeypatch):
    b = brand()
    before = ranked_from_snapshot(monkeypatch, brand=b, filters={"min_followers": 20_000})
    last = before.rows[-1]["account_id"]
    AccountMetrics.objects.filter(account_id=last).update(followers=50, fake_risk=0.99, risk_level="high")
    after = ranked_from_snapshot(monkeypatch, brand=b, filters={"min_followers": 20_000})
    assert last not in [r["account_id"] for r in after.rows] and after.total == before.total - 1
    assert after.rows == ranked_from_database(settings, brand=b, filters={"min_followers": 20_000}).rows
    assert len([p for p in snapshot_on.iterdir() if not p.name.startswith(".")]) == 2  # one per version


def test_processes_of_a_host_share_the_written_snapshot(catalogue, snapshot_on, monkeypatch):
    first = snapshots.current_snapshot()
    assert first is not None and len(first) == Account.objects.count()
    snapshots.forget_loaded()  # as another process of the host would start
    monkeypatch.setattr(snapshots, "build_snapshot", lambda *a: pytest.fail("built twice"))
    second = snapshots.current_snapshot()
    assert second is not first and isinstance(second["followers"], np.memmap)
    assert np.array_equal(second["account_id"], first["account_id"])
    assert not [p for p in snapshot_on.iterdir() if p.name.startswith(".v")]  # no temporary folder left


def test_no_snapshot_when_it_is_off_or_the_version_cannot_be_read(catalogue, snapshot_on, settings, monkeypatch):
    settings.RANKING_FEATURE_SNAPSHOT = False
    assert snapshots.current_snapshot() is None
    settings.RANKING_FEATURE_SNAPSHOT = True
    monkeypatch.setattr(snapshots, "data_version", lambda scope: None)
    assert snapshots.current_snapshot() is None


def test_a_brands_new_exclusions_are_searched_anew(catalogue, snapshot_on, settings, monkeypatch):
    b = brand(excluded_keywords=["lunch"], competitors=[])
    first = ranked_from_snapshot(monkeypatch, brand=b)
    b.excluded_keywords, b.competitors = ["gambling"], ["Rival Co"]
    b.save()
    second = ranked_from_snapshot(monkeypatch, brand=b)
    assert second.rows == ranked_from_database(settings, brand=b).rows
    terms = {
        hit["term"] for row in second.rows for part in row["parts"] for hit in part["details"].get("brand_safety", [])
    }
    assert "lunch" not in terms and {"gambling", "Rival Co"} <= terms
    assert first.rows != second.rows


def test_no_ranking_waits_for_a_build_it_starts_one_in_the_background(catalogue, snapshot_on, settings, monkeypatch):
    started = []
    monkeypatch.setattr(snapshots, "run_outside_request", lambda name, work: started.append(work))
    b = brand()
    from_database = rank_creators_for_brand(brand=b)  # no snapshot of this version yet: SQL
    assert snapshots.current_snapshot() is None
    assert len(started) == 1  # one build at a time per process, however many rankings ask
    assert not list(snapshot_on.glob("v*"))
    started[0]()  # the background build runs
    assert snapshots.current_snapshot() is not None
    assert ranked_from_snapshot(monkeypatch, brand=b).rows == from_database.rows
    AccountMetrics.objects.filter(pk=AccountMetrics.objects.first().pk).update(followers=7)
    assert snapshots.current_snapshot() is None and len(started) == 2  # a write: the next version
    started[1]()  # ends the build this process started, as later tests need to start their own
    assert snapshots.current_snapshot() is not None


# --- Incremental builds: a follow-up rewrites only the changed rows of the previous snapshot ---


def decoded(snapshot):
    """Every row as plain values (names for codes, a set of languages, {key: value} for the sparse
    columns): two snapshots of the same data compare equal whatever codes their vocabularies
    gave."""
    meta = snapshot.meta
    dense = [name for name in snapshot.columns if not name.endswith(("_ptr", "_rows", "_values"))]
    rows = []
    for i in range(len(snapshot)):
        row = {}
        for name in dense:
            value = snapshot[name][i].item()
            row[name] = None if isinstance(value, float) and np.isnan(value) else value
        row["platform"] = meta["platforms"][row["platform"]]
        row["country"] = meta["countries"][row["country"]]
        row["languages"] = {lang for bit, lang in enumerate(meta["languages"]) if row["languages"] >> bit & 1}
        rows.append(row)
    for prefix in snapshots.SPARSE:
        names = meta["terms"] if prefix == "terms" else meta["audience_keys"][prefix.removeprefix("audience_")]
        ptr, where, values = (snapshot[f"{prefix}_{part}"] for part in ("ptr", "rows", "values"))
        for row in rows:
            row[prefix] = {}
        for code, name in enumerate(names):
            for r, v in zip(where[ptr[code] : ptr[code + 1]], values[ptr[code] : ptr[code + 1]], strict=True):
                rows[r][prefix][name] = float(v)
    return rows


@pytest.fixture
def base(catalogue, monkeypatch):
    """A full snapshot of the catalogue; rows saved before it was read count as read."""
    monkeypatch.setattr(snapshots, "CLOCK_MARGIN", dt.timedelta(0))
    return snapshots.build_snapshot()


def assert_incremental_is_a_full_build(base, changed):
    incremental = snapshots.incremental_snapshot(base, changed)
    assert incremental is not None, "expected the incremental path"
    full = snapshots.build_snapshot()
    assert sorted(incremental.columns) == sorted(full.columns)
    assert decoded(incremental) == decoded(full)  # row for row, every column
    assert incremental.meta["depth"] == base.meta["depth"] + 1
    return incremental


def test_an_update_rewrites_the_changed_rows_as_a_full_build_would(base):
    with_sibling = [
        m
        for m in AccountMetrics.objects.select_related("account")
        if Account.objects.filter(creator_id=m.account.creator_id, metrics__isnull=False).count() == 2
    ]
    single = AccountMetrics.objects.exclude(account__creator_id=with_sibling[0].account.creator_id).first()
    metrics = [with_sibling[0], single]  # the first one's new risk is its sibling's creator-level risk too
    # Bulk writes (no timestamps touched): only the announced ids tell what changed.
    AccountMetrics.objects.filter(pk=metrics[0].pk).update(
        followers=123, fake_risk=0.97, risk_level="high", vetting_inputs={"text": {"terms": {"brand-new-term": 0.5}}}
    )
    AccountMetrics.objects.filter(pk=metrics[1].pk).update(engagement_rate=0.2, vetting_inputs={})
    creator = metrics[1].account.creator_id
    from influencers.models import Creator

    Creator.objects.filter(pk=creator).update(country="JP", languages=["fr", "zh"])
    AudienceProfileFactory(
        account=metrics[1].account,
        as_of=timezone.localdate(),
        countries={"JP": 1.0},
        age={"18-24": 1.0},
        gender={"female": 1.0},
        languages={"ja": 1.0},
        interests={},
    )
    incremental = assert_incremental_is_a_full_build(base, [m.account_id for m in metrics])
    assert "brand-new-term" in incremental.meta["terms"] and "JP" in incremental.meta["countries"]


def test_a_new_account_is_added_and_a_deleted_one_dropped(base):
    creator = CreatorFactory(country="KR", languages=["ko", "de"])
    added = AccountFactory(creator=creator, platform=Platform.YOUTUBE)
    AccountMetricsFactory(account=added, followers=5000, fake_risk=0.2, risk_level="low", risk_confidence=0.9)
    sibling_of = Account.objects.filter(creator__accounts__isnull=False).values("creator_id")
    two = Account.objects.filter(creator_id__in=sibling_of).values_list("creator_id", flat=True)
    pair = next(c for c in two if Account.objects.filter(creator_id=c).count() == 2)
    deleted = Account.objects.filter(creator_id=pair).order_by("pk").first()
    deleted_id = deleted.pk
    deleted.delete()  # the sibling's creator-level risk changes with it
    whole = Account.objects.exclude(creator_id=pair).exclude(pk=added.pk).first()
    whole_ids = list(Account.objects.filter(creator_id=whole.creator_id).values_list("pk", flat=True))
    whole.creator.delete()
    incremental = assert_incremental_is_a_full_build(base, [added.pk, deleted_id, *whole_ids])
    assert added.pk in incremental["account_id"] and deleted_id not in incremental["account_id"]
    assert len(incremental) == len(base) + 1 - 1 - len(whole_ids)


def test_an_edit_no_follow_up_announced_is_found_by_its_timestamp(base):
    account = Account.objects.filter(metrics__isnull=False).first()
    account.creator.country = "GB"
    account.creator.save()  # an admin edit: updated_at moves, nobody announces it
    assert_incremental_is_a_full_build(base, [])


def test_a_large_change_or_a_long_chain_builds_in_full(base, monkeypatch):
    monkeypatch.setattr(snapshots, "INCREMENTAL_MIN_ROWS", 3)
    monkeypatch.setattr(snapshots, "INCREMENTAL_MAX_SHARE", 0.01)
    assert snapshots.incremental_snapshot(base, Account.objects.values_list("pk", flat=True)[:4]) is None
    one = Account.objects.values_list("pk", flat=True)[:1]
    assert snapshots.incremental_snapshot(base, one) is not None
    base.meta["depth"] = snapshots.INCREMENTAL_MAX_DEPTH
    assert snapshots.incremental_snapshot(base, one) is None
    del base.meta["read_at"]  # a snapshot written before incremental builds existed
    base.meta["depth"] = 0
    assert snapshots.incremental_snapshot(base, one) is None


def test_the_follow_up_builds_the_next_version_incrementally(catalogue, snapshot_on, settings, monkeypatch):
    from influencers.follow_ups import AccountsChanged

    monkeypatch.setattr(snapshots, "CLOCK_MARGIN", dt.timedelta(0))
    assert snapshots.current_snapshot(wait=True) is not None  # the full build of the first version
    built = []
    full_build = snapshots.build_snapshot
    monkeypatch.setattr(
        snapshots, "build_snapshot", lambda accounts=None: built.append(accounts) or full_build(accounts)
    )
    account = AccountMetrics.objects.order_by("pk").first().account_id
    AccountMetrics.objects.filter(pk=account).update(followers=33_333_333)
    assert snapshots.features_after_change(AccountsChanged(account_ids=(account,))) is not None
    assert len(built) == 1 and built[0] is not None  # only the changed creator's accounts were read
    b = brand()
    assert ranked_from_snapshot(monkeypatch, brand=b).rows == ranked_from_database(settings, brand=b).rows


def test_a_follow_up_that_ran_late_still_gets_its_rows_rewritten(catalogue, snapshot_on, monkeypatch):
    from influencers.follow_ups import AccountsChanged

    monkeypatch.setattr(snapshots, "CLOCK_MARGIN", dt.timedelta(0))
    assert snapshots.current_snapshot(wait=True) is not None
    first = AccountMetrics.objects.order_by("pk").first()
    second = AccountMetrics.objects.exclude(account__creator_id=first.account.creator_id).order_by("pk").first()
    first, second = first.pk, second.pk  # of two creators: neither follow-up rewrites the other's rows
    # Two imports commit (bulk writes: no timestamps), then their follow-ups run in the other order.
    AccountMetrics.objects.filter(pk=first).update(followers=11)
    AccountMetrics.objects.filter(pk=second).update(followers=22)
    snapshots.features_after_change(AccountsChanged(account_ids=(second,)))
    snapshots.features_after_change(AccountsChanged(account_ids=(first,)))  # this version exists already
    current = snapshots.current_snapshot()
    assert current is not None and current.meta["depth"] == 2
    assert decoded(current) == decoded(snapshots.build_snapshot())
