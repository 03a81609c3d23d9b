"""The filters of the one field template (templates/bootstrap5/field.html)."""

from django import forms, template

register = template.Library()


@register.filter
def field_kind(field):
    """How field.html lays the field out: "choices" (radios or checkboxes in a fieldset),
    "checkbox", "select" or "input" (crispy's four is_* filters in one)."""
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is one too
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.filter
def widget_with_class(field, css):
    """The field's widget with Bootstrap's ``css`` class added to its own, and "is-invalid"
    when the field has errors: what crispy's ``{% crispy_field %}`` tag is used for, without
    its parsing of the arguments again at every render, or its class named after the widget."""
    classes = [field.field.widget.attrs.get("class", ""), css, "is-invalid" if field.errors else ""]
    return field.as_widget(attrs={"class": " ".join(name for name in classes if name)})
