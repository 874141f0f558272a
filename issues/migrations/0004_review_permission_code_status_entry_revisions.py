"""Issue 13: the approve permission (given to Editors), an error code's own status, and
entry revisions (one per save of an entry, with its parts and links), each existing
entry getting its first revision as it stands now."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def grant_approval_to_editors(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # As issues/groups.py does: the real app configs, this migration's model states.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=schema_editor.connection.alias, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    approve = Permission.objects.filter(
        content_type__app_label="issues", codename="approve_issue"
    ).first()
    if approve is None:  # post_migrate creates it; the groups handler grants it then
        return
    for group in Group.objects.filter(name="Editors"):
        group.permissions.add(approve)


def record_first_revisions(apps, schema_editor):
    from issues.revisions import entry_state

    Issue = apps.get_model("issues", "Issue")
    EntryRevision = apps.get_model("issues", "EntryRevision")
    for issue in Issue.objects.select_related("product", "approved_by").iterator():
        EntryRevision.objects.create(
            issue=issue, number=1, reason="recorded", state=entry_state(issue)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0003_issue_history_keeps_view_count"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="issue",
            options={
                "ordering": ["product__name", "title"],
                "permissions": [
                    ("view_internal", "Can read internal entries"),
                    ("approve_issue", "Can approve and publish entries"),
                ],
                "verbose_name": "issue",
                "verbose_name_plural": "issues",
            },
        ),
        migrations.AddField(
            model_name="errorcode",
            name="status",
            field=models.CharField(
                choices=[("draft", "draft"), ("published", "published")],
                default="published",
                help_text="A draft code has a page only while a published entry explains it.",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="historicalerrorcode",
            name="status",
            field=models.CharField(
                choices=[("draft", "draft"), ("published", "published")],
                default="published",
                help_text="A draft code has a page only while a published entry explains it.",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.CreateModel(
            name="EntryRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="revision")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
                ),
                ("reason", models.CharField(max_length=32, verbose_name="reason")),
                ("detail", models.CharField(blank=True, max_length=255)),
                ("state", models.JSONField()),
                (
                    "issue",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="issues.issue",
                        verbose_name="issue",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
            ],
            options={
                "verbose_name": "revision",
                "verbose_name_plural": "revisions",
                "ordering": ["issue", "-number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("issue", "number"), name="revision_number_per_issue"
                    )
                ],
            },
        ),
        migrations.RunPython(grant_approval_to_editors, migrations.RunPython.noop),
        migrations.RunPython(record_first_revisions, migrations.RunPython.noop),
    ]
