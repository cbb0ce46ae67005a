"""Migration 0023: on SQLite the JSON_VALID checks of the stored report and details are dropped
from the metrics table's definition (no rebuild); its rows, indexes and every trigger naming it
(the creators' worst risk, kept from the metrics and from the accounts' moves) stay as they were,
and migrating back writes the checks in again."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tests.migrations import migrate_to

BEFORE = [("influencers", "0022_worst_risk_triggers_skip_no_change")]
AFTER = [("influencers", "0023_metrics_reports_without_json_check")]
TABLE = "influencers_accountmetrics"


def _takes_text_that_is_not_json(account_id: int) -> bool:
    """Whether the report column takes a text that is not JSON (the check refuses it); the row is
    left as it was."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET vetting = 'not json' WHERE account_id = %s", [account_id])
            transaction.set_rollback(True)
    except IntegrityError:
        return False
    return True


def _schema() -> tuple[str, set[str], set[str]]:
    """The table's SQL, the names of the triggers naming it, and the names of its indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        (table_sql,) = cursor.fetchone()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE %s", [f"%{TABLE}%"])
        triggers = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [TABLE])
        indexes = {name for (name,) in cursor.fetchall()}
    return table_sql, triggers, indexes


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_table_loses_the_checks_and_keeps_its_rows_indexes_and_triggers():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's columns became text in 0021, without checks")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = migrate_to(BEFORE).loader.project_state(BEFORE).apps
        creator_model = apps.get_model("influencers", "Creator")
        account_model = apps.get_model("influencers", "Account")
        metrics_model = apps.get_model("influencers", "AccountMetrics")
        first, second = (creator_model.objects.create(display_name=name) for name in ("First", "Second"))
        vetted = account_model.objects.create(creator=first, platform="instagram", handle="vetted")
        other = account_model.objects.create(creator=first, platform="tiktok", handle="other")
        report = {"version": 3, "risk": {"risk": 0.41}, "text": {"terms": {"护肤": 0.5}}}
        metrics_model.objects.create(
            account=vetted, followers=10, fake_risk=0.41, risk_level="medium", vetting=report, details={"a": [1]}
        )
        metrics_model.objects.create(account=other, followers=20, fake_risk=0.2, risk_level="low")
        table_before, triggers_before, indexes_before = _schema()
        assert 'JSON_VALID("vetting")' in table_before and 'JSON_VALID("details")' in table_before
        assert not _takes_text_that_is_not_json(vetted.pk)
        rows_before = list(metrics_model.objects.order_by("pk").values_list())

        after = migrate_to(AFTER).loader.project_state(AFTER).apps
        table_after, triggers_after, indexes_after = _schema()
        assert 'JSON_VALID("vetting")' not in table_after and 'JSON_VALID("details")' not in table_after
        assert 'JSON_VALID("vetting_inputs")' in table_after  # a JSONField still: SQL reads inside it
        assert _takes_text_that_is_not_json(vetted.pk)
        assert (
            triggers_after == triggers_before
            and {
                "influencers_metrics_inserted",
                "influencers_metrics_updated",
                "influencers_metrics_deleted",
                "influencers_account_moved",
                "influencers_account_deleted",
            }
            <= triggers_after
        )
        assert indexes_after == indexes_before
        metrics = after.get_model("influencers", "AccountMetrics").objects
        assert list(metrics.order_by("pk").values_list()) == rows_before

        # The triggers work on the rebuilt table: a metrics update, an account moving away.
        creators = after.get_model("influencers", "Creator").objects
        assert creators.values_list("worst_fake_risk", "worst_risk_level").get(pk=first.pk) == (0.41, "medium")
        metrics.filter(account_id=other.pk).update(fake_risk=0.9, risk_level="high")
        assert creators.values_list("worst_fake_risk", "worst_risk_level").get(pk=first.pk) == (0.9, "high")
        after.get_model("influencers", "Account").objects.filter(pk=other.pk).update(creator_id=second.pk)
        worst = dict(creators.values_list("pk", "worst_fake_risk"))
        assert (worst[first.pk], worst[second.pk]) == (0.41, 0.9)

        migrate_to(BEFORE)  # back: the checks written in again, the rest as it was
        table_back, triggers_back, indexes_back = _schema()
        assert table_back == table_before and (triggers_back, indexes_back) == (triggers_before, indexes_before)
        assert not _takes_text_that_is_not_json(vetted.pk)
    finally:
        migrate_to(latest)
