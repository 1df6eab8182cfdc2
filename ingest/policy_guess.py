"""Guess a document's policy metadata from how Chinese official documents are written.

An official document (公文) states its 文号 on a line of its own under the header (or, as
published on government sites, after 发文字号：), its issuing body in the header
("广州市科学技术局文件", "广州市人民政府办公厅关于……") and in the closing signature above
the date, and its validity in the final article: 「本办法自印发之日起施行」,
「自2021年1月1日起施行」, 「有效期3年」, 「有效期至2025年12月31日」. A draft for comment
says 征求意见稿 in its title. Nothing here knows any particular document: a text that states
none of these gets blanks, and the status defaults to 现行有效.
"""

from __future__ import annotations

import re
from datetime import date

from ingest.catalog import chinese_number, guess_date
from ingest.dates import publication_date
from ingest.policy import CURRENT, DOC_NUMBER, DRAFT, PolicyMeta

_HEAD_LINES = 12
_HEADER_LINES = 6
_SIGNATURE_LINES = 8
_LABEL_SCAN_CHARS = 2000
_DATE_TEXT = r"(?:(?:19|20)\d{2}|[〇零○一二三四五六七八九]{4})\s*年[^，。；,;]{1,12}?[日号]"
_DOC_NUMBER_LINE = re.compile(rf"^\s*({DOC_NUMBER})\s*$")
_DOC_NUMBER_LABELLED = re.compile(rf"(?:发文字号|发文号|文号)\s*[:：]\s*({DOC_NUMBER})")
_FROM_ISSUE = re.compile(r"自(?:印发|发布|公布|颁布|下发|发文)之日起(?:施行|实施|执行|生效)")
_FROM_DATE = re.compile(rf"自\s*({_DATE_TEXT})\s*起(?:施行|实施|执行|生效)")
_VALID_YEARS = re.compile(r"有效期(?:为|是)?\s*(\d{1,2}|[一二两三四五六七八九十]{1,2})\s*年")
_VALID_UNTIL = re.compile(rf"有效期(?:至|到|截至|截止)\s*({_DATE_TEXT})")
_BODY = (
    r"[\u4e00-\u9fff]{2,6}[省市区县](?:[\u4e00-\u9fff]{0,12}?)"
    r"(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|管理委员会|管委会|委员会"
    r"|科学技术局|科学技术厅|科学技术协会|科协|局|厅)"
)
_SIGNATURE = re.compile(rf"^(?:{_BODY})(?:\s+(?:{_BODY}))*$")
_HEADER = re.compile(rf"^(?:——)?({_BODY})(?:文件$|关于|\s|[:：]|$)")
_BYLINE = re.compile(r"^(文|图|来源|作者|记者|编辑|责任编辑|摄影|摄|通讯员|供图)\s*[/／:：|｜]")
_SOURCE_URL = re.compile(
    r"(?:原文链接|原文地址|来源网址|网址|链接|URL)\s*[:：]\s*(https?://[^\s<>\"'，。]+)"
)


def guess_policy(text: str, title: str, published: str = "") -> PolicyMeta:
    """What the text states about itself; `published` is the known publication date if any."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    issued = _full_date(published) or publication_date(text)
    effective_from = guess_effective_from(text, issued)
    return PolicyMeta(
        doc_number=guess_doc_number(lines, text),
        issuer=guess_issuer(lines),
        effective_from=effective_from,
        effective_to=guess_effective_to(text, effective_from or issued),
        status=DRAFT
        if "征求意见稿" in title or any("征求意见稿" in line for line in lines[:3])
        else CURRENT,
        source_url=_first_group(_SOURCE_URL, text[:_LABEL_SCAN_CHARS]),
    )


def guess_doc_number(lines: list[str], text: str) -> str:
    """A 文号 alone on a header line, or labelled 发文字号 on a web page; as written."""
    for line in lines[:_HEAD_LINES]:
        match = _DOC_NUMBER_LINE.match(line)
        if match:
            return match.group(1)
    return _first_group(_DOC_NUMBER_LABELLED, text[:_LABEL_SCAN_CHARS])


def guess_issuer(lines: list[str]) -> str:
    """The closing signature (joint issuers as written), else the body heading the document."""
    for line in reversed(lines[-_SIGNATURE_LINES:]):
        if _SIGNATURE.match(line):
            return line
    for line in lines[:_HEADER_LINES]:
        match = None if _BYLINE.match(line) else _HEADER.match(line)
        if match:
            return match.group(1)
    return ""


def guess_effective_from(text: str, issued: str) -> str:
    """The date the final provisions put the document in force (the last such clause wins)."""
    clauses = [*_FROM_ISSUE.finditer(text), *_FROM_DATE.finditer(text)]
    if not clauses:
        return ""
    last = max(clauses, key=lambda match: match.start())
    if last.re is _FROM_ISSUE:
        return issued
    return guess_date(last.group(1))


def guess_effective_to(text: str, effective_from: str) -> str:
    """「有效期至…」 as stated, or 「有效期N年」 counted from when the document took effect."""
    until = _VALID_UNTIL.search(text)
    if until:
        return guess_date(until.group(1))
    years = _VALID_YEARS.search(text)
    start = _full_date(effective_from)
    if not years or not start:
        return ""
    count = years.group(1)
    span = int(count) if count.isdigit() else chinese_number(count.replace("两", "二"))
    return _years_later(date.fromisoformat(start), span).isoformat()


def _years_later(start: date, years: int) -> date:
    """The last day of a validity of `years` years from `start` (from 2021-01-01, 3 years ->
    2023-12-31)."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, month=3, day=1)
    return date.fromordinal(end.toordinal() - 1)


def _full_date(value: str) -> str:
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or "") else ""


def _first_group(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return match.group(1) if match else ""
