"""`GET /measures?region=…&industry=…&beneficiary=…&need=…`: support measures for an
enterprise profile, ranked, each with why it matched and its source — the same rows as
`policy-qa measures --json` and the UI's 扶持措施 tab."""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from assistant.measure_export import match_row
from assistant.measures import Profile
from ui.api.auth import require_reader
from ui.api.deps import Served
from ui.api.errors import ApiError

router = APIRouter(dependencies=[Depends(require_reader)], tags=["measures"])
MAX_TAGS = 10


class MeasureProfile(BaseModel):
    """The profile the measures were matched to."""

    region: str
    industries: list[str]
    beneficiaries: list[str]
    stage: str
    needs: list[str]


class MeasureRow(BaseModel):
    """One measure: verbatim text, tags, what it states, source, and why it matched."""

    model_config = ConfigDict(extra="allow")

    group: str
    text: str
    why: str
    level: str
    period: str
    beneficiaries: list[str]
    industries: list[str]
    support_types: list[str]
    amounts: list[str]
    conditions: list[str]
    deadlines: list[str]
    contacts: list[str]
    title: str
    date: str
    section: str
    doc_id: str
    chunk_id: str
    start: int
    end: int
    score: float
    similarity: float


class MeasuresResponse(BaseModel):
    profile: MeasureProfile
    measures: list[MeasureRow]


Tags = Query(max_length=MAX_TAGS)


@router.get("/measures", response_model=MeasuresResponse)
def measures(
    app: Served,
    region: Annotated[str, Query(max_length=40, description="所在区域，如 黄埔区")] = "",
    industry: Annotated[list[str] | None, Tags] = None,
    beneficiary: Annotated[list[str] | None, Tags] = None,
    need: Annotated[list[str] | None, Tags] = None,
    stage: Annotated[str, Query(max_length=20, description="发展阶段，如 初创")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Any:
    """The best `limit` measures for the profile, best first (group = first support type)."""
    profile = Profile(
        region, tuple(industry or ()), tuple(beneficiary or ()), stage, tuple(need or ())
    )
    try:
        found = app.measures.find(profile, limit)
    except (sqlite3.Error, OSError) as error:
        raise ApiError(
            503,
            "measures_unavailable",
            "扶持措施目录暂时无法读取",
            "the measure catalogue cannot be read",
        ) from error
    return {
        "profile": profile.as_dict(),
        "measures": [match_row(m) for m in found],
    }
