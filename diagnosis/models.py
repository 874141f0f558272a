"""Guided diagnosis: flows of steps, the branches between them, and recorded walks (sessions)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from issues.models import can_read_internal
from issues.versioning import VersionedModel
from probes.outcomes import Outcome


class FlowQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        return self.filter(status=Flow.Status.PUBLISHED)

    def visible_to(self, user):
        """Published flows the user may read; staff also see drafts and flows in review."""
        if getattr(user, "is_staff", False) and can_read_internal(user):
            return self.all()
        flows = self.published()
        if not can_read_internal(user):
            flows = flows.filter(visibility=Flow.Visibility.PUBLIC)
        return flows


class Flow(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("in review")
        PUBLISHED = "published", _("published")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        INTERNAL = "internal", _("internal")

    product = models.ForeignKey(
        "issues.Product",
        on_delete=models.PROTECT,
        related_name="diagnosis_flows",
        verbose_name=_("product"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Markdown. When to use this flow, shown first.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    start_step = models.ForeignKey(
        "Step",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("first step"),
    )
    issues = models.ManyToManyField(
        "issues.Issue",
        blank=True,
        related_name="diagnosis_flows",
        verbose_name=_("issues it resolves"),
    )
    error_codes = models.ManyToManyField(
        "issues.ErrorCode",
        blank=True,
        related_name="diagnosis_flows",
        verbose_name=_("error codes it resolves"),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("For editors: the document the flow was built from. Not shown to readers."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[issues, error_codes])

    objects = FlowQuerySet.as_manager()

    class Meta:
        ordering = ["product__name", "title"]
        verbose_name = _("diagnosis flow")
        verbose_name_plural = _("diagnosis flows")

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("diagnosis:flow", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.visibility == self.Visibility.PUBLIC

    def revision_id(self) -> int | None:
        latest = self.history.order_by("-history_date", "-history_id").first()
        return latest.history_id if latest else None


class Step(VersionedModel):
    class Kind(models.TextChoices):
        # A context of their own: shown as badges ("Question"), while "fix" alone is also
        # a field's lower-case name.
        QUESTION = "question", pgettext_lazy("step kind", "question")
        CHECK = "check", pgettext_lazy("step kind", "check")
        FIX = "fix", pgettext_lazy("step kind", "fix")
        ESCALATE = "escalate", pgettext_lazy("step kind", "escalate")

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(
        _("key"), max_length=64, help_text=_("Stable name of the step within its flow.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown: the question, or what to do at this step.")
    )
    # check
    checklist = models.ForeignKey(
        "probes.Checklist",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="diagnosis_steps",
        verbose_name=_("checklist"),
    )
    targets = models.TextField(
        _("targets"),
        blank=True,
        help_text=_("Instead of a checklist: one target per line, e.g. tcp://host:443."),
    )
    reader_text = models.TextField(
        _("question for readers"),
        blank=True,
        help_text=_(
            "Markdown. Readers who cannot run server checks answer this instead, "
            "e.g. “Open this address in your browser: does it load?”"
        ),
    )
    # fix
    fix_issue = models.ForeignKey(
        "issues.Issue",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issue"),
    )
    fix_cause = models.ForeignKey(
        "issues.Cause",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cause"),
    )
    fix_fix = models.ForeignKey(
        "issues.Fix",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fix"),
    )
    fix_code = models.ForeignKey(
        "issues.ErrorCode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("error code"),
    )
    unsolved_step = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("if not solved, go to"),
    )
    # escalate
    collect = models.TextField(_("what to collect"), blank=True, help_text=_("Markdown."))
    send_to = models.TextField(_("where to send it"), blank=True, help_text=_("Markdown."))
    source_ref = models.CharField(
        _("source reference"),
        max_length=200,
        blank=True,
        help_text=_("For editors: document and line(s) each fact comes from."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["flow", "position", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=["flow", "key"], name="diagnosis_step_key_per_flow")
        ]

    def __str__(self):
        return f"{self.flow.slug}/{self.key}: {self.title}"

    @property
    def is_terminal_kind(self) -> bool:
        return self.kind in (self.Kind.FIX, self.Kind.ESCALATE)

    def target_lines(self) -> list[str]:
        return [line.strip() for line in self.targets.splitlines() if line.strip()]

    def clean(self):
        errors = {}
        if self.kind == self.Kind.CHECK and not self.checklist_id and not self.target_lines():
            errors["checklist"] = _("A check step runs a checklist or a list of targets.")
        if self.kind == self.Kind.CHECK and self.checklist_id and self.target_lines():
            errors["targets"] = _("Give a checklist or targets, not both.")
        if self.kind == self.Kind.FIX and not (self.fix_issue_id or self.fix_code_id):
            errors["fix_issue"] = _("A fix step points at an issue's fix or an error code's fix.")
        if self.fix_cause_id and self.fix_cause.issue_id != self.fix_issue_id:
            errors["fix_cause"] = _("The cause must belong to the issue.")
        if self.fix_fix_id and self.fix_fix.issue_id != self.fix_issue_id:
            errors["fix_fix"] = _("The fix must belong to the issue.")
        if self.kind == self.Kind.ESCALATE and not (self.collect.strip() and self.send_to.strip()):
            errors["collect"] = _("Say what to collect and where to send it.")
        if self.unsolved_step_id and self.unsolved_step.flow_id != self.flow_id:
            errors["unsolved_step"] = _("The step must belong to the same flow.")
        if errors:
            raise ValidationError(errors)


class Branch(VersionedModel):
    """A way out of a step: an answer to a question, or a rule on a check's outcomes."""

    class Condition(models.TextChoices):
        ANSWER = "answer", _("answer")
        ALL_OK = "all_ok", _("all reachable")
        ANY_FAILED = "any_failed", _("any of these failed")
        ELSE = "else", _("otherwise")

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="branches")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    label = models.CharField(
        _("answer"),
        max_length=255,
        help_text=_("What the reader picks; for a check, also the answer for readers."),
    )
    condition = models.CharField(
        _("condition"), max_length=16, choices=Condition.choices, default=Condition.ANSWER
    )
    items = models.CharField(
        _("items"),
        max_length=200,
        blank=True,
        help_text=_("Checklist item numbers, e.g. “1, 4”; empty means every item."),
    )
    outcomes = models.JSONField(
        _("outcomes"),
        default=list,
        blank=True,
        help_text=_('Outcomes that count, e.g. ["refused", "timeout"]; empty means any failure.'),
    )
    next_step = models.ForeignKey(
        Step,
        on_delete=models.CASCADE,
        related_name="incoming",
        verbose_name=_("next step"),
    )
    source_ref = models.CharField(_("source reference"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["step", "position", "pk"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")

    def __str__(self):
        return self.label

    def item_numbers(self) -> set[int]:
        numbers = set()
        for part in self.items.replace("，", ",").split(","):
            part = part.strip()
            if part.isdigit():
                numbers.add(int(part))
        return numbers

    def clean(self):
        errors = {}
        for part in self.items.replace("，", ",").split(","):
            if part.strip() and not part.strip().isdigit():
                errors["items"] = _("Item numbers separated by commas, e.g. “1, 4”.")
        if not isinstance(self.outcomes, list) or any(
            value not in Outcome.values for value in self.outcomes
        ):
            errors["outcomes"] = _("Outcomes are a list of: %(names)s.") % {
                "names": ", ".join(Outcome.values)
            }
        if self.step_id and self.next_step_id and self.next_step.flow_id != self.step.flow_id:
            errors["next_step"] = _("The step must belong to the same flow.")
        if errors:
            raise ValidationError(errors)


class SessionQuerySet(models.QuerySet):
    def recent(self):
        return self.select_related("flow", "user").order_by("-started_at")


class Session(models.Model):
    """One walk through a flow. The id is random (UUID4): the session's URL is its secret."""

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        SOLVED = "solved", _("solved")
        ESCALATED = "escalated", _("escalated")
        UNSOLVED = "unsolved", _("not solved")
        ABANDONED = "abandoned", _("abandoned")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="sessions")
    flow_revision = models.PositiveIntegerField(
        _("flow revision"), null=True, blank=True, help_text=_("History id of the flow walked.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="diagnosis_sessions",
        verbose_name=_("walked by"),
    )
    source = models.CharField(_("started from"), max_length=16, default="web")
    current_step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.IN_PROGRESS
    )
    solved_by = models.ForeignKey(
        Step,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("solved by"),
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("diagnosis session")
        verbose_name_plural = _("diagnosis sessions")

    def __str__(self):
        return f"{self.flow.slug} {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("diagnosis:session", kwargs={"pk": self.pk})

    def walk_url(self):
        return reverse("diagnosis:walk", kwargs={"slug": self.flow.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.IN_PROGRESS

    def path(self):
        return self.records.filter(retracted=False).select_related("step", "branch", "probe_run")


class SessionStep(models.Model):
    """One step of a walk: what was answered, or which probe run chose the branch."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="records")
    step = models.ForeignKey(Step, null=True, on_delete=models.SET_NULL, related_name="+")
    step_title = models.CharField(_("step"), max_length=200)
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.SET_NULL)
    answer = models.CharField(_("answer"), max_length=255, blank=True)
    probe_run = models.ForeignKey(
        "probes.ProbeRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    automatic = models.BooleanField(_("chosen by the checks"), default=False)
    overridden_branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_reason = models.TextField(_("override reason"), blank=True)
    retracted = models.BooleanField(_("went back"), default=False)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("session step")
        verbose_name_plural = _("session steps")

    def __str__(self):
        return f"{self.step_title}: {self.answer or '…'}"

    @property
    def is_pending(self) -> bool:
        return self.branch_id is None and not self.answer
