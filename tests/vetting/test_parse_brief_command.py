"""`manage.py parse_brief "TEXT" [--json] [--date]`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("parse_brief", *args, stdout=out)
    return out.getvalue()


def test_json_prints_the_parse():
    body = json.loads(run("小红书上 18–30 岁的上海女生，喜欢护肤，粉丝 1 万到 10 万，不要和雅诗兰黛合作过的", "--json"))
    assert set(body) == {"filters", "target_audience", "excluded_brands", "excluded_topics", "notes", "unknown"}
    assert body["filters"]["platform"] == ["xiaohongshu"]
    assert body["filters"]["min_followers"] == 10_000 and body["filters"]["max_followers"] == 100_000
    assert body["excluded_brands"] == ["Estée Lauder 雅诗兰黛"]
    assert body["target_audience"]["age"]["values"] == {"18-24": 0.54, "25-34": 0.46}


def test_the_summary_names_what_was_not_understood():
    text = run("Pet creators on Instagram")
    assert 'platform: ["instagram"]' in text
    assert "not understood: Pet" in text


def test_generation_words_follow_the_date():
    young = json.loads(run("Gen Z", "--json", "--date", "2026-01-15"))["target_audience"]["age"]["values"]
    later = json.loads(run("Gen Z", "--json", "--date", "2046-01-15"))["target_audience"]["age"]["values"]
    assert "13-17" in young and "13-17" not in later


@pytest.mark.parametrize(("args", "words"), [(("  ",), "text"), (("x", "--date", "15/01/2026"), "--date")])
def test_bad_input_is_a_command_error(args, words):
    with pytest.raises(CommandError, match=words):
        run(*args)
