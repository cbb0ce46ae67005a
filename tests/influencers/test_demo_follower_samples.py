"""Follower samples of the demo plan: one username per invented person, shared only between
accounts of one scene (platform × main category × audience language), sample sizes by rule."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from influencers.services.demo.plan import SAMPLE_SIZES, SCENE_CORE, build_demo_plan, sample_size

END = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def plan():
    return build_demo_plan(creators=120, seed=11, end_date=END)


def sampled_accounts(plan):
    return [(cr.index, a) for cr in plan.creators for a in cr.accounts if a.follower_samples]


def test_a_username_is_shared_only_inside_one_scene(plan):
    scenes_of: dict[tuple[str, str], set[tuple[object, ...]]] = defaultdict(set)
    holders: dict[tuple[str, str], int] = defaultdict(int)
    for _, account in sampled_accounts(plan):
        for row in account.follower_samples:
            key = (account.platform, row["username"])
            scenes_of[key].add(account.scene)
            holders[key] += 1
    shared = [key for key, n in holders.items() if n > 1]
    assert shared, "scenes were meant to share fans"
    assert all(len(scenes_of[key]) == 1 for key in shared)


def test_a_shared_follower_is_the_same_person_everywhere(plan):
    profiles: dict[tuple[str, str], dict] = {}
    checked = 0
    for _, account in sampled_accounts(plan):
        for row in account.follower_samples:
            key = (account.platform, row["username"])
            if key in profiles:
                assert profiles[key] == row
                checked += 1
            profiles[key] = row
    assert checked > 0


def test_usernames_are_unique_within_a_sample_and_sizes_follow_the_rule(plan):
    for _, account in sampled_accounts(plan):
        names = [row["username"] for row in account.follower_samples]
        assert len(names) == len(set(names))
        followers = account.snapshots[-1][1]
        assert len(names) == sample_size(followers)
        assert SAMPLE_SIZES[0] <= len(names) <= SAMPLE_SIZES[1]


def test_sample_size_rule():
    assert sample_size(500) == SAMPLE_SIZES[0]
    assert sample_size(5_000) == 400  # 8 % of the followers
    assert sample_size(5_000_000) == SAMPLE_SIZES[1]


def test_scene_fans_fit_the_core_and_the_audience(plan):
    for cr in plan.creators:
        for account in cr.accounts:
            assert 0 <= account.scene_fans <= 0.6 * SCENE_CORE
            assert account.scene_fans <= 0.6 * account.snapshots[-1][1]
            assert account.scene == (account.platform, cr.categories[0], "zh" in cr.languages)
