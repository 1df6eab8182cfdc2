"""What the rephrasing generator produces, on the bundled dev and test items.

A rewording that drops a number, changes a name or reads as broken Chinese would measure
the generator instead of the assistant: every variant of every answerable item is checked
for the facts it must keep and for patterns no speaker produces, and a fixed sample is
read against what a person would write.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from evals.calibrate import training_items
from evals.dataset import EvalItem, load_dataset, validate_dataset
from evals.rephrasing import RULES, rephrasings
from evals.variants import all_rephrasings, rephrasing_rule, rephrasing_variants

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "evals" / "datasets"
CORPUS = ROOT / "data" / "corpus"

#: What a rewording may never change, found independently of the generator's own check.
KEPT = re.compile(
    r"\d+(?:\.\d+)?|“[^”]*”|《[^》]*》|[A-Za-z]+|"
    r"广州开发区|黄埔区|黄埔|广州市|广州|南沙|天河|番禺|知识城|科学城|生物岛|全省|全市|全国|全球"
)
#: Nothing a Chinese speaker writes: a doubled word or particle, a question word mangled.
UNGRAMMATICAL = (
    "哪多少",
    "哪几家家",
    "是是",
    "为为",
    "有有",
    "都都",
    "呢呢",
    "啊啊",
    "来着来着",
    "呢来着",
    "来着呢",
    "吗呢",
    "吗啊",
    "啥么",
    "咋么",
    "如何样",
    "咋么样",
    "哪一一",
    "排名名",
    "在都有",
    "，，",
    "？？",
    "，？",
)
PARTICLES = re.compile(r"(呢|啊|来着)(?:呢|啊|来着|吗|吧)？")


@pytest.fixture(scope="module")
def answerable() -> list[EvalItem]:
    items = load_dataset(DATASETS / "dev.jsonl") + load_dataset(DATASETS / "test.jsonl")
    return [item for item in items if item.answerable]


@pytest.fixture(scope="module")
def variants(answerable: list[EvalItem]) -> list[tuple[EvalItem, EvalItem]]:
    return [(item, v) for item in answerable for v in rephrasing_variants(item)]


def test_nearly_every_answerable_item_gets_rephrasings(answerable: list[EvalItem]) -> None:
    """Only a yes/no question an enterprise already asks (「…支持吗？」) has no rewording."""
    bare = [item for item in answerable if not rephrasing_variants(item)]
    assert len(bare) <= 0.03 * len(answerable), [item.question for item in bare]
    for item in bare:
        assert item.question.startswith(("我们", "咱们")), item.question
        assert item.question.endswith("吗？"), item.question


def test_rephrasings_keep_every_number_year_name_and_place(
    variants: list[tuple[EvalItem, EvalItem]],
) -> None:
    for item, variant in variants:
        assert Counter(KEPT.findall(variant.question)) == Counter(KEPT.findall(item.question)), (
            variant.id,
            variant.question,
        )


def test_rephrasings_are_grammatical(variants: list[tuple[EvalItem, EvalItem]]) -> None:
    for item, variant in variants:
        question = variant.question
        assert question.endswith("？") and not question.endswith("？？"), question
        assert question.count("？") == item.question.count("？"), question
        assert not PARTICLES.search(question), question
        for pattern in UNGRAMMATICAL:
            assert pattern not in question, (pattern, question)


def test_rephrasings_are_the_same_item_reworded(
    variants: list[tuple[EvalItem, EvalItem]],
) -> None:
    for item, variant in variants:
        assert variant.question != item.question
        assert variant.id.startswith(f"{item.id}~reph")
        assert (variant.style, variant.paraphrased, variant.type) == ("rephrased", True, item.type)
        assert (variant.answer, variant.must_contain) == (item.answer, item.must_contain)
        assert (variant.sources, variant.evidences) == (item.sources, item.evidences)
        assert rephrasing_rule(variant.id) in {rule.name for rule in RULES}


def _by_id(answerable: list[EvalItem], item_id: str) -> dict[str, str]:
    item = next(item for item in answerable if item.id == item_id)
    return {rephrasing_rule(v.id): v.question for v in rephrasing_variants(item)}


#: (item, rule, the rewording a person would write); None = the rule must not apply.
EXPECTED = (
    ("q012", "是什么→是啥", "新型研发机构协同创新联盟的宗旨是啥？"),
    ("q012", "话题前置", "新型研发机构协同创新联盟，宗旨是什么？"),
    ("q012", "关于X", "关于新型研发机构协同创新联盟，宗旨是什么？"),
    ("q016", "是谁→是哪位", "广州工业智能研究院院长是哪位？他分享的题目是什么？"),
    ("q002", "是谁→是哪位", None),  # 秘书长单位是谁: a body, not a person
    ("q068", "多少家→几家", "黄埔区有几家科创板上市企业？"),
    ("q066", "多少家→几家", None),  # 124家 is not a handful
    ("q162", "排第几→排名第几", "2024年“广深港”科技集群在全球创新指数排名第几？"),
    ("q163", "是多少→为多少", "2017年广州的技术合同成交额为多少？"),
    ("q405", "怎么→如何", "黄埔区高新技术企业数量和2025年目标相比如何？"),
    ("q405", "怎么→咋", "黄埔区高新技术企业数量和2025年目标相比咋样？"),
    ("q027", "怎么→咋", "广州国际技术交易服务中心背后的运营公司是咋组成的？"),
    ("q071", "哪家→哪一家", "大湾区第一条12英寸芯片生产线是哪一家企业建成的？"),
    ("q139", "有哪些→都有哪些", "企业申请研发投入都有哪些支持政策？"),
    ("q075", "有哪些→都有哪些", None),  # 出台了哪些: no 有 to stress
    ("q066", "句末呢", "黄埔区瞪羚企业有多少家呢？"),
    ("q066", "句末来着", "黄埔区瞪羚企业有多少家来着？"),
    ("q096", "句末来着", None),  # 要怎么改: nothing to recall
    ("q195", "句末呢", None),  # already closed by 啊
    ("q200", "句末来着", None),  # already closed by 来着
    ("q066", "请问", "请问，黄埔区瞪羚企业有多少家？"),
    ("q066", "企业视角", "我们公司想知道，黄埔区瞪羚企业有多少家？"),
    ("q204", "企业视角", None),  # already the enterprise speaking
    ("q237", "话题前置", None),  # 「根据广州市科技局的…」 is a frame, not a topic
)


@pytest.mark.parametrize(("item_id", "rule", "expected"), EXPECTED)
def test_a_fixed_sample_reads_as_expected(
    answerable: list[EvalItem], item_id: str, rule: str, expected: str | None
) -> None:
    assert _by_id(answerable, item_id).get(rule) == expected


def test_a_rule_that_would_change_a_fact_is_dropped() -> None:
    # 「是多少」 inside a quoted title: the rewrite would change the title, so no variant.
    question = "《目标是多少》这份文件的发布单位是什么？"
    rules = {rule.name: text for _, rule, text in rephrasings(question)}
    assert "是多少→为多少" not in rules
    assert rules["是什么→是啥"] == "《目标是多少》这份文件的发布单位是啥？"


def test_the_sample_is_seeded_and_limited(answerable: list[EvalItem]) -> None:
    for item in answerable[:40]:
        sample = rephrasing_variants(item, limit=1)
        assert sample == rephrasing_variants(item, limit=1)
        assert len(sample) == 1
    all_ids = {v.id for v in all_rephrasings(answerable)}
    sampled = all_rephrasings(answerable, per_item=1)
    assert len(sampled) < len(all_ids) and {v.id for v in sampled} <= all_ids
    assert rephrasing_variants(answerable[0], limit=1, seed=1) == rephrasing_variants(
        answerable[0], limit=1, seed=1
    )


def test_unanswerable_items_get_none_and_variants_pass_the_validator() -> None:
    items = load_dataset(DATASETS / "dev.jsonl")
    assert all(rephrasing_variants(i) == [] for i in items if not i.answerable)
    assert validate_dataset(items + all_rephrasings(items), CORPUS) == []


def test_rephrasings_stay_out_of_calibration() -> None:
    """An untuned check: the answerability model never sees a rephrasing."""
    dev = load_dataset(DATASETS / "dev.jsonl")[:30]
    assert not any("~reph" in item.id for item in training_items(dev))
