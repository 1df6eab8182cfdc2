"""The document registry protocol: append-only registrations, "current" = newest complete one.

Why not one mutable entry per document: two writers racing on one document each wrote their
version, pointed the entry at it and then deleted "every other version", i.e. each other's,
leaving a registered document with no records. A lock file cannot prevent that when several
machines share one Chroma server, so the registry itself must be safe under races:

- A writer first writes all records of its version (record ids carry the version), then
  APPENDS a registration: a new registry entry with the document's metadata, its chunk count,
  a monotonic per-document sequence number (1 + the largest it sees) and a random writer
  token. The entry is never modified afterwards. Deleting a document appends a tombstone.
- Registrations are ordered by (sequence, token). Two writers that saw the same largest
  sequence get the same number; the token breaks the tie identically for every reader.
- A registration is complete when the store holds exactly `chunk_count` records of its
  version (tombstones are always complete). A document's CURRENT registration is the newest
  complete one; a tombstone there means the document is deleted.
- Cleanup after a write deletes only versions whose every registration is older than the
  current one, and registrations older than the current one. The current registration is
  never deleted, so the newest complete version of a document always survives: a race can
  at worst delete a version that was written concurrently but is not newest, and that
  writer sees its registration incomplete, re-writes its records and registers again.
- Records of a version that has no registration yet may belong to a writer in flight
  elsewhere, so writers never delete them; `policy-qa check --repair` removes such orphans.

Entries written before this protocol (id = doc id, no sequence) read as sequence 0.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Registration:
    """One append-only registry entry: a version of a document, or a tombstone."""

    entry_id: str
    doc_id: str
    version: str
    seq: int
    token: str
    deleted: bool
    chunk_count: int
    meta: Mapping[str, Any]

    @property
    def doc_key(self) -> str:
        return f"{self.doc_id}@{self.version}"

    @property
    def order(self) -> tuple[int, str]:
        return (self.seq, self.token)


def new_token() -> str:
    return uuid.uuid4().hex[:16]


def entry_id(doc_id: str, seq: int, token: str) -> str:
    return f"{doc_id}#{seq:012d}#{token}"


def parse(entry: str, meta: Mapping[str, Any]) -> Registration:
    """A registry entry as a Registration; pre-protocol entries become sequence 0."""
    return Registration(
        entry_id=entry,
        doc_id=str(meta.get("doc_id", entry)),
        version=str(meta.get("version", "")),
        seq=int(meta.get("seq", 0)),
        token=str(meta.get("token", "")),
        deleted=bool(meta.get("deleted", False)),
        chunk_count=int(meta.get("chunk_count", 0)),
        meta=meta,
    )


def by_document(registrations: Iterable[Registration]) -> dict[str, list[Registration]]:
    """Each document's registrations, newest first."""
    grouped: dict[str, list[Registration]] = {}
    for registration in registrations:
        grouped.setdefault(registration.doc_id, []).append(registration)
    for entries in grouped.values():
        entries.sort(key=lambda r: r.order, reverse=True)
    return grouped


def next_seq(entries: Iterable[Registration]) -> int:
    return 1 + max((r.seq for r in entries), default=0)


def current(
    entries_newest_first: Iterable[Registration], is_complete: Callable[[Registration], bool]
) -> Registration | None:
    """The newest complete registration (a tombstone is always complete), or None."""
    for registration in entries_newest_first:
        if registration.deleted or is_complete(registration):
            return registration
    return None


@dataclass(frozen=True)
class Cleanup:
    """What may be deleted once `keep` is known to be current."""

    doc_keys: tuple[str, ...]
    entry_ids: tuple[str, ...]


def superseded(entries_newest_first: list[Registration], keep: Registration) -> Cleanup:
    """Versions whose every registration is older than `keep`, and entries older than `keep`."""
    newer_or_same = {
        r.doc_key for r in entries_newest_first if r.order >= keep.order and not r.deleted
    }
    if not keep.deleted:
        newer_or_same.add(keep.doc_key)
    older = [r for r in entries_newest_first if r.order < keep.order]
    keys = sorted({r.doc_key for r in older if not r.deleted} - newer_or_same)
    return Cleanup(tuple(keys), tuple(r.entry_id for r in older))
