"""Search data: the index entries, the editable synonym list and the query log."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from issues.models import ErrorCode, Issue, Product, Tag


class SearchEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Entries this user may find: internal ones only for Helpdesk and Editors."""
        from issues.models import can_read_internal

        return self if can_read_internal(user) else self.filter(is_public=True)


class SearchEntry(models.Model):
    """One searchable page: a published issue, an error code, or a page of a kind another
    app registers (documents.register_kind; a guided diagnosis flow), linked by page_id
    because the core never imports those apps.

    Keeps the original text (for snippets and highlighting) next to the analyzed
    tokens per field (for the database index and the re-rank). The database's own
    index lives beside it: an FTS5 table on SQLite, a tsvector column on PostgreSQL
    (created in migration 0001, per vendor).
    """

    class Kind(models.TextChoices):
        ISSUE = "issue", _("issue")
        ERROR_CODE = "error_code", _("error code")
        FLOW = "flow", _("guided diagnosis")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    issue = models.OneToOneField(
        Issue, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    error_code = models.OneToOneField(
        ErrorCode, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    # The id of a registered kind's page (no foreign key: its app removes the entry).
    page_id = models.PositiveBigIntegerField(null=True, blank=True)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    is_public = models.BooleanField(default=True)
    network_related = models.BooleanField(default=False)
    popularity = models.PositiveIntegerField(default=0)

    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    codes = models.CharField(max_length=500, blank=True, help_text=_("Codes as written, spaced."))
    constant_key = models.CharField(max_length=128, blank=True, db_index=True)
    summary = models.TextField(blank=True)
    symptoms = models.TextField(blank=True)
    body = models.TextField(blank=True)

    title_tokens = models.TextField(blank=True)
    symptom_tokens = models.TextField(blank=True)
    code_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    meta_tokens = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="issue",
                        issue__isnull=False,
                        error_code__isnull=True,
                        page_id__isnull=True,
                    )
                    | models.Q(
                        kind="error_code",
                        issue__isnull=True,
                        error_code__isnull=False,
                        page_id__isnull=True,
                    )
                    | (
                        ~models.Q(kind__in=["issue", "error_code"])
                        & models.Q(issue__isnull=True, error_code__isnull=True)
                        & models.Q(page_id__isnull=False)
                    )
                ),
                name="searchentry_points_to_one_page",
            ),
            models.UniqueConstraint(
                fields=["kind", "page_id"],
                condition=models.Q(page_id__isnull=False),
                name="searchentry_one_per_page",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def object_id(self) -> int:
        if self.kind == self.Kind.ISSUE:
            return self.issue_id
        return self.error_code_id if self.kind == self.Kind.ERROR_CODE else self.page_id

    def distinct_tokens(self) -> set[str]:
        """Every token of the entry, plus SearchTerm.TOTAL (each entry counts once there)."""
        tokens = set().union(*self.field_tokens().values())
        return {t for t in tokens if len(t) <= 100} | {SearchTerm.TOTAL}

    def field_tokens(self) -> dict[str, set[str]]:
        return {
            "title": set(self.title_tokens.split()),
            "symptoms": set(self.symptom_tokens.split()),
            "codes": set(self.code_tokens.split()),
            "body": set(self.body_tokens.split()),
            "meta": set(self.meta_tokens.split()),
        }


class SearchTerm(models.Model):
    """How many entries hold a token (document frequency).

    Lets a query skip tokens most entries contain ("客户端", "登录") when it asks the
    database for candidates: ranking every entry that holds a common word is what
    makes an OR query slow on a large index. The re-rank still sees every term.
    The row for TOTAL counts all entries.
    """

    TOTAL = "\x01entries"

    token = models.CharField(max_length=100, primary_key=True)
    entries = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self):
        return f"{self.token} ({self.entries})"


_MEMBER_SEPARATORS = re.compile(r"[,，、;；\n]+")


class Synonym(models.Model):
    """Words staff use interchangeably; a query with one also finds the others."""

    terms = models.CharField(
        _("terms"),
        max_length=500,
        unique=True,
        help_text=_("Two or more words or phrases that mean the same, separated by commas."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self):
        return self.terms

    def members(self) -> list[str]:
        return [m.strip() for m in _MEMBER_SEPARATORS.split(self.terms) if m.strip()]

    def clean(self):
        if len(set(self.members())) < 2:
            raise ValidationError({"terms": _("Give at least two different terms.")})
        self.terms = ", ".join(dict.fromkeys(self.members()))


class SearchLog(models.Model):
    """One search as typed, how many results it found and which one was opened."""

    class Source(models.TextChoices):
        PAGE = "page", _("search page")
        API = "api", _("API")
        SUGGEST = "suggest", _("suggestions")

    query = models.CharField(_("query"), max_length=500)
    normalized_query = models.CharField(_("normalised query"), max_length=500, db_index=True)
    result_count = models.PositiveIntegerField(_("results"))
    # The first result's score (weights.py scale): a low one means only weak matches.
    best_score = models.FloatField(_("best score"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    filters = models.CharField(_("filters"), max_length=300, blank=True)
    clicked_url = models.CharField(_("clicked result"), max_length=300, blank=True)
    clicked_position = models.PositiveSmallIntegerField(_("clicked position"), null=True)
    clicked_at = models.DateTimeField(_("clicked"), null=True, blank=True)
    created_at = models.DateTimeField(_("searched"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("search log entry")
        verbose_name_plural = _("search log")

    def __str__(self):
        return f"{self.query} ({self.result_count})"


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def best_bet_key(query: str) -> str:
    """The query folded (full-width, traditional, case) with no spacing or punctuation:
    "會議 登錄" and "会议登录" are one query to a best bet."""
    from issues.search.analyzer import fold

    return _NOT_WORD.sub("", fold(query))[:300]


class BestBetQuerySet(models.QuerySet):
    def for_query(self, query: str):
        return self.filter(query_key=best_bet_key(query), is_active=True)


class BestBet(models.Model):
    """An entry editors pinned as the best answer for one query: ranked first for exactly
    that query (folded, so full-width, traditional and spacing variants count), no other."""

    query = models.CharField(_("query"), max_length=300)
    query_key = models.CharField(_("folded query"), max_length=300, unique=True, editable=False)
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
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pinned by"),
    )
    created_at = models.DateTimeField(_("pinned at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = BestBetQuerySet.as_manager()

    class Meta:
        ordering = ["query"]
        verbose_name = _("best bet")
        verbose_name_plural = _("best bets")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(issue__isnull=False, error_code__isnull=True)
                    | models.Q(issue__isnull=True, error_code__isnull=False)
                ),
                name="bestbet_points_to_one_entry",
            )
        ]

    def __str__(self):
        return f"{self.query} → {self.entry}"

    def save(self, *args, **kwargs):
        self.query_key = best_bet_key(self.query)
        super().save(*args, **kwargs)

    @property
    def entry(self):
        return self.issue or self.error_code

    def clean(self):
        if (self.issue_id is None) == (self.error_code_id is None):
            raise ValidationError(_("Choose an issue or an error code (one of them)."))
        self.query = " ".join(self.query.split())
        self.query_key = best_bet_key(self.query)
        if not self.query_key:
            raise ValidationError({"query": _("Give the query it answers.")})
        taken = BestBet.objects.filter(query_key=self.query_key).exclude(pk=self.pk)
        if taken.exists():
            raise ValidationError({"query": _("This query already has a best bet: edit that one.")})
