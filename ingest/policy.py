"""Policy metadata of a document: 文号, issuing body, validity, and the status derived from it.

Staff must never quote a repealed measure as current, so every document carries when it is
in force and what replaced it. The values are guessed at ingest (ingest/policy_guess.py) and
edited by admins; this module holds the shared vocabulary, the admin-input checks and the one
rule that turns stored values into the status a reader sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ingest.errors import BilingualError

CURRENT, EXPIRED, SUPERSEDED, DRAFT = "现行有效", "已失效", "被替代", "征求意见稿"
STATUSES: tuple[str, ...] = (CURRENT, EXPIRED, SUPERSEDED, DRAFT)
#: Statuses whose passages rank after current ones and whose citations carry a warning.
RETIRED: frozenset[str] = frozenset({EXPIRED, SUPERSEDED})
STATUS_EN = {CURRENT: "in force", EXPIRED: "expired", SUPERSEDED: "superseded", DRAFT: "draft"}

#: The stored document types and how readers see them.
DOC_TYPE_LABELS: dict[str, str] = {
    "plan": "规划",
    "policy": "政策文件",
    "work_report": "工作报告",
    "news": "新闻",
    "guide": "申报指南",
}

#: Fields an admin may set (CLI `docs set`, API PATCH, library tab); all are strings.
EDITABLE_FIELDS: tuple[str, ...] = (
    "doc_number",
    "issuer",
    "doc_type",
    "date",
    "effective_from",
    "effective_to",
    "status",
    "superseded_by",
    "source_url",
)
#: A 文号 as official documents write it: 穗科规字〔2019〕1号, 穗府办规[2021]6号, 穗科（2024）12号.
DOC_NUMBER = r"[\u4e00-\u9fff]{1,12}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*(?:第\s*)?\d{1,4}\s*号"
_DATE_FIELDS = frozenset({"date", "effective_from", "effective_to"})
_ADMIN_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
_URL = re.compile(r"https?://[^\s<>\"']+")
_MAX_TEXT = 200


@dataclass(frozen=True)
class PolicyMeta:
    """What ingest guesses about a document's validity; "" wherever the text says nothing."""

    doc_number: str = ""
    issuer: str = ""
    effective_from: str = ""
    effective_to: str = ""
    status: str = ""  # CURRENT or DRAFT from the text; EXPIRED/SUPERSEDED are derived or set
    superseded_by: str = ""
    source_url: str = ""


class PolicyEditError(BilingualError, ValueError):
    """An admin's metadata edit that cannot be stored, with a one-line bilingual reason."""

    def __init__(self, field: str, reason_zh: str, reason_en: str) -> None:
        self.field = field
        super().__init__(f"{field}：{reason_zh}", f"{field}: {reason_en}")


def effective_status(
    status: str,
    effective_to: str,
    superseded_by: str,
    edited: Iterable[str] = (),
    today: date | None = None,
) -> str:
    """The status a reader sees: an admin's explicit status wins, else it is derived.

    A named replacement makes a document 被替代; an end of validity in the past makes it
    已失效 (a bare year or month ends at that period's end); otherwise the stored status,
    which is 现行有效 unless the text called itself a draft.
    """
    if "status" in edited and status in STATUSES:
        return status
    if superseded_by:
        return SUPERSEDED
    if effective_to and _period_end(effective_to) < (today or date.today()):
        return EXPIRED
    return status if status in STATUSES else CURRENT


def _period_end(value: str) -> date:
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 3:
        return date(*parts)
    year, month = parts[0], parts[1] if len(parts) == 2 else 12
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def check_edit(
    changes: Mapping[str, object], current: Mapping[str, object], known_doc_ids: Iterable[str]
) -> dict[str, str]:
    """Validated, stripped changes to the record `current` (its fields by name).

    Raises PolicyEditError naming the first field that is wrong: an unknown field, a malformed
    date, an unknown status or type, a replacement that is not in the index, a non-http URL,
    or a validity that would end before it starts.
    """
    known = set(known_doc_ids)
    doc_id = str(current.get("doc_id", ""))
    checked: dict[str, str] = {}
    for field, raw in changes.items():
        if field not in EDITABLE_FIELDS:
            raise PolicyEditError(field, f"不能修改字段 {field}", f"field {field} cannot be edited")
        checked[field] = _checked_value(field, str(raw).strip(), known, doc_id)
    merged = {name: str(current.get(name, "") or "") for name in _DATE_FIELDS} | checked
    start, end = merged["effective_from"], merged["effective_to"]
    if start and end and _start(start) > _period_end(end):
        raise PolicyEditError(
            "effective_to", "失效日期早于生效日期", "effective_to is before effective_from"
        )
    return checked


def _checked_value(field: str, value: str, known: set[str], doc_id: str) -> str:
    if len(value) > _MAX_TEXT:
        raise PolicyEditError(field, f"内容过长（上限 {_MAX_TEXT} 字）", "value is too long")
    if not value:
        return value  # clearing a field is always allowed
    if field in _DATE_FIELDS and not _valid_date(value):
        raise PolicyEditError(
            field,
            "日期格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD",
            "date must be YYYY, YYYY-MM or YYYY-MM-DD",
        )
    if field == "status" and value not in STATUSES:
        raise PolicyEditError(
            field, f"状态须为 {'、'.join(STATUSES)} 之一", f"status must be one of {STATUSES}"
        )
    if field == "doc_type":
        return doc_type_code(value, field)
    if field == "superseded_by":
        if value == doc_id:
            raise PolicyEditError(field, "文档不能被自身替代", "a document cannot supersede itself")
        if value not in known:
            raise PolicyEditError(
                field, f"索引中没有文档 {value}", f"no document {value} in the index"
            )
    if field == "source_url" and not _URL.fullmatch(value):
        raise PolicyEditError(
            field, "来源链接须以 http:// 或 https:// 开头", "source_url must be an http(s) URL"
        )
    return value


def doc_type_code(value: str, field: str = "doc_type") -> str:
    """The stored type for a code (plan) or a label (规划); PolicyEditError for anything else."""
    if value in DOC_TYPE_LABELS:
        return value
    for code, label in DOC_TYPE_LABELS.items():
        if value == label:
            return code
    choices = "、".join(DOC_TYPE_LABELS.values())
    raise PolicyEditError(
        field,
        f"类型须为 {choices} 之一",
        f"type must be one of {sorted(DOC_TYPE_LABELS)} or {choices}",
    )


def status_value(value: str) -> str:
    """A status as given on a command line or in a request: Chinese or English words."""
    by_english = {english.replace(" ", "_"): status for status, english in STATUS_EN.items()}
    found = value if value in STATUSES else by_english.get(value.strip().lower().replace(" ", "_"))
    if found is None:
        raise PolicyEditError(
            "status", f"状态须为 {'、'.join(STATUSES)} 之一", f"status must be one of {STATUSES}"
        )
    return found


def _valid_date(value: str) -> bool:
    if not _ADMIN_DATE.fullmatch(value):
        return False
    try:
        _start(value)
    except ValueError:
        return False
    return True


def _start(value: str) -> date:
    parts = [int(part) for part in value.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])
