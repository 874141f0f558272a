"""The staff groups the product relies on, kept present after every migrate and flush.

Data migrations create the groups (issues 0002, probes 0002). A database flush (as
transactional tests and `manage.py flush` do) empties them again, and Django then
re-creates content types and permissions in its post_migrate signal. This handler
re-creates the groups there too, with the same permissions as the migrations give,
but only when a group is missing: a group an admin has edited is left alone.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CONTENT_MODELS = ("product", "tag", "issue", "symptom", "cause", "fix", "errorcode", "feedback")

STAFF_GROUPS = {
    # Editors change content, read internal entries and approve each other's drafts
    # (never their own unless KB_ALLOW_SELF_APPROVAL).
    "Editors": [
        *(
            f"issues.{action}_{model}"
            for model in CONTENT_MODELS
            for action in ("add", "change", "delete", "view")
        ),
        "issues.view_internal",
        "issues.approve_issue",
        "probes.run_probes",
        *(f"attachments.{action}_attachment" for action in ("add", "change", "delete", "view")),
        *(
            f"diagnosis.{action}_{model}"
            for model in ("flow", "step", "branch")
            for action in ("add", "change", "delete", "view")
        ),
        "diagnosis.view_session",
        # The content-gap queue and what its actions touch (synonyms, best bets).
        "gaps.view_gap",
        "gaps.change_gap",
        *(
            f"search.{action}_{model}"
            for model in ("synonym", "bestbet")
            for action in ("add", "change", "delete", "view")
        ),
    ],
    # Helpdesk reads everything, internal entries included, and runs probes.
    "Helpdesk": [
        *(f"issues.view_{model}" for model in CONTENT_MODELS),
        "issues.view_internal",
        "probes.run_probes",
        "attachments.view_attachment",
        *(f"diagnosis.view_{model}" for model in ("flow", "step", "branch", "session")),
    ],
}


def ensure_staff_groups(*, using: str = "default", apps=global_apps) -> list[str]:
    """Create missing staff groups with their permissions; return the names created."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    missing = [
        name for name in STAFF_GROUPS if not Group.objects.using(using).filter(name=name).exists()
    ]
    if not missing:
        return []
    # post_migrate creates permissions app by app; make sure all exist before granting.
    # The real app configs: create_permissions skips migration-state stubs.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    for name in missing:
        group = Group.objects.using(using).create(name=name)
        for label in STAFF_GROUPS[name]:
            app_label, codename = label.split(".")
            group.permissions.add(
                *Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
    return missing


def restore_staff_groups(sender, using="default", apps=global_apps, **kwargs):
    """post_migrate receiver."""
    ensure_staff_groups(using=using, apps=apps)
