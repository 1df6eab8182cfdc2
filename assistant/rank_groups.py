"""Whether a written rank ranks what is asked, among the bodies asked.

A rank says little on its own: 「居全市第一」 is first among the city's districts in one
indicator. A question 「X在全国排第几」 is answered only by a rank of X, among the same group
(全国, not 全国经开区 nor 全省). Documents state many ranks side by side, so any rank of the
asked scope is a tempting neighbour."""

from __future__ import annotations

import re

from assistant.answer_types import RANK, Span
from assistant.clauses import CLAUSE_END, own_clause_bounds
from assistant.question import POINTER_START, SCOPE_WORD, Question, compact, ranked_within

# The kinds of body a group may be narrowed to (全国经开区, 全国高新区).
_KIND = r"(?:经开区|高新区|开发区|园区|城市|地区|省份|区县)"
# 「居全国经开区第1」「跃升至全国第六」「全省第一」: the group written right before a rank.
_WRITTEN_GROUP = re.compile(
    rf"(?P<scope>{SCOPE_WORD.pattern})(?P<kind>[\u4e00-\u9fff]{{0,4}}?{_KIND})?"
    r"(?:之|中|里|内|当中|范围内)?(?:排名|排在|排|位列|位居|居)?\s*$"
)
# 「全市首个研发投入强度突破5%的区域」: the first to do something, no place in a ranking; it
# answers 「是第几个」, not 「排第几」.
_FIRST_TO_DO = ("首个", "首家")
_POSITION_ASKED = re.compile(r"排|名次|位次|位列|老几")
# Words of how a topic is measured, which documents word freely (比例 for 比重): the topic is
# what they measure.
_MEASURE = re.compile(r"比例|占比|比重|份额|增长率|增速|增幅|金额|强度|规模|数量|总量|总数|水平")
# Scopes written in other words.
_SAME_SCOPE = {
    "国内": "全国",
    "全世界": "全球",
    "世界": "全球",
    "全广州": "全市",
    "市内": "全市",
    "全广东": "全省",
    "省内": "全省",
    "各区": "全市",  # 「在广州各区里排第几」: among the city's districts
}
# Share (by weight) of the ranked topic the text up to a rank's clause end must name: 企业
# alone does not name 瞪羚企业.
_TOPIC_NAMED = 0.5


def _scope(word: str) -> str:
    return _SAME_SCOPE.get(word, word)


def ranked_elsewhere(question: Question, region: str, span: Span) -> bool:
    """A rank among another group than the one asked (全国经开区第1, 全省第一 for 在全国排第几)
    or of a topic the text before it does not name (国家级孵化器…居全市第一 for
    创客空间在全市排第几)."""
    if span.type != RANK:
        return False
    asked_text = compact(question.core or question.text)
    if span.text in _FIRST_TO_DO and _POSITION_ASKED.search(asked_text):
        return True
    asked = ranked_within(asked_text)
    if not asked:
        return False
    clause_start = own_clause_bounds(region, span)[0]
    written = _WRITTEN_GROUP.search(compact(region[clause_start : span.start]))
    if written:
        asked_scope = SCOPE_WORD.search(asked[1])
        if asked_scope and _scope(written.group("scope")) != _scope(asked_scope.group()):
            return True
        if written.group("kind") and written.group("kind")[-3:] not in asked_text:
            return True
    return topic_named_before(question, region, span) is False


def topic_named_before(question: Question, region: str, span: Span) -> bool | None:
    """Whether the text up to a rank's clause end names the topic the question ranks
    (「高新技术企业…总数突破1.1万家，居全国第三」: two clauses may stand between them); None when the question
    names no topic of its own (「这个增幅在全国排第几」 ranks an earlier part's)."""
    if span.type != RANK:
        return None
    asked = ranked_within(compact(question.core or question.text))
    if not asked or POINTER_START.match(asked[0]):
        return None
    topic = [
        t for t in question.attribute_terms if t.text in asked[0] and not _MEASURE.fullmatch(t.text)
    ]
    if not topic:
        return None
    # (「是我国首个航空轮胎动力学试验大科学装置」: the thing ranked may follow the rank)
    clause_end = CLAUSE_END.search(region, span.end)
    upto = compact(region[: clause_end.start() if clause_end else len(region)])
    named = sum(t.weight * t.match(upto) for t in topic)
    return named >= _TOPIC_NAMED * sum(t.weight for t in topic)
