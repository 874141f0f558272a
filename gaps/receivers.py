"""Gaps follow the core: an issue drafted from a gap resolves that gap once it is published."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext

from gaps.models import Gap
from issues.models import Issue


@receiver(post_save, sender=Issue, dispatch_uid="gaps-resolve-drafted")
def resolve_gaps_answered_by(sender, instance: Issue, **kwargs) -> None:
    if instance.status != Issue.Status.PUBLISHED:
        return
    Gap.objects.filter(drafted_issue=instance).exclude(status=Gap.Status.RESOLVED).update(
        status=Gap.Status.RESOLVED,
        resolved_at=timezone.now(),
        resolution=gettext("Answered by the published issue “%(title)s”.")
        % {"title": instance.title},
    )
