"""Every route of the service: the JSON API under one /api/v1 prefix, the public pages and
the health check outside it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from app.api import (
    audit,
    docs,
    health,
    jwks,
    keys,
    letters,
    photos,
    regions,
    residents,
    statistics,
    transfer,
    verify,
)
from app.api.language import accept_language
from app.api.openapi import operation_id
from app.api.params import no_unknown_query

API_V1 = "/api/v1"


def include_routes(app: FastAPI) -> None:
    """Add every router to the app."""
    # Operation ids come from the route functions' names (app.api.openapi.operation_id).
    api = APIRouter(
        prefix=API_V1,
        generate_unique_id_function=operation_id,
        dependencies=[Depends(no_unknown_query), Depends(accept_language)],
    )
    for module in (regions, residents, photos, transfer, letters, keys, audit, statistics, verify):
        api.include_router(module.router)
    app.include_router(health.router)
    app.include_router(api)
    app.include_router(statistics.pages)
    app.include_router(verify.pages)
    app.include_router(jwks.router)
    app.include_router(docs.router)
    docs.mount_assets(app)
