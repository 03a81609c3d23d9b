"""Markdown back into an issue: the inverse of ``issues/markdown.py``.

Pure functions (no database). ``parse`` reads a canonical document (front matter
and body), a body alone (as filed on GitHub) or a body written by hand from the template,
with its placeholders left in or ``_No response_``, and returns the issue's JSON form with
the line of each field, so that ``serialization.validate``'s problems can name the line.

The vocabulary (headings, labels, checklist intros, placeholders) is the template's
(issues/template.py), as the renderer's is, so the two cannot drift apart. What is not
found is left out of the JSON form, and the schema's defaults apply (a checklist that is
absent is the template's, unticked).
"""

import re
from dataclasses import dataclass, field

from issues import template
from issues.serialization import normalize
from issues.template import FIELD_LABELS, NO_RESPONSE, PLACEHOLDERS

CHECK = re.compile(r"^- \[( |x|X)\] (.*)$")
MILESTONE = re.compile(r"^\d+\. (.*): (\S*)$")
UPDATE = re.compile(r"^- (\d{4}-\d\d-\d\d|\[YYYY-MM-DD\]): (.*)$")
TYPES = {label.lower(): key for key, label in template.TYPE_LABELS.items()} | {
    key: key for key in template.TYPE_LABELS
}
CHECKLISTS = {
    "todo": template.TODO.heading,
    "definition_of_ready": template.READY.heading,
    "definition_of_done": template.DONE.heading,
}


PRIORITY_LABEL = re.compile(r"^!(p[0-3])$", re.IGNORECASE)


def priority_of_label(name):
    """``p1`` for the label ``!p1`` (any case, as GitHub keeps a label's spelling), else None."""
    match = PRIORITY_LABEL.match(str(name))
    return match[1].lower() if match else None


class NotTemplate(Exception):
    """The text is not written from the ML Engineering Issue template."""

    def __init__(self, line, message):
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


@dataclass
class Parsed:
    data: dict
    # The 1-based line where each top-level key of ``data`` was read.
    lines: dict = field(default_factory=dict)

    def line_of(self, problem):
        """The line a ``serialization.validate`` problem (``"key...: message"``) is about."""
        key = re.split(r"[.\[:]", problem, maxsplit=1)[0]
        return self.lines.get(key, 1)


def _bare(line):
    """A heading without its emoji, spacing and case: what a hand-written copy keeps."""
    return re.sub(r"[^a-z0-9/ -]", "", line.lower()).strip()


def _value(text, key):
    """A field's text as the renderer wrote it: normalised, empty for no answer."""
    value = normalize(text)
    if value in (NO_RESPONSE, PLACEHOLDERS[key]):
        return ""
    return value


def parse(text):
    """The issue in ``text``; raises NotTemplate with the line of the first problem."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    parsed = Parsed({})
    start = 0
    if lines and lines[0] == "---":
        start = _front_matter(lines, parsed)
    sections = _sections(lines, start)
    _overview(lines, sections, parsed)
    _details(lines, sections, parsed)
    for key, heading in CHECKLISTS.items():
        _checklist(lines, sections, heading, key, parsed)
    _impact(lines, sections, parsed)
    _priority(lines, sections, parsed)
    _timeline(lines, sections, parsed)
    _updates(lines, sections, parsed)
    return parsed


def _front_matter(lines, parsed):
    """Read the assignees (the rest is the body's, again); the line after the closing ``---``."""
    try:
        end = lines.index("---", 1)
    except ValueError:
        raise NotTemplate(1, "the front matter is not closed by a '---' line") from None
    for number in range(1, end):
        key, _, value = lines[number].partition(":")
        value = value.strip()
        if key == "assignees":
            logins = [] if value in ("''", '""', "") else [v.strip() for v in value.split(",")]
            parsed.data["assignees"] = logins
            parsed.lines["assignees"] = number + 1
    return end + 1


def _sections(lines, start):
    """{heading: (first line index after it, end index)} for the template's headings found."""
    found = {}
    wanted = {_bare(section.heading): section.heading for section in template.SECTIONS}
    for index in range(start, len(lines)):
        line = lines[index]
        if line.startswith("### ") and _bare(line) in wanted:
            found.setdefault(wanted[_bare(line)], index)
    if template.OVERVIEW.heading not in found:
        raise NotTemplate(
            start + 1,
            "not written from the ML Engineering Issue template: "
            f"no '{template.OVERVIEW.heading}' heading",
        )
    order = sorted(found.items(), key=lambda item: item[1])
    end = _closing(lines)
    bounds = {}
    for position, (heading, index) in enumerate(order):
        stop = order[position + 1][1] if position + 1 < len(order) else end
        bounds[heading] = (index + 1, stop)
    return bounds


def _closing(lines):
    """The index of the closing ``---`` rule (or the end)."""
    for index in range(len(lines) - 1, -1, -1):
        if lines[index] == "---":
            return index
    return len(lines)


def _fields(lines, bounds, keys, parsed, stop_at=None):
    """Read ``**Label:** value`` fields, in order, each running to the next label."""
    if bounds is None:
        return
    begin, end = bounds
    if stop_at:
        end = next((i for i in range(begin, end) if lines[i] == stop_at), end)
    found = []
    position = begin
    for key in keys:
        prefix = f"**{FIELD_LABELS[key]}:**"
        index = next((i for i in range(position, end) if lines[i].startswith(prefix)), None)
        if index is not None:
            found.append((key, index, prefix))
            position = index + 1
    for number, (key, index, prefix) in enumerate(found):
        stop = found[number + 1][1] if number + 1 < len(found) else end
        text = "\n".join([lines[index][len(prefix) :], *lines[index + 1 : stop]])
        parsed.data[key] = _value(text, key)
        parsed.lines[key] = index + 1


def _overview(lines, sections, parsed):
    _fields(lines, sections[template.OVERVIEW.heading], ["name", "type", "related_project"], parsed)
    if "type" in parsed.data:
        label = parsed.data["type"]
        if label in TYPES or label.lower() in TYPES:
            parsed.data["type"] = TYPES.get(label, TYPES.get(label.lower()))
        elif not label:
            del parsed.data["type"]


def _details(lines, sections, parsed):
    bounds = sections.get(template.DETAILS.heading)
    keys = ["description", "expected_behavior", "proposed_solution"]
    _fields(lines, bounds, keys, parsed, stop_at=f"**{template.TECHNICAL_DETAILS}:**")
    if bounds is None:
        return
    begin, end = bounds
    items = {}
    for key in ("frameworks", "data_involved", "environment"):
        prefix = f"- {FIELD_LABELS[key]}:"
        index = next((i for i in range(begin, end) if lines[i].startswith(prefix)), None)
        if index is not None:
            items[key] = index
    for key, index in items.items():
        following = [i for i in items.values() if i > index]
        stop = min(following) if following else index + 1
        prefix = f"- {FIELD_LABELS[key]}:"
        continuation = [line.removeprefix("  ") for line in lines[index + 1 : stop]]
        value = _value("\n".join([lines[index][len(prefix) :], *continuation]), key)
        parsed.lines[key] = index + 1
        if key == "frameworks":
            value = [part.strip() for part in value.split(",") if part.strip()]
        parsed.data[key] = value


def _checklist(lines, sections, heading, key, parsed):
    bounds = sections.get(heading)
    if bounds is None:
        return
    begin, end = bounds
    items = []
    for index in range(begin, end):
        match = CHECK.match(lines[index])
        if match:
            items.append({"text": normalize(match[2]), "done": match[1] != " "})
            parsed.lines.setdefault(key, index + 1)
    parsed.lines.setdefault(key, begin)
    parsed.data[key] = items


def _impact(lines, sections, parsed):
    keys = ["business_impact", "users_affected"]
    _fields(lines, sections.get(template.IMPACT.heading), keys, parsed)


def _priority(lines, sections, parsed):
    _fields(lines, sections.get(template.PRIORITY.heading), ["priority"], parsed)
    if "priority" not in parsed.data:
        return
    first = _value(parsed.data["priority"].split("\n")[0], "priority")
    match = re.fullmatch(r"`?!?(p[0-3])`?", first.lower())
    if match:
        parsed.data["priority"] = match[1]
    elif first:
        parsed.data["priority"] = first
    else:
        del parsed.data["priority"]


def _timeline(lines, sections, parsed):
    bounds = sections.get(template.TIMELINE.heading)
    if bounds is None:
        return
    keys = ["reported_date", "target_date"]
    _fields(lines, bounds, keys, parsed, stop_at=f"{template.MILESTONES}:")
    for key in keys:
        if key in parsed.data:
            parsed.data[key] = parsed.data[key] or None
    if parsed.data.get("reported_date") is None:
        parsed.data.pop("reported_date", None)
    begin, end = bounds
    index = next((i for i in range(begin, end) if lines[i] == f"{template.MILESTONES}:"), None)
    if index is None:
        return
    milestones = []
    parsed.lines["milestones"] = index + 1
    for line in lines[index + 1 : end]:
        match = MILESTONE.match(line)
        if match and match[2] != PLACEHOLDERS["milestone_date"]:
            milestones.append({"title": normalize(match[1]), "date": match[2]})
    parsed.data["milestones"] = milestones


def _updates(lines, sections, parsed):
    bounds = sections.get(template.UPDATES.heading)
    if bounds is None:
        return
    begin, end = bounds
    updates = []
    for index in range(begin, end):
        line = lines[index]
        match = UPDATE.match(line)
        if match:
            parsed.lines.setdefault("updates", index + 1)
            updates.append([match[1], [match[2]]])
        elif updates and (line.startswith("  ") or not line):
            updates[-1][1].append(line.removeprefix("  "))
    parsed.data["updates"] = [
        {"date": date, "text": normalize("\n".join(text))}
        for date, text in updates
        if date != PLACEHOLDERS["update_date"]
    ]
