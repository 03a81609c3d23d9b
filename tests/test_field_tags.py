"""The one field template's filter (issues/templatetags/field_tags.py) and what the template
writes with it: Bootstrap's class for each kind of widget, the widget's own classes kept,
errors marked and linked."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from issues.templatetags.field_tags import field_facts


class KindsForm(forms.Form):
    text = forms.CharField(label="Text", widget=forms.TextInput(attrs={"class": "font-monospace"}))
    notes = forms.CharField(label="Notes", widget=forms.Textarea, help_text="Markdown.")
    pick = forms.ChoiceField(label="Pick", choices=[("a", "A"), ("b", "B")])
    flag = forms.BooleanField(label="Flag", required=False)
    radio = forms.ChoiceField(label="Radio", choices=[("a", "A")], widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(
        label="Boxes", choices=[("a", "A")], widget=forms.CheckboxSelectMultiple
    )
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("text", "input"),
        ("notes", "input"),
        ("pick", "select"),
        ("flag", "checkbox"),
        ("radio", "choices"),
        ("boxes", "choices"),
        ("hidden", "hidden"),
    ],
)
def test_each_widget_has_its_layout(name, kind):
    assert field_facts(KindsForm()[name])["kind"] == kind


def test_the_class_is_added_to_the_widgets_own_once():
    form = KindsForm()
    assert 'class="font-monospace form-control"' in field_facts(form["text"])["widget"]
    form.fields["text"].widget.attrs["class"] = "form-control"
    html = field_facts(form["text"])["widget"]
    assert 'class="form-control"' in html and "is-invalid" not in html


def test_a_field_with_errors_is_marked_invalid_and_linked_to_them():
    form = KindsForm({"text": "", "pick": "zzz"})
    assert not form.is_valid()
    facts = field_facts(form["text"])
    assert 'class="font-monospace form-control is-invalid"' in facts["widget"]
    assert 'aria-invalid="true"' in facts["widget"]
    assert 'aria-describedby="id_text_error"' in facts["widget"]
    assert list(facts["errors"]) == ["This field is required."]
    assert 'class="form-select is-invalid"' in field_facts(form["pick"])["widget"]


def test_the_facts_are_the_fields_own():
    facts = field_facts(KindsForm()["notes"])
    assert facts["id"] == "id_notes" and facts["label_for"] == "id_notes"
    assert facts["label"] == "Notes" and facts["required"] and facts["help_text"] == "Markdown."
    assert not field_facts(KindsForm()["flag"])["required"]


def test_rendering_leaves_the_widget_as_it_was():
    form = KindsForm()
    field_facts(form["text"])
    assert form.fields["text"].widget.attrs == {"class": "font-monospace"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("text", 'class="font-monospace form-control"'),
        ("notes", 'aria-describedby="id_notes_helptext"'),
        ("pick", '<select name="pick" class="form-select"'),
        ("flag", 'class="form-check-input"'),
        ("radio", '<legend class="form-label fs-6">Radio'),
        ("boxes", '<legend class="form-label fs-6">Boxes'),
    ],
)
def test_the_field_template_lays_out_each_kind(name, expected):
    assert expected in as_crispy_field(KindsForm()[name])


def test_the_field_template_writes_a_hidden_field_alone():
    html = as_crispy_field(KindsForm()["hidden"]).strip()
    assert html.startswith('<input type="hidden"') and "<label" not in html


def test_the_field_template_shows_errors_next_to_the_field():
    form = KindsForm({"text": ""})
    form.is_valid()
    html = as_crispy_field(form["text"])
    assert 'id="id_text_error" class="invalid-feedback"' in html
    assert "This field is required." in html
