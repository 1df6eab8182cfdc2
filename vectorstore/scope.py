"""Collections and the caller's scope: which documents a request may ever see.

Every document belongs to one collection (default `public`). Who asks (a UI login, an API
token, the CLI) decides the set of collections the request may see; the entry point sets it
once with `scoped(...)` and everything below reads `current_scope()`: the search snapshot
(vectorstore.index), the fact and measure tables (vectorstore.derived) and the library
listing. The answer logic never sees a document outside the scope, so no endpoint can
forget a check.

Fail closed: a request that sets no scope (a thread that did not inherit one, a new entry
point) sees `public` only, never more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ingest.errors import ConfigError

PUBLIC = "public"
# Collection names are inlined in SQL conditions (vectorstore.derived): this pattern is what
# keeps that safe, so every name is checked here before it is used anywhere.
COLLECTION_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
ALL_WORD = "all"


def collection_name(raw: str) -> str:
    """A valid collection name (lower-case letters, digits, - and _), or ConfigError."""
    name = raw.strip().lower()
    if not COLLECTION_NAME.fullmatch(name) or name == ALL_WORD:
        raise ConfigError(
            f"集合名称无效：{raw!r}（只能用小写字母、数字、- 和 _，不超过 32 个字符）",
            f"invalid collection name {raw!r} (lower-case letters, digits, - and _; up to 32)",
        )
    return name


@dataclass(frozen=True)
class Scope:
    """The collections one caller may see; `collections=None` means all (administrators)."""

    collections: frozenset[str] | None

    def allows(self, collection: str) -> bool:
        return self.collections is None or (collection or PUBLIC) in self.collections

    def label(self) -> str:
        """How the query log records the scope: "*" for all, else names joined by "+"."""
        return "*" if self.collections is None else "+".join(sorted(self.collections))


PUBLIC_SCOPE = Scope(frozenset({PUBLIC}))
ALL_COLLECTIONS = Scope(None)

_current: ContextVar[Scope] = ContextVar("policy_qa_scope", default=PUBLIC_SCOPE)


def parse_scope(raw: str) -> Scope:
    """ "public+internal" (also "," separated) -> a Scope; "all" (or "*") -> every collection."""
    names = [part for part in re.split(r"[+,\s]+", raw.strip()) if part]
    if any(name.lower() in (ALL_WORD, "*") for name in names):
        return ALL_COLLECTIONS
    return Scope(frozenset(collection_name(name) for name in names) or frozenset({PUBLIC}))


def current_scope() -> Scope:
    return _current.get()


@contextmanager
def scoped(scope: Scope) -> Iterator[Scope]:
    """Everything run inside sees only `scope`'s collections (restored on exit)."""
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def enter_scope(scope: Scope) -> None:
    """Set the scope for the rest of the current context (an async request dependency: the
    endpoint it guards runs in a copy of this context)."""
    _current.set(scope)


class HasCollection(Protocol):
    @property
    def collection(self) -> str: ...


Record = TypeVar("Record", bound=HasCollection)


def visible(records: Iterable[Record]) -> list[Record]:
    """The records (documents) of the current scope's collections."""
    scope = current_scope()
    return [record for record in records if scope.allows(record.collection)]
