"""Who is using the page: a UI login (POLICY_QA_USERS) grants collections for this session.

The session's user name and admin flag live in `gr.State`, which stays on the server (a
browser cannot set it). Every handler that searches, answers or lists documents is wrapped
by `Sessions.scoped`, which sets the session's scope (vectorstore.scope) around the call; the
filtering itself happens below, in the snapshot and the tables. Logged out = public only.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.access import AccessSettings
from ui.guard import AttemptGuard
from vectorstore.audit import AuditLog
from vectorstore.scope import ALL_COLLECTIONS, PUBLIC_SCOPE, Scope, scoped


@dataclass
class LoginBox:
    name: gr.Textbox
    password: gr.Textbox
    button: gr.Button
    status: gr.Markdown


def login_box() -> LoginBox:
    """Lay out the login accordion (only shown when users are configured)."""
    with gr.Accordion("内部用户登录", open=False, elem_id="pqa-login"):
        with gr.Row():
            name = gr.Textbox(label="用户名", scale=2, elem_id="pqa-login-name")
            password = gr.Textbox(
                label="密码", type="password", scale=2, elem_id="pqa-login-password"
            )
            button = gr.Button("登录", scale=1, elem_id="pqa-login-go")
        status = gr.Markdown(elem_id="pqa-login-status")
    return LoginBox(name, password, button, status)


class Sessions:
    """Logins (with the admin panel's guard against guessing) and the scope of a session."""

    def __init__(self, access: AccessSettings, audit: AuditLog, guard: AttemptGuard) -> None:
        self.access = access
        self.audit = audit
        self.guard = guard

    def scope_of(self, user: str, is_admin: bool) -> Scope:
        if is_admin:
            return ALL_COLLECTIONS
        known = self.access.users.get(user or "")
        return known.scope if known is not None else PUBLIC_SCOPE

    def login(self, name: str, password: str, request: gr.Request) -> tuple[str, str]:
        """(the session's user name, the message); a wrong login leaves the session public."""
        client = request.client.host if request and request.client else "unknown"
        verdict = self.guard.check(client)
        if not verdict.allowed:
            self.audit.write(f"client@{client}", "user_login_refused")
            return "", f"⏳ 尝试过于频繁，请 {round(verdict.wait_seconds)} 秒后再试"
        user = self.access.login(name or "", password or "")
        if user is None:
            self.guard.failed(client)
            self.audit.write(f"client@{client}", "user_login_failed")
            return "", "❌ 用户名或密码错误 / wrong user name or password"
        self.guard.succeeded(client)
        self.audit.write(f"user:{user.name}@{client}", "user_login")
        return user.name, f"✅ 已登录：{user.name}（可查看：{user.scope.label()}）"

    def scoped(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """`handler` with two more inputs (user, is_admin), run in that session's scope.

        A generator is stepped inside the scope each time: Gradio may run each step in
        another thread, and a context set in one step is not seen by the next.
        """
        if inspect.isgeneratorfunction(handler):

            def stepped(*args: Any) -> Iterator[Any]:
                *inputs, user, is_admin = args
                scope = self.scope_of(user, is_admin)
                with scoped(scope):
                    steps = handler(*inputs)
                while True:
                    with scoped(scope):
                        try:
                            item = next(steps)
                        except StopIteration:
                            return
                    yield item

            return stepped

        def call(*args: Any) -> Any:
            *inputs, user, is_admin = args
            with scoped(self.scope_of(user, is_admin)):
                return handler(*inputs)

        return call
