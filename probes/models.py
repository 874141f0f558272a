"""Connectivity probes: what to check (targets, checklists) and what happened (runs, results)."""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_email
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from probes.outcomes import Outcome

# A placeholder the operator fills in at run time, e.g. "{sso_prefix}.sso.meeting.qq.com".
PLACEHOLDER_RE = re.compile(r"\{([a-z_][a-z0-9_]{0,39})\}")
# Braces that are not a well-formed placeholder are a typo, not a host.
_STRAY_BRACE_RE = re.compile(r"[{}]")


def placeholders_in(text: str) -> list[str]:
    return PLACEHOLDER_RE.findall(text or "")


def _validate_template(value: str) -> None:
    if _STRAY_BRACE_RE.search(PLACEHOLDER_RE.sub("", value or "")):
        raise ValidationError(
            _("Placeholders look like {name}: lower-case letters, digits and underscores.")
        )


def _validate_port_template(value: str) -> None:
    if not value:
        return
    if PLACEHOLDER_RE.fullmatch(value):
        return
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise ValidationError(_("A port is a number from 1 to 65535, or a {placeholder}."))


class Kind(models.TextChoices):
    DNS = "dns", _("DNS (A/AAAA)")
    TCP = "tcp", _("TCP connect")
    TLS = "tls", _("TLS certificate")
    HTTP = "http", _("HTTP")
    HTTPS = "https", _("HTTPS")
    UDP = "udp", _("UDP (QUIC)")
    ICMP = "icmp", _("ICMP echo")


class TargetQuerySet(models.QuerySet):
    def shipped(self):
        return self.filter(adhoc=False)


class Target(models.Model):
    """One thing to check. Host, port and path may hold {placeholders} filled in per run."""

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    host = models.CharField(
        _("host"),
        max_length=255,
        validators=[_validate_template],
        help_text=_("A name or an address; may hold {placeholders}, e.g. {sso_prefix}.sso…"),
    )
    port = models.CharField(
        _("port"),
        max_length=32,
        blank=True,
        validators=[_validate_port_template],
        help_text=_("Empty for dns/icmp and for the scheme's default port."),
    )
    path = models.CharField(
        _("path"), max_length=500, blank=True, default="", validators=[_validate_template]
    )
    expected_issuer = models.CharField(
        _("expected certificate issuer"),
        max_length=255,
        blank=True,
        help_text=_("Part of the issuer name, e.g. “DigiCert”. Another issuer is reported."),
    )
    expected_fingerprint = models.CharField(
        _("expected SHA-256 fingerprint"),
        max_length=120,
        blank=True,
        help_text=_("Hex, with or without colons. Another certificate is reported."),
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    adhoc = models.BooleanField(
        _("ad-hoc"), default=False, help_text=_("Typed by staff for one run, kept for history.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["host", "kind", "port"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return self.display

    def get_absolute_url(self):
        return reverse("probes:target_history", kwargs={"pk": self.pk})

    @property
    def display(self) -> str:
        if self.kind == Kind.DNS:
            return f"dns:{self.host}"
        if self.kind == Kind.ICMP:
            return f"icmp:{self.host}"
        authority = f"{self.host}:{self.port}" if self.port else self.host
        if self.kind in (Kind.HTTP, Kind.HTTPS):
            return f"{self.kind}://{authority}{self.path or '/'}"
        return f"{self.kind}://{authority}"

    def placeholders(self) -> list[str]:
        found = []
        for part in (self.host, self.port, self.path):
            for name in placeholders_in(part):
                if name not in found:
                    found.append(name)
        return found

    def clean(self):
        if self.kind in (Kind.TCP, Kind.TLS, Kind.UDP) and not self.port:
            raise ValidationError({"port": _("This kind of check needs a port.")})
        if self.kind in (Kind.DNS, Kind.ICMP) and self.port:
            raise ValidationError({"port": _("This kind of check has no port.")})


class ChecklistQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Checklist(models.Model):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    issues = models.ManyToManyField(
        "issues.Issue",
        blank=True,
        related_name="probe_checklists",
        verbose_name=_("issues whose fix needs it"),
    )
    error_codes = models.ManyToManyField(
        "issues.ErrorCode",
        blank=True,
        related_name="probe_checklists",
        verbose_name=_("error codes whose fix needs it"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("probes:checklist_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def ordered_items(self):
        return self.items.select_related("target", "issue").order_by("position", "pk")

    def placeholders(self) -> list[str]:
        """Every placeholder its targets use, in checklist order."""
        found = []
        for item in self.ordered_items():
            for name in item.target.placeholders():
                if name not in found:
                    found.append(name)
        return found


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="checklist_items", verbose_name=_("target")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    description = models.CharField(
        _("description"),
        max_length=255,
        blank=True,
        help_text=_("What it is for, as the source says."),
    )
    issue = models.ForeignKey(
        "issues.Issue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fix to follow when it fails"),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return f"{self.checklist.slug} #{self.position}: {self.target}"


class ChecklistParameter(models.Model):
    """How to ask the operator for one placeholder's value."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="parameters")
    name = models.CharField(
        _("placeholder"),
        max_length=40,
        validators=[
            RegexValidator(
                r"^[a-z_][a-z0-9_]{0,39}$", _("Lower-case letters, digits and underscores.")
            )
        ],
    )
    label = models.CharField(_("label"), max_length=120)
    help_text = models.CharField(_("help"), max_length=255, blank=True)
    example = models.CharField(_("example"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("parameter")
        verbose_name_plural = _("parameters")
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "name"], name="probes_parameter_unique_per_checklist"
            )
        ]

    def __str__(self):
        return self.name


class RunSource(models.TextChoices):
    """Where a run was started from; stored as the code, shown as the label."""

    WEB = "web", _("web page")
    API = "api", _("API")
    CLI = "cli", _("command line")
    MONITOR = "monitor", _("monitor")


class ProbeRunQuerySet(models.QuerySet):
    def recent(self):
        return self.select_related("checklist", "user").order_by("-started_at")


class ProbeRun(models.Model):
    """One run: the audit record of who checked what, when, with which parameters."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    FINISHED = (Status.DONE, Status.FAILED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="probe_runs",
        verbose_name=_("run by"),
    )
    source = models.CharField(
        _("started from"),
        max_length=16,
        choices=RunSource.choices,
        help_text=_("web, api or command line"),
    )
    checklist = models.ForeignKey(
        Checklist,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
        verbose_name=_("checklist"),
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    timeout = models.FloatField(_("timeout per check (s)"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The queue's guard on the row (probes/tasks.py): the worker holding the lease
    # executes; a second delivery waits for the lease, so a run executes once.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)
    monitor = models.ForeignKey(
        "probes.Monitor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
        verbose_name=_("monitor"),
    )
    # What a monitor concluded from this run (up/down/degraded/unknown); empty otherwise.
    observed = models.CharField(_("observed state"), max_length=16, blank=True)

    objects = ProbeRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("probe run")
        verbose_name_plural = _("probe runs")
        permissions = [("run_probes", _("Can run connectivity probes"))]

    def __str__(self):
        what = self.checklist.slug if self.checklist_id else _("ad-hoc")
        return f"#{self.pk} {what}"

    def get_absolute_url(self):
        return reverse("probes:run_detail", kwargs={"pk": self.pk})

    @property
    def duration_ms(self) -> float | None:
        if not self.finished_at:
            return None
        return (self.finished_at - self.started_at).total_seconds() * 1000

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class ProbeResult(models.Model):
    run = models.ForeignKey(
        ProbeRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("probe run")
    )
    target = models.ForeignKey(
        Target,
        null=True,
        on_delete=models.SET_NULL,
        related_name="results",
        verbose_name=_("saved target"),
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checklist item"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    target_text = models.CharField(
        _("target"), max_length=600, help_text=_("As given, placeholders filled in.")
    )
    kind = models.CharField(_("kind"), max_length=8)
    description = models.CharField(_("description"), max_length=255, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    addresses = models.JSONField(_("addresses"), default=list, blank=True)
    timings_ms = models.JSONField(_("timings (ms)"), default=dict, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    fix_issue = models.ForeignKey(
        "issues.Issue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fix"),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("probe result")
        verbose_name_plural = _("probe results")

    def __str__(self):
        # The outcome's label in the reader's language, not its stored code.
        return f"{self.target_text}: {self.get_outcome_display() if self.outcome else _('pending')}"

    @property
    def is_pending(self) -> bool:
        return not self.outcome

    @property
    def total_ms(self) -> float | None:
        return self.timings_ms.get("total") if self.timings_ms else None


# --- Monitors: scheduled checks with a state, its history, uptime and alerts ---------


class MonitorState(models.TextChoices):
    UP = "up", _("up")
    DEGRADED = "degraded", _("degraded")
    DOWN = "down", _("down")
    UNKNOWN = "unknown", _("unknown")


class MonitorQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(enabled=True)

    def for_issue(self, issue):
        """Monitors watching what the issue's fix depends on (its checklists and their targets)."""
        linked = models.Q(checklist__issues=issue) | models.Q(checklist__error_codes__issues=issue)
        linked |= models.Q(target__checklist_items__issue=issue)
        linked |= models.Q(target__checklist_items__checklist__issues=issue)
        return self.filter(linked).distinct()

    def for_error_code(self, code):
        linked = models.Q(checklist__error_codes=code) | models.Q(
            checklist__issues__error_codes=code
        )
        linked |= models.Q(target__checklist_items__checklist__error_codes=code)
        return self.filter(linked).distinct()


class Monitor(models.Model):
    """A checklist or one target run on a schedule; its state changes after N equal results."""

    name = models.CharField(_("name"), max_length=200)
    checklist = models.ForeignKey(
        Checklist,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="monitors",
        verbose_name=_("checklist"),
    )
    target = models.ForeignKey(
        Target,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="monitors",
        verbose_name=_("target"),
        limit_choices_to={"adhoc": False},
    )
    parameters = models.JSONField(
        _("parameters"),
        default=dict,
        blank=True,
        help_text=_('Values for the checklist\'s placeholders, e.g. {"sso_prefix": "acme"}.'),
    )
    interval_seconds = models.PositiveIntegerField(
        _("every (seconds)"), default=300, help_text=_("How often the check runs.")
    )
    timeout = models.FloatField(
        _("timeout per check (s)"), null=True, blank=True, help_text=_("Empty: the default.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="probe_monitors",
        verbose_name=_("owner"),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    state = models.CharField(
        _("state"), max_length=16, choices=MonitorState.choices, default=MonitorState.UNKNOWN
    )
    state_since = models.DateTimeField(_("state since"), null=True, blank=True)
    # Flap protection: a different result must repeat N times before the state follows it.
    pending_state = models.CharField(_("pending state"), max_length=16, blank=True)
    pending_count = models.PositiveSmallIntegerField(_("pending results"), default=0)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MonitorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("monitor")
        verbose_name_plural = _("monitors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("probes:monitor_detail", kwargs={"pk": self.pk})

    @property
    def watched(self) -> str:
        return self.checklist.title if self.checklist_id else str(self.target)

    def clean(self):
        if (self.checklist_id is None) == (self.target_id is None):
            raise ValidationError(_("Choose a checklist or a target (one of them)."))
        minimum = settings.PROBES_MONITOR_MIN_INTERVAL
        if self.interval_seconds is not None and self.interval_seconds < minimum:
            raise ValidationError(
                {"interval_seconds": _("At least %(s)d seconds.") % {"s": minimum}}
            )
        if not isinstance(self.parameters, dict):
            raise ValidationError({"parameters": _("An object of name → value.")})
        if self.target_id and self.parameters:
            raise ValidationError({"parameters": _("Parameters only apply to a checklist.")})
        if self.target_id and self.target.placeholders():
            raise ValidationError(
                {"target": _("This target has placeholders: monitor it through a checklist.")}
            )
        if self.checklist_id:
            unknown = set(self.parameters) - set(self.checklist.placeholders())
            if unknown:
                raise ValidationError(
                    {"parameters": _("Unknown: %(names)s") % {"names": ", ".join(sorted(unknown))}}
                )


class MonitorStateChange(models.Model):
    """One period in a state: the history (with durations) behind the status page."""

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="changes")
    state = models.CharField(_("state"), max_length=16, choices=MonitorState.choices)
    previous = models.CharField(_("previous state"), max_length=16, blank=True)
    started_at = models.DateTimeField(_("since"), db_index=True)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    run = models.ForeignKey(
        ProbeRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("probe run"),
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")

    def __str__(self):
        return f"{self.monitor}: {self.previous or '-'} → {self.state}"

    @property
    def duration(self):
        return (self.ended_at or timezone.now()) - self.started_at


class MonitorDay(models.Model):
    """Results per monitor and local day, kept after old runs are pruned (uptime bars)."""

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("day"))
    checks = models.PositiveIntegerField(default=0)
    up = models.PositiveIntegerField(default=0)
    degraded = models.PositiveIntegerField(default=0)
    down = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["monitor", "day"]
        constraints = [
            models.UniqueConstraint(fields=["monitor", "day"], name="probes_monitorday_unique")
        ]

    def __str__(self):
        return f"{self.monitor_id} {self.day}"

    @property
    def uptime(self) -> float | None:
        """Share of conclusive checks that found it up (unknown results do not count)."""
        conclusive = self.up + self.degraded + self.down
        return self.up / conclusive if conclusive else None


class AlertChannel(models.Model):
    """Where state changes are sent: e-mail (Django's mail settings) or a signed webhook."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("webhook (signed JSON)")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    recipients = models.TextField(
        _("e-mail recipients"), blank=True, help_text=_("One address per line.")
    )
    url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=128,
        blank=True,
        help_text=_("HMAC-SHA256 key for the X-Kbsite-Signature header; empty = generated."),
    )
    monitors = models.ManyToManyField(
        Monitor,
        blank=True,
        related_name="alert_channels",
        verbose_name=_("monitors"),
        help_text=_("Empty: every monitor."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alert channel")
        verbose_name_plural = _("alert channels")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.kind == self.Kind.WEBHOOK and not self.secret:
            self.secret = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    def recipient_list(self) -> list[str]:
        return [
            line.strip() for line in self.recipients.replace(",", "\n").splitlines() if line.strip()
        ]

    def clean(self):
        if self.kind == self.Kind.EMAIL:
            if not self.recipient_list():
                raise ValidationError({"recipients": _("Give at least one address.")})
            for address in self.recipient_list():
                try:
                    validate_email(address)
                except ValidationError as exc:
                    raise ValidationError({"recipients": exc.messages}) from exc
        if self.kind == self.Kind.WEBHOOK and not self.url:
            raise ValidationError({"url": _("A webhook needs a URL.")})


class AlertDelivery(models.Model):
    """One alert to one channel, retried with back-off until sent or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.ForeignKey(
        AlertChannel,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("alert channel"),
    )
    monitor = models.ForeignKey(
        Monitor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("monitor"),
    )
    event = models.CharField(_("event"), max_length=32)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("alert delivery")
        verbose_name_plural = _("alert deliveries")

    def __str__(self):
        return f"{self.channel}: {self.event} ({self.status})"
