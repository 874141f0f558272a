"""Existing staff groups get the diagnosis permissions (new databases get them from
issues.groups when the groups are created)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = [
    f"{action}_{model}"
    for model in ("flow", "step", "branch")
    for action in ("add", "change", "delete", "view")
] + ["view_session"]
HELPDESK = [f"view_{model}" for model in ("flow", "step", "branch", "session")]


def grant(apps, schema_editor):
    create_permissions(global_apps.get_app_config("diagnosis"), verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Editors", EDITORS), ("Helpdesk", HELPDESK)):
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="diagnosis", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("diagnosis", "0001_flows_steps_sessions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
