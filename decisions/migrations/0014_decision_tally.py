"""The decision tally (`DecisionTally`) and the triggers that keep it: filled from the log as
it stands, then counted by the database on every insert, delete and change of status or
outcome, whoever writes (services, the admin, bulk writes, plain SQL)."""

from django.db import migrations, models

TALLY = "decisions_decisiontally"
# Each statement adds or takes one from the tally of a pair: the new row's, or the old row's.
ADD = (
    f"INSERT INTO {TALLY} (status, outcome, n) VALUES (NEW.status, NEW.outcome, 1) "
    f"ON CONFLICT (status, outcome) DO UPDATE SET n = {TALLY}.n + 1;"
)
TAKE = f"UPDATE {TALLY} SET n = n - 1 WHERE status = OLD.status AND outcome = OLD.outcome;"
CHANGED = "OLD.status IS DISTINCT FROM NEW.status OR OLD.outcome IS DISTINCT FROM NEW.outcome"

POSTGRESQL = [
    # An update takes one from the old pair and adds one to the new, in the pairs' order: two
    # decisions moving opposite ways at once (one submitted, one sent back to draft) then lock
    # the two tally rows in the same order instead of each waiting for the other's.
    f"""CREATE FUNCTION decisions_tally_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN {ADD}
        ELSIF TG_OP = 'DELETE' THEN {TAKE}
        ELSIF (OLD.status, OLD.outcome) < (NEW.status, NEW.outcome) THEN {TAKE} {ADD}
        ELSE {ADD} {TAKE}
        END IF;
        RETURN NULL;
    END $$""",
    # TRUNCATE skips row triggers; emptying the log empties its tally.
    f"""CREATE FUNCTION decisions_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN DELETE FROM {TALLY}; RETURN NULL; END $$""",
    "CREATE TRIGGER decisions_tally_insert_delete AFTER INSERT OR DELETE ON decisions_decision "
    "FOR EACH ROW EXECUTE FUNCTION decisions_tally_row()",
    "CREATE TRIGGER decisions_tally_update AFTER UPDATE OF status, outcome ON decisions_decision "
    f"FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION decisions_tally_row()",
    "CREATE TRIGGER decisions_tally_truncate AFTER TRUNCATE ON decisions_decision "
    "FOR EACH STATEMENT EXECUTE FUNCTION decisions_tally_truncate()",
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER IF EXISTS decisions_tally_insert_delete ON decisions_decision",
    "DROP TRIGGER IF EXISTS decisions_tally_update ON decisions_decision",
    "DROP TRIGGER IF EXISTS decisions_tally_truncate ON decisions_decision",
    "DROP FUNCTION IF EXISTS decisions_tally_row()",
    "DROP FUNCTION IF EXISTS decisions_tally_truncate()",
]
# SQLite drops a table's triggers when Django rebuilds the table (most field changes on
# SQLite); `decisions.apps` puts these back after every migrate, hence IF NOT EXISTS.
SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS decisions_tally_insert AFTER INSERT ON decisions_decision "
    f"BEGIN {ADD} END",
    f"CREATE TRIGGER IF NOT EXISTS decisions_tally_delete AFTER DELETE ON decisions_decision "
    f"BEGIN {TAKE} END",
    "CREATE TRIGGER IF NOT EXISTS decisions_tally_update "
    "AFTER UPDATE OF status, outcome ON decisions_decision "
    f"WHEN {CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN {TAKE} {ADD} END",
]
# The names of the statements above, which `decisions.apps` looks for after a migrate.
SQLITE_TRIGGERS = ("decisions_tally_insert", "decisions_tally_delete", "decisions_tally_update")
SQLITE_UNDO = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
FILL = (
    f"INSERT INTO {TALLY} (status, outcome, n) "
    "SELECT status, outcome, COUNT(*) FROM decisions_decision GROUP BY status, outcome"
)


def _statements(vendor: str, postgresql: list[str], sqlite: list[str]) -> list[str]:
    if vendor == "postgresql":
        return postgresql
    if vendor == "sqlite":
        return sqlite
    # DATABASE_URL accepts only these two (advisor.settings.database_from_url); another
    # database must not end up with a tally nothing keeps current.
    raise RuntimeError(f"the decision tally is kept on PostgreSQL and SQLite only, not {vendor}")


def install(apps, schema_editor):
    for statement in [*_statements(schema_editor.connection.vendor, POSTGRESQL, SQLITE), FILL]:
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, POSTGRESQL_UNDO, SQLITE_UNDO):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0013_due_for_review_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="DecisionTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=20)),
                ("outcome", models.CharField(blank=True, max_length=20)),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("status", "outcome"), name="one_tally_per_pair")
                ],
            },
        ),
        migrations.RunPython(install, remove),
    ]
