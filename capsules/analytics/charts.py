"""Small server-side SVG bar charts (no script, no CDN): a cohort's progress by week, its retention curve.

Each chart carries a <title> and an aria-label that says what it shows; the same numbers are in a table
next to it, for screen readers and for people who prefer to read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: nothing measured (drawn as an empty slot)
    text: str = ""  # what is written above the bar


def bar_chart(bars: list[Bar], *, title: str, max_value: float | None = None, unit: str = "",
              width: int = 640, height: int = 220) -> SafeString:
    """Vertical bars scaled to ``max_value`` (default: the largest value), labels below, values above."""
    pad_top, pad_bottom, pad_side = 24, 36, 8
    plot_h = height - pad_top - pad_bottom
    n = max(1, len(bars))
    slot = (width - 2 * pad_side) / n
    top = max_value if max_value else max([b.value or 0 for b in bars] + [1])
    # Labels that would overlap (a year of weeks) are written every few bars only (about 6.5 px a character).
    widest = max([len(b.label) for b in bars] + [1]) * 6.5 + 6
    every = max(1, math.ceil(widest / slot))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="geste-chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{pad_side}" y1="{pad_top + plot_h}" x2="{width - pad_side}" y2="{pad_top + plot_h}" '
        'stroke="#888" stroke-width="1"/>',
    ]
    for i, bar in enumerate(bars):
        x = pad_side + i * slot + slot * 0.15
        w = slot * 0.7
        cx = pad_side + i * slot + slot / 2
        if bar.value is not None:
            h = plot_h * min(1.0, max(0.0, bar.value / top)) if top else 0
            y = pad_top + plot_h - h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#0b5cad"/>')
            text = bar.text or f"{bar.value:g}{unit}"
            parts.append(f'<text x="{cx:.1f}" y="{y - 4:.1f}" font-size="12" text-anchor="middle">'
                         f'{escape(text)}</text>')
        else:
            parts.append(f'<text x="{cx:.1f}" y="{pad_top + plot_h - 4:.1f}" font-size="12" text-anchor="middle" '
                         'fill="#666">—</text>')
        if i % every == 0:
            parts.append(f'<text x="{cx:.1f}" y="{height - pad_bottom + 16:.1f}" font-size="11" '
                         f'text-anchor="middle">{escape(bar.label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
