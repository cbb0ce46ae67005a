"""Migration 0021: the stored vetting reports and metrics details become text
(core.fields.JSONTextField) and the reports' `rank` and `text` parts are copied into
`vetting_inputs`, which ranking and matching read in SQL;
on SQLite the table is not rebuilt, so the creators' worst-risk triggers (0011) keep working."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.migrations import migrate_to

BEFORE = [("influencers", "0020_worst_risk_one_aggregate")]
AFTER = [("influencers", "0021_reports_and_details_as_text")]

REPORT = {
    "version": 3,
    "risk": {"risk": 0.41, "signals": [{"name": "growth_anomalies", "value": 0.5, "label": "Growth ✓ 增长"}]},
    "rank": {"engagement_rate": 0.031, "benchmark_median": 0.02, "engagement_quality": 0.7},
    "text": {"terms": {"skincare": 0.5, "护肤": 0.25}, "posts": 12},
}


DETAILS = {"engagement_rate": {"formula": "(likes+comments)/followers", "inputs": {"posts": 12, "median": 0.031}}}


def _column_type(column: str) -> str:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, "influencers_accountmetrics")
    return {column.name: column for column in description}[column].type_code


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_reports_keep_their_content_and_their_inputs_are_copied_beside_them():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = migrate_to(BEFORE).loader.project_state(BEFORE).apps
        creator_model = apps.get_model("influencers", "Creator")
        creator = creator_model.objects.create(display_name="Before")
        account_model = apps.get_model("influencers", "Account")
        metrics_model = apps.get_model("influencers", "AccountMetrics")
        vetted = account_model.objects.create(creator=creator, platform="instagram", handle="vetted")
        partial = account_model.objects.create(creator=creator, platform="tiktok", handle="partial")
        unvetted = account_model.objects.create(creator=creator, platform="weibo", handle="unvetted")
        metrics_model.objects.create(account=vetted, followers=10, vetting=REPORT, details=DETAILS)
        metrics_model.objects.create(account=partial, followers=10, vetting={"version": 1, "rank": {"x": None}})
        metrics_model.objects.create(account=unvetted, followers=10)

        after = migrate_to(AFTER).loader.project_state(AFTER).apps
        metrics = after.get_model("influencers", "AccountMetrics").objects
        rows = {
            pk: (report, inputs, details)
            for pk, report, inputs, details in metrics.values_list("pk", "vetting", "vetting_inputs", "details")
        }
        assert rows[vetted.pk] == (REPORT, {"rank": REPORT["rank"], "text": REPORT["text"]}, DETAILS)
        assert rows[partial.pk] == ({"version": 1, "rank": {"x": None}}, {"rank": {"x": None}}, {})
        assert rows[unvetted.pk] == ({}, {}, {})
        # SQL reaches the inputs, as ranking and matching read them.
        assert list(metrics.filter(vetting_inputs__text__terms__has_key="护肤").values_list("pk", flat=True)) == [
            vetted.pk
        ]
        if connection.vendor == "postgresql":
            for column in ("vetting", "details"):
                assert connection.introspection.data_types_reverse.get(_column_type(column)) == "TextField"

        # The creators' worst risk still follows their accounts' metrics (SQLite: 0011's triggers
        # survive, the table was not rebuilt; PostgreSQL: its statement triggers).
        metrics.filter(pk=vetted.pk).update(fake_risk=0.8, risk_level="high")
        assert creator_model.objects.values_list("worst_fake_risk", "worst_risk_level").get(pk=creator.pk) == (
            0.8,
            "high",
        )
    finally:
        migrate_to(latest)
