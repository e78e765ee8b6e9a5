"""The database tables behind the shared caches (counters, render slots, PDFs).

Created whatever the settings say today: an install migrated with REDIS_URL set must still work
if it is later run without Redis. `createcachetable` skips tables that exist. The names are
those `shared_cache` is given in advisor/settings.py.
"""

from django.core.management import call_command
from django.db import migrations

CACHE_TABLES = ("advisor_cache", "advisor_pdf_cache")


def create_cache_tables(apps, schema_editor):
    call_command(
        "createcachetable", *CACHE_TABLES, database=schema_editor.connection.alias, verbosity=0
    )


class Migration(migrations.Migration):
    dependencies = [("advisor", "0002_reassesses")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
