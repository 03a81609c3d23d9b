"""The guided form's steps: one form per template section, over the issue's JSON form.

Each step form is built from the JSON form of the issue (``issue_data``), validates one
step, and gives back the keys it collects (``to_dict``). The labels and help texts are the
template's own words and placeholder hints.
"""

import datetime
import re
import uuid

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from issues import deadlines, markdown, template
from issues.forms import ascii_int
from issues.limits import (
    GITHUB_BODY_LIMIT,
    LINK_TARGET_MAX_LENGTH,
    METRIC_NAME_MAX_LENGTH,
    METRIC_UNIT_MAX_LENGTH,
    ROWS_MAX,
    SHORT_TEXT_MAX_LENGTH,
    over_github_limit,
)
from issues.models import Issue, Link, Metric
from issues.serialization import (
    LINK_SCHEMES,
    SCHEMA,
    TEXT_KEYS,
    clean,
    has_visible_character,
    iso_date,
    unanswered,
)

LOGIN_RE = re.compile(SCHEMA["properties"]["assignees"]["items"]["pattern"])
PRIORITY_HELP = format_html(
    '<ul class="mb-0">{}</ul>',
    format_html_join(
        "",
        "<li><code>{}</code>: {}</li>",
        (
            (template.priority_label(priority), meaning)
            for priority, meaning in template.PRIORITY_MEANINGS.items()
        ),
    ),
)


def overflow_message(length):
    """What to say when the body is ``length`` characters long, over GitHub's limit."""
    return f"The issue is {over_github_limit(length)}. Please shorten it."


def _text(label, help_text, required=False, single_line=True, max_length=None, validators=()):
    validators = list(validators)
    if single_line:
        validators.append(RegexValidator(r"^[^\r\n]*\Z", message=f"{label} must be a single line."))
        kind = {"max_length": max_length, "validators": validators}
    else:
        kind = {"widget": forms.Textarea(attrs={"rows": 4}), "validators": validators}
    return forms.CharField(label=label, help_text=help_text, required=required, **kind)


def _answered(key):
    """The validator of a required template field: ``serialization.unanswered``."""

    def check(value):
        problem = unanswered(key, value)
        if problem:
            raise forms.ValidationError(f"{problem}.")

    return check


def _field(key, required=False, single_line=True, max_length=None):
    """A text field of the template: its label, and its placeholder as the hint. A required
    one refuses the Markdown's way of writing an unanswered field."""
    validators = [_answered(key)] if required else []
    return _text(
        template.FIELD_LABELS[key],
        template.hint(key),
        required,
        single_line,
        max_length,
        validators,
    )


def _date(label, help_text=""):
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _comma_list(value):
    return [part.strip() for part in value.split(",") if part.strip()]


def _field_error_items(form, label_prefix=""):
    """(anchor id, label, message) for each error of one of ``form``'s fields."""
    return [
        (form[name].auto_id, label_prefix + form[name].label, error)
        for name, errors in form.errors.items()
        if name != forms.forms.NON_FIELD_ERRORS
        for error in errors
    ]


def rows_from(data, prefix, fields):
    """The rows of the formset ``prefix`` in POST-like ``data``, as tuples of ``fields``."""
    total = ascii_int(data.get(f"{prefix}-TOTAL_FORMS")) or 0
    return [
        tuple(data.get(f"{prefix}-{i}-{name}", "") for name in fields)
        for i in range(min(total, 1000))
    ]


def with_rows(data, prefix, fields, rows):
    """``data`` with the rows of the formset ``prefix`` replaced (to add or remove a row
    without JavaScript)."""
    data = {key: value for key, value in data.items() if not key.startswith(f"{prefix}-")}
    data.update({f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"})
    for i, row in enumerate(rows):
        data.update(
            {f"{prefix}-{i}-{name}": value for name, value in zip(fields, row, strict=True)}
        )
    return data


def _no_rows_unless_posted(data, prefix):
    """Posted data without the rows of ``prefix`` (a client that knows no metrics or links)
    means none, not a broken form."""
    if data is None or f"{prefix}-TOTAL_FORMS" in data:
        return data
    return {**data, f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}


class StepForm(forms.Form):
    """A step of the guided form; subclasses list the JSON form ``keys`` they collect."""

    keys: tuple[str, ...] = ()

    def __init__(self, data=None, *, issue_data, **kwargs):
        self.issue_data = issue_data
        super().__init__(data, initial=self.initial_from(issue_data), **kwargs)

    def initial_from(self, issue_data):
        return {key: issue_data.get(key) for key in self.keys}

    def to_dict(self):
        """The cleaned values as JSON form keys."""
        return {key: self.cleaned_data[key] for key in self.keys}

    def data_from_initial(self):
        """POST-like data equal to the initial values: to validate a saved step again."""
        return {field.html_name: field.value() for field in self}

    @classmethod
    def bound_to(cls, issue_data):
        """This step bound to the values saved in ``issue_data``."""
        return cls(cls(issue_data=issue_data).data_from_initial(), issue_data=issue_data)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.check_body_length()
        return cleaned

    def check_body_length(self):
        """GitHub refuses bodies over GITHUB_BODY_LIMIT characters: report it at the longest
        text when shortening that text alone can fix it (otherwise "Create issue" reports it)."""
        data = clean({**self.issue_data, **self.to_dict()})
        over = len(markdown.render_body(data)) - GITHUB_BODY_LIMIT
        longest = max(TEXT_KEYS, key=lambda key: len(data.get(key) or ""))
        if over > 0 and longest in self.fields and len(data[longest]) > over:
            self.add_error(longest, overflow_message(over + GITHUB_BODY_LIMIT))

    def error_items(self):
        """(anchor id, label, message) for the error summary at the top of the step."""
        items = [(None, "", error) for error in self.non_field_errors()]
        return items + _field_error_items(self)


class OverviewForm(StepForm):
    keys = ("name", "type", "related_project")

    name = _field("name", required=True, max_length=SHORT_TEXT_MAX_LENGTH)
    type = forms.ChoiceField(
        label=template.FIELD_LABELS["type"],
        help_text=template.hint("type"),
        choices=[("", "Select one"), *Issue.Type.choices],
    )
    related_project = _field("related_project", max_length=SHORT_TEXT_MAX_LENGTH)
    # Names this form (a new one each time it is shown), so that posting it twice, as a
    # double click on "Next" does, makes one draft.
    start = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def initial_from(self, issue_data):
        return {**super().initial_from(issue_data), "start": uuid.uuid4()}

    def clean_name(self):
        name = self.cleaned_data["name"]
        if not has_visible_character(name):
            raise forms.ValidationError("Issue Name must have a visible character.")
        return name


class DetailsForm(StepForm):
    keys = (
        "description",
        "expected_behavior",
        "proposed_solution",
        "frameworks",
        "data_involved",
        "environment",
        "todo",
        "metrics",
        "links",
    )

    description = _field("description", required=True, single_line=False)
    expected_behavior = _field("expected_behavior", single_line=False)
    proposed_solution = _field("proposed_solution", single_line=False)
    frameworks = _field("frameworks")
    data_involved = _field("data_involved", single_line=False)
    environment = forms.ChoiceField(
        label=template.FIELD_LABELS["environment"],
        help_text=template.hint("environment"),
        choices=[("", "Not specified"), *Issue.Environment.choices],
        required=False,
    )

    todo = forms.CharField(
        label="Your own To-Do items",
        help_text="One item per line: add a line to add an item, delete it to remove the item. "
        "The template's items above are always there.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data=None, *, issue_data, **kwargs):
        super().__init__(data, issue_data=issue_data, **kwargs)
        metrics = [MetricForm.initial_row(m) for m in issue_data.get("metrics") or []]
        self.metrics = MetricFormSet(
            _no_rows_unless_posted(data, "metrics"), initial=metrics or [{}], prefix="metrics"
        )
        links = issue_data.get("links") or [{}]
        self.links = LinkFormSet(
            _no_rows_unless_posted(data, "links"), initial=links, prefix="links"
        )

    def initial_from(self, issue_data):
        initial = super().initial_from(issue_data)
        initial["frameworks"] = ", ".join(issue_data.get("frameworks") or [])
        initial["todo"] = "\n".join(
            item["text"]
            for item in issue_data.get("todo") or []
            if item["text"] not in template.TODO_ITEMS
        )
        return initial

    def clean_todo(self):
        """The whole To-Do List: the template's items, then the user's lines, ticks kept."""
        lines = [line.strip() for line in self.cleaned_data["todo"].splitlines() if line.strip()]
        for line in lines:
            if len(line) > 300:
                raise forms.ValidationError(
                    f"“{line[:20]}…” is too long: at most 300 characters per item."
                )
        done = {item["text"]: item["done"] for item in self.issue_data.get("todo") or []}
        texts = list(template.TODO_ITEMS) + [
            line for line in lines if line not in template.TODO_ITEMS
        ]
        return [{"text": text, "done": done.get(text, False)} for text in dict.fromkeys(texts)]

    def data_from_initial(self):
        data = super().data_from_initial()
        for formset in (self.metrics, self.links):
            for form in [formset.management_form, *formset]:
                data.update({field.html_name: field.value() for field in form})
        return data

    def is_valid(self):
        # All three are validated (no short circuit), so that every error is shown at once.
        return self.metrics.is_valid() & self.links.is_valid() & super().is_valid()

    def to_dict(self):
        values = {key: self.cleaned_data[key] for key in self.keys[:-2]}
        for name, formset in (("metrics", self.metrics), ("links", self.links)):
            rows = formset.cleaned_data if formset.is_valid() else []
            values[name] = [formset.form.to_dict(row) for row in rows if formset.form.filled(row)]
        return values

    def error_items(self):
        items = super().error_items()
        for label, formset in (("Metric", self.metrics), ("Link", self.links)):
            for number, form in enumerate(formset, start=1):
                items += _field_error_items(form, f"{label} {number}, ")
        return items

    def clean_frameworks(self):
        frameworks = _comma_list(self.cleaned_data["frameworks"])
        for framework in frameworks:
            if len(framework) > 100:
                raise forms.ValidationError(
                    f"“{framework[:20]}…” is too long: at most 100 characters per framework."
                )
        return frameworks


class ImpactForm(StepForm):
    keys = ("business_impact", "users_affected", "priority")

    business_impact = _field("business_impact", single_line=False)
    users_affected = _field("users_affected", single_line=False)
    priority = forms.ChoiceField(
        label=template.FIELD_LABELS["priority"],
        help_text=PRIORITY_HELP,
        choices=[("", "Select one"), *Issue.Priority.choices],
    )


class MilestoneForm(forms.Form):
    """One row of Milestones; a blank row is ignored, a half-filled one is an error."""

    title = _text("Milestone", "", max_length=SHORT_TEXT_MAX_LENGTH)
    date = _date("Date", help_text="")

    def clean(self):
        cleaned = super().clean()
        title, date = cleaned.get("title"), cleaned.get("date")
        if title and not date and "date" not in self.errors:
            self.add_error("date", "Enter the date of this milestone.")
        if date and not title and "title" not in self.errors:
            self.add_error("title", "Enter what this milestone is.")
        return cleaned


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=0, max_num=1000)


class MetricForm(forms.Form):
    """One row of Metrics (what a monitor saw); a blank row is ignored."""

    name = _text(
        "Metric", "e.g. recall@0.5, PSI(age), p95 latency", max_length=METRIC_NAME_MAX_LENGTH
    )
    value = forms.FloatField(label="Value", required=False)
    threshold = forms.FloatField(label="Threshold", required=False)
    baseline = forms.FloatField(label="Baseline", required=False)
    direction = forms.ChoiceField(
        label="Direction",
        choices=Metric.DIRECTION_CHOICES,
        initial=Metric.HIGHER_IS_BETTER,
        required=False,
    )
    unit = _text("Unit", "", max_length=METRIC_UNIT_MAX_LENGTH)
    observed_at = forms.DateTimeField(
        label="Observed at",
        required=False,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
        ),
    )
    # The direction alone does not make a row filled in.
    FILLED_BY = ("name", "value", "threshold", "baseline", "unit", "observed_at")
    FIELDS = ("name", "value", "threshold", "baseline", "direction", "unit", "observed_at")

    @staticmethod
    def initial_row(metric):
        observed = metric.get("observed_at")
        if observed:
            moment = datetime.datetime.fromisoformat(observed.replace("Z", "+00:00"))
            observed = timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")
        return {**metric, "observed_at": observed}

    @classmethod
    def filled(cls, row):
        return any(row.get(name) not in (None, "") for name in cls.FILLED_BY)

    @staticmethod
    def to_dict(row):
        observed = row["observed_at"]
        return {
            "name": row["name"],
            "value": row["value"],
            "baseline": row["baseline"],
            "threshold": row["threshold"],
            "direction": row["direction"] or Metric.HIGHER_IS_BETTER,
            "unit": row["unit"],
            "observed_at": observed and observed.isoformat(),
        }

    def clean(self):
        cleaned = super().clean()
        if self.filled(cleaned) and not cleaned.get("name") and "name" not in self.errors:
            self.add_error("name", "Enter the name of this metric.")
        if cleaned.get("name") and cleaned.get("value") is None and "value" not in self.errors:
            self.add_error("value", "Enter the value of this metric.")
        return cleaned


class LinkForm(forms.Form):
    """One row of Links; a blank row is ignored."""

    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Select one"), *Link.KIND_CHOICES], required=False
    )
    target = _text(
        "Target",
        "An http(s) URL, or an MLflow URI such as models:/fraud/12 or runs:/<id>/model",
        max_length=LINK_TARGET_MAX_LENGTH,
    )
    label = _text("Label", "", max_length=SHORT_TEXT_MAX_LENGTH)
    FIELDS = ("kind", "target", "label")

    @staticmethod
    def filled(row):
        return any(row.get(name) for name in LinkForm.FIELDS)

    @staticmethod
    def to_dict(row):
        return {"kind": row["kind"], "target": row["target"].strip(), "label": row["label"]}

    def clean_target(self):
        target = self.cleaned_data["target"].strip()
        if target and not target.startswith(LINK_SCHEMES):
            raise forms.ValidationError(
                "Enter an http(s) URL or an MLflow URI (models:/NAME/VERSION, runs:/RUN_ID/PATH)."
            )
        return target

    def clean(self):
        cleaned = super().clean()
        if self.filled(cleaned) and not cleaned.get("target") and "target" not in self.errors:
            self.add_error("target", "Enter where this link points.")
        if cleaned.get("target") and not cleaned.get("kind"):
            self.add_error("kind", "Select what this link is to.")
        return cleaned


MetricFormSet = forms.formset_factory(MetricForm, extra=0, max_num=ROWS_MAX, validate_max=True)
LinkFormSet = forms.formset_factory(LinkForm, extra=0, max_num=ROWS_MAX, validate_max=True)


class TimelineForm(StepForm):
    """Communication and Timeline, with the Milestones rows as a formset."""

    keys = ("reported_date", "target_date", "milestones", "assignees")

    reported_date = _date(template.FIELD_LABELS["reported_date"])
    target_date = _date(template.FIELD_LABELS["target_date"])
    assignees = _text("Assignees", "GitHub logins, separated by commas (@login works too)")

    def __init__(self, data=None, *, issue_data, **kwargs):
        super().__init__(data, issue_data=issue_data, **kwargs)
        rows = issue_data.get("milestones") or [{"title": "", "date": ""}]
        self.milestones = MilestoneFormSet(data, initial=rows, prefix="milestones")

    def initial_from(self, issue_data):
        initial = super().initial_from(issue_data)
        initial["reported_date"] = issue_data.get("reported_date") or datetime.date.today()
        initial["assignees"] = ", ".join(issue_data.get("assignees") or [])
        return initial

    def propose_target(self):
        """A new issue without a Target Resolution Date is offered its priority's deadline
        (README "Priority deadlines"); shown only, saved when the author saves the step."""
        if self.issue_data.get("status") != Issue.Status.DRAFT or self.issue_data.get(
            "target_date"
        ):
            return
        priority = self.issue_data.get("priority")
        reported = self.initial["reported_date"]
        if isinstance(reported, str):
            reported = datetime.date.fromisoformat(reported)
        proposed = deadlines.proposed_target(priority, reported)
        if proposed:
            self.initial["target_date"] = proposed
            days = deadlines.deadline_days(priority)
            self.fields["target_date"].help_text = (
                f"YYYY-MM-DD. Proposed: the Reported Date plus the !{priority} deadline "
                f"({days} day{'s' if days != 1 else ''}); change it or clear it."
            )

    def data_from_initial(self):
        data = super().data_from_initial()
        for form in [self.milestones.management_form, *self.milestones]:
            data.update({field.html_name: field.value() for field in form})
        return data

    def is_valid(self):
        # Both are validated (no short circuit), so that every error is shown at once.
        return self.milestones.is_valid() & super().is_valid()

    def clean_reported_date(self):
        return self.cleaned_data["reported_date"] or datetime.date.today()

    def clean_assignees(self):
        # "@maya-ml" is how people write a login: the @ is dropped.
        logins = [login.removeprefix("@") for login in _comma_list(self.cleaned_data["assignees"])]
        invalid = [login for login in logins if not LOGIN_RE.match(login)]
        if invalid:
            raise forms.ValidationError(
                "Not a valid GitHub login: %(logins)s. A login has letters, digits and single "
                "hyphens (not at the start or end), at most 39 characters.",
                params={"logins": ", ".join(invalid)},
            )
        return logins

    def clean(self):
        reported = self.cleaned_data.get("reported_date")
        target = self.cleaned_data.get("target_date")
        if reported and target and target < reported:
            self.add_error(
                "target_date", "Target Resolution Date must not be before Reported Date."
            )
        return super().clean()

    def to_dict(self):
        rows = self.milestones.cleaned_data if self.milestones.is_valid() else []
        return {
            "reported_date": iso_date(self.cleaned_data["reported_date"]),
            "target_date": iso_date(self.cleaned_data["target_date"]),
            "milestones": [
                {"title": row["title"], "date": iso_date(row["date"])}
                for row in rows
                if row.get("title") and row.get("date")
            ],
            "assignees": self.cleaned_data["assignees"],
        }

    def error_items(self):
        items = super().error_items()
        items += [(None, "", error) for error in self.milestones.non_form_errors()]
        for number, form in enumerate(self.milestones, start=1):
            items += _field_error_items(form, f"Milestone {number}, ")
        return items


class ReviewForm(StepForm):
    """The Definition of Ready to tick before creating the issue."""

    keys = ("definition_of_ready",)

    ready = forms.TypedMultipleChoiceField(
        label=template.READY_INTRO,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data=None, *, issue_data, **kwargs):
        super().__init__(data, issue_data=issue_data, **kwargs)
        items = issue_data.get("definition_of_ready") or []
        self.fields["ready"].choices = [(i, item["text"]) for i, item in enumerate(items)]

    def initial_from(self, issue_data):
        items = issue_data.get("definition_of_ready") or []
        return {"ready": [i for i, item in enumerate(items) if item["done"]]}

    def to_dict(self):
        ticked = set(self.cleaned_data["ready"])
        items = self.issue_data.get("definition_of_ready") or []
        return {
            "definition_of_ready": [
                {"text": item["text"], "done": i in ticked} for i, item in enumerate(items)
            ]
        }


# The rows a step adds and removes with its buttons (``add_<name>``, ``remove_<name>``):
# name → (formset prefix, row fields).
ROW_SETS = {
    "milestone": ("milestones", ("title", "date")),
    "metric": ("metrics", MetricForm.FIELDS),
    "link": ("links", LinkForm.FIELDS),
}

STEP_FORMS = {
    "overview": OverviewForm,
    "details": DetailsForm,
    "impact": ImpactForm,
    "timeline": TimelineForm,
    "review": ReviewForm,
}
# Every key of the JSON form that the guided form collects.
FORM_KEYS = tuple(key for form in STEP_FORMS.values() for key in form.keys)
# What the user calls each of those keys (for messages about them).
FIELD_LABELS = {
    "milestones": template.MILESTONES,
    "metrics": "Metrics",
    "links": "Links",
    **{
        key: form.base_fields[key].label
        for form in STEP_FORMS.values()
        for key in form.keys
        if key in form.base_fields
    },
    "todo": template.TODO.title,
    "definition_of_ready": template.READY.title,
}
