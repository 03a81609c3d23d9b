"""Reading the issue list's HTML in tests."""

import re

ROW_ID = re.compile(r'<tr><td class="[^"]*" data-label="#">(\d+)</td>')


def ids_on(response):
    """The ids in the rows' # cells (rows are rendered from issues/columns.py), in page order."""
    return [int(pk) for pk in ROW_ID.findall(response.text)]
