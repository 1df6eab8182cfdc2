"""The admin panel of the library tab: password (with a guard against guessing), uploads that
go through the app's indexer, publication dates of uploaded documents, and deleting, disabling
and enabling documents; all audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.errors import ConfigError
from ingest.uploads import UploadRejected
from ui import render
from ui.guard import AttemptGuard, check_password
from ui.library import Library
from vectorstore.audit import AuditLog, who
from vectorstore.errors import StoreError
from vectorstore.indexer import LifecycleAction
from vectorstore.scope import collection_name

LIFECYCLE_LABELS: dict[LifecycleAction, str] = {
    "disable": "停用",
    "enable": "启用",
    "delete": "删除",
}
LIFECYCLE_DONE: dict[LifecycleAction, str] = {
    "disable": "已停用，不再被检索或引用",
    "enable": "已启用",
    "delete": "已删除（分块、检索索引和指标一并删除）",
}


@dataclass
class AdminPanel:
    password_box: gr.Textbox
    unlock_button: gr.Button
    unlock_status: gr.Markdown
    upload_group: gr.Group
    admin_table: gr.HTML
    date_doc: gr.Dropdown
    date_value: gr.Textbox
    date_button: gr.Button
    date_status: gr.Markdown
    files: gr.File
    collection: gr.Textbox
    upload_button: gr.Button
    upload_status: gr.Markdown
    life_doc: gr.Dropdown
    life_buttons: dict[LifecycleAction, gr.Button]
    life_status: gr.Markdown
    report_since: gr.Textbox
    report_button: gr.Button
    report: gr.HTML


def admin_panel(limit: int) -> AdminPanel:
    """Lay out the admin accordion (inside the library tab)."""
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
            with gr.Row():
                life_doc = gr.Dropdown(label="文档", choices=[], scale=3, elem_id="pqa-life-doc")
                life_buttons: dict[LifecycleAction, gr.Button] = {
                    action: gr.Button(label, scale=1, elem_id=f"pqa-{action}")
                    for action, label in LIFECYCLE_LABELS.items()
                }
            life_status = gr.Markdown(elem_id="pqa-life-status")
            with gr.Accordion("查询日志报告", open=False, elem_id="pqa-report-panel"):
                with gr.Row():
                    report_since = gr.Textbox(
                        label="起始日期（YYYY-MM-DD，留空为全部）",
                        scale=3,
                        elem_id="pqa-report-since",
                    )
                    report_button = gr.Button("生成报告", scale=1, elem_id="pqa-report-go")
                report = gr.HTML(elem_id="pqa-report")
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
            collection = gr.Textbox(
                label="集合（留空为 public，公开可见；如 internal 仅授权用户可见）",
                elem_id="pqa-upload-collection",
            )
            upload_button = gr.Button("导入并建立索引", variant="primary", elem_id="pqa-upload-go")
        upload_status = gr.Markdown(elem_id="pqa-upload-status")
    return AdminPanel(
        password_box,
        unlock_button,
        unlock_status,
        upload_group,
        admin_table,
        date_doc,
        date_value,
        date_button,
        date_status,
        files,
        collection,
        upload_button,
        upload_status,
        life_doc,
        life_buttons,
        life_status,
        report_since,
        report_button,
        report,
    )


class Admin:
    """What the admin panel's events do; every attempt and change goes to the audit log."""

    def __init__(
        self,
        library: Library,
        password: str | None,
        limit: int,
        audit: AuditLog,
        guard: AttemptGuard,
        cache_dir: Callable[[], Path],
    ) -> None:
        self.library = library
        self.password = password
        self.limit = limit
        self.audit = audit
        self.attempts = guard
        self.cache_dir = cache_dir

    def view(self, is_admin: bool, message: str) -> tuple[Any, ...]:
        """What unlock shows: the admin tools (or not), the message, the session's role."""
        return (gr.update(visible=is_admin), message, is_admin, *self.library.refresh(is_admin))

    def unlock(self, given: str, request: gr.Request) -> tuple[Any, ...]:
        client = _client(request)
        audit, attempts = self.audit, self.attempts
        verdict = attempts.check(client)
        if not verdict.allowed:
            audit.write(
                who(client, False), "admin_login_refused", wait_seconds=round(verdict.wait_seconds)
            )
            reason = "尝试次数过多，已锁定" if verdict.locked else "尝试过于频繁"
            return self.view(
                False,
                f"⏳ {reason}，请 {_wait_text(verdict.wait_seconds)}后再试 / "
                f"too many attempts, retry in {round(verdict.wait_seconds)} s",
            )
        if check_password(given, self.password):
            attempts.succeeded(client)
            audit.write(who(client, True), "admin_unlocked")
            return self.view(True, "✅ 已验证管理员身份，可以上传文档、修改日期。")
        verdict = attempts.failed(client)
        audit.write(
            who(client, False),
            "admin_login_locked" if verdict.locked else "admin_login_failed",
            failures=attempts.failures(client),
        )
        then = "已锁定" if verdict.locked else "请稍候"
        return self.view(
            False,
            f"❌ 管理员密码错误，{then} {_wait_text(verdict.wait_seconds)}后再试 / "
            f"wrong admin password, retry in {round(verdict.wait_seconds)} s",
        )

    def upload(
        self,
        files: list[Any] | None,
        collection: str,
        is_admin: bool,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> Any:
        client = _client(request)
        paths = _uploaded_paths(files)
        refresh = self.library.refresh
        if not is_admin:
            self.audit.write(who(client, False), "upload_refused", files=[p.name for p in paths])
            return ("❌ 请先验证管理员身份 / admin login required", None, *refresh(False))
        if not paths:
            return ("请先选择要上传的文件 / choose files first", None, *refresh(True))
        try:
            chosen = collection_name(collection) if (collection or "").strip() else None
        except ConfigError as error:
            return (f"❌ {error}", None, *refresh(True))
        results = []
        for position, path in enumerate(paths):
            name = path.name

            def step(done: int, total: int, position: int = position, name: str = name) -> None:
                fraction = (position + (done / total if total else 1.0)) / len(paths)
                progress(fraction, desc=f"正在建立索引：{name}（{done}/{total} 个分块）")

            progress(position / len(paths), desc=f"正在检查：{name}")
            indexer = self.library.indexer
            result = indexer.ingest_upload(path, name, self.limit, step, chosen).results[0]
            results.append(result)
            self.audit.write(
                who(client, True),
                "upload",
                file=result.name,
                collection=chosen or "public",
                ok=result.ok,
                doc_id=result.doc_id,
                message=result.message,
            )
        _discard_temporary(paths, self.cache_dir())
        progress(1.0, desc="完成")
        return (render.upload_report(results), None, *refresh(True))

    def set_date(self, doc_id: str | None, date: str, is_admin: bool, request: gr.Request) -> Any:
        client = _client(request)
        refresh = self.library.refresh
        if not is_admin or not doc_id:
            message = "❌ 请先验证管理员身份并选择文档 / log in and choose a document"
            return (message, *refresh(is_admin))
        try:
            stored = self.library.indexer.set_upload_date(doc_id, date or "")
        except (UploadRejected, StoreError) as error:
            return (f"❌ {render.escape(error)}", *refresh(True))
        self.audit.write(who(client, True), "date_set", doc_id=doc_id, date=stored)
        return (f"✅ 已将日期设为 {stored}", *refresh(True))

    def changer(self, action: LifecycleAction) -> Callable[..., Any]:
        """The click handler of one lifecycle button (Gradio injects the request by type)."""

        def handler(doc_id: str | None, is_admin: bool, request: gr.Request) -> Any:
            return self.change(action, doc_id, is_admin, request)

        return handler

    def change(
        self, action: LifecycleAction, doc_id: str | None, is_admin: bool, request: gr.Request
    ) -> Any:
        """Delete, disable or enable a document through the indexer's audited change."""
        refresh = self.library.refresh
        if not is_admin or not doc_id:
            message = "❌ 请先验证管理员身份并选择文档 / log in and choose a document"
            return (message, *refresh(is_admin))
        try:
            result = self.library.indexer.change(action, doc_id, who(_client(request), True), "ui")
        except StoreError as error:
            return (f"❌ {render.escape(error)}", *refresh(True))
        if not result.ok:
            return (f"❌ {render.escape(result.error)}", *refresh(True))
        return (f"✅ {render.escape(doc_id)}：{LIFECYCLE_DONE[action]}", *refresh(True))


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
