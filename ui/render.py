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
from ingest.structure import parse_blocks
from vectorstore.store import DocumentRecord
from vectorstore.years import period_years

MAX_SHOWN_QUESTION_CHARS = 2000
DOCUMENT_HEADERS = ["标题", "日期", "发布单位", "分块数", "表格行"]
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
    page = f"第{fields['page']}页" if fields.get("page") else ""
    meta = " · ".join(escape(part) for part in (fields.get("date"), short_section, page) if part)
    summary = (
        f'<summary><span class="pqa-n">[{escape(fields.get("n"))}]</span> '
        f'<span class="pqa-title">《{escape(fields.get("title"))}》</span> '
        f'<span class="pqa-meta">{meta}</span></summary>'
    )
    body = (
        f'<div class="pqa-passage">{highlight(str(fields.get("text") or ""), str(fields.get("quote") or ""))}</div>'
        f'<div class="pqa-source">来源：{escape(fields.get("doc_id"))}'
        + (f" · 章节：{escape(section)}" if section else "")
        + (f" · {escape(page)}" if page else "")
        + "</div>"
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


def document_rows(records: Sequence[DocumentRecord]) -> list[list[Any]]:
    """Rows for the document table (the Dataframe shows them as plain text)."""
    return [
        [r.title, r.date, r.publisher, r.chunk_count, r.table_rows]
        for r in sorted(records, key=lambda r: (r.date, r.doc_id), reverse=True)
    ]


def document_choices(records: Sequence[DocumentRecord]) -> list[tuple[str, str]]:
    """(label, doc id) pairs for document pickers; labels carry the date to tell them apart."""
    ordered = sorted(records, key=lambda r: (r.date, r.doc_id), reverse=True)
    return [(f"{r.title}（{r.date}）" if r.date else r.title, r.doc_id) for r in ordered]


def year_choices(records: Sequence[DocumentRecord]) -> list[str]:
    years: set[int] = set()
    for record in records:
        years |= period_years(record.period, record.year or None)
    return [str(y) for y in sorted(years, reverse=True)]


def document_html(record: DocumentRecord | None, text: str) -> str:
    """A document's cleaned text grouped by section, every piece escaped."""
    if record is None:
        return '<div class="pqa-doc-empty">请选择一个文档阅读全文。</div>'
    facts = [
        record.publisher,
        record.date,
        f"{record.chunk_count} 个分块",
        f"{record.table_rows} 个表格行",
        f"{record.chars} 字",
    ]
    meta = " · ".join(escape(fact) for fact in facts if fact)
    head = (
        f'<div class="pqa-doc-head"><h3>{escape(record.title)}</h3>'
        f'<div class="pqa-meta">{meta}</div></div>'
    )
    if not text.strip():
        return head + '<div class="pqa-doc-empty">该文档没有可显示的文本。</div>'
    groups: list[tuple[str, list[str]]] = []
    for block in parse_blocks(text):
        path = block.section_path
        if not groups or groups[-1][0] != path:
            groups.append((path, []))
        is_title = (
            block.kind == "heading" and block.section and block.text.strip() == block.section[-1]
        )
        if is_title or not block.text.strip():
            continue  # the section header above shows it
        css = "pqa-row" if block.kind in ("table_row", "table_head") else "pqa-par"
        groups[-1][1].append(f'<p class="{css}">{_one_line(escape(block.text))}</p>')
    sections = "".join(
        f'<section class="pqa-sec"><h4>{escape(path) if path else "（正文）"}</h4>{"".join(body)}</section>'
        for path, body in groups
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
        lines.append(f"- {mark} {escape(result.original_name)}：{escape(result.message)}")
    return "\n".join(lines)
