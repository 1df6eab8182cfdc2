"""The admin panel of the library tab: password (with a guard against guessing), uploads that
go through the app's indexer, publication dates of uploaded documents, deleting, disabling
and enabling documents, and editing their policy metadata; all audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.errors import ConfigError
from ingest.policy import DOC_TYPE_LABELS, STATUSES, PolicyEditError
from ingest.uploads import UploadRejected
from ui import render
from ui.guard import AttemptGuard, check_password
from ui.library import Library
from vectorstore.audit import AuditLog, who
from vectorstore.errors import StoreError
from vectorstore.indexer import LifecycleAction
from vectorstore.scope import collection_name
from vectorstore.store import DocumentRecord, edited_fields

LIFECYCLE_LABELS: dict[LifecycleAction, str] = {
    "disable": "停用",
    "enable": "启用",
    "delete": "删除",
}
# The policy-metadata form: field -> label, in form order (ingest/policy.EDITABLE_FIELDS).
META_LABELS: dict[str, str] = {
    "status": "状态（留空则按有效期和替代关系推定）",
    "doc_type": "类型",
    "doc_number": "文号",
    "issuer": "发文机关",
    "date": "发布日期",
    "effective_from": "生效日期",
    "effective_to": "失效日期",
    "superseded_by": "被替代为（文档编号）",
    "source_url": "来源链接",
}
# The status choice "derive it from validity and replacement" (Gradio's dropdown cannot hold "").
DERIVED = "derived"
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
    meta_fields: dict[str, gr.Dropdown | gr.Textbox]
    meta_button: gr.Button
    meta_status: gr.Markdown
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
            meta_fields, meta_button, meta_status = _metadata_form()
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
        meta_fields,
        meta_button,
        meta_status,
        report_since,
        report_button,
        report,
    )


def _metadata_form() -> tuple[dict[str, gr.Dropdown | gr.Textbox], gr.Button, gr.Markdown]:
    """Policy-metadata fields of the document chosen above, filled in when it is chosen."""
    fields: dict[str, gr.Dropdown | gr.Textbox] = {}
    with gr.Accordion("政策元数据（选择上方文档后编辑）", open=True, elem_id="pqa-meta-panel"):
        with gr.Row():
            fields["status"] = gr.Dropdown(
                label=META_LABELS["status"],
                choices=[("（推定）", DERIVED), *[(status, status) for status in STATUSES]],
                value=DERIVED,
                elem_id="pqa-meta-status",
            )
            fields["doc_type"] = gr.Dropdown(
                label=META_LABELS["doc_type"],
                choices=[(label, code) for code, label in DOC_TYPE_LABELS.items()],
                value=None,
                elem_id="pqa-meta-doc_type",
            )
            for name in ("doc_number", "issuer"):
                fields[name] = gr.Textbox(label=META_LABELS[name], elem_id=f"pqa-meta-{name}")
        with gr.Row():
            for name in ("date", "effective_from", "effective_to", "superseded_by", "source_url"):
                fields[name] = gr.Textbox(label=META_LABELS[name], elem_id=f"pqa-meta-{name}")
        button = gr.Button("保存元数据", elem_id="pqa-meta-go")
        status = gr.Markdown(elem_id="pqa-meta-result")
    return fields, button, status


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

    def load_metadata(self, doc_id: str | None, is_admin: bool) -> tuple[Any, ...]:
        """The chosen document's stored metadata, one value per form field."""
        record = self.library.store.document(doc_id) if is_admin and doc_id else None
        if record is None:
            blank = {"doc_type": None, "status": DERIVED}
            return tuple(gr.update(value=blank.get(name, "")) for name in META_LABELS)
        return tuple(_form_value(record, name) for name in META_LABELS)

    def save_metadata(
        self,
        doc_id: str | None,
        is_admin: bool,
        status: str | None,
        doc_type: str | None,
        doc_number: str,
        issuer: str,
        date: str,
        effective_from: str,
        effective_to: str,
        superseded_by: str,
        source_url: str,
        request: gr.Request,
    ) -> tuple[Any, ...]:
        """Store the fields that differ from the record (each then counts as edited).

        The parameters are the form's fields in META_LABELS order (Gradio passes them
        positionally, then injects the request).
        """
        given: tuple[str | None, ...] = (status, doc_type, doc_number, issuer, date)
        given += (effective_from, effective_to, superseded_by, source_url)
        refresh = self.library.refresh
        record = self.library.store.document(doc_id) if is_admin and doc_id else None
        if record is None:
            message = "❌ 请先验证管理员身份并选择文档 / log in and choose a document"
            return (message, *refresh(is_admin))
        changes = {
            name: "" if value == DERIVED else str(value or "").strip()
            for name, value in zip(META_LABELS, given, strict=True)
            if str(value or "").strip() != _form_value(record, name)
        }
        if not changes:
            return ("没有改动 / nothing changed", *refresh(True))
        actor = who(_client(request), True)
        try:
            updated = self.library.indexer.set_policy(record.doc_id, changes, actor, "ui")
        except (PolicyEditError, StoreError) as error:
            return (f"❌ {render.escape(error)}", *refresh(True))
        shown = "、".join(META_LABELS[name].split("（")[0] for name in changes)
        return (f"✅ 已保存：{shown}；当前状态：{updated.validity}", *refresh(True))


def _form_value(record: DocumentRecord, name: str) -> str:
    """What the form shows for a field: a status only when an admin set it, else （推定）."""
    if name == "status" and (name not in edited_fields(record.edited) or not record.status):
        return DERIVED
    return str(getattr(record, name))


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
