"""Reading Insights' HTML in tests."""

import datetime
import re

from django.utils import timezone

CHARTS = ("open", "weekly", "resolve", "overdue", "ahead")


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def table(page, key):
    """The data table of one chart: {row label: [cells]}."""
    section = page.split(f'id="{key}-title"')[1].split("</figure>")[0]
    return {
        label: re.findall(r"<td>([^<]*)</td>", cells)
        for label, cells in re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', section)
    }


def tables(page):
    """Every chart's data table: {chart: {row label: [cells]}}."""
    return {key: table(page, key) for key in CHARTS}
