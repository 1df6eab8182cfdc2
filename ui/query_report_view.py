"""The admin page of the query log: the report of `policy-qa log report` as HTML, with its
chart inline. Shown only to a session that passed the admin password."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from assistant.query_chart import per_day_svg
from assistant.query_log import QueryLog
from assistant.query_report import (
    EMBEDDING_THRESHOLD,
    QueryReport,
    build_report,
    embedding_similarity,
)

NOT_ADMIN = "❌ 请先验证管理员身份 / admin login required"


class QueryReportView:
    """Builds the report from the app's query log, grouping with the store's embedder."""

    def __init__(self, log: QueryLog, embed: Callable[[str], Sequence[float]]) -> None:
        self.log = log
        self.similarity = embedding_similarity(embed)

    def render(self, since: str, is_admin: bool) -> str:
        if not is_admin:
            return f"<p>{escape(NOT_ADMIN)}</p>"
        since = (since or "").strip()
        entries = self.log.entries(since)
        return report_html(build_report(entries, since, self.similarity, EMBEDDING_THRESHOLD))


def _period(since: str) -> str:
    return f"{since} 起" if since else "全部记录中"


def report_html(report: QueryReport) -> str:
    """Summary, chart, topics and the grouped unanswered questions; every text escaped."""
    summary = (
        f"<p class='pqa-report-summary'>{escape(_period(report.since))}共 "
        f"<b>{report.total}</b> 个提问，<b>{report.refused}</b> 个未回答，"
        f"<b>{report.disliked}</b> 个差评；中位响应 {report.median_latency_ms:.0f} 毫秒。</p>"
    )
    topics = "".join(
        f"<tr><td>{escape(topic)}</td><td>{count}</td></tr>" for topic, count in report.topics
    )
    groups = "".join(
        f"<li><b>{escape(group.label)}</b> <span class='pqa-meta'>{group.count} 次"
        f"（未回答 {group.refused}，差评 {group.disliked}）</span><ul>"
        + "".join(f"<li>{escape(example)}</li>" for example in group.examples[1:])
        + "</ul></li>"
        for group in report.groups
    )
    return (
        f"<div class='pqa-report'>{summary}{per_day_svg(report.per_day)}"
        "<h4>热门主题</h4><table class='pqa-table'><thead><tr><th>主题</th><th>提问数</th></tr>"
        f"</thead><tbody>{topics}</tbody></table>"
        "<h4>未回答或差评的问题（相似问题归为一组，可据此补充文档）</h4>"
        f"<ol class='pqa-report-groups'>{groups or '<li>无</li>'}</ol></div>"
    )
