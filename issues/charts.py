"""Bar, line and timeline charts as SVG, drawn on the server (Insights).

No script and no style attribute (the strict CSP forbids inline ones): colours are SVG
presentation attributes. Each chart is an ``<svg role="img">`` named by its figure's title and
summary; the page puts the same data in a table beside it. Text is escaped with the standard
library's ``html.escape`` (what Django's ``escape`` calls, without its lazy-text wrapper: it runs
hundreds of times a page).
"""

from html import escape

from django.utils.html import format_html
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 40
# Okabe-Ito colours, distinguishable with colour blindness; the legend names each series.
COLOURS = ["#d55e00", "#e69f00", "#0072b2", "#009e73", "#cc79a7", "#56b4e9"]
TEXT = "#212529"
GRID = "#dee2e6"


def _nice_max(value):
    """A round axis maximum at or above ``value``."""
    if value <= 0:
        return 1
    step = 1
    while step * 10 <= value:
        step *= 10
    for multiple in (1, 2, 5, 10):
        if step * multiple >= value:
            return step * multiple
    return step * 10


def _frame(labelled_by, body, y_max, x_labels, legend):
    """The axes, grid, labels and legend around ``body``."""
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 24 * bool(legend)}" role="img" '
        f'aria-labelledby="{labelled_by}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i in range(5):
        value = y_max * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{TEXT}">{value:g}</text>'
        )
    plot_w = WIDTH - LEFT - RIGHT
    step = max(1, len(x_labels) // 8)
    for index, label in enumerate(x_labels):
        if index % step:
            continue
        x = LEFT + plot_w * (index + 0.5) / len(x_labels)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
    parts.append(body)
    x = LEFT
    for colour, name in legend:
        parts.append(
            f'<rect x="{x}" y="{HEIGHT + 4}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{HEIGHT + 14}" font-size="12" fill="{TEXT}">{escape(name)}</text>'
        )
        x += 24 + 8 * len(name)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (labels escaped, the rest numbers)


def bar_chart(labelled_by, x_labels, series, stacked=False, markers=None):
    """Bars per x label, one per series (side by side, or ``stacked``).

    ``series`` is [(name, [value per label])]; ``markers`` an optional {label index: value}
    drawn as a short black line across the bars (e.g. a deadline).
    """
    count = max(len(x_labels), 1)
    if stacked:
        totals = [sum(values[i] for _, values in series) for i in range(len(x_labels))]
    else:
        totals = [max((values[i] for _, values in series), default=0) for i in range(count)]
    y_max = _nice_max(max([*totals, *(markers or {}).values(), 0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / count
    # Hundreds of bars a page: what is the same for many of them is worked out once.
    scale, bottom = plot_h / y_max, TOP + plot_h
    colours = [COLOURS[s % len(COLOURS)] for s in range(len(series))]
    width = slot * 0.8 if stacked else slot * 0.8 / max(len(series), 1)
    width_text = f"{width:.1f}"
    body = []
    for i, column in enumerate(zip(*(values for _, values in series), strict=True)):
        left = LEFT + slot * i + slot * 0.1
        x, top = f"{left:.1f}", bottom
        for s, (value, colour) in enumerate(zip(column, colours, strict=True)):
            if not value:
                continue
            height = scale * value
            if stacked:
                top -= height
            else:
                x, top = f"{left + width * s:.1f}", bottom - height
            body.append(
                f'<rect x="{x}" y="{top:.1f}" width="{width_text}" height="{height:.1f}" '
                f'fill="{colour}"/>'
            )
    for i, value in (markers or {}).items():
        y = TOP + plot_h - plot_h * value / y_max
        body.append(
            f'<line x1="{LEFT + slot * i + 2:.1f}" x2="{LEFT + slot * (i + 1) - 2:.1f}" '
            f'y1="{y:.1f}" y2="{y:.1f}" stroke="{TEXT}" stroke-width="3"/>'
        )
    legend = [(COLOURS[s % len(COLOURS)], name) for s, (name, _) in enumerate(series)]
    if markers:
        legend.append((TEXT, "deadline"))
    return _frame(labelled_by, "".join(body), y_max, x_labels, legend if len(legend) > 1 else [])


def line_chart(labelled_by, x_labels, series):
    """One polyline per series over the x labels."""
    count = max(len(x_labels), 1)
    y_max = _nice_max(max([v for _, values in series for v in values] + [0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    body = []
    for s, (_, values) in enumerate(series):
        points = " ".join(
            f"{LEFT + plot_w * (i + 0.5) / count:.1f},{TOP + plot_h - plot_h * v / y_max:.1f}"
            for i, v in enumerate(values)
        )
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{COLOURS[s % len(COLOURS)]}" '
            f'stroke-width="2"/>'
        )
    legend = [(COLOURS[s % len(COLOURS)], name) for s, (name, _) in enumerate(series)]
    return _frame(labelled_by, "".join(body), y_max, x_labels, legend if len(legend) > 1 else [])


def data_table(caption, first_column, columns, rows):
    """The chart's data for screen readers: a row per x label (written here, not by a template
    loop, for the reason issues/templatetags/browse_tags.py gives)."""
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in [first_column, *columns])
    body = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        + "".join(
            f"<td>{escape(value) if isinstance(value, str) else value}</td>" for value in values
        )
        + "</tr>"
        for label, values in rows
    )
    return format_html(
        '<table class="visually-hidden"><caption>{}</caption><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        caption,
        mark_safe(head),  # noqa: S308 (escaped above)
        mark_safe(body),  # noqa: S308 (escaped above)
    )
