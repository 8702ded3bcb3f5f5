"""Region reference data: loading and lookup."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.data import parent_code, region_rows
from app.models import Region

_names: dict[str, str] = {}


def load_regions(session: Session) -> int:
    """Insert the shipped region codes that are missing; returns how many were added."""
    existing = set(session.scalars(select(Region.code)))
    rows = [
        {"code": code, "name": name, "level": level, "parent_code": parent_code(code)}
        for code, name, level in region_rows()
        if code not in existing
    ]
    if rows:
        session.execute(insert(Region), rows)
    return len(rows)


def region_names(session: Session) -> dict[str, str]:
    """Code -> name of every region, read once per process (the codes change by decree only)."""
    if not _names:
        # No lock around the query: request handlers run this on the event loop (in a
        # greenlet), where a thread lock held across a query would block every other
        # request. Two first readers at once both read the same names, which is harmless.
        rows = session.execute(select(Region.code, Region.name)).tuples().all()
        _names.update(rows)
    return _names


def list_regions(
    session: Session, *, level: str | None, parent: str | None, limit: int, after: str | None
) -> list[Region]:
    """Regions filtered by level and parent code, in code order."""
    query = select(Region).order_by(Region.code).limit(limit)
    if level:
        query = query.where(Region.level == level)
    if parent:
        query = query.where(Region.parent_code == parent)
    if after:
        query = query.where(Region.code > after)
    return list(session.scalars(query))


def kelurahan_exists(session: Session, code: str) -> bool:
    """True when `code` is a loaded kelurahan/desa."""
    region = session.get(Region, code)
    return region is not None and region.level == "kelurahan_desa"
