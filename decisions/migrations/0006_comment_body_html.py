# Written by hand: a new column, filled for the comments already posted.

from django.db import migrations, models

from decisions.render.html import comment_to_html

BATCH = 500


def render_existing_comments(apps, schema_editor):
    """Render each comment once now, with today's rules, so pages never have to."""
    comment_model = apps.get_model("decisions", "Comment")
    batch = []
    for comment in comment_model.objects.only("id", "body").order_by("id").iterator(BATCH):
        comment.body_html = comment_to_html(comment.body)
        batch.append(comment)
        if len(batch) == BATCH:
            comment_model.objects.bulk_update(batch, ["body_html"])
            batch = []
    comment_model.objects.bulk_update(batch, ["body_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0005_visibility_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="body_html",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(render_existing_comments, migrations.RunPython.noop),
    ]
