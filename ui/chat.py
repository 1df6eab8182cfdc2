"""The chat tab: the question box, the streamed answer with citation cards, examples, filters
and the 👍/👎 feedback with its optional comment."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from assistant.answer import Answer, Assistant
from assistant.config import AssistantSettings
from ui import render
from ui.api.files import LinkGrants
from ui.feedback import REASONS, FeedbackLog, new_question_id
from ui.session import Sessions
from vectorstore.errors import StoreError
from vectorstore.scope import PUBLIC_SCOPE, current_scope
from vectorstore.search import SearchFilters
from vectorstore.store import DocumentRecord

log = logging.getLogger(__name__)

# A question asked from the examples (below the chat on a phone) is answered above them.
SCROLL_TO_CHAT_JS = "() => document.querySelector('#pqa-chat')?.scrollIntoView({block: 'start'})"


@dataclass(frozen=True)
class ChatTurn:
    """One answered question of a session: what follow-ups and feedback need of it."""

    question: str
    answer: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    mode: str = "extractive"
    refused: bool = False
    message_index: int = 0  # the answer's position in the chat messages
    question_id: str = field(default_factory=new_question_id)


STAFF_EXAMPLES = [
    "2025年黄埔区高新技术企业要达到多少家？",
    "黄埔区“十四五”期间要建设哪些重大创新平台？",
    "2018年广州市技术合同成交额是多少？",
    "广州在自然指数全球科研城市中排第几？",
]
ENTERPRISE_EXAMPLES = [
    "企业申请研发投入有哪些支持政策？",
    "广州对高新技术企业培育有哪些措施？",
    "科技型中小企业可以获得哪些金融支持？",
    "新型研发机构协同创新联盟能为企业提供什么服务？",
]
EXAMPLE_SETS = (
    ("staff", "政府工作人员", STAFF_EXAMPLES),
    ("enterprise", "企业", ENTERPRISE_EXAMPLES),
)


def _filters(
    doc_ids: list[str] | None, years: list[str] | None, kinds: list[str] | None = None
) -> SearchFilters | None:
    """The chat's filters; `kinds` are validity choices ("status:现行有效", "type:plan")."""
    chosen_years = frozenset(int(y) for y in years or [] if str(y).isdigit())
    picked = [str(kind).partition(":") for kind in kinds or []]
    statuses = frozenset(value for key, _, value in picked if key == "status")
    doc_types = frozenset(value for key, _, value in picked if key == "type")
    if not (doc_ids or chosen_years or statuses or doc_types):
        return None
    return SearchFilters(frozenset(doc_ids or []), chosen_years, statuses, doc_types)


def _assistant_index(chat: list[dict[str, Any]], index: Any) -> int | None:
    """The chat position a like event refers to (an int, or [row, col] in older layouts)."""
    if isinstance(index, (list, tuple)):
        index = index[0] if index else None
    return index if isinstance(index, int) and 0 <= index < len(chat) else None


def chat_turn(
    assistant: Assistant,
    message: str,
    chat: list[dict[str, Any]],
    turns: list[ChatTurn],
    doc_ids: list[str],
    years: list[str],
    kinds: list[str] | None = None,
    *,
    grants: LinkGrants | None = None,
) -> Iterator[tuple[Any, ...]]:
    """One question in the chat: (textbox, chat messages, turns) after each streamed step.

    `turns` keeps what the assistant needs for follow-ups (question, answer text) and what
    feedback records (citations, mode), with the chat position of each answer.
    """
    question = message or ""
    chat = list(chat or [])
    turns = list(turns or [])
    if not question.strip():
        gr.Warning("请输入一个问题。/ Please enter a question.", title="提示")
        yield message, chat, turns
        return
    chat.append({"role": "user", "content": render.user_message(question)})
    chat.append({"role": "assistant", "content": "正在检索相关文档…"})
    yield "", chat, turns
    history = [(t.question, t.answer) for t in turns]
    pieces: list[str] = []
    final: Answer | None = None
    last_push = 0.0
    try:
        for item in assistant.ask_stream(question, history, _filters(doc_ids, years, kinds)):
            if isinstance(item, Answer):
                final = item
                continue
            pieces.append(item)
            now = time.monotonic()
            if now - last_push > 0.05:
                chat[-1] = {
                    "role": "assistant",
                    "content": render.streaming_message("".join(pieces)),
                }
                last_push = now
                yield "", chat, turns
    except StoreError as error:
        chat[-1] = {"role": "assistant", "content": render.error_message(error)}
        yield "", chat, turns
        return
    except Exception as error:  # never a traceback in the page
        log.exception("answering failed")
        chat[-1] = {
            "role": "assistant",
            "content": render.error_message(
                RuntimeError(f"内部错误，请稍后重试 / internal error ({type(error).__name__})")
            ),
        }
        yield "", chat, turns
        return
    if final is None:
        return
    chat[-1] = {
        "role": "assistant",
        "content": render.answer_message(final.text, _cards(final, grants), final.warnings),
    }
    turns.append(
        ChatTurn(
            question,
            final.text,
            [c.to_json() for c in final.citations],
            final.mode,
            final.refused,
            len(chat) - 1,
        )
    )
    yield "", chat, turns


def _cards(answer: Answer, grants: LinkGrants | None) -> list[dict[str, Any]]:
    """The citations as cards; a logged-in session's links carry a grant (its browser sends no
    token when it follows one), a public session's need none."""
    cards: list[dict[str, Any]] = [citation.to_json() for citation in answer.citations]
    if grants is None or current_scope() == PUBLIC_SCOPE:
        return cards
    return [
        {**card, "link": grants.link(str(card["doc_id"]), int(card["page"] or 0))}
        if card["link"]
        else card
        for card in cards
    ]


@dataclass
class ChatTab:
    """The chat tab's components that events read or update."""

    chatbot: gr.Chatbot
    question_box: gr.Textbox
    send: gr.Button
    examples: tuple[gr.Dataset, gr.Dataset]
    doc_filter: gr.Dropdown
    year_filter: gr.Dropdown
    kind_filter: gr.Dropdown
    clear: gr.Button
    comment_box: gr.Group
    reason: gr.Radio
    comment_text: gr.Textbox
    comment_send: gr.Button
    comment_skip: gr.Button


def chat_tab(initial_docs: list[DocumentRecord], settings: AssistantSettings) -> ChatTab:
    """Lay out the chat tab (inside the page's Tabs)."""
    with (
        gr.Tab("智能问答", id="chat", elem_id="pqa-tab-chat"),
        gr.Row(equal_height=False, elem_id="pqa-main"),
    ):
        with gr.Column(scale=3, min_width=320, elem_id="pqa-chat-col"):
            chatbot = gr.Chatbot(
                label="对话",
                show_label=False,
                elem_id="pqa-chat",
                height=None,
                max_height=720,
                latex_delimiters=[],
                buttons=["copy"],
                feedback_options=("Like", "Dislike"),
                placeholder=render.coverage_html(initial_docs, settings),
            )
            with gr.Group(visible=False, elem_id="pqa-comment") as comment_box:
                reason = gr.Radio(
                    choices=list(REASONS),
                    label="这个回答哪里不对？（可选）",
                    elem_id="pqa-reason",
                )
                comment_text = gr.Textbox(
                    label="补充说明（可选）",
                    placeholder="例如：正确数字应为……，或应引用哪份文档",
                    lines=2,
                    max_lines=6,
                    elem_id="pqa-comment-text",
                )
                with gr.Row():
                    comment_send = gr.Button(
                        "提交说明", variant="primary", elem_id="pqa-comment-send"
                    )
                    comment_skip = gr.Button("跳过", elem_id="pqa-comment-skip")
            with gr.Row(equal_height=True, elem_id="pqa-input-row"):
                question_box = gr.Textbox(
                    label="问题",
                    placeholder="请输入问题，例如：2025年黄埔区高新技术企业要达到多少家？（回车发送）",
                    show_label=False,
                    lines=1,
                    max_lines=4,
                    scale=8,
                    elem_id="pqa-input",
                )
                send = gr.Button(
                    "发送", variant="primary", scale=1, min_width=90, elem_id="pqa-send"
                )
        with gr.Column(scale=1, min_width=300, elem_id="pqa-side"):
            gr.HTML(render.mode_html(settings), elem_id="pqa-mode")
            staff_examples, enterprise_examples = (
                gr.Dataset(
                    components=[question_box],
                    samples=[[q] for q in questions],
                    label=f"示例问题 · {audience}（点击即提问）",
                    elem_id=f"pqa-examples-{name}",
                )
                for name, audience, questions in EXAMPLE_SETS
            )
            doc_filter, year_filter, kind_filter = (
                gr.Dropdown(
                    label=label,
                    info=info,
                    choices=choices,
                    multiselect=True,
                    elem_id=f"pqa-{name}-filter",
                )
                for name, label, info, choices in (
                    (
                        "doc",
                        "按文档筛选",
                        "不选则检索全部文档",
                        render.document_choices(initial_docs),
                    ),
                    (
                        "year",
                        "按年份筛选",
                        "只检索涵盖所选年份的文档",
                        render.year_choices(initial_docs),
                    ),
                    (
                        "kind",
                        "按状态、类型筛选",
                        "例如只检索现行有效的政策文件",
                        render.validity_choices(),
                    ),
                )
            )
            clear = gr.Button("清空对话", variant="secondary", elem_id="pqa-clear")
    return ChatTab(
        chatbot,
        question_box,
        send,
        (staff_examples, enterprise_examples),
        doc_filter,
        year_filter,
        kind_filter,
        clear,
        comment_box,
        reason,
        comment_text,
        comment_send,
        comment_skip,
    )


def wire_chat(
    tab: ChatTab,
    assistant: Assistant,
    feedback: FeedbackLog,
    sessions: Sessions,
    session: list[gr.State],
) -> None:
    """Questions, examples, clearing, votes and comments (inside the page's Blocks); answers
    use the collections of the `session` (user, is_admin) states."""
    turns_state = gr.State([])
    pending_comment = gr.State("")
    grants = LinkGrants(sessions.access.link_secret)

    @sessions.scoped
    def respond(message: str, *state: Any) -> Iterator[tuple[Any, ...]]:
        """A question sent: `chat_turn` with the chat state (chat, turns, filters)."""
        yield from chat_turn(assistant, message, *state, grants=grants)

    def ask_example(sample: list[str] | None, *state: Any) -> Iterator[tuple[Any, ...]]:
        """An example clicked: its question, then the same chat and session state as `respond`."""
        yield from respond(sample[0] if sample else "", *state)

    def clear_chat() -> tuple[Any, ...]:
        return [], [], "", gr.update(visible=False), ""

    def on_like(
        data: gr.LikeData, turns: list[ChatTurn], chat: list[dict[str, Any]]
    ) -> tuple[Any, ...]:
        """Record, change or withdraw the vote on one answer; 👎 opens the comment box."""
        index = _assistant_index(chat or [], data.index)
        turn = next((t for t in turns or [] if t.message_index == index), None)
        if turn is None:
            return gr.update(), gr.update()
        liked = data.liked if data.liked in (True, False) else None
        feedback.record(
            liked,
            turn.question,
            turn.answer,
            turn.citations,
            turn.mode,
            turn.refused,
            question_id=turn.question_id,
        )
        if liked is None:
            gr.Info("已撤销评价。", title="提示")
        elif liked:
            gr.Info("感谢反馈！", title="提示")
        if liked is False:
            return gr.update(visible=True), turn.question_id
        return gr.update(visible=False), ""

    def save_comment(question_id: str, reason: str | None, text: str) -> tuple[Any, ...]:
        if question_id:
            feedback.comment(question_id, reason or "", text or "")
            gr.Info("已记录您的说明，我们会据此改进。", title="提示")
        return gr.update(visible=False), "", gr.update(value=None), ""

    filters = [tab.doc_filter, tab.year_filter, tab.kind_filter]
    chat_inputs = [tab.question_box, tab.chatbot, turns_state, *filters, *session]
    chat_outputs = [tab.question_box, tab.chatbot, turns_state]
    tab.question_box.submit(
        respond,
        chat_inputs,
        chat_outputs,
        show_progress="hidden",
        api_name="ask_submit",
        api_visibility="undocumented",
    )
    tab.send.click(respond, chat_inputs, chat_outputs, show_progress="hidden", api_name="ask")
    for examples in tab.examples:
        examples.click(
            ask_example,
            [examples, tab.chatbot, turns_state, *filters, *session],
            chat_outputs,
            show_progress="hidden",
            api_visibility="private",
        )
        examples.click(None, None, None, js=SCROLL_TO_CHAT_JS, queue=False)
    tab.clear.click(
        clear_chat,
        None,
        [tab.chatbot, turns_state, tab.question_box, tab.comment_box, pending_comment],
        queue=False,
    )
    tab.chatbot.like(
        on_like,
        [turns_state, tab.chatbot],
        [tab.comment_box, pending_comment],
        api_visibility="private",
    )
    tab.chatbot.clear(lambda: [], None, [turns_state], queue=False)
    comment_outputs = [tab.comment_box, pending_comment, tab.reason, tab.comment_text]
    tab.comment_send.click(
        save_comment,
        [pending_comment, tab.reason, tab.comment_text],
        comment_outputs,
        api_visibility="private",
    )
    tab.comment_skip.click(
        lambda: (gr.update(visible=False), "", gr.update(value=None), ""),
        None,
        comment_outputs,
        queue=False,
    )
