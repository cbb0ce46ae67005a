"""Migrating the test database to a given state, for tests of a migration's data steps."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    """Migrate to `targets` (app label, migration name; None: before the app's first) and return
    an executor whose loader knows the new applied set (`loader.project_state(targets).apps`
    gives the historical models there)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # the applied set changed: read it again
    return executor
