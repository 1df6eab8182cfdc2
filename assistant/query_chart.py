"""The query report's chart: questions per day as bars, the refused or 👎 part darker.

Inline SVG, drawn here like the 指标 tab's chart (ui/indicator_chart.py): the browser renders
the Chinese labels with its own fonts, the CLI writes the same SVG to a file, and nothing is
fetched. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 28, 40
ASKED, MISSED = "#8fb3e8", "#d1242f"
MAX_DAY_LABELS = 12
MAX_BAR = 36.0  # a few days of log still look like days, not a wall


def per_day_svg(per_day: Sequence[tuple[str, int, int]]) -> str:
    """Bars of (day, questions, refused or 👎); an empty log draws a short note instead.

    Labels say 差评 rather than 👎: a browser or viewer without an emoji font draws a box."""
    if not per_day:
        return "<p class='pqa-meta'>日志中还没有提问。</p>"
    top = max(count for _, count, _ in per_day) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(per_day)
    bar = min(MAX_BAR, max(1.0, slot * 0.7))
    label_every = max(1, -(-len(per_day) // MAX_DAY_LABELS))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pqa-query-chart" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="每日提问数">',
        f'<text x="{LEFT}" y="16" font-size="12" fill="#333">每日提问数（红色：未回答或差评）</text>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#999"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" font-size="11" text-anchor="end">{top}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" font-size="11" text-anchor="end">0</text>',
    ]
    for position, (day, count, missed) in enumerate(per_day):
        x = LEFT + position * slot + (slot - bar) / 2
        for value, colour in ((count, ASKED), (missed, MISSED)):
            height = plot_h * value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{bar:.1f}" '
                f'height="{height:.1f}" fill="{colour}"><title>{escape(day)}：{count} 个提问，'
                f"{missed} 个未回答或差评</title></rect>"
            )
        if position % label_every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" '
                f'text-anchor="middle">{escape(day[5:])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
