"""`policy-qa ingest`: index files (default data/corpus) and report on each one."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from assistant.settings import Settings

if TYPE_CHECKING:
    from ingest.pipeline import ProcessedDocument

DEFAULT_CORPUS = Path("data/corpus")


def register(commands: argparse._SubParsersAction) -> None:
    ingest = commands.add_parser(
        "ingest", help="导入文档并建立索引 / ingest documents into the index"
    )
    ingest.add_argument(
        "paths", nargs="*", type=Path, help=f"files or folders (default {DEFAULT_CORPUS})"
    )
    ingest.add_argument("--dry-run", action="store_true", help="clean and chunk only; do not index")
    ingest.add_argument("--show-chunks", metavar="DOC", help="print the chunks of this doc id")
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")
    ingest.add_argument(
        "--collection",
        metavar="NAME",
        help="放入此集合（默认保持原集合，新文档为 public）/ put the documents in this "
        "collection (default: keep each one's, public for new ones)",
    )
    ingest.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when every file was indexed, 1 when some failed (the rest are indexed), 2 on usage."""
    from assistant.app import open_app
    from ingest.ocr import OcrOptions
    from vectorstore.indexer import dry_run
    from vectorstore.scope import collection_name

    collection = collection_name(args.collection) if args.collection else None
    paths = args.paths or [DEFAULT_CORPUS]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(
            f"错误 / error: 路径不存在 / path not found: {', '.join(map(str, missing))}",
            file=sys.stderr,
        )
        return 2
    shown: list[ProcessedDocument] = []

    def keep_shown(processed: ProcessedDocument) -> None:
        if processed.doc_id == args.show_chunks:
            shown.append(processed)

    started = time.perf_counter()
    bar = JobBar(_files(paths))
    try:
        if args.dry_run:
            # Scanned pages OCR'd now are cached for the real ingest that follows.
            ocr = OcrOptions.under(settings.store.data_dir)
            report = dry_run(paths, bar.start_file, keep_shown, ocr)
        else:
            app = open_app(settings)
            report = app.indexer.ingest_paths(
                paths, bar.start_file, keep_shown, bar.embedding, collection
            )
            bar.finish("索引与检索数据 / search data")
            app.searcher.index.refresh()  # BM25 and the saved snapshot: the next start loads them
    finally:
        bar.close()
    _print_report([result.to_json() for result in report.results], shown, args.json)
    if not args.dry_run:
        _print_rate(report.results, time.perf_counter() - started, app.store.embeddings.misses)
    return report.exit_code


def _files(paths: list[Path]) -> list[Path]:
    from ingest.loaders import iter_corpus_files

    return [file for file, _ in iter_corpus_files(paths)]


class JobBar:
    """One progress bar over the whole job, in bytes of source files, with an ETA.

    A file's share of the bar advances with its chunks' embedding (the slow step), so the ETA
    follows the real work; chunks found in the embedding cache move it at once, which is what
    a resumed job looks like.
    """

    def __init__(self, files: list[Path]) -> None:
        self._sizes = {file: max(file.stat().st_size, 1) for file in files}
        self._bar = tqdm(
            total=sum(self._sizes.values()),
            desc="导入 ingest",
            unit="B",
            unit_scale=True,
            file=sys.stderr,
        )
        self._current: Path | None = None
        self._credited = 0.0

    def start_file(self, path: Path) -> None:
        self.finish(path.name[:30])
        self._current = path

    def embedding(self, processed: ProcessedDocument) -> Any:
        """Per embedded chunk, advance by that chunk's share of the current file."""
        share = self._size() / max(len(processed.chunks), 1)
        return lambda count: self._credit(share * count)

    def finish(self, next_label: str) -> None:
        """Count the current file as done, and show what comes next."""
        self._credit(self._size() - self._credited)
        self._current, self._credited = None, 0.0
        self._bar.set_postfix_str(next_label)

    def close(self) -> None:
        self._bar.close()

    def _size(self) -> float:
        return self._sizes.get(self._current, 0) if self._current else 0

    def _credit(self, amount: float) -> None:
        amount = min(amount, self._size() - self._credited)
        if amount > 0:
            self._credited += amount
            self._bar.update(amount)


def _print_rate(results: Any, seconds: float, embedded: int) -> None:
    """The final throughput line: documents and chunks per minute, and what was embedded."""
    done = [r for r in results if r.ok]
    chunks = sum(r.chunks for r in done)
    minutes = max(seconds, 1e-6) / 60
    print(
        f"用时 {seconds:.0f} s：每分钟 {len(done) / minutes:.1f} 个文档、{chunks / minutes:.0f} 个分块"
        f"（新嵌入 {embedded} 个分块）/ took {seconds:.0f} s: {len(done) / minutes:.1f} documents "
        f"and {chunks / minutes:.0f} chunks per minute ({embedded} chunks newly embedded)",
        file=sys.stderr,
    )


def _print_report(
    rows: list[dict[str, Any]], shown: list[ProcessedDocument], as_json: bool
) -> None:
    errors = sum(row["status"] == "error" for row in rows)
    if as_json:
        print(
            json.dumps(
                {"documents": rows, "errors": errors, "chunks": _chunk_payload(shown)},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for processed in shown:
        for chunk in processed.chunks:
            print(f"[{chunk.ordinal}] {chunk.kind} {chunk.tokens} tok | {chunk.section}")
            print(f"{chunk.text}\n")
    print(
        f"{'文档 doc_id':<34}{'状态 status':<12}{'字符 chars':>10}{'分块 chunks':>12}"
        f"{'表格行 rows':>12}{'去重 dups':>10}"
    )
    for row in rows:
        if row["status"] == "error":
            print(f"{row['doc_id']:<34}{'error':<12}  {row['error']}")
            continue
        print(
            f"{row['doc_id']:<34}{row['status']:<12}{row['chars']:>10}{row['chunks']:>12}"
            f"{row['table_rows']:>12}{row['duplicates_removed']:>10}"
        )
    for row in rows:
        if row.get("low_confidence_pages"):
            pages = ", ".join(map(str, row["low_confidence_pages"]))
            print(
                f"OCR 置信度低，请人工核对 / low OCR confidence, please check: {row['doc_id']} "
                f"第 {pages} 页 / page(s) {pages}"
            )
    ok = len(rows) - errors
    print(
        f"\n共 {len(rows)} 个文件：{ok} 个成功，{errors} 个错误 / {len(rows)} files: {ok} ok, {errors} errors"
    )


def _chunk_payload(shown: list[ProcessedDocument]) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "kind": c.kind,
            "section": c.section,
            "start": c.start,
            "end": c.end,
            "tokens": c.tokens,
            "text": c.text,
        }
        for processed in shown
        for c in processed.chunks
    ]
