"""The SQLite backend's transactions wait for the write lock in short steps
(`core.backends.sqlite3`): they start once another connection lets the lock go, fail with
Django's OperationalError once the connection's timeout has passed, and leave the connection's
own busy timeout as it was."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction

from core.backends.sqlite3.base import DatabaseWrapper
from influencers.models import Creator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_writer():
    """A second connection to the test database, holding its write lock until told to commit."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL locks rows, not the database")
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    yield other
    if other.in_transaction:
        other.rollback()
    other.close()


def _busy_timeout() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        return cursor.fetchone()[0]


def test_the_settings_use_this_backend():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert isinstance(connections["default"], DatabaseWrapper)


def test_a_transaction_starts_once_the_other_writer_lets_the_lock_go(other_writer):
    before = _busy_timeout()
    release = threading.Timer(0.2, other_writer.commit)
    started = time.monotonic()
    release.start()
    try:
        with transaction.atomic():
            waited = time.monotonic() - started
            Creator.objects.create(display_name="After the wait")
    finally:
        release.join()
    assert waited >= 0.15, "the lock was not held: the test proves nothing"
    assert Creator.objects.filter(display_name="After the wait").exists()
    assert _busy_timeout() == before == 30_000


def test_a_transaction_fails_once_the_timeout_has_passed(other_writer, monkeypatch, request):
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.1)
    request.addfinalizer(connection.close)  # its busy timeout is the test's 100 ms until then
    connection.ensure_connection()
    with pytest.raises(OperationalError, match="locked"):
        with transaction.atomic():
            Creator.objects.create(display_name="Never")
    other_writer.commit()
    assert not Creator.objects.filter(display_name="Never").exists()
    assert _busy_timeout() == 100  # the timeout of the settings, back in place
