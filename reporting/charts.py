"""Server-rendered SVG charts: no JavaScript, no inline style, with a text alternative.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>` that lists every value, and
is always shown next to a table with the same numbers.
"""

from __future__ import annotations

from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ids = count(1)
BAR_COLOUR = "#0b5394"
TEXT_COLOUR = "#1a1a1a"


def bar_chart(
    rows: list[tuple[str, int | float]], *, title: str, width: int = 560, unit: str = ""
) -> SafeString:
    """A horizontal bar chart of (label, value) rows."""
    uid = next(_ids)
    bar_height, gap, label_width, value_width = 22, 8, 200, 60
    height = max(1, len(rows)) * (bar_height + gap) + gap
    largest = max((value for _label, value in rows), default=0) or 1
    plot = width - label_width - value_width
    description = "; ".join(f"{label}: {value}{unit}" for label, value in rows) or "-"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="chart-{uid}-title chart-{uid}-desc">',
        f'<title id="chart-{uid}-title">{escape(title)}</title>',
        f'<desc id="chart-{uid}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = round(plot * (value / largest)) if value else 0
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'fill="{TEXT_COLOUR}">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
            f'fill="{BAR_COLOUR}"></rect>'
            f'<text x="{label_width + length + 6}" y="{y + 16}" font-size="13" '
            f'fill="{TEXT_COLOUR}">{escape(value)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text is escaped above)


def column_chart(
    rows: list[tuple[str, int | float]], *, title: str, width: int = 560, height: int = 180
) -> SafeString:
    """A vertical column chart for a time series of (label, value)."""
    uid = next(_ids)
    top, bottom, left = 18, 30, 8
    n = max(1, len(rows))
    slot = (width - left * 2) / n
    largest = max((value for _label, value in rows), default=0) or 1
    plot = height - top - bottom
    description = "; ".join(f"{label}: {value}" for label, value in rows) or "-"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="chart-{uid}-title chart-{uid}-desc">',
        f'<title id="chart-{uid}-title">{escape(title)}</title>',
        f'<desc id="chart-{uid}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        bar = round(plot * value / largest) if value else 0
        x = left + index * slot
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{top + plot - bar}" width="{slot * 0.7:.1f}" '
            f'height="{bar}" fill="{BAR_COLOUR}"></rect>'
            f'<text x="{x + slot / 2:.1f}" y="{top + plot - bar - 4}" text-anchor="middle" '
            f'font-size="11" fill="{TEXT_COLOUR}">{escape(value)}</text>'
            f'<text x="{x + slot / 2:.1f}" y="{height - 10}" text-anchor="middle" '
            f'font-size="11" fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text is escaped above)
