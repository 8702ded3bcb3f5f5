"""Region reference data."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.api.deps import CurrentKey, SessionDep
from app.api.problems import problem_responses
from app.schemas.common import Page
from app.schemas.keys import RegionRead
from app.services import regions
from app.services.pagination import CodePosition, decode_cursor, encode_cursor

router = APIRouter(prefix="/regions", tags=["regions"])

Level = Literal["provinsi", "kabupaten_kota", "kecamatan", "kelurahan_desa"]


@router.get(
    "",
    summary="List region codes",
    response_model=Page[RegionRead],
    responses=problem_responses(401, 422),
)
async def list_regions(
    session: SessionDep,
    _: CurrentKey,
    level: Level | None = None,
    parent: Annotated[str | None, Query(examples=["53.71"], description="Parent code")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> Page[RegionRead]:
    """Provinsi, kabupaten/kota, kecamatan or kelurahan/desa, filtered by level and parent."""
    after = decode_cursor(cursor, CodePosition).code if cursor else None
    rows = await session.run_sync(
        regions.list_regions,
        level=level,
        parent=parent,
        limit=limit + 1,
        after=str(after) if after else None,
    )
    next_cursor = encode_cursor(code=rows[limit - 1].code) if len(rows) > limit else None
    return Page[RegionRead](
        items=[RegionRead.model_validate(r) for r in rows[:limit]], next_cursor=next_cursor
    )
