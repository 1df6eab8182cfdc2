"""What a figure counts, told from how official texts write it: a total held or what one
year added (累计 vs 新增), one item's share or the total (每 vs 共), the noun after its counter,
and the quantity its unit measures (千伏: a voltage).

Each check takes a typed span of a candidate sentence and the question; assistant.evidence
drops the spans that answer for something else.
"""

from __future__ import annotations

import functools
import itertools
import re

import jieba.posseg

from assistant.answer_types import (
    AMOUNT,
    ASKING,
    COUNT,
    COUNTERS,
    FIGURE_TYPES,
    Span,
    asking_clauses,
)
from assistant.clauses import CLAUSE_END, clause_around, clause_bounds, own_clause_bounds
from assistant.question import Question, compact

# Nouns (n, nz, ns…), abbreviations, 国家级, set phrases and verbal nouns (投资主体).
_COUNTED_TAGS = ("n", "j", "b", "l", "vn")
# How much of the text after a count is read for the noun it counts.
_AFTER_CHARS = 16


# A total held (「技术经理人队伍有多少人」「累计有多少家」「一共有多少名」) ...
# (一共 with no year asked: a figure marked as one year's addition, 新培养, is no total)
_STOCK_ASKED = re.compile(r"总数|总量|累计|合计|一共|总共|共有|队伍|现有|总规模")
# ... is not what one year added (「2024年新培养技术经理人近2000名」), and the reverse.
# (「比上一年」「比去年」 name the base of a change, not a year's addition)
_FLOW_ASKED = re.compile(
    r"新增|新(?:培养|引进|认定|培育|建|设)|当年|全年|年内|(?<![上前])一年|每年|(?<![比较])去年|今年"
)
_YEAR_END = re.compile(r"(?:到|截至|截止)\s*(?:19|20)\d{2}\s*年(?:底|末)")
# 「现在总共有多少」「目前累计有几家」: a total held now, whatever year the question is set in.
_NOW = re.compile(r"现在|目前|如今|至今|迄今|眼下")
# (「每年投入8000万元」: a yearly amount is what each year adds, no total since a start)
_FLOW_SET = re.compile(
    r"(?:新(?:增|培养|引进|认定|培育|建|设立|注册|登记|获批|入选|落户|签约|招引)|每年|年均)"
    r"[^，,。；;]{0,16}$"
)
# 「新增了多少」 asks an addition, which a text writes as one (新增, 引进) in the figure's clause.
_NEW_ASKED = re.compile(r"新增|新(?:培养|引进|认定|培育|建|设)")
_ADDED_SET = re.compile(
    r"新(?:增|培养|引进|认定|培育|建|设|注册|登记|获批|入选|落户|签约|招引)|增加|增长|增至"
    # a deed of the year reported is an addition too (「引进…院士」「认定…家」)
    r"|引进|认定|获批|建成|落地|入选|培育|培养|组建|成立"
)
# (a part in brackets after a total is one too: 「共有…335家（国家级26家、…培育单位41家）」)
_STOCK_SET = re.compile(
    r"(?:累计|总数|总量|合计|共计|总共|共有|现有|在校|在册|在职)(?:[^，,。；;]{0,16}"
    r"|[^，,。；;（(]{0,16}[（(][^）)]*)$"
)


# 「单个项目最多能拿多少」: what one item gets, or a ceiling, is asked ...
_EACH_ASKED = re.compile(r"单个|单项|单笔|单家|每个|每项|每家|每笔|每所|最多|最高|上限|封顶")
# ... which a text writes with 每, 单, a ceiling (最高, 不超过) or 以内 by the figure.
_EACH_SET = re.compile(r"每|单个|单项|单笔|最高|最多|不超过|不高于|上限|封顶|至多|以内")


def total_for_each(question: Question, region: str, span: Span) -> bool:
    """What one item gets, or a ceiling, asked (「单个项目最多能拿多少经费」) is not answered
    by an amount the clause gives with no 每, 单 or ceiling by it: 「实施20项…攻关项目,支持
    经费达2900万元」 is the total for all of them."""
    if span.type != AMOUNT or not _EACH_ASKED.search(question.core or question.text):
        return False
    return not _EACH_SET.search(clause_around(region, span) + region[span.end : span.end + 4])


def _asking_part(question: Question) -> str:
    """The clauses of the focus that ask (the whole focus if none does): a clause before
    them sets the scene (「2024年新培养了技术经理人，现在总共有多少」)."""
    core = question.core or question.text
    return "，".join(asking_clauses(core)) or core


def flow_for_stock(question: Question, region: str, span: Span) -> bool:
    """A total held asked is not answered by what one year added: official texts mark an
    addition with 新 and its verb (新增, 新培养, 新认定) right before the figure, and a total
    with 累计, 共, 现有; a question asking one kind names its marker."""
    if span.type not in (COUNT, AMOUNT):
        return False
    core = question.core or question.text
    asked = _asking_part(question)
    before = region[clause_bounds(region, span)[0] : span.start]
    stock, flow = bool(_STOCK_ASKED.search(asked)), bool(_FLOW_ASKED.search(asked))
    as_of = question.as_of or _YEAR_END.search(core) or _NOW.search(asked)
    if stock and not flow and (as_of or not question.years):
        # (a year asked, not as of its end, asks what that year added as well)
        return bool(_FLOW_SET.search(before)) and not _STOCK_SET.search(before)
    if flow and not stock:
        if _STOCK_SET.search(before) and not _FLOW_SET.search(before):
            return True
        # 「新增了多少家」 is answered by a figure written as an addition, not by any count
        # (its own clause: 「…国家级培育单位41家），5家…获A类评级」 adds nothing by 培育)
        start, end = own_clause_bounds(region, span)
        return bool(_NEW_ASKED.search(asked)) and not _ADDED_SET.search(region[start:end])
    return False


# 「那一万多从业人员里面，博士有多少」「第一批成员里，搞科技金融的机构有几家」: a part asked of
# a whole the question states first.
_PART_OF_WHOLE = re.compile(
    r"(?:里面|里头|当中|之中|其中|里(?=[，,])|中(?=[，,]))[，,]?\s*"
    r"(?P<part>[^，,。？?]{1,16}?)(?:大概|大约|一共|总共|能)?(?:有|占)?(?:多少|几)"
)
# 「那一万多从业人员」「两千一百多家高企」: the whole a part is asked of, counted.
_COUNTED_WHOLE = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万]+)\s*(?:多|余)?\s*(?:万|千|百)?\s*"
    r"(?![年月日天])[家个名人项所位只条]?[\u4e00-\u9fff]{0,8}$"
)
# How far before a count a part named without its class noun may stand (其中国家级147项).
_PART_BEFORE_CHARS = 4
# Words naming only a class of the counted (机构, 项目): the rest of the part tells it apart.
_PART_CLASS = re.compile(r"(?:机构|单位|企业|公司|项目|人员|人才|成员|人|家|个|类|种)$")
_PART_TAGS = ("n", "j", "l", "s", "b", "vn")


def part_unnamed(question: Question, region: str, span: Span) -> bool:
    """A part asked of a stated whole (「…从业人员里面，博士有多少」) is counted only by a figure
    whose clause names what sets the part apart (博士, 境外, 科技金融): any other figure of the
    sentence counts the whole or another part."""
    if span.type not in (COUNT, AMOUNT):
        return False
    telling = _telling_part(question.core or question.text)
    if not telling:
        return False
    clause = compact(clause_around(region, span))
    right_before = compact(region[: span.start])[-_PART_BEFORE_CHARS:]
    # (「国家级项目」 is written 「其中国家级147项」: the class is left to the counter)
    return not all(
        run in clause or (_PART_CLASS.sub("", run) or run) in right_before for run in telling
    )


@functools.lru_cache(maxsize=512)
def _telling_part(core: str) -> tuple[str, ...]:
    """The noun runs that set a part asked of a counted whole apart (博士; 研发人员 whole, as
    新型研发机构 names 研发 but no 研发人员), read once per question, not once per figure;
    none when the question asks no such part."""
    asked = _PART_OF_WHOLE.search(core)
    if asked is None:
        return ()
    whole = re.split(r"[？?。，,]", core[: asked.start()])[-1]
    if ASKING.search(whole) or not _COUNTED_WHOLE.search(whole):
        return ()  # the whole is asked too (「…一共有多少项？其中…」), or is no counted set
    runs, run = [], ""
    for word in jieba.posseg.cut(asked.group("part")):
        if word.flag.startswith(_PART_TAGS):
            run += word.word
        else:
            runs.append(run)
            run = ""
    runs.append(run)
    return tuple(compact(r) for r in runs if len(r) >= 2 and not _PART_CLASS.fullmatch(r))


# The money quantities official statistics keep apart: what is earned (利润) is not what is
# sold (销售收入), produced (产值) or paid in tax (税收).
# (with the modifiers that make a quantity's name: 销售收入, 净利润)
_MONEY_QUANTITIES = (
    ("profit", re.compile(r"净?利润|净利|盈利|利税")),
    ("revenue", re.compile(r"(?:销售|营业|技术性|经营)?收入|营收|销售额|营业额")),
    ("output", re.compile(r"总?产值|产出")),
    ("tax", re.compile(r"税收|纳税|税额")),
)


def another_money_quantity(question: Question, region: str, span: Span) -> bool:
    """A question asking one money quantity (「创造了多少利润」) is not answered by a figure
    whose clause names another and not the asked one (「产生销售收入300亿元」): a plan or
    report states each of them as its own indicator."""
    return money_quantity_given(question, region, span) is not None


def money_quantity_given(question: Question, region: str, span: Span) -> tuple[str, str] | None:
    """(the quantity the span's clause names, the one asked) when they differ, for a refusal
    that says which is given (「文档只给出了销售收入（300 亿元），没有给出利润。」)."""
    asked = _money_quantities(_asking_part(question))
    if len(asked) != 1:
        return None
    stated = _money_quantities(clause_around(region, span))
    if not stated or stated.keys() & asked.keys():
        return None
    return next(iter(stated.values())), next(iter(asked.values()))


def _money_quantities(text: str) -> dict[str, str]:
    """The money quantities a text names, each with its first wording there."""
    found = {name: words.search(text) for name, words in _MONEY_QUANTITIES}
    return {name: match.group() for name, match in found.items() if match}


# What a unit measures: 「±800千伏」 states a voltage, 「3.6平方公里」 an area.
_QUANTITY_UNITS = (
    (("电压",), r"千伏|伏|kV"),
    (("面积", "占地"), r"平方公里|平方千米|万平方米|平方米|公顷|亩"),
    (("功率", "装机"), r"万千瓦|千瓦|兆瓦|kW"),
    (("里程", "长度", "距离"), r"公里|千米"),
)


def measured_figures(question: Question, region: str) -> list[Span]:
    """Figures in the unit of a quantity the question names (电压等级 -> 800千伏): the unit
    says what the figure measures, so it answers for that quantity where no word does."""
    asked = compact(question.core or question.text)
    units = [u for words, u in _QUANTITY_UNITS if any(w in asked for w in words)]
    if not units:
        return []
    pattern = _in_units("|".join(units))
    return [Span(m.start(), m.end(), COUNT, m.group()) for m in pattern.finditer(region)]


@functools.lru_cache(maxsize=16)
def _in_units(units: str) -> re.Pattern[str]:
    """A number in one of the units (compiled once per set of units, not per sentence)."""
    return re.compile(rf"\d+(?:\.\d+)?\s*(?:{units})")


def counts_another_after(question: Question, region: str, span: Span) -> bool:
    """A count is of the noun written right after its counter (「带动12个投资主体参与项目
    投资」 counts 投资主体): where the text names the asked noun (项目) only elsewhere, the
    figure counts another thing. (A text that never names the asked noun may use another word
    for it, and is not judged here.)"""
    if span.type != COUNT:
        return False
    head = _counted_noun_asked(question.core or question.text)
    counted = _noun_after(region[span.end : span.end + _AFTER_CHARS])
    if len(counted) < 2 or len(head) < 2 or any(char in counted for char in head):
        return False
    after = region[span.end :]
    clause = after[: m.start()] if (m := CLAUSE_END.search(after)) else after
    if compact(clause).endswith(head):
        return False  # 「20项产业链创新联合体攻关项目」: a long name jieba cuts ends in the head
    if re.match(rf"{re.escape(counted)}{_WON}[^，,。；;]{{0,6}}?{re.escape(head)}", compact(after)):
        return False  # 「21项成果获国家科学技术奖」: the items that won the asked award count it
    if re.match(
        rf"{re.escape(counted)}(?:组成|构成)[^，,。；;]{{0,16}}?{re.escape(head)}", compact(after)
    ):
        return False  # 「19位战略科技人才组成的…委员会」: its members, 委员, are counted
    return head in compact(region).replace(counted, "")


# What the counted items got that makes them count the asked noun.
_WON = "(?:获得?|荣获|摘得|入选|进入|纳入|被评为|列入)"


# 「投了多少个港科大（广州）的项目」: the noun after the asked count (and its 的) is counted.
_COUNTED_ASKED = re.compile(
    rf"(?:多少|几)\s*[{COUNTERS}](?:[^，,。？?的]{{0,12}}的)?([^，,。？?]{{2,12}})"
)


# 「有几家企业建有…的研发中心」: the text right after the asked count.
_AFTER_ASKED_COUNT = re.compile(rf"(?:多少|几)\s*[{COUNTERS}]([^，,。？?]{{2,24}})")


@functools.lru_cache(maxsize=512)
def _counted_noun_asked(asked: str) -> str:
    """The noun after the question's count (read once per question, not once per figure).
    Where a verb follows that noun (「几家企业建有市级以上的研发中心」), the noun is counted
    and the 的 further on modifies the verb's object."""
    right_after = _AFTER_ASKED_COUNT.search(asked)
    if right_after:
        words = [(p.word, p.flag) for p in jieba.posseg.cut(right_after.group(1))]
        run = list(itertools.takewhile(lambda pair: pair[1].startswith(_COUNTED_TAGS), words))
        if run and len(words) > len(run) and words[len(run)][1] == "v":
            return compact("".join(word for word, _ in run))
    match = _COUNTED_ASKED.search(asked)
    return _noun_after(match.group(1)) if match else ""


def _noun_after(text: str) -> str:
    """The nouns at the start of a text, up to the clause's end (compact); '' where a place
    or a person opens it (「8家广东省高水平创新研究院」: a long name, which jieba tags in
    pieces, 创新 as a verb)."""
    text = text[: m.start()] if (m := CLAUSE_END.search(text)) else text
    words = [(p.word, p.flag) for p in jieba.posseg.cut(text)]
    if words and words[0][1].startswith(("ns", "nr")):
        return ""
    run = itertools.takewhile(lambda pair: pair[1].startswith(_COUNTED_TAGS), words)
    return compact("".join(word for word, _ in run))


# 「2018年当年获得的…」: one year's own figure asked, in so many words …
_ONE_YEAR_ASKED = re.compile(r"当年|这一年|那一年|单年|全年|一年里|一年内")
# … which a figure counted over a longer stretch does not give (「一年多来，…37 件」).
_OVER_YEARS = re.compile(
    r"[一二三四五六七八九十两几多数\d]+\s*年多?(?:以)?来|多年来|以来|累计|历年"
)


def several_years_for_one(question: Question, region: str, span: Span) -> bool:
    """「2018年当年获得的PCT专利是多少件」 asks one year's own figure: 「一年多来，…PCT 专利
    37 件」 counts over more than a year, unless the question asks over such a stretch too."""
    asked = question.core or question.text
    if span.type not in FIGURE_TYPES or not _ONE_YEAR_ASKED.search(asked):
        return False
    return bool(_OVER_YEARS.search(region[: span.start])) and not _OVER_YEARS.search(asked)


# 「成果对接会和路演活动18场」: one figure for two kinds joined by 和/及/与 …
_JOINED = re.compile(
    r"([\u4e00-\u9fff]{2,12})(?:以及|和|及|与)([\u4e00-\u9fff]{2,12})\s*(?:共|共计|合计)?\s*$"
)


def joint_for_one(question: Question, region: str, span: Span) -> bool:
    """… does not answer for one of them asked alone (「其中路演单独有几场」): the asked
    attribute names one side only, and the asking clause says nothing of the other."""
    if span.type not in (COUNT, AMOUNT) or not question.attribute_terms:
        return False
    start = own_clause_bounds(region, span)[0]
    joined = _JOINED.search(region[start : span.start])
    if joined is None:
        return False
    left, right = compact(joined.group(1)), compact(joined.group(2))
    if right in ("规模", "总规模"):
        return False  # 「…基金和规模60亿元的…母基金」: the figure sizes what follows it
    conjunction = joined.group(0)[len(joined.group(1)) :][: -len(joined.group(2))].strip()
    if left[-2:] + conjunction + right[:2] in compact(question.core or question.text):
        return False  # the question names the pair itself (「国际合作项目及平台」)
    clauses = [
        c for c in re.split(r"[，,；;？?]", question.core or question.text) if ASKING.search(c)
    ]
    asked = compact(clauses[-1]) if clauses else ""  # (「…对接活动，其中路演单独有几场」)
    named = [t.text for t in question.attribute_terms]
    one_side = any(w in right for w in named) != any(w in left for w in named)
    other = left if any(w in right for w in named) else right
    return one_side and not any(other[i : i + 2] in asked for i in range(len(other) - 1))
