"""UI rendering: everything from documents and users is escaped; quotes are highlighted."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from assistant.config import AssistantSettings
from ingest.chunking import Chunk
from ui import render
from vectorstore.search import Passage
from vectorstore.store import DocumentRecord

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def record(**overrides: object) -> DocumentRecord:
    fields: dict[str, object] = {
        "doc_id": "evil.txt",
        "title": f"标题{SCRIPT}",
        "publisher": f"发布{IMG}",
        "date": "2024-01-02",
        "period": "2021–2025",
        "year": 2025,
        "doc_type": "plan",
        "version": "abc",
        "chunk_count": 3,
        "table_rows": 1,
        "chars": 120,
    }
    fields.update(overrides)
    return DocumentRecord(**fields)  # type: ignore[arg-type]


def citation(text: str, quote: str, section: str = "一、总体要求 > (一)目标") -> dict[str, object]:
    return {
        "n": 1,
        "doc_id": "evil.txt",
        "title": f"《规划》{SCRIPT}",
        "date": "2021",
        "section": section,
        "text": text,
        "quote": quote,
    }


def assert_inert(fragment: str) -> None:
    """No tag from content survives: only our own tags appear, never script/img/on* handlers."""
    assert "<script" not in fragment.lower()
    assert "<img" not in fragment.lower()
    assert not re.search(r"<[^>]*\son\w+=", fragment)


def test_citation_card_escapes_document_text_title_and_section() -> None:
    text = f"前文{SCRIPT}到2025年高新技术企业数量达2600家{IMG}后文"
    card = render.citation_card(citation(text, "到2025年高新技术企业数量达2600家", f"章节{IMG}"))
    assert_inert(card)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert "&lt;img src=x onerror=alert(1)&gt;" in card
    assert "<mark>到2025年高新技术企业数量达2600家</mark>" in card
    assert card.startswith('<details class="pqa-cite">')
    assert "《《规划》&lt;script&gt;" in card
    assert "\n" not in card  # one line: Markdown must not end the HTML block early


def test_highlight_marks_quote_that_itself_contains_markup() -> None:
    text = f"甲{SCRIPT}乙"
    marked = render.highlight(text, f"{SCRIPT}乙")
    assert marked == "甲<mark>&lt;script&gt;alert(1)&lt;/script&gt;乙</mark>"


def test_highlight_tolerates_whitespace_differences_and_missing_quote() -> None:
    text = "到2025年,科技型中小企业\n备案数达3000家"
    assert "<mark>" in render.highlight(text, "科技型中小企业 备案数达3000家")
    assert "<br>" in render.highlight(text, "不存在的句子")
    assert "<mark>" not in render.highlight(text, "不存在的句子")
    assert "<mark>" not in render.highlight(text, "   ")


def test_citation_card_accepts_citation_objects(processed_corpus: dict) -> None:
    from assistant.answer import Citation

    processed = processed_corpus["003_d7285df370a477b8.txt"]
    chunk: Chunk = processed.chunks[0]
    doc = record(doc_id=chunk.doc_id, title="黄埔区规划", publisher="黄埔区")
    passage = Passage(chunk, doc, 1.0, {}, chunk.text)
    quote = chunk.text.split("\n")[-1][:12]
    card = render.citation_card(Citation(1, passage, quote))
    assert "《黄埔区规划》" in card
    assert f"<mark>{render.escape(quote)}</mark>" in card


def test_user_question_and_answer_text_are_escaped() -> None:
    shown = render.user_message(f"多少家？{SCRIPT}{IMG}")
    assert_inert(shown)
    assert "&lt;script&gt;" in shown
    message = render.answer_message(
        f"- 「{IMG}」[1]", [citation("正文", "正文")], [f"警告{SCRIPT}"]
    )
    assert_inert(message)
    assert message.count("<details") == 1
    assert "&lt;script&gt;" in message  # the warning


def test_long_question_shortened_for_display() -> None:
    shown = render.user_message("问" * 5000)
    assert "共 5000 字" in shown
    assert len(shown) < 2200


def test_error_message_has_no_traceback_and_is_escaped() -> None:
    message = render.error_message(RuntimeError(f"无法连接 Chroma {SCRIPT}"))
    assert "Traceback" not in message
    assert_inert(message)
    assert "暂时无法回答" in message


def test_mode_label() -> None:
    assert render.mode_label(AssistantSettings()).startswith("离线检索摘录")
    llm = AssistantSettings(api_key="sk-secret", model="qwen-plus", mode="llm")
    label = render.mode_markdown(llm)
    assert "qwen-plus" in label
    assert "sk-secret" not in label


def test_document_table_choices_and_years() -> None:
    records = [
        record(),
        record(doc_id="b.txt", title="乙", date="", period="2018–2019", year=2018),
    ]
    table = render.document_table_html(records)
    assert_inert(table)
    assert "&lt;script&gt;" in table and "分块数" not in table and "evil.txt" not in table
    assert "日期未知" in table  # a document without a stated date
    admin = render.document_table_html(records, admin=True)
    assert "<th>分块数</th><th>表格行</th>" in admin and "<td>3</td><td>1</td>" in admin
    assert render.document_choices(records)[1] == ("乙（日期未知）", "b.txt")
    assert render.year_choices(records) == ["2025", "2024", "2023", "2022", "2021", "2019", "2018"]


def test_first_screen_says_what_is_covered() -> None:
    records = [record(), record(doc_id="b.txt", title="乙", date="2019", year=2018, period="2018")]
    cover = render.coverage_html(records, AssistantSettings())
    assert_inert(cover)
    assert "2 个文档" in cover and "发布于 2019–2024 年" in cover
    assert "内容涉及 2018–2025 年" in cover
    assert "《乙》" in cover and "离线检索摘录" in cover
    assert "暂无文档" in render.coverage_html([], AssistantSettings())


def test_rebuilt_table_rows_render_as_an_html_table() -> None:
    rows = [
        "表1 指标 | 科技 | 1 高新技术企业(家): 2020年完成值 2109; 2025年目标值 2600",
        f"表1 指标 | 科技 | 2 新型研发机构{SCRIPT}(家): 2020年完成值 26; 2025年目标值 40",
    ]
    html = render.table_html("表1:指标\n序号\n指标", rows)
    assert_inert(html)
    assert "<caption>表1:指标</caption>" in html
    assert "<th>类别</th><th>指标</th><th>2020年完成值</th><th>2025年目标值</th>" in html
    assert "<td>科技</td><td>1 高新技术企业(家)</td><td>2109</td><td>2600</td>" in html
    assert html.count("<tr>") == 3


def test_reader_shows_counts_only_to_the_admin() -> None:
    text = "一、总体要求\n到2025年，高新技术企业数量达2600家。\n"
    assert "分块" not in render.document_html(record(), text)
    assert "3 个分块" in render.document_html(record(), text, admin=True)
    assert "日期未知" in render.document_html(record(date=""), text)


def test_document_html_groups_by_section_and_escapes() -> None:
    text = (
        "前言\n"
        f"当今世界正经历百年未有之大变局，引言段落{SCRIPT}。\n"
        "一、总体要求\n"
        f"到2025年，高新技术企业数量达2600家，第一段{IMG}。\n"
        "二、重点任务\n"
        "加快建设重大创新平台，推动产业发展，第二段。\n"
    )
    page = render.document_html(record(), text)
    assert_inert(page)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<h4>一、总体要求</h4>" in page
    assert "<h4>二、重点任务</h4>" in page
    assert page.index("第一段") < page.index("二、重点任务")
    assert "&lt;script&gt;" in page.split("<section")[0]  # the title


def test_document_html_without_selection_or_text() -> None:
    assert "请选择" in render.document_html(None, "")
    assert "没有可显示" in render.document_html(record(), "  ")


@pytest.mark.parametrize("name", ["../../x.txt", f"{SCRIPT}.txt"])
def test_upload_report_escapes_names(name: str) -> None:
    from vectorstore.indexer import IndexResult

    report = render.upload_report([IndexResult(name, "error", f"失败{IMG}")])
    assert_inert(report)
    assert "0 个成功，1 个失败" in report


# -- one chat turn (the streamed handler behind the chat box) ---------------------------------


class _StubAssistant:
    """Streams a fixed answer (or raises), recording the history it was given."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.histories: list[list[tuple[str, str]]] = []
        self.filters: list[object] = []

    def ask_stream(self, question, history=(), filters=None, mode=None):  # type: ignore[no-untyped-def]
        from assistant.answer import Answer

        self.histories.append(list(history))
        self.filters.append(filters)
        if self.error is not None:
            raise self.error
        yield "答案"
        yield f"：{question}[1]"
        yield Answer(question, f"答案：{question}[1]", (), "extractive", False, ("年份不同",))


def _run_turn(assistant, message, chat=None, turns=None, docs=None, years=None):  # type: ignore[no-untyped-def]
    from ui.chat import chat_turn

    steps = list(chat_turn(assistant, message, chat or [], turns or [], docs or [], years or []))
    return steps, steps[-1]


def test_chat_turn_streams_escapes_and_keeps_history_for_follow_ups() -> None:
    stub = _StubAssistant()
    steps, (box, chat, turns) = _run_turn(stub, f"第一问{SCRIPT}")
    assert box == ""
    assert len(steps) >= 3  # placeholder, streamed increment(s), final
    assert chat[0] == {"role": "user", "content": render.user_message(f"第一问{SCRIPT}")}
    assert_inert(chat[1]["content"])
    assert "年份不同" in chat[1]["content"]
    assert turns[0].question == f"第一问{SCRIPT}" and turns[0].message_index == 1
    _, (_, chat, turns) = _run_turn(stub, "那第二个呢？", chat, turns, ["003.txt"], ["2025"])
    assert stub.histories[-1] == [(f"第一问{SCRIPT}", f"答案：第一问{SCRIPT}[1]")]
    assert stub.filters[-1].doc_ids == frozenset({"003.txt"})
    assert stub.filters[-1].years == frozenset({2025})
    assert [t.message_index for t in turns] == [1, 3] and len(chat) == 4


def test_chat_turn_shows_store_errors_and_failures_without_traceback() -> None:
    from vectorstore.errors import StoreUnavailable

    down = StoreUnavailable(
        "无法连接 Chroma 服务器 localhost:8000", "cannot reach the Chroma server"
    )
    _, (_, chat, turns) = _run_turn(_StubAssistant(down), "问题")
    assert "无法连接 Chroma 服务器" in chat[-1]["content"]
    assert "cannot reach the Chroma server" in chat[-1]["content"]
    assert turns == []
    _, (_, chat, _) = _run_turn(_StubAssistant(KeyError("secret internals")), "问题")
    assert "内部错误" in chat[-1]["content"]
    assert "secret internals" not in chat[-1]["content"]
    assert "Traceback" not in chat[-1]["content"]


def test_chat_turn_ignores_empty_question() -> None:
    stub = _StubAssistant()
    steps, (box, chat, turns) = _run_turn(stub, "   ")
    assert chat == [] and turns == [] and stub.histories == []


def test_chat_turn_with_the_real_index(searcher) -> None:  # type: ignore[no-untyped-def]
    from assistant.answer import Assistant
    from assistant.config import AssistantSettings

    assistant = Assistant(searcher, AssistantSettings.from_env({}))
    _, (_, chat, turns) = _run_turn(assistant, "2025年黄埔区高新技术企业要达到多少家？")
    content = chat[-1]["content"]
    assert "2600" in content
    assert '<details class="pqa-cite">' in content
    assert "黄埔区、广州开发区科技创新“十四五”规划" in content
    assert turns[0].citations[0]["doc_id"] == "003_d7285df370a477b8.txt"


def test_citation_card_shows_type_number_and_status_badge() -> None:
    fields = {"n": 1, "title": "办法", "date": "2019", "section": "第一条", "text": "正文"}
    fields |= {"quote": "正文", "doc_type": "policy", "doc_number": "穗科〔2019〕1号<b>"}
    card = render.citation_card(fields | {"status": "已失效"})
    assert "政策文件" in card and "穗科〔2019〕1号&lt;b&gt;" in card and "<b>" not in card
    assert '<span class="pqa-status pqa-status-retired">已失效</span>' in card
    assert "pqa-status-current" in render.citation_card(fields | {"status": "现行有效"})
    assert "pqa-status" not in render.citation_card(fields | {"status": "<i>x</i>"})


def test_the_sources_line_names_an_undated_document_without_empty_brackets(
    processed_corpus: dict,
) -> None:
    from assistant.answer_form import sources_line

    chunk: Chunk = processed_corpus["003_d7285df370a477b8.txt"].chunks[0]
    dated = Passage(chunk, record(doc_id=chunk.doc_id, title="黄埔区规划"), 1.0, {}, chunk.text)
    undated = Passage(chunk, replace(dated.document, date=""), 1.0, {}, chunk.text)
    assert sources_line([dated]) == f"来源：《黄埔区规划》（{dated.date}）"
    assert sources_line([undated]) == "来源：《黄埔区规划》"
