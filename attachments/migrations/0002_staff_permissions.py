"""Editors upload and manage attachments; Helpdesk may list them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editors": ("add_attachment", "change_attachment", "delete_attachment", "view_attachment"),
    "Helpdesk": ("view_attachment",),
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("attachments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="attachments", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="attachments").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("attachments", "0001_attachment"),
        ("issues", "0002_editor_and_helpdesk_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
