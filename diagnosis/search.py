"""Flows as entries of the search index: their document, and keeping it in step.

The core's search (issues.search) never imports this app; DiagnosisConfig.ready()
registers the flow kind there (documents.register_kind) and connects the signals
below, so a flow saved, published, unpublished or deleted (admin, shipped content,
anything) is re-indexed in the same transaction.

Who may find a flow's entry is who may walk it: only published flows are indexed;
a public one for everyone, an internal one (is_public False) for Helpdesk and Editors.
"""

from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save

from diagnosis.models import Branch, Flow, Step
from issues.models import ErrorCode, Issue
from issues.search import index
from issues.search.documents import Document, PageKind, plain_text, register_kind
from issues.search.models import SearchEntry

KIND = SearchEntry.Kind.FLOW
# Words every flow's entry holds, so "排查" / "troubleshooting" queries find flows.
KIND_WORDS = ["逐步排查", "排查", "guided diagnosis", "troubleshooting"]


def indexable_flows():
    steps = Step.objects.order_by("position", "pk").prefetch_related(
        Prefetch("branches", queryset=Branch.objects.order_by("position", "pk"))
    )
    return (
        Flow.objects.published()
        .select_related("product")
        .prefetch_related(
            Prefetch("steps", queryset=steps),
            Prefetch("error_codes", queryset=ErrorCode.objects.order_by("code")),
            Prefetch("issues", queryset=Issue.objects.order_by("pk")),
        )
    )


def flow_document(flow: Flow) -> Document:
    """What a reader of the flow may see: its title, summary, the questions and answers
    (what people type: symptoms), and the other steps' texts. An internal flow's
    entry is not public. Linked issues add their titles only when the flow's readers
    may read them (a public flow never carries an internal issue's words)."""
    steps = list(flow.steps.all())
    questions = [s for s in steps if s.kind == Step.Kind.QUESTION]
    codes = list(flow.error_codes.all())
    issues = [
        issue
        for issue in flow.issues.all()
        if issue.status == Issue.Status.PUBLISHED
        and (not flow.is_public or issue.visibility == Issue.Visibility.PUBLIC)
    ]
    # The questions are what a caller describes. Their answers name the entries the flow
    # leads to (a code, a cause), so they weigh as body text: the entry itself should
    # outrank the flow for its own words ("Token is expired" is -1002 first).
    symptoms = [plain_text(s.title) for s in questions]
    body = [plain_text(b.label) for s in questions for b in s.branches.all()]
    for step in steps:
        if step.kind != Step.Kind.QUESTION:
            body.append(plain_text(step.title))
            body += [plain_text(b.label) for b in step.branches.all()]
        body += [plain_text(step.body), plain_text(step.reader_text), plain_text(step.collect)]
    body += [issue.title for issue in issues]
    return Document(
        kind=KIND,
        link={"page_id": flow.pk},
        product_id=flow.product_id,
        tags=[],
        title=flow.title,
        url=flow.get_absolute_url(),
        codes=[code.code for code in codes],
        constants=[code.constant for code in codes if code.constant],
        summary=plain_text(flow.summary),
        symptoms=symptoms,
        body=body,
        # The slug is the flow's English name ("mobile-client-cannot-connect").
        meta=[flow.product.name, *KIND_WORDS, flow.slug.replace("-", " ")],
        is_public=flow.is_public,
        network_related=any(code.is_network_related for code in codes),
        popularity=0,
    )


def reindex_flows(ids) -> None:
    ids = {pk for pk in ids if pk}
    if ids:
        index.index_pages(KIND, ids)


# --- signal handlers -------------------------------------------------------------------


def _on_flow_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_flows([instance.pk])


def _on_flow_deleted(sender, instance, **kwargs):
    index.remove_pages(KIND, [instance.pk])


def _on_step_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if isinstance(instance, Branch):  # its step may be gone already (deleted with it)
        flow_ids = Step.objects.filter(pk=instance.step_id).values_list("flow_id", flat=True)
    else:
        flow_ids = [instance.flow_id]
    # A step deleted with its flow: the flow is gone by then, or its own delete follows.
    reindex_flows(Flow.objects.filter(pk__in=list(flow_ids)).values_list("pk", flat=True))


def _on_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A flow's issues or codes changed, from either side (pk_set holds flow ids when
    the change came from the issue's or code's side)."""
    if action == "pre_clear" and reverse:
        instance._search_flow_ids = set(
            sender.objects.filter(**{_own_column(sender, instance): instance.pk}).values_list(
                "flow_id", flat=True
            )
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        reindex_flows([instance.pk])
    elif action == "post_clear":
        reindex_flows(getattr(instance, "_search_flow_ids", set()))
    else:
        reindex_flows(pk_set or ())


def _own_column(through, instance) -> str:
    return "issue_id" if isinstance(instance, Issue) else "errorcode_id"


def _on_linked_saved(sender, instance, raw=False, **kwargs):
    """An issue or code the flows link changed (title, publication): their words follow."""
    if raw:
        return
    field = "issues" if isinstance(instance, Issue) else "error_codes"
    reindex_flows(Flow.objects.filter(**{field: instance}).values_list("pk", flat=True))


def register() -> None:
    register_kind(
        PageKind(
            kind=KIND,
            count_key="flows",
            model=Flow,
            indexable=indexable_flows,
            build=flow_document,
        )
    )
    uid = "diagnosis.search"
    post_save.connect(_on_flow_saved, sender=Flow, dispatch_uid=f"{uid}.flow")
    post_delete.connect(_on_flow_deleted, sender=Flow, dispatch_uid=f"{uid}.flow.del")
    for model in (Step, Branch):
        post_save.connect(_on_step_changed, sender=model, dispatch_uid=f"{uid}.save.{model}")
        post_delete.connect(_on_step_changed, sender=model, dispatch_uid=f"{uid}.del.{model}")
    for through in (Flow.issues.through, Flow.error_codes.through):
        m2m_changed.connect(_on_links_changed, sender=through, dispatch_uid=f"{uid}.m2m.{through}")
    for model in (Issue, ErrorCode):
        post_save.connect(_on_linked_saved, sender=model, dispatch_uid=f"{uid}.linked.{model}")
