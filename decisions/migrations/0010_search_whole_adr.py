"""Search the whole ADR: fill `search_text` for every decision, and index the new expression.

The index expression is frozen here (as in 0003); a test checks it is the one the log uses.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "decision_search"
OLD_VECTOR = (
    SearchVector("title", weight="A", config="english")
    + SearchVector("context", weight="B", config="english")
    + SearchVector("outcome", weight="C", config="english")
)
VECTOR = SearchVector("title", weight="A", config="english") + SearchVector(
    "search_text", weight="B", config="english"
)


def fill_search_text(apps, schema_editor):
    from decisions.search import decision_search_text

    Decision = apps.get_model("decisions", "Decision")
    for decision in Decision.objects.prefetch_related("tags").iterator(chunk_size=500):
        decision.search_text = decision_search_text(decision)
        decision.save(update_fields=["search_text"])


def swap_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        model = apps.get_model("decisions", "Decision")
        schema_editor.remove_index(model, GinIndex(OLD_VECTOR, name=INDEX_NAME))
        schema_editor.add_index(model, GinIndex(VECTOR, name=INDEX_NAME))


def swap_back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        model = apps.get_model("decisions", "Decision")
        schema_editor.remove_index(model, GinIndex(VECTOR, name=INDEX_NAME))
        schema_editor.add_index(model, GinIndex(OLD_VECTOR, name=INDEX_NAME))


class Migration(migrations.Migration):
    dependencies = [("decisions", "0009_free_form_tags_links")]

    operations = [
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(swap_index, swap_back),
    ]
