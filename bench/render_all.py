"""Render every issue of the database as its canonical Markdown document, streamed.

Run by bench/run.py in its own process (the settings come from the environment); prints one JSON
line: issues rendered, seconds, issues per second, and the peak resident memory after the first
1,000, 10,000 and 100,000 issues and at the end. Flat memory: the peaks stay about the same.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dskit.settings")

import django  # noqa: E402

django.setup()

from issues import markdown  # noqa: E402
from issues.exports import document_filename, iter_issue_dicts  # noqa: E402
from issues.models import Issue  # noqa: E402


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    issues = Issue.objects.listed().order_by("pk")
    count = total_bytes = 0
    peaks = {}
    start = time.perf_counter()
    for issue, data in iter_issue_dicts(issues):
        document = markdown.render_document(data)
        # What an export writes: a file name and the UTF-8 bytes (kept in no list).
        total_bytes += len(document_filename(issue)) + len(document.encode())
        count += 1
        if count in (1000, 10_000, 100_000):
            peaks[count] = round(peak_rss_mib(), 1)
    seconds = time.perf_counter() - start
    result = {
        "issues": count,
        "seconds": round(seconds, 2),
        "issues_per_second": round(count / seconds) if seconds else None,
        "megabytes_rendered": round(total_bytes / 1e6, 1),
        "peak_rss_mib_after": peaks,
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
