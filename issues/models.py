"""The knowledge: products, issues with their symptoms, causes and fixes, error codes."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from issues.codes import normalize_code, unsigned_code
from issues.versioning import VersionedModel

# Who may read internal entries (see the data migration creating these groups).
INTERNAL_READER_GROUPS = ("Helpdesk", "Editors")


def can_read_internal(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.has_perm("issues.view_internal"):
        return True
    return user.groups.filter(name__in=INTERNAL_READER_GROUPS).exists()


class SlugManager(models.Manager):
    """Lets fixtures and exports refer to rows by slug instead of by primary key."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Product(VersionedModel):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Tag(VersionedModel):
    slug = models.SlugField(_("slug"), max_length=64, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    history = HistoricalRecords()

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class IssueQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        return self.filter(status=Issue.Status.PUBLISHED)

    def visible_to(self, user):
        """Published entries this user may read: internal ones only for staff readers."""
        qs = self.published()
        if can_read_internal(user):
            return qs
        return qs.filter(visibility=Issue.Visibility.PUBLIC)

    def due_for_review(self, *, older_than_days: int):
        """Published entries never verified, or verified before the interval."""
        cutoff = timezone.localdate() - timezone.timedelta(days=older_than_days)
        return self.published().filter(
            Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=cutoff)
        )


class Issue(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("in review")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        INTERNAL = "internal", _("internal")

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="issues", verbose_name=_("product")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    internal_notes = models.TextField(
        _("internal notes"),
        blank=True,
        help_text=_("Markdown. Shown only to Helpdesk and Editors, even on public entries."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="issues", verbose_name=_("tags"))
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("related issues")
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where this entry came from, e.g. a document and its section."),
    )
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    last_verified_on = models.DateField(_("last verified"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[tags])

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["product__name", "title"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        permissions = [
            ("view_internal", _("Can read internal entries")),
            ("approve_issue", _("Can approve and publish entries")),
        ]
        indexes = [models.Index(fields=["status", "visibility"])]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("issues:issue_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.visibility == self.Visibility.PUBLIC


class OrderedPart(VersionedModel):
    """A part of an issue kept in the order the editor gives it."""

    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]


class Symptom(OrderedPart):
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="symptoms", verbose_name=_("issue")
    )
    text = models.TextField(_("what the user sees"))
    history = HistoricalRecords()

    class Meta(OrderedPart.Meta):
        verbose_name = _("symptom")
        verbose_name_plural = _("symptoms")

    def __str__(self):
        return self.text[:80]


class Cause(OrderedPart):
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="causes", verbose_name=_("issue")
    )
    text = models.TextField(_("cause"), help_text=_("Markdown."))
    history = HistoricalRecords()

    class Meta(OrderedPart.Meta):
        verbose_name = _("cause")
        verbose_name_plural = _("causes")

    def __str__(self):
        return self.text[:80]


class Fix(OrderedPart):
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="fixes", verbose_name=_("issue")
    )
    cause = models.ForeignKey(
        Cause,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fixes",
        verbose_name=_("resolves cause"),
    )
    body = models.TextField(_("steps"), help_text=_("Markdown."))
    history = HistoricalRecords()

    class Meta(OrderedPart.Meta):
        verbose_name = _("fix")
        verbose_name_plural = _("fixes")

    def __str__(self):
        return self.body[:80]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.cause_id and self.issue_id and self.cause.issue_id != self.issue_id:
            raise ValidationError({"cause": _("The cause must belong to the same issue.")})


class ErrorCodeQuerySet(models.QuerySet):
    def get_by_natural_key(self, product_slug, code):
        return self.get(product__slug=product_slug, code=code)

    def readable(self, *, internal: bool = False):
        """Codes a reader may open: published in their own right, or explained by a
        published entry (a public one unless ``internal``)."""
        explaining = Issue.objects.published()
        if not internal:
            explaining = explaining.filter(visibility=Issue.Visibility.PUBLIC)
        return self.filter(
            Q(status=ErrorCode.Status.PUBLISHED)
            | Q(Exists(explaining.filter(error_codes=OuterRef("pk"))))
        )

    def visible_to(self, user):
        return self.readable(internal=can_read_internal(user))

    def for_code(self, raw: str):
        """Rows whose code matches what was typed, signed or not."""
        normalized = normalize_code(raw)
        return self.filter(
            Q(normalized_code=normalized) | Q(unsigned_code=unsigned_code(normalized))
        )


class ErrorCode(VersionedModel):
    class Status(models.TextChoices):
        # A draft code is shown only through a published entry that explains it.
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    class NetworkRelation(models.TextChoices):
        NETWORK = "network", _("network-related")
        NON_NETWORK = "non_network", _("not network-related")
        BOTH = "both", _("listed as both network and non-network related")
        UNSPECIFIED = "", _("not stated by the source")

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="error_codes", verbose_name=_("product")
    )
    code = models.CharField(_("code"), max_length=64, help_text=_('As written, e.g. "-1019".'))
    normalized_code = models.CharField(max_length=64, editable=False, db_index=True)
    unsigned_code = models.CharField(max_length=64, editable=False, db_index=True)
    constant = models.CharField(_("constant name"), max_length=128, blank=True, db_index=True)
    description = models.TextField(_("description"), blank=True)
    callbacks = models.CharField(
        _("callbacks"),
        max_length=255,
        blank=True,
        help_text=_("Where the code surfaces, as written, e.g. “onResetSDKState()、onLogin()”."),
    )
    network_relation = models.CharField(
        _("network relation"),
        max_length=16,
        choices=NetworkRelation.choices,
        blank=True,
        default=NetworkRelation.UNSPECIFIED,
    )
    fix = models.TextField(_("fix"), blank=True, help_text=_("Markdown."))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PUBLISHED,
        help_text=_("A draft code has a page only while a published entry explains it."),
    )
    issues = models.ManyToManyField(
        Issue, blank=True, related_name="error_codes", verbose_name=_("issues explaining it")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[issues])

    objects = ErrorCodeQuerySet.as_manager()

    class Meta:
        ordering = ["product__name", "code"]
        verbose_name = _("error code")
        verbose_name_plural = _("error codes")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "code"], name="errorcode_unique_per_product"
            ),
            models.UniqueConstraint(
                fields=["product", "normalized_code"],
                name="errorcode_normalized_unique_per_product",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.constant}".strip()

    def natural_key(self):
        return (*self.product.natural_key(), self.code)

    natural_key.dependencies = ["issues.product"]

    def save(self, *args, **kwargs):
        self.code = self.code.strip()
        self.normalized_code = normalize_code(self.code)
        self.unsigned_code = unsigned_code(self.normalized_code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalized_code", "unsigned_code"}
        return super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "issues:code_detail", kwargs={"product": self.product.slug, "code": self.code}
        )

    @property
    def is_network_related(self) -> bool:
        return self.network_relation in (self.NetworkRelation.NETWORK, self.NetworkRelation.BOTH)

    @property
    def is_non_network_related(self) -> bool:
        return self.network_relation in (
            self.NetworkRelation.NON_NETWORK,
            self.NetworkRelation.BOTH,
        )

    def callback_list(self) -> list[str]:
        return [
            part.strip() for part in self.callbacks.replace("、", ",").split(",") if part.strip()
        ]


class Feedback(models.Model):
    """A reader's answer to "did this solve your problem?", on an issue or an error code page."""

    issue = models.ForeignKey(
        Issue,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("issue"),
    )
    # Some fixes live only on a code's page (the SDK codes' own fixes).
    error_code = models.ForeignKey(
        "ErrorCode",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("error code"),
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(issue__isnull=False, error_code__isnull=True)
                | Q(issue__isnull=True, error_code__isnull=False),
                name="feedback_on_issue_or_code",
            )
        ]

    def __str__(self):
        return f"{self.about}: {_('helpful') if self.helpful else _('not helpful')}"

    @property
    def about(self):
        """The issue or error code the answer is about."""
        return self.issue if self.issue_id else self.error_code


class EntryRevision(models.Model):
    """One save of an entry as editors see it: its fields, parts and links together.

    Numbered per entry; ``state`` is the whole entry as plain data (issues/revisions.py),
    so a revision can be read, compared and restored without rebuilding it from the
    per-row history tables.
    """

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("issue")
    )
    number = models.PositiveIntegerField(_("revision"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    reason = models.CharField(_("reason"), max_length=32)
    detail = models.CharField(max_length=255, blank=True)
    state = models.JSONField()

    class Meta:
        ordering = ["issue", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["issue", "number"], name="revision_number_per_issue")
        ]

    def __str__(self):
        return f"{self.issue_id} #{self.number}"
