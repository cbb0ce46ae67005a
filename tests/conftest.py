"""Shared fixtures. Real-service markers skip with a clear reason when the service is absent."""

from __future__ import annotations

import os

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    has_broker = bool(os.environ.get("CELERY_BROKER_URL"))
    for item in items:
        if "sqlite_only" in item.keywords and on_postgres:
            item.add_marker(pytest.mark.skip(reason="runs on the SQLite defaults only"))
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL pointing at PostgreSQL (.ci/run sets it)"))
        if "celery_worker" in item.keywords and not has_broker:
            item.add_marker(pytest.mark.skip(reason="needs CELERY_BROKER_URL pointing at Redis (.ci/run sets it)"))


@pytest.fixture
def db_vendor(db) -> str:
    return connection.vendor


@pytest.fixture
def org_user(db):
    """(organisation, user) with the user an editor of the organisation."""
    from tests.factories import MembershipFactory

    membership = MembershipFactory()
    return membership.organization, membership.user


@pytest.fixture
def follow_up_steps(monkeypatch):
    """Replace registered catalogue follow-ups by recorders: `replace(what, fail=None)` makes the
    step named `what` record each change it gets in `calls[what]` (and raise `fail` when given).
    The registry is restored after the test."""
    from influencers import follow_ups

    monkeypatch.setattr(follow_ups, "_registry", {kind: list(steps) for kind, steps in follow_ups._registry.items()})
    calls: dict[str, list] = {}

    def replace(what: str, *, fail: Exception | None = None) -> None:
        registration = next(r for steps in follow_ups._registry.values() for r in steps if r.what == what)
        change_type = next(kind for kind, steps in follow_ups._registry.items() if registration in steps)

        def step(change):
            calls.setdefault(what, []).append(change)
            if fail is not None:
                raise fail

        follow_ups.register_follow_up(change_type, what=what, step=step, order=registration.order)

    replace.calls = calls
    return replace
