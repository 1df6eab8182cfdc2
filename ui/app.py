"""The web UI: a Gradio Blocks page in Chinese — chat with cited answers, document library, uploads.

This module composes the page from its tabs (`ui.chat`, `ui.library`, `ui.admin`) over one
`App`, and serves it; HTML comes from `ui.render` (which escapes everything), the look from
`ui/static/app.css`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from vectorstore.offline import apply_offline_defaults

# Analytics must be off before gradio is imported: it reads the variable at import time.
apply_offline_defaults()

import gradio as gr  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from assistant.app import App  # noqa: E402
from ui.admin import Admin, admin_panel  # noqa: E402
from ui.chat import chat_tab, wire_chat  # noqa: E402
from ui.feedback import FeedbackLog, feedback_path  # noqa: E402
from ui.guard import AttemptGuard  # noqa: E402
from ui.indicators import IndicatorView, indicators_tab  # noqa: E402
from ui.library import Library, library_table  # noqa: E402
from ui.locale import ChineseLocaleMiddleware, translations  # noqa: E402
from ui.measures import MeasuresView, measures_tab  # noqa: E402
from ui.query_report_view import QueryReportView  # noqa: E402
from ui.session import Sessions, login_box  # noqa: E402
from vectorstore.audit import AuditLog, audit_path  # noqa: E402

log = logging.getLogger(__name__)

APP_TITLE = "广州科技创新政策问答"
CONCURRENCY_LIMIT = 4
# Gradio's temporary upload area: every 10 minutes, files older than an hour are removed.
UPLOAD_CACHE_CLEANUP = (600, 3600)
CSS = (Path(__file__).parent / "static" / "app.css").read_text(encoding="utf-8")

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


def build_app(app: App, guard: AttemptGuard | None = None) -> gr.Blocks:
    """The whole page over one app (assistant, store, indexer); tests pass their own app."""
    web, data_dir = app.settings.web, app.settings.store.data_dir
    assistant = app.assistant
    library = Library(app.store, app.indexer, assistant.settings)
    initial_docs = library.documents()  # the first screen is everyone's: public only
    sessions = Sessions(app.settings.access, AuditLog(audit_path(data_dir)), AttemptGuard())
    with gr.Blocks(
        title=APP_TITLE,
        fill_width=False,
        analytics_enabled=False,
        delete_cache=UPLOAD_CACHE_CLEANUP,
    ) as demo:
        gr.HTML(HEADER)
        admin_state = gr.State(False)
        user_state = gr.State("")  # the logged-in user (server-side: a browser cannot set it)
        session = [user_state, admin_state]
        login = login_box() if app.settings.access.users else None
        with gr.Tabs(elem_id="pqa-tabs"):
            chat = chat_tab(initial_docs, assistant.settings)
            with gr.Tab("文档库", id="docs", elem_id="pqa-tab-docs"):
                docs = library_table(library, initial_docs)
                panel = admin_panel(web.upload_max_bytes) if web.admin_password else None
                if panel is None:
                    gr.Markdown(
                        "<span class='pqa-meta'>文档上传未启用（需由管理员在服务器上设置管理员密码）。</span>"
                    )
            with gr.Tab("指标", id="indicators", elem_id="pqa-tab-indicators"):
                indicator_view = IndicatorView(app.store.facts)
                indicators = indicators_tab(indicator_view, sessions, session)
            with gr.Tab("扶持措施", id="measures", elem_id="pqa-tab-measures"):
                measures_tab(MeasuresView(app.measures), sessions, session)

        feedback = FeedbackLog(feedback_path(data_dir), app.query_log.feedback)
        wire_chat(chat, assistant, feedback, sessions, session)
        read = sessions.scoped(library.read)
        docs.doc_select.change(read, [docs.doc_select, admin_state, *session], docs.reader)
        admin_outputs = (
            [panel.admin_table, panel.date_doc, panel.life_doc]
            if panel
            else [gr.HTML(visible=False), gr.Dropdown(visible=False), gr.Dropdown(visible=False)]
        )
        doc_outputs = [
            docs.table,
            docs.doc_select,
            chat.doc_filter,
            chat.year_filter,
            docs.doc_count,
            chat.chatbot,
            *admin_outputs,
        ]
        # Gradio's progress overlay prints "processing | 0.1s" in English over the first
        # screen; these refreshes are quick, so they run without it.
        demo.load(library.refresh, None, doc_outputs, show_progress="hidden")
        demo.load(
            indicator_view.refresh,
            indicators.picker,
            [indicators.picker, indicators.chart, indicators.table],
            show_progress="hidden",
        )
        if login is not None:
            for trigger in (login.button.click, login.password.submit):
                trigger(
                    sessions.login,
                    [login.name, login.password],
                    [user_state, login.status],
                    api_visibility="private",
                ).then(
                    sessions.scoped(library.refresh),
                    [admin_state, *session],
                    doc_outputs,
                    show_progress="hidden",
                ).then(
                    sessions.scoped(indicator_view.refresh),
                    [indicators.picker, *session],
                    [indicators.picker, indicators.chart, indicators.table],
                    show_progress="hidden",
                )
        if panel is not None:
            admin = Admin(
                library,
                web.admin_password,
                web.upload_max_bytes,
                AuditLog(audit_path(data_dir)),
                guard or AttemptGuard(),
                lambda: Path(demo.GRADIO_CACHE),
            )
            unlock_outputs = [panel.upload_group, panel.unlock_status, admin_state, *doc_outputs]
            for trigger in (panel.unlock_button.click, panel.password_box.submit):
                trigger(
                    admin.unlock, panel.password_box, unlock_outputs, api_visibility="private"
                ).then(read, [docs.doc_select, admin_state, *session], docs.reader)
            panel.upload_button.click(
                admin.upload,
                [panel.files, panel.collection, admin_state],
                [panel.upload_status, panel.files, *doc_outputs],
                api_visibility="private",
            )
            panel.date_button.click(
                admin.set_date,
                [panel.date_doc, panel.date_value, admin_state],
                [panel.date_status, *doc_outputs],
                api_visibility="private",
            )
            report_view = QueryReportView(app.query_log, app.store.embeddings.embed_query)
            panel.report_button.click(
                report_view.render,
                [panel.report_since, admin_state],
                panel.report,
                api_visibility="private",
            )
            meta_fields = list(panel.meta_fields.values())
            panel.life_doc.change(
                admin.load_metadata,
                [panel.life_doc, admin_state],
                meta_fields,
                api_visibility="private",
            )
            panel.meta_button.click(
                admin.save_metadata,
                [panel.life_doc, admin_state, *meta_fields],
                [panel.meta_status, *doc_outputs],
                api_visibility="private",
            )
            for action, button in panel.life_buttons.items():
                button.click(
                    admin.changer(action),
                    [panel.life_doc, admin_state],
                    [panel.life_status, *doc_outputs],
                    api_visibility="private",
                ).then(read, [docs.doc_select, admin_state, *session], docs.reader)

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
