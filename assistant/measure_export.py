"""Matched measures as a reader or a program takes them: JSON rows, Markdown, CSV.

One shape for every interface (CLI, UI export, HTTP API), so a measure reads the same
wherever it is shown: its verbatim text, why it matched, and where it comes from.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from assistant.measures import Match, Profile, grouped

CSV_COLUMNS = (
    "group",
    "text",
    "why",
    "level",
    "beneficiaries",
    "industries",
    "support_types",
    "amounts",
    "conditions",
    "deadlines",
    "contacts",
    "title",
    "date",
    "section",
    "doc_id",
    "start",
    "end",
    "score",
)


def match_row(match: Match) -> dict[str, Any]:
    """One measure as data: all its fields, its source and why it matched."""
    measure = match.sourced.measure
    return {
        "group": match.group,
        "text": measure.text,
        "why": match.why,
        "level": measure.level,
        "period": measure.period,
        "beneficiaries": list(measure.beneficiaries),
        "industries": list(measure.industries),
        "support_types": list(measure.support_types),
        "amounts": list(measure.amounts),
        "conditions": list(measure.conditions),
        "deadlines": list(measure.deadlines),
        "contacts": list(measure.contacts),
        "title": match.sourced.title,
        "date": match.sourced.date,
        "section": measure.section,
        "doc_id": measure.doc_id,
        "chunk_id": measure.chunk_id,
        "start": measure.start,
        "end": measure.end,
        "score": round(match.score, 4),
        "similarity": round(match.similarity, 4),
    }


def source_of(match: Match) -> str:
    """「《标题》（日期）· 章节」: what a citation card shows."""
    measure = match.sourced.measure
    where = f" · {measure.section}" if measure.section else ""
    return f"《{match.sourced.title}》（{match.sourced.date}）{where}"


def to_markdown(profile: Profile, matches: Sequence[Match]) -> str:
    """A grouped, cited list: a heading per support type, each measure with why and source."""
    lines = [f"## 扶持措施：{profile.label()}", ""]
    if not matches:
        return "\n".join([*lines, "没有找到符合该企业画像的扶持措施。"])
    n = 0
    for group, members in grouped(matches).items():
        lines += [f"### {group}", ""]
        for match in members:
            n += 1
            measure = match.sourced.measure
            lines.append(f"{n}. {measure.text}")
            lines.append(f"   - 匹配原因：{match.why}")
            for label, values in (
                ("金额", measure.amounts),
                ("条件", measure.conditions),
                ("截止", measure.deadlines),
                ("联系", measure.contacts),
            ):
                if values:
                    lines.append(f"   - {label}：{'；'.join(values)}")
            lines.append(f"   - 出处：{source_of(match)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_csv(matches: Sequence[Match]) -> str:
    """One row per measure; lists joined with 「；」 so a spreadsheet shows them in one cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for match in matches:
        row = match_row(match)
        writer.writerow(
            ["；".join(v) if isinstance(v, list) else v for v in (row[c] for c in CSV_COLUMNS)]
        )
    return buffer.getvalue()
