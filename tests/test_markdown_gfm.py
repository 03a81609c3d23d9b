"""Rendered Markdown as GitHub shows an issue body, and still no raw HTML or script."""

import pytest

from issues.html import markdown_to_html

pytestmark = pytest.mark.django_db


def test_task_lists_line_breaks_tables_and_code():
    html = markdown_to_html(
        "- [x] rolled back\n- [ ] root cause\n\nline one\nline two\n\n"
        "| metric | value |\n|---|---|\n| recall | 0.84 |\n\n```python\nprint('<b>')\n```"
    )
    assert '<li class="task-list-item"><label><input' in html
    assert 'checked="checked" disabled="disabled" type="checkbox"> rolled back' in html
    assert 'disabled="disabled" type="checkbox"> root cause' in html
    assert "line one<br>\nline two" in html
    assert "<td>recall</td>" in html and "<th>metric</th>" in html
    assert "<pre><code>print('&lt;b&gt;')" in html


def test_https_images_only_and_no_raw_html():
    html = markdown_to_html(
        "![plot](https://example.com/p.png) ![old](http://example.com/p.png) "
        "![js](javascript:alert(1))\n\n<script>alert(1)</script><input type=text autofocus>"
        "\n\n[x](javascript:alert(1))"
    )
    assert '<img src="https://example.com/p.png" alt="plot">' in html
    assert 'src="http:' not in html and 'src="javascript' not in html
    assert 'href="javascript' not in html
    assert "<script" not in html and "<input type" not in html
    assert "&lt;script&gt;" in html


def test_the_csp_allows_https_images_only(owner_client):
    csp = owner_client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https:" in csp and "script-src 'self'" in csp


def test_server_preview_renders_as_the_issue_page(owner_client):
    response = owner_client.post("/markdown/preview/", {"text": "- [ ] a\n\n<b>x</b>"})
    assert response.status_code == 200
    assert 'type="checkbox"> a' in response.text and "<b>" not in response.text
    assert owner_client.post("/markdown/preview/", {"text": " "}).text == (
        "<p>Nothing to preview.</p>"
    )
    assert owner_client.get("/markdown/preview/").status_code == 405
