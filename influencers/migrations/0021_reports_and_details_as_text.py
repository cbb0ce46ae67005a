"""The vetting report and the metrics' details stored as text (core.fields.JSONTextField), the
parts SQL reads of the report kept beside it in `vetting_inputs` (jsonb on PostgreSQL): `rank`
(the brand ranking's inputs) and `text` (the term vector matching counts and ranks by).

PostgreSQL parsed every ~9 KB report and ~2.6 KB details into jsonb as they were written and
rebuilt their text as they were read; nothing queried inside the details, nor inside the report
but those two keys. The columns become text there (their values' jsonb text, which reads back as
the same documents). SQLite stored JSON as text already: only the
model's state changes there — altering the field would rebuild the table, and with it drop the
triggers of migration 0011 (the creators' worst risk). `vetting_inputs` may be NULL for the same
reason: SQLite adds a column with a default by rebuilding the table.
"""

from django.db import migrations, models

import core.fields

INPUT_KEYS = ("rank", "text")
BATCH = 2000


def copy_inputs(apps, schema_editor):
    """Every stored report's `rank` and `text` into `vetting_inputs` (reports without them: {})."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "UPDATE influencers_accountmetrics SET vetting_inputs = COALESCE("
            "(SELECT jsonb_object_agg(key, value) FROM jsonb_each(vetting) WHERE key IN ('rank', 'text')), '{}')"
            " WHERE jsonb_typeof(vetting) = 'object'"
        )
        return
    metrics = apps.get_model("influencers", "AccountMetrics")
    rows = metrics.objects.using(schema_editor.connection.alias).order_by("pk").values_list("pk", "vetting")
    batch = []
    for pk, report in rows.iterator(chunk_size=BATCH):
        inputs = {key: report[key] for key in INPUT_KEYS if key in report} if isinstance(report, dict) else {}
        batch.append(metrics(pk=pk, vetting_inputs=inputs))
        if len(batch) == BATCH:
            metrics.objects.bulk_update(batch, ["vetting_inputs"])
            batch = []
    if batch:
        metrics.objects.bulk_update(batch, ["vetting_inputs"])


AS_TEXT = ("vetting", "details")


def documents_as_text(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE influencers_accountmetrics "
            + ", ".join(f"ALTER COLUMN {column} TYPE text USING {column}::text" for column in AS_TEXT)
        )


def documents_as_jsonb(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE influencers_accountmetrics "
            + ", ".join(f"ALTER COLUMN {column} TYPE jsonb USING {column}::jsonb" for column in AS_TEXT)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0020_worst_risk_one_aggregate"),
    ]

    operations = [
        migrations.AddField(
            model_name="accountmetrics",
            name="vetting_inputs",
            field=models.JSONField(
                blank=True,
                null=True,
                help_text="The report's parts read in SQL: its 'rank' inputs and its 'text' term vector",
            ),
        ),
        migrations.RunPython(copy_inputs, migrations.RunPython.noop, elidable=False),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(documents_as_text, documents_as_jsonb, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name="accountmetrics",
                    name="vetting",
                    field=core.fields.JSONTextField(
                        blank=True, default=dict, help_text="The last vetting report (signals, evidence)"
                    ),
                ),
                migrations.AlterField(
                    model_name="accountmetrics",
                    name="details",
                    field=core.fields.JSONTextField(
                        blank=True, default=dict, help_text="Formulas and inputs behind each figure"
                    ),
                ),
            ],
        ),
    ]
