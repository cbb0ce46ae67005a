"""The shortlist page's audience overlap: a heat map of the share of the smaller audience each
pair shares (value, interval and method on hover), "unknown" where a creator has no follower
sample, and the unique reach with its interval, in English and Chinese."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import CreatorFactory, ShortlistEntryFactory, ShortlistFactory, overlap_shortlist


@pytest.fixture
def shortlist(member):
    return overlap_shortlist(member.organization, "Overlap test")


def cells(body: str) -> list[tuple[str, str, str]]:
    """(kind, style, text) of every cell of the matrix."""
    table = body.split('data-testid="overlap-matrix"', 1)[1].split("</table>", 1)[0]
    found = re.findall(r'<td class="right" data-kind="(\w+)" style="([^"]*)"[^>]*>(.*?)</td>', table, re.S)
    return [(kind, style, re.sub(r"<[^>]+>", " ", inner).split()) for kind, style, inner in found]


def test_the_matrix_shows_shares_intervals_and_unknowns(ui, shortlist):
    body = ui.get(reverse("frontend:shortlist", args=[shortlist.pk])).content.decode()
    found = cells(body)
    assert len(found) == 9
    kinds = [kind for kind, _, _ in found]
    assert kinds == ["self", "estimate", "unknown", "estimate", "self", "unknown", "unknown", "unknown", "self"]
    kind, style, words = found[1]
    assert words == ["40.0%", "40.0%–40.0%"]
    assert "rgba(37,99,235,0.40)" in style  # 0.06 + 0.84 × 0.4
    assert 'title="40.0% of the smaller audience also follows the other on Instagram' in body
    assert "Unknown: Cleo has no follower sample" in body
    # unique reach: 100 + 100 − 40
    reach = body.split('data-testid="unique-reach"', 1)[1].split("</p>", 1)[0]
    assert "Unique reach: 160 distinct followers (95% interval 160–160) of 200 followers" in reach


def test_the_matrix_in_chinese(ui, shortlist):
    ui.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    body = ui.get(reverse("frontend:shortlist", args=[shortlist.pk])).content.decode()
    assert "受众重合" in body
    assert "去重覆盖：160 名不重复粉丝" in body
    assert [kind for kind, _, _ in cells(body)][2] == "unknown"
    assert "未知" in body


def test_no_matrix_for_a_single_creator(ui, member):
    shortlist = ShortlistFactory(organization=member.organization)
    ShortlistEntryFactory(shortlist=shortlist, creator=CreatorFactory())
    body = ui.get(reverse("frontend:shortlist", args=[shortlist.pk])).content.decode()
    assert 'data-testid="overlap"' not in body
