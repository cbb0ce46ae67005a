"""Explanations as data (core.messages): a message is a code and its parameters, worded only when
rendered, in the reader's language; stored texts from before messages read as they were."""

from __future__ import annotations

import json

import pytest
from django.utils import translation
from django.utils.translation import gettext_noop

from core.messages import (
    COMPACT,
    INT,
    JOINED,
    LIST,
    MESSAGES,
    NUM2,
    PCT1,
    Message,
    compact_number,
    define,
    define_labels,
    is_message,
    localize,
    message_json,
    message_json_renderer,
    message_safe,
    render_message,
)
from tests.factories import JobFactory

SHARE = define(
    "test.share",
    gettext_noop("%(share)s of %(n)s followers"),
    share=PCT1,
    n=INT,
)
BURSTS = define(
    "test.bursts",
    gettext_noop("%(n)s burst"),
    plural=gettext_noop("%(n)s bursts"),
    count="n",
    n=INT,
)


def test_a_message_keeps_numbers_unformatted_and_words_them_when_rendered():
    message = SHARE(share=0.10340529208453735, n=12345)
    assert message.as_dict() == {"code": "test.share", "params": {"share": 0.10340529208453735, "n": 12345}}
    assert render_message(message, "en") == "10.3% of 12,345 followers"
    # The stored form (JSON) renders the same.
    stored = json.loads(json.dumps(message.as_dict()))
    assert is_message(stored) and render_message(stored, "en") == "10.3% of 12,345 followers"


def test_parameters_are_checked_where_the_message_is_made():
    with pytest.raises(TypeError, match="missing"):
        SHARE(share=0.1)
    with pytest.raises(TypeError, match="unknown"):
        SHARE(share=0.1, n=1, extra=2)


BARE = define("test.bare", gettext_noop("nothing to show"))


def test_a_message_without_parameters_is_made_once_and_reads_as_one_made_anew():
    made = BARE()
    assert made is BARE()  # kept by its template (messages are never changed)
    assert made == Message("test.bare", {}) and made.as_dict() == {"code": "test.bare", "params": {}}
    assert render_message(made, "en") == "nothing to show"
    with pytest.raises(TypeError, match="unknown"):
        BARE(extra=1)
    with pytest.raises(TypeError, match="missing"):
        SHARE()  # a template with parameters is not answered by the shortcut
    assert SHARE(share=0.1, n=1) is not SHARE(share=0.1, n=1)
    # Declaring the same text again is allowed (the kept message is not part of the template's identity).
    assert define("test.bare", gettext_noop("nothing to show"))() == made


def test_a_placeholder_without_a_format_is_refused_when_defined():
    with pytest.raises(ValueError, match="no format"):
        define("test.bad", gettext_noop("%(share)s and %(other)s"), share=PCT1)


def test_the_english_plural_follows_the_count():
    assert render_message(BURSTS(n=1), "en") == "1 burst"
    assert render_message(BURSTS(n=3), "en") == "3 bursts"


def test_stored_strings_and_unknown_codes_still_read():
    assert render_message("12.5% of the sampled followers look fake", "zh-hans") == (
        "12.5% of the sampled followers look fake"
    )
    assert render_message({"code": "no.such.code", "params": {}}, "en") == "no.such.code"
    assert render_message(None) == ""


def test_numpy_numbers_and_nan_are_stored_as_plain_json():
    import numpy as np

    message = SHARE(share=np.float64(0.25), n=np.int64(4))
    assert json.dumps(message.as_dict()) == '{"code": "test.share", "params": {"share": 0.25, "n": 4}}'
    assert SHARE(share=float("nan"), n=1).params["share"] is None
    assert SHARE(share=np.float64("nan"), n=1).params["share"] is None
    infinite = RATIO(ratio=np.float64("inf")).params["ratio"]
    assert type(infinite) is float and infinite == float("inf")
    assert type(SHARE(share=np.float64(0.25), n=1).params["share"]) is float
    assert render_message(SHARE(share=float("nan"), n=1), "en") == "— of 1 followers"


def test_nan_inside_containers_is_none_and_other_floats_are_kept():
    # Floats are taken in place inside dicts and lists (NaN is the one that is not equal to itself).
    nan, inf = float("nan"), float("inf")
    assert message_safe({"a": nan, "b": [1.5, nan, -0.0], "c": inf, "d": {"e": nan}}) == {
        "a": None,
        "b": [1.5, None, -0.0],
        "c": inf,
        "d": {"e": None},
    }
    assert JOINED(items=[SHARE(share=nan, n=1), nan]).params["items"] == [
        {"code": "test.share", "params": {"share": None, "n": 1}},
        None,
    ]


@pytest.mark.parametrize(
    ("value", "english", "chinese"),
    [
        (10_200, "10.2K", "1.02万"),
        (120_000, "120K", "12万"),
        (123_456, "123.5K", "12.35万"),
        (1_234_567, "1.2M", "123.5万"),
        (123_456_789, "123.5M", "1.23亿"),
        (950, "950", "950"),
        (None, "—", "—"),
    ],
)
def test_compact_numbers_keep_their_precision_in_wan_and_yi(value, english, chinese):
    from django.utils import translation

    with translation.override("en"):
        assert compact_number(value) == english
    with translation.override("zh-hans"):
        assert compact_number(value) == chinese


def test_localize_puts_words_where_the_text_was_and_the_message_beside_it():
    document = {
        "explanation": SHARE(share=0.5, n=2).as_dict(),
        "lines": [BURSTS(n=2).as_dict(), BURSTS(n=1).as_dict()],
        "old": "stored before messages",
        "nested": [{"reason": BURSTS(n=1).as_dict(), "date": "2026-01-01"}],
    }
    plain = localize(document, "en")
    assert plain["explanation"] == "50.0% of 2 followers"
    assert plain["lines"] == ["2 bursts", "1 burst"]
    assert plain["nested"][0] == {"reason": "1 burst", "date": "2026-01-01"}
    api = localize(document, "en", structured=True)
    assert api["explanation_message"] == {
        "code": "test.share",
        "params": {"share": 0.5, "n": 2},
        "message": "50.0% of 2 followers",
    }
    assert [m["message"] for m in api["lines_messages"]] == ["2 bursts", "1 burst"]
    assert api["old"] == "stored before messages" and "old_message" not in api
    assert api["nested"][0]["reason_message"]["code"] == "test.bursts"


@pytest.mark.django_db
def test_job_log_lines_are_stored_as_messages_and_read_in_words():
    from core.selectors.jobs import job_log_lines, job_log_text
    from core.services.jobs import job_log

    job = JobFactory()
    job_log(job=job, message=BURSTS(n=2))
    job_log(job=job, message="a line written by hand")
    job.refresh_from_db()
    (_, first), (_, second) = job_log_lines(job)
    assert first == {"code": "test.bursts", "params": {"n": 2}} and second == "a line written by hand"
    lines = job_log_text(job, "en").splitlines()
    assert lines[0].endswith(" 2 bursts") and lines[1].endswith(" a line written by hand")
    assert '"code"' not in "\n".join(lines)  # no JSON where a person reads


@pytest.mark.django_db
def test_a_job_failing_on_a_bug_tells_people_a_sentence_and_keeps_the_details_for_admins():
    from core.services.jobs import failure_message, job_fail

    job = JobFactory()
    failed = job_fail(
        job_id=job.pk, error="KeyError: /tmp/vetted-x/a.png", message=failure_message(KeyError("/tmp/vetted-x"))
    )
    assert "KeyError" in failed.error  # the admins' detail
    shown = render_message(failed.result["error_message"], "en")
    assert shown.startswith("The job stopped on an unexpected error")
    assert "/tmp" not in shown and "KeyError" not in shown


def test_a_domain_error_carries_its_message_and_an_english_text():
    from core.errors import InputError

    error = InputError(SHARE(share=0.1, n=3), field="min_followers")
    assert str(error) == "field 'min_followers': 10.0% of 3 followers"  # the API's detail, the CLI
    assert isinstance(error.message, Message) and error.reason == "10.0% of 3 followers"


RATIO = define("test.ratio", gettext_noop("%(ratio)s comments per like"), ratio=NUM2)
REACH = define("test.reach", gettext_noop("%(n)s followers"), n=COMPACT)


def test_a_message_rendered_again_reads_the_same_in_each_language():
    # Rendered messages are remembered by their stored form and language: asking again, in
    # another language, then in the first again, must give each language its own words.
    message = REACH(n=10_200)
    for _ in range(2):
        assert render_message(message, "en") == "10.2K followers"
        assert render_message(message, "zh-hans") == "1.02万 followers"
        assert render_message(message.as_dict(), "en") == "10.2K followers"


def test_infinity_none_and_nan_are_told_apart_when_remembered():
    # JSON writes all three as null; a remembered rendering must not mix them up.
    infinite = {"code": "test.ratio", "params": {"ratio": float("inf")}}
    unknown = {"code": "test.ratio", "params": {"ratio": None}}
    not_a_number = {"code": "test.ratio", "params": {"ratio": float("nan")}}
    for _ in range(2):
        assert render_message(infinite, "en") == "∞ comments per like"
        assert render_message(unknown, "en") == "— comments per like"
        assert render_message(not_a_number, "en") == "— comments per like"
    assert message_json(RATIO(ratio=0.5), "en") == {
        "code": "test.ratio",
        "params": {"ratio": 0.5},
        "message": "0.50 comments per like",
    }


def test_a_renderer_words_messages_in_the_language_active_when_it_was_made():
    # A response's messages are rendered with the language read once (message_json_renderer).
    from django.utils import translation

    stored = REACH(n=10_200).as_dict()
    with translation.override("zh-hans"):
        chinese = message_json_renderer()
    with translation.override("en"):
        english = message_json_renderer()
        assert message_json(stored) == english(stored)
    assert chinese(stored) == {"code": "test.reach", "params": {"n": 10_200}, "message": "1.02万 followers"}
    assert message_json(stored, "zh-hans") == chinese(stored)  # a language given, not active
    assert english(REACH(n=10_200))["message"] == "10.2K followers"


def test_localize_renders_through_the_callers_memo():
    seen = []

    def as_json(message):
        seen.append(message)
        return message_json(message, "en")

    line = BURSTS(n=2).as_dict()
    api = localize({"why": line, "dims": [{"sentence": line, "focus": ["a", "b"]}]}, structured=True, as_json=as_json)
    assert api["why"] == "2 bursts" and api["dims"][0]["sentence_message"]["message"] == "2 bursts"
    assert api["dims"][0]["focus"] == ["a", "b"]
    assert seen == [line, line]


def test_only_a_dict_of_exactly_code_and_params_is_a_stored_message():
    assert is_message({"code": "test.bursts", "params": {"n": 1}})
    assert not is_message({"code": "test.bursts", "params": {"n": 1}, "note": "x"})
    assert not is_message({"code": "test.bursts", "extra": {}})
    assert not is_message({"code": 1, "params": {}})


NESTED = define(
    "test.nested",
    gettext_noop("%(parts)s | %(names)s | %(reach)s | %(part)s"),
    parts=MESSAGES,
    names=LIST,
    reach=COMPACT,
    part="label:test_part",
)
define_labels("test_part", {"audience": gettext_noop("Audience")})


def test_a_message_rendered_anew_reads_the_active_language_only_through_its_renderer(monkeypatch):
    # A ranking page renders hundreds of messages anew: its renderer reads the language once and
    # passes it down to nested messages, lists, counts and labels instead of asking each time.
    import core.messages as messages_module

    messages_module._RENDERED.clear()
    message = NESTED(parts=[REACH(n=10200), SHARE(share=0.5, n=2)], names=["a", "b"], reach=12345, part="audience")
    real = translation.get_language
    reads: list[str] = []
    monkeypatch.setattr(translation, "get_language", lambda: reads.append("read") or real())
    with translation.override("zh-hans"):
        render = message_json_renderer()
        reads.clear()
        rendered = render(message)
    assert reads == []
    assert rendered["message"] == "1.02万 followers；50.0% of 2 followers | a、b | 1.23万 | 受众"
