"""Bar charts as inline SVG, drawn at build time: no chart library, nothing loaded at view time.

No links inside the SVG: Material's instant navigation rewrites every <a>'s href, which SVG
anchors do not allow (a console error); the stats page links the index pages instead.

Colours come from CSS classes (see site/assets/catalog.css), so the charts follow the
light/dark palette.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

ROW = 24
LABEL_WIDTH = 220
BAR_WIDTH = 380
WIDTH = LABEL_WIDTH + BAR_WIDTH + 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def bar_chart(title: str, bars: list[Bar]) -> str:
    """A horizontal bar chart: one labelled row per bar, the value at the bar's end."""
    top = max((b.value for b in bars), default=0) or 1
    height = ROW * len(bars) + 8
    rows = []
    for i, bar in enumerate(bars):
        y = 4 + i * ROW
        width = max(1, round(BAR_WIDTH * bar.value / top)) if bar.value else 0
        label = escape(_clip(bar.label))
        text = f'<text class="cf-chart-label" x="{LABEL_WIDTH - 8}" y="{y + 16}">{label}</text>'
        rows.append(
            f'<g>{text}<rect class="cf-chart-bar" x="{LABEL_WIDTH}" y="{y + 3}" '
            f'width="{width}" height="{ROW - 6}" rx="2"><title>{escape(bar.label)}: '
            f'{bar.value}</title></rect><text class="cf-chart-value" '
            f'x="{LABEL_WIDTH + width + 6}" y="{y + 16}">{bar.value}</text></g>'
        )
    return (
        f'<svg class="cf-chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        + "".join(rows)
        + "</svg>"
    )


def _clip(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
