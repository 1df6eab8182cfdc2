"""Scanned-document benchmark (`make bench` / `python -m tools.bench_ocr`): prints, asserts nothing.

1. text-layer PDF ingest throughput (pages/min), for comparison;
2. a PAGES-page scan of corpus text (one page of it a ruled table) ingested with OCR on an
   empty OCR cache: pages/min, total time, 1 - CER against the drawn text, table rows;
3. the same scan again: every page comes from the OCR cache (what a resumed ingest costs);
4. QA on the eval items of one corpus document, once over its text and once over a scanned
   copy ingested in its place (answer accuracy and citation support, evals.metrics).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from vectorstore.offline import apply_offline_defaults

apply_offline_defaults()

from evals.dataset import load_dataset  # noqa: E402
from evals.metrics import answer_summary  # noqa: E402
from evals.runner import run_answers  # noqa: E402
from evals.scan_render import (  # noqa: E402
    ScanPage,
    character_accuracy,
    pdf_bytes,
    table_page,
    text_layer_pdf,
    text_pages,
)
from ingest.ocr import OcrOptions  # noqa: E402
from ingest.pipeline import ProcessedDocument, process_paths  # noqa: E402
from tools.bench import (  # noqa: E402
    BenchTimeout,
    Report,
    Row,
    _quiet,
    _timeout,
    copy_cache,
    ingest,
)
from vectorstore.embeddings import CACHE_FILENAME  # noqa: E402
from vectorstore.settings import StoreSettings  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "corpus"
DEV_SET = REPO / "evals" / "datasets" / "dev.jsonl"
LONG_DOC = "003_d7285df370a477b8.txt"
QA_DOC = "000_0e5a863861ba855e.txt"
LINE_CHARS, PAGE_LINES = 40, 40
TABLE = (
    "表1：2025年主要指标",
    ("序号", "指标", "2020年", "2025年"),
    (("1", "高新技术企业", "2000", "2600"), ("2", "研发投入强度", "3.1%", "3.5%")),
)


def paragraphs(name: str) -> list[str]:
    text = (CORPUS / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def scan_pages(count: int) -> list[ScanPage]:
    """`count` pages: corpus text, with a ruled table as the second page."""
    pages = text_pages(paragraphs(LONG_DOC))[: count - 1]
    return [pages[0], table_page(TABLE[0], TABLE[1], TABLE[2]), *pages[1:]]


@dataclass(frozen=True)
class Timing:
    """Wall time, and this process's CPU time: on a shared machine the wall time grows with
    other processes' load, while CPU time / cores estimates the time on idle cores."""

    wall: float
    cpu: float

    def rate(self, pages: int) -> str:
        idle = self.cpu / (os.cpu_count() or 1)
        return (
            f"{pages / self.wall * 60:.1f} pages/min wall; CPU {self.cpu / pages:.1f} s/page "
            f"(≈{pages / idle * 60:.1f} pages/min on {os.cpu_count()} idle cores)"
        )


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_ingest(path: Path, data_dir: Path) -> tuple[ProcessedDocument, Timing]:
    started, cpu = time.perf_counter(), _cpu_seconds()
    (outcome,) = list(process_paths([path], ocr=OcrOptions.under(data_dir)))
    timing = Timing(time.perf_counter() - started, _cpu_seconds() - cpu)
    if not isinstance(outcome, ProcessedDocument):
        raise RuntimeError(str(outcome.error))
    return outcome, timing


def accuracy(
    pages: list[ScanPage], processed: ProcessedDocument, fold_width: bool = False
) -> tuple[float, int]:
    """Character accuracy over the text pages, weighted by length; and correct table rows.

    With `fold_width` both sides are NFKC-folded first: the source text of 003 has ASCII
    commas and brackets that print like Chinese ones, and OCR reads them full-width."""
    document = processed.document
    starts = (*document.page_starts, len(document.text))
    errors = total = 0
    for number, page in enumerate(pages, start=1):
        if page.text.startswith(TABLE[0]):
            continue
        recognised = document.text[starts[number - 1] : starts[number]]
        source = page.text
        if fold_width:
            source, recognised = (unicodedata.normalize("NFKC", t) for t in (source, recognised))
        size = len("".join(source.split()))
        errors += round((1 - character_accuracy(source, recognised)) * size)
        total += size
    expected = [
        f"{TABLE[0]} | {serial} {name}: {TABLE[1][2]} {a}; {TABLE[1][3]} {b}"
        for serial, name, a, b in TABLE[2]
    ]
    rows = [c.text for c in processed.chunks if c.kind == "table_row"]
    return 1 - errors / max(total, 1), sum(row in rows for row in expected)


def throughput(report: Report, workdir: Path, count: int) -> None:
    text = "".join(paragraphs(LONG_DOC))
    lines = [text[i : i + LINE_CHARS] for i in range(0, len(text), LINE_CHARS)]
    typed = [lines[i : i + PAGE_LINES] for i in range(0, PAGE_LINES * count, PAGE_LINES)]
    text_pdf = workdir / "text.pdf"
    text_pdf.write_bytes(text_layer_pdf(typed))
    _, timing = timed_ingest(text_pdf, workdir / "data-text")
    report.add(Row(f"text-layer PDF, {count} pages", 1, 0, timing.wall, detail=timing.rate(count)))
    pages = scan_pages(count)
    scan_pdf = workdir / "scan.pdf"
    scan_pdf.write_bytes(pdf_bytes([page.image for page in pages]))
    processed, timing = timed_ingest(scan_pdf, workdir / "data-scan")
    share, rows = accuracy(pages, processed)
    folded, _ = accuracy(pages, processed, fold_width=True)
    report.add(
        Row(
            f"scanned PDF, {len(pages)} pages (OCR)",
            1,
            len(processed.chunks),
            timing.wall,
            detail=f"{timing.rate(len(pages))}; 1-CER {share:.4f} (width-folded {folded:.4f}); "
            f"table rows {rows}/{len(TABLE[2])}; "
            f"low-confidence pages {list(processed.document.low_confidence_pages)}",
        )
    )
    _, again = timed_ingest(scan_pdf, workdir / "data-scan")
    report.add(Row("same scan again (OCR cache)", 1, 0, again.wall, detail=again.rate(len(pages))))


def scanned_corpus(workdir: Path) -> Path:
    """The corpus with QA_DOC replaced by a scanned PDF of its text (catalog entry moved)."""
    target = workdir / "corpus-scan"
    shutil.copytree(CORPUS, target)
    scan_name = QA_DOC.removesuffix(".txt") + ".pdf"
    (target / QA_DOC).unlink()
    (target / scan_name).write_bytes(
        pdf_bytes([page.image for page in text_pages(paragraphs(QA_DOC))])
    )
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    catalog["documents"][scan_name] = catalog["documents"].pop(QA_DOC)
    (target / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    return target


def qa_compare(report: Report, workdir: Path, cache_from: Path | None) -> None:
    from assistant.app import open_app

    items = [item for item in load_dataset(DEV_SET) if QA_DOC in item.sources]
    for label, corpus in (("text", CORPUS), ("scan", scanned_corpus(workdir))):
        data_dir = workdir / f"qa-{label}"
        if cache_from is not None:
            copy_cache(cache_from, data_dir)
        row, settings = ingest(corpus, data_dir)
        assistant = open_app(settings).assistant
        summary = answer_summary(run_answers(assistant, items, progress=False))
        row.phase = f"QA on {QA_DOC[:3]} ({label}), {len(items)} dev items"
        row.detail = (
            f"answer accuracy {summary['accuracy']}; citation support {summary['citation_support']}"
        )
        report.add(row)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_ocr", description=__doc__)
    parser.add_argument("--pages", type=int, default=20, help="pages in the scan (default 20)")
    parser.add_argument("--skip-qa", action="store_true", help="only the throughput phases")
    parser.add_argument("--max-seconds", type=int, default=1800)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _quiet()
    report = Report()
    report.notes.append(f"machine: {os.cpu_count()} CPU(s); OCR: rapidocr-onnxruntime PP-OCRv4")
    user_data = StoreSettings.from_env().data_dir
    cache_from = user_data if (user_data / CACHE_FILENAME).is_file() else None
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(args.max_seconds)
    status = 0
    with tempfile.TemporaryDirectory(prefix="policy-qa-bench-ocr-") as tmp:
        try:
            throughput(report, Path(tmp), args.pages)
            if not args.skip_qa:
                qa_compare(report, Path(tmp), cache_from)
        except BenchTimeout:
            report.notes.append(f"ABORTED after --max-seconds={args.max_seconds}; partial results")
            status = 1
        finally:
            signal.alarm(0)
    load = os.getloadavg()
    report.notes.append(f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    report.print()
    return status


if __name__ == "__main__":
    sys.exit(main())
