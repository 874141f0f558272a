"""The "did this solve your problem?" form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from issues.models import Feedback

COMMENT_MAX_LENGTH = Feedback._meta.get_field("comment").max_length


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Did this solve your problem?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Please answer yes or no.")},
    )
    comment = forms.CharField(
        label=_("Anything we should add or fix? (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
