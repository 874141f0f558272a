"""Run forms: a checklist's parameters, or targets typed by staff."""

from django import forms
from django.utils.translation import gettext_lazy as _

from probes.services import MAX_TARGETS_PER_RUN, MAX_TIMEOUT


class TimeoutField(forms.FloatField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Timeout per check (seconds)"),
            required=False,
            min_value=0.1,
            max_value=MAX_TIMEOUT,
            help_text=_("Empty: the server's default."),
            **kwargs,
        )


class ChecklistRunForm(forms.Form):
    """One field per placeholder the checklist's targets use (e.g. the SSO prefix)."""

    timeout = TimeoutField()

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        described = {p.name: p for p in checklist.parameters.all()}
        fields = {}
        for name in checklist.placeholders():
            parameter = described.get(name)
            fields[name] = forms.CharField(
                label=parameter.label if parameter else name,
                help_text=parameter.help_text if parameter else "",
                required=False,
                max_length=253,
                widget=forms.TextInput(
                    attrs={"placeholder": parameter.example if parameter else ""}
                ),
            )
        # Parameters first, the timeout last.
        self.fields = {**fields, "timeout": self.fields["timeout"]}
        self.parameter_names = list(fields)

    def parameters(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.parameter_names}


class AdhocRunForm(forms.Form):
    targets = forms.CharField(
        label=_("Targets, one per line"),
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": "tcp://conn.wemeet.tencent.com:443\nhttps://example.com/\n"
                "dns:api.push.apple.com",
            }
        ),
        help_text=_(
            "tcp://host:port, tls://host:port, udp://host:port, http(s)://host[:port]/path, "
            "dns:host or icmp:host"
        ),
    )
    timeout = TimeoutField()

    def clean_targets(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["targets"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Give at least one target."))
        if len(lines) > MAX_TARGETS_PER_RUN:
            raise forms.ValidationError(
                _("At most %(max)d targets per run.") % {"max": MAX_TARGETS_PER_RUN}
            )
        return lines
