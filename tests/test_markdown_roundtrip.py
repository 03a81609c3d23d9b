"""The parser is the renderer's inverse: render(parse(render(x))) == render(x), byte for byte.

For the golden examples and for 1,000 generated issues (Hypothesis). Generated text is any
Unicode (emoji, Markdown, blank lines, trailing spaces, CR LF) except lines that imitate the
template's own structure at the start of a line (a ``### `` heading or a ``**Label:**``),
which a value could only mean as a forgery of the template.
"""

import datetime
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from issues import markdown, template
from issues.parse_markdown import NotTemplate, parse
from issues.serialization import clean, has_visible_character, normalize, unanswered, validate
from issues.template import PLACEHOLDERS
from tests.common_support import EXAMPLES

EXAMPLE_COUNT = 1000


@pytest.mark.parametrize("name", ["full", "minimal"])
def test_golden_examples_parse_back_to_their_json(name):
    data = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    document = (EXAMPLES / f"{name}.md").read_text(encoding="utf-8")
    body = (EXAMPLES / f"{name}.body.md").read_text(encoding="utf-8")
    for text, render in ((document, markdown.render_document), (body, markdown.render_body)):
        parsed = parse(text).data
        assert render(parsed) == text
        assert validate(parsed) == []
    assert parse(document).data["assignees"] == data.get("assignees", [])
    for key in ("name", "type", "priority", "milestones", "updates", "frameworks"):
        assert parse(body).data[key] == data.get(key, [])


characters = st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from(
    "\t `*_[]()!#-:.,>|\\"
)
word = st.text(characters, min_size=1, max_size=20).filter(lambda s: normalize(s))


def _line_ok(line):
    return not line.startswith(("### ", "**"))


line = word.filter(lambda s: "\n" not in s and "\r" not in s)
safe_line = line.filter(_line_ok)
blank = st.sampled_from(["", "  ", "\t"])
text = (
    st.lists(safe_line | blank, min_size=1, max_size=4)
    .map("\n".join)
    .filter(lambda s: normalize(s))
)
crlf = text.map(lambda s: s.replace("\n", "\r\n"))
optional_text = st.just("") | text | crlf | st.just(template.NO_RESPONSE)
single = line.filter(lambda s: "\n" not in normalize(s))
# An Issue Name needs a visible character (zero-width or unassigned ones alone are refused).
names = single.filter(has_visible_character)
dates = st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31))
# Strategies are built once, here: a filter made inside ``issues()`` would be analysed anew
# for every example (most of the run's time).
frameworks = st.lists(line.filter(lambda s: "," not in s), max_size=4)
checklist = st.lists(st.fixed_dictionaries({"text": single, "done": st.booleans()}), max_size=8)
milestones = st.lists(
    st.fixed_dictionaries({"title": single, "date": dates.map(datetime.date.isoformat)}),
    max_size=4,
)
updates = st.lists(
    st.fixed_dictionaries({"date": dates.map(datetime.date.isoformat), "text": text | crlf}),
    max_size=4,
)
logins = st.lists(st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,5})?", fullmatch=True), max_size=3)
maybe_checklist = st.none() | checklist


@st.composite
def issues(draw):
    reported = draw(dates)
    target = draw(st.none() | st.dates(reported, datetime.date(2099, 12, 31)))
    data = {
        "name": draw(names),
        "type": draw(st.sampled_from(list(template.TYPE_LABELS))),
        "related_project": draw(st.just("") | single),
        "description": draw(text | crlf),
        "expected_behavior": draw(optional_text),
        "proposed_solution": draw(optional_text),
        "frameworks": draw(frameworks),
        "data_involved": draw(optional_text),
        "environment": draw(st.sampled_from(["", "development", "staging", "production"])),
        "business_impact": draw(optional_text),
        "users_affected": draw(optional_text),
        "priority": draw(st.sampled_from(["p0", "p1", "p2", "p3"])),
        "reported_date": reported.isoformat(),
        "target_date": target and target.isoformat(),
        "milestones": draw(milestones),
        "updates": draw(updates),
        "assignees": draw(logins),
    }
    for key in ("todo", "definition_of_ready", "definition_of_done"):
        items = draw(maybe_checklist)
        if items is not None:
            data[key] = items
    # The one ambiguity, by design: a field left as the template's own placeholder for it
    # is unanswered. A required field written so (or as "_No response_") is refused as input.
    assume(all(normalize(data.get(key)) != text for key, text in PLACEHOLDERS.items()))
    assume(
        not unanswered("name", data["name"]) and not unanswered("description", data["description"])
    )
    return data


@settings(
    max_examples=EXAMPLE_COUNT,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(issues())
def test_round_trip_of_generated_issues(data):
    data = clean(data)
    document = markdown.render_document(data)
    parsed = parse(document).data
    assert markdown.render_document(parsed) == document
    assert validate(parsed) == []
    body = markdown.render_body(data)
    assert markdown.render_body(parse(body).data) == body


def test_a_text_without_the_template_is_refused_with_its_line():
    with pytest.raises(NotTemplate) as error:
        parse("# Something else\n\nJust a bug report.\n")
    assert error.value.line == 1
    assert "no '### Issue Overview 📋' heading" in error.value.message
