"""Structure and chunking on the bundled corpus: the cases the corpus is known to be hard on."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from ingest.catalog import metadata_for
from ingest.chunking import ChunkingConfig, chunk_blocks
from ingest.loaders import Document
from ingest.pipeline import ProcessedDocument, process_document
from ingest.structure import parse_blocks
from tests.hostile import one_long_paragraph, punctuation_free_line, repeated_corpus

PLAN = "003_d7285df370a477b8.txt"
NEWS_2024 = "002_eb9130060e5878d8.txt"
ALLIANCE = "000_0e5a863861ba855e.txt"


def test_all_five_documents_ingest(processed_corpus) -> None:
    assert len(processed_corpus) == 5
    assert all(p.chunks for p in processed_corpus.values())


def test_no_chunk_holds_a_broken_word(processed_corpus) -> None:
    texts = [c.text for p in processed_corpus.values() for c in p.chunks]
    assert any("综合类国家技术创新中心" in t for t in texts)
    assert any("小马智行" in t for t in texts)
    assert not any(re.search(r"综合类国\s+家", t) or re.search(r"小\s+马智行", t) for t in texts)


def test_table_2_1_gives_17_rows_with_group_labels(processed_corpus) -> None:
    rows = [c for c in processed_corpus[PLAN].chunks if c.kind == "table_row"]
    assert len(rows) == 17
    contract = next(r for r in rows if "技术合同成交额" in r.text)
    assert contract.text == (
        "表2.1 黄埔区、广州开发区科技创新“十四五”发展目标 | 科技成果转化 | "
        "7 技术合同成交额(亿元): 2020年完成值 619; 2025年目标值 800; 指标属性 预期性"
    )
    groups = [r.text.split(" | ")[1] for r in rows]
    assert (
        groups
        == ["战略科技力量"] * 3 + ["科技成果转化"] * 5 + ["科技赋能产业"] * 5 + ["创新创业生态"] * 4
    )
    high_tech = next(r for r in rows if "高新技术企业数量" in r.text)
    assert "2020年完成值 2109" in high_tech.text and "2025年目标值 2600" in high_tech.text


def test_repeated_paragraph_of_002_appears_once(processed_corpus) -> None:
    cleaned = processed_corpus[NEWS_2024].cleaned
    assert cleaned.count("在人才引进方面,广州不断优化全球尖端人才引进机制") == 1
    assert "增长40%,居全国第三" in cleaned
    assert processed_corpus[NEWS_2024].duplicates_removed == 1


def test_section_paths_of_known_headings(processed_corpus) -> None:
    sections = {c.section for c in processed_corpus[PLAN].chunks}
    assert (
        "四、强化战略创新平台建设,提高科技创新策源能力 > (一)加快打造科技创新战略集群" in sections
    )
    assert (
        "二、总体要求 > (四)发展目标 > 表2.1:黄埔区、广州开发区科技创新“十四五”发展目标" in sections
    )
    assert any(s.startswith("十、保障措施 > (二)完善政策体系") for s in sections)
    assert any(s.endswith("专栏10:新一代信息技术产业集群建设重点 > 2.集成电路") for s in sections)
    # after the call-out box the plan's own numbering resumes outside it
    assert any(
        s.endswith("(一)以技术突破引领战略性新兴产业发展 > 2.新能源智能汽车") for s in sections
    )


def test_news_section_from_short_title_line(processed_corpus) -> None:
    sections = {c.section for c in processed_corpus[ALLIANCE].chunks}
    assert "广州科技创新综合水平迈入全球第一方阵" in sections


def test_photo_and_byline_credits_are_not_sections(processed_corpus) -> None:
    sections = {c.section for c in processed_corpus[NEWS_2024].chunks}
    assert not any("图/" in s or "文/" in s for s in sections), sections
    blocks = parse_blocks("文/羊城晚报记者 李钢\n图/广州市科技局\n\n广州科技创新成果丰硕。")
    assert [b.kind for b in blocks if "/" in b.text] == ["paragraph", "paragraph"]


def test_chunk_spans_point_into_cleaned_text(processed_corpus) -> None:
    for processed in processed_corpus.values():
        for chunk in processed.chunks:
            if chunk.kind == "text":
                assert processed.cleaned[chunk.start : chunk.end] == chunk.text
            assert 0 <= chunk.start < chunk.end <= len(processed.cleaned)


def test_every_character_is_covered_by_a_chunk(processed_corpus) -> None:
    for processed in processed_corpus.values():
        covered = [False] * len(processed.cleaned)
        for chunk in processed.chunks:
            covered[chunk.start : chunk.end] = [True] * (chunk.end - chunk.start)
        lost = [
            ch
            for ch, ok in zip(processed.cleaned, covered, strict=True)
            if not ok and not ch.isspace()
        ]
        assert not lost, (processed.doc_id, "".join(lost)[:50])


def test_chunks_respect_size_and_sentence_boundaries(processed_corpus) -> None:
    config = ChunkingConfig()
    sizes = []
    for processed in processed_corpus.values():
        for chunk in processed.chunks:
            sizes.append(chunk.tokens)
            assert chunk.tokens <= config.max_tokens
            if chunk.kind == "text" and chunk.end < len(processed.cleaned):
                following = processed.cleaned[chunk.end]
                assert (
                    chunk.text[-1] in "。！？；!?;…”’」』）)\n"
                    or following == "\n"
                    or chunk.tokens > config.target_tokens
                ), chunk.text[-20:]
    assert statistics.median(sizes) > 40


def test_chunk_ids_are_stable(processed_corpus) -> None:
    processed = processed_corpus[PLAN]
    again = process_document(processed.document, processed.meta)
    assert [c.id for c in again.chunks] == [c.id for c in processed.chunks]


def test_overlap_repeats_one_sentence_and_always_advances() -> None:
    text = (
        "。".join(f"第{i}句话讲的是广州科技创新政策的一个具体方面和相关内容" for i in range(30))
        + "。"
    )
    blocks = parse_blocks(text)
    chunks = chunk_blocks("x.txt", text, blocks, ChunkingConfig(target_tokens=120, max_tokens=200))
    assert len(chunks) > 3
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert after.start < before.end < after.end
        assert before.text[-1] == "。"


def test_overlong_sentence_is_cut_at_commas() -> None:
    text = "，".join(["广州市推动科技创新和产业创新深度融合发展"] * 60) + "。"
    chunks = chunk_blocks(
        "x.txt", text, parse_blocks(text), ChunkingConfig(target_tokens=100, max_tokens=150)
    )
    assert len(chunks) > 1
    assert all(c.tokens <= 150 for c in chunks)
    assert all(c.text.endswith(("，", "。")) for c in chunks)


def test_generic_table_without_groups() -> None:
    cells = [
        "表3:各区孵化器数量",
        "序号",
        "区",
        "2022年",
        "数量",
        "1",
        "黄埔区",
        "45",
        "2",
        "天河区",
        "38",
        "3",
        "海珠区",
        "20",
    ]
    text = "\n".join(["三、孵化载体", *cells, "四、下一步工作"])
    rows = [b for b in parse_blocks(text) if b.kind == "table_row"]
    assert [r.text for r in rows] == [
        "表3 各区孵化器数量 | 1 黄埔区: 2022年数量 45",
        "表3 各区孵化器数量 | 2 天河区: 2022年数量 38",
        "表3 各区孵化器数量 | 3 海珠区: 2022年数量 20",
    ]


def _process(text: str) -> ProcessedDocument:
    document = Document("hostile.txt", Path("hostile.txt"), text, "txt", "utf-8", "0" * 64)
    return process_document(document, metadata_for("hostile.txt", text, {}))


def _assert_chunks_cover(processed: ProcessedDocument, config: ChunkingConfig) -> None:
    """Every chunk within the size limit, every non-space character in some chunk."""
    covered = [False] * len(processed.cleaned)
    for chunk in processed.chunks:
        assert chunk.tokens <= config.max_tokens
        covered[chunk.start : chunk.end] = [True] * (chunk.end - chunk.start)
    assert all(ok or ch.isspace() for ch, ok in zip(processed.cleaned, covered, strict=True))


def test_repeated_paragraphs_get_distinct_stable_chunk_ids() -> None:
    processed = _process(repeated_corpus(5))
    ids = [chunk.id for chunk in processed.chunks]
    assert len(set(ids)) == len(ids)
    assert sum(chunk.text == "预期性" for chunk in processed.chunks) >= 2
    assert [c.id for c in _process(repeated_corpus(5)).chunks] == ids


def test_a_punctuation_free_line_is_cut_by_length_into_limited_chunks() -> None:
    processed = _process(punctuation_free_line(20_000))
    _assert_chunks_cover(processed, ChunkingConfig())
    assert len(processed.chunks) > 40
    assert processed.cleaned == punctuation_free_line(20_000)


def test_one_long_paragraph_is_chunked_at_sentences() -> None:
    processed = _process(one_long_paragraph(20_000))
    _assert_chunks_cover(processed, ChunkingConfig())
    text_chunks = [c for c in processed.chunks if c.end < len(processed.cleaned)]
    assert sum(c.text[-1] in "。；" for c in text_chunks) > 0.9 * len(text_chunks)


def test_a_table_ends_at_the_next_table_title() -> None:
    table = "\n".join(["序号", "指标", "2025年目标", "1", "研发投入", "3.1", "2", "高企", "2600"])
    text = "表1 主要指标\n" * 300 + "表2 主要指标\n" + table
    blocks = parse_blocks(text)
    rows = [block.text for block in blocks if block.kind == "table_row"]
    assert rows == [
        "表2 主要指标 | 1 研发投入: 2025年目标 3.1",
        "表2 主要指标 | 2 高企: 2025年目标 2600",
    ]
    assert sum(block.text == "表1 主要指标" for block in blocks) == 300
