from django import forms
from django.utils.translation import gettext_lazy as _

from issues.models import ErrorCode, Issue, Product
from issues.search.models import Synonym


class DraftIssueForm(forms.Form):
    product = forms.ModelChoiceField(Product.objects.order_by("name"), label=_("product"))


class SynonymForm(forms.Form):
    group = forms.ModelChoiceField(Synonym.objects.filter(is_active=True), label=_("synonym group"))
    term = forms.CharField(label=_("word readers typed"), max_length=100)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)


class EditForm(forms.Form):
    edit = forms.CharField(
        label=_("the edit that answered it"),
        max_length=200,
        help_text=_("For example “revision 7: fix step 2 reworded”."),
    )


class BestBetForm(forms.Form):
    """The entry to rank first for the gap's query: a published issue or an error code."""

    issue = forms.ModelChoiceField(
        Issue.objects.filter(status=Issue.Status.PUBLISHED).order_by("title"),
        label=_("issue"),
        required=False,
    )
    error_code = forms.ModelChoiceField(
        ErrorCode.objects.select_related("product").order_by("product__name", "code"),
        label=_("or error code"),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("issue")) == bool(data.get("error_code")):
            raise forms.ValidationError(_("Choose an issue or an error code (one of them)."))
        return data
