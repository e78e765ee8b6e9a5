"""Keep each decision's search vector in a stored column (PostgreSQL only), index that column, and
drop the index on the expression.

Ranking a search computed the vector again for every match, from the whole ADR: 13 of a ranked
page's 15 ms in the database on the portal benchmark's data. The column is generated, so the
database keeps it in step with the title and `search_text` whoever writes them. The model does
not declare it: SQLite has no full-text functions, and its plain fallback searches the text.
The expression is frozen here (as in 0003 and 0010); tests check it is the log's.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

COLUMN = "search_vector"
INDEX_NAME = "decision_search_vector"
EXPRESSION_INDEX_NAME = "decision_search"
# The log's SEARCH_VECTOR, as 0010 indexed it: written out in SQL for the column, and kept as an
# expression for the index that undoing this migration builds again.
VECTOR = SearchVector("title", weight="A", config="english") + SearchVector(
    "search_text", weight="B", config="english"
)
TABLE = "decisions_decision"
ADD_COLUMN = f"""ALTER TABLE {TABLE} ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(search_text, '')), 'B')
) STORED"""
ADD_INDEX = f"CREATE INDEX {INDEX_NAME} ON {TABLE} USING gin ({COLUMN})"
DROP_COLUMN = f"ALTER TABLE {TABLE} DROP COLUMN {COLUMN}"  # its index goes with it


def store_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(ADD_COLUMN)
    schema_editor.execute(ADD_INDEX)
    model = apps.get_model("decisions", "Decision")
    schema_editor.remove_index(model, GinIndex(VECTOR, name=EXPRESSION_INDEX_NAME))


def compute_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("decisions", "Decision")
    schema_editor.add_index(model, GinIndex(VECTOR, name=EXPRESSION_INDEX_NAME))
    schema_editor.execute(DROP_COLUMN)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0014_decision_tally")]

    operations = [migrations.RunPython(store_vector, compute_again)]
