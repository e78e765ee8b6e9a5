"""Feed tokens are kept as their SHA-256 digest: each token stored so far is replaced by its
digest, so the feed addresses people already use keep working."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations


def hash_tokens(apps: Any, schema_editor: Any) -> None:
    FeedToken = apps.get_model("notifications", "FeedToken")
    for row in FeedToken.objects.all():
        row.digest = hashlib.sha256(row.digest.encode()).hexdigest()
        row.save(update_fields=["digest"])


def forget_tokens(apps: Any, schema_editor: Any) -> None:
    # A digest cannot be turned back into its token: going back turns every feed off, and
    # people make new addresses.
    apps.get_model("notifications", "FeedToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="feedtoken", old_name="token", new_name="digest"),
        migrations.RunPython(hash_tokens, forget_tokens),
    ]
