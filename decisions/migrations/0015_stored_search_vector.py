"""Keep each decision's search vector in a stored column (PostgreSQL only), index that column, and
drop the index on the expression.

Ranking a search computed the vector again for every match, from the whole ADR: 13 of a ranked
page's 15 ms in the database on the portal benchmark's data. The column is generated, so the
database keeps it in step with the title and `search_text` whoever writes them. The model does
not declare it: SQLite has no full-text functions, and its plain fallback searches the text.
The expression is frozen here (as in 0003 and 0010); a test checks it is the log's.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import migrations, models

COLUMN = "search_vector"
INDEX_NAME = "decision_search_vector"
EXPRESSION_INDEX_NAME = "decision_search"
VECTOR = SearchVector("title", weight="A", config="english") + SearchVector(
    "search_text", weight="B", config="english"
)


def _with_column(apps):
    """The historical Decision with the column on it, for the schema editor to write."""
    model = apps.get_model("decisions", "Decision")
    field = models.GeneratedField(
        expression=VECTOR, output_field=SearchVectorField(), db_persist=True
    )
    field.contribute_to_class(model, COLUMN)
    return model, field


def store_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model, field = _with_column(apps)
    schema_editor.add_field(model, field)
    schema_editor.add_index(model, GinIndex(fields=[COLUMN], name=INDEX_NAME))
    schema_editor.remove_index(model, GinIndex(VECTOR, name=EXPRESSION_INDEX_NAME))


def compute_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model, field = _with_column(apps)
    schema_editor.add_index(model, GinIndex(VECTOR, name=EXPRESSION_INDEX_NAME))
    schema_editor.remove_field(model, field)  # its index goes with it


class Migration(migrations.Migration):
    dependencies = [("decisions", "0014_decision_tally")]

    operations = [migrations.RunPython(store_vector, compute_again)]
