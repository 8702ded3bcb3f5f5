"""Migration 0009: keys made before it keep working without an expiry; it goes down cleanly;
the api_keys table it leaves is the one the model describes."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from app.db import Base, make_engine
from app.migrate import alembic_config


def _migrate(engine, direction: str, revision: str) -> None:  # type: ignore[no-untyped-def]
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)


def test_0009_adds_expires_at_and_keeps_old_keys_without_expiry(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    _migrate(engine, "upgrade", "0008")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO api_keys (name, role, prefix, secret_sha256, created_at) "
                "VALUES ('old', 'admin', 'skk_old', :digest, '2026-01-01 00:00:00')"
            ),
            {"digest": "0" * 64},
        )
    _migrate(engine, "upgrade", "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name, expires_at FROM api_keys")).all() == [("old", None)]
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "api_keys" in repr(d)] == []

    _migrate(engine, "downgrade", "0008")
    columns = {c["name"] for c in inspect(engine).get_columns("api_keys")}
    assert "expires_at" not in columns and "revoked_at" in columns
    engine.dispose()
