from django import forms
from django.utils.translation import gettext_lazy as _

from issues.models import Product
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
