"""core.sql.staged_rows (PostgreSQL): a chunk's rows by COPY into a temporary table, written from
there by one statement: the values arrive as they were bound (texts with tabs, newlines,
backslashes and quotes), and each use sees only its own rows, however many
chunks one transaction stages."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from core.sql import staged_rows, upsert_staged_sql
from influencers.models import AccountSearchText
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (set DATABASE_URL): SQLite writes a chunk with its own markers")


def _fields():
    return [AccountSearchText._meta.get_field(name) for name in ("account", "names", "about", "posts")]


def test_staged_rows_arrive_as_bound_and_each_use_sees_only_its_own():
    first, second = AccountFactory(), AccountFactory()
    awkward = 'tab\there, line\nbreak, back\\slash \\N, "quoted" and 中文 \\t'
    fields = _fields()
    with transaction.atomic(), connection.cursor() as cursor:
        staged = staged_rows(cursor, AccountSearchText, fields, [(first.pk, awkward, "", "")])
        cursor.execute(upsert_staged_sql(AccountSearchText, fields, update=fields[1:], key=fields[:1], staged=staged))
        again = staged_rows(cursor, AccountSearchText, fields, [(second.pk, "second", "about", "posts")])
        cursor.execute(f"SELECT account_id FROM {again}")
        assert cursor.fetchall() == [(second.pk,)]
        cursor.execute(upsert_staged_sql(AccountSearchText, fields, update=fields[1:], key=fields[:1], staged=again))
    stored = dict(AccountSearchText.objects.values_list("account_id", "names"))
    assert stored == {first.pk: awkward, second.pk: "second"}
