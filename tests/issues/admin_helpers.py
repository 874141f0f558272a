"""Build the POST body the admin change form would send, from its rendered GET.

Values come from the form objects in the template context, but only the fields the
page actually renders are kept, as a browser would send them: a field missing from
the HTML is missing from the POST.
"""

from html.parser import HTMLParser


class _FieldNames(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names = set()

    def handle_starttag(self, tag, attrs):
        if tag in {"input", "textarea", "select"}:
            name = dict(attrs).get("name")
            if name:
                self.names.add(name)


def rendered_field_names(html: str) -> set[str]:
    parser = _FieldNames()
    parser.feed(html)
    return parser.names


def _form_values(form):
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = form.initial.get(name, field.initial)
        if callable(value):
            value = value()
        if value is None:
            continue
        if isinstance(value, list | tuple | set):
            data[key] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "pk"):
            data[key] = value.pk
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        else:
            data[key] = value
    return data


def change_form_data(response):
    """Every field of the admin form and its inline formsets, as currently stored."""
    context = response.context
    data = _form_values(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, 0)
        for form in formset.initial_forms:
            data.update(_form_values(form))
    rendered = rendered_field_names(response.content.decode())
    return {name: value for name, value in data.items() if name in rendered}
