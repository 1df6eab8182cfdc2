"""The web UI: a Gradio Blocks page in Chinese — chat with cited answers, document library, uploads.

Layout and event wiring only; HTML comes from `ui.render` (which escapes everything),
indexing of uploads from the app's indexer, feedback storage from `ui.feedback`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vectorstore.offline import apply_offline_defaults

# Analytics must be off before gradio is imported: it reads the variable at import time.
apply_offline_defaults()

import gradio as gr  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from assistant.answer import Answer, Assistant  # noqa: E402
from assistant.app import App  # noqa: E402
from assistant.config import AssistantSettings  # noqa: E402
from ingest.uploads import UploadRejected  # noqa: E402
from ui import render  # noqa: E402
from ui.audit import AuditLog, audit_path, who  # noqa: E402
from ui.feedback import REASONS, FeedbackLog, feedback_path, new_question_id  # noqa: E402
from ui.guard import AttemptGuard, check_password  # noqa: E402
from ui.locale import ChineseLocaleMiddleware, translations  # noqa: E402
from vectorstore.errors import StoreError  # noqa: E402
from vectorstore.search import SearchFilters  # noqa: E402

log = logging.getLogger(__name__)

APP_TITLE = "广州科技创新政策问答"
CONCURRENCY_LIMIT = 4
# Gradio's temporary upload area: every 10 minutes, files older than an hour are removed.
UPLOAD_CACHE_CLEANUP = (600, 3600)
# A question asked from the examples (below the chat on a phone) is answered above them.
SCROLL_TO_CHAT_JS = "() => document.querySelector('#pqa-chat')?.scrollIntoView({block: 'start'})"

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

CSS = """
.gradio-container { max-width: 1360px !important; width: 100% !important; margin: 0 auto !important; }
#pqa-header { padding: 14px 20px; border-radius: 12px; color: #fff;
  background: linear-gradient(100deg, #0b3d91 0%, #1565c0 60%, #1e88e5 100%); }
#pqa-header h1 { margin: 0; font-size: 22px; font-weight: 700; letter-spacing: 1px; color: #fff; }
#pqa-header p { margin: 4px 0 0; font-size: 13px; opacity: .9; color: #fff; }
#pqa-side { gap: 10px; }
#pqa-side .pqa-panel-title { font-weight: 600; font-size: 14px; margin: 2px 0; }
#pqa-chat { border-radius: 12px; }
#pqa-chat .message-wrap .message { font-size: 15px; line-height: 1.7; }
.pqa-cites { margin-top: 10px; border-top: 1px dashed #c5cfdd; padding-top: 8px; }
.pqa-cites-head { font-size: 12px; color: #5b6b82; margin-bottom: 6px; }
details.pqa-cite { border: 1px solid #d6deea; border-left: 4px solid #1565c0; border-radius: 8px;
  background: #f7f9fc; margin: 6px 0; padding: 6px 10px; font-size: 13.5px; }
details.pqa-cite[open] { background: #fff; }
details.pqa-cite summary { cursor: pointer; line-height: 1.6; list-style-position: inside; }
details.pqa-cite .pqa-n { font-weight: 700; color: #1565c0; }
details.pqa-cite .pqa-title { font-weight: 600; color: #1f2d3d; }
.pqa-meta { color: #6b7a90; font-size: 12.5px; }
.pqa-passage { margin: 8px 0 4px; line-height: 1.8; color: #2b3848; white-space: normal;
  word-break: break-word; }
.pqa-passage mark { background: #ffe58f; color: #1f2d3d; padding: 0 2px; border-radius: 3px; }
.pqa-source { font-size: 12px; color: #8a97a8; }
.pqa-doc { max-height: 640px; overflow-y: auto; padding: 4px 12px; border: 1px solid #e3e8f0;
  border-radius: 10px; background: #fff; }
.pqa-doc-head h3 { margin: 8px 0 2px; color: #0b3d91; }
.pqa-sec h4 { margin: 16px 0 6px; padding-left: 8px; border-left: 3px solid #1565c0;
  color: #1f2d3d; font-size: 14.5px; }
.pqa-sec p { margin: 4px 0; line-height: 1.8; color: #2b3848; }
.pqa-table-wrap { overflow-x: auto; margin: 8px 0; }
table.pqa-table { border-collapse: collapse; font-size: 13px; width: 100%; }
table.pqa-table caption { text-align: left; font-weight: 600; padding: 4px 0; color: #1f2d3d; }
table.pqa-table th, table.pqa-table td { border: 1px solid #d6deea; padding: 4px 8px;
  text-align: left; vertical-align: top; }
table.pqa-table th { background: #eef3fa; white-space: nowrap; }
table.pqa-doctable td.pqa-t-date { white-space: nowrap; }
table.pqa-doctable td.pqa-t-id { font-size: 12px; color: #6b7a90; }
.pqa-cover { text-align: left; color: #2b3848; font-size: 14px; line-height: 1.7; padding: 4px 6px; }
.pqa-cover-head { font-weight: 600; color: #0b3d91; margin-bottom: 4px; }
.pqa-cover ul { margin: 4px 0 8px; padding-left: 18px; }
.pqa-cover li .pqa-meta { margin-left: 6px; }
.pqa-cover-mode { font-size: 13px; margin-bottom: 2px; }
#pqa-chat .message-buttons .icon-button-wrapper { display: flex; }
#pqa-chat button[aria-label="赞"], #pqa-chat button[aria-label^="已赞"] { order: 1; }
#pqa-chat button[aria-label="踩"], #pqa-chat button[aria-label^="已踩"] { order: 2; }
@media (max-width: 640px) {
  #pqa-header { padding: 10px 12px; }
  #pqa-header h1 { font-size: 18px; }
  #pqa-input-row { flex-wrap: wrap !important; }
  #pqa-input-row > * { flex: 1 1 100% !important; min-width: 100% !important; }
  #pqa-chat { max-height: 60vh; }
  #pqa-mode { display: none; }
  .pqa-cover { font-size: 13px; line-height: 1.55; }
  .pqa-cover li .pqa-meta { display: none; }
}
.pqa-doc-empty { color: #6b7a90; padding: 16px; }
footer { display: none !important; }
#pqa-chat .icon-button-wrapper.top-panel { display: none !important; }
.pqa-mode { border: 1px solid #d6deea; border-radius: 10px; background: #f2f6fc; padding: 10px 12px; }
.pqa-mode-k { font-size: 12px; color: #5b6b82; }
.pqa-mode-v { font-size: 14px; font-weight: 600; color: #0b3d91; margin-top: 2px; }
#pqa-send { font-size: 16px; }
"""

HEADER = (
    '<div id="pqa-header"><h1>广州科技创新政策问答助手</h1>'
    "<p>面向政府工作人员与企业 · 回答依据已收录的政策、规划、工作报告与新闻 · "
    "每条结论均附原文引用</p></div>"
)


def _theme() -> gr.themes.Base:
    return gr.themes.Soft(
        primary_hue="blue",
        neutral_hue="slate",
        font=[
            "PingFang SC",
            "Microsoft YaHei",
            "Noto Sans CJK SC",
            "Source Han Sans SC",
            "WenQuanYi Micro Hei",
            "sans-serif",
        ],
    )


def _filters(doc_ids: list[str] | None, years: list[str] | None) -> SearchFilters | None:
    chosen_years = frozenset(int(y) for y in years or [] if str(y).isdigit())
    if not doc_ids and not chosen_years:
        return None
    return SearchFilters(frozenset(doc_ids or []), chosen_years)


def _assistant_index(chat: list[dict[str, Any]], index: Any) -> int | None:
    """The chat position a like event refers to (an int, or [row, col] in older layouts)."""
    if isinstance(index, (list, tuple)):
        index = index[0] if index else None
    return index if isinstance(index, int) and 0 <= index < len(chat) else None


def chat_turn(
    assistant: Assistant,
    message: str,
    chat: list[dict[str, Any]],
    turns: list[dict[str, Any]],
    doc_ids: list[str],
    years: list[str],
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
    history = [(t["question"], t["answer"]) for t in turns]
    pieces: list[str] = []
    final: Answer | None = None
    last_push = 0.0
    try:
        for item in assistant.ask_stream(question, history, _filters(doc_ids, years)):
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
        "content": render.answer_message(final.text, final.citations, final.warnings),
    }
    turns.append(
        {
            "question_id": new_question_id(),
            "question": question,
            "answer": final.text,
            "citations": [c.to_json() for c in final.citations],
            "mode": final.mode,
            "refused": final.refused,
            "message_index": len(chat) - 1,
        }
    )
    yield "", chat, turns


def _client(request: gr.Request | None) -> str:
    """Who is asking, as far as the server can tell: the peer address of the connection."""
    client = getattr(request, "client", None) if request is not None else None
    return str(getattr(client, "host", None) or "unknown")


def _wait_text(seconds: float) -> str:
    return f"{int(seconds // 60) + 1} 分钟" if seconds >= 90 else f"{max(1, round(seconds))} 秒"


def _uploaded_paths(files: list[Any] | None) -> list[Path]:
    return [Path(f if isinstance(f, str) else getattr(f, "name", str(f))) for f in files or []]


def _discard_temporary(paths: list[Path], cache_dir: Path) -> None:
    """Remove Gradio's temporary copies of imported files (never anything outside its cache)."""
    root = cache_dir.resolve()
    for path in paths:
        resolved = path.resolve()
        if root in resolved.parents:
            resolved.unlink(missing_ok=True)


def build_app(app: App, guard: AttemptGuard | None = None) -> gr.Blocks:
    """The whole page over one app (assistant, store, indexer); tests build it on their own index."""
    password = app.settings.web.admin_password
    upload_enabled = bool(password)
    limit = app.settings.web.upload_max_bytes
    data_dir = app.settings.store.data_dir
    assistant, store, indexer = app.assistant, app.store, app.indexer
    feedback = FeedbackLog(feedback_path(data_dir))
    audit = AuditLog(audit_path(data_dir))
    attempts = guard or AttemptGuard()
    assistant_settings: AssistantSettings = assistant.settings

    def documents_or_empty() -> list[Any]:
        try:
            return store.documents()
        except StoreError as error:
            log.warning("document list unavailable: %s", error)
            return []

    initial_docs = documents_or_empty()

    # -- chat ------------------------------------------------------------------------------

    def respond(
        message: str,
        chat: list[dict[str, Any]],
        turns: list[dict[str, Any]],
        doc_ids: list[str],
        years: list[str],
    ) -> Iterator[tuple[Any, ...]]:
        yield from chat_turn(assistant, message, chat, turns, doc_ids, years)

    def ask_example(
        sample: list[str] | None,
        chat: list[dict[str, Any]],
        turns: list[dict[str, Any]],
        doc_ids: list[str],
        years: list[str],
    ) -> Iterator[tuple[Any, ...]]:
        question = sample[0] if sample else ""
        yield from chat_turn(assistant, question, chat, turns, doc_ids, years)

    def clear_chat() -> tuple[Any, ...]:
        return [], [], "", gr.update(visible=False), ""

    def on_like(
        data: gr.LikeData, turns: list[dict[str, Any]], chat: list[dict[str, Any]]
    ) -> tuple[Any, ...]:
        """Record, change or withdraw the vote on one answer; 👎 opens the comment box."""
        index = _assistant_index(chat or [], data.index)
        turn = next((t for t in turns or [] if t.get("message_index") == index), None)
        if turn is None:
            return gr.update(), gr.update()
        liked = data.liked if data.liked in (True, False) else None
        feedback.record(
            liked,
            turn["question"],
            turn["answer"],
            turn["citations"],
            turn["mode"],
            turn["refused"],
            question_id=turn["question_id"],
        )
        if liked is None:
            gr.Info("已撤销评价。", title="提示")
        elif liked:
            gr.Info("感谢反馈！", title="提示")
        if liked is False:
            return gr.update(visible=True), turn["question_id"]
        return gr.update(visible=False), ""

    def save_comment(question_id: str, reason: str | None, text: str) -> tuple[Any, ...]:
        if question_id:
            feedback.comment(question_id, reason or "", text or "")
            gr.Info("已记录您的说明，我们会据此改进。", title="提示")
        return gr.update(visible=False), "", gr.update(value=None), ""

    # -- documents ---------------------------------------------------------------------------

    def refresh_documents(is_admin: bool = False) -> tuple[Any, ...]:
        records = documents_or_empty()
        choices = render.document_choices(records)
        return (
            render.document_table_html(records),
            gr.update(choices=choices),
            gr.update(choices=choices),
            gr.update(choices=render.year_choices(records)),
            f"共收录 **{len(records)}** 个文档",
            gr.update(placeholder=render.coverage_html(records, assistant_settings)),
            render.document_table_html(records, admin=True) if is_admin else "",
            gr.update(choices=indexer.uploaded_doc_ids() if is_admin else []),
        )

    def read_document(doc_id: str | None, is_admin: bool = False) -> str:
        if not doc_id:
            return render.document_html(None, "")
        try:
            record = store.document(doc_id)
            text = store.document_text(doc_id) if record else ""
        except StoreError as error:
            return f'<div class="pqa-doc-empty">{render.escape(error)}</div>'
        return render.document_html(record, text, admin=is_admin)

    # -- admin: password, uploads, dates ------------------------------------------------------

    def admin_view(is_admin: bool, message: str) -> tuple[Any, ...]:
        """What unlock shows: the admin tools (or not), the message, the session's role."""
        return (gr.update(visible=is_admin), message, is_admin, *refresh_documents(is_admin))

    def unlock(given: str, request: gr.Request) -> tuple[Any, ...]:
        client = _client(request)
        verdict = attempts.check(client)
        if not verdict.allowed:
            audit.write(
                who(client, False), "admin_login_refused", wait_seconds=round(verdict.wait_seconds)
            )
            reason = "尝试次数过多，已锁定" if verdict.locked else "尝试过于频繁"
            return admin_view(
                False,
                f"⏳ {reason}，请 {_wait_text(verdict.wait_seconds)}后再试 / "
                f"too many attempts, retry in {round(verdict.wait_seconds)} s",
            )
        if check_password(given, password):
            attempts.succeeded(client)
            audit.write(who(client, True), "admin_unlocked")
            return admin_view(True, "✅ 已验证管理员身份，可以上传文档、修改日期。")
        verdict = attempts.failed(client)
        audit.write(
            who(client, False),
            "admin_login_locked" if verdict.locked else "admin_login_failed",
            failures=attempts.failures(client),
        )
        then = "已锁定" if verdict.locked else "请稍候"
        return admin_view(
            False,
            f"❌ 管理员密码错误，{then} {_wait_text(verdict.wait_seconds)}后再试 / "
            f"wrong admin password, retry in {round(verdict.wait_seconds)} s",
        )

    def upload(
        files: list[Any] | None,
        is_admin: bool,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> Any:
        client = _client(request)
        paths = _uploaded_paths(files)
        if not is_admin:
            audit.write(who(client, False), "upload_refused", files=[p.name for p in paths])
            return ("❌ 请先验证管理员身份 / admin login required", None, *refresh_documents(False))
        if not paths:
            return ("请先选择要上传的文件 / choose files first", None, *refresh_documents(True))
        results = []
        for position, path in enumerate(paths):
            name = path.name

            def step(done: int, total: int, position: int = position, name: str = name) -> None:
                fraction = (position + (done / total if total else 1.0)) / len(paths)
                progress(fraction, desc=f"正在建立索引：{name}（{done}/{total} 个分块）")

            progress(position / len(paths), desc=f"正在检查：{name}")
            result = indexer.ingest_upload(path, name, limit, step).results[0]
            results.append(result)
            audit.write(
                who(client, True),
                "upload",
                file=result.name,
                ok=result.ok,
                doc_id=result.doc_id,
                message=result.message,
            )
        _discard_temporary(paths, Path(demo.GRADIO_CACHE))
        progress(1.0, desc="完成")
        return (render.upload_report(results), None, *refresh_documents(True))

    def set_date(doc_id: str | None, date: str, is_admin: bool, request: gr.Request) -> Any:
        client = _client(request)
        if not is_admin or not doc_id:
            message = "❌ 请先验证管理员身份并选择文档 / log in and choose a document"
            return (message, *refresh_documents(is_admin))
        try:
            stored = indexer.set_upload_date(doc_id, date or "")
        except (UploadRejected, StoreError) as error:
            return (f"❌ {render.escape(error)}", *refresh_documents(True))
        audit.write(who(client, True), "date_set", doc_id=doc_id, date=stored)
        return (f"✅ 已将日期设为 {stored}", *refresh_documents(True))

    # -- layout ------------------------------------------------------------------------------

    with gr.Blocks(
        title=APP_TITLE,
        fill_width=False,
        analytics_enabled=False,
        delete_cache=UPLOAD_CACHE_CLEANUP,
    ) as demo:
        gr.HTML(HEADER)
        turns_state = gr.State([])
        pending_comment = gr.State("")
        admin_state = gr.State(False)
        with gr.Tabs(elem_id="pqa-tabs"):
            with gr.Tab("智能问答", id="chat", elem_id="pqa-tab-chat"):  # noqa: SIM117
                with gr.Row(equal_height=False, elem_id="pqa-main"):
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
                            placeholder=render.coverage_html(initial_docs, assistant_settings),
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
                        gr.HTML(render.mode_html(assistant_settings), elem_id="pqa-mode")
                        staff_examples = gr.Dataset(
                            components=[question_box],
                            samples=[[q] for q in STAFF_EXAMPLES],
                            label="示例问题 · 政府工作人员（点击即提问）",
                            elem_id="pqa-examples-staff",
                        )
                        enterprise_examples = gr.Dataset(
                            components=[question_box],
                            samples=[[q] for q in ENTERPRISE_EXAMPLES],
                            label="示例问题 · 企业（点击即提问）",
                            elem_id="pqa-examples-enterprise",
                        )
                        doc_filter = gr.Dropdown(
                            label="按文档筛选",
                            info="不选则检索全部文档",
                            choices=render.document_choices(initial_docs),
                            multiselect=True,
                            elem_id="pqa-doc-filter",
                        )
                        year_filter = gr.Dropdown(
                            label="按年份筛选",
                            info="只检索涵盖所选年份的文档",
                            choices=render.year_choices(initial_docs),
                            multiselect=True,
                            elem_id="pqa-year-filter",
                        )
                        clear = gr.Button("清空对话", variant="secondary", elem_id="pqa-clear")
            with gr.Tab("文档库", id="docs", elem_id="pqa-tab-docs"):
                doc_count = gr.Markdown(
                    f"共收录 **{len(initial_docs)}** 个文档", elem_id="pqa-doc-count"
                )
                table = gr.HTML(render.document_table_html(initial_docs), elem_id="pqa-doc-table")
                first_choices = render.document_choices(initial_docs)
                first_doc = first_choices[0][1] if first_choices else None
                doc_select = gr.Dropdown(
                    label="选择文档阅读全文（按章节显示清理后的文本）",
                    choices=first_choices,
                    value=first_doc,
                    elem_id="pqa-doc-select",
                )
                reader = gr.HTML(read_document(first_doc), elem_id="pqa-reader")
                if upload_enabled:
                    with gr.Accordion("文档管理（仅限管理员）", open=False, elem_id="pqa-upload"):
                        with gr.Row():
                            password_box = gr.Textbox(
                                label="管理员密码", type="password", scale=3, elem_id="pqa-password"
                            )
                            unlock_button = gr.Button("验证", scale=1, elem_id="pqa-unlock")
                        unlock_status = gr.Markdown(elem_id="pqa-unlock-status")
                        with gr.Group(visible=False) as upload_group:
                            admin_table = gr.HTML(elem_id="pqa-admin-table")
                            with gr.Row():
                                date_doc = gr.Dropdown(
                                    label="上传的文档",
                                    choices=[],
                                    scale=3,
                                    elem_id="pqa-date-doc",
                                )
                                date_value = gr.Textbox(
                                    label="发布日期（YYYY、YYYY-MM 或 YYYY-MM-DD）",
                                    scale=2,
                                    elem_id="pqa-date-value",
                                )
                                date_button = gr.Button("保存日期", scale=1, elem_id="pqa-date-go")
                            date_status = gr.Markdown(elem_id="pqa-date-status")
                            gr.Markdown(
                                "支持 .txt .md .html .pdf .docx 文件，单个文件不超过 "
                                f"{limit // (1024 * 1024) or 1} MB。上传后自动清理、分块并建立索引；"
                                "文中未写明发布日期时显示为「日期未知」，可在上方设置。"
                            )
                            files = gr.File(
                                label="选择文件",
                                file_count="multiple",
                                elem_id="pqa-files",
                            )
                            upload_button = gr.Button(
                                "导入并建立索引", variant="primary", elem_id="pqa-upload-go"
                            )
                        upload_status = gr.Markdown(elem_id="pqa-upload-status")
                else:
                    gr.Markdown(
                        "<span class='pqa-meta'>文档上传未启用（需由管理员在服务器上设置管理员密码）。</span>"
                    )

        # -- events ------------------------------------------------------------------------
        chat_inputs = [question_box, chatbot, turns_state, doc_filter, year_filter]
        chat_outputs = [question_box, chatbot, turns_state]
        question_box.submit(
            respond,
            chat_inputs,
            chat_outputs,
            show_progress="hidden",
            api_name="ask_submit",
            api_visibility="undocumented",
        )
        send.click(respond, chat_inputs, chat_outputs, show_progress="hidden", api_name="ask")
        for examples in (staff_examples, enterprise_examples):
            examples.click(
                ask_example,
                [examples, chatbot, turns_state, doc_filter, year_filter],
                chat_outputs,
                show_progress="hidden",
                api_visibility="private",
            )
            examples.click(None, None, None, js=SCROLL_TO_CHAT_JS, queue=False)
        clear.click(
            clear_chat,
            None,
            [chatbot, turns_state, question_box, comment_box, pending_comment],
            queue=False,
        )
        chatbot.like(
            on_like,
            [turns_state, chatbot],
            [comment_box, pending_comment],
            api_visibility="private",
        )
        chatbot.clear(lambda: [], None, [turns_state], queue=False)
        comment_outputs = [comment_box, pending_comment, reason, comment_text]
        comment_send.click(
            save_comment,
            [pending_comment, reason, comment_text],
            comment_outputs,
            api_visibility="private",
        )
        comment_skip.click(
            lambda: (gr.update(visible=False), "", gr.update(value=None), ""),
            None,
            comment_outputs,
            queue=False,
        )
        doc_select.change(read_document, [doc_select, admin_state], reader)
        if upload_enabled:
            admin_outputs = [admin_table, date_doc]
        else:
            admin_outputs = [gr.HTML(visible=False), gr.Dropdown(visible=False)]
        doc_outputs = [
            table,
            doc_select,
            doc_filter,
            year_filter,
            doc_count,
            chatbot,
            *admin_outputs,
        ]
        demo.load(refresh_documents, None, doc_outputs)
        if upload_enabled:
            unlock_outputs = [upload_group, unlock_status, admin_state, *doc_outputs]
            for trigger in (unlock_button.click, password_box.submit):
                trigger(unlock, password_box, unlock_outputs, api_visibility="private").then(
                    read_document, [doc_select, admin_state], reader
                )
            upload_button.click(
                upload,
                [files, admin_state],
                [upload_status, files, *doc_outputs],
                api_visibility="private",
            )
            date_button.click(
                set_date,
                [date_doc, date_value, admin_state],
                [date_status, *doc_outputs],
                api_visibility="private",
            )

    demo.queue(default_concurrency_limit=CONCURRENCY_LIMIT)
    return demo


def page_options(max_upload_bytes: int) -> dict[str, Any]:
    """How the page is served when mounted into the API's app (ui/api/server.py): the theme,
    CSS and Chinese labels (Gradio 6 takes them here), no footer, no error details, and no
    file over the upload limit through Gradio's own upload endpoint, open to any visitor."""
    return {
        "show_error": False,
        "max_file_size": max_upload_bytes,
        "footer_links": [],
        "theme": _theme(),
        "css": CSS,
        "i18n": translations(),
        "app_kwargs": {"middleware": [Middleware(ChineseLocaleMiddleware)]},
    }


def warm_up(assistant: Assistant) -> threading.Thread:
    """Load the embedding model, BM25 index and term weights in the background."""

    def run() -> None:
        started = time.perf_counter()
        try:
            assistant.ask("广州科技创新")
            log.info("warm-up done in %.1f s", time.perf_counter() - started)
        except Exception as error:  # a cold first question is the only cost
            log.warning("warm-up failed: %s", error)

    thread = threading.Thread(target=run, name="policy-qa-warm-up", daemon=True)
    thread.start()
    return thread
