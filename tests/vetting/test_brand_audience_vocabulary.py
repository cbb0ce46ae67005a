"""Brand target audiences speak the catalogue's vocabulary: keys typed as codes in any case or as
labels/synonyms in English or Chinese become the codes audiences are stored by; anything else is
refused with the allowed list; shares are spoken of in percent; every problem of a brief at once."""

from __future__ import annotations

import pytest

from core.errors import InputError
from vetting.services.brands import brand_problems, target_audience_clean


def _target(dimension: str, values: dict[str, float]) -> dict:
    return {dimension: {"weight": 1, "values": values}}


@pytest.mark.parametrize(
    "dimension, typed, code",
    [
        ("gender", {"女": 0.8, "男": 0.2}, {"female": 0.8, "male": 0.2}),
        ("countries", {"中国": 1.0}, {"CN": 1.0}),
        ("countries", {"cn": 0.5, "Taiwan": 0.5}, {"CN": 0.5, "TW": 0.5}),
        ("interests", {"美妆": 1.0}, {"beauty": 1.0}),
        ("languages", {"中文": 0.9, "English": 0.1}, {"zh": 0.9, "en": 0.1}),
        ("age", {"18-24": 0.5, "25-34": 0.5}, {"18-24": 0.5, "25-34": 0.5}),
    ],
)
def test_keys_in_either_language_become_catalogue_codes(dimension, typed, code):
    assert target_audience_clean(_target(dimension, typed))[dimension]["values"] == code


def test_an_unknown_key_is_refused_with_the_allowed_list():
    with pytest.raises(InputError) as caught:
        target_audience_clean(_target("countries", {"火星": 1.0}))
    assert caught.value.field == "target_audience.countries.values"
    assert "火星" in str(caught.value) and "CN" in str(caught.value) and "TW" in str(caught.value)


def test_the_shares_total_is_spoken_of_in_percent():
    with pytest.raises(InputError) as caught:
        target_audience_clean(_target("gender", {"female": 0.6, "male": 0.6}))
    assert "120%" in str(caught.value) and "100%" in str(caught.value)


def test_every_problem_of_a_brief_at_once():
    problems = brand_problems(
        data={
            "name": "",
            "min_followers": 50_000,
            "max_followers": 1_000,
            "target_audience": {
                **_target("gender", {"female": 0.6, "male": 0.6}),
                **_target("countries", {"Atlantis": 1.0}),
            },
        }
    )
    fields = sorted(p.field for p in problems)
    assert fields == [
        "max_followers",
        "name",
        "target_audience.countries.values",
        "target_audience.gender.values",
    ]
