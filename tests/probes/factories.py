"""Small builders for probe tests."""

from django.contrib.auth.models import Group

from probes.models import Checklist, ChecklistItem, ChecklistParameter, Target


def make_checklist(*targets: Target, slug="loopback", issue=None, parameters=()) -> Checklist:
    checklist = Checklist.objects.create(slug=slug, title=f"Checklist {slug}")
    for position, target in enumerate(targets, start=1):
        target.save()
        ChecklistItem.objects.create(
            checklist=checklist,
            target=target,
            position=position,
            description=f"row {position}",
            issue=issue,
        )
    for position, name in enumerate(parameters, start=1):
        ChecklistParameter.objects.create(
            checklist=checklist, name=name, label=f"Label of {name}", position=position
        )
    return checklist


def make_prober(django_user_model, username="prober", *, staff=True, group="Helpdesk"):
    # No password: tests sign in with force_login, and hashing one costs a second per test.
    user = django_user_model.objects.create_user(username, is_staff=staff)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user
