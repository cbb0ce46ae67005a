"""The brief parser (vetting/briefs, pure): the corpus' accuracy, the tricky cases exactly, that
its output is accepted by the discovery filters and the brand service, that its vocabularies are
the catalogue's own, and that nothing it does not understand is dropped."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from influencers.models import Platform
from influencers.models.audience import AGE_BANDS, GENDERS
from influencers.services.demo import content as demo_content
from tests.vetting.briefs_corpus import CORPUS, TODAY
from vetting.briefs import vocabulary as v
from vetting.briefs.parser import MAX_BRIEF_CHARS, chinese_numeral, parse_brief
from vetting.scoring.engagement import load_benchmarks
from vetting.scoring.text_similarity import CONCEPTS

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("filters", "target_audience", "excluded_brands", "excluded_topics", "unknown")


def parsed(text: str, today: dt.date = TODAY) -> dict:
    return parse_brief(text, today=today).as_dict()


def _bench():
    spec = importlib.util.spec_from_file_location("brief_bench", ROOT / "bench" / "brief_parser.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["brief_bench"] = module
    spec.loader.exec_module(module)
    return module


# --- the corpus ------------------------------------------------------------------------------


def test_the_corpus_is_big_enough_and_bilingual():
    languages = [case.language for case in CORPUS]
    assert len(CORPUS) >= 60
    assert languages.count("zh") >= 30 and languages.count("en") >= 30
    assert len({case.id for case in CORPUS}) == len(CORPUS)


def test_exact_filter_accuracy_is_at_least_90_percent():
    exact = [case.id for case in CORPUS if parsed(case.text)["filters"] == case.filters]
    assert len(exact) / len(CORPUS) >= 0.9, sorted(set(c.id for c in CORPUS) - set(exact))


@pytest.mark.parametrize("case", [c for c in CORPUS if c.tricky], ids=lambda c: c.id)
def test_tricky_briefs_are_read_exactly(case):
    result = parsed(case.text)
    assert {name: result[name] for name in FIELDS} == {name: getattr(case, name) for name in FIELDS}


def test_the_bench_scores_the_same_corpus():
    result = _bench().score()
    assert result["by"]["all"]["n"] == len(CORPUS)
    misses = {case.id for case, _, ok in result["rows"] if not ok["filters"]}
    assert result["by"]["all"]["filters"] == pytest.approx(1 - len(misses) / len(CORPUS))


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.id)
def test_every_answer_is_accepted_by_discovery_and_the_brand_service(case):
    """The filters are valid parameters of the one discovery FilterSet (used as given, lists
    as repeated parameters), and the target audience passes the brand service unchanged."""
    from django.http import QueryDict

    from influencers.filters import CreatorFilterSet
    from influencers.models import Creator
    from vetting.services.brands import target_audience_clean

    result = parsed(case.text)
    query = QueryDict(mutable=True)
    for name, value in result["filters"].items():
        assert name in CreatorFilterSet.base_filters, name
        for item in value if isinstance(value, list) else [value]:
            query.appendlist(name, str(item).lower() if isinstance(item, bool) else str(item))
    filterset = CreatorFilterSet(data=query, queryset=Creator.objects.none())
    assert filterset.is_valid(), filterset.errors
    assert target_audience_clean(result["target_audience"]) == result["target_audience"]


# --- the two briefs of the issue, field by field ----------------------------------------------


def test_the_chinese_example_reads_platform_ages_city_interest_followers_and_brand():
    result = parsed("小红书上 18–30 岁的上海女生，喜欢护肤，粉丝 1 万到 10 万，不要和雅诗兰黛合作过的")
    filters = result["filters"]
    assert filters["platform"] == ["xiaohongshu"]
    assert (filters["min_followers"], filters["max_followers"]) == (10_000, 100_000)
    assert filters["not_worked_with"] == "Estée Lauder 雅诗兰黛"
    # 18–30 covers 7 years of 18-24 and 6 of 25-34
    assert result["target_audience"]["age"]["values"] == {"18-24": 0.54, "25-34": 0.46}
    # Shanghai has no filter of its own: its country, said in a note
    assert filters["country"] == "CN"
    city = [note for note in result["notes"] if note["kind"] == "city"]
    assert city and city[0]["city"] == "Shanghai" and city[0]["country"] == "CN"


def test_the_english_example_reads_tier_country_gender_age_interest_and_topic():
    result = parsed("micro creators on TikTok in the UK, mostly women 18–34 into running, no alcohol content")
    assert result["filters"] == {
        "platform": ["tiktok"],
        "min_followers": 10_000,
        "max_followers": 50_000,
        "country": "GB",
        "audience_age": "25-34",
        "audience_gender": "female",
        "audience_gender_min": 0.5,
        "category": "fitness",
    }
    assert result["excluded_topics"] == ["alcohol"]
    assert result["unknown"] == []


# --- nothing dropped -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("xyzzy plugh", ["xyzzy plugh"]),
        ("喜欢猫的博主", ["猫"]),
        ("creators who love cats", ["cats"]),
        ("beauty creators on Twitch", ["Twitch"]),
        ("TikTok creators, budget $5k", ["budget $5k"]),
    ],
)
def test_what_is_not_understood_is_returned_as_typed(text, unknown):
    assert parsed(text)["unknown"] == unknown


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("no kids content, beauty", "no kids content"),
        ("not on TikTok, beauty", "not on TikTok"),
        ("non-US creators, beauty", "non-US creators"),
        ("不要游戏博主，美妆", "不要游戏"),
    ],
)
def test_a_negated_category_platform_or_place_is_not_read_as_wanted(text, phrase):
    result = parsed(text)
    assert result["filters"] == {"category": "beauty"}
    assert result["unknown"] == [phrase]


def test_a_budget_or_a_number_of_creators_is_not_a_follower_count():
    result = parsed("need 20 creators, budget 50k USD, 预算 5 万")
    assert "min_followers" not in result["filters"] and "max_followers" not in result["filters"]
    assert result["unknown"] == ["20", "budget 50k USD", "预算 5 万"]


def test_what_the_brand_filter_would_refuse_is_left_unknown():
    """`not_worked_with` takes names of at most 100 characters: a run of 40 capitalised words
    is not read as one brand (and so is not sent to a filter that would refuse it)."""
    result = parsed("not worked with " + " ".join(["Acme"] * 40))
    assert "not_worked_with" not in result["filters"] and result["excluded_brands"] == []
    assert result["unknown"] == ["not worked with " + " ".join(["Acme"] * 40)]


def test_a_brief_longer_than_the_limit_is_cut_and_the_rest_reported():
    text = "beauty creators " + "x" * MAX_BRIEF_CHARS
    result = parsed(text)
    assert result["filters"] == {"category": "beauty"}
    assert result["unknown"][-1] == "x" * 16


def test_an_empty_brief_says_nothing():
    assert parsed("   ") == {
        "filters": {},
        "target_audience": {},
        "excluded_brands": [],
        "excluded_topics": [],
        "notes": [],
        "unknown": [],
    }


# --- rules -----------------------------------------------------------------------------------


def test_generation_words_are_read_on_the_given_date():
    assert parsed("00后", today=dt.date(2026, 1, 15))["target_audience"]["age"]["values"] == {
        "13-17": 0.1,
        "18-24": 0.7,
        "25-34": 0.2,
    }
    # ten years later the same words are ten years older
    assert parsed("00后", today=dt.date(2036, 1, 15))["filters"]["audience_age"] == "25-34"


def test_explicit_bounds_override_the_tier_they_narrow():
    assert parsed("micro creators with at least 20k followers")["filters"] == {
        "min_followers": 20_000,
        "max_followers": 50_000,
    }
    assert parsed("头部博主")["filters"] == {"min_followers": 500_000}
    assert parsed("素人")["filters"] == {"max_followers": 10_000}


@pytest.mark.parametrize(
    ("text", "value"),
    [("十万", 100_000), ("五十万", 500_000), ("一百万", 1_000_000), ("百万", 1_000_000), ("两千", 2_000), ("三", 3)],
)
def test_chinese_numerals(text, value):
    assert chinese_numeral(text) == value


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("10k-100k followers", 10_000, 100_000),
        ("粉丝 1-5 万", 10_000, 50_000),
        ("粉丝 500-2万", 500, 20_000),
        ("between 1.5M and 3M followers", 1_500_000, 3_000_000),
        ("粉丝十万到五十万", 100_000, 500_000),
        ("10w-20w粉", 100_000, 200_000),
    ],
)
def test_follower_ranges_share_a_unit_said_once(text, low, high):
    filters = parsed(text)["filters"]
    assert (filters["min_followers"], filters["max_followers"]) == (low, high)


def test_a_gender_share_overrides_the_majority_default():
    assert parsed("women")["filters"]["audience_gender_min"] == 0.5
    assert parsed("女性占比 80% 以上")["filters"]["audience_gender_min"] == 0.8
    assert parsed("男性粉丝不低于六成")["filters"]["audience_gender_min"] == 0.6
    assert "audience_gender" not in parsed("men and women")["filters"]


def test_a_place_said_of_the_audience_is_an_audience_country():
    assert parsed("creators in the UK")["filters"] == {"country": "GB"}
    assert parsed("audience mostly in the UK")["filters"] == {"audience_country": "GB", "audience_country_min": 0.5}
    assert parsed("英国粉丝")["filters"] == {"audience_country": "GB"}


def test_the_parser_reads_no_database_and_no_network():
    source = "".join((ROOT / "vetting" / "briefs" / name).read_text() for name in ("parser.py", "vocabulary.py"))
    for forbidden in ("django", "requests", "urllib", "socket", "httpx", ".objects"):
        assert forbidden not in source


# --- the vocabularies are the catalogue's ----------------------------------------------------


def test_every_platform_of_the_catalogue_has_words_and_no_other():
    assert set(v.PLATFORMS) == set(Platform.values)


def test_age_bands_and_genders_are_the_catalogue_s():
    assert v.AGE_BANDS == AGE_BANDS == tuple(v.AGE_BAND_SPANS)
    assert set(v.GENDERS) <= set(GENDERS)


def test_categories_are_the_catalogue_s_and_know_their_chinese_names():
    assert set(v.CATEGORIES) == set(demo_content.CATEGORY_WEIGHTS)
    for category, chinese in demo_content.CATEGORY_ZH.items():
        assert chinese in v.CATEGORIES[category]


def test_tiers_are_the_engagement_benchmark_s():
    table = {t["name"]: (t["min_followers"], t["max_followers"]) for t in load_benchmarks()["tiers"]}
    assert v.TIERS == table


def test_excluded_topics_are_concepts_value_alignment_expands():
    assert set(v.TOPICS) <= set(CONCEPTS)
    assert {t for topics in v.TOPIC_PAIRS.values() for t in topics} <= set(v.TOPICS)


def test_the_demo_brands_competitors_are_known_brands():
    known = set(v.BRANDS)
    for sponsor in demo_content.SPONSORS_BEAUTY + demo_content.SPONSORS_OUTDOOR + demo_content.SPONSORS_GAMING:
        assert sponsor in known


def test_the_result_is_plain_json():
    result = parsed(CORPUS[0].text)
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
