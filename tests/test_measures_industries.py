"""The industry tagger: an industry the measure targets is a tag, one named in passing is not."""

from __future__ import annotations

import json

import pytest

from evals.measure_variants import compound_variants, swap_variants
from evals.measures_eval import INDUSTRY_LABELS, load_gold
from ingest.measure_industries import features, in_passing
from ingest.measures import industry_mentions, normalize, targeted_industries, vocabulary


def _gold_text(fragment: str) -> str:
    """A gold sentence (verbatim corpus text) holding `fragment`."""
    return next(i.row["text"] for i in load_gold() if fragment in i.row.get("text", ""))


def _labelled_text(fragment: str) -> str:
    """A sentence of the extra dev industry labels (verbatim corpus text) holding `fragment`."""
    lines = INDUSTRY_LABELS.read_text("utf-8").splitlines()
    return next(text for line in lines if fragment in (text := json.loads(line)["text"]))


def _passing(text: str, word: str) -> bool:
    plain = normalize(text)
    mentions = industry_mentions(plain)
    mention = next(m for m in mentions if m.word == word)
    return in_passing(features(plain, mention, mentions, vocabulary().support_cues))


@pytest.mark.parametrize(
    ("fragment", "tag"),
    [
        ("申请材料", "新材料"),  # documents, not the materials industry
        ("科研材料设备进口", "新材料"),  # what equipment is for
        ("纸质申报材料", "新材料"),
    ],
)
def test_a_word_inside_paperwork_or_equipment_is_no_tag(fragment: str, tag: str) -> None:
    text = _gold_text(fragment)
    assert tag in {m.tag for m in industry_mentions(normalize(text))}
    assert tag not in targeted_industries(text)


def test_a_skill_relied_on_in_a_cooperation_sentence_is_in_passing() -> None:
    text = _gold_text("集成电路自动化设计")
    assert _passing(text, "集成电路")  # 利用香港的…集成电路自动化设计等领域的能力
    # …while the same sentence's 「全面提升黄埔集成电路、生物医药产业」 targets it
    assert "集成电路" in targeted_industries(text)


@pytest.mark.parametrize(
    ("fragment", "tags"),
    [
        ("围绕生物医药、智能装备、机器人等领域", {"生物医药", "智能装备"}),
        ("支持整车及关键零部件企业", {"新能源/智能网联汽车"}),
        ("重点发展医学检验", {"生物医药"}),
    ],
)
def test_the_object_or_field_of_support_is_a_tag(fragment: str, tags: set[str]) -> None:
    assert tags <= set(targeted_industries(_gold_text(fragment)))


def test_generated_variants_swap_in_and_compound_out_on_dev() -> None:
    rows = [i.row for i in load_gold() if i.kind == "measure" and i.split == "dev"]
    swaps, compounds = swap_variants(rows), compound_variants(rows)
    assert len(swaps) >= 20 and len(compounds) >= 30
    swapped_in = sum(tag in targeted_industries(text) for text, tag in swaps)
    compounded_out = sum(tag not in targeted_industries(text) for text, tag in compounds)
    assert swapped_in / len(swaps) >= 0.9
    assert compounded_out / len(compounds) >= 0.8
    # the variants change the sentence: a compound names its industry word
    assert all(tag for _, tag in compounds)


@pytest.mark.parametrize(
    ("fragment", "word", "absent", "present"),
    [
        # a word continued by another industry word names a kind of that one
        ("集成电路材料", "集成电路", None, "新材料"),  # (晶圆 there still names 集成电路)
        ("能源材料", "能源", "新能源", "智能装备"),
        # people's wellbeing, not the sector
        ("面向人民生命健康", "生命健康", "生物医药", None),
        # technologies applied in another field are means
        ("等在食品领域的应用", "人工智能", "人工智能", None),
        # a list naming what equipment is for
        ("精细化工、食品加工等专用制造设备", "化工", "新材料", "智能装备"),
    ],
)
def test_an_industry_named_as_a_modifier_a_wellbeing_a_means_or_a_use_is_no_tag(
    fragment: str, word: str, absent: str | None, present: str | None
) -> None:
    text = _labelled_text(fragment)
    assert _passing(text, word)
    tags = targeted_industries(text)
    assert absent is None or absent not in tags
    assert present is None or present in tags


def test_the_head_of_a_compound_of_industry_words_gives_its_industry() -> None:
    assert set(targeted_industries("重点发展集成电路材料。")) == {"新材料"}
    assert set(targeted_industries("支持氢燃料电池车型研发。")) == {"新能源/智能网联汽车"}
    assert set(targeted_industries("支持氢燃料电池研发。")) == {"新能源"}
    # a word that is two things at once keeps both (类脑芯片: an AI chip)
    assert {"人工智能", "集成电路"} <= set(targeted_industries(_gold_text("类脑芯片")))


def test_a_list_closed_by_etc_technologies_names_fields() -> None:
    text = _labelled_text("柔性显示驱动与模组等关键共性技术")
    relied_on = text.split(",")[0]  # 依托国家印刷及柔性显示创新中心
    assert "新一代信息技术" not in targeted_industries(relied_on)
    assert "新一代信息技术" in targeted_industries(text)  # the R&D list is the field
