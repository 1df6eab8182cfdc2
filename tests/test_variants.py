"""What the metamorphic generators produce, on the bundled dev and test items.

A variant that is ungrammatical, changes the question's meaning, states something
false about its source, or is answerable after all would measure the generator instead
of the assistant; these tests check each of those on every generated variant.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from evals.dataset import EvalItem, load_dataset, normalize_for_match, validate_dataset
from evals.variants import (
    all_variants,
    attribute_swap_variants,
    catalog,
    corpus_sentences,
    entity_terms,
    follow_up_pairs,
    frames_for,
    framing_variants,
)

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "evals" / "datasets"
CORPUS = ROOT / "data" / "corpus"
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


@pytest.fixture(scope="module")
def items() -> list[EvalItem]:
    return load_dataset(DATASETS / "dev.jsonl") + load_dataset(DATASETS / "test.jsonl")


@pytest.fixture(scope="module")
def answerable(items: list[EvalItem]) -> list[EvalItem]:
    return [item for item in items if item.answerable]


def _well_formed(question: str) -> None:
    assert question.endswith("？"), question
    assert question.count("？") >= 1
    for doubled in ("，，", "，？", "？？", "。？", "，（", "（）"):
        assert doubled not in question, question


# --- framing -------------------------------------------------------------------------


def test_every_answerable_item_gets_frames(answerable: list[EvalItem]) -> None:
    for item in answerable:
        assert len(framing_variants(item)) >= 2, item.id


def test_frames_are_grammatical_and_keep_the_question(answerable: list[EvalItem]) -> None:
    for item in answerable:
        core = item.question.rstrip("？?")
        for variant in framing_variants(item):
            _well_formed(variant.question)
            assert core in variant.question, variant.id
            assert variant.question != item.question
            assert variant.must_contain == item.must_contain
            assert variant.sources == item.sources and variant.evidences == item.evidences
            assert (variant.type, variant.style) == (item.type, "framed")
            assert variant.id.startswith(f"{item.id}~frame")


def test_frames_state_catalog_facts_of_the_source(answerable: list[EvalItem]) -> None:
    facts = catalog()
    for item in answerable:
        core = item.question.rstrip("？?")
        for variant in framing_variants(item):
            prefix = variant.question[: variant.question.index(core)]
            if prefix.startswith("据《"):
                assert len(item.sources) == 1
                assert prefix == f"据《{facts[item.sources[0]].title}》，"
            if prefix.startswith("根据"):
                assert len(item.sources) == 1
                publisher = re.fullmatch(r"根据(.+?)(?:的报道|发布的材料)，", prefix)
                assert publisher and publisher.group(1) in facts[item.sources[0]].publisher


def test_time_frames_never_contradict_the_question(answerable: list[EvalItem]) -> None:
    facts = catalog()
    seen = 0
    for item in answerable:
        for prefix, _ in frames_for(item):
            if not prefix.startswith(("截至", "从")):
                continue
            seen += 1
            assert not YEAR.search(item.question), item.id
            source = facts[item.sources[0]]
            assert source.doc_type != "plan"
            frame_year = int(YEAR.search(prefix).group(1))
            assert frame_year in (source.year, int(source.date[:4])), (item.id, prefix)
    assert seen >= 10


def test_unsigned_source_gets_no_publisher_frame() -> None:
    unsigned = EvalItem(
        "x", "联盟首批成员单位有多少家新型研发机构？", "38家", ("38家",),
        ("000_0e5a863861ba855e.txt",), ("首批成员单位",), "figure", "easy", False,
    )  # fmt: skip
    prefixes = [prefix for prefix, _ in frames_for(unsigned)]
    assert not any(p.startswith("根据") for p in prefixes)
    assert "截至2023年6月，" in prefixes


def test_a_framed_question_gets_no_second_frame_in_front(answerable: list[EvalItem]) -> None:
    framed = [item for item in answerable if item.question.startswith(("据", "根据"))]
    assert framed
    for item in framed:
        for variant in framing_variants(item):
            assert variant.question.startswith(item.question.rstrip("？?")), variant.question


def test_multi_source_items_get_no_source_frame(answerable: list[EvalItem]) -> None:
    multi = [item for item in answerable if len(item.sources) > 1]
    assert multi
    for item in multi:
        assert all(not prefix for prefix, _ in frames_for(item)), item.id


def test_framing_is_deterministic_and_limited(answerable: list[EvalItem]) -> None:
    for item in answerable[:20]:
        assert framing_variants(item, limit=2) == framing_variants(item, limit=2)
        assert len(framing_variants(item, limit=2)) == min(2, len(framing_variants(item)))
        assert framing_variants(item, limit=2, seed=1) == framing_variants(item, limit=2, seed=1)


# --- attribute swaps -----------------------------------------------------------------


@pytest.fixture(scope="module")
def swaps(answerable: list[EvalItem]) -> list[tuple[EvalItem, EvalItem]]:
    return [(item, swap) for item in answerable for swap in attribute_swap_variants(item)]


def test_swaps_exist_for_several_kinds(swaps: list[tuple[EvalItem, EvalItem]]) -> None:
    questions = [swap.question for _, swap in swaps]
    assert len(swaps) >= 10
    assert any("2030年" in q for q in questions)
    assert any("得分" in q for q in questions)
    assert any("负责人" in q for q in questions)


def test_swaps_are_unanswerable_items(swaps: list[tuple[EvalItem, EvalItem]]) -> None:
    for item, swap in swaps:
        _well_formed(swap.question)
        assert swap.question != item.question
        assert (swap.type, swap.style, swap.must_contain) == ("unanswerable", "attribute_swap", ())
        assert swap.id.startswith(f"{item.id}~swap")
        assert "没有给出" in swap.answer


def test_suite_variants_pass_the_dataset_validator(items: list[EvalItem]) -> None:
    framed, swapped = all_variants(items)
    assert framed and swapped
    assert validate_dataset(items + framed + swapped, CORPUS) == []
    assert len(all_variants(items, frames_per_item=1)[0]) < len(framed)


def test_each_swap_is_also_asked_in_a_true_frame(
    swaps: list[tuple[EvalItem, EvalItem]],
) -> None:
    plain = {swap.question for _, swap in swaps if not FRAME.match(swap.question)}
    framed = [(item, swap) for item, swap in swaps if FRAME.match(swap.question)]
    assert len(framed) >= len(plain) // 2
    for item, swap in framed:
        prefix = FRAME.match(swap.question).group(0)
        bare = swap.question.removeprefix(prefix)
        assert bare in plain
        assert prefix in [p for p, _ in frames_for(replace(item, question=bare))]


def test_swaps_keep_the_entity(swaps: list[tuple[EvalItem, EvalItem]]) -> None:
    for item, swap in swaps:
        terms = entity_terms(FRAME.sub("", swap.question))
        assert terms, swap.question
        shared = [t for t in terms if t in item.question or t in item.answer]
        assert shared, (item.question, swap.question)


SPANS = (
    ("2030年", re.compile(r"2030")),
    ("得分", re.compile(r"\d+(?:\.\d+)?分|得分")),
    ("负责人", re.compile(r"负责人|院长|主任|董事长|总经理|秘书长|理事长")),
    ("主任", re.compile(r"负责人|院长|主任|董事长|总经理|秘书长|理事长")),
    ("院长", re.compile(r"负责人|院长|主任|董事长|总经理|秘书长|理事长")),
    ("董事长", re.compile(r"负责人|院长|主任|董事长|总经理|秘书长|理事长")),
    ("理事长", re.compile(r"负责人|院长|主任|董事长|总经理|秘书长|理事长")),
    ("校长", re.compile(r"校长|负责人")),
    ("百分之", re.compile(r"\d[\d.]*\s*[%％]|增长率|增幅|增速")),
    ("注册资本", re.compile(r"注册资本|\d(?:万|亿)?元")),
    ("成立", re.compile(r"(?:19|20)\d{2}年|成立")),
    ("资金投入", re.compile(r"\d(?:万|亿)?元")),
)


ATTRIBUTE = re.compile(
    r"(?:中)?的(?:负责人|主任|院长|董事长|理事长|校长|得分|注册资本)|是哪一年成立|累计获得|比上年增长"
)
FRAME = re.compile(r"^(?:据《[^》]+》|根据.+?(?:的报道|发布的材料)|截至[^，]+|从\d+年的情况来看)，")


def test_swapped_attribute_is_absent_from_the_corpus(
    swaps: list[tuple[EvalItem, EvalItem]],
) -> None:
    """An independent check: the swapped span never appears next to the entity's main term."""
    sentences = corpus_sentences()
    text = "".join(sentences)
    for original, swap in swaps:
        # A year swap asks for a year the original does not: that year is the span.
        new_years = set(re.findall(r"(?:19|20)\d{2}", swap.question)) - set(
            re.findall(r"(?:19|20)\d{2}", original.question)
        )
        span = (
            re.compile("|".join(sorted(new_years)))
            if new_years
            else next(pattern for word, pattern in SPANS if word in swap.question)
        )
        subject = ATTRIBUTE.split(FRAME.sub("", swap.question))[0]
        named = [t for t in entity_terms(subject) if normalize_for_match(t) in text]
        assert named, swap.question
        main = normalize_for_match(max(named, key=len))
        assert not any(span.search(s) for s in sentences if main in s), swap.question


def test_swap_check_drops_an_answerable_swap() -> None:
    # 004 gives 科技信贷风险补偿资金池's money (4亿元): a money swap on it must be dropped.
    item = EvalItem(
        "x", "科技信贷风险补偿资金池有多少家？", "1.2万家", ("1.2万",),
        ("002_eb9130060e5878d8.txt",), ("累计为1.2万",), "figure", "easy", False,
    )  # fmt: skip
    assert not any("亿元" in v.question for v in attribute_swap_variants(item))


def test_no_year_swap_where_a_run_of_years_may_cover_the_earlier_year() -> None:
    # 000 (2023): 「“广深港”科技集群在全球创新指数排名连续三年位居第2位」 covers 2022 unwritten,
    # so 「2022年…排第几」 is no question the documents leave open.
    item = EvalItem(
        "x", "2024年“广深港”科技集群在全球创新指数排第几？", "第2位", ("第2位",),
        ("002_eb9130060e5878d8.txt",), ("位居全球创新指数第2位",), "figure", "easy", False,
    )  # fmt: skip
    assert not any("2022" in v.question for v in attribute_swap_variants(item))


def test_swaps_are_deterministic(answerable: list[EvalItem]) -> None:
    for item in answerable:
        assert attribute_swap_variants(item, limit=1) == attribute_swap_variants(item, limit=1)


# --- follow-ups ----------------------------------------------------------------------


def test_follow_up_pairs_come_from_existing_items(items: list[EvalItem]) -> None:
    by_id = {item.id: item for item in items}
    cases = follow_up_pairs(items)
    assert {case.kind for case in cases} >= {"year", "pronoun"}
    for case in cases:
        first, expected = by_id[case.first_id], by_id[case.expected_id]
        assert case.history_question == first.question
        assert case.must_contain == expected.must_contain
        if case.kind != "scope":  # 「那黄埔区呢？」 may be answered by another place's document
            assert first.sources == expected.sources
        _well_formed(case.follow_up)
        assert len(case.follow_up) < len(expected.question) + 2


PLAN_END = {"2020": "十三五", "2025": "十四五"}


def test_year_follow_up_asks_the_other_year(items: list[EvalItem]) -> None:
    by_id = {item.id: item for item in items}
    for case in follow_up_pairs(items):
        if case.kind != "year":
            continue
        year = YEAR.search(case.follow_up).group(1)
        asked = by_id[case.expected_id].question
        assert year in asked or PLAN_END.get(year, "-") in asked, (year, asked)
        assert year not in case.history_question
        assert by_id[case.first_id].evidences == by_id[case.expected_id].evidences


def test_pronoun_follow_up_drops_only_the_entity(items: list[EvalItem]) -> None:
    by_id = {item.id: item for item in items}
    for case in follow_up_pairs(items):
        if case.kind != "pronoun":
            continue
        expected = by_id[case.expected_id].question
        assert case.follow_up.startswith(("它", "该")) or "该" in case.follow_up
        pronoun = (
            "它" if "它" in case.follow_up else case.follow_up[case.follow_up.index("该") :][:3]
        )
        head, _, tail = case.follow_up.partition(pronoun)
        assert expected.startswith(head) and expected.endswith(tail)


def test_no_pronoun_for_a_name_that_starts_a_longer_name() -> None:
    """After a question about the 「…交易会项目投融资联盟」, 它 is the alliance, not the 交易会."""
    source = ("001_70d010b94859217b.txt",)
    alliance = EvalItem(
        "a", "“中国创新创业成果交易会项目投融资联盟”是哪一年策划组建的？", "2021年", ("2021年",),
        source, ("2021年我们策划组建",), "temporal", "easy", False,
    )  # fmt: skip
    fair = EvalItem(
        "b", "中国创新创业成果交易会一共办了几届？", "6届", ("6届",),
        source, ("已举办6届",), "figure", "easy", False,
    )  # fmt: skip
    follow_ups = {case.id: case.follow_up for case in follow_up_pairs([alliance, fair])}
    assert "a>b~pronoun" not in follow_ups
    # the other way round 该交易会 keeps its meaning: the fair's alliance
    assert follow_ups["b>a~pronoun"] == "“该交易会项目投融资联盟”是哪一年策划组建的？"


def test_a_pronoun_stands_only_where_the_whole_name_stood() -> None:
    """No 「…通信与该研究院」 (the name's tail after 与), no 「那家该中心」, no 「它，宗旨…」."""
    source = ("002_eb9130060e5878d8.txt",)
    institute = EvalItem(
        "a", "广东省新一代通信与网络创新研究院请的首席科学家是谁？", "邬江兴", ("邬江兴",),
        source, ("邬江兴院士获聘首席科学家",), "entity", "easy", False,
    )  # fmt: skip
    centre = EvalItem(
        "b", "搭了小程序的那家大湾区科技创新服务中心，董事长是谁？", "秦海鸥", ("秦海鸥",),
        source, ("董事长秦海鸥",), "entity", "easy", False,
    )  # fmt: skip
    alliance = EvalItem(
        "c", "大湾区科技创新服务中心，宗旨说的是啥？", "协同创新", ("协同创新",),
        source, ("协同创新”为宗旨",), "entity", "easy", False,
    )  # fmt: skip
    first = EvalItem(
        "d", "大湾区科技创新服务中心牵头筹建了什么？网络创新研究院呢？", "联盟", ("联盟",),
        source, ("牵头筹建",), "entity", "easy", False,
    )  # fmt: skip
    follow_ups = {c.id: c.follow_up for c in follow_up_pairs([first, institute, centre, alliance])}
    assert "d>a~pronoun" not in follow_ups
    assert follow_ups["d>b~pronoun"] == "搭了小程序的该中心，董事长是谁？"
    assert "d>c~pronoun" not in follow_ups


def test_follow_up_pairs_are_deterministic(items: list[EvalItem]) -> None:
    assert follow_up_pairs(items) == follow_up_pairs(list(items))


def test_follow_up_pairs_stay_within_a_split() -> None:
    for split in ("dev", "test"):
        own = {item.id for item in load_dataset(DATASETS / f"{split}.jsonl")}
        for case in follow_up_pairs(load_dataset(DATASETS / f"{split}.jsonl")):
            assert {case.first_id, case.expected_id} <= own
