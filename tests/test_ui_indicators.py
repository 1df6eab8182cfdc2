"""The 指标 tab: a chart with one line per scope and target markers, and the cited table."""

from __future__ import annotations

import re

from ingest.facts import Fact
from ui.indicator_chart import indicator_view
from ui.indicators import IndicatorView
from vectorstore.facts import FactStore, SourcedFact
from vectorstore.settings import StoreSettings


def _sourced(
    scope: str, period: str, value: float, kind: str = "actual", quote: str = "q"
) -> SourcedFact:
    fact = Fact("d", "c", "技术合同成交额", "技术合同成交额", scope, period, value, "亿元", kind, "",
                0, 1, quote)  # fmt: skip
    return SourcedFact(fact, "《标题》", "2021")


def test_one_line_per_scope_targets_off_the_line_and_points_link_to_rows() -> None:
    facts = [
        _sourced("广州市", "2017", 357),
        _sourced("广州市", "2018", 719),
        _sourced("黄埔区、广州开发区", "2020", 619),
        _sourced("黄埔区、广州开发区", "2025", 800, "target"),
    ]
    chart, table = indicator_view(facts)
    assert chart.count("<polyline") == 1  # 广州市's two actual values; 黄埔区 has one
    assert chart.count('class="pqa-target"') == 1
    links = re.findall(r'href="#pqa-fact-(\d+)"', chart)
    rows = re.findall(r'<tr id="pqa-fact-(\d+)"', table)
    assert sorted(links) == sorted(rows) == ["1", "2", "3", "4"]


def test_every_text_is_escaped() -> None:
    chart, table = indicator_view(
        [
            _sourced("<b>x</b>", "2018", 1, quote="<script>alert(1)</script>"),
            _sourced("<b>x</b>", "2019", 2),
        ]  # fmt: skip
    )
    for html in (chart, table):
        assert "<script>" not in html and "<b>" not in html
        assert "&lt;b&gt;" in html


def test_the_corpus_indicator_shows_every_value_with_its_source(
    indexed_settings: StoreSettings,
) -> None:
    view = IndicatorView(FactStore.in_dir(indexed_settings.data_dir))
    names = view.names()
    assert "技术合同成交额" in names[:5]  # stated for the most periods and scopes
    chart, table = view.show("技术合同成交额")
    for value in ("357", "719", "2646", "619", "800"):
        assert value in table
    assert "《黄埔区、广州开发区科技创新“十四五”规划》" in table
    assert chart.count("<polyline") == 1 and 'class="pqa-target"' in chart
    missing, _ = view.show("不存在的指标")
    assert "没有找到" in missing
