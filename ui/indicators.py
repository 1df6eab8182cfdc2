"""The 指标 tab: pick an indicator and see its values across years and scopes, each cited.

It reads the fact table (vectorstore.facts), which ingest rebuilds with every document, so
the list follows the library; the chart and table come from ui.indicator_chart.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from dataclasses import dataclass
from html import escape
from typing import Any

import gradio as gr

from ui.indicator_chart import indicator_view
from ui.session import Sessions
from vectorstore.facts import FactStore

log = logging.getLogger(__name__)

EMPTY = "<p class='pqa-meta'>暂无指标数据（导入文档后自动生成）。</p>"
UNAVAILABLE = "<p class='pqa-meta'>指标数据暂时无法读取，请稍后再试。</p>"


class IndicatorView:
    """The fact table as the tab shows it; a table that cannot be read shows a notice."""

    def __init__(self, facts: FactStore) -> None:
        self.facts = facts

    def names(self) -> list[str]:
        """Indicators with the most (scope, period) points first: those make a chart."""
        try:
            found = self.facts.query()
        except (sqlite3.Error, OSError) as error:
            log.warning("fact table unavailable: %s", error)
            return []
        counts = Counter(s.fact.indicator for s in found)
        points: dict[str, set[tuple[str, str]]] = {}
        for sourced in found:
            points.setdefault(sourced.fact.indicator, set()).add(
                (sourced.fact.scope, sourced.fact.period)
            )
        return sorted(counts, key=lambda k: (-len(points[k]), -counts[k], k))

    def show(self, name: str | None) -> tuple[str, str]:
        """(chart, table) HTML of one indicator (its key or any wording of it)."""
        if not name:
            return EMPTY, ""
        try:
            facts = self.facts.query(name)
        except (sqlite3.Error, OSError) as error:
            log.warning("fact table unavailable: %s", error)
            return UNAVAILABLE, ""
        if not facts:
            return f"<p class='pqa-meta'>没有找到指标“{escape(name)}”的数据。</p>", ""
        return indicator_view(facts)

    def refresh(self, current: str | None) -> tuple[Any, str, str]:
        """New choices (the library may have changed), keeping the current pick if it exists."""
        names = self.names()
        pick = current if current in names else (names[0] if names else None)
        return gr.update(choices=names, value=pick), *self.show(pick)


@dataclass(frozen=True)
class IndicatorsTab:
    picker: gr.Dropdown
    chart: gr.HTML
    table: gr.HTML


def indicators_tab(
    view: IndicatorView, sessions: Sessions, session: list[gr.State]
) -> IndicatorsTab:
    """Lay out the tab (inside its Tab) and wire the picker (figures of the session's
    collections; the first screen shows public ones)."""
    names = view.names()
    first = names[0] if names else None
    gr.Markdown(
        "<span class='pqa-meta'>各文档中出现的指标数值：每个范围一条线，目标值为空心菱形；"
        "点击图中的点跳到表格中的出处。</span>"
    )
    picker = gr.Dropdown(
        label="选择或输入指标",
        choices=names,
        value=first,
        filterable=True,
        allow_custom_value=True,
        elem_id="pqa-indicator",
    )
    chart_html, table_html = view.show(first)
    chart = gr.HTML(chart_html, elem_id="pqa-indicator-chart")
    table = gr.HTML(table_html, elem_id="pqa-indicator-table")
    picker.change(sessions.scoped(view.show), [picker, *session], [chart, table])
    return IndicatorsTab(picker, chart, table)
