"""Follow-ups keep their subject: rewritten by rule, then answered over the real corpus index."""

from __future__ import annotations

import pytest

from assistant.answer import Assistant
from assistant.config import AssistantSettings
from assistant.followup import is_follow_up, parse, rewrite_by_rule
from evals.dataset import normalize_for_match
from vectorstore.search import HybridSearcher

CONTRACTS = "黄埔区2020年技术合同成交额是多少？"
CENTRE = "广州国际技术交易服务中心是什么时候揭牌的？"
NATURE = "2018年广州在自然指数科研城市中排第几？"
HIGH_TECH = "2025年黄埔区高新技术企业目标是多少家？"


def test_a_question_is_parsed_into_place_years_and_subject() -> None:
    frame = parse(CONTRACTS)
    assert (frame.place, frame.years, frame.subject) == ("黄埔区", ("2020年",), "技术合同成交额")
    # A city glued to a noun is part of the entity's name, not a place.
    assert parse(CENTRE).place == "" and parse(CENTRE).subject == "广州国际技术交易服务中心"
    # 「上市高企」 starts with 上市, which is no place.
    assert parse("上市高企数2020年是多少？").place == ""
    # The entity may be the object: 「哪家单位牵头筹建…联盟」.
    assert parse("哪家单位牵头筹建新型研发机构协同创新联盟？").subject == "新型研发机构协同创新联盟"
    assert parse(NATURE).subject == "自然指数科研城市"


@pytest.mark.parametrize(
    ("previous", "follow_up", "expected"),
    [
        # another year, and target instead of actual: place and indicator are kept
        (CONTRACTS, "那2025年的目标呢？", "黄埔区2025年技术合同成交额目标是多少？"),
        (CONTRACTS, "2025年目标呢？", "黄埔区2025年技术合同成交额目标是多少？"),
        (CONTRACTS, "目标呢？", "黄埔区技术合同成交额目标是多少？"),
        (CONTRACTS, "那2024年呢？", "黄埔区2024年技术合同成交额是多少？"),
        (CONTRACTS, "它的目标是多少？", "黄埔区技术合同成交额的目标是多少？"),
        # another place
        (CONTRACTS, "南沙区呢？", "南沙区2020年技术合同成交额是多少？"),
        # another indicator, same place and year
        (CONTRACTS, "那上市高企数呢？", "黄埔区2020年上市高企数是多少？"),
        (CONTRACTS, "还有上市高企数呢？", "黄埔区2020年上市高企数是多少？"),
        (CONTRACTS, "那高新技术企业有多少家？", "黄埔区2020年高新技术企业有多少家？"),
        (
            HIGH_TECH,
            "那规模以上国家高新技术企业呢？",
            "2025年黄埔区规模以上国家高新技术企业目标是多少家？",
        ),
        (HIGH_TECH, "2020年完成值呢？", "2020年黄埔区高新技术企业是多少家？"),
        # pronouns stand for the entity, not the place
        (CENTRE, "它的运营主体是谁？", "广州国际技术交易服务中心的运营主体是谁？"),
        (CENTRE, "该中心的运营主体是谁？", "广州国际技术交易服务中心的运营主体是谁？"),
        (CENTRE, "其运营主体是谁？", "广州国际技术交易服务中心运营主体是谁？"),
        (CENTRE, "这个中心由谁运营？", "广州国际技术交易服务中心由谁运营？"),
        (CENTRE, "那它促成了多少项交易？", "广州国际技术交易服务中心促成了多少项交易？"),
        # an attribute alone asks about the same entity
        (CENTRE, "运营主体呢？", "广州国际技术交易服务中心的运营主体是什么？"),
        (
            "哪家单位牵头筹建新型研发机构协同创新联盟？",
            "它什么时候成立的？",
            "新型研发机构协同创新联盟什么时候成立的？",
        ),
        # the subject ends where the predicate starts (揭牌以来, 发展到), not inside a name
        (
            "广州国际技术交易服务中心揭牌以来促成了多少项技术成果交易？",
            "它下一步要建设哪些平台？",
            "广州国际技术交易服务中心下一步要建设哪些平台？",
        ),
        (
            "广州产学研技术创新联盟发展到多少家成员单位？",
            "它的销售收入有多少？",
            "广州产学研技术创新联盟的销售收入有多少？",
        ),
        # 「A背后的B」: 它 is the organisation A
        (
            "广州国际技术交易服务中心背后的运营公司是怎么组成的？",
            "它促成了多少项交易？",
            "广州国际技术交易服务中心促成了多少项交易？",
        ),
        # 「该中心」 is the name ending in 中心, wherever the pronoun stands
        (
            "2018年广州新三板和广东股权交易中心新增挂牌企业多少家？",
            "2018年新增了几家上市公司？该中心挂牌企业累计有多少家？",
            "2018年新增了几家上市公司？广东股权交易中心挂牌企业累计有多少家？",
        ),
        # a standpoint clause is not carried into the follow-up
        (
            "作为规划基期，2020年黄埔区国际合作项目及平台数量是多少家？",
            "那2025年的目标呢？",
            "2025年黄埔区国际合作项目及平台数量目标是多少家？",
        ),
        # a year before a planned year asks the actual value
        (
            "黄埔区计划到2025年技术合同成交额达到多少？",
            "那2020年呢？",
            "黄埔区2020年技术合同成交额达到多少？",
        ),
        # 啥 asks as 什么 does: no 「是多少」 is added after it
        (
            "广州新型研发机构协同创新联盟首批有多少家新型研发机构？",
            "在该联盟成立大会上，局长提出的五大功能分别是啥？",
            "在广州新型研发机构协同创新联盟成立大会上，局长提出的五大功能分别是啥？",
        ),
        (NATURE, "那2019年呢？", "2019年广州在自然指数科研城市中排第几？"),
        (NATURE, "还有2022年呢？", "2022年广州在自然指数科研城市中排第几？"),
    ],
)
def test_follow_up_keeps_what_it_does_not_change(
    previous: str, follow_up: str, expected: str
) -> None:
    assert rewrite_by_rule(follow_up, [(previous, "")]) == expected


def test_a_standalone_question_is_left_alone() -> None:
    history = [(CENTRE, "2020年9月")]
    assert not is_follow_up("创交会设置了哪些展区？", history)
    assert rewrite_by_rule("创交会设置了哪些展区？", history) == "创交会设置了哪些展区？"
    assert not is_follow_up("那2025年的目标呢？", [])


@pytest.mark.parametrize(
    "question",
    [
        "新型研发机构协同创新联盟的宗旨是什么？",  # an attribute with its own entity
        "粤港澳大湾区国家技术创新中心的主任是谁？",
        "黄埔区计划到2025年技术合同成交额做到多大规模？",
        "这个协同创新联盟准备提供哪几类服务平台？",  # 这个 + a noun names its own subject
        "那个4亿元的资金池撬动了多少贷款？",  # 那个 is a determiner, not 「那……呢」
        "在广州，企业研发费用加计扣除的比例是多少？",
    ],
)
def test_a_question_with_its_own_subject_is_no_follow_up(question: str) -> None:
    history = [(CONTRACTS, "619")]
    assert not is_follow_up(question, history)
    assert rewrite_by_rule(question, history) == question


def test_a_short_question_without_a_subject_is_a_follow_up() -> None:
    history = [(CENTRE, "2020年9月")]
    assert is_follow_up("运营主体是谁？", history) and is_follow_up("宗旨是什么？", history)
    assert rewrite_by_rule("宗旨是什么？", history) == "广州国际技术交易服务中心的宗旨是什么？"


def test_follow_ups_chain_through_the_history() -> None:
    history = [(CONTRACTS, "619"), ("那2025年的目标呢？", "800")]
    assert rewrite_by_rule("南沙区呢？", history) == "南沙区2025年技术合同成交额目标是多少？"


def test_a_loosely_worded_indicator_takes_the_documents_name_from_the_answer() -> None:
    first = "黄埔区计划到2025年技术交易额做到多大规模？"
    row = "表2.1 … | 7 技术合同成交额(亿元): 2020年完成值 619; 2025年目标值 800"
    worded = "技术合同成交额：2020年完成值 619亿元，2025年目标值 800亿元[1]"
    for answer in (row, worded):
        assert (
            rewrite_by_rule("那2020年呢？", [(first, answer)])
            == "黄埔区2020年技术合同成交额做到多大规模？"
        )
    # An answer naming another indicator changes nothing.
    other = "高新技术企业数量：2020年完成值 2109家[1]"
    assert "技术交易额" in rewrite_by_rule("那2020年呢？", [(first, other)])


def test_a_pronoun_keeps_the_full_name_even_where_the_answer_defines_a_short_one() -> None:
    """「交易中心」 alone is also 广东股权交易中心; the full name is matched to the short one."""
    answer = "「广州国际技术交易服务中心（以下简称交易中心）是……」"
    rewritten = rewrite_by_rule("它是什么时候挂牌的？", [(CENTRE, answer)])
    assert rewritten == "广州国际技术交易服务中心是什么时候挂牌的？"


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        # a demonstrative before the noun the name ends in, inside a longer quoted name
        (
            "中国创新创业成果交易会从2015年开始办，一共办了几届？",
            "“该交易会项目投融资联盟”是哪一年策划组建的？",
            "“中国创新创业成果交易会项目投融资联盟”是哪一年策划组建的？",
        ),
        (
            "广州科技创新母基金规模多大？",
            "这个基金由谁管理？",
            "广州科技创新母基金由谁管理？",
        ),
    ],
)
def test_a_demonstrative_before_a_noun_stands_for_the_name_ending_in_it(
    first: str, follow_up: str, expected: str
) -> None:
    assert is_follow_up(follow_up, [(first, "")])
    assert rewrite_by_rule(follow_up, [(first, "")]) == expected


def test_a_pronoun_inside_the_previous_question_is_resolved_first() -> None:
    """「我司想和X合作，它的运营主体…」: 它 there is X, so the next 它 is X too."""
    first = "我司想和广州国际技术交易服务中心合作，它的运营主体是由哪家公司发起的？"
    rewritten = rewrite_by_rule("它是哪年哪月揭牌的？", [(first, "")])
    assert rewritten == "广州国际技术交易服务中心是哪年哪月揭牌的？"


def test_a_pronoun_never_stands_for_the_asker() -> None:
    """「我们是民营企业，想了解…」 says who asks: 它 is what the question is about."""
    first = "我们是民营企业，想了解运营广州国际技术交易服务中心的混合制公司是由哪家公司发起的？"
    rewritten = rewrite_by_rule("它是哪年哪月揭牌的？", [(first, "")])
    assert "广州国际技术交易服务中心" in rewritten and "我们" not in rewritten, rewritten


def test_a_time_adverb_ends_the_subject_a_pronoun_stands_for() -> None:
    """「…服务中心下一步要建设…」: 下一步 says when, it is not part of the centre's name."""
    first = "广州国际技术交易服务中心下一步要建设哪“三大平台”？"
    rewritten = rewrite_by_rule("它背后的运营公司是怎么组成的？", [(first, "发布平台")])
    assert rewritten == "广州国际技术交易服务中心背后的运营公司是怎么组成的？"


def test_a_topic_before_a_comma_is_the_subject_a_pronoun_stands_for() -> None:
    """「…联盟，首批纳入了几家…」: the topic ends at the comma, 首批 belongs to the ask."""
    first = "刚成立的广州市新型研发机构协同创新联盟，首批纳入了几家新型研发机构？"
    rewritten = rewrite_by_rule("那它的秘书长单位是谁？", [(first, "38家")])
    assert rewritten == "刚成立的广州市新型研发机构协同创新联盟的秘书长单位是谁？", rewritten


@pytest.fixture(scope="module")
def assistant(searcher: HybridSearcher) -> Assistant:
    return Assistant(searcher, AssistantSettings())


def _holds(text: str, value: str) -> bool:
    return normalize_for_match(value) in normalize_for_match(text)


def _conversation(assistant: Assistant, *questions: str) -> list[str]:
    history: list[tuple[str, str]] = []
    answers = []
    for question in questions:
        answer = assistant.ask(question, history)
        history.append((question, answer.text))
        answers.append(answer.text)
    return answers


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        ((CONTRACTS, "那2025年的目标呢？"), "800"),
        ((CONTRACTS, "目标呢？"), "800"),
        ((CONTRACTS, "那上市高企数呢？"), "43"),
        ((HIGH_TECH, "那规模以上国家高新技术企业呢？"), "800"),
        ((HIGH_TECH, "2020年完成值呢？"), "2109"),
        ((CENTRE, "它的运营主体是谁？"), "混合制公司"),
        ((NATURE, "那2024年呢？"), "第8位"),
    ],
)
def test_follow_up_is_answered_end_to_end(
    assistant: Assistant, questions: tuple[str, ...], expected: str
) -> None:
    answers = _conversation(assistant, *questions)
    assert _holds(answers[-1], expected), answers[-1]
