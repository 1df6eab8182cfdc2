"""`policy-qa check`: compare the registry, the chunk records, BM25 and the embedding cache.

Problems (exit 1 until repaired):
- lost: a document is registered but no version has all its records (re-ingest its file);
- incomplete: a registration newer than the current one whose records are partly missing
  (a writer died or lost a race) — repair drops it and its partial records;
- superseded: versions or registrations the current one replaces, left by an interrupted
  cleanup — repair deletes them;
- orphan: records of a version that was never registered (a writer killed before its commit
  point) — repair deletes them; run it while no ingest is active on any machine;
- bm25: the saved BM25 index cannot be read — repair rebuilds it;
- cache: a cached vector differs from the stored one, so a re-index would write a wrong
  vector — repair overwrites the cache entry with the stored vector.
A damaged `chroma.sqlite3` cannot be opened at all: `--repair` then renames `chroma/` to
`chroma.corrupt-<time>` so that `policy-qa ingest` can rebuild it (vectors from the cache).
Notes (not problems): a BM25 index that is stale (rebuilt on the next search anyway) and
vectors missing from this machine's cache (another machine may have embedded them).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ingest.chunking import retrieval_text
from vectorstore import registry
from vectorstore.index import SearchIndex
from vectorstore.lexical import LexicalIndex, LexicalIndexCorrupt, fingerprint_of
from vectorstore.registry import Registration
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore, LoadedVersion
from vectorstore.writelock import writer_lock

# float32 vectors written and read back may differ in the last bits only.
_VECTOR_TOLERANCE = 1e-4


@dataclass(frozen=True)
class Finding:
    kind: str
    doc_id: str
    message_zh: str
    message_en: str

    def line(self) -> str:
        return f"[{self.kind}] {self.doc_id}: {self.message_zh} / {self.message_en}"


@dataclass
class CheckReport:
    documents: int = 0
    records: int = 0
    problems: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    # What a repair needs, found while checking.
    _dead_entries: list[Registration] = field(default_factory=list, repr=False)
    _orphan_keys: list[str] = field(default_factory=list, repr=False)
    _stale_docs: list[str] = field(default_factory=list, repr=False)
    _cache_fixes: list[tuple[str, list[float]]] = field(default_factory=list, repr=False)
    _bm25_broken: bool = False

    @property
    def consistent(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "consistent": self.consistent,
            "documents": self.documents,
            "records": self.records,
            "problems": [asdict(p) for p in self.problems],
            "notes": [asdict(n) for n in self.notes],
            "repaired": self.repaired,
        }


def check(store: ChunkStore) -> CheckReport:
    """Read everything once and report what disagrees; changes nothing."""
    report = CheckReport()
    counts = store.record_keys()
    report.records = sum(counts.values())
    registered: set[str] = set()
    current_versions: list[LoadedVersion] = []
    for doc_id, entries in sorted(store.registrations().items()):
        registered |= {r.doc_key for r in entries if not r.deleted}
        chosen = registry.current(entries, lambda r: counts.get(r.doc_key, 0) == r.chunk_count)
        _check_document(report, doc_id, entries, chosen, counts)
        if chosen is not None and not chosen.deleted:
            loaded = store.load_version(chosen)
            if loaded is not None:
                current_versions.append(loaded)
    report.documents = len(current_versions)
    for key in sorted(set(counts) - registered):
        report._orphan_keys.append(key)
        report.problems.append(
            Finding(
                "orphan",
                key.split("@")[0],
                f"版本 {key} 有 {counts[key]} 条记录但从未登记",
                f"version {key} has {counts[key]} records but was never registered",
            )
        )
    _check_bm25(report, SearchIndex(store).lexical_dir, current_versions)
    _check_cache(report, store, current_versions)
    return report


def _check_document(
    report: CheckReport,
    doc_id: str,
    entries: list[Registration],
    chosen: Registration | None,
    counts: dict[str, int],
) -> None:
    if chosen is None:  # its registrations stay until a re-ingest supersedes them
        report.problems.append(
            Finding(
                "lost",
                doc_id,
                "没有任何完整版本，请重新导入该文件（policy-qa ingest <文件>）",
                "no version has all its records; ingest its file again",
            )
        )
        return
    for dead in (r for r in entries if r.order > chosen.order):
        report._dead_entries.append(dead)
        report.problems.append(
            Finding(
                "incomplete",
                doc_id,
                f"登记 {dead.entry_id} 只有 {counts.get(dead.doc_key, 0)}/{dead.chunk_count} 条记录",
                f"registration {dead.entry_id} has {counts.get(dead.doc_key, 0)} of "
                f"{dead.chunk_count} records",
            )
        )
    plan = registry.superseded(entries, chosen)
    if plan.doc_keys or plan.entry_ids:
        report._stale_docs.append(doc_id)
        report.problems.append(
            Finding(
                "superseded",
                doc_id,
                f"旧版本 {len(plan.doc_keys)} 个、旧登记 {len(plan.entry_ids)} 条未清理",
                f"{len(plan.doc_keys)} old versions and {len(plan.entry_ids)} old registrations "
                "were not cleaned up",
            )
        )


def _check_bm25(report: CheckReport, directory: Any, versions: list[LoadedVersion]) -> None:
    chunk_ids = [c.id for v in versions for c in v.chunks]
    titles = {v.record.doc_id: v.record.title for v in versions}
    if not directory.exists():
        if chunk_ids:
            report.notes.append(
                Finding("bm25", "-", "BM25 索引尚未建立", "no BM25 index saved yet")
            )
        return
    try:
        saved = LexicalIndex.load(directory)
    except LexicalIndexCorrupt as error:
        report._bm25_broken = True
        report.problems.append(Finding("bm25", "-", "BM25 索引损坏", f"unreadable: {error}"))
        return
    if saved.fingerprint != fingerprint_of(chunk_ids, titles):
        report._bm25_broken = True
        report.notes.append(
            Finding("bm25", "-", "BM25 索引已过期，下次检索时重建", "stale; rebuilt on next search")
        )


def _check_cache(report: CheckReport, store: ChunkStore, versions: list[LoadedVersion]) -> None:
    embeddings = store.embeddings
    texts = [retrieval_text(c) for v in versions for c in v.chunks]
    stored = [list(vector) for v in versions for vector in v.vectors]
    cached = embeddings.cache.get_many(
        embeddings.model_name, "passage", texts, embeddings.dimension
    )
    missing = 0
    for text, want, have in zip(texts, stored, cached, strict=True):
        if have is None:
            missing += 1
            report._cache_fixes.append((text, want))
        elif not np.allclose(have, want, atol=_VECTOR_TOLERANCE):
            report._cache_fixes.append((text, want))
            report.problems.append(
                Finding(
                    "cache",
                    "-",
                    "缓存向量与索引中的向量不一致",
                    f"cached vector differs from the stored one for {text[:30]!r}",
                )
            )
    if missing:
        report.notes.append(
            Finding(
                "cache",
                "-",
                f"本机嵌入缓存缺少 {missing} 个向量",
                f"{missing} stored vectors are not in this machine's embedding cache",
            )
        )


def repair(store: ChunkStore) -> CheckReport:
    """Fix what `check` finds (holding the writer lock), then check again."""
    with store.writing():
        found = check(store)
        for dead in found._dead_entries:
            still_used = {
                r.doc_key
                for r in store.registrations().get(dead.doc_id, [])
                if r.entry_id != dead.entry_id
            }
            store.delete_entries([dead.entry_id])
            if dead.doc_key not in still_used:
                store.delete_records([dead.doc_key])
        for doc_id in found._stale_docs:
            store.cleanup(doc_id)
        store.delete_records(found._orphan_keys)
        if found._cache_fixes:
            embeddings = store.embeddings
            embeddings.cache.put_many(embeddings.model_name, "passage", found._cache_fixes)
        if found._bm25_broken:
            SearchIndex(store, background=False).refresh()
    after = check(store)
    after.repaired = [f.line() for f in found.problems] + (
        ["[bm25] rebuilt"] if found._bm25_broken else []
    )
    return after


def set_aside_damaged(settings: StoreSettings) -> Path:
    """Rename a damaged embedded `chroma/` to `chroma.corrupt-<time>` (kept, never deleted)."""
    with writer_lock(settings.data_dir, settings.lock_timeout_s):
        source = settings.data_dir / "chroma"
        target = source.with_name(f"chroma.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        source.rename(target)
    return target
