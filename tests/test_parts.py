"""Multi-part questions on the real corpus: answered only when every part is stated."""

from __future__ import annotations

import pytest

from assistant.answer import Assistant
from assistant.answer_types import SHARE, spans_of
from assistant.config import AssistantSettings
from assistant.parts import asks_of_the_answer, standalone_part
from assistant.question import asked_parts
from evals.dataset import normalize_for_match
from vectorstore.search import HybridSearcher


@pytest.fixture(scope="module")
def assistant(searcher: HybridSearcher) -> Assistant:
    return Assistant(searcher, AssistantSettings())


def test_a_question_is_split_into_the_parts_that_ask() -> None:
    assert asked_parts("创交会从哪年开始办？到2021年办了几届？") == [
        "创交会从哪年开始办",
        "到2021年办了几届",
    ]
    assert asked_parts("创交会从哪年开始办？") == []
    assert asked_parts("我们是生物医药企业；区里有多少家相关企业？") == []  # one ask


def test_a_later_part_is_asked_in_the_first_parts_setting() -> None:
    assert standalone_part("放款总额多少", "资金池引导银行给多少家科技企业放过款") == (
        "资金池引导银行给科技企业放过款，放款总额多少？"
    )
    assert asks_of_the_answer("他在哪个单位任职")
    assert not asks_of_the_answer("其余单位有几家")


def test_a_share_written_as_a_fraction_or_a_half_is_a_share() -> None:
    assert [s.text for s in spans_of("8家研究院进入序列,占全省的2/3。", SHARE)] == ["2/3"]
    assert [s.text for s in spans_of("占全市一半", SHARE)] == ["一半"]
    assert [s.text for s in spans_of("约占三分之一", SHARE)] == ["三分之一"]
    assert spans_of("2018/2019年度", SHARE) == []


def test_a_later_part_the_documents_leave_open_is_refused_saying_so(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("广州的新型研发机构形成了几项国家标准？制定了多少项国际标准？")
    assert answer.refused
    first_line = answer.text.splitlines()[0]
    assert first_line.startswith("文档只回答了前一问（172项）")
    assert "国际标准" in first_line
    assert answer.citations  # the closest passages are still shown


def test_a_total_asked_after_a_years_addition_is_no_addition(assistant: Assistant) -> None:
    """The second part asks a total held (现在总共): the first part's setting (2024年新培养)
    does not make it ask that year's addition, which is all the documents give."""
    answer = assistant.ask("2024年广州新培养了多少名技术经理人？技术经理人队伍现在总共有多少人？")
    assert answer.refused
    assert answer.text.splitlines()[0].startswith("文档只回答了前一问（近2000名）"), answer.text


def test_a_part_the_first_line_leaves_out_is_added(assistant: Assistant) -> None:
    """The whole question's best sentence answers the second part only (1296 家, 5764 家): the
    first part's own answer (7 家) and its sentence are added."""
    answer = assistant.ask("2018年广州新增上市的科技企业有几家？广东股权交易中心累计挂牌多少家？")
    assert not answer.refused, answer.text
    first_line = answer.text.splitlines()[0]
    assert "7 家" in first_line and "1296 家" in first_line, first_line
    assert "全年新增科技企业上市公司 7 家" in answer.text
    assert answer.direct_answer == first_line
    for citation in answer.citations:
        assert f"[{citation.n}]" in answer.text


def test_one_kind_of_a_joint_figure_is_left_open(assistant: Assistant) -> None:
    """「举办了成果对接会和路演活动18场」 counts both kinds: 路演 alone is not stated, while the
    pair asked as the text joins it is."""
    one = assistant.ask("交易中心揭牌后一共办了多少场活动？其中光是路演有几场？")
    assert one.refused, one.text
    both = assistant.ask("交易中心揭牌以来举办成果对接会和路演活动多少场？")
    assert not both.refused and "18场" in both.text, both.text


def test_a_first_part_the_documents_leave_open_is_refused(assistant: Assistant) -> None:
    answer = assistant.ask("广州科技创新母基金自己规模多大？落地了多少只子基金？")
    assert answer.refused
    assert answer.text.startswith("文档没有给出“广州科技创新母基金自己规模多大”")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a later part that names nothing of its own asks of the first part's indicator
        ("黄埔区规上国家高新技术企业2020年有多少家？到2025年要达到多少家？", ("689", "800")),
        ("黄埔区有几家研究院进入省高水平研究院建设序列？占全省多少？", ("8家", "2/3")),
        ("新型研发机构服务了多少家企业？技术性收入有多少？", ("5438家", "19.79亿元")),
        # 「涉及多少钱」 is another side of the lead's figure, written in the same sentence
        (
            "创交会已经办了好几届，累计促成多少个项目落地？大概涉及多少钱？",
            ("600多个", "近500亿元"),
        ),
        # 「他」 is the person the first part's answer names: not checked on its own
        ("做《绿色智能纺织印染技术介绍》分享的是谁？他在哪个单位任职？", ("于广平",)),
    ],
)
def test_every_part_stated_is_answered(
    assistant: Assistant, question: str, expected: tuple[str, ...]
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    for value in expected:
        assert normalize_for_match(value) in normalize_for_match(answer.text), value


def test_a_few_pointed_at_stays_in_the_setting() -> None:
    """「这几年」 points at some years and asks nothing: the part keeps it as its setting."""
    first = "“十三五”这几年，黄埔区研发投入占GDP的比重是从多少涨到多少的"
    assert standalone_part("这个水平在全市排第几", first).startswith("“十三五”这几年")


def test_a_part_left_open_quotes_its_sentences_as_related() -> None:
    """A part answered by a sentence about something else is left open: its quotes follow as
    related passages, not as evidence."""
    from assistant.answer_form import EVIDENCE_LEAD, RELATED_LEAD
    from assistant.extractive import Extract
    from assistant.parts import part_left_open

    whole = Extract("335家[1]\n依据：\n- 「…」[1]", (), False, (), "335家[1]")
    other = Extract(f"第一名[1]\n{EVIDENCE_LEAD}\n- 「…第一名」[1]", (), False, (), "第一名[1]")
    left = part_left_open("这个数在全国排第几", 1, whole, other)
    assert left.refused and left.text.startswith("文档只回答了前一问（335家）")
    assert RELATED_LEAD in left.text and EVIDENCE_LEAD not in left.text
