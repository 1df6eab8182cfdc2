"""`policy-qa ingest`: index files (default data/corpus) and report on each one."""

from __future__ import annotations

import argparse
import json
import sys
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
    ingest.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when every file was indexed, 1 when some failed (the rest are indexed), 2 on usage."""
    from assistant.app import open_app
    from ingest.ocr import OcrOptions
    from vectorstore.indexer import dry_run

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

    with tqdm(total=_count_files(paths), desc="文档 documents", unit="doc", file=sys.stderr) as bar:

        def advance(path: Path) -> None:
            bar.set_postfix_str(path.name[:30])
            bar.update(1)

        if args.dry_run:
            # Scanned pages OCR'd now are cached for the real ingest that follows.
            ocr = OcrOptions.under(settings.store.data_dir)
            report = dry_run(paths, advance, keep_shown, ocr)
        else:
            indexer = open_app(settings).indexer
            report = indexer.ingest_paths(paths, advance, keep_shown, _embedding_bar)
    _print_report([result.to_json() for result in report.results], shown, args.json)
    return report.exit_code


def _count_files(paths: list[Path]) -> int:
    from ingest.loaders import iter_corpus_files

    return len(iter_corpus_files(paths))


def _embedding_bar(processed: ProcessedDocument) -> Any:
    bar = tqdm(
        total=len(processed.chunks),
        desc=f"嵌入 embedding {processed.doc_id[:24]}",
        unit="chunk",
        leave=False,
        file=sys.stderr,
    )

    def advance(count: int) -> None:
        bar.update(count)
        if bar.n >= bar.total:
            bar.close()

    return advance


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
