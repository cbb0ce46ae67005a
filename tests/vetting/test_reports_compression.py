"""PostgreSQL: the vetting reports reach AccountMetrics compressed by lz4 (core.sql.staged_rows),
where the server has it: pglz, the default, compressing the ~10 KB reports was half of the
server's CPU of the vetting step. The values stored are those of the report."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from core.sql import staged_rows
from influencers.models import AccountMetrics
from tests.factories import AccountFactory, AccountMetricsFactory
from tests.vetting.test_reports import add_history, add_posts
from vetting.services.reports import vet_accounts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_with_lz4():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (set DATABASE_URL): SQLite compresses nothing")
    with connection.cursor() as cursor:
        cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        if "lz4" not in cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL was built without lz4: the staged values keep pglz")


def _compression(account_id: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(vetting) FROM influencers_accountmetrics WHERE account_id = %s",
            [account_id],
        )
        return cursor.fetchone()[0]


def test_stored_reports_are_lz4_compressed_and_read_back_whole():
    accounts = [AccountFactory() for _ in range(3)]
    for account in accounts:
        add_history(account, days=120)
        add_posts(account, n=15)
        AccountMetricsFactory(account=account)  # the metrics row exists: the staged UPDATE path
    assert vet_accounts([a.pk for a in accounts]) == 3
    for account in accounts:
        stored = AccountMetrics.objects.get(account=account).vetting
        assert stored["account"]["id"] == account.pk and stored["data"]["snapshots"] == 120
        assert _compression(account.pk) == "lz4"


def test_staged_table_compresses_only_its_compressible_columns_by_lz4():
    fields = [AccountMetrics._meta.get_field(name) for name in ("account", "fake_risk", "risk_level", "vetting")]
    with transaction.atomic(), connection.cursor() as cursor:
        staged = staged_rows(cursor, AccountMetrics, fields, [])
        staged_rows(cursor, AccountMetrics, fields, [])  # made once: the second use finds it
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "ORDER BY attnum",
            [f"pg_temp.{staged}"],
        )
        assert cursor.fetchall() == [("account_id", ""), ("fake_risk", ""), ("risk_level", "l"), ("vetting", "l")]
