"""Expected answer types: what a Chinese question asks for, and the spans of text that answer it.

Chinese questions name the kind of answer they want with a small closed set of cues: a
counter after 多少/几 (多少家, 几项), 多少亿元/多少钱 for money, 比例/占比 for a share,
第几/排名 for a rank, 得分 for a score, 哪一年/何时 for a date, 谁 for a person, 哪家单位
for an organisation, 哪里 for a place, 哪些 for a list, 如何/措施 for a measure. Official
documents write the answers in equally fixed forms (38家, 19.79亿元, 70%, 第2位, 2015年),
so a sentence "holds an answer of the expected type" when one of those forms occurs in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba.posseg

COUNT = "count"
AMOUNT = "amount"
SHARE = "share"
RANK = "rank"
SCORE = "score"
DATE = "date"
DURATION = "duration"
PERSON = "person"
ORGANISATION = "organisation"
PLACE = "place"
NAME = "name"
TITLE = "title"  # the posts a named person holds (广州市政协副主席、市科技局局长)
LIST = "list"
MEASURE = "measure"
OTHER = "other"

#: Types answered by a figure (a number with its unit, a rank or a date).
FIGURE_TYPES = frozenset({COUNT, AMOUNT, SHARE, RANK, SCORE, DATE, DURATION})
#: Types answered by a short span (the direct answer's first line).
SPAN_TYPES = FIGURE_TYPES | {PERSON, ORGANISATION, PLACE, TITLE}
#: What each type is called in a partial refusal (「文档只给出了排名（第2位），没有给出得分。」).
TYPE_LABELS = {
    COUNT: "数量",
    AMOUNT: "金额",
    SHARE: "比例",
    RANK: "排名",
    SCORE: "得分",
    DATE: "时间",
    DURATION: "时长",
    PERSON: "人名",
    ORGANISATION: "单位名称",
    PLACE: "地点",
    TITLE: "职务",
}

COUNTERS = "家个项位名件人所座条批届次回场轮台篇款套只支颗枚架种例户目倍年"
_CN_DIGITS = "零一二两三四五六七八九十百千万"
_NUMBER = r"\d+(?:[.,]\d+)*"
# A count asked, up to its counter: 「几家」「多少万家」「几千家」. 「哪几家」 asks which ones (a
# list), 「好几年」「十几个」 say "several" and ask nothing, 「前几位」 asks a rank.
_COUNT_ASKED = r"(?<![哪好十前])(?:多少|几)\s*(?:[万亿千百]|百万|千万)?\s*"
# 「数十个」「几十家」「上万家」 say "some tens", as the document says them: not 十个.
_VAGUE = r"(?:数|几|上|好几)?"

# Roles whose holder is a person; 「谁」 without one asks for an actor (a person or a body).
ROLE = re.compile(
    r"院长|主任|书记|局长|负责人|总经理|秘书长|首席科学家|董事长|校长|会长|理事长|部长|市长|名字|姓名"
    r"|主席|所长|厅长|区长|省长|组长|总师|总设计师|总工程师|行长|馆长|领军人|带头人|创始人"
    r"|法定代表人|法人代表|总裁|首席执行官|执行董事|监事长|社长|台长|站长"
)

_TITLE_CHARS = 40
# A series of posts, each ending in a role word, right before a name.
# (a later post may be a bare role: 「党支部书记、董事长」)
_POSTS = re.compile(rf"(?:[\u4e00-\u9fff]{{0,14}}?(?:{ROLE.pattern})、?)+$")

# Cues in the question, by type. Order matters within one question only through position.
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 「王桂林是什么职务」「担任什么职位」: a person's posts
    (
        TITLE,
        re.compile(
            r"(?:什么|啥|哪些|何种?)(?:职务|职位|头衔|身份|官职)|担任(?:什么|何|哪些)"
            r"|(?:职务|职位|头衔|身份)(?:是|为)?(?:什么|啥)"
        ),
    ),
    (SCORE, re.compile(r"得分|分数|多少分|几分|评分")),
    (
        SHARE,
        # 强度 (研发投入强度) and a ……率 are ratios, written as a percentage.
        re.compile(
            # (「国家级的占了多少项」 counts: a counter follows)
            rf"比例|占比|比重|份额|百分之|百分比|几成|占[^，。？]{{0,12}}多少(?![{COUNTERS}])|增长率|增速|增幅"
            r"|(?:强度|[^，。？\s]率)[^，。？]{0,6}(?:多少|几|多高)"
        ),
    ),
    # 「在…排名中的得分」: a ranking the question is placed in asks no rank
    (
        RANK,
        re.compile(r"第几|老几|前几[位名强]?|排名(?![中里上])|排第|排在|名次|位次|位列|位居|排行"),
    ),
    # (支 of 支持, 支出, 支付 is no counter: 「多少支持经费」 asks money)
    (COUNT, re.compile(rf"{_COUNT_ASKED}(?!支[持撑出付])[{COUNTERS}]")),
    (
        AMOUNT,
        re.compile(
            r"多少[万亿千百]*元|几[万亿千百]+元|多少钱|金额"
            # 「能贷多少」「一年能赚多少」: a verb of money with a bare 多少 asks an amount
            rf"|(?:贷|借|融|募|筹|拨|赚|挣|花|补|奖|赔)(?:了|到|得)?\s*多少(?![{COUNTERS}])"
            # (a short modifier may stand between: 「多少技术性收入」; not a counter:
            # 「多少家获补贴」 counts)
            # (nor a verb: 「多少企业获投资」 counts firms)
            rf"|多少(?:(?![{COUNTERS}])|(?=支[持撑]))(?:(?![获得拿有是])[\u4e00-\u9fff]){{0,4}}?"
            r"(?:资金|经费|补贴|补助|资助|奖励|奖金|会费|费用"
            r"|租金|预算|投资|税|贷款|融资|收入"
            r"|营收|产值|资本|利润|利税|销售额|营业额)"
            # (规模 is not among them: 基金规模 is money, 在校研究生规模 a head count)
            r"|(?:补贴|奖励|资助|会费|费用|租金|经费|预算|投资|投入|资金|资本|钱|[^，。？\s]额|产值|营收|收入"
            r"|利润|利税)"
            r"[^，。？占]{0,8}(?:多少|多大|(?<![哪好十])几)"  # (「经费在研发经费里占多大比重」 asks a share)
        ),
    ),
    # 「用了多久」 asks how long, answered by 10个月, not by a date
    (DURATION, re.compile(r"多久|多长时间|多少年时间|用时多少|历时多少")),
    (
        DATE,
        re.compile(
            r"哪一年|哪年|什么时候|何时|几月|哪天|哪一天|什么时间|时间是|日期|哪个月|几号|几日"
        ),
    ),
    (
        ORGANISATION,
        re.compile(
            # (not 平台: a platform's name ends in 平台 or 加速营, which no suffix of a body
            # marks; 「哪些平台」 asks for a list of names)
            r"哪[家个些]?(?:单位|机构|部门|企业|公司|高校|大学|医院|组织|银行|学校|协会|学会)"
            # 「哪家科研单位」「哪家基金管理机构」: a modifier may stand before the class noun
            # (not a count or kind: 「哪几类服务平台」「哪“三大平台”」 list things; nor a firm:
            # 「哪家广州企业」 is answered by a brand, 亿航智能, which no suffix marks)
            r"|哪一?[家个]?[^的，,。？?、\s“”「」几类大种项一二三四五六七八九十两]{1,4}?"
            r"(?:单位|机构|部门|高校|大学|医院|组织|银行|学校|协会|学会)"
            r"|(?:单位|机构|部门|主体)(?:是谁|是哪|有哪)|由谁|谁(?:牵头|主办|承办|负责|运营)"
            r"|哪一?家(?=[？?，,。]|$)"  # 「最后选的是哪一家？」: one body
            r"|谁家"  # 「…工厂是谁家的」: whose, a firm
        ),
    ),
    # a role's holder, or an actor; 「主席叫什么」 asks the holder's name
    # (「小程序叫什么名字」 names a thing: 叫什么 asks for a person only after a role)
    (PERSON, re.compile(rf"谁|哪一?位|何人|姓名|(?:{ROLE.pattern})[^，。？]{{0,6}}叫什么")),
    (
        PLACE,
        re.compile(
            # (「如何处理」 asks how: its 何处 is no place)
            r"哪里|哪儿|在哪(?=[？?]|$)|哪个(?:区|市|城市|地方|省|国家)|何地|(?<!如)何处|地点|位于哪"
            r"|(?:什么|啥)地方"
        ),
    ),
    (
        LIST,
        re.compile(
            r"哪些|哪几|分别|包括什么|包括哪|有什么[^？?]*和|几大|几类|几个方面|哪[^，。？]{0,10}方面"
            # 哪“三大平台” (not 哪一家: one)
            r"|哪[“\"「]?(?!一[个项家条种])[一二三四五六七八九十两]+[大个项类家条种]"
        ),
    ),
    (
        MEASURE,
        re.compile(r"怎样|如何|怎么|措施|举措|政策|支持|扶持|办法|做法|打算|路径|任务|重点工作"),
    ),
    (NAME, re.compile(r"是什么|叫什么|名称|指的是|指什么|是指|含义|宗旨|定位")),
)

# Cities and countries a text writes without a suffix (北京, not 北京市).
PLACE_NAMES = (
    "北京|上海|天津|重庆|深圳|香港|澳门|台湾|东莞|佛山|珠海|苏州|杭州|南京|武汉|成都|西安"
    "|美国|英国|德国|法国|日本|韩国|以色列|新加坡|俄罗斯|乌克兰|加拿大|澳大利亚|瑞士|荷兰"
)

_SPANS: dict[str, re.Pattern[str]] = {
    AMOUNT: re.compile(
        rf"{_NUMBER}\s*(?:余|多)?\s*(?:万亿|亿|万|千|百)?\s*(?:美|港)?元|[（(]\s*[万亿]?元\s*[)）]"
    ),
    SHARE: re.compile(
        rf"{_NUMBER}\s*[%％]|百分之[{_CN_DIGITS}\d.]+|[一二三四五六七八九]成|{_NUMBER}\s*倍|[（(]\s*[%％]\s*[)）]"
        # a part written as a fraction or a half: 占全省的2/3, 三分之一, 占全市一半
        rf"|(?<![\d/]){_NUMBER}\s*/\s*{_NUMBER}(?![\d/年月日])|[{_CN_DIGITS}]+分之[{_CN_DIGITS}]+|一半|半数|过半"
    ),
    RANK: re.compile(
        rf"第\s*(?:{_NUMBER}|[{_CN_DIGITS}]+)\s*(?:[位名届个]|(?=[，,。；;、）)\s]|$))|首位|首个|首家|榜首"
        rf"|前\s*(?:{_NUMBER}|[{_CN_DIGITS}]+)\s*(?:[位名强]|(?=[，,。；;、）)\s]|$))"
        rf"|前[万千百]分之[{_CN_DIGITS}\d]+"
        rf"|前\s*{_NUMBER}\s*[%％]"
    ),
    SCORE: re.compile(rf"{_NUMBER}\s*分(?![之钟别类期批布配享])"),
    DATE: re.compile(
        r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[底末初]|上半年|下半年)?"
        r"|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月(?:份|底|初)"
    ),
    DURATION: re.compile(  # (a year, 2016 年, is no span of time)
        rf"(?<![\d.])(?!(?:19|20)\d{{2}}\s*年)(?:{_NUMBER}|[{_CN_DIGITS}]+)\s*(?:余|多)?\s*(?:个\s*多?\s*月|年|天|周|小时|分钟)(?:多|左右)?"
    ),
    PERSON: re.compile(
        r"(?:书记|局长|主任|院士|理事长|秘书长|教授|市长|董事长|总经理|院长|会长|厅长|部长|主席|委员)"
        r"\s*(?!单位|机构|部门|职务|一职)[\u4e00-\u9fff]{2,3}"
        r"(?=[，。、；：（(\s]|$|指出|表示|强调|提出|介绍|要求|说|进行|作|做|看来|认为|坦言|透露|谈到)"
        r"|[\u4e00-\u9fff]{2,3}(?=院士|教授|博士|研究员)"
    ),
    ORGANISATION: re.compile(
        r"[\u4e00-\u9fff“”（）()]{2,30}?(?:局|委员会|委|办公室|中心|研究院|研究所|实验室|大学|学院"
        r"|公司|集团|协会|学会|联盟|基金会|银行|医院|部(?!门)|厅|政府|服务中心|科协)"
    ),
    PLACE: re.compile(
        r"[\u4e00-\u9fff]{2,6}?(?:省|市|区|县|镇|街道|新城|科学城|知识城|岛|湾区)"
        # a site a thing is built at: 「…在巨湾技研南沙总部基地建成投产」
        r"|(?<=在)[^\s，,。；;、：:]{2,16}?(?:基地|园区|产业园)(?=建成|投产|落成|开工|落户)"
        # cities and countries written without a suffix (「参照北京协同院模式」)
        rf"|{PLACE_NAMES}"
        # a venue: 「大会在广州(国际)科技成果转化天河基地召开」
        r"|(?<=在)[^\s，,。；;、：:]{2,30}?(?=召开|举行|举办|开幕|揭牌)"
    ),
}
_COUNT_ANY = re.compile(
    rf"{_NUMBER}\s*(?:余|多)?\s*(?:万|亿)?\s*(?:余|多)?\s*[{COUNTERS}]"
    rf"|{_VAGUE}[{_CN_DIGITS}]+\s*(?:余|多)?\s*[{COUNTERS}]"
)
_ANY_COUNTER = COUNTERS
# 多 before an adjective of size (多高, 多快, 多重): a measure asked, written with its unit of
# measure (kW/kg, 千伏), not with a counter of things (三项).
MAGNITUDE_ASKED = re.compile(r"多(?:高|快|远|重|深|厚|宽)(?=[？?，,。的了啊呀呢吗]|$)")
_BARE_COUNT = re.compile(
    r"多少|(?<![哪好十])几(?![乎])|数量|总数|一共有|共有|多大规模"
    # 「装机容量能有多大」: a quantity's size asked, written with its unit
    r"|(?:规模|容量|面积|功率|产能|体量)[^，。？]{0,8}多大"
    # 「功率密度到底多高」: 多 before an adjective of size asks how much of it, a figure
    rf"|{MAGNITUDE_ASKED.pattern}"
)
# (not a part of a date or a time: 「6月2日」 counts nothing)
_BARE_NUMBER = re.compile(rf"{_NUMBER}(?!\s*[月日号时点]|\d)\s*(?:余|多)?\s*(?:万|亿)?")
_YEAR_ONLY = re.compile(r"(?:19|20)\d{2}")
# 「培育一批企业」: 一批 is "a number of", no count; 「形成一个…的良性循环」: 一个 written in
# characters is "a", since official texts write a statistic in Arabic digits (1个).
_INDEFINITE = re.compile(r"一\s*[批个]")


@dataclass(frozen=True)
class Span:
    """A typed answer span inside a text: [start, end) and its type."""

    start: int
    end: int
    type: str
    text: str


def asked_types(question: str) -> tuple[str, ...]:
    """Answer types a question asks for, in the order they are asked (multi-part questions)."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for answer_type, cue in _CUES:
        for match in cue.finditer(question):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue  # 「多少亿元」 is an amount, not also a count
            taken.append((match.start(), match.end()))
            found.append((match.start(), answer_type))
    clauses = _clauses(question)
    found = [(pos, t) for pos, t in found if not _stated_in_clause(question, clauses, pos, t)]
    found = [
        cue for cue in found if not _ranked_topic(question, _clause_at(clauses, cue[0]), cue, found)
    ]
    for clause_start, clause in clauses:
        bare = _BARE_COUNT.search(clause)
        if bare and re.search(r"\d", clause) and not ASKING.search(clause):
            continue  # 「总数超过1.1万家，这个数量在省内排第几」: the first clause tells the figure
        if bare and not any(clause_start <= pos < clause_start + len(clause) for pos, _ in found):
            whole = _whole_stated_before(question, clause_start + bare.start())
            asked = AMOUNT if whole is not None and whole.type == AMOUNT else COUNT
            found.append((clause_start + bare.start(), asked))  # 「多少」 alone: some number
    found = [
        (pos, t) for pos, t in found if not _measure_for_figure(question, clauses, pos, t, found)
    ]
    ordered = [t for _, t in sorted(found)]
    types = tuple(dict.fromkeys(ordered))
    if (
        ORGANISATION in types
        and PERSON not in types
        and _PERSONS_POST.search(question)
        and not _BODY_ASKED.search(question)
    ):
        # 「组长由谁担任」: 由谁 asks for a person when a post held by one is named (not
        # 「充当秘书长角色的是哪家单位」: a body's class noun is asked for by name)
        types = tuple(PERSON if t == ORGANISATION else t for t in types)
    if LIST in types and MEASURE in types:
        types = tuple(t for t in types if t != MEASURE)  # 「有哪些措施」 lists measures
    return types or (OTHER,)


# 「哪家单位」「哪个机构」: the question names the class of body it wants.
_BODY_ASKED = re.compile(r"哪一?[家个]?[^，。？?]{0,4}?(?:单位|机构|部门|企业|公司|组织)")
# A post a person holds (组长), not one a body holds (秘书长单位).
_PERSONS_POST = re.compile(rf"(?:{ROLE.pattern})(?!单位|机构|部门|公司|组织)")
# A question word of time right before the cue: the cued noun is what is dated.
_DATED_HEAD = re.compile(r"(?:哪一?年|什么时候|何时|哪个月|哪一?天)的\s*(?:[\u4e00-\u9fff]{0,4})$")
# A question word: a clause without one states, it does not ask.
ASKING = re.compile(r"多少|几|哪|什么|啥|谁|如何|怎|是否|吗|呢|何|多高|多大")


def _stated_in_clause(
    question: str, clauses: list[tuple[int, str]], position: int, answer_type: str
) -> bool:
    """「综合排名跃升到全国第六，是哪一年的排名结果」: a clause that gives a value of the cued
    type and asks nothing states a premise; the question asks only in its other clauses."""
    if not ASKING.search(question):
        return False
    start, clause = _clause_at(clauses, position)
    if answer_type in FIGURE_TYPES and _DATED_HEAD.search(question[start:position]):
        return True  # 「是哪一年的排名结果」: the ranking is what is dated, not asked
    return (
        not ASKING.search(clause)
        and answer_type in FIGURE_TYPES
        and bool(spans_of(clause, answer_type))
    )


# A measure named as a noun (比重, 金额), not asked by 多少 or 几: the topic a rank may be of.
_MEASURE_NOUN = re.compile(r"比例|占比|比重|份额|增长率|增速|增幅|金额|强度")


def _ranked_topic(
    question: str, clause: tuple[int, str], cue: tuple[int, str], found: list[tuple[int, str]]
) -> bool:
    """「研发投入占GDP的比重在全市排第几」: a share or an amount named as a noun (the cue at
    its position) before a rank asked in its clause is what is ranked; the rank is asked,
    not the share."""
    position, answer_type = cue
    if answer_type not in (SHARE, AMOUNT) or not _MEASURE_NOUN.match(question, position):
        return False
    end = clause[0] + len(clause[1])
    return any(t == RANK and position < p < end for p, t in found)


def _measure_for_figure(
    question: str,
    clauses: list[tuple[int, str]],
    position: int,
    answer_type: str,
    found: list[tuple[int, str]],
) -> bool:
    """「在校研究生规模打算搞到多少人」「对基础研究经费稳定支持的安排，…比重要推到多高」: a measure
    noun (打算, 支持, 安排) in the clause of a figure asked, or in a clause that asks nothing
    while a figure is asked, says what the figure is for. Only 怎样/如何/怎么 always ask how."""
    if answer_type != MEASURE or question.startswith(("怎样", "如何", "怎么"), position):
        return False
    start, clause = _clause_at(clauses, position)
    figures = [p for p, t in found if t in FIGURE_TYPES]
    in_clause = any(start <= p < start + len(clause) for p in figures)
    return in_clause or (bool(figures) and not ASKING.search(clause))


def asking_clauses(core: str) -> list[str]:
    """The clauses of the focus (split at commas and semicolons) that ask something: a
    clause before them states the setting (「2024年新培养了技术经理人，现在总共有多少」)."""
    return [c for c in re.split(r"[，,；;]", core) if ASKING.search(c)]


def _clause_at(clauses: list[tuple[int, str]], position: int) -> tuple[int, str]:
    """(start, text) of the clause holding `position`."""
    return next((s, c) for s, c in reversed(clauses) if s <= position)


def _clauses(text: str) -> list[tuple[int, str]]:
    """(start, text) of each clause: a bare 多少 belongs to the clause it is asked in."""
    out, start = [], 0
    for match in re.finditer(r"[，,；;？?。！!]", text + "。"):
        out.append((start, text[start : match.start()]))
        start = match.end()
    return out


# Counters that count the same things: people (位/名/人), bodies (家/个/所), items (项/个/件);
# 「两大」「八大」 count bodies and items too.
_COUNTER_KIN = {
    "位": "位名人",
    "名": "位名人",
    "人": "位名人",
    "家": "家个所大",
    "所": "家个所",
    "个": "个家项大",
    "项": "项个件大",
    "次": "次回",  # times something happened: 发射过几回 is not answered by 57颗卫星
    "回": "次回",
}


# Units of measure asked after 多少/几 (「多少平方公里」「几星级」): the figure must carry the
# unit, a number of anything else (「2号文件」) does not answer.
_UNITS = (
    "平方公里|平方千米|万平方米|平方米|公顷|亩|星级|星|公里|千米|米|万吨|吨|万千瓦|千瓦|兆瓦|千伏|英寸"
    "|小时|分钟|人次"
)
# 「多少参观人次」: a short modifier may stand between 多少 and the unit it asks (not a
# counter: 「多少颗卫星」 counts satellites)
_ASKED_UNIT = re.compile(
    rf"(?<!哪)(?:多少|几)\s*(?:万|亿)?\s*(?:(?![{COUNTERS}])[\u4e00-\u9fff]){{0,2}}?({_UNITS})"
)


# A figure the question states as the whole it then asks a part of: 「2646亿元的技术合同成交额
# 里，新型研发机构贡献了多少」「近80家新型研发机构中，有多少家…」.
_WHOLE_BEFORE_PART = re.compile(
    rf"{_NUMBER}\s*(?:余|多)?\s*(?:万亿|亿|万|千|百)?\s*(?:(?:美|港)?元|[{COUNTERS}])"
    r"[^，,。？?；;]{0,16}?(?:(?:里|中|当中|之中|里面)(?=\s*[，,]|\s*(?:有|又|能)?\s*多少)"
    # 「…预计2646亿元，这里面…」: the part asked in the next clause
    r"|[，,]\s*(?:这|那)?(?:其中|当中|里面|里头|之中))"
)


def _whole_stated_before(question: str, position: int) -> Span | None:
    """The whole stated before a bare 多少 at position, typed: the part asked of it is
    counted in the same unit (亿元 of 亿元, 家 of 家), which the bare 多少 leaves unsaid."""
    wholes = [w for w in _WHOLE_BEFORE_PART.finditer(question) if w.end() <= position]
    if not wholes:
        return None
    stated = stated_types(wholes[-1].group(0))
    return stated[0] if stated else None


def asked_counter(question: str) -> str:
    """The counter words a count question accepts (位名人 for 多少位), the unit of measure it
    asks (平方公里), or ''."""
    unit = _ASKED_UNIT.search(question)
    if unit:
        return unit.group(1)
    # 「有几位院士？发表了几篇论文？」: each part's counter counts its own figure
    asked = re.findall(rf"{_COUNT_ASKED}([{COUNTERS}])", question)
    bare = None if asked else _BARE_COUNT.search(question)
    if bare is not None:
        whole = _whole_stated_before(question, bare.start())
        if whole is not None and whole.type == COUNT:
            asked = re.findall(rf"[{COUNTERS}]", whole.text)[-1:]  # 「近80家…中，有多少…」
    if _PEOPLE_BY_GE.search(question) or _PEOPLE_BARE.search(question):
        asked.append("人")  # 「多少个技术经理人」: 个 said of people, who are counted 名/位/人
    return "".join(dict.fromkeys("".join(_COUNTER_KIN.get(c, c) for c in asked)))


# The general classifier 个 before a noun for people (经理人, 科研人员, 院士, 博士生).
_PEOPLE_BY_GE = re.compile(
    r"(?<!哪)(?:多少|几)\s*个[^，,。？?]{0,10}?(?:人|人员|者|院士|士|师|生)(?=[？?，,。吗呢啊]|$)"
)


# A bare 多少 before people (「吸引多少观众到场」「有多少博士」): they are counted 名/位/人
# too. The people end the noun (「多少院士专家工作站」 counts 工作站).
_PEOPLE_BARE = re.compile(
    rf"(?<!哪)多少(?![{COUNTERS}])[\u4e00-\u9fff]{{0,4}}?"
    r"(?:观众|听众|游客|人才|专家|院士|博士|硕士|人员|学生|员工|职工|会员|科学家|工程师|经理人)"
    r"(?=[？?，,。、吗呢啊呀]|$|[到来参在是有了的将能会])"
)


def _counted(counter: str) -> str:
    """The pattern for what follows the number: the unit itself, or any of the counters."""
    return re.escape(counter) if re.fullmatch(_UNITS, counter) else f"[{counter}]"


def ordinals_of(text: str, noun: str) -> list[Span]:
    """「第三极」 for 「第几极」: an ordinal of the noun the question puts after 第几."""
    pattern = rf"第\s*(?:{_NUMBER}|[{_CN_DIGITS}]+)\s*{re.escape(noun)}"
    return [_span(m, RANK) for m in re.finditer(pattern, text)]


def spans_of(text: str, answer_type: str, counter: str = "") -> list[Span]:
    """Spans of `text` that can answer a question of `answer_type` (bare years are not counts)."""
    if answer_type == COUNT:
        pattern = (
            re.compile(
                rf"{_NUMBER}\s*(?:余|多)?\s*(?:万|亿)?\s*(?:余|多)?\s*{_counted(counter)}"
                rf"|{_VAGUE}[{_CN_DIGITS}]+\s*(?:余|多)?\s*{_counted(counter)}"
            )
            if counter
            else _COUNT_ANY
        )
        spans = [_span(m, COUNT) for m in pattern.finditer(text)]
        if not counter:  # a bare 「多少」 asks for a figure of any kind (619亿元, 6%)
            spans += spans_of(text, AMOUNT) + spans_of(text, SHARE)
        if not spans and not counter:
            spans = [
                _span(m, COUNT)
                for m in _BARE_NUMBER.finditer(text)
                if not _YEAR_ONLY.fullmatch(m.group().strip()) and not _in_quoted_name(text, m)
            ]
        return [
            s
            for s in spans
            if not _is_year_count(text, s)
            and not _after_ordinal(text, s)
            and not _INDEFINITE.fullmatch(s.text)
            and text[s.start - 1 : s.start] != "每"  # 「每万人」 is what a figure is per
        ]
    spans_pattern = _SPANS.get(answer_type)
    if not spans_pattern:
        return []
    spans = [_span(m, answer_type) for m in spans_pattern.finditer(text)]
    if answer_type == ORGANISATION:
        return [name for s in spans if (name := _organisation_name(s))]
    return spans


# Words that cannot stand inside a name: 的, 等, prepositions (在, 由, 以), conjunctions (及),
# measure words (个), localisers (以下) and punctuation. A name begins after the last of them.
_NAME_BREAK_TAGS = frozenset({"uj", "ul", "u", "p", "c", "q", "f", "x", "m"})
# Verbs and adverbs before a name (邀请中山大学, 争取合作银行) are what is done with it.
_LEADING_TAGS = frozenset({"v", "vn", "vd", "d", "ad"})


def _organisation_name(span: Span) -> Span | None:
    """The name inside a span the suffix pattern found, or None when only a bare class word
    (银行, 中心) remains: 「建设有国际影响力的风投创投中心」 -> 风投创投中心."""
    words = [(pair.word, pair.flag) for pair in jieba.posseg.cut(span.text)]
    breaks = [n for n, (_, flag) in enumerate(words) if flag in _NAME_BREAK_TAGS]
    words = words[breaks[-1] + 1 :] if breaks else words
    while len(words) > 1 and words[0][1] in _LEADING_TAGS:
        words = words[1:]
    name = "".join(word for word, _ in words)
    if len(words) < 2 and len(name) <= 2:
        return None
    return Span(span.end - len(name), span.end, span.type, name)


# 「艾目易成功研制国内唯一的手术机器人定位系统」: a firm is often named by its brand alone,
# with no suffix, as the subject that opens a sentence of what it achieved.
_SUBJECT_BEFORE_DEED = re.compile(
    r"^\s*([\u4e00-\u9fffA-Za-z]{2,8}?)(?=成功|研制|研发|推出|发布|建成|打造|推动|牵头|获批|荣获|入选"
    # 「亿航智能作为…代表企业,成为…」「中科宇航“力箭一号”运载火箭…」: a firm as what it is,
    # or before the product it makes
    r"|作为|成为|[“\"「][^”\"」]{2,10}[”\"」])"
)
# Who is no firm: a place or a whole (全市, 我区), an office, a pronoun.
_NO_FIRM = re.compile(r"^(?:全|我|本|该|其|此|各)|[省市区县镇]$|政府|部门|局$|委$")


def brand_subjects(text: str) -> list[Span]:
    """The brand that opens a sentence as the subject of what it did (see above)."""
    match = _SUBJECT_BEFORE_DEED.match(text)
    if not match or _NO_FIRM.search(match.group(1)):
        return []
    if all(
        pair.flag.startswith(("ns", "r", "m", "t")) for pair in jieba.posseg.cut(match.group(1))
    ):
        return []  # 广州, 目前: a place, a pronoun or a time
    return [Span(match.start(1), match.end(1), ORGANISATION, match.group(1))]


def _in_quoted_name(text: str, match: re.Match[str]) -> bool:
    """「“123”科技创新空间布局」「“2+2+N”」: a number in quotation marks is part of a name."""
    before = text[max(0, match.start() - 6) : match.start()]
    after = text[match.end() : match.end() + 6]
    return bool(re.search(r"[“「\"][^”」\"]*$", before)) and bool(
        re.match(r"[^“「\"]*[”」\"]", after)
    )


def _span(match: re.Match[str], answer_type: str) -> Span:
    return Span(match.start(), match.end(), answer_type, match.group())


def _after_ordinal(text: str, span: Span) -> bool:
    """「第2位」 is a rank, not a count of 位."""
    return text[max(0, span.start - 2) : span.start].rstrip().endswith("第")


def _is_year_count(text: str, span: Span) -> bool:
    """「2020年」 read as a count of 年: a year, not a figure."""
    return bool(_YEAR_ONLY.match(span.text)) and text[span.end - 1 : span.end] == "年"


# A person a text names right after a post (「市科技局局长王桂林指出」「记者 李钢」), as
# official documents and news name whom they quote.
_NAMED_AFTER_POST = re.compile(
    rf"(?:{ROLE.pattern}|院士|教授|记者)\s*([\u4e00-\u9fff]{{2,3}})"
    r"(?=[，。、；：（(\s]|$|指出|表示|强调|提出|介绍|要求|认为|说)"
)


def officials_in(text: str) -> list[str]:
    """The people a text names after their posts: the speakers a question may cite."""
    return [m.group(1) for m in _NAMED_AFTER_POST.finditer(text)]


def titles_of(text: str, person: str) -> list[Span]:
    """The posts written right before a person's name (「广州市政协副主席、市科技局局长王桂林指出」),
    as official documents introduce a speaker."""
    spans = []
    for at in (m.start() for m in re.finditer(re.escape(person), text)):
        before = text[max(0, at - _TITLE_CHARS) : at]
        posts = _POSTS.search(before)
        if posts:
            start = at - len(posts.group())
            spans.append(Span(start, at, TITLE, posts.group()))
    return spans


def stated_types(text: str) -> list[Span]:
    """Figures of every kind a text states, the most specific kind first (a rank before the
    count 「三年」 in 「连续三年位居第2位」): what a partial refusal reports instead."""
    found: list[Span] = []
    for answer_type in (SCORE, RANK, SHARE, AMOUNT, COUNT):
        for span in spans_of(text, answer_type, _ANY_COUNTER if answer_type == COUNT else ""):
            if not any(s.start < span.end and span.start < s.end for s in found):
                found.append(span)
    return found
