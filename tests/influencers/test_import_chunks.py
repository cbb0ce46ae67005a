"""How many accounts an import writes per round of statements: on SQLite at most
SQLITE_ACCOUNTS_PER_CHUNK (the wait for the last chunk's inserts after the file is read is
shorter), on PostgreSQL ACCOUNTS_PER_CHUNK (fewer, larger COPYs)."""

from django.db import connection

from influencers.services.imports import writer
from influencers.services.imports.records import AccountIn, CreatorIn


def creators(count: int) -> list[CreatorIn]:
    return [
        CreatorIn(
            location=f"line {n}",
            values=(),
            fallback_name="",
            accounts=[AccountIn(location="", platform="instagram", handle=f"a{n}", values=())],
        )
        for n in range(count)
    ]


def test_chunk_sizes_follow_the_database():
    sizes = [len(chunk) for chunk in writer.creator_chunks(creators(2500))]
    if connection.vendor == "sqlite":
        assert sizes == [500] * 5
    else:
        assert sizes == [2000, 500]


def test_a_smaller_chunk_size_set_for_tests_still_applies(monkeypatch):
    monkeypatch.setattr(writer, "ACCOUNTS_PER_CHUNK", 3)
    assert [len(chunk) for chunk in writer.creator_chunks(creators(7))] == [3, 3, 1]
