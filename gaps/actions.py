"""What an editor does with a gap. Each action records who and when, and closes the gap it
answered (a drafted issue closes it when published: gaps/receivers.py)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gaps.models import Gap
from issues.models import ErrorCode, Issue, Product, Symptom
from issues.search.models import BestBet, Synonym, best_bet_key
from issues.slugs import unique_issue_slug


def _close(gap: Gap, *, status: str, user, resolution: str) -> Gap:
    gap.status = status
    gap.resolved_at = timezone.now()
    gap.resolved_by = user
    gap.resolution = resolution[:500]
    gap.save()
    return gap


def gap_assign(*, gap: Gap, user, assignee) -> Gap:
    gap.assignee = assignee
    if gap.status == Gap.Status.OPEN:
        gap.status = Gap.Status.IN_PROGRESS
    gap.save()
    return gap


def gap_dismiss(*, gap: Gap, user, reason: str) -> Gap:
    if not reason.strip():
        raise ValueError(_("Say why the gap is dismissed."))
    return _close(gap, status=Gap.Status.DISMISSED, user=user, resolution=reason.strip())


def gap_resolve(*, gap: Gap, user, note: str) -> Gap:
    return _close(gap, status=Gap.Status.RESOLVED, user=user, resolution=note.strip())


@transaction.atomic
def gap_draft_issue(*, gap: Gap, user, product: Product) -> Issue:
    """A draft issue prefilled from the gap: the query as its first symptom, the readers'
    comments as context in the summary. The gap waits (in progress) until it is published."""
    comments = [s.detail for s in gap.signals.exclude(detail="")[:5]]
    summary = "\n".join(f"> {comment}" for comment in comments)
    issue = Issue(
        product=product,
        title=gap.title[:200],
        slug=unique_issue_slug(gap.title),
        summary=summary,
        status=Issue.Status.DRAFT,
    )
    issue._history_user = user
    issue._change_reason = _("Drafted from a content gap")
    issue.save()
    if gap.kind in (Gap.Kind.ZERO_RESULTS, Gap.Kind.ABANDONED, Gap.Kind.WEAK_RESULTS):
        symptom = Symptom(issue=issue, text=gap.title, position=1)
        symptom._history_user = user
        symptom.save()
    gap.drafted_issue = issue
    gap.status = Gap.Status.IN_PROGRESS
    gap.assignee = gap.assignee or user
    gap.save()
    return issue


def gap_add_synonym(*, gap: Gap, user, group: Synonym, term: str) -> Gap:
    """Add what readers typed to a synonym group, so their word finds the existing entries."""
    term = term.strip()
    if not term:
        raise ValueError(_("Give the word to add."))
    if term not in group.members():
        group.terms = f"{group.terms}, {term}"
        group.full_clean()
        group.save()
    return _close(
        gap,
        status=Gap.Status.RESOLVED,
        user=user,
        resolution=_("“%(term)s” added to the synonyms “%(group)s”.")
        % {"term": term, "group": group.terms},
    )


def gap_link_edit(*, gap: Gap, user, revision_note: str) -> Gap:
    """Record the edit that answered the readers' "not helpful" (e.g. "revision 7")."""
    if not revision_note.strip():
        raise ValueError(_("Name the edit that answered it."))
    return _close(
        gap,
        status=Gap.Status.RESOLVED,
        user=user,
        resolution=_("Answered by the edit: %(edit)s") % {"edit": revision_note.strip()},
    )


@transaction.atomic
def gap_pin_best_bet(
    *, gap: Gap, user, issue: Issue | None = None, error_code: ErrorCode | None = None
) -> BestBet:
    """Pin an existing entry as the best answer for the gap's query: search ranks it first
    for exactly that query (issues/search/query.py). A bet already kept for the query is
    repointed, and says who changed it."""
    if (issue is None) == (error_code is None):
        raise ValueError(_("Choose an issue or an error code (one of them)."))
    query = " ".join(gap.title.split())[:300]
    existing = BestBet.objects.select_for_update().filter(query_key=best_bet_key(query))
    bet = existing.first() or BestBet(query=query, created_by=user)
    bet.issue, bet.error_code, bet.is_active, bet.updated_by = issue, error_code, True, user
    bet.save()
    _close(
        gap,
        status=Gap.Status.RESOLVED,
        user=user,
        resolution=_("“%(entry)s” pinned as the best answer for “%(query)s”.")
        % {"entry": bet.entry, "query": bet.query},
    )
    return bet
