"""Admin forms that refuse an edit made on a stale copy (see issues/versioning.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class VersionedModelForm(forms.ModelForm):
    """Carries the version the editor loaded; saving a newer row is refused with a message.

    The initial version is read from the database, not from the instance: the history
    "revert" page builds this form from an *old* revision, and restoring it must be
    checked against the row as it is now.
    """

    version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    STALE_MESSAGE = _(
        "This %(model)s was changed by someone else after you opened it "
        "(your copy: version %(seen)s, saved: version %(current)s). "
        "Your edit was not saved. Reload the page to see their changes, then apply yours again."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version_seen"].initial = self._current_version()

    def _current_version(self):
        model = type(self.instance)
        return (
            model._base_manager.filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        seen = cleaned.get("version_seen")
        current = self._current_version()
        if seen is None or current is None or seen != current:
            raise forms.ValidationError(
                self.STALE_MESSAGE,
                code="stale",
                params={
                    "model": self.instance._meta.verbose_name,
                    "seen": seen,
                    "current": current,
                },
            )
        # The model's compare-and-swap in save() checks this version again, inside the
        # transaction, so an edit racing between clean() and save() is refused too.
        self.instance.version = seen
        return cleaned


class IssueAdminForm(VersionedModelForm):
    """A slug is generated from the title (pinyin for Chinese) when the editor leaves it empty."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "Part of the page address. Leave empty to make one from the title."
            )

    def clean(self):
        cleaned = super().clean()
        if "slug" in self.fields and not cleaned.get("slug") and cleaned.get("title"):
            from issues.slugs import unique_issue_slug

            cleaned["slug"] = unique_issue_slug(cleaned["title"], exclude_pk=self.instance.pk)
        return cleaned
