"""The overlap estimator on the demo's follower samples, whose overlaps are known by design
(accounts of one scene share fans_a·fans_b/SCENE_CORE followers on average): no pair
contradicts the model, and the intervals cover the designed overlap."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from influencers.services.demo.plan import SCENE_CORE, build_demo_plan
from vetting.scoring.overlap import Audience, pair_overlap


@pytest.fixture(scope="module")
def pairs():
    plan = build_demo_plan(creators=160, seed=5, end_date=dt.date(2026, 3, 1))
    accounts = [(cr.index, a) for cr in plan.creators for a in cr.accounts if a.follower_samples]
    result = []
    for (i, a), (j, b) in itertools.combinations(accounts, 2):
        if i == j or a.platform != b.platform:
            continue
        audience_a = Audience.of((i, a.handle), a.snapshots[-1][1], [r["username"] for r in a.follower_samples])
        audience_b = Audience.of((j, b.handle), b.snapshots[-1][1], [r["username"] for r in b.follower_samples])
        same_scene = a.scene == b.scene
        designed = a.scene_fans * b.scene_fans / SCENE_CORE if same_scene else 0.0
        result.append((pair_overlap(audience_a, audience_b), designed, same_scene))
    return result


def test_no_pair_contradicts_the_model(pairs):
    assert len(pairs) > 100
    assert all(pair.consistent for pair, _, _ in pairs)


def test_pairs_of_different_scenes_share_no_sampled_follower(pairs):
    assert all(pair.shared_in_sample == 0 for pair, _, same in pairs if not same)


def test_intervals_cover_the_designed_overlap(pairs):
    in_scene = [(pair, designed) for pair, designed, same in pairs if same]
    assert len(in_scene) >= 20
    covered = sum(pair.shared_interval[0] <= designed <= pair.shared_interval[1] for pair, designed in in_scene)
    assert covered / len(in_scene) >= 0.9
    # and some of them are informative with overlap actually seen in the samples
    assert any(pair.informative and pair.shared_in_sample > 0 for pair, _ in in_scene)
