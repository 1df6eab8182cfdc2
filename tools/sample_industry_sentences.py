"""Draw corpus sentences that name an industry word, for hand-labelling industry tags.

    python -m tools.sample_industry_sentences --split test --count 70 [--seed 1301]

Prints one JSON row per drawn sentence (id, split, doc_id, text, industries: []) for a labeller
to fill in, and `catalogue` (whether the extractor takes it for a measure); it never runs the
tagger, so the labels are decided from the text alone. The rows are paragraph sentences of the
split's sections that the gold set (evals/datasets/measures.jsonl) and the existing extra labels
do not hold; not only catalogue measures, because the test sections hold just 11 such catalogue
measures. The split follows the gold set's section rule: dev is 004 and chapters 一–七 of 003,
test is chapters 八–十 of 003 and the news documents 000–002.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence

from evals.measures_eval import CORPUS, INDUSTRY_LABELS, load_gold
from ingest.measures import industry_mentions, is_measure, normalize
from ingest.pipeline import ProcessedDocument, process_paths
from ingest.sentences import split_sentences

_TEST_CHAPTERS_003 = ("八、", "九、", "十、")


def split_of(doc_id: str, section: str) -> str:
    """The gold set's split for a sentence, from its document and chapter."""
    if doc_id.startswith("004"):
        return "dev"
    if doc_id.startswith("003"):
        return "test" if section.startswith(_TEST_CHAPTERS_003) else "dev"
    return "test"


def labelled_texts() -> list[tuple[str, str]]:
    """(doc_id, normalised text) of every sentence already in the gold set or the extra labels."""
    rows = [item.row for item in load_gold() if "text" in item.row]
    lines = INDUSTRY_LABELS.read_text("utf-8").splitlines()
    rows += [json.loads(line) for line in lines if line.strip()]
    return [(row["doc_id"], normalize(row["text"])) for row in rows]


def candidates(split: str, documents: Sequence[ProcessedDocument]) -> list[dict[str, object]]:
    """Unlabelled sentences of the split's sections naming an industry word, as label rows."""
    known = labelled_texts()
    found: list[dict[str, object]] = []
    for document in documents:
        for block in document.blocks:
            if block.kind != "paragraph" or split_of(document.doc_id, block.section_path) != split:
                continue
            for sentence in split_sentences(block.text, block.start):
                text = normalize(sentence.text)
                seen = any(
                    doc == document.doc_id and (gold in text or text in gold) for doc, gold in known
                )
                if seen or not industry_mentions(text):
                    continue
                found.append(
                    {
                        "id": f"i{document.doc_id[:3]}-{sentence.start}",
                        "split": split,
                        "doc_id": document.doc_id,
                        "text": sentence.text,
                        "catalogue": is_measure(sentence.text),
                        "industries": [],
                    }
                )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.sample_industry_sentences")
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--count", type=int, default=70)
    parser.add_argument("--seed", type=int, default=1301)
    args = parser.parse_args(argv)
    documents = [d for d in process_paths([CORPUS]) if isinstance(d, ProcessedDocument)]
    pool = candidates(args.split, documents)
    drawn = random.Random(args.seed).sample(pool, min(args.count, len(pool)))
    for row in sorted(drawn, key=lambda r: (r["doc_id"], int(str(r["id"]).split("-")[1]))):
        print(json.dumps(row, ensure_ascii=False))
    print(f"{len(drawn)} of {len(pool)} candidates", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
