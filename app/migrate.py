"""Schema upgrades through Alembic, callable from code (skk init, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine

import app


def migrations_dir() -> Path:
    """The migration scripts: app/migrations in an installed wheel, alembic/ in a checkout."""
    package = Path(app.__file__).parent
    installed = package / "migrations"
    if (installed / "env.py").is_file():
        return installed
    return package.parent / "alembic"


def alembic_config() -> Config:
    """Alembic's config pointing at the migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Create or upgrade the schema on this engine's database."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


# What the service role may do beyond normal DML on every table: on these, only what is named.
_ONLY = {
    "audit_events": "SELECT, INSERT",  # append-only: sealing goes through seal_audit_events
    "audit_chain_head": "SELECT",  # moved only by seal_audit_events
    "alembic_version": "SELECT",
}


def grant_service_role(engine: Engine, *, role: str, password: str | None) -> list[str]:
    """Create (when missing) and grant the PostgreSQL role the service runs as: normal DML on
    every table, but on the audit log only INSERT and SELECT, and EXECUTE on the sealing
    function. Run as the tables' owner, after the migrations. Returns warnings, if any."""
    warnings: list[str] = []
    with engine.begin() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
        if not exists:
            create = conn.scalar(
                text(
                    "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', "
                    "CAST(:r AS text), CAST(:p AS text))"
                )
                if password
                else text("SELECT format('CREATE ROLE %I LOGIN', CAST(:r AS text))"),
                {"r": role, "p": password},
            )
            conn.execute(text(create))
        schema, quoted = conn.execute(
            text("SELECT quote_ident(current_schema()), quote_ident(CAST(:r AS text))"), {"r": role}
        ).one()
        tables = conn.scalars(
            text("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()")
        ).all()
        conn.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {quoted}"))
        for table in tables:
            conn.execute(text(f"REVOKE ALL ON {schema}.{table} FROM {quoted}"))
            allowed = _ONLY.get(table, "SELECT, INSERT, UPDATE, DELETE")
            conn.execute(text(f"GRANT {allowed} ON {schema}.{table} TO {quoted}"))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}"))
        conn.execute(
            text(f"GRANT EXECUTE ON FUNCTION {schema}.seal_audit_events(jsonb) TO {quoted}")
        )
        owner = conn.scalar(
            text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_events'")
        )
        superuser = conn.scalar(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": role}
        )
        if owner == role or superuser:
            warnings.append(
                f"the service role {role} owns the tables or is a superuser: it can still "
                "change or remove audit entries; give it a role of its own"
            )
    return warnings
