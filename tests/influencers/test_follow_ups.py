"""The follow-up registry (influencers/follow_ups.py) as the installed apps fill it: after accounts
change, the catalogue's keyword-search text and metrics first, then vetting's reports and watches,
then vision's embedding of the new images, then vetting's ranking feature snapshot; after images
are deleted, vision's index. A step that fails is reported and the next one still runs."""

from __future__ import annotations

import pytest

from influencers import follow_ups
from influencers.follow_ups import AccountsChanged, ImagesDeleted, accounts_changed, announce

AFTER_ACCOUNTS_CHANGED = [
    "indexing for keyword search",
    "recomputing metrics",
    "vetting the accounts",
    "re-evaluating watches",
    "queueing the new images for embedding",
    "refreshing the ranking features",
    "searching the brands' excluded words",
]


def test_each_app_subscribes_its_steps_in_layer_order():
    assert follow_ups.follow_ups_of(AccountsChanged) == AFTER_ACCOUNTS_CHANGED
    assert follow_ups.follow_ups_of(ImagesDeleted) == ["dropping deleted images from the index"]
    owners = {r.what: r.step.__module__ for steps in follow_ups._registry.values() for r in steps}
    assert owners == {
        "indexing for keyword search": "influencers.services.search_index",
        "recomputing metrics": "influencers.metrics.service",
        "vetting the accounts": "vetting.services.reports",
        "re-evaluating watches": "vetting.monitoring.evaluation",
        "queueing the new images for embedding": "vision.services.jobs",
        "refreshing the ranking features": "vetting.features.snapshot",
        "searching the brands' excluded words": "vetting.services.brand_safety",
        "dropping deleted images from the index": "vision.services.jobs",
    }


def test_a_change_runs_every_step_in_order_with_the_change(follow_up_steps):
    for what in AFTER_ACCOUNTS_CHANGED:
        follow_up_steps(what)
    reports = []

    accounts_changed([7, 3, 7], new_images=2, reason="import", report=lambda what, exc: reports.append(what))

    assert list(follow_up_steps.calls) == AFTER_ACCOUNTS_CHANGED
    expected = AccountsChanged(account_ids=(7, 3), new_images=2, reason="import")
    assert all(calls == [expected] for calls in follow_up_steps.calls.values())
    assert reports == []


def test_a_failing_step_is_reported_and_the_next_steps_still_run(follow_up_steps):
    error = RuntimeError("report store offline")
    follow_up_steps("indexing for keyword search")
    follow_up_steps("recomputing metrics")
    follow_up_steps("vetting the accounts", fail=error)
    follow_up_steps("re-evaluating watches")
    follow_up_steps("queueing the new images for embedding")
    follow_up_steps("refreshing the ranking features")
    follow_up_steps("searching the brands' excluded words")
    reports = []

    accounts_changed([1], report=lambda what, exc: reports.append((what, exc)))

    assert reports == [("vetting the accounts", error)]
    assert list(follow_up_steps.calls) == AFTER_ACCOUNTS_CHANGED


def test_deleted_images_run_only_the_index_follow_up(follow_up_steps):
    for what in [*AFTER_ACCOUNTS_CHANGED, "dropping deleted images from the index"]:
        follow_up_steps(what)

    announce(ImagesDeleted(count=3, reason="retention"), report=lambda what, exc: pytest.fail(what))

    assert follow_up_steps.calls == {"dropping deleted images from the index": [ImagesDeleted(3, "retention")]}


def test_a_step_is_placed_by_its_order_and_what_it_says_reaches_the_note(follow_up_steps):
    for what in AFTER_ACCOUNTS_CHANGED:
        follow_up_steps(what)
    follow_ups.register_follow_up(
        AccountsChanged,
        what="a step between metrics and vetting",
        step=lambda change: f"looked at {len(change.account_ids)} account(s)",
        order=15,
    )
    notes = []

    accounts_changed([4, 5], report=lambda what, exc: pytest.fail(what), note=notes.append)

    assert follow_ups.follow_ups_of(AccountsChanged) == [
        "indexing for keyword search",
        "recomputing metrics",
        "a step between metrics and vetting",
        *AFTER_ACCOUNTS_CHANGED[2:],
    ]
    assert notes == ["looked at 2 account(s)"]


def test_no_account_ids_means_no_follow_up(follow_up_steps):
    for what in AFTER_ACCOUNTS_CHANGED:
        follow_up_steps(what)

    accounts_changed([], report=lambda what, exc: pytest.fail(what))

    assert follow_up_steps.calls == {}
