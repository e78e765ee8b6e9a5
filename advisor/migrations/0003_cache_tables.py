"""The database tables behind the shared caches (counters, rendered PDFs) when no Redis is
configured. `createcachetable` creates only the tables the settings name and skips existing
ones, so running it again or with Redis configured does nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("advisor", "0002_reassesses")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
