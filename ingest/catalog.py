"""Document metadata: title, publisher, date and the year a document's figures describe.

Answers must say which document and year each figure comes from, so every document needs this
metadata. The curated `catalog.json` is authoritative; for a file it does not list, the
metadata is guessed from the text so a user's own documents still get a title and a date.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

from ingest.errors import IngestError
from ingest.loaders import CATALOG_FILE_NAME
from ingest.policy import DOC_NUMBER, PolicyEditError, PolicyMeta, check_edit
from ingest.years import YEAR_DIGITS, YEAR_MENTION

DocType = Literal["policy", "plan", "work_report", "news", "guide"]
DOC_TYPES: frozenset[str] = frozenset(get_args(DocType))

_REQUIRED_KEYS = frozenset({"title", "publisher", "date", "period", "year", "doc_type"})
# "note" records how an uncertain value was estimated; it is for people, not for the code.
# Policy metadata a catalog may state; what it states wins over what ingest guesses.
POLICY_KEYS = tuple(PolicyMeta.__dataclass_fields__)
_OPTIONAL_KEYS = frozenset({"note", *POLICY_KEYS})
_ISO_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")

_MIN_YEAR, _MAX_YEAR = 1949, 2100
_TITLE_SCAN_LINES = 15
_TITLE_MIN_CHARS, _TITLE_MAX_CHARS = 4, 60
_SENTENCE_MARKS = "。！？!?"
_TRAILING_MARKS = "；;：:，,、…"
_SUBTITLE_DASH = "——"
_NON_TITLES = frozenset({"前言", "目录", "编者按", "摘要", "序言", "引言", "附件", "正文"})
_BYLINE = re.compile(r"^(文|图|来源|作者|记者|编辑|责任编辑|摄影|摄|通讯员|供图)\s*[/／:：|｜]")
# An official document's 版头 ("广州市科学技术局文件") and 文号 line come before its title.
_LETTERHEAD = re.compile(rf"^(?:[\u4e00-\u9fff、\s]{{2,40}}文件|\s*{DOC_NUMBER}\s*)$")
_OUTLINE_MARKER = re.compile(
    r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])"
)

_ARABIC_DATE = re.compile(
    rf"(?<!\d)({YEAR_DIGITS})\s*(?:年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*[日号]"
    r"|[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d))"
)
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = "〇零○一二三四五六七八九十"
_CHINESE_DATE = re.compile(
    rf"([{_CN_NUMBER}]{{4}})年([{_CN_NUMBER}]{{1,2}})月([{_CN_NUMBER}]{{1,3}})日"
)

_SOURCE_LINE = re.compile(r"来源\s*[:：]\s*([^\s，,。|｜]{2,30})")
_REPORTER_BYLINE = re.compile(r"文\s*[/／]\s*([^\s/／]{2,20}?)(?:记者|通讯员)")
_SIGNATURE_LINE = re.compile(
    rf"^([^\d\s]{{2,20}}?)\s*{YEAR_DIGITS}[-/.年]\d{{1,2}}[-/.月]\d{{1,2}}日?$"
)
_ORGANISATION = re.compile(
    r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,6}[省市区县][\u4e00-\u9fff]{0,12}?"
    r"(?:局|厅|委员会|办公室|人民政府|管委会|管理委员会|科协|科学技术协会)"
)
_PUBLISHER_SCAN_CHARS = 600

_TYPE_KEYWORDS: tuple[tuple[DocType, tuple[str, ...]], ...] = (
    ("work_report", ("工作总结", "工作报告", "工作安排", "工作要点")),
    ("guide", ("申报指南", "指南", "申报指引", "申报通知", "组织申报")),
    ("plan", ("规划", "行动计划", "纲要")),
    ("policy", ("办法", "措施", "意见", "通知", "条例", "细则", "政策", "方案", "指引")),
)


@dataclass(frozen=True)
class DocMeta:
    """What a citation shows about a document, and the year its figures describe."""

    title: str
    publisher: str
    date: str
    period: str
    year: int | None
    doc_type: DocType
    guessed: bool
    # 文号, issuing body and validity: guessed from the text for every document at ingest.
    policy: PolicyMeta = field(default_factory=PolicyMeta)


def load_catalog(corpus_dir: Path) -> dict[str, DocMeta]:
    """Read `catalog.json` in the corpus dir; a missing catalog means every document is guessed."""
    path = corpus_dir / CATALOG_FILE_NAME
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise IngestError(
            str(path),
            f"目录文件不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）",
            f"catalog is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(
            str(path), f"无法读取目录文件：{exc}", f"cannot read catalog: {exc}"
        ) from None
    documents = raw.get("documents") if isinstance(raw, dict) else None
    if not isinstance(documents, dict):
        raise _catalog_error(
            path, '顶层必须是 {"documents": {...}}', 'top level must be {"documents": {...}}'
        )
    return {doc_id: _parse_entry(path, doc_id, entry) for doc_id, entry in documents.items()}


def metadata_for(doc_id: str, text: str, catalog: dict[str, DocMeta]) -> DocMeta:
    """The curated entry when there is one, otherwise a best guess from the text."""
    return catalog.get(doc_id) or guess_metadata(doc_id, text)


def guess_metadata(doc_id: str, text: str) -> DocMeta:
    """Metadata read from the text alone; works on any input, returning blanks it cannot fill."""
    title = guess_title(text) or Path(doc_id).stem
    explicit_date = guess_date(text)
    year = _main_year(text) or (int(explicit_date[:4]) if explicit_date else None)
    return DocMeta(
        title=title,
        publisher=guess_publisher(text),
        date=explicit_date or (str(year) if year else ""),
        period=str(year) if year else "",
        year=year,
        doc_type=guess_doc_type(title),
        guessed=True,
    )


def guess_title(text: str) -> str:
    """First early line that looks like a headline, plus a "——" subtitle line right after it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:_TITLE_SCAN_LINES]
    for index, line in enumerate(lines):
        if _looks_like_title(line):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            has_subtitle = following.startswith(_SUBTITLE_DASH) and _looks_like_title(following)
            return line + following if has_subtitle else line
    return ""


def _looks_like_title(line: str) -> bool:
    return (
        _TITLE_MIN_CHARS <= len(line) <= _TITLE_MAX_CHARS
        and not any(mark in line for mark in _SENTENCE_MARKS)
        and not line.endswith(tuple(_TRAILING_MARKS))
        and line not in _NON_TITLES
        and not _BYLINE.match(line)
        and not _LETTERHEAD.match(line)
        and not _OUTLINE_MARKER.match(line)
        and not _is_date_line(line)
        and sum(ch.isalpha() for ch in line) >= 2
    )


def guess_date(text: str) -> str:
    """Latest explicit full date as YYYY-MM-DD, or "" when there is none.

    A date alone on a line is how official documents sign off, so such lines win over dates
    inside sentences, which are often deadlines ("申报截至2023年6月30日").
    """
    lines = (line.strip() for line in text.splitlines())
    signed = [found for line in lines if _is_date_line(line) for found in _all_dates(line)]
    dates = signed or _all_dates(text)
    return max(dates).isoformat() if dates else ""


def _is_date_line(line: str) -> bool:
    return bool(_ARABIC_DATE.fullmatch(line) or _CHINESE_DATE.fullmatch(line))


def _all_dates(text: str) -> list[date]:
    return [*_arabic_dates(text), *_chinese_dates(text)]


def _arabic_dates(text: str) -> list[date]:
    found = []
    for match in _ARABIC_DATE.finditer(text):
        year, month_cn, day_cn, month_num, day_num = match.groups()
        found.append(_valid_date(int(year), int(month_cn or month_num), int(day_cn or day_num)))
    return [d for d in found if d is not None]


def _chinese_dates(text: str) -> list[date]:
    found = []
    for match in _CHINESE_DATE.finditer(text):
        year_cn, month_cn, day_cn = match.groups()
        year = int("".join(str(_CN_DIGITS.get(ch, 0)) for ch in year_cn))
        found.append(_valid_date(year, chinese_number(month_cn), chinese_number(day_cn)))
    return [d for d in found if d is not None]


def chinese_number(numeral: str) -> int:
    """Small Chinese numerals as used in dates: 五, 十, 十二, 二十, 二十三, 三十一."""
    if "十" not in numeral:
        return _CN_DIGITS.get(numeral, 0)
    tens, _, units = numeral.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + _CN_DIGITS.get(units, 0)


def _valid_date(year: int, month: int, day: int) -> date | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _main_year(text: str) -> int | None:
    """Most often mentioned "20XX年"; ties go to the later year, which is usually the subject."""
    counts = Counter(int(y) for y in YEAR_MENTION.findall(text) if _MIN_YEAR <= int(y) <= _MAX_YEAR)
    if not counts:
        return None
    return max(counts, key=lambda year: (counts[year], year))


def guess_publisher(text: str) -> str:
    """Source line, reporter byline, closing signature, then a government body near either end."""
    head = text[:_PUBLISHER_SCAN_CHARS]
    for pattern in (_SOURCE_LINE, _REPORTER_BYLINE):
        match = pattern.search(head)
        if match:
            return match.group(1)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[-3:]:
        match = _SIGNATURE_LINE.match(line)
        if match:
            return match.group(1)
    match = _ORGANISATION.search(head) or _ORGANISATION.search(text[-_PUBLISHER_SCAN_CHARS:])
    return match.group(0) if match else ""


def guess_doc_type(title: str) -> DocType:
    for doc_type, keywords in _TYPE_KEYWORDS:
        if any(keyword in title for keyword in keywords):
            return doc_type
    return "news"


def _parse_entry(path: Path, doc_id: str, entry: Any) -> DocMeta:
    """Validate one catalog entry so a typo fails loudly at load time, not as a blank citation."""
    if not isinstance(entry, dict):
        raise _catalog_error(path, f"条目 {doc_id} 必须是对象", f"entry {doc_id} must be an object")
    keys = set(entry)
    missing, unknown = _REQUIRED_KEYS - keys, keys - _REQUIRED_KEYS - _OPTIONAL_KEYS
    if missing or unknown:
        detail = f"missing={sorted(missing)} unknown={sorted(unknown)}"
        raise _catalog_error(
            path, f"条目 {doc_id} 字段有误：{detail}", f"entry {doc_id} has bad keys: {detail}"
        )
    text_fields = ("title", "publisher", "date", "period", "doc_type")
    if not all(isinstance(entry[key], str) for key in text_fields):
        raise _catalog_error(
            path,
            f"条目 {doc_id} 的文字字段必须是字符串",
            f"entry {doc_id}: text fields must be strings",
        )
    year = entry["year"]
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise _catalog_error(
            path,
            f"条目 {doc_id} 的 year 必须是整数或 null",
            f"entry {doc_id}: year must be an integer or null",
        )
    if entry["date"] and not _ISO_DATE.fullmatch(entry["date"]):
        raise _catalog_error(
            path,
            f"条目 {doc_id} 的日期须为 YYYY、YYYY-MM 或 YYYY-MM-DD",
            f"entry {doc_id}: date must be YYYY, YYYY-MM or YYYY-MM-DD",
        )
    if entry["doc_type"] not in DOC_TYPES:
        raise _catalog_error(
            path,
            f"条目 {doc_id} 的类型须为 {sorted(DOC_TYPES)} 之一",
            f"entry {doc_id}: doc_type must be one of {sorted(DOC_TYPES)}",
        )
    return DocMeta(
        title=entry["title"],
        publisher=entry["publisher"],
        date=entry["date"],
        period=entry["period"],
        year=year,
        doc_type=entry["doc_type"],
        guessed=False,
        policy=_stated_policy(path, doc_id, entry),
    )


def _stated_policy(path: Path, doc_id: str, entry: dict[str, Any]) -> PolicyMeta:
    """The 文号, issuing body, validity and status an entry states ("" where it is silent),
    checked like an admin's edit; the replacement it names need not be indexed yet."""
    stated = {key: entry[key] for key in POLICY_KEYS if key in entry}
    if not all(isinstance(value, str) for value in stated.values()):
        raise _catalog_error(
            path,
            f"条目 {doc_id} 的政策字段必须是字符串",
            f"entry {doc_id}: policy fields must be strings",
        )
    try:
        checked = check_edit(stated, {"doc_id": doc_id}, [stated.get("superseded_by", "")])
    except PolicyEditError as error:
        raise _catalog_error(
            path, f"条目 {doc_id} 的{error.message_zh}", f"entry {doc_id}: {error.message_en}"
        ) from None
    return PolicyMeta(**checked)


def with_guesses(stated: PolicyMeta, guessed: PolicyMeta) -> PolicyMeta:
    """What the catalog states, and the guess from the text wherever it is silent."""
    return PolicyMeta(**{key: getattr(stated, key) or getattr(guessed, key) for key in POLICY_KEYS})


def _catalog_error(path: Path, reason_zh: str, reason_en: str) -> IngestError:
    return IngestError(
        str(path), f"目录文件格式有误：{reason_zh}", f"malformed catalog: {reason_en}"
    )
