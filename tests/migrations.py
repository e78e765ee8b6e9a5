"""The test database moved to a migration and back, for tests of a migration's own steps."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets: list[tuple[str, str]]) -> Apps:
    """Migrate (forwards or backwards) to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Back to the newest migration of every app, as the other tests expect."""
    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
