"""Bar charts drawn at build time as data tables: no chart library, nothing loaded at view time.

The chart is the table: each row's bar is a CSS box as wide as its share of the largest
value, beside the number. Screen readers get a table with a caption and headers, and the
labels keep the page's text size on a phone (an SVG scaled to a phone's width shrank
them to ~6 px). Colours come from CSS classes (site/assets/catalog.css), so the charts
follow the light and dark palettes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from catalog.render.numbers import thousands


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def bar_chart(title: str, bars: list[Bar], label: str = "Value", value: str = "Papers") -> str:
    """A table of labelled rows, each with a bar in proportion to its value."""
    top = max((b.value for b in bars), default=0) or 1
    rows = []
    for bar in bars:
        share = round(100 * bar.value / top, 1)
        rows.append(
            f'<tr><th scope="row">{escape(bar.label)}</th><td><span class="cf-bar" '
            f'style="width:{share}%"></span>'
            f'<span class="cf-bar-value">{thousands(bar.value)}</span>'
            "</td></tr>"
        )
    return (
        f'<table class="cf-chart"><caption>{escape(title)}</caption><thead><tr>'
        f'<th scope="col">{escape(label)}</th><th scope="col">{escape(value)}</th></tr></thead>'
        "<tbody>" + "".join(rows) + "</tbody></table>"
    )
