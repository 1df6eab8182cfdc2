"""Tests for the evaluation question set (dev and test splits) and its validator.

They fail when the bundled dataset drifts from the corpus (an evidence string no
longer in its file, a figure that is not in the source), when coverage falls below
the agreed minimums, when the splits leak into each other (an id in both, a test
question that repeats a dev one), or when the validator stops catching the mistakes
it exists for.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.dataset import (
    BLIND_PATHS,
    ITEM_TYPES,
    SPLIT_PATHS,
    DatasetError,
    EvalItem,
    coverage,
    item_from_dict,
    load_dataset,
    near_duplicate,
    normalize_for_match,
    validate_dataset,
    validate_splits,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
DOC000 = "000_0e5a863861ba855e.txt"
DOC001 = "001_70d010b94859217b.txt"
DOC002 = "002_eb9130060e5878d8.txt"
DOC003 = "003_d7285df370a477b8.txt"
DOC004 = "004_1da18392a39b6ff1.txt"


@pytest.fixture(scope="module")
def splits() -> dict[str, list[EvalItem]]:
    return {name: load_dataset(path) for name, path in SPLIT_PATHS.items()}


@pytest.fixture(scope="module")
def items(splits: dict[str, list[EvalItem]]) -> list[EvalItem]:
    """Both splits together: coverage minimums hold for the whole question set."""
    return [item for split in splits.values() for item in split]


def _item(**overrides: object) -> EvalItem:
    """A small valid item (doc 003's 2025 高企 target) that tests then break."""
    data: dict[str, object] = {
        "id": "t001",
        "question": "2025年黄埔区高新技术企业要达到多少家？",
        "answer": "2025年目标值2600家。",
        "must_contain": ["2600"],
        "source": DOC003,
        "evidence": "高新技术企业数量达2600家",
        "type": "table",
        "difficulty": "easy",
        "paraphrased": False,
    }
    data.update(overrides)
    return item_from_dict(data, where="test")


# --- the bundled dataset ------------------------------------------------------


def test_bundled_dataset_validates_against_corpus(items: list[EvalItem]) -> None:
    # Both splits at once: an id or a question repeated across them is caught too.
    assert validate_dataset(items, CORPUS) == []


def test_splits_do_not_leak_into_each_other(splits: dict[str, list[EvalItem]]) -> None:
    assert set(splits) == {"dev", "test"}
    assert validate_splits(splits) == []


def test_test_split_is_sampled_per_type(splits: dict[str, list[EvalItem]]) -> None:
    test = splits["test"]
    assert len(test) >= 60
    assert set(coverage(test)["type"]) == set(ITEM_TYPES)
    assert len(splits["dev"]) > len(test)


@pytest.mark.parametrize("split", sorted(SPLIT_PATHS))
def test_dataset_is_utf8_jsonl_with_unescaped_chinese(split: str) -> None:
    raw = SPLIT_PATHS[split].read_text(encoding="utf-8")
    assert "\\u" not in raw, "write with ensure_ascii=False"
    for line in raw.splitlines():
        if line.strip():
            json.loads(line)


def test_size_and_type_minimums(items: list[EvalItem]) -> None:
    counts = coverage(items)["type"]
    assert len(items) >= 130
    assert counts["table"] >= 18
    assert counts["temporal"] >= 15
    assert counts["unanswerable"] >= 12
    assert counts["list"] >= 15
    assert counts["policy"] >= 10
    assert counts["figure"] > 0 and counts["entity"] > 0


def test_every_document_is_covered(items: list[EvalItem]) -> None:
    by_source = coverage(items)["source"]
    for doc_id in (DOC000, DOC001, DOC002, DOC004):
        assert by_source[doc_id] >= 12, doc_id
    assert by_source[DOC003] >= 30


def test_at_least_half_paraphrased(items: list[EvalItem]) -> None:
    paraphrased = coverage(items)["paraphrased"]
    assert paraphrased["true"] * 2 >= len(items)


def test_table_items_come_from_table_2_1(items: list[EvalItem]) -> None:
    table = [item for item in items if item.type == "table"]
    assert all(item.sources == (DOC003,) for item in table)
    # The 2020 完成值 exist only in the table; make sure several are asked for.
    table_only_2020 = {"619", "8.47", "2690", "689", "231", "26"}
    asked = {m for item in table for m in item.must_contain}
    assert len(table_only_2020 & asked) >= 4


def test_temporal_items_span_documents(items: list[EvalItem]) -> None:
    temporal = [item for item in items if item.type == "temporal"]
    multi = [item for item in temporal if len(item.sources) > 1]
    assert len(multi) >= 5
    cited = Counter(doc for item in temporal for doc in item.sources)
    assert len(cited) >= 4
    for item in multi:
        assert len(item.evidences) == len(item.sources)


def test_unanswerable_items_point_at_nothing(items: list[EvalItem]) -> None:
    unanswerable = [item for item in items if item.type == "unanswerable"]
    assert unanswerable
    for item in unanswerable:
        assert item.must_contain == ()
        assert item.sources == ()
        assert item.evidences == ()


def test_difficulty_is_spread(items: list[EvalItem]) -> None:
    difficulty = coverage(items)["difficulty"]
    assert all(difficulty[level] >= 10 for level in ("easy", "medium", "hard"))


# --- normalisation ------------------------------------------------------------


def test_normalize_for_match_removes_spaces_and_folds_width() -> None:
    assert normalize_for_match("2018 年\n新增 2000 家") == "2018年新增2000家"
    assert normalize_for_match("（广州）１２３") == "(广州)123"
    assert normalize_for_match("\u3000a\tb ") == "ab"


# --- the validator catches broken items ---------------------------------------


def test_valid_small_item_has_no_problems() -> None:
    assert validate_dataset([_item()], CORPUS) == []


def test_validator_catches_evidence_not_in_source() -> None:
    problems = validate_dataset([_item(evidence="高新技术企业数量达9999家")], CORPUS)
    assert any("not an exact substring" in p for p in problems)


def test_validator_catches_evidence_spanning_a_line_break() -> None:
    # 000 breaks "综合类国家技术创新中心" across a blank line.
    text = (CORPUS / DOC000).read_text(encoding="utf-8")
    start = text.index("综合类国")
    evidence = text[start : start + 14]
    assert "\n" in evidence
    item = _item(
        source=DOC000,
        evidence=evidence,
        must_contain=["国家实验室"],
        answer="国家实验室",
        type="list",
    )
    problems = validate_dataset([item], CORPUS)
    assert any("line break" in p for p in problems)


def test_validator_catches_must_contain_not_in_source() -> None:
    item = _item(must_contain=["2700"], answer="2700家")
    problems = validate_dataset([item], CORPUS)
    assert any("'2700' does not occur" in p for p in problems)


def test_must_contain_matches_across_pdf_spaces() -> None:
    # 004 writes "超过 2000 家": the normalised match must still succeed.
    item = _item(
        source=DOC004,
        evidence="2018 年新增高新技术企业超过 2000 家",
        must_contain=["2000家"],
        answer="超过2000家",
        type="figure",
    )
    assert validate_dataset([item], CORPUS) == []


def test_validator_catches_answer_missing_must_contain() -> None:
    problems = validate_dataset([_item(answer="目标是两千六百家。")], CORPUS)
    assert any("reference answer lacks" in p for p in problems)


def test_validator_catches_duplicate_id_and_question() -> None:
    first = _item()
    second = _item(question="黄埔区到2025年高企目标是多少？")
    third = _item(id="t003")
    problems = validate_dataset([first, second, third], CORPUS)
    assert any("duplicate id" in p for p in problems)
    assert any("duplicate question" in p for p in problems)


def test_validator_catches_unknown_type_difficulty_and_style() -> None:
    item = _item(type="trivia", difficulty="impossible", style="poetic")
    problems = validate_dataset([item], CORPUS)
    assert any("unknown type 'trivia'" in p for p in problems)
    assert any("unknown difficulty 'impossible'" in p for p in problems)
    assert any("unknown style 'poetic'" in p for p in problems)


def test_style_is_optional_and_round_trips() -> None:
    assert _item().style == "plain" and "style" not in _item().to_json()
    framed = _item(
        style="framed", question="据《黄埔区、广州开发区科技创新“十四五”规划》，2025年高企目标？"
    )
    assert validate_dataset([framed], CORPUS) == []
    assert item_from_dict(framed.to_json()) == framed


def test_split_validator_catches_shared_id_and_near_duplicates() -> None:
    dev = [_item(), _item(id="t002", question="2017年广州的技术合同成交额是多少？")]
    test = [
        _item(question="据规划，2025年黄埔区高新技术企业要达到多少家？（请注明出处）"),
        _item(id="t003", question="2018年广州的技术合同成交额是多少？"),
    ]
    problems = validate_splits({"dev": dev, "test": test})
    assert any("t001: id in both dev and test" in p for p in problems)
    assert sum("near-duplicate" in p for p in problems) == 1, problems


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (
            "2025年黄埔区高新技术企业要达到多少家？",
            "据规划，2025年黄埔区高新技术企业要达到多少家？",
            True,
        ),
        (
            "2025年黄埔区高新技术企业要达到多少家？",
            "2025年黄埔区的高新技术企业要达到多少家呢？",
            True,
        ),
        ("2017年广州的技术合同成交额是多少？", "2018年广州的技术合同成交额是多少？", False),
        ("黄埔区瞪羚企业有多少家？", "黄埔区研发机构总量有多少？", False),
    ],
)
def test_near_duplicate(first: str, second: str, expected: bool) -> None:
    assert near_duplicate(first, second) is expected


def test_validator_catches_unanswerable_with_source() -> None:
    problems = validate_dataset([_item(type="unanswerable")], CORPUS)
    assert any("source null" in p for p in problems)
    assert any("empty must_contain" in p for p in problems)


def test_validator_catches_missing_corpus_file_and_mismatched_evidence() -> None:
    item = _item(
        type="temporal",
        source=[DOC003, "999_missing.txt"],
        evidence=["高新技术企业数量达2600家"],
    )
    problems = validate_dataset([item], CORPUS)
    assert any("not a file in the corpus" in p for p in problems)
    assert any("1 evidence string(s) for 2 source(s)" in p for p in problems)


def test_multi_source_only_for_temporal() -> None:
    item = _item(
        source=[DOC003, DOC001],
        evidence=["高新技术企业数量达2600家", "自2015年起已举办6届"],
    )
    problems = validate_dataset([item], CORPUS)
    assert any("only temporal" in p for p in problems)


# --- loading ------------------------------------------------------------------


def test_loader_normalises_sources_and_round_trips(items: list[EvalItem]) -> None:
    for item in items:
        assert isinstance(item.sources, tuple) and isinstance(item.evidences, tuple)
        assert item_from_dict(item.to_json()).to_json() == item.to_json()


def test_loader_names_line_of_malformed_json(tmp_path: Path) -> None:
    good = json.dumps(_item().to_json(), ensure_ascii=False)
    path = tmp_path / "bad.jsonl"
    path.write_text(good + "\n\n{not json\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad\.jsonl:3: invalid JSON"):
        load_dataset(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"paraphrased": "yes"}, "'paraphrased' must be true or false"),
        ({"must_contain": "2600"}, "'must_contain' must be a list"),
        ({"source": 3}, "'source' must be null"),
        ({"evidance": "x"}, "unknown field"),
    ],
)
def test_loader_rejects_bad_fields(tmp_path: Path, change: dict[str, object], message: str) -> None:
    data = _item().to_json()
    data.update(change)
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=rf"bad\.jsonl:1: .*{message}"):
        load_dataset(path)


def test_loader_reports_missing_field(tmp_path: Path) -> None:
    data = _item().to_json()
    del data["evidence"]
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad\.jsonl:1: missing field\(s\) evidence"):
        load_dataset(path)


def test_blind_sets_validate_and_blind_test_repeats_no_dev_question(
    splits: dict[str, list[EvalItem]],
) -> None:
    """The blind sets were written apart from the splits; a blind_test question that happens to
    repeat a dev question would have been tuned on, so none may."""
    blind = {name: load_dataset(path) for name, path in BLIND_PATHS.items()}
    for items in blind.values():
        assert validate_dataset(items, CORPUS) == []
        assert sum(not i.answerable for i in items) >= 15
    assert validate_splits({"dev": splits["dev"], "blind_test": blind["blind_test"]}) == []
