"""Existing Editors get the queue (view and change gaps) and what its actions touch: synonym
groups and best bets (new databases get them from issues.groups when the groups are made)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = {
    "gaps": ["view_gap", "change_gap"],
    "search": [
        f"{action}_{model}"
        for model in ("synonym", "bestbet")
        for action in ("add", "change", "delete", "view")
    ],
}


def grant(apps, schema_editor):
    for label in EDITORS:
        create_permissions(global_apps.get_app_config(label), verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Editors").first()
    if group is None:
        return
    for label, codenames in EDITORS.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("gaps", "0002_monitor_down_kind"),
        ("search", "0006_best_bets_and_best_score"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
