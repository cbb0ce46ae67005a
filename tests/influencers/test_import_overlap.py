"""Imports that write chunk by chunk while the rest of the file is still being validated
(`overlap=True`, what `import_creators` uses): still all or nothing, every problem reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import IntegrityError

from core.errors import ImportValidationError
from influencers.models import Account, AccountHistory, Creator
from influencers.services.imports import creators_import_file
from influencers.services.imports import writer as writer_module
from tests.factories import AccountFactory
from tests.influencers.test_import_csv import points_of

pytestmark = pytest.mark.django_db
CHUNK = 3  # accounts per written chunk, so a small file spans several chunks


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(writer_module, "ACCOUNTS_PER_CHUNK", CHUNK)


def record(index: int, **account_fields) -> dict:
    return {
        "name": f"Creator {index}",
        "accounts": [
            {
                "platform": "tiktok",
                "handle": f"user{index}",
                "snapshots": [["2026-03-01", 100 + index, 5, 1], ["2026-03-02", 110 + index]],
                **account_fields,
            }
        ],
    }


def lines(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def errors_of(excinfo) -> list[str]:
    return [str(error) for error in excinfo.value.errors]


def test_file_spanning_many_chunks_is_written_completely_and_reimports_unchanged(tmp_path):
    path = lines(tmp_path, [record(i) for i in range(CHUNK * 4 + 1)])

    result = creators_import_file(path=path, overlap=True)

    assert result.accounts_total == CHUNK * 4 + 1
    assert result.counts["snapshots"]["created"] == 2 * (CHUNK * 4 + 1)
    assert len(points_of(handle="user12")) == 2
    again = creators_import_file(path=path, overlap=True)
    assert (again.created, again.updated) == (0, 0)


def test_problems_in_later_chunks_roll_back_the_chunks_already_written(tmp_path, monkeypatch):
    written = []
    real_write_chunk = writer_module.Writer.write_chunk

    def write_chunk(self, creators):
        real_write_chunk(self, creators)
        # The chunk's statements may still be queued on the writer's thread (PostgreSQL's COPY):
        # reading before they ran races with it, so wait for them as the import's own reads do.
        self.runner.flush()
        written.append(Creator.objects.count())  # inside the import's transaction

    monkeypatch.setattr(writer_module.Writer, "write_chunk", write_chunk)
    records = [record(i) for i in range(CHUNK * 3)]
    records[CHUNK + 1]["accounts"][0]["snapshots"][1] = ["2026-03-02", "lots"]
    records[CHUNK * 2 + 2]["accounts"][0]["snapshots"][0] = ["2026-13-01", 1]

    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=lines(tmp_path, records), overlap=True)

    errors = errors_of(excinfo)
    assert len(errors) == 2
    assert f"line {CHUNK + 2}" in errors[0] and "snapshots[1]" in errors[0] and "field 'followers'" in errors[0]
    assert f"line {CHUNK * 2 + 3}" in errors[1] and "field 'date'" in errors[1] and "not a date" in errors[1]
    assert written == [CHUNK], "the first chunk was not written before the problem: the test proves nothing"
    assert not Creator.objects.exists() and not Account.objects.exists() and not AccountHistory.objects.exists()


def test_account_of_another_creator_in_a_later_chunk_rolls_back(tmp_path):
    AccountFactory(platform="instagram", handle="taken")
    AccountFactory(platform="instagram", handle="other")
    records = [record(i) for i in range(CHUNK * 2)]
    records.append(
        {
            "name": "Merged",
            "accounts": [{"platform": "instagram", "handle": "taken"}, {"platform": "instagram", "handle": "other"}],
        }
    )

    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=lines(tmp_path, records), overlap=True)

    (error,) = errors_of(excinfo)
    assert f"line {CHUNK * 2 + 1}" in error and "belong to different creators" in error
    assert not Account.objects.filter(platform="tiktok").exists()


def test_existing_account_in_a_later_chunk_is_updated_not_duplicated(tmp_path):
    existing = AccountFactory(platform="tiktok", handle=f"user{CHUNK * 2}", display_name="Old")
    path = lines(tmp_path, [record(i, display_name=f"New {i}") for i in range(CHUNK * 3)])

    result = creators_import_file(path=path, overlap=True)

    existing.refresh_from_db()
    assert existing.display_name == f"New {CHUNK * 2}"
    assert result.counts["accounts"] == {"created": CHUNK * 3 - 1, "updated": 1, "unchanged": 0}
    assert Account.objects.filter(handle=f"user{CHUNK * 2}").count() == 1


def test_dry_run_with_overlap_writes_nothing(tmp_path):
    path = lines(tmp_path, [record(i) for i in range(CHUNK * 2 + 1)])

    result = creators_import_file(path=path, overlap=True, dry_run=True)

    assert result.counts["accounts"]["created"] == CHUNK * 2 + 1
    assert not Account.objects.exists()


def test_unreadable_file_is_reported_and_nothing_written(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('{"creators": [\n  {"name": "a",}\n]}', encoding="utf-8")

    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path, overlap=True)

    (error,) = errors_of(excinfo)
    assert "line 2, column 16" in error and "invalid JSON" in error


def test_progress_counts_the_records_read_and_the_accounts_written(tmp_path):
    calls = []
    path = lines(tmp_path, [record(i) for i in range(CHUNK * 2 + 1)])

    creators_import_file(path=path, overlap=True, progress=lambda *call: calls.append(call))

    assert ("validating", CHUNK * 2 + 1, CHUNK * 2 + 1) in calls
    assert [call for call in calls if call[0] == "writing"][-1] == ("writing", CHUNK * 2 + 1, None)


def test_database_error_in_a_later_chunk_rolls_back_everything(tmp_path, monkeypatch):
    real_write_chunk = writer_module.Writer.write_chunk
    chunks_written = []

    def failing_write_chunk(self, creators):
        if chunks_written:
            raise IntegrityError("disk on fire")
        real_write_chunk(self, creators)
        chunks_written.append(len(creators))

    monkeypatch.setattr(writer_module.Writer, "write_chunk", failing_write_chunk)
    path = lines(tmp_path, [record(i) for i in range(CHUNK * 3)])

    with pytest.raises(IntegrityError):
        creators_import_file(path=path, overlap=True)

    assert chunks_written == [CHUNK]
    assert not Creator.objects.exists() and not AccountHistory.objects.exists()
