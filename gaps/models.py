"""The content-gap queue: gaps (work for editors), the signals grouped under them, and the
daily counts that outlive the raw rows. See docs/gaps.md."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from issues.models import ErrorCode, Issue, Product


class Gap(models.Model):
    """One piece of missing or failing content, grouping every signal that points at it."""

    class Kind(models.TextChoices):
        ZERO_RESULTS = "zero_results", _("search found nothing")
        ABANDONED = "abandoned", _("search results not opened")
        WEAK_RESULTS = "weak_results", _("search found only weak matches")
        NOT_HELPFUL = "not_helpful", _("answered “not helpful”")
        UNSOLVED = "unsolved", _("diagnosis ended unsolved")
        FAILING_CHECK = "failing_check", _("check keeps failing with no fix")
        MONITOR_DOWN = "monitor_down", _("monitor down for an issue's fix")
        DUE_FOR_REVIEW = "due_for_review", _("due for review")
        LOW_HELPFULNESS = "low_helpfulness", _("helpfulness fell")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved")
        DISMISSED = "dismissed", _("dismissed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("grouped by"), max_length=300)
    title = models.CharField(_("what"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("product")
    )
    issue = models.ForeignKey(
        Issue,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("issue"),
    )
    error_code = models.ForeignKey(
        ErrorCode,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("error code"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    notes = models.TextField(_("notes"), blank=True)
    signal_count = models.PositiveIntegerField(_("signals"), default=0)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)
    resolved_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    resolution = models.CharField(_("how it was handled"), max_length=500, blank=True)
    drafted_issue = models.ForeignKey(
        Issue,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafted_from_gaps",
        verbose_name=_("drafted issue"),
    )
    reopened = models.PositiveIntegerField(_("times reopened"), default=0)

    class Meta:
        verbose_name = _("content gap")
        verbose_name_plural = _("content gaps")
        ordering = ["-last_seen"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="gap_kind_key")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_handled(self) -> bool:
        return self.status in (self.Status.RESOLVED, self.Status.DISMISSED)


SOURCE_LABELS = {
    "search:zero_results": _("search, no result"),
    "search:abandoned": _("search, nothing opened"),
    "search:weak_results": _("search, weak matches"),
    "feedback": _("reader's answer"),
    "diagnosis": _("diagnosis walk"),
    "probe": _("check result"),
    "monitor": _("monitor"),
    "review": _("review date"),
    "helpfulness": _("helpfulness"),
}


class Signal(models.Model):
    """One event behind a gap (a search, a feedback answer, a session, a check result).

    Unique per source row, so collecting twice, or on two servers at once, records it once."""

    gap = models.ForeignKey(Gap, on_delete=models.CASCADE, related_name="signals")
    source = models.CharField(_("source"), max_length=20)
    source_id = models.CharField(_("source row"), max_length=64)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="signal_source_row")
        ]

    def __str__(self):
        return f"{self.source} {self.source_id}"

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS.get(self.source, self.source))


class GapDay(models.Model):
    """A gap's signal count per day: the trend and the impact, kept after signals are pruned."""

    gap = models.ForeignKey(Gap, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gap", "day"], name="gapday_gap_day")]

    def __str__(self):
        return f"{self.day}: {self.count}"


class DailyMetric(models.Model):
    """Site-wide counts per day (searches, zero results, clicks, answers …) for the insights
    page, computed from the raw logs while they exist and kept after they are pruned."""

    day = models.DateField()
    metric = models.CharField(max_length=32)
    product = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "metric", "product"], name="dailymetric_key")
        ]

    def __str__(self):
        return f"{self.day} {self.metric} {self.product}: {self.count}"
