"""The evaluation question set: loading, validation and coverage.

The eval suite measures whether a change makes answers better or worse, so the
question set itself must be trustworthy: every reference answer has to be provable
from the bundled corpus. The set is split in two: ``evals/datasets/dev.jsonl`` (tune on
it) and ``evals/datasets/test.jsonl`` (frozen, never tuned on). This module loads a split
into typed :class:`EvalItem` objects and checks each item against the corpus files
(evidence is an exact substring of its source, required answer strings really occur in
the source, unanswerable items point at nothing), and the splits against each other (no
id in both, no question of one that is a copy or near-copy of the other's), so a broken
dataset fails loudly in the tests instead of silently skewing metrics.

Matching of ``must_contain`` strings uses :func:`normalize_for_match` (NFKC plus
removal of all whitespace) because the corpus is extracted from PDFs: doc 004 writes
"2018 年" and "2000 家" with spaces, and full-width and ASCII punctuation are mixed.
Evidence strings, by contrast, are compared exactly against the raw file text, so a
citation can always be located verbatim.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.matching import squeeze as normalize_for_match

ITEM_TYPES: frozenset[str] = frozenset(
    {"figure", "entity", "list", "policy", "table", "temporal", "unanswerable"}
)
DIFFICULTIES: frozenset[str] = frozenset({"easy", "medium", "hard"})
#: How a question is worded; metrics are reported per style. Absent on disk = "plain".
STYLES: frozenset[str] = frozenset(
    {"plain", "framed", "rephrased", "colloquial", "enterprise", "multi_part", "attribute_swap"}
)
DEFAULT_STYLE = "plain"

#: Keys every JSON line must have (and the only keys it may have: typos such as
#: "evidance" would otherwise be silently ignored).
FIELDS: tuple[str, ...] = (
    "id",
    "question",
    "answer",
    "must_contain",
    "source",
    "evidence",
    "type",
    "difficulty",
    "paraphrased",
)
#: Keys a line may have but need not.
OPTIONAL_FIELDS: tuple[str, ...] = ("style",)

#: Evidence must be short enough to point at one spot and long enough to be specific.
EVIDENCE_MIN_CHARS = 8
EVIDENCE_MAX_CHARS = 60
#: A correct answer is judged by a few short strings, not by a copy of the source.
MUST_CONTAIN_MAX = 3

DATASETS_DIR: Path = Path(__file__).resolve().parent / "datasets"
#: The eval splits by name: tune on dev; test is frozen and only reported.
SPLIT_PATHS: dict[str, Path] = {
    "dev": DATASETS_DIR / "dev.jsonl",
    "test": DATASETS_DIR / "test.jsonl",
}
#: Questions written from the five documents alone by writers who saw neither the splits above
#: nor the code (evals/datasets/blind.md): blind_dev may be looked at while tuning, blind_test
#: is only scored. Run with `policy-qa eval --dataset`; they are not part of the default run.
BLIND_PATHS: dict[str, Path] = {
    "blind_dev": DATASETS_DIR / "blind_dev.jsonl",
    "blind_test": DATASETS_DIR / "blind_test.jsonl",
}
#: Questions of two splits this similar (character bigrams) with the same numbers leak.
NEAR_DUPLICATE_JACCARD = 0.75


class DatasetError(ValueError):
    """A dataset line is malformed; the message names the file and line number."""


@dataclass(frozen=True)
class EvalItem:
    """One evaluation question with its reference answer and proof.

    ``sources`` and ``evidences`` are tuples so single-document and multi-document
    (temporal) items share one shape; both are empty for unanswerable items.
    ``evidences[i]`` is the exact substring of ``sources[i]`` that proves the answer.
    """

    id: str
    question: str
    answer: str
    must_contain: tuple[str, ...]
    sources: tuple[str, ...]
    evidences: tuple[str, ...]
    type: str
    difficulty: str
    paraphrased: bool
    style: str = DEFAULT_STYLE
    line_no: int = 0

    @property
    def answerable(self) -> bool:
        """False for questions whose answer is in no document (the assistant must refuse)."""
        return self.type != "unanswerable"

    def to_json(self) -> dict[str, Any]:
        """Return the on-disk JSON shape (scalar source/evidence for one document)."""
        source: str | list[str] | None
        evidence: str | list[str] | None
        data: dict[str, Any]
        if not self.sources:
            source, evidence = None, None
        elif len(self.sources) == 1:
            source = self.sources[0]
            evidence = self.evidences[0] if self.evidences else None
        else:
            source, evidence = list(self.sources), list(self.evidences)
        data = {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "must_contain": list(self.must_contain),
            "source": source,
            "evidence": evidence,
            "type": self.type,
            "difficulty": self.difficulty,
            "paraphrased": self.paraphrased,
        }
        if self.style != DEFAULT_STYLE:
            data["style"] = self.style
        return data


def _as_str_tuple(value: Any, field: str, where: str) -> tuple[str, ...]:
    """Normalise ``null | str | list[str]`` to a tuple, rejecting anything else."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise DatasetError(f"{where}: field {field!r} must be null, a string or a list of strings")


def item_from_dict(data: Any, where: str = "<item>", line_no: int = 0) -> EvalItem:
    """Build an :class:`EvalItem` from one decoded JSON object, checking field shapes.

    Only the *shape* is checked here (so loading never needs the corpus); whether
    the content is right is :func:`validate_dataset`'s job.
    """
    if not isinstance(data, dict):
        raise DatasetError(f"{where}: expected a JSON object, got {type(data).__name__}")
    missing = [f for f in FIELDS if f not in data]
    if missing:
        raise DatasetError(f"{where}: missing field(s) {', '.join(missing)}")
    unknown = sorted(set(data) - set(FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise DatasetError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for name in ("id", "question", "answer", "type", "difficulty"):
        if not isinstance(data[name], str):
            raise DatasetError(f"{where}: field {name!r} must be a string")
    if not isinstance(data.get("style", DEFAULT_STYLE), str):
        raise DatasetError(f"{where}: field 'style' must be a string")
    if not isinstance(data["paraphrased"], bool):
        raise DatasetError(f"{where}: field 'paraphrased' must be true or false")
    must = data["must_contain"]
    if not isinstance(must, list) or not all(isinstance(m, str) for m in must):
        raise DatasetError(f"{where}: field 'must_contain' must be a list of strings")
    return EvalItem(
        id=data["id"],
        question=data["question"],
        answer=data["answer"],
        must_contain=tuple(must),
        sources=_as_str_tuple(data["source"], "source", where),
        evidences=_as_str_tuple(data["evidence"], "evidence", where),
        type=data["type"],
        difficulty=data["difficulty"],
        paraphrased=data["paraphrased"],
        style=data.get("style", DEFAULT_STYLE),
        line_no=line_no,
    )


def load_dataset(path: str | Path) -> list[EvalItem]:
    """Load a JSONL question set; blank lines are skipped.

    Raises :class:`DatasetError` naming ``path:line`` on invalid JSON or a field of
    the wrong shape, so a hand-edited file points straight at its mistake.
    """
    path = Path(path)
    items: list[EvalItem] = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{line_no}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(
                    f"{where}: invalid JSON ({exc.msg} at column {exc.colno})"
                ) from exc
            items.append(item_from_dict(data, where=where, line_no=line_no))
    return items


def load_corpus_texts(corpus_dir: str | Path, doc_ids: Iterable[str]) -> dict[str, str]:
    """Read the raw text of each existing ``doc_id`` under ``corpus_dir`` (UTF-8)."""
    corpus_dir = Path(corpus_dir)
    texts: dict[str, str] = {}
    for doc_id in sorted(set(doc_ids)):
        path = corpus_dir / doc_id
        if path.is_file():
            texts[doc_id] = path.read_text(encoding="utf-8")
    return texts


def _label(item: EvalItem) -> str:
    return f"{item.id or '<no id>'} (line {item.line_no})" if item.line_no else item.id


def _check_item(
    item: EvalItem, texts: Mapping[str, str], normalized: Mapping[str, str]
) -> list[str]:
    """Problems of one item on its own (no cross-item checks)."""
    label = _label(item)
    problems: list[str] = []
    if not item.id.strip():
        problems.append(f"{label}: empty id")
    if not item.question.strip():
        problems.append(f"{label}: empty question")
    if not item.answer.strip():
        problems.append(f"{label}: empty answer")
    if item.type not in ITEM_TYPES:
        problems.append(f"{label}: unknown type {item.type!r}")
    if item.difficulty not in DIFFICULTIES:
        problems.append(f"{label}: unknown difficulty {item.difficulty!r}")
    if item.style not in STYLES:
        problems.append(f"{label}: unknown style {item.style!r}")

    if not item.answerable:
        if item.sources:
            problems.append(f"{label}: unanswerable item must have source null")
        if item.evidences:
            problems.append(f"{label}: unanswerable item must have evidence null")
        if item.must_contain:
            problems.append(f"{label}: unanswerable item must have an empty must_contain")
        return problems

    if not item.sources:
        problems.append(f"{label}: answerable item has no source")
        return problems
    if len(item.sources) > 1 and item.type != "temporal":
        problems.append(f"{label}: only temporal items may cite several sources")
    if len(set(item.sources)) != len(item.sources):
        problems.append(f"{label}: a source is listed twice")
    if len(item.evidences) != len(item.sources):
        problems.append(
            f"{label}: {len(item.evidences)} evidence string(s) for {len(item.sources)} source(s)"
        )
    if not 1 <= len(item.must_contain) <= MUST_CONTAIN_MAX:
        problems.append(f"{label}: must_contain needs 1 to {MUST_CONTAIN_MAX} strings")

    for doc_id in item.sources:
        if doc_id not in texts:
            problems.append(f"{label}: source {doc_id!r} is not a file in the corpus")
    for doc_id, evidence in zip(item.sources, item.evidences, strict=False):
        if "\n" in evidence or "\r" in evidence:
            problems.append(f"{label}: evidence spans a line break: {evidence!r}")
        if not EVIDENCE_MIN_CHARS <= len(evidence) <= EVIDENCE_MAX_CHARS:
            problems.append(
                f"{label}: evidence has {len(evidence)} characters "
                f"(expected {EVIDENCE_MIN_CHARS}-{EVIDENCE_MAX_CHARS}): {evidence!r}"
            )
        if doc_id in texts and evidence not in texts[doc_id]:
            problems.append(
                f"{label}: evidence is not an exact substring of {doc_id}: {evidence!r}"
            )
    present = [normalized[d] for d in item.sources if d in normalized]
    answer_key = normalize_for_match(item.answer)
    for needle in item.must_contain:
        key = normalize_for_match(needle)
        if not key:
            problems.append(f"{label}: empty must_contain string")
            continue
        if present and not any(key in text for text in present):
            problems.append(f"{label}: must_contain {needle!r} does not occur in its source(s)")
        if key not in answer_key:
            # The reference answer is itself a correct answer, so it must pass.
            problems.append(f"{label}: reference answer lacks must_contain {needle!r}")
    return problems


def validate_dataset(items: Sequence[EvalItem], corpus_dir: str | Path) -> list[str]:
    """Return human-readable problems (empty list = the dataset is sound).

    Checks, per item: known type and difficulty; evidence exact substring of its
    source file, within one line, of sensible length; ``must_contain`` strings in
    the source after :func:`normalize_for_match` and in the reference answer;
    unanswerable items with no source, evidence or must_contain. Across items: duplicate ids
    and questions.
    """
    doc_ids = [d for item in items for d in item.sources]
    texts = load_corpus_texts(corpus_dir, doc_ids)
    normalized = {doc_id: normalize_for_match(text) for doc_id, text in texts.items()}
    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    seen_questions: dict[str, str] = {}
    for item in items:
        label = _label(item)
        if item.id in seen_ids:
            problems.append(f"{label}: duplicate id (first at {seen_ids[item.id]})")
        else:
            seen_ids[item.id] = label
        question_key = normalize_for_match(item.question)
        if question_key in seen_questions:
            problems.append(
                f"{label}: duplicate question (first at {seen_questions[question_key]})"
            )
        else:
            seen_questions[question_key] = label
        problems.extend(_check_item(item, texts, normalized))
    return problems


def _question_key(question: str) -> str:
    return re.sub(r"[^\w]", "", normalize_for_match(question))


def near_duplicate(first: str, second: str) -> bool:
    """One question repeats the other: contains it whole (a framed copy), or shares most
    character bigrams and every number (a light rewording). Same wording with another
    year is a different question."""
    a, b = _question_key(first), _question_key(second)
    if a in b or b in a:
        return True
    if re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return False
    bigrams_a = {a[i : i + 2] for i in range(len(a) - 1)}
    bigrams_b = {b[i : i + 2] for i in range(len(b) - 1)}
    union = bigrams_a | bigrams_b
    return bool(union) and len(bigrams_a & bigrams_b) / len(union) >= NEAR_DUPLICATE_JACCARD


def validate_splits(splits: Mapping[str, Sequence[EvalItem]]) -> list[str]:
    """Problems between splits: an id in two splits, or a near-duplicate question.

    A test question that is a dev question reworded would let tuning on dev leak into
    the frozen numbers.
    """
    problems: list[str] = []
    names = list(splits)
    for i, first_name in enumerate(names):
        for second_name in names[i + 1 :]:
            first_ids = {item.id for item in splits[first_name]}
            for item in splits[second_name]:
                if item.id in first_ids:
                    problems.append(f"{item.id}: id in both {first_name} and {second_name}")
            for a in splits[first_name]:
                for b in splits[second_name]:
                    if near_duplicate(a.question, b.question):
                        problems.append(
                            f"{first_name} {a.id} and {second_name} {b.id}: near-duplicate "
                            f"questions {a.question!r} / {b.question!r}"
                        )
    return problems


def coverage(items: Iterable[EvalItem]) -> dict[str, Counter[str]]:
    """Count items by type, source document, difficulty, style and paraphrased flag.

    A multi-document temporal item counts once for each document it cites;
    unanswerable items are counted under source ``"none"``. Paraphrased is keyed
    ``"true"``/``"false"`` so the result serialises to JSON unchanged.
    """
    counts: dict[str, Counter[str]] = {
        "type": Counter(),
        "source": Counter(),
        "difficulty": Counter(),
        "style": Counter(),
        "paraphrased": Counter(),
    }
    for item in items:
        counts["type"][item.type] += 1
        counts["difficulty"][item.difficulty] += 1
        counts["style"][item.style] += 1
        counts["paraphrased"]["true" if item.paraphrased else "false"] += 1
        for doc_id in item.sources or ("none",):
            counts["source"][doc_id] += 1
    return counts


__all__ = [
    "DATASETS_DIR",
    "DEFAULT_STYLE",
    "DIFFICULTIES",
    "FIELDS",
    "ITEM_TYPES",
    "OPTIONAL_FIELDS",
    "SPLIT_PATHS",
    "BLIND_PATHS",
    "STYLES",
    "DatasetError",
    "EvalItem",
    "coverage",
    "item_from_dict",
    "load_corpus_texts",
    "load_dataset",
    "near_duplicate",
    "normalize_for_match",
    "validate_dataset",
    "validate_splits",
]
