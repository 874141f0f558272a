"""Validating what people type before it reaches the search."""

import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from issues.search.analyzer import fold


def max_query_length() -> int:
    return int(getattr(settings, "SEARCH_MAX_QUERY_LENGTH", 500))


def reject_control_characters(value: str) -> None:
    # Tabs and line breaks come with pasted text and are read as spaces; other control
    # characters (NUL, escape sequences …) never belong in a search.
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in value):
        raise ValidationError(
            _("The search text contains control characters; please type it again."),
            code="control_characters",
        )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        strip=True,
        error_messages={"required": _("Type a symptom, an error code or a few words to search.")},
        validators=[reject_control_characters],
        widget=forms.SearchInput(
            attrs={
                "autocomplete": "off",
                "placeholder": _(
                    "Symptom, error code or constant, e.g. 扫码下载没有IP端口 or -1019"
                ),
            }
        ),
    )

    def clean_q(self):
        query = self.cleaned_data["q"]
        if len(query) > max_query_length():
            raise ValidationError(
                _("The search text is too long: at most %(limit)d characters.")
                % {"limit": max_query_length()},
                code="too_long",
            )
        if not fold(query).strip(" \t"):
            raise ValidationError(self.fields["q"].error_messages["required"], code="required")
        return query


class ApiSearchForm(SearchForm):
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=50,
        # One wording for every way the value can be wrong; the API names the parameter.
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"), _("Must be a whole number from 1 to 50.")
        ),
    )
    suggest = forms.BooleanField(required=False)
