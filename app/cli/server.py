"""`skk init` and `skk serve`."""

from __future__ import annotations

import sys

import click

from app.cli.main import main
from app.cli.setup import initialise, service_role
from app.config import get_settings


@main.command()
def init() -> None:
    """Create or upgrade the schema, load regions, create the development key. Safe to rerun.

    With SKK_MIGRATION_DATABASE_URL naming another PostgreSQL user than SKK_DATABASE_URL, the
    migrations run as that owner, and the service's user is created (when missing) and granted
    normal DML, but only INSERT and SELECT on the audit log."""
    settings = get_settings()
    result = initialise(settings)
    click.echo(f"schema at head; {result['regions_added']} region codes added", err=True)
    if (role := service_role(settings)) is not None:
        click.echo(
            f"service role {role[0]}: may add to and read the audit log, not change it",
            err=True,
        )


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 for every interface (in a container).",
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Server processes; about one per CPU core.",
)
def serve(host: str, port: int, workers: int) -> None:
    """Run the API (runs init first)."""
    import uvicorn

    from app.documents.signing import SigningKeyError
    from app.services.signer import load_signer

    settings = get_settings()
    initialise(settings)
    try:
        # Fail here, with one clear sentence, rather than in every worker with a traceback.
        load_signer(settings)
    except SigningKeyError as exc:
        click.echo(f"error: cannot start: {exc}", err=True)
        sys.exit(2)
    uvicorn.run(
        "app.main:create_server_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        # X-Forwarded-For is read by app.proxies, from SKK_TRUSTED_PROXIES only.
        proxy_headers=False,
    )
