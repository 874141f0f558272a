"""Build the POST body the admin change form would send, from its rendered GET."""


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
    return data
