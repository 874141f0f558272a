"""Give the "run probes" permission to the Helpdesk and Editors groups.

Helpdesk staff are the ones who check connectivity with a customer on the
phone; Editors maintain the checklists. (Users also need is_staff to run
probes.) Permissions are normally created after all migrations ran, so they
are created here first for this app.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Helpdesk", "Editors")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("probes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="probes", codename="run_probes")
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="probes", codename="run_probes"
    ).first()
    if permission is not None:
        for group in Group.objects.filter(name__in=GROUPS):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("probes", "0001_initial"),
        ("issues", "0002_editor_and_helpdesk_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
