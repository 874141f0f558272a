"""Where signals come from. Each source reads the rows the site already keeps (search log,
feedback, diagnosis sessions, probe results, issues) over a look-back window and says which
gap each row belongs to. Reading after the fact keeps the reader's path free of extra writes."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from diagnosis.models import Session
from gaps.grouping import query_key
from gaps.models import Gap
from issues.models import Feedback, Issue
from issues.search import weights
from issues.search.models import SearchLog
from kbsite.privacy import mask_personal_data
from probes.models import ChecklistItem, Monitor, MonitorState, ProbeResult
from probes.outcomes import NEUTRAL_OUTCOMES, Outcome


@dataclass(frozen=True)
class Found:
    """One row that signals a gap."""

    kind: str
    key: str
    title: str
    source: str
    source_id: str
    occurred_at: datetime
    url: str = ""
    detail: str = ""
    product_id: int | None = None
    issue_id: int | None = None
    error_code_id: int | None = None


def setting(name: str, default):
    return getattr(settings, name, default)


def _search_url(query: str) -> str:
    return f"{reverse('search:search')}?{urlencode({'q': query})}"


def _query_found(log: SearchLog, kind: str) -> Found:
    return Found(
        kind=kind,
        key=query_key(log.query),
        title=log.query[:300],
        source=f"search:{kind}",
        source_id=str(log.pk),
        occurred_at=log.created_at,
        url=_search_url(log.query),
    )


def search_logs(since: datetime, now: datetime) -> Iterator[Found]:
    """Searches that found nothing; searches whose best result is weak (below
    weights.WEAK_BEST_SCORE); and other searches with results nobody opened, once the reader
    had time to open one (GAPS_ABANDON_MINUTES). Suggestions while typing are left out: a
    reader who picks none usually goes on to the results page, which is logged itself."""
    logs = (
        SearchLog.objects.filter(created_at__gte=since)
        .exclude(query="")
        .exclude(source=SearchLog.Source.SUGGEST)
    )
    for log in logs.filter(result_count=0).iterator():
        yield _query_found(log, Gap.Kind.ZERO_RESULTS)
    weak = Q(result_count__gt=0, best_score__lt=weights.WEAK_BEST_SCORE)
    for log in logs.filter(weak).iterator():
        yield _query_found(log, Gap.Kind.WEAK_RESULTS)
    settled = now - timedelta(minutes=setting("GAPS_ABANDON_MINUTES", 30))
    unopened = logs.filter(
        result_count__gt=0, clicked_at__isnull=True, created_at__lt=settled
    ).exclude(weak)
    for log in unopened.iterator():
        yield _query_found(log, Gap.Kind.ABANDONED)


def _entry_fields(feedback: Feedback) -> dict:
    entry = feedback.issue or feedback.error_code
    if feedback.issue_id:
        key, product_id = f"issue:{feedback.issue_id}", feedback.issue.product_id
    else:
        key, product_id = f"code:{feedback.error_code_id}", feedback.error_code.product_id
    return {
        "key": key,
        "title": str(entry)[:300],
        "url": entry.get_absolute_url(),
        "product_id": product_id,
        "issue_id": feedback.issue_id,
        "error_code_id": feedback.error_code_id,
    }


def not_helpful_answers(since: datetime, now: datetime) -> Iterator[Found]:
    answers = Feedback.objects.filter(created_at__gte=since, helpful=False).select_related(
        "issue", "error_code__product"
    )
    for feedback in answers.iterator():
        yield Found(
            kind=Gap.Kind.NOT_HELPFUL,
            source="feedback",
            source_id=str(feedback.pk),
            occurred_at=feedback.created_at,
            detail=mask_personal_data(feedback.comment)[:500],
            **_entry_fields(feedback),
        )


UNSOLVED_OUTCOMES = (
    Session.Outcome.ESCALATED,
    Session.Outcome.UNSOLVED,
    Session.Outcome.ABANDONED,
)


def unsolved_sessions(since: datetime, now: datetime) -> Iterator[Found]:
    """Walks that ended escalated, unsolved or abandoned, grouped by the flow and the step
    where they stopped."""
    sessions = Session.objects.filter(
        updated_at__gte=since, outcome__in=UNSOLVED_OUTCOMES
    ).select_related("flow", "current_step")
    for session in sessions.iterator():
        step = session.current_step
        where = f"{session.flow.title} · {step}" if step else session.flow.title
        yield Found(
            kind=Gap.Kind.UNSOLVED,
            key=f"flow:{session.flow_id}:step:{step.pk if step else 0}",
            title=where[:300],
            source="diagnosis",
            source_id=str(session.pk),
            occurred_at=session.updated_at,
            url=session.flow.get_absolute_url(),
            detail=session.get_outcome_display(),
            product_id=session.flow.product_id,
        )


FAILED = ~Q(outcome__in=[Outcome.OK, *NEUTRAL_OUTCOMES, Outcome.INVALID])


def failing_checks(since: datetime, now: datetime) -> Iterator[Found]:
    """Check results that failed where no fix is linked to the check or its target."""
    results = (
        ProbeResult.objects.filter(FAILED, finished_at__gte=since, fix_issue__isnull=True)
        .exclude(target__isnull=True)
        .select_related("target")
    )
    for result in results.iterator():
        item = result.checklist_item_id
        yield Found(
            kind=Gap.Kind.FAILING_CHECK,
            key=f"item:{item}" if item else f"target:{result.target_id}",
            title=(result.description or result.target_text)[:300],
            source="probe",
            source_id=str(result.pk),
            occurred_at=result.finished_at,
            url=reverse("probes:run_detail", args=[result.run_id]),
            detail=f"{result.target_text} · {result.get_outcome_display()}"[:500],
        )


def monitors_down(since: datetime, now: datetime) -> Iterator[Found]:
    """Enabled monitors that are down while an issue's fix depends on them: one signal per
    down period (a monitor that recovers and goes down again brings its gap back)."""
    monitors = Monitor.objects.enabled().filter(state=MonitorState.DOWN)
    for monitor in monitors:
        issues = list(
            Issue.objects.filter(
                Q(probe_checklists__monitors=monitor)
                | Q(error_codes__probe_checklists__monitors=monitor)
                | Q(probe_checklists__items__target__monitors=monitor)
                | Q(pk__in=ChecklistItem.objects.filter(target__monitors=monitor).values("issue"))
            )
            .distinct()
            .order_by("pk")
            .only("pk", "title", "product_id")[:5]
        )
        if not issues:
            continue
        since_at = monitor.state_since or monitor.last_checked_at or now
        yield Found(
            kind=Gap.Kind.MONITOR_DOWN,
            key=f"monitor:{monitor.pk}",
            title=monitor.name[:300],
            source="monitor",
            source_id=f"{monitor.pk}:{since_at.isoformat()}"[:64],
            occurred_at=since_at,
            url=monitor.get_absolute_url(),
            detail=" · ".join(issue.title for issue in issues)[:500],
            product_id=issues[0].product_id,
            issue_id=issues[0].pk,
        )


def _issue_fields(issue: Issue) -> dict:
    return {
        "key": f"issue:{issue.pk}",
        "title": issue.title[:300],
        "url": issue.get_absolute_url(),
        "product_id": issue.product_id,
        "issue_id": issue.pk,
    }


def due_for_review(since: datetime, now: datetime) -> Iterator[Found]:
    """Published entries past their review interval: one signal per review period."""
    from issues.workflow import due_for_review as published_due

    for issue in published_due().only("pk", "title", "slug", "product_id", "last_verified_on"):
        period = issue.last_verified_on.isoformat() if issue.last_verified_on else "never"
        yield Found(
            kind=Gap.Kind.DUE_FOR_REVIEW,
            source="review",
            source_id=f"{issue.pk}:{period}"[:64],
            occurred_at=now,
            **_issue_fields(issue),
        )


def low_helpfulness(since: datetime, now: datetime) -> Iterator[Found]:
    """Entries whose recent answers are mostly "no" (GAPS_HELPFUL_THRESHOLD over at least
    GAPS_HELPFUL_MIN_ANSWERS answers in the last 90 days): one signal a week at most."""
    window = now - timedelta(days=90)
    minimum = setting("GAPS_HELPFUL_MIN_ANSWERS", 5)
    threshold = setting("GAPS_HELPFUL_THRESHOLD", 0.5)
    issues = (
        Issue.objects.filter(status=Issue.Status.PUBLISHED)
        .annotate(
            answers=Count("feedback", filter=Q(feedback__created_at__gte=window)),
            yes=Count(
                "feedback", filter=Q(feedback__created_at__gte=window, feedback__helpful=True)
            ),
        )
        .filter(answers__gte=minimum)
    )
    year, week, _ = timezone.localdate(now).isocalendar()
    for issue in issues:
        if issue.yes / issue.answers < threshold:
            yield Found(
                kind=Gap.Kind.LOW_HELPFULNESS,
                source="helpfulness",
                source_id=f"{issue.pk}:{year}-{week}",
                occurred_at=now,
                detail=f"{issue.yes}/{issue.answers}",
                **_issue_fields(issue),
            )


SOURCES = (
    search_logs,
    not_helpful_answers,
    unsolved_sessions,
    failing_checks,
    monitors_down,
    due_for_review,
    low_helpfulness,
)
