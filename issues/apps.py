from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("Knowledge base")

    def ready(self):
        from issues import revisions
        from issues.groups import restore_staff_groups

        revisions.connect()

        post_migrate.connect(restore_staff_groups, sender=self, dispatch_uid="kb-staff-groups")
