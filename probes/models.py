"""Connectivity probes: what to check (targets, checklists) and what happened (runs, results)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
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


class ProbeRunQuerySet(models.QuerySet):
    def recent(self):
        return self.select_related("checklist", "user").order_by("-started_at")


class ProbeRun(models.Model):
    """One run: the audit record of who checked what, when, with which parameters."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="probe_runs",
        verbose_name=_("run by"),
    )
    source = models.CharField(
        _("started from"), max_length=16, help_text=_("web, api or command line")
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
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

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


class ProbeResult(models.Model):
    run = models.ForeignKey(ProbeRun, on_delete=models.CASCADE, related_name="results")
    target = models.ForeignKey(Target, null=True, on_delete=models.SET_NULL, related_name="results")
    checklist_item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=1)
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
    explanation = models.TextField(_("explanation"), blank=True)
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
        return f"{self.target_text}: {self.outcome or 'pending'}"

    @property
    def is_pending(self) -> bool:
        return not self.outcome

    @property
    def total_ms(self) -> float | None:
        return self.timings_ms.get("total") if self.timings_ms else None
