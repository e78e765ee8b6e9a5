from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX_NAME = "decision_search"


def _index():
    # The expression the log searched with when this migration was written, frozen here so a
    # later change to the search (see 0010) cannot change what this step creates.
    from django.contrib.postgres.search import SearchVector

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("context", weight="B", config="english")
        + SearchVector("outcome", weight="C", config="english")
    )
    return GinIndex(vector, name=INDEX_NAME)


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
