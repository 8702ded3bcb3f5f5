"""The FastAPI application."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.api.openapi import install_openapi, operation_id
from app.api.problems import install_problem_handlers
from app.api.routes import include_routes
from app.config import Settings, get_settings, use_office_clock
from app.db import make_async_engine, make_async_sessionmaker, make_engine, make_sessionmaker
from app.housekeeping import Housekeeper
from app.logging_setup import configure_logging
from app.middleware import JsonBodyMiddleware, NulGuardMiddleware, RequestLogMiddleware
from app.office import router as office_router
from app.proxies import TrustedProxies, parse_networks
from app.read_log import ReadLogWriter
from app.services.audit_checkpoints import write_checkpoint
from app.services.certificates import register_at_start
from app.services.signer import load_signer

log = logging.getLogger("app")

DESCRIPTION = """
The population office's (Disdukcapil) system of record for residents' e-KTP recording status,
and the issuer of the **Surat Keterangan Kependudukan**: a digitally signed PDF letter that
serves as an interim ID for a resident who is obliged to hold an e-KTP but has no card yet.

Authenticate with an API key: `Authorization: Bearer skk_...` (the **Authorize** button).
Errors are RFC 9457 `application/problem+json` with a stable `code`.
Lists are paginated: `limit` (default 50, max 500) and the opaque `cursor` from `next_cursor`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for these settings (tests pass their own)."""
    settings = settings or get_settings()
    use_office_clock(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        housekeeper = Housekeeper(
            app.state.sessionmaker,
            idempotency_retention=timedelta(hours=settings.idempotency_retention_hours),
            checkpoint=partial(
                write_checkpoint, signer=app.state.signer, path=settings.checkpoint_path
            ),
            checkpoint_every=settings.audit_checkpoint_interval_minutes * 60,
            settings=settings,
        )
        housekeeper.start()
        yield
        housekeeper.stop()
        # Pooled connections belong to this event loop: close them with it.
        await app.state.async_engine.dispose()
        app.state.engine.dispose()
        # A remote signer's HTTP client (SKK_SIGNER=bsre) keeps connections to its gateway.
        close_signer = getattr(app.state.signer, "close", None)
        if close_signer is not None:
            close_signer()

    app = FastAPI(
        title="SKK service",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        # Served by app.api.docs from assets installed with the package: no CDN.
        docs_url=None,
        redoc_url=None,
        openapi_tags=[
            {"name": "residents", "description": "Residents and their e-KTP recording status"},
            {"name": "letters", "description": "Surat Keterangan Kependudukan: issue, download"},
            {"name": "regions", "description": "Kode wilayah (Kepmendagri)"},
            {"name": "api keys", "description": "Keys, roles and the calling key"},
            {"name": "audit", "description": "The append-only, hash-chained audit log"},
            {"name": "health", "description": "Readiness"},
            {
                "name": "statistics",
                "description": "e-KTP recording figures per kecamatan and kelurahan (JSON, CSV, "
                "and a public HTML page)",
            },
            {
                "name": "verification",
                "description": "Public, no API key: check a letter by its QR code or PDF",
            },
        ],
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.async_engine = make_async_engine(settings.database_url)
    app.state.async_sessionmaker = make_async_sessionmaker(app.state.async_engine)
    app.state.read_log = ReadLogWriter(app.state.async_engine)
    # Refuse to start with a key that cannot sign: better now than at the first letter.
    app.state.signer = load_signer(settings)
    register_at_start(app.state.sessionmaker, app.state.signer)

    install_problem_handlers(app)
    install_openapi(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
        )
    app.add_middleware(JsonBodyMiddleware, max_bytes=settings.max_json_bytes)
    app.add_middleware(NulGuardMiddleware)
    app.add_middleware(
        RequestLogMiddleware,
        trusted_proxies=TrustedProxies(parse_networks(settings.trusted_proxies)),
    )
    include_routes(app)
    app.include_router(office_router)
    return app


# Collections of the youngest generation every 20,000 net allocations instead of 700; the
# older generations every 20 of the one below.
GC_THRESHOLDS = (20_000, 20, 20)


def create_server_app() -> FastAPI:
    """The application as `skk serve` runs it in each worker: logging set up, `create_app`,
    then the garbage collector told to leave the start-up objects alone.

    Modules, routes, schemas and the ORM mappings live as long as the process; a full
    collection walked all of them and paused every request in flight for ~80 ms (the p99 of
    a read under load). Frozen after one last collection, they are never walked again.
    """
    settings = get_settings()
    # Each worker of `skk serve --workers N` is a new process: without this, its records
    # (request lines included) bypassed the JSON formatter and its NIK masking.
    configure_logging(settings.log_level)
    app = create_app(settings)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    return app
