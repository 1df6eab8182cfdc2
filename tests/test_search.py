"""Hybrid retrieval over the real corpus index (session fixture `searcher`), and the search CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vectorstore.search import HybridSearcher, Passage, SearchFilters
from vectorstore.settings import StoreSettings

D000 = "000_0e5a863861ba855e.txt"
D001 = "001_70d010b94859217b.txt"
D002 = "002_eb9130060e5878d8.txt"
D003 = "003_d7285df370a477b8.txt"
D004 = "004_1da18392a39b6ff1.txt"

# (question, document, substrings that must all be in one of the top 5 passages of that document)
KNOWN_PASSAGES = [
    # figures
    ("黄埔区高新技术企业有多少家？", D003, ["2109"]),
    ("2025年黄埔区高新技术企业目标是多少家？", D003, ["2600"]),
    ("广州市新型研发机构协同创新联盟首批成员单位中有多少家新型研发机构？", D000, ["38家"]),
    ("广州全市研发经费投入有多少，占GDP比重是多少？", D000, ["881.72亿元"]),
    ("创交会一共促成多少个项目转化落地？", D001, ["600多个项目"]),
    ("2024年国家科学技术奖励大会上广州获得多少个奖项？", D002, ["26个奖项"]),
    ("广州科技创新母基金落地了多少只子基金？", D002, ["42只子基金"]),
    ("广州国际技术交易服务中心促成了多少项技术成果转化交易？", D001, ["117项"]),
    # table rows (表2.1, one indicator per row with its 2020 value and 2025 target)
    ("黄埔区技术合同成交额", D003, ["技术合同成交额", "619", "800"]),
    ("每万人拥有高价值发明专利数的目标", D003, ["高价值发明专利", "50", "75"]),
    ("国家级孵化器数量", D003, ["国家级孵化器", "14", "20"]),
    # entities and paraphrases
    ("国内首套太赫兹扫描隧道显微镜是哪个单位研制的？", D002, ["广东大湾区空天信息研究院"]),
    ("黄埔区打算怎么培养高新技术企业", D003, ["高新技术企业"]),
    ("广州有多少在读的大学生？", D002, ["165万"]),
    ("新型研发机构靠技术服务挣了多少钱？", D000, ["19.79亿元"]),
    ("帮科技企业贷款的风险补偿资金池撬动了多少银行贷款？", D004, ["风险补偿资金池"]),
]


def _hit(passages: list[Passage], doc_id: str, needles: list[str]) -> bool:
    return any(p.doc_id == doc_id and all(n in p.text for n in needles) for p in passages)


def _show(passages: list[Passage]) -> str:
    return "\n".join(
        f"{i}. {p.doc_id[:3]} {p.ranks} {p.text[:80]}" for i, p in enumerate(passages, 1)
    )


@pytest.mark.parametrize(("question", "doc_id", "needles"), KNOWN_PASSAGES)
def test_hybrid_finds_known_passage_in_top5(
    searcher: HybridSearcher, question: str, doc_id: str, needles: list[str]
) -> None:
    passages = searcher.search(question, 5)
    assert _hit(passages, doc_id, needles), _show(passages)


def test_table_row_question_returns_the_table_row(searcher: HybridSearcher) -> None:
    passages = searcher.search("技术合同成交额2020年完成值和2025年目标值", 5)
    rows = [p for p in passages if p.chunk.kind == "table_row" and "技术合同成交额" in p.text]
    assert rows, _show(passages)
    assert "619" in rows[0].text and "800" in rows[0].text and "表2.1" in rows[0].section


def test_single_retrievers(searcher: HybridSearcher) -> None:
    bm25 = searcher.search("高新技术企业2109家", 5, retrievers=("bm25",))
    assert bm25 and all(set(p.ranks) == {"bm25"} for p in bm25)
    assert _hit(bm25, D003, ["2109"]), _show(bm25)

    dense = searcher.search("广州的大学生规模有多大", 5, retrievers=("dense",))
    assert dense and all(set(p.ranks) == {"dense"} for p in dense)
    assert _hit(dense, D002, ["165万"]), _show(dense)
    assert dense.timings.embed_ms > 0 and dense.timings.bm25_ms == 0

    hybrid = searcher.search("高新技术企业2109家", 10)
    assert any(set(p.ranks) == {"dense", "bm25"} for p in hybrid)
    scores = [p.score for p in hybrid]
    assert scores == sorted(scores, reverse=True)


def test_doc_filter(searcher: HybridSearcher) -> None:
    passages = searcher.search("技术合同成交额", 10, SearchFilters(doc_ids=frozenset({D004})))
    assert passages and {p.doc_id for p in passages} == {D004}
    assert (
        searcher.search("技术合同成交额", 10, SearchFilters(doc_ids=frozenset({"no-such-doc"})))
        == []
    )


def test_year_filter(searcher: HybridSearcher) -> None:
    # 2018 is covered by 004 (2018–2019) and 001 (2016–2021) only.
    passages = searcher.search("技术合同成交额", 10, SearchFilters(years=frozenset({2018})))
    assert passages and {p.doc_id for p in passages} <= {D001, D004}
    assert D004 in {p.doc_id for p in passages}
    # 2024: the 2024 review (002) and the 2021–2025 plan (003).
    passages = searcher.search("技术合同成交额", 10, SearchFilters(years=frozenset({2024})))
    assert passages and {p.doc_id for p in passages} <= {D002, D003}
    assert searcher.search("技术合同成交额", 10, SearchFilters(years=frozenset({1990}))) == []


def test_year_in_question_prefers_that_years_document(searcher: HybridSearcher) -> None:
    passages = searcher.search("2018年技术合同成交额", 5)
    assert passages[0].doc_id == D004, _show(passages)
    assert "719" in passages[0].text


def test_neighbours_widen_text_with_adjacent_chunk(searcher: HybridSearcher) -> None:
    question = "黄埔区打算怎么培养高新技术企业"
    plain = searcher.search(question, 5)
    wide = searcher.search(question, 5, neighbours=True)
    assert [p.chunk.id for p in plain] == [p.chunk.id for p in wide]
    snapshot = searcher.index.snapshot()
    widened = 0
    for before, after in zip(plain, wide, strict=True):
        if before.chunk.kind != "text":
            assert after.text == before.text
            continue
        assert before.text.strip() in after.text
        siblings = snapshot.by_doc[before.doc_id]
        position = next(i for i, c in enumerate(siblings) if c.id == before.chunk.id)
        around = [siblings[i] for i in (position - 1, position + 1) if 0 <= i < len(siblings)]
        adjacent = [c for c in around if c.section == before.section and c.kind == "text"]
        if adjacent:
            assert len(after.text) > len(before.text)
            assert any(c.text.strip()[-20:] in after.text for c in adjacent)
            widened += 1
    assert widened, "no passage had a neighbour in its section"


def test_empty_query_returns_nothing(searcher: HybridSearcher) -> None:
    assert searcher.search("   ", 5) == []


# -- CLI contract --------------------------------------------------------------------------

JSON_KEYS = ["rank", "doc_id", "title", "date", "section", "text", "score"]


def _cli(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).with_name("policy-qa")
    command = [str(executable)] if executable.is_file() else [sys.executable, "-m", "assistant.cli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHROMA_")}
    env["POLICY_QA_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


def _check_passages(items: object, k: int) -> None:
    assert isinstance(items, list) and 0 < len(items) <= k
    for rank, item in enumerate(items, start=1):
        assert isinstance(item, dict) and list(item) == JSON_KEYS
        assert item["rank"] == rank and isinstance(item["score"], float)
        assert all(
            isinstance(item[key], str) for key in ("doc_id", "title", "date", "section", "text")
        )
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.slow
def test_cli_search_json(indexed_settings: StoreSettings, searcher: HybridSearcher) -> None:
    done = _cli(
        indexed_settings.data_dir,
        "search",
        "2025年黄埔区高新技术企业目标是多少家？",
        "-k",
        "3",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    items = json.loads(lines[0])
    _check_passages(items, 3)
    assert any("2600" in item["text"] for item in items)
    expected = searcher.search("2025年黄埔区高新技术企业目标是多少家？", 3)
    assert [(i["doc_id"], i["text"]) for i in items] == [(p.doc_id, p.text) for p in expected]


@pytest.mark.slow
def test_cli_search_batch_json(indexed_settings: StoreSettings, searcher: HybridSearcher) -> None:
    questions = [
        "2018年技术合同成交额",
        "黄埔区瞪羚企业有多少家？",
        "国内首套太赫兹扫描隧道显微镜是哪个单位研制的？",
    ]
    done = _cli(
        indexed_settings.data_dir,
        "search",
        "--batch",
        "-",
        "--json",
        "-k",
        "4",
        stdin="\n".join(questions) + "\n",
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == len(questions)
    for line, question in zip(lines, questions, strict=True):
        items = json.loads(line)
        _check_passages(items, 4)
        expected = searcher.search(question, 4)
        # Same order as asked: each line matches its own question (HNSW is approximate, so
        # allow one passage of difference at the tail between two processes).
        assert (items[0]["doc_id"], items[0]["text"]) == (expected[0].doc_id, expected[0].text)
        got = {(i["doc_id"], i["text"]) for i in items}
        assert len(got & {(p.doc_id, p.text) for p in expected}) >= len(expected) - 1
    assert json.loads(lines[0])[0]["doc_id"] == D004
