"""The architecture reviewers' group, so the role exists on every install and not only where
the demo data was loaded. Membership is what grants the role (decisions.roles); the
permissions let staff see in the admin what reviewers work with."""

from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Architecture reviewers"
PERMISSIONS = ["view_decision", "view_revision", "view_review", "add_review", "view_comment"]


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make this app's now.
    config = django_apps.get_app_config("decisions")
    create_permissions(config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="decisions", codename__in=PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0007_comment_hidden"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
