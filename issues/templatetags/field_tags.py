"""The filter of the one field template (templates/bootstrap5/field.html)."""

from django import forms, template

register = template.Library()

# Bootstrap's class for the widget of each layout.
WIDGET_CLASSES = {"checkbox": "form-check-input", "select": "form-select", "input": "form-control"}


def _kind(widget):
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is one too
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


def _widget(field, css, errors):
    """The field's widget with Bootstrap's ``css`` class added to its own, and "is-invalid"
    when the field has ``errors`` (what crispy's ``{% crispy_field %}`` tag is used for)."""
    classes = f"{field.field.widget.attrs.get('class', '')} {css}".split()
    if errors:
        classes.append("is-invalid")
    return field.as_widget(attrs={"class": " ".join(dict.fromkeys(classes))})


@register.filter
def field_facts(field):
    """What field.html writes of a bound field, read once: its layout ("hidden", "choices" for
    radios or checkboxes in a fieldset, "checkbox", "select" or "input"), ids, label, errors,
    help and its widget's HTML. A template reading them from the field itself would try each
    name as a subwidget index first (BoundField.__getitem__), an exception each time, and
    ``field.errors`` makes a new empty list each time for a field without errors."""
    kind = _kind(field.field.widget)
    if kind == "hidden":
        return {"kind": kind}
    errors = field.errors
    return {
        "kind": kind,
        "id": field.auto_id,
        "label_for": field.id_for_label,
        "label": field.label,
        "required": field.field.required,
        "errors": errors,
        "help_text": field.help_text,
        "describedby": field.aria_describedby if kind == "choices" else "",
        "widget": "" if kind == "choices" else _widget(field, WIDGET_CLASSES[kind], errors),
    }
