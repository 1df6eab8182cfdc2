"""Bearer tokens: read endpoints need one of POLICY_QA_API_TOKENS when it is set, admin
endpoints always need POLICY_QA_ADMIN_TOKEN.

The token also decides what the request may see (vectorstore.scope): the admin token every
collection, a read token its granted collections, no token `public`. The checks are async
dependencies on purpose: they run in the request's own context, so the scope they set is the
one the endpoint (run in a worker thread with a copy of that context) searches with.

Every configured token is compared in constant time (all of them, no early exit), and no
token is ever logged or echoed: errors only say that one is missing or wrong.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from fastapi import Request

from ui.api.config import ApiSettings
from ui.api.errors import ApiError
from vectorstore.scope import ALL_COLLECTIONS, PUBLIC_SCOPE, Scope, enter_scope

_UNAUTHORIZED_HEADERS = {"WWW-Authenticate": "Bearer"}


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _any_equal(given: str, tokens: Iterable[str]) -> bool:
    found = False
    for token in tokens:
        found |= hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))
    return found


def _settings(request: Request) -> ApiSettings:
    return request.app.state.api_settings


def _unauthorized(given: str | None) -> ApiError:
    if given is None:
        return ApiError(
            401,
            "unauthorized",
            "缺少访问令牌（Authorization: Bearer …）",
            "missing access token (Authorization: Bearer …)",
            _UNAUTHORIZED_HEADERS,
        )
    return ApiError(
        401, "unauthorized", "访问令牌无效", "invalid access token", _UNAUTHORIZED_HEADERS
    )


def _scope_of(given: str | None, settings: ApiSettings) -> Scope:
    """Every collection for the admin token, a token's granted ones, else public."""
    if given is None:
        return PUBLIC_SCOPE
    if settings.admin_token and _any_equal(given, (settings.admin_token,)):
        return ALL_COLLECTIONS
    scope = PUBLIC_SCOPE
    for token in settings.scoped_tokens:  # all compared: no early exit
        if hmac.compare_digest(given.encode("utf-8"), token.token.encode("utf-8")):
            scope = token.scope
    return scope


def scope_of_request(request: Request) -> Scope:
    """What a request's bearer token (if any) may see, without requiring one."""
    return _scope_of(_bearer(request), _settings(request))


async def require_reader(request: Request) -> None:
    """Open while no read tokens are configured; otherwise a read or the admin token."""
    settings = _settings(request)
    given = _bearer(request)
    if settings.reads_need_token:
        admin = (settings.admin_token,) if settings.admin_token else ()
        if given is None or not _any_equal(given, (*settings.read_tokens, *admin)):
            raise _unauthorized(given)
    enter_scope(_scope_of(given, settings))


async def require_admin(request: Request) -> None:
    """Only the admin token; a valid read token is understood but not allowed (403)."""
    settings = _settings(request)
    if not settings.admin_token:
        raise ApiError(
            403,
            "admin_disabled",
            "未设置 POLICY_QA_ADMIN_TOKEN，管理接口已关闭",
            "admin endpoints are off: POLICY_QA_ADMIN_TOKEN is not set",
        )
    given = _bearer(request)
    if given is not None and _any_equal(given, (settings.admin_token,)):
        enter_scope(ALL_COLLECTIONS)
        return
    if given is not None and _any_equal(given, settings.read_tokens):
        raise ApiError(403, "forbidden", "此操作需要管理员令牌", "this needs the admin token")
    raise _unauthorized(given)
