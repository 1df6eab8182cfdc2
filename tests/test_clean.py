"""Cleaning rules on small fixtures: each rule, and that content characters never change."""

from __future__ import annotations

import re

from ingest.clean import clean_text


def _content(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_rejoins_sentence_broken_across_blank_lines() -> None:
    raw = "集聚国家实验室、综合类国\n\n家技术创新中心、国家重大科技基础设施。\n"
    assert clean_text(raw).text == "集聚国家实验室、综合类国家技术创新中心、国家重大科技基础设施。"


def test_keeps_headings_and_paragraph_boundaries() -> None:
    raw = "一、总体要求\n\n(一)指导思想\n\n坚持创新驱动。\n\n广州科创 迈向全球前列\n\n毋庸讳言,广州的科技创新综合水平已逐步迈入全球“第一方阵”。"
    assert clean_text(raw).text.split("\n") == [
        "一、总体要求",
        "(一)指导思想",
        "坚持创新驱动。",
        "广州科创 迈向全球前列",
        "毋庸讳言,广州的科技创新综合水平已逐步迈入全球“第一方阵”。",
    ]


def test_does_not_glue_a_line_onto_a_following_heading() -> None:
    raw = "在穗工作的外籍人才数量比2019年底增长\n\n完善政策支持 优化转化环境\n\n广州高度重视科技成果转化工作。"
    assert clean_text(raw).text.count("\n") == 2


def test_does_not_glue_table_cells() -> None:
    raw = "表2.1:目标\n序号\n指标(单位)\n1\n广州实验室(含基地)、国家重大科技基础设施(\n1\n5\n预期性"
    assert clean_text(raw).text == raw


def test_list_lead_with_colon_is_not_glued() -> None:
    raw = "取得了令人瞩目的成绩:\n\n全球首家超快动力电池专业工厂建成投产;"
    assert clean_text(raw).text.count("\n") == 1


def test_drops_exact_duplicate_paragraph_but_keeps_short_repeats() -> None:
    paragraph = "在人才引进方面,广州不断优化全球尖端人才引进机制,吸引了越来越多的国际人才。"
    raw = f"{paragraph}\n\n预期性\n\n{paragraph}\n\n预期性"
    result = clean_text(raw)
    assert result.text == f"{paragraph}\n预期性\n预期性"
    assert result.duplicates_removed == 1


def test_strips_markdown_emphasis_and_whitespace_lines() -> None:
    raw = "**率先**出台《若干政策意见》。\n   \n\u3000\n**实施高**新技术企业树标提质行动。"
    assert clean_text(raw).text == "率先出台《若干政策意见》。\n实施高新技术企业树标提质行动。"


def test_latin_words_keep_a_space_when_rejoined() -> None:
    raw = "The Guangzhou plan, approved in 2021, covers the new\n\nresearch institutes and their funding."
    assert "new research" in clean_text(raw).text


def test_never_changes_content_characters_on_corpus(processed_corpus) -> None:
    """Removing whitespace, emphasis markers and the dropped repeat gives back the raw content."""
    for processed in processed_corpus.values():
        raw = _content(processed.document.text.replace("**", ""))
        cleaned = _content(processed.cleaned)
        if processed.duplicates_removed == 0:
            assert cleaned == raw, processed.doc_id
        else:
            assert len(cleaned) < len(raw) and all(
                _content(line) in raw for line in processed.cleaned.split("\n")
            )


def test_latin_and_digits_get_a_space_at_a_line_join_cjk_never() -> None:
    prose = "The annual report on innovation was published on 30 November"
    raw = f"{prose} 2026.\nPage 1999 of the report, with tables\n{prose}\nof the year."
    joined = clean_text(raw).text
    assert "2026. Page 1999" in joined and "November of the year" in joined
    cjk = "推动新型研发机构高质量发展，支持企业牵头组建创新联合体，推动新型研发机构高质量"
    assert clean_text(f"{cjk}\n发展，提升创新能力。").text == f"{cjk}发展，提升创新能力。"


def test_a_line_join_never_splits_a_number_or_a_hyphenated_word() -> None:
    lead = "全社会研发经费支出占地区生产总值比重，按照规划要求到二〇二五年达到3."
    assert clean_text(f"{lead}\n1%，创新能力持续增强。").text == f"{lead}1%，创新能力持续增强。"
    english = "Guangzhou supports enterprises, research institutes and state-"
    assert clean_text(f"{english}\nof-the-art laboratories.").text.endswith(
        "state-of-the-art laboratories."
    )


def test_a_paragraph_broken_into_thousands_of_lines_is_rejoined_whole() -> None:
    lines = [f"推动第{n}家新型研发机构高质量发展，支持企业牵头组建创新联合体" for n in range(3_000)]
    result = clean_text("\n".join(lines) + "。")
    assert result.text == "".join(lines) + "。"
    assert result.lines_joined == 2_999
