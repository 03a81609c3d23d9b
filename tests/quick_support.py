"""The Quick issue form's address, a valid post of it, and where the cursor starts."""

import re

URL = "/issues/new/quick/"
VALID = {
    "name": "Fraud model returns 500s",
    "priority": "p0",
    "type": "deployment",
    "environment": "production",
    "related_project": "fraud-v7",
    "description": "Every request since 02:10 fails.\n- [ ] roll back",
}


def focused(html):
    """The id of the first field with the autofocus attribute (a radio group has it on each
    choice; the browser focuses the first)."""
    pattern = r'<(?:input|textarea|select)\b[^>]*\bautofocus\b[^>]*\bid="([^"]+)"'
    return re.findall(pattern, html)[0]
