"""The 指标 tab's HTML: a line chart (inline SVG) and the cited table of one indicator's facts.

The chart is drawn here rather than by a plotting library: the browser renders its Chinese
labels with its own fonts (a server-side PNG needs a CJK font installed), every point is a
link to its table row with the source and quote as its tooltip, and nothing is fetched.
One line per scope (广州市 and 黄埔区 are never joined); stated values are dots on the line,
targets and forecasts separate markers. Every text is escaped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

from ingest.facts import KIND_LABELS, display_value
from vectorstore.facts import SourcedFact

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 150, 20, 36
COLOURS = ("#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#57606a")
# Drawn on the line; the others (target, forecast) are markers off it.
_ON_LINE = frozenset({"actual", "share", "rank", "growth"})


def chartable(facts: Sequence[SourcedFact]) -> list[SourcedFact]:
    """The facts with a year, in the indicator's most common unit (one y axis)."""
    dated = [s for s in facts if s.fact.year]
    if not dated:
        return []
    unit = Counter(s.fact.unit for s in dated).most_common(1)[0][0]
    return [s for s in dated if s.fact.unit == unit]


def chart_svg(facts: Sequence[SourcedFact], numbers: dict[int, int]) -> str:
    """An SVG line chart; `numbers` maps id(fact) to its row number [n] in the table."""
    points = chartable(facts)
    if not points:
        return "<p class='pqa-meta'>没有可画图的年份数值。</p>"
    years = [s.fact.year for s in points]
    values = [s.fact.value for s in points]
    is_rank = all(s.fact.kind == "rank" for s in points)
    x0, x1 = min(years), max(years)
    y0, y1 = (0.0, max(values)) if not is_rank else (min(values), max(values))
    span_x, span_y = max(x1 - x0, 1), (y1 - y0) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        return LEFT + (year - x0) / span_x * plot_w

    def y(value: float) -> float:
        share = (value - y0) / span_y
        return TOP + (share if is_rank else 1 - share) * plot_h  # rank 1 at the top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="指标折线图" class="pqa-chart">',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        'stroke="#8c959f"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#8c959f"/>',
    ]
    for year in sorted(set(years)):
        parts.append(
            f'<text x="{x(year):.1f}" y="{HEIGHT - 12}" font-size="12" '
            f'text-anchor="middle">{year}</text>'
        )
    unit = escape(points[0].fact.unit)
    for value in (y0, y1):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" font-size="11" text-anchor="end">'
            f"{escape(_short(value))}{unit}</text>"
        )
    scopes = list(dict.fromkeys(s.fact.scope for s in points))
    for index, scope in enumerate(scopes):
        colour = COLOURS[index % len(COLOURS)]
        series = sorted((s for s in points if s.fact.scope == scope), key=lambda s: s.fact.year)
        line = [s for s in series if s.fact.kind in _ON_LINE]
        if len(line) >= 2:
            path = " ".join(f"{x(s.fact.year):.1f},{y(s.fact.value):.1f}" for s in line)
            parts.append(
                f'<polyline class="pqa-series" points="{path}" fill="none" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        for sourced in series:
            parts.append(_marker(sourced, x(sourced.fact.year), y(sourced.fact.value), colour,
                                 numbers.get(id(sourced), 0)))  # fmt: skip
        legend_y = TOP + 14 + index * 18
        parts.append(
            f'<rect x="{WIDTH - RIGHT + 12}" y="{legend_y - 9}" width="12" height="3" '
            f'fill="{colour}"/><text x="{WIDTH - RIGHT + 30}" y="{legend_y - 4}" '
            f'font-size="12">{escape(scope)}</text>'
        )
    key_y = TOP + 20 + len(scopes) * 18
    parts.append(
        f'<text x="{WIDTH - RIGHT + 12}" y="{key_y}" font-size="11">● 实际值 ◆ 目标/预计</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _marker(sourced: SourcedFact, cx: float, cy: float, colour: str, n: int) -> str:
    """A dot (on the line) or a diamond (a target, forecast), linked to its table row."""
    fact = sourced.fact
    tip = (
        f"[{n}] {fact.period} {fact.scope} {display_value(fact)}"
        f"（{KIND_LABELS.get(fact.kind, fact.kind)}）《{sourced.title}》「{fact.quote}」"
    )
    if fact.kind in _ON_LINE:
        shape = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}"/>'
    else:
        d = 6
        shape = (
            f'<polygon class="pqa-target" points="{cx:.1f},{cy - d:.1f} {cx + d:.1f},{cy:.1f} '
            f'{cx:.1f},{cy + d:.1f} {cx - d:.1f},{cy:.1f}" fill="white" stroke="{colour}" '
            'stroke-width="2"/>'
        )
    label = (
        f'<text x="{cx + 7:.1f}" y="{cy - 7:.1f}" font-size="11" fill="{colour}">'
        f"{escape(display_value(fact))}</text>"
    )
    return f'<a href="#pqa-fact-{n}"><title>{escape(tip)}</title>{shape}{label}</a>'


def _short(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def facts_table(facts: Sequence[SourcedFact]) -> str:
    """One row per fact, numbered [n] as the chart's points: period, scope, value, kind, source
    and the quoted words."""
    rows = []
    for n, sourced in enumerate(facts, start=1):
        fact = sourced.fact
        rows.append(
            f'<tr id="pqa-fact-{n}"><td>[{n}]</td><td>{escape(fact.period)}</td>'
            f"<td>{escape(fact.scope)}</td><td>{escape(display_value(fact))}</td>"
            f"<td>{escape(KIND_LABELS.get(fact.kind, fact.kind))}</td>"
            f"<td>《{escape(sourced.title)}》（{escape(sourced.date)}）</td>"
            f"<td>「{escape(fact.quote)}」</td></tr>"
        )
    head = "<tr><th></th><th>时期</th><th>范围</th><th>数值</th><th>类型</th><th>来源</th><th>原文</th></tr>"
    return f'<table class="pqa-facts">{head}{"".join(rows)}</table>'


def indicator_view(facts: Sequence[SourcedFact]) -> tuple[str, str]:
    """(chart, table) for one indicator; each chart point numbered as its table row."""
    ordered = sorted(facts, key=lambda s: (s.fact.scope, s.fact.period, s.fact.kind))
    numbers = {id(s): n for n, s in enumerate(ordered, start=1)}
    return chart_svg(ordered, numbers), facts_table(ordered)
