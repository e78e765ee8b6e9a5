from __future__ import annotations

from django.db import migrations


def create_row(apps, schema_editor):
    # The numbering service only ever updates this row, so it must exist before the first ADR.
    sequence = apps.get_model("decisions", "DecisionSequence")
    sequence.objects.get_or_create(pk=1, defaults={"last": 0})


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
