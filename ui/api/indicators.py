"""`GET /indicators?q=…[&scope=…]`: an indicator's facts across years and scopes, each with its
source and quote, the same as `policy-qa figures --json` and the UI's 指标 tab."""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ui.api.auth import require_reader
from ui.api.deps import Served
from ui.api.errors import ApiError
from ui.api.models import IndicatorFact

router = APIRouter(dependencies=[Depends(require_reader)], tags=["indicators"])


@router.get("/indicators", response_model=list[IndicatorFact])  # type: ignore[valid-type]
def indicators(
    app: Served,
    q: Annotated[str, Query(min_length=1, max_length=200, description="指标名称，任意写法")],
    scope: Annotated[str, Query(max_length=40, description="只看这个范围，如 广州市")] = "",
) -> Any:
    """Every stored figure of the indicator (its key, a synonym, or part of its name)."""
    try:
        found = app.store.facts.query(q, scope)
    except (sqlite3.Error, OSError) as error:
        raise ApiError(
            503, "facts_unavailable", "指标数据暂时无法读取", "the fact table cannot be read"
        ) from error
    return [s.as_dict() for s in found]
