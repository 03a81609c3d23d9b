"""The canonical Markdown of an issue, as specified by the ML Engineering Issue template.

Pure functions over the issue's JSON form (see ``issues/serialization.py``): no database,
no Django. ``render_body`` is what GitHub receives; ``render_document`` adds the template's
front matter and is what a user downloads.
"""

import json

NO_RESPONSE = "_No response_"

TYPE_LABELS = {
    "model_performance": "Model Performance",
    "data_pipeline": "Data Pipeline",
    "data_quality": "Data Quality",
    "training": "Training",
    "deployment": "Deployment",
    "monitoring": "Monitoring",
    "infrastructure": "Infrastructure",
    "other": "Other",
}

TODO_ITEMS = (
    "Investigate root cause",
    "Develop solution approach",
    "Implement changes",
    "Test and validate solution",
    "Update documentation",
    "Deploy to production (if applicable)",
)
READY_ITEMS = (
    "The issue description is clear and comprehensive",
    "Expected behavior is defined",
    "Technical details are provided",
    "Impact and priority are assessed",
    "Initial investigation has been conducted",
)
DONE_ITEMS = (
    "The root cause is identified and addressed",
    "The solution is implemented and tested",
    "Model performance meets expected criteria (if applicable)",
    "Documentation is updated",
    "The solution is deployed to the appropriate environment",
    "Post-deployment monitoring shows no issues",
)

# The template's headings and field labels, shared with the parser (issues/parse_markdown.py).
TITLE_HEADING = "## Machine Learning Engineering Issue 🤖"
OVERVIEW = "### Issue Overview 📋"
DETAILS = "### Specific Details 🔬"
TODO = "### To-Do List 📝"
IMPACT = "### Impact Assessment 📊"
PRIORITY = "### Priority"
TIMELINE = "### Communication and Timeline 📅"
READY = "### Definition of Ready ✅"
DONE = "### Definition of Done ✅"
UPDATES = "### Updates 🔄"
SECTIONS = (OVERVIEW, DETAILS, TODO, IMPACT, PRIORITY, TIMELINE, READY, DONE, UPDATES)

FIELD_LABELS = {
    "name": "Issue Name",
    "type": "Type of Issue",
    "related_project": "Related Model/Project",
    "description": "Issue Description",
    "expected_behavior": "Expected Behavior",
    "proposed_solution": "Proposed Solution",
    "frameworks": "ML Framework/Libraries",
    "data_involved": "Data Involved",
    "environment": "Environment",
    "business_impact": "Business Impact",
    "users_affected": "Users/Systems Affected",
    "priority": "Priority",
    "reported_date": "Reported Date",
    "target_date": "Target Resolution Date",
}
TECHNICAL_DETAILS = "**Technical Details:**"
TIMELINE_INTRO = (
    "Based on the priority level, please provide the appropriate communication and timeline:"
)
MILESTONES = "Milestones:"
READY_INTRO = "This issue is ready to be worked on when:"
DONE_INTRO = "This issue is considered done when:"
UPDATES_INTRO = "[Use this section to log progress, decisions, and key findings.]"

BASE_LABELS = ("feature", "@dskit")
TITLE_PREFIX = "dskit: "

PRIORITY_LEGEND = """\
- `!p0`: Critical priority. Must be addressed immediately, potentially dropping other work.
- `!p1`: High priority. Should be included in the current or next cycle.
- `!p2`: Medium priority. Plan to address in the near future, within the next few cycles.
- `!p3`: Low priority. Nice to have, but not crucial. Will be addressed as time and resources allow."""

COMMUNICATION_LEGEND = """\
- `!p0`: Communicate immediate action and provide frequent updates until resolved.
- `!p1`: Provide a timeline for implementation (current cycle or next cycle).
- `!p2`: Give an estimated timeframe (e.g., within the next month or quarter).
- `!p3`: Acknowledge the request but explain it's not currently prioritized. \
Offer to reassess if business needs change."""

GREETING = f"""\
{TITLE_HEADING}

Hello, Team software member!
Please use this template to document and track ML engineering tasks and issues.
Not every section is required.
When in doubt, provide an initial guess as basis for discussion.
After reviewing the issue, we'll update as needed."""

CLOSING = """\
---

Remember to update this issue regularly with your progress and any new findings.
Good luck with resolving this ML engineering challenge! 🚀

"Science, my lad, is made up of mistakes, but they are mistakes which it is useful to make, \
because they lead little by little to the truth." - Jules Verne"""


def normalize(value):
    """Normalise a text value as Django's form fields do (rule 4 of markdown.md).

    Line endings become ``\\n``, white space at the start and end of the whole value and
    at the end of every line is removed. Nothing else is touched.
    """
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def title(data):
    return TITLE_PREFIX + normalize(data.get("name"))


def labels(data):
    priority = data.get("priority")
    return [*BASE_LABELS, f"!{priority}"] if priority else list(BASE_LABELS)


def _field(label, value):
    """A ``**Label:** value`` field: inline when single-line, below the label otherwise."""
    value = normalize(value)
    if not value:
        return f"**{label}:** {NO_RESPONSE}"
    if "\n" in value:
        return f"**{label}:**\n\n{value}"
    return f"**{label}:** {value}"


def _indent_continuation(value):
    """Keep a multi-line value inside its list item: continuation lines get two spaces."""
    first, *rest = value.split("\n")
    return "\n".join([first, *(f"  {line}" if line else "" for line in rest)])


def _checklist(items, defaults):
    if items is None:
        items = [{"text": text, "done": False} for text in defaults]
    return "\n".join(
        f"- [{'x' if item['done'] else ' '}] {normalize(item['text'])}" for item in items
    )


def _milestones(milestones):
    if not milestones:
        return NO_RESPONSE
    return "\n".join(
        f"{number}. {normalize(m['title'])}: {m['date']}"
        for number, m in enumerate(milestones, start=1)
    )


def _updates(updates):
    if not updates:
        return NO_RESPONSE
    return "\n".join(
        f"- {u['date']}: {_indent_continuation(normalize(u['text']))}" for u in updates
    )


def _labelled(key, data):
    return _field(FIELD_LABELS[key], data.get(key))


def _item(key, value):
    """A ``- Label: value`` line of the Technical Details list."""
    return f"- {FIELD_LABELS[key]}: {value or NO_RESPONSE}"


def render_body(data):
    """The GitHub issue body: the template from its first heading to the quote."""
    frameworks = ", ".join(normalize(f) for f in data.get("frameworks") or [])
    data_involved = normalize(data.get("data_involved"))
    business_impact = _labelled("business_impact", data)
    if "\n" in normalize(data.get("business_impact")):
        business_impact += "\n"
    priority = data.get("priority")
    sections = [
        GREETING,
        OVERVIEW,
        _labelled("name", data),
        f"**{FIELD_LABELS['type']}:** {TYPE_LABELS.get(data.get('type'), NO_RESPONSE)}",
        _labelled("related_project", data),
        DETAILS,
        _labelled("description", data),
        _labelled("expected_behavior", data),
        _labelled("proposed_solution", data),
        "\n".join(
            [
                TECHNICAL_DETAILS,
                _item("frameworks", frameworks),
                _item("data_involved", data_involved and _indent_continuation(data_involved)),
                _item("environment", data.get("environment")),
            ]
        ),
        f"{TODO}\n" + _checklist(data.get("todo"), TODO_ITEMS),
        IMPACT,
        business_impact + "\n" + _labelled("users_affected", data),
        PRIORITY,
        f"**{FIELD_LABELS['priority']}:** {f'`!{priority}`' if priority else NO_RESPONSE}\n"
        + PRIORITY_LEGEND,
        TIMELINE,
        TIMELINE_INTRO,
        COMMUNICATION_LEGEND,
        f"**{FIELD_LABELS['reported_date']}:** {data.get('reported_date') or NO_RESPONSE}\n"
        f"**{FIELD_LABELS['target_date']}:** {data.get('target_date') or NO_RESPONSE}",
        f"{MILESTONES}\n" + _milestones(data.get("milestones")),
        READY,
        f"{READY_INTRO}\n" + _checklist(data.get("definition_of_ready"), READY_ITEMS),
        DONE,
        f"{DONE_INTRO}\n" + _checklist(data.get("definition_of_done"), DONE_ITEMS),
        UPDATES,
        UPDATES_INTRO,
        _updates(data.get("updates")),
        CLOSING,
    ]
    return "\n\n".join(sections) + "\n"


def render_front_matter(data):
    assignees = ", ".join(data.get("assignees") or []) or "''"
    return (
        "---\n"
        "name: ML Engineering Issue\n"
        "about: Use this template to create and track machine learning engineering tasks "
        "and issues\n"
        f"title: {json.dumps(title(data), ensure_ascii=False)}\n"
        f"labels: {', '.join(labels(data))}\n"
        f"assignees: {assignees}\n"
        "projects: ''\n"
        "---\n"
    )


def render_document(data):
    """The downloadable ``.md`` file: front matter, a blank line, then the body."""
    return render_front_matter(data) + "\n" + render_body(data)


def github_payload(data):
    """The payload of ``POST /repos/{owner}/{repo}/issues`` (rule 12 of markdown.md)."""
    return {
        "title": title(data),
        "body": render_body(data),
        "labels": labels(data),
        "assignees": list(data.get("assignees") or []),
    }
