"""`skk keys create`."""

from __future__ import annotations

import sys

import click

from app.cli.main import main
from app.cli.setup import initialise
from app.config import get_settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.schemas.common import Role


@main.group()
def keys() -> None:
    """API keys."""


@keys.command("create")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--kelurahan", "kelurahan_code", default=None, help="For role kelurahan: its code")
@click.option("--name", required=True)
def keys_create(role: str, kelurahan_code: str | None, name: str) -> None:
    """Create an API key; prints the key alone on stdout (shown once)."""
    from app.errors import DomainError
    from app.services.keys import create_key

    settings = get_settings()
    initialise(settings)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            created = create_key(session, name=name, role=Role(role), kelurahan_code=kelurahan_code)
            secret = created.secret
    except DomainError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(2)
    finally:
        engine.dispose()
    click.echo(secret)
