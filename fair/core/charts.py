"""Charts drawn on the server as SVG: readable without JavaScript, in print and by a screen
reader (a title names the chart; the page puts the same numbers in a table beside it)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

ROW = 26
LABEL_WIDTH = 150
BAR_WIDTH = 260
VALUE_WIDTH = 70


def bar_chart(chart_id: str, title: str, bars: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per (label, value), scaled to the largest value; `chart_id` names
    the chart's title element (`aria-labelledby`). Every text is escaped by `Markup.format`."""
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW * max(1, len(bars)) + 8
    largest = max((value for _label, value in bars), default=0) or 1
    rows = []
    for row, (label, value) in enumerate(bars):
        y = 4 + row * ROW
        length = round(BAR_WIDTH * value / largest) if value else 0
        rows.append(
            Markup(
                '<text x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}"/>'
                '<text x="{}" y="{}">{}</text>'
            ).format(
                LABEL_WIDTH - 8,
                y + 17,
                label,
                LABEL_WIDTH,
                y + 3,
                length,
                ROW - 8,
                LABEL_WIDTH + length + 6,
                y + 17,
                value,
            )
        )
    return Markup(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title" '
        'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title>{rows}</svg>'
    ).format(id=chart_id, width=width, height=height, title=title, rows=Markup("").join(rows))
