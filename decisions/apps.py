from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

TALLY_MIGRATION = "decisions.migrations.0014_decision_tally"


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Architecture decisions"

    def ready(self) -> None:
        post_migrate.connect(restore_tally_triggers, sender=self)


def restore_tally_triggers(using: str = "default", **kwargs: Any) -> None:
    """After a migrate on SQLite, put back the stored tally's triggers if they are gone, and
    count the log again.

    SQLite cannot alter most columns in place, so Django rebuilds a table to change one (a copy
    under a new name, the old one dropped) and the old table's triggers go with it. PostgreSQL
    alters tables in place and keeps them."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "decisions_decisiontally" not in tables:
            return  # migrated back past the tally
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        migration = import_module(TALLY_MIGRATION)
        if present.issuperset(migration.SQLITE_TRIGGERS):
            return
        from decisions.services import decision_tally_recount

        for statement in migration.SQLITE:
            cursor.execute(statement)
    decision_tally_recount()
