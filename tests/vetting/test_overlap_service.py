"""vetting.services.overlap: a shortlist's creators, their follower samples matched within a
platform, in a fixed number of queries; creators without a sample are unknown."""

from __future__ import annotations

import pytest

from tests.factories import (
    AccountFactory,
    CreatorFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
    sampled_account,
)
from vetting.services.overlap import creators_overlap, shortlist_overlap


@pytest.fixture
def shortlist(db):
    shortlist = ShortlistFactory()
    anna, ben, cleo = CreatorFactory(display_name="Anna"), CreatorFactory(display_name="Ben"), CreatorFactory()
    # whole audiences on Instagram: 40 of Anna's 100 follow Ben too (written differently)
    sampled_account(anna, "instagram", 100, [f"fan{i}" for i in range(100)])
    sampled_account(ben, "instagram", 100, [f"@FAN{i}" for i in range(60, 160)])
    # the same usernames on another platform are other people: no pair across platforms
    sampled_account(ben, "tiktok", 100, [f"fan{i}" for i in range(100)])
    AccountFactory(creator=cleo, platform="instagram")  # no sample, no metrics
    for creator in (anna, ben, cleo):
        ShortlistEntryFactory(shortlist=shortlist, creator=creator)
    return shortlist, anna, ben, cleo


def test_pairs_are_matched_within_a_platform(shortlist):
    shortlist, anna, ben, cleo = shortlist
    result = shortlist_overlap(shortlist=shortlist)
    assert [c["id"] for c in result["creators"]] == [anna.pk, ben.pk, cleo.pk]
    assert len(result["pairs"]) == 1
    pair = result["pairs"][0]
    assert (pair["a"], pair["b"], pair["platform"]) == (anna.pk, ben.pk, "instagram")
    assert pair["shared_in_sample"] == 40 and pair["overlap_share"] == 0.4 and pair["interval"] == [0.4, 0.4]
    assert pair["shared_followers"] == {"estimate": 40, "interval": [40, 40]}


def test_unique_reach_adds_platforms_and_says_what_it_could_not_count(shortlist):
    shortlist, anna, ben, cleo = shortlist
    reach = shortlist_overlap(shortlist=shortlist)["unique_reach"]
    # Instagram: 100 + 100 − 40 = 160 distinct; TikTok: Ben's 100 (not matched with Instagram)
    assert reach["estimate"] == 260 and reach["interval"] == [260, 260]
    assert {p["platform"]: p["estimate"] for p in reach["by_platform"]} == {"instagram": 160, "tiktok": 100}
    assert reach["accounts_counted"] == 3 and reach["followers_not_counted"] == 0


def test_a_creator_without_a_sample_is_unknown(shortlist):
    shortlist, anna, ben, cleo = shortlist
    unknown = shortlist_overlap(shortlist=shortlist)["unknown"]
    assert unknown == [{"creator": cleo.pk, "display_name": cleo.display_name, "reason": "no follower sample"}]


def test_the_queries_do_not_grow_with_the_list(db, django_assert_num_queries):
    creators = []
    for k in range(6):
        creator = CreatorFactory()
        sampled_account(creator, "instagram", 1_000, [f"u{k}_{i}" for i in range(5)])
        creators.append(creator.pk)
    with django_assert_num_queries(3):
        result = creators_overlap(creator_ids=creators)
    assert len(result["pairs"]) == 15
    assert all(pair["shared_in_sample"] == 0 for pair in result["pairs"])


# --- the matrix (shortlist page and exports) -----------------------------------------------------


def test_matrix_cells_say_what_is_known(db):
    from core.messages import render_message
    from vetting.services.overlap import overlap_matrix

    anna, ben, dora, eve = (CreatorFactory(display_name=n) for n in ("Anna", "Ben", "Dora", "Eve"))
    sampled_account(anna, "instagram", 100, [f"fan{i}" for i in range(100)])
    sampled_account(ben, "instagram", 100, [f"fan{i}" for i in range(60, 160)])
    # Dora: only on TikTok, no platform in common with Anna or Ben
    sampled_account(dora, "tiktok", 100, [f"t{i}" for i in range(100)])
    # Eve: a tiny sample of a large Instagram audience: too small to see any overlap with Anna
    sampled_account(eve, "instagram", 1_000_000, ["fan1", "x2"])
    matrix = overlap_matrix(creators_overlap(creator_ids=[anna.pk, ben.pk, dora.pk, eve.pk]))
    kinds = [[cell["kind"] for cell in row["cells"]] for row in matrix["rows"]]
    assert kinds[0] == ["self", "estimate", "none", "contradiction"]
    assert kinds[2] == ["none", "none", "self", "none"]
    # symmetric
    assert all(kinds[i][j] == kinds[j][i] for i in range(4) for j in range(4))
    cell = matrix["rows"][0]["cells"][1]
    assert cell["share"] == 0.4 and cell["interval"] == [0.4, 0.4] and cell["platform"] == "instagram"
    assert render_message(cell["note"], "en").startswith("40.0% of the smaller audience also follows the other")
    # one shared username out of 2 sampled of a million: more than identical audiences explain
    assert "than even identical audiences" in render_message(matrix["rows"][0]["cells"][3]["note"], "en")


def test_matrix_prefers_the_informative_platform_and_marks_small_samples(db):
    from vetting.services.overlap import overlap_matrix

    anna, ben = CreatorFactory(display_name="Anna"), CreatorFactory(display_name="Ben")
    sampled_account(anna, "instagram", 100, [f"fan{i}" for i in range(100)])
    sampled_account(ben, "instagram", 100, [f"fan{i}" for i in range(50, 150)])
    # on TikTok both are large with small samples: not informative
    sampled_account(anna, "tiktok", 500_000, [f"a{i}" for i in range(50)])
    sampled_account(ben, "tiktok", 500_000, [f"b{i}" for i in range(50)])
    result = creators_overlap(creator_ids=[anna.pk, ben.pk])
    assert {p["platform"]: p["informative"] for p in result["pairs"]} == {"instagram": True, "tiktok": False}
    cell = overlap_matrix(result)["rows"][0]["cells"][1]
    assert (cell["kind"], cell["platform"], cell["share"]) == ("estimate", "instagram", 0.5)

    only_tiktok = creators_overlap(creator_ids=[anna.pk, ben.pk])
    only_tiktok["pairs"] = [p for p in only_tiktok["pairs"] if p["platform"] == "tiktok"]
    small = overlap_matrix(only_tiktok)["rows"][0]["cells"][1]
    assert small["kind"] == "too_small" and small["share"] is None and small["interval"][0] == 0.0
