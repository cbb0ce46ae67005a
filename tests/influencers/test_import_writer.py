"""The bulk writer: database errors from background statements surface and roll back."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from influencers.models import Account, AccountHistory, Creator
from influencers.services.imports import creators_import_file, read_import_file
from influencers.services.imports import writer as writer_module
from influencers.services.imports.problems import Problems
from influencers.services.imports.writer import Writer, resolve_accounts
from tests.factories import AccountFactory, CreatorFactory
from tests.influencers.test_import_csv import points_of

pytestmark = pytest.mark.django_db
CHUNK = 5


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(writer_module, "ACCOUNTS_PER_CHUNK", CHUNK)


def test_database_error_in_a_background_insert_is_raised_and_rolls_back(tmp_path):
    lines = ["platform,handle,followers,snapshot_date"]
    lines += [f"instagram,user{i},{i},2026-03-01" for i in range(CHUNK * 3 + 2)]
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines) + "\n")
    batch = read_import_file(path)
    resolve_accounts(batch, Problems(str(path)))
    # Corrupt one account after validation, as a database-level failure would appear: the last
    # chunk's insert of accounts, on the runner's thread, meets a handle the first chunk took.
    batch.creators[-1].accounts[0].handle = batch.creators[0].accounts[0].handle

    with pytest.raises(IntegrityError), transaction.atomic():
        Writer(dry_run=False).write(batch)

    assert not Creator.objects.exists() and not Account.objects.exists() and not AccountHistory.objects.exists()


def test_large_batch_across_chunks_is_written_completely(tmp_path):
    count = CHUNK * 4 + 3
    lines = ["platform,handle,followers,snapshot_date"] + [f"tiktok,u{i},{i},2026-03-01" for i in range(count)]
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines) + "\n")
    batch = read_import_file(path)
    resolve_accounts(batch, Problems(str(path)))
    writer = Writer(dry_run=False)
    with transaction.atomic():
        writer.write(batch)
    assert AccountHistory.objects.count() == count
    [(_date, followers, _following, _posts)] = points_of(handle=f"u{count - 1}")
    assert followers == count - 1
    assert writer.counts["snapshots"]["created"] == count


def test_rows_created_after_an_import_get_fresh_ids(tmp_path):
    # New creators and accounts are inserted with ids the writer reserves: the table's own id
    # source (SQLite's sqlite_sequence, PostgreSQL's sequence) must move past them.
    CreatorFactory()
    lines = ["platform,handle,followers,snapshot_date"] + [f"tiktok,r{i},{i},2026-03-01" for i in range(CHUNK * 2 + 1)]
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines) + "\n")
    creators_import_file(path=path)

    imported = set(Account.objects.values_list("id", flat=True))
    later = AccountFactory()

    others = Creator.objects.exclude(pk=later.creator.pk).values_list("pk", flat=True)
    assert later.pk > max(imported) and later.creator.pk > max(others)
    assert len(imported) == CHUNK * 2 + 1
    assert not AccountHistory.objects.exclude(account_id__in=imported).exists()
