"""Create the two staff groups the product relies on.

Editors change content; Helpdesk reads internal entries. Permissions are normally
created after all migrations ran, so they are created here first for this app.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = ["product", "tag", "issue", "symptom", "cause", "fix", "errorcode", "feedback"]
EDITOR_ACTIONS = ["add", "change", "delete", "view"]


def create_groups(apps, schema_editor):
    app_config = apps.get_app_config("issues")
    # Stubs in migration state have no models module; create_permissions needs one set.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    issue_perms = Permission.objects.filter(content_type__app_label="issues")

    editors, _ = Group.objects.get_or_create(name="Editors")
    editor_codenames = [f"{a}_{m}" for m in CONTENT_MODELS for a in EDITOR_ACTIONS]
    editors.permissions.add(*issue_perms.filter(codename__in=[*editor_codenames, "view_internal"]))

    helpdesk, _ = Group.objects.get_or_create(name="Helpdesk")
    helpdesk_codenames = [f"view_{m}" for m in CONTENT_MODELS]
    helpdesk.permissions.add(
        *issue_perms.filter(codename__in=[*helpdesk_codenames, "view_internal"])
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Helpdesk"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
