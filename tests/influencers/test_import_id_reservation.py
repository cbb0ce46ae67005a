"""Ids for new rows are reserved without waiting for the writer's thread (PostgreSQL: over a
second connection), and the import runs at most CHUNKS_QUEUED chunks ahead of that thread."""

from __future__ import annotations

import threading
import time

import pytest

from influencers.models import Creator
from influencers.services.imports import creators_import_file
from influencers.services.imports import sql as sql_module
from influencers.services.imports import writer as writer_module
from influencers.services.imports.sql import IdReserver, SequenceSource, StatementRunner
from influencers.services.imports.writer import Writer
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def _accounts_csv(tmp_path, prefix: str, count: int):
    """A CSV of `count` TikTok accounts named `prefix`0, `prefix`1, …, one snapshot each."""
    lines = ["platform,handle,followers,snapshot_date"] + [f"tiktok,{prefix}{i},{i},2026-03-01" for i in range(count)]
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def held_runner(monkeypatch: pytest.MonkeyPatch) -> tuple[StatementRunner, threading.Event, list[str]]:
    """A runner whose statements wait for the returned event; the list records the ones done."""
    release = threading.Event()
    done: list[str] = []

    def held(cursor, sql, params, kind):
        release.wait(timeout=20)  # only a safety net: the tests set it
        done.append(sql)

    monkeypatch.setattr(sql_module, "_run_statement", held)
    return StatementRunner(), release, done


@pytest.mark.postgres
def test_on_postgresql_ids_are_reserved_while_the_writer_is_busy(monkeypatch):
    before = CreatorFactory().pk
    runner, release, done = held_runner(monkeypatch)
    sequences = SequenceSource()
    try:
        runner.submit("SELECT 1", None)  # a COPY of the previous chunk, still running
        ids = IdReserver(Creator, sequences).reserve(3, runner)
        assert done == []  # the reservation did not wait for it
    finally:
        release.set()
        runner.close()
        sequences.close()
    assert done == ["SELECT 1"]
    assert ids == [ids[0], ids[0] + 1, ids[0] + 2] and ids[0] > before
    # The sequence moved past them: the database's own next id comes after.
    assert CreatorFactory().pk > ids[-1]


@pytest.mark.postgres
def test_the_connection_ids_are_reserved_on_is_closed_with_the_writer():
    writer = Writer(dry_run=False)
    writer.creator_ids.reserve(1, writer.runner)
    side = writer.sequences._connection
    assert side is not None and side.connection is not None
    writer.close()
    assert side.connection is None and writer.sequences._connection is None


def test_wait_for_returns_once_the_statements_before_the_mark_ran(monkeypatch):
    runner, release, done = held_runner(monkeypatch)
    try:
        runner.submit("SELECT 1", None)
        runner.submit("SELECT 2", None)
        mark = runner.mark()
        runner.submit("SELECT 3", None)
        threading.Timer(0.2, release.set).start()  # released while wait_for waits
        runner.wait_for(mark)
        assert done[:2] == ["SELECT 1", "SELECT 2"]
    finally:
        release.set()
        runner.close()


def test_wait_for_returns_when_the_runner_is_closed(monkeypatch):
    runner, release, _done = held_runner(monkeypatch)
    runner.submit("SELECT 1", None)
    mark = runner.mark()
    release.set()
    runner.close(cancel=True)
    runner.wait_for(mark + 5)  # more than was ever submitted: must not hang


def test_the_import_waits_when_chunks_pile_up_behind_the_writer(tmp_path, monkeypatch):
    monkeypatch.setattr(writer_module, "ACCOUNTS_PER_CHUNK", 2)
    waits: list[tuple[int, int]] = []
    real_wait_for = StatementRunner.wait_for

    def recording(self, mark):
        waits.append((mark, self.mark()))
        return real_wait_for(self, mark)

    monkeypatch.setattr(StatementRunner, "wait_for", recording)
    result = creators_import_file(path=_accounts_csv(tmp_path, "w", 9), refresh=False)

    assert result.counts["snapshots"]["created"] == 9
    # 5 chunks: before each of the 3rd to 5th, the chunk two before it must have been written.
    assert len(waits) == 5 - 1 - writer_module.CHUNKS_QUEUED
    assert all(0 < mark < submitted for mark, submitted in waits)
    assert [mark for mark, _submitted in waits] == sorted({mark for mark, _submitted in waits})


def test_a_slow_writer_still_gets_every_chunk_in_order(tmp_path, monkeypatch):
    """With the writer slower than Python, the import waits for it instead of queueing the
    whole file; every row is still written."""
    monkeypatch.setattr(writer_module, "ACCOUNTS_PER_CHUNK", 2)
    real = sql_module._run_statement

    def slow(cursor, sql, params, kind):
        time.sleep(0.01)
        return real(cursor, sql, params, kind)

    monkeypatch.setattr(sql_module, "_run_statement", slow)
    result = creators_import_file(path=_accounts_csv(tmp_path, "s", 7), refresh=False)

    assert result.counts["accounts"]["created"] == 7
    assert sorted(Creator.objects.values_list("accounts__handle", flat=True)) == [f"s{i}" for i in range(7)]
