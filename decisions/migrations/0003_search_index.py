from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX_NAME = "decision_search"


def _index():  # the same expression the log searches with, so PostgreSQL can use it
    from decisions.log import SEARCH_VECTOR

    return GinIndex(SEARCH_VECTOR, name=INDEX_NAME)


def add_index(apps, schema_editor):
    # Full-text search exists on PostgreSQL only; SQLite's plain fallback needs no index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("decisions", "Decision"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("decisions", "Decision"), _index())


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_sequence_row")]

    operations = [migrations.RunPython(add_index, remove_index)]
