"""Pure watch-rule evaluation: thresholds, episodes, evidence, parameter validation."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import InputError
from tests.words import en
from vetting.monitoring import rules as r

AS_OF = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)


def post(pid: int, days_ago: float, caption: str = "Morning routine", **kw) -> r.PostData:
    return r.PostData(
        id=pid,
        account_id=1,
        platform="instagram",
        handle="amy",
        posted_at=AS_OF - dt.timedelta(days=days_ago),
        caption=caption,
        **kw,
    )


def comment(cid: int, days_ago: float, label: str, text: str = "", score: float | None = None) -> r.CommentData:
    score = {"negative": -0.7, "neutral": 0.0, "positive": 0.6}[label] if score is None else score
    return r.CommentData(
        id=cid,
        post_id=1,
        account_id=1,
        commenter=f"u{cid}",
        text=text or label,
        posted_at=AS_OF - dt.timedelta(days=days_ago),
        label=label,
        score=score,
    )


def creator(**kw) -> r.CreatorData:
    return r.CreatorData(creator_id=7, name="Amy", **kw)


KEYWORDS = r.KeywordParams(keywords=("gambling", "赌博"), use_brand_exclusions=False, min_count=2, window_days=7)


# --- keyword thresholds ------------------------------------------------------------------------------


def test_keyword_fires_at_the_threshold() -> None:
    data = creator(posts=(post(1, 10, "Casino night, gambling fun"), post(2, 5, "今晚赌博手气好"), post(3, 1)))
    hits = r.evaluate_keyword(data, KEYWORDS, r.BrandContext(), as_of=AS_OF)
    assert len(hits) == 1
    assert hits[0].evidence["count"] == 2
    assert [p["post_id"] for p in hits[0].evidence["posts"]] == [1, 2]


def test_keyword_counts_posts_within_the_window() -> None:
    two_close = creator(posts=(post(1, 6, "gambling again"), post(2, 1, "more gambling")))
    hits = r.evaluate_keyword(two_close, KEYWORDS, r.BrandContext(), as_of=AS_OF)
    assert len(hits) == 1
    assert hits[0].evidence["count"] == 2
    assert [p["post_id"] for p in hits[0].evidence["posts"]] == [1, 2]
    assert hits[0].evidence["posts"][0]["matched_terms"] == ["gambling"]
    assert hits[0].cause == "keyword:post1"


def test_keyword_does_not_fire_below_the_threshold() -> None:
    one = creator(posts=(post(1, 2, "gambling night"), post(2, 1, "clean skincare")))
    assert r.evaluate_keyword(one, KEYWORDS, r.BrandContext(), as_of=AS_OF) == []
    # Two posts, but eight days apart: never two inside one 7-day window.
    apart = creator(posts=(post(1, 9, "gambling night"), post(2, 1, "赌博")))
    assert r.evaluate_keyword(apart, KEYWORDS, r.BrandContext(), as_of=AS_OF) == []


def test_keyword_threshold_is_configurable() -> None:
    three = r.KeywordParams(keywords=("gambling",), use_brand_exclusions=False, min_count=3, window_days=7)
    data = creator(posts=(post(1, 3, "gambling"), post(2, 2, "gambling")))
    assert r.evaluate_keyword(data, three, r.BrandContext(), as_of=AS_OF) == []
    data = creator(posts=(post(1, 3, "gambling"), post(2, 2, "gambling"), post(3, 1, "#gambling")))
    assert len(r.evaluate_keyword(data, three, r.BrandContext(), as_of=AS_OF)) == 1


def test_overlapping_windows_are_one_episode_named_by_its_first_post() -> None:
    posts = tuple(post(i, 20 - 3 * i, "gambling") for i in range(6))  # every 3 days
    hits = r.evaluate_keyword(creator(posts=posts), KEYWORDS, r.BrandContext(), as_of=AS_OF)
    assert len(hits) == 1
    assert hits[0].evidence["count"] == 6
    assert hits[0].cause == "keyword:post0"
    assert hits[0].severity == "high"  # six posts: at least twice the threshold


def test_keyword_matching_is_word_based_for_latin_and_substring_for_chinese() -> None:
    params = r.KeywordParams(keywords=("bet", "赌"), use_brand_exclusions=False, min_count=1)
    better = creator(posts=(post(1, 1, "A better routine"),))
    assert r.evaluate_keyword(better, params, r.BrandContext(), as_of=AS_OF) == []
    bets = creator(posts=(post(1, 1, "Placing a BET tonight"), post(2, 20, "小赌怡情")))
    hits = r.evaluate_keyword(bets, params, r.BrandContext(), as_of=AS_OF)
    # Two 1-post episodes far apart; "BET" matched as a word, "赌" inside a word.
    assert [h.evidence["terms"] for h in hits] == [["赌"], ["bet"]]


def test_topics_expand_to_their_bilingual_keywords_when_the_concept_table_is_installed() -> None:
    from vetting.scoring.value_alignment import topic_terms

    terms = [t for t in topic_terms("gambling") if t != "gambling"]
    assert terms, "the concept table names keywords for gambling"
    other = terms[0]
    params = r.KeywordParams(topics=("gambling",), use_brand_exclusions=False, min_count=1)
    data = creator(posts=(post(1, 1, f"tonight: {other}"),))
    (hit,) = r.evaluate_keyword(data, params, r.BrandContext(), as_of=AS_OF)
    assert hit.evidence["terms"] == [f"gambling: {other}"]


def test_brand_exclusions_and_topics_are_used_when_asked() -> None:
    brand = r.BrandContext(excluded_keywords=("vape",), excluded_topics=("alcohol",))
    data = creator(posts=(post(1, 2, "new vape flavour"), post(2, 1, "alcohol tasting")))
    with_brand = r.KeywordParams(use_brand_exclusions=True, min_count=2)
    without = r.KeywordParams(keywords=("casino",), use_brand_exclusions=False, min_count=2)
    assert r.evaluate_keyword(data, with_brand, brand, as_of=AS_OF)[0].evidence["terms"] == ["vape", "alcohol"]
    assert r.evaluate_keyword(data, without, brand, as_of=AS_OF) == []


# --- sentiment against the creator's own baseline --------------------------------------------------


def _calm_history() -> list[r.CommentData]:
    # 20 days, 5 comments a day, one of them negative (the creator's usual 20%).
    out, cid = [], 1000
    for d in range(10, 30):
        for i in range(5):
            out.append(comment(cid, d + 0.1 * i, "negative" if i == 0 else "positive"))
            cid += 1
    return out


def test_negative_burst_raises_exactly_one_hit_citing_those_comments() -> None:
    burst = [comment(i, 2 - 0.05 * i, "negative", text=f"scam {i}") for i in range(1, 9)]
    calm_recent = [comment(500 + i, 3 + 0.1 * i, "positive") for i in range(4)]
    data = creator(comments=tuple(_calm_history() + burst + calm_recent))
    hits = r.evaluate_sentiment(data, r.SentimentParams(), as_of=AS_OF)
    assert len(hits) == 1
    hit = hits[0]
    assert sorted(hit.evidence["comment_ids"]) == [c.id for c in burst]
    assert hit.evidence["baseline"]["baseline_median"] == pytest.approx(0.2)
    assert hit.evidence["negative_share"] == pytest.approx(8 / 12, abs=1e-4)
    assert hit.cause.startswith("sentiment:")


def test_usual_negativity_does_not_fire() -> None:
    recent = [comment(i, 1 + 0.1 * i, "negative" if i % 5 == 0 else "positive") for i in range(10)]
    data = creator(comments=tuple(_calm_history() + recent))
    assert r.evaluate_sentiment(data, r.SentimentParams(), as_of=AS_OF) == []


def test_margin_is_respected() -> None:
    # 50% negative recently (20 comments) against a 20% baseline: fires with margin 0.2, not 0.4.
    recent = [comment(i, 1 + 0.1 * i, "negative" if i % 2 else "positive") for i in range(20)]
    data = creator(comments=tuple(_calm_history() + recent))
    assert len(r.evaluate_sentiment(data, r.SentimentParams(margin=0.2), as_of=AS_OF)) == 1
    assert r.evaluate_sentiment(data, r.SentimentParams(margin=0.4), as_of=AS_OF) == []


def test_a_few_negative_comments_on_a_quiet_week_are_sampling_noise() -> None:
    # 3 of 8 comments negative against a 0% baseline: above the margin, but with 8 comments the
    # binomial noise is large, so the robust z stays below the threshold.
    history = [comment(1000 + i, 10 + i, "positive") for i in range(30)]
    recent = [comment(i, 1 + 0.1 * i, "negative" if i < 3 else "positive") for i in range(8)]
    data = creator(comments=tuple(history + recent))
    assert r.evaluate_sentiment(data, r.SentimentParams(), as_of=AS_OF) == []
    loud = [comment(i, 1 + 0.02 * i, "negative" if i < 30 else "positive") for i in range(80)]
    assert len(r.evaluate_sentiment(creator(comments=tuple(history + loud)), r.SentimentParams(), as_of=AS_OF)) == 1


def test_sentiment_needs_history_and_enough_recent_comments() -> None:
    burst = tuple(comment(i, 1, "negative") for i in range(10))
    assert r.evaluate_sentiment(creator(comments=burst), r.SentimentParams(), as_of=AS_OF) == []
    few = tuple(_calm_history()) + tuple(comment(i, 1, "negative") for i in range(3))
    assert r.evaluate_sentiment(creator(comments=few), r.SentimentParams(min_comments=5), as_of=AS_OF) == []


# --- anomalies and competitors ----------------------------------------------------------------------


def test_anomalies_are_filtered_by_minimum_severity_and_lookback() -> None:
    day = AS_OF.date()
    anomalies = (
        r.Anomaly(1, "jump", day - dt.timedelta(days=3), 20_000, "high", "+20,000 in a day"),
        r.Anomaly(1, "drop", day - dt.timedelta(days=5), -300, "low", "small drop"),
        r.Anomaly(1, "jump", day - dt.timedelta(days=200), 5_000, "high", "old jump"),
    )
    data = creator(growth_anomalies=anomalies)
    hits = r.evaluate_anomalies(data, r.AnomalyParams(min_severity="medium"), kind=r.GROWTH_ANOMALY, as_of=AS_OF)
    assert [h.evidence["size"] for h in hits] == [20_000]
    assert hits[0].severity == "high" and en(hits[0].summary) == "Amy: +20,000 in a day"
    low = r.evaluate_anomalies(data, r.AnomalyParams(min_severity="low"), kind=r.GROWTH_ANOMALY, as_of=AS_OF)
    assert len(low) == 2


def test_competitor_sponsorship_matches_sponsor_mentions_and_bilingual_names() -> None:
    posts = (
        post(1, 10, "Morning glow", is_sponsored=True, sponsor="Lumiskin 璐美肤"),
        post(2, 5, "感谢 #合作 璐美肤 的新品"),
        post(3, 4, "Lumiskin is nice"),  # not paid: not a sponsorship
        post(4, 3, "My pick", is_sponsored=True, sponsor="Dewlab"),
    )
    brand = r.BrandContext(competitors=("Lumiskin 璐美肤",))
    hits = r.evaluate_competitor(creator(posts=posts), r.CompetitorParams(), brand, as_of=AS_OF)
    assert len(hits) == 1
    assert [p["post_id"] for p in hits[0].evidence["posts"]] == [1, 2]
    assert [p["matched_by"] for p in hits[0].evidence["posts"]] == ["sponsor", "caption"]
    extra = r.CompetitorParams(competitors=("dewlab",), use_brand_competitors=False)
    assert [
        h.evidence["competitor"] for h in r.evaluate_competitor(creator(posts=posts), extra, brand, as_of=AS_OF)
    ] == ["dewlab"]


# --- parameters ------------------------------------------------------------------------------------


def test_params_defaults_and_validation_name_the_field() -> None:
    parsed = r.parse_params("keyword", {"keywords": ["赌博"], "min_count": 3})
    assert (parsed.min_count, parsed.window_days, parsed.keywords) == (3, 7, ("赌博",))
    with pytest.raises(InputError) as err:
        r.parse_params("keyword", {"min_count": 0})
    assert err.value.field == "params.min_count"
    with pytest.raises(InputError) as err:
        r.parse_params("sentiment", {"treshold": 1})
    assert err.value.field == "params.treshold"
    with pytest.raises(InputError) as err:
        r.parse_params("growth_anomaly", {"min_severity": "huge"})
    assert err.value.field == "params.min_severity"
    with pytest.raises(InputError):
        r.parse_params("nonsense", {})
