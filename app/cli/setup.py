"""Getting a database ready: migrations as the owner, region codes, the service role, the
development key. Shared by the commands that need a ready database."""

from __future__ import annotations

import logging
from pathlib import Path

from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope

log = logging.getLogger("app.cli")


def service_role(settings: Settings) -> tuple[str, str | None] | None:
    """The PostgreSQL role (and password) the service runs as, when it is not the one the
    migrations run as: `skk init` then creates it where missing and grants it what it needs."""
    from sqlalchemy.engine import make_url

    if settings.migration_database_url is None or settings.is_sqlite:
        return None
    service, owner = make_url(settings.database_url), make_url(settings.migration_database_url)
    if service.get_backend_name() != "postgresql" or not service.username:
        return None
    if service.username == owner.username:
        return None
    return service.username, service.password


def _make_sqlite_folder(settings: Settings) -> None:
    """SQLite makes a missing database file but not its folder: make that too, so a first
    `skk init` with SKK_DATABASE_URL=sqlite:////var/lib/skk/db/skk.db just works."""
    from sqlalchemy.engine import make_url

    if not settings.is_sqlite:
        return
    database = make_url(settings.migration_url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def initialise(settings: Settings) -> dict[str, int]:
    """Create or upgrade the schema (as the migration role), load region codes, grant the
    service role, make the development key if needed."""
    from app.migrate import grant_service_role, upgrade_to_head
    from app.services.regions import load_regions
    from app.services.signer import ensure_signing_key

    _make_sqlite_folder(settings)
    engine = make_engine(settings.migration_url)
    try:
        upgrade_to_head(engine)
        with session_scope(make_sessionmaker(engine)) as session:
            added = load_regions(session)
        if (role := service_role(settings)) is not None:
            for warning in grant_service_role(engine, role=role[0], password=role[1]):
                log.warning("%s", warning)
    finally:
        engine.dispose()
    ensure_signing_key(settings)
    return {"regions_added": added}
