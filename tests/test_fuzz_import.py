"""Fuzzing import_issues and render_markdown: any file gets the issues imported or one line
per problem and exit status 2, never a traceback, and nothing half-written."""

import json
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from issues.models import Issue
from issues.serialization import SCHEMA
from tests.factories import BASE
from tests.fuzz_support import assert_every_issue_is_whole, fuzz_settings, row_counts
from tests.fuzz_support import value as form_value

pytestmark = pytest.mark.django_db

# JSON strings may hold anything, lone surrogates and NUL too (json.dumps escapes them).
json_text = st.one_of(st.text(max_size=30), form_value)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        json_text,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(list(SCHEMA["properties"])), json_text), children, max_size=4
        ),
    ),
    max_leaves=12,
)
# A valid issue with some fields replaced: reaches the checks past the schema's.
mutated_issues = st.builds(
    lambda changes: {**BASE, **changes},
    st.dictionaries(st.sampled_from(list(SCHEMA["properties"])), json_values, max_size=3),
)


def run(command, content):
    """``command`` on a file holding ``content``: (created ids, None) or (None, the error)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "issues.json"
        path.write_bytes(content)
        out, err = StringIO(), StringIO()
        try:
            call_command(command, str(path), stdout=out, stderr=err)
        except CommandError as error:
            assert error.returncode == 2
            for line in [str(error), *err.getvalue().splitlines()]:
                assert "\n" not in line and "Traceback" not in line
            return None, error
        return out.getvalue(), None


def check(content):
    before = row_counts()
    out, error = run("import_issues", content)
    if error:
        assert row_counts() == before
    else:
        assert Issue.objects.count() == before[0] + len(out.split())
    assert_every_issue_is_whole()
    run("render_markdown", content)


@fuzz_settings
@given(st.one_of(json_values, mutated_issues, st.lists(mutated_issues, max_size=3)))
def test_any_json_is_imported_or_refused_in_one_line(data):
    check(json.dumps(data).encode())


@fuzz_settings
@given(st.binary(max_size=200))
def test_any_bytes_are_imported_or_refused_in_one_line(content):
    check(content)
