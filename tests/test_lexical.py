"""BM25 over jieba tokens, on the bundled corpus split into paragraphs."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import jieba
import pytest

from ingest.chunking import Chunk, chunk_id
from vectorstore.lexical import (
    ChineseTokenizer,
    LexicalIndex,
    LexicalIndexCorrupt,
    mine_domain_terms,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"

# (question, a substring of every paragraph that answers it). The tokenizer and BM25 choices in
# vectorstore/lexical.py were measured on these (and on evals/datasets/dev.jsonl).
QUESTIONS = [
    ("技术合同成交额是多少", "技术合同成交额"),
    ("广州在自然指数科研城市中排名第几", "自然指数"),
    ("2025年黄埔区高新技术企业数量目标是多少家", "2600"),
    ("广州现有多少家新型研发机构", "近80家"),
    ("新型研发机构协同创新联盟首批有多少成员单位", "首批成员单位"),
    ("全市研发经费投入占GDP比重", "881.72"),
    ("科技企业孵化器有多少家", "科技企业孵化器335家"),
    ("广州超算中心的用户数量", "广州超算中心用户总数"),
    ("创交会促成了多少个项目转化落地", "促成600多个项目"),
    ("健康医疗协同创新重大专项支持了多少个项目", "共支持 93 个重大项目"),
    ("全市国家重点实验室数量", "国家重点实验室 20 家"),
    ("粤穗开放基金每年投入多少钱", "每年投入 8000 万元"),
    ("飞行汽车工厂", "小鹏汇天"),
    ("超快动力电池工厂建在哪里", "巨湾技研"),
    ("新型研发机构的技术性收入", "技术性收入达19.79亿元"),
    ("科技成果产业化引导基金规模多大", "科技成果产业化引导基金"),
    ("每万人高价值发明专利目标", "每万人拥有高价值发明专利数"),
    ("新型研发机构从业人员有多少人", "从业人员共计1万余人"),
    ("广州科技创新母基金落地了多少只子基金", "42只子基金"),
    ("在校大学生规模", "在校大学生165万人"),
    ("研发费用加计扣除", "加计扣除"),
    ("力箭一号送入轨道的卫星数量", "57颗卫星"),
    ("补偿资金池为科技企业放款多少", "放款超1500亿元"),
    ("省级新型研发机构总数", "总数达到50家"),
    ("人类细胞谱系大科学研究设施依托哪个单位建设", "依托中科院广州生物医药与健康研究院建设"),
    ("规上工业企业设立研发机构的比例", "设立研发机构比例提高至 45%"),
    ("广州高新技术企业总数突破多少", "1.1 万家"),
    ("众创空间有多少家", "众创空间206家"),
    # paraphrases: the question's wording differs from the passage's
    ("研发机构里有多少研究人员", "研发人员7000余人"),
    ("技术合同的成交金额", "技术合同成交额"),
    ("高企数量", "高新技术企业"),
    ("上市的高新技术企业有几家", "上市高企数"),
    ("孵化器集群怎么提质增效", "推动孵化器集群提质增效"),
    ("创投基金规模", "基金丛林"),
    ("发明专利拥有量", "发明专利"),
    ("研发投入强度目标", "6%"),
]


def corpus_chunks() -> list[Chunk]:
    """Every non-empty paragraph (split on blank lines) of every corpus file as a Chunk."""
    chunks = []
    for path in sorted(CORPUS.glob("*.txt")):
        doc_id = path.name.split("_")[0]
        text = path.read_text(encoding="utf-8")
        for ordinal, match in enumerate(re.finditer(r"\S[\s\S]*?(?=\n\s*\n|\s*\Z)", text)):
            para = match.group()
            chunks.append(
                Chunk(
                    id=chunk_id(doc_id, match.start(), para),
                    doc_id=doc_id,
                    text=para,
                    section="",
                    start=match.start(),
                    end=match.end(),
                    tokens=len(para),
                    ordinal=ordinal,
                )
            )
    return chunks


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return corpus_chunks()


@pytest.fixture(scope="module")
def texts(chunks: list[Chunk]) -> dict[str, str]:
    return {c.id: c.text for c in chunks}


@pytest.fixture(scope="module")
def index(chunks: list[Chunk]) -> LexicalIndex:
    return LexicalIndex.build(chunks)


def test_corpus_split_gives_paragraphs_with_exact_spans(chunks: list[Chunk]) -> None:
    assert len(chunks) > 400
    doc = (CORPUS / "000_0e5a863861ba855e.txt").read_text(encoding="utf-8")
    first = next(c for c in chunks if c.doc_id == "000")
    assert doc[first.start : first.end] == first.text


def test_mined_terms_include_domain_terms_and_titles(chunks: list[Chunk]) -> None:
    terms = mine_domain_terms(c.text for c in chunks)
    assert {"新型研发机构", "高新技术企业", "技术合同成交额"} <= set(terms)
    doc_004 = " ".join(c.text for c in chunks if c.doc_id == "004")
    titles = {t for t in re.findall(r"《([^《》]{2,20})》", doc_004)}
    assert "广州市重点领域研发计划实施方案" in titles & set(terms)
    assert "新型研发机" not in terms  # a fragment with the same count as 新型研发机构
    assert "推动科技" not in terms  # cuts through 科技创新
    assert terms == sorted(terms) == mine_domain_terms(c.text for c in chunks)


def test_tokenizer_keeps_terms_and_numbers_whole() -> None:
    tokenizer = ChineseTokenizer(["新型研发机构"])
    tokens = tokenizer.tokenize("广州市新型研发机构近80家，占GDP比重达到3.12%。")
    assert "新型研发机构" in tokens
    assert {"新型", "研发", "机构"} <= set(tokens)  # its ordinary words still match
    assert {"80", "gdp", "3.12"} <= set(tokens)
    assert not {"，", "。", "%", " "} & set(tokens)
    assert "新型研发机构" not in jieba.dt.FREQ  # the global jieba is left alone


def test_tokenizer_normalises_years_widths_and_stop_words() -> None:
    tokenizer = ChineseTokenizer()
    assert tokenizer.tokenize("２０２５年") == tokenizer.tokenize("2025年") == ["2025", "年"]
    assert tokenizer.tokenize("技术合同成交额2,646亿元") == tokenizer.tokenize(
        "技术合同成交额2646亿元"
    )
    assert tokenizer.tokenize("请问有哪些？是多少呢") == []


def test_jieba_is_quiet_and_writes_nothing_in_the_working_directory(tmp_path: Path) -> None:
    code = (
        "from vectorstore.lexical import ChineseTokenizer\n"
        "print(ChineseTokenizer(['新型研发机构']).tokenize('新型研发机构'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "新型研发机构" in result.stdout
    assert result.stderr == ""
    assert list(tmp_path.iterdir()) == []


def test_exact_term_ranks_its_paragraph_first(index: LexicalIndex, texts: dict[str, str]) -> None:
    results = index.search("技术合同成交额是多少", k=5)
    assert "技术合同成交额" in texts[results[0][0]]
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)


def test_nature_index_question_finds_the_ranking(
    index: LexicalIndex, texts: dict[str, str]
) -> None:
    top = [texts[cid] for cid, _ in index.search("广州在自然指数科研城市排名第几位？", k=3)]
    assert any("自然指数" in t for t in top)


def test_question_set_quality(index: LexicalIndex, texts: dict[str, str]) -> None:
    """Guards the measured quality (hit@5 35/36, MRR 0.91) against regressions."""
    ranks = []
    for question, expected in QUESTIONS:
        ids = [cid for cid, _ in index.search(question, k=5)]
        ranks.append(next((r for r, cid in enumerate(ids, 1) if expected in texts[cid]), None))
    hit5 = sum(r is not None for r in ranks) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    assert hit5 >= 0.9, ranks
    assert mrr >= 0.8, ranks


def test_allowed_ids_filter_before_top_k(index: LexicalIndex, chunks: list[Chunk]) -> None:
    allowed = {c.id for c in chunks if c.doc_id == "004"}
    results = index.search("技术合同成交额", k=3, allowed_ids=allowed)
    assert results and {cid for cid, _ in results} <= allowed
    by_id = {c.id: c for c in chunks}
    assert "技术合同成交额" in by_id[results[0][0]].text
    assert index.search("技术合同成交额", k=3, allowed_ids=set()) == []
    assert index.search("技术合同成交额", k=3, allowed_ids={"no-such-id"}) == []


def test_queries_without_known_tokens_return_nothing(index: LexicalIndex) -> None:
    assert index.search("？！。", k=5) == []
    assert index.search("请问是什么", k=5) == []
    assert index.search("zzzzqqq", k=5) == []
    assert index.search("技术合同成交额", k=0) == []


def test_save_load_round_trip(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert loaded.fingerprint == index.fingerprint
    assert loaded.terms == index.terms
    for question, _ in QUESTIONS[:10]:
        assert loaded.search(question, k=5) == index.search(question, k=5)


def test_save_replaces_atomically(chunks: list[Chunk], tmp_path: Path) -> None:
    target = tmp_path / "lexical"
    LexicalIndex.build(chunks[:50]).save(target)
    smaller = LexicalIndex.build(chunks[:20])
    smaller.save(target)
    assert LexicalIndex.load(target).fingerprint == smaller.fingerprint
    assert [p.name for p in tmp_path.iterdir()] == ["lexical"]  # no temp or old dirs left


def _garble(path: Path) -> None:
    path.write_bytes(b"\x00garbage\xff" * 10)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: (d / "manifest.json").unlink(),
        lambda d: _garble(d / "manifest.json"),
        lambda d: (d / "manifest.json").write_text("[]"),
        lambda d: _garble(d / "chunk_ids.json"),
        lambda d: (d / "terms.json").unlink(),
        lambda d: _garble(d / "bm25" / "vocab.index.json"),
        lambda d: _garble(d / "bm25" / "data.csc.index.npy"),
        lambda d: (d / "bm25" / "indptr.csc.index.npy").unlink(),
        lambda d: (d / "manifest.json").write_text(
            json.dumps({**json.loads((d / "manifest.json").read_text()), "format_version": 99})
        ),
    ],
    ids=[
        "no-manifest",
        "garbled-manifest",
        "wrong-manifest-shape",
        "garbled-ids",
        "no-terms",
        "garbled-vocab",
        "garbled-scores",
        "no-indptr",
        "other-format",
    ],
)
def test_damaged_index_raises_corrupt(index: LexicalIndex, tmp_path: Path, damage) -> None:
    target = tmp_path / "lexical"
    index.save(target)
    damage(target)
    with pytest.raises(LexicalIndexCorrupt):
        LexicalIndex.load(target)


def test_missing_directory_raises_corrupt(tmp_path: Path) -> None:
    with pytest.raises(LexicalIndexCorrupt):
        LexicalIndex.load(tmp_path / "nothing-here")


def test_fingerprint_follows_content(chunks: list[Chunk], index: LexicalIndex) -> None:
    subset = chunks[:30]
    same = LexicalIndex.build(list(reversed(subset)))
    assert same.fingerprint == LexicalIndex.build(subset).fingerprint
    assert same.fingerprint != LexicalIndex.build(subset[:-1]).fingerprint
    text = subset[0].text + "。"
    edited = dataclasses.replace(
        subset[0], text=text, id=chunk_id(subset[0].doc_id, subset[0].start, text)
    )
    assert LexicalIndex.build([edited, *subset[1:]]).fingerprint != same.fingerprint
    assert index.fingerprint != same.fingerprint


def test_empty_index_searches_saves_and_loads(tmp_path: Path) -> None:
    empty = LexicalIndex.build([])
    assert len(empty) == 0 and empty.search("技术合同成交额", k=5) == []
    empty.save(tmp_path / "lexical")
    assert LexicalIndex.load(tmp_path / "lexical").fingerprint == empty.fingerprint


def test_document_titles_are_indexed_and_part_of_the_fingerprint(
    chunks: list[Chunk], tmp_path: Path
) -> None:
    """A title word found in no paragraph still reaches the document's chunks."""
    doc_id = chunks[0].doc_id
    own = [c for c in chunks if c.doc_id == doc_id]
    others = [c for c in chunks if c.doc_id != doc_id][:40]
    titled = LexicalIndex.build(own + others, {doc_id: "Zyxwvq专项"})
    hits = titled.search("zyxwvq", k=5)
    assert hits and {chunk_id for chunk_id, _ in hits} <= {c.id for c in own}
    assert LexicalIndex.build(own + others).search("zyxwvq", k=5) == []
    retitled = LexicalIndex.build(own + others, {doc_id: "另一个标题"})
    assert retitled.fingerprint != titled.fingerprint
    titled.save(tmp_path / "lexical")
    assert LexicalIndex.load(tmp_path / "lexical").fingerprint == titled.fingerprint
