"""The cheap checks that spare most captions the phrase search (sponsorship._GATE and the
line-start "ad" test) must let through every caption a phrase marker is found in: bracketed
"ad" anywhere in a line, and "ad" opening any line of a caption."""

import pytest

from influencers.sponsorship import find_marker


@pytest.mark.parametrize(
    ("caption", "marker"),
    [
        ("【AD】新品试用，真实感受", "【ad】"),
        ("新品试用 [ ad ] 真实感受", "[ ad ]"),
        ("new season (ad) with the whole team", "(ad)"),
        ("Spring drop\nAd: the new serum", "ad:"),
        ("Spring drop\n  [ad] - the new serum", "[ad] -"),
    ],
)
def test_bracketed_and_line_start_ads_are_found(caption: str, marker: str) -> None:
    assert find_marker(caption) == marker


@pytest.mark.parametrize("caption", ["reading list: made in lisbon", "roadtrip (adventure) day 3", "【adidas】 haul"])
def test_words_containing_ad_are_not_markers(caption: str) -> None:
    assert find_marker(caption) == ""
