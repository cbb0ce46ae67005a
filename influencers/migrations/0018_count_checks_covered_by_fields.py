"""Two named CHECK constraints dropped that repeated their fields' own: `snapshot_followers_non_negative`
(followers >= 0) and `post_counts_non_negative` (likes >= 0 AND comments >= 0). The fields are
positive integer fields, for which Django writes `CHECK (col >= 0)` on the column itself, so each
row was tested twice; the columns' checks stay and still reject a negative count.

Measured (server CPU of the backend, 3-4 runs): within the noise (the snapshots' COPY of 450,000
rows 1.9-2.1 s either way); dropped as a duplicate, not for speed. PostgreSQL only: on SQLite
removing a CHECK rebuilds the whole table, so there the model forgets them and the table keeps
them (still the same test as the fields' own; a later rebuild of the table drops them).
"""

from django.db import migrations

# (table, constraint, its condition) as migration 0001 made them.
CHECKS = [
    ("influencers_accountsnapshot", "snapshot_followers_non_negative", '"followers" >= 0'),
    ("influencers_post", "post_counts_non_negative", '"likes" >= 0 AND "comments" >= 0'),
]


def _alter_each(statement: str):
    """A RunPython function running `statement` (formatted with each check's table, name and
    condition) on PostgreSQL; nothing elsewhere."""

    def alter(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for table, name, condition in CHECKS:
                cursor.execute(statement.format(table=table, name=name, condition=condition))

    return alter


drop_checks = _alter_each("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
add_checks = _alter_each("ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({condition})")


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0017_post_account_index_covered_by_unique"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_checks, add_checks)],
            state_operations=[
                migrations.RemoveConstraint(model_name="accountsnapshot", name="snapshot_followers_non_negative"),
                migrations.RemoveConstraint(model_name="post", name="post_counts_non_negative"),
            ],
        ),
    ]
