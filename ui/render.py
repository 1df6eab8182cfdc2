"""Pure rendering for the web UI: every string from a document or a user is escaped here.

Chat messages are Markdown rendered by the Chatbot; citation cards and the document reader
are HTML. Both are built from `html.escape`d text only, so a document or question holding
`<script>` or `<img onerror=...>` shows as text and never runs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.config import AssistantSettings
from ingest.policy import CURRENT, DOC_TYPE_LABELS, DRAFT, STATUSES
from ingest.structure import parse_blocks
from ingest.years import period_years
from vectorstore.store import DocumentRecord

MAX_SHOWN_QUESTION_CHARS = 2000
DOCUMENT_HEADERS = ["标题", "日期", "发布单位", "类型", "文号", "状态"]
ADMIN_DOCUMENT_HEADERS = [*DOCUMENT_HEADERS, "分块数", "表格行", "文档编号"]
UNKNOWN_DATE = "日期未知"
_SUMMARY_SECTION_CHARS = 60


def escape(text: object) -> str:
    """HTML-escape any value (quotes too, so it is also safe inside attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def _one_line(fragment: str) -> str:
    """Markdown ends a raw HTML block at a blank line; keep generated HTML on one line."""
    return fragment.replace("\r", "").replace("\n", "<br>")


def chat_text(text: str) -> str:
    """Answer or question text for the Chatbot's Markdown: HTML-escaped, Markdown kept.

    `<`, `>` and `&` become entities so no tag survives; list markers, bold and line
    breaks still render. LaTeX is off in the Chatbot, so `$` needs no care here.
    """
    return escape(text)


def user_message(question: str) -> str:
    """The question as shown in the chat (very long questions are shortened for display)."""
    shown = question.strip()
    if len(shown) > MAX_SHOWN_QUESTION_CHARS:
        shown = (
            shown[:MAX_SHOWN_QUESTION_CHARS]
            + f"…（共 {len(question)} 字，显示前 {MAX_SHOWN_QUESTION_CHARS} 字）"
        )
    return chat_text(shown)


def _whitespace_pattern(quote: str) -> re.Pattern[str] | None:
    """Match the quote's characters in order, allowing any whitespace between them."""
    chars = [re.escape(ch) for ch in quote if not ch.isspace()]
    if not chars:
        return None
    return re.compile(r"\s*".join(chars))


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """[start, end) of the quote inside the passage text, tolerant of whitespace changes."""
    quote = quote.strip()
    if not quote:
        return None
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    pattern = _whitespace_pattern(quote)
    match = pattern.search(text) if pattern else None
    return (match.start(), match.end()) if match else None


def highlight(text: str, quote: str) -> str:
    """The passage, escaped, with the quoted span wrapped in <mark>.

    The span is located on the raw text and each piece is escaped separately, so the mark
    never splits an entity and the quote's own characters are escaped like the rest.
    """
    span = quote_span(text, quote)
    if span is None:
        return _one_line(escape(text))
    start, end = span
    return _one_line(
        f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"
    )


def _citation_fields(citation: Any) -> dict[str, Any]:
    """A Citation object or its to_json() dict, as one dict."""
    if isinstance(citation, dict):
        return citation
    return citation.to_json()


def citation_card(citation: Any, open_: bool = False) -> str:
    """One expandable card: [n] 《title》 date · section, then the passage with the quote marked."""
    fields = _citation_fields(citation)
    section = str(fields.get("section") or "")
    short_section = (
        section
        if len(section) <= _SUMMARY_SECTION_CHARS
        else "…" + section[-_SUMMARY_SECTION_CHARS:]
    )
    page = (
        f"第{fields['page']}页"
        if fields.get("page")
        else f"第{fields['paragraph']}段"
        if fields.get("paragraph")
        else ""
    )
    kind = DOC_TYPE_LABELS.get(str(fields.get("doc_type") or ""), "")
    parts = (kind, fields.get("doc_number"), fields.get("date"), short_section, page)
    meta = " · ".join(escape(part) for part in parts if part)
    summary = (
        f'<summary><span class="pqa-n">[{escape(fields.get("n"))}]</span> '
        f'<span class="pqa-title">《{escape(fields.get("title"))}》</span>'
        f"{status_badge(str(fields.get('status') or ''))} "
        f'<span class="pqa-meta">{meta}</span></summary>'
    )
    located = [escape(part) for part in (f"章节：{section}" if section else "", page) if part]
    if fields.get("link"):
        located.append(
            f'<a class="pqa-file" href="{escape(fields["link"])}" target="_blank" '
            f'rel="noopener">查看原文{escape(page)}</a>'
        )
    body = (
        '<div class="pqa-passage">'
        f"{highlight(str(fields.get('text') or ''), str(fields.get('quote') or ''))}</div>"
        + (f'<div class="pqa-source">{" · ".join(located)}</div>' if located else "")
    )
    opened = " open" if open_ else ""
    return _one_line(f'<details class="pqa-cite"{opened}>{summary}{body}</details>')


def citations_html(citations: Sequence[Any]) -> str:
    """All cards of one answer, or an empty string when it cites nothing."""
    if not citations:
        return ""
    cards = "".join(citation_card(c) for c in citations)
    return (
        f'<div class="pqa-cites"><div class="pqa-cites-head">引用来源（{len(citations)}）· 点击展开原文</div>'
        f"{cards}</div>"
    )


def warnings_markdown(warnings: Iterable[str]) -> str:
    lines = [f"> **提示：** {chat_text(w)}" for w in warnings if w]
    return "\n".join(lines)


def answer_message(text: str, citations: Sequence[Any], warnings: Iterable[str] = ()) -> str:
    """The full assistant message: escaped answer Markdown, warnings, then citation cards."""
    parts = [chat_text(text)]
    notes = warnings_markdown(warnings)
    if notes:
        parts.append(notes)
    cards = citations_html(citations)
    if cards:
        parts.append(cards)
    return "\n\n".join(parts)


def streaming_message(text: str) -> str:
    """An answer while it is still arriving."""
    return chat_text(text) + " ▍"


def error_message(error: BaseException) -> str:
    """A failure shown in the chat: the bilingual message, never a traceback."""
    return chat_text(f"【暂时无法回答 / cannot answer right now】\n\n{error}")


def mode_label(settings: AssistantSettings) -> str:
    """What produces the answers, in words staff understand."""
    if settings.mode == "llm":
        return f"大模型生成（{settings.model}），失败时自动改用离线检索摘录"
    return "离线检索摘录（逐字引用原文，不调用大模型）"


def mode_markdown(settings: AssistantSettings) -> str:
    return f"**回答模式：** {escape(mode_label(settings))}"


def mode_html(settings: AssistantSettings) -> str:
    return (
        '<div class="pqa-mode"><div class="pqa-mode-k">回答模式</div>'
        f'<div class="pqa-mode-v">{escape(mode_label(settings))}</div></div>'
    )


def display_date(date: str) -> str:
    return date or UNKNOWN_DATE


def _ordered(records: Sequence[DocumentRecord]) -> list[DocumentRecord]:
    return sorted(records, key=lambda r: (r.date, r.doc_id), reverse=True)


# Disabled documents stay listed (an admin can enable them again) but are never cited.
DISABLED_BADGE = ' <span class="pqa-disabled">已停用</span>'


def status_badge(status: str) -> str:
    """A coloured 现行有效 / 已失效 / 被替代 / 征求意见稿 mark ("" when unknown)."""
    if status not in STATUSES:
        return ""
    kind = "current" if status == CURRENT else "draft" if status == DRAFT else "retired"
    return f' <span class="pqa-status pqa-status-{kind}">{escape(status)}</span>'


def document_table_html(records: Sequence[DocumentRecord], admin: bool = False) -> str:
    """The library table; chunk and table-row counts and file ids only in the admin view."""
    headers = ADMIN_DOCUMENT_HEADERS if admin else DOCUMENT_HEADERS
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    rows = []
    for r in _ordered(records):
        cells = [
            f'<td class="pqa-t-title">{escape(r.title)}{DISABLED_BADGE if r.disabled else ""}</td>',
            f'<td class="pqa-t-date">{escape(display_date(r.date))}</td>',
            f"<td>{escape(r.publisher)}</td>",
            f"<td>{escape(DOC_TYPE_LABELS.get(r.doc_type, r.doc_type))}</td>",
            f'<td class="pqa-t-number">{escape(r.doc_number)}</td>',
            f"<td>{status_badge(r.validity)}{_validity_note(r)}</td>",
        ]
        if admin:
            cells += [f"<td>{r.chunk_count}</td>", f"<td>{r.table_rows}</td>"]
            cells.append(f'<td class="pqa-t-id">{escape(r.doc_id)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="pqa-table pqa-doctable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _validity_note(record: DocumentRecord) -> str:
    """When the document is in force, and what replaced it, as a small note under the badge."""
    span = "–".join(part for part in (record.effective_from, record.effective_to) if part)
    if record.effective_from and not record.effective_to:
        span += " 起"
    elif record.effective_to and not record.effective_from:
        span = f"至 {span}"
    notes = [span, f"由 {record.superseded_by} 替代" if record.superseded_by else ""]
    shown = " · ".join(escape(note) for note in notes if note)
    return f'<div class="pqa-meta">{shown}</div>' if shown else ""


def document_choices(records: Sequence[DocumentRecord]) -> list[tuple[str, str]]:
    """(label, doc id) pairs for document pickers; labels carry the date to tell them apart."""
    return [(f"{r.title}（{display_date(r.date)}）", r.doc_id) for r in _ordered(records)]


def validity_choices() -> list[tuple[str, str]]:
    """(label, value) pairs of the chat's status/type filter: every status, then every type."""
    statuses = [(f"状态：{status}", f"status:{status}") for status in STATUSES]
    return statuses + [
        (f"类型：{label}", f"type:{code}") for code, label in DOC_TYPE_LABELS.items()
    ]


def year_choices(records: Sequence[DocumentRecord]) -> list[str]:
    return [str(y) for y in sorted(_content_years(records), reverse=True)]


def _content_years(records: Sequence[DocumentRecord]) -> set[int]:
    years: set[int] = set()
    for record in records:
        years |= period_years(record.period, record.year or None)
    return years


def _span(years: Iterable[int]) -> str:
    chosen = sorted(years)
    if not chosen:
        return ""
    return f"{chosen[0]}–{chosen[-1]} 年" if chosen[0] != chosen[-1] else f"{chosen[0]} 年"


def coverage_html(records: Sequence[DocumentRecord], settings: AssistantSettings) -> str:
    """The first screen: which documents answers come from, the years they span, the mode."""
    published = {int(r.date[:4]) for r in records if r.date[:4].isdigit()}
    spans = [
        f"发布于 {_span(published)}" if published else "",
        f"内容涉及 {_span(_content_years(records))}" if _content_years(records) else "",
    ]
    summary = "，".join(part for part in spans if part)
    items = "".join(
        f'<li><span class="pqa-cover-title">《{escape(r.title)}》</span>'
        '<span class="pqa-meta">'
        f"{escape(' · '.join(p for p in (r.publisher, display_date(r.date)) if p))}</span></li>"
        for r in _ordered(records)
    )
    listing = f"<ul>{items}</ul>" if items else '<p class="pqa-meta">文档库暂无文档。</p>'
    return _one_line(
        '<div class="pqa-cover">'
        f'<div class="pqa-cover-head">本助手依据已收录的 {len(records)} 个文档回答'
        f"{('（' + escape(summary) + '）') if summary else ''}，每条结论附原文引用：</div>"
        f"{listing}"
        f'<div class="pqa-cover-mode">回答模式：{escape(mode_label(settings))}</div>'
        '<div class="pqa-meta">在下方输入问题，或点击示例问题直接提问。</div></div>'
    )


def _row_cells(row_text: str) -> tuple[str, str, list[tuple[str, str]]]:
    """(group, item, [(column, value)]) from a rebuilt row "title | group | item: col v; col v"."""
    parts = row_text.split(" | ")
    group = parts[1] if len(parts) >= 3 else ""
    item, _, described = parts[-1].partition(": ")
    values = []
    for piece in described.split("; ") if described else []:
        column, _, value = piece.rpartition(" ")
        values.append((column, value))
    return group, item, values


def table_html(head_text: str, row_texts: Sequence[str]) -> str:
    """A rebuilt table as an HTML <table>: title as caption, columns from the rows' cells."""
    caption = head_text.strip().splitlines()[0] if head_text.strip() else ""
    rows = [_row_cells(text) for text in row_texts]
    columns: list[str] = []
    for _, _, values in rows:
        columns += [c for c, _ in values if c not in columns]
    grouped = any(group for group, _, _ in rows)
    head = ("<th>类别</th>" if grouped else "") + "<th>指标</th>"
    head += "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for group, item, values in rows:
        by_column = dict(values)
        cells = f"<td>{escape(group)}</td>" if grouped else ""
        cells += f"<td>{escape(item)}</td>"
        cells += "".join(f"<td>{escape(by_column.get(c, ''))}</td>" for c in columns)
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="pqa-table-wrap"><table class="pqa-table"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _section_bodies(text: str) -> list[tuple[str, list[str]]]:
    """(section path, HTML pieces) in document order; a table's rows become one <table>."""
    groups: list[tuple[str, list[str]]] = []
    table_head: str | None = None
    table_rows: list[str] = []

    def flush_table() -> None:
        nonlocal table_head
        if table_head is not None or table_rows:
            groups[-1][1].append(table_html(table_head or "", table_rows))
        table_head = None
        table_rows.clear()

    for block in parse_blocks(text):
        path = block.section_path
        if block.kind != "table_row":
            flush_table()  # anything but a row ends the table before it
        if not groups or groups[-1][0] != path:
            groups.append((path, []))
        if block.kind == "table_head":
            table_head = block.text
            continue
        if block.kind == "table_row":
            table_rows.append(block.text)
            continue
        is_title = (
            block.kind == "heading" and block.section and block.text.strip() == block.section[-1]
        )
        if is_title or not block.text.strip():
            continue  # the section header above shows it
        groups[-1][1].append(f'<p class="pqa-par">{_one_line(escape(block.text))}</p>')
    flush_table()
    return groups


def document_html(record: DocumentRecord | None, text: str, admin: bool = False) -> str:
    """A document's cleaned text grouped by section, tables as tables, every piece escaped."""
    if record is None:
        return '<div class="pqa-doc-empty">请选择一个文档阅读全文。</div>'
    facts = [record.publisher, display_date(record.date), f"{record.chars} 字"]
    if admin:
        facts += [f"{record.chunk_count} 个分块", f"{record.table_rows} 个表格行"]
    meta = " · ".join(escape(fact) for fact in facts if fact)
    head = (
        f'<div class="pqa-doc-head"><h3>{escape(record.title)}</h3>'
        f'<div class="pqa-meta">{meta}</div></div>'
    )
    if not text.strip():
        return head + '<div class="pqa-doc-empty">该文档没有可显示的文本。</div>'
    sections = "".join(
        f'<section class="pqa-sec"><h4>{escape(path) if path else "（正文）"}</h4>'
        f"{''.join(body)}</section>"
        for path, body in _section_bodies(text)
        if body or path
    )
    return f'<div class="pqa-doc">{head}{sections}</div>'


def upload_report(results: Sequence[Any]) -> str:
    """One line per uploaded file (✅ / ❌ with the reason); file names are user input, escaped."""
    if not results:
        return ""
    ok = sum(1 for r in results if r.ok)
    lines = [f"**导入结果：{ok} 个成功，{len(results) - ok} 个失败**", ""]
    for result in results:
        mark = "✅" if result.ok else "❌"
        lines.append(f"- {mark} {escape(result.name)}：{escape(result.message)}")
    return "\n".join(lines)
