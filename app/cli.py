"""The `skk` command."""

from __future__ import annotations

import logging
import sys

import click
from pydantic import ValidationError

from app.config import Settings, get_settings, use_office_clock
from app.db import make_engine, make_sessionmaker, session_scope
from app.logging_setup import configure_logging
from app.schemas.common import Role

log = logging.getLogger("app.cli")


def initialise(settings: Settings) -> dict[str, int]:
    """Create or upgrade the schema, load region codes, make the development key if needed."""
    from app.migrate import upgrade_to_head
    from app.services.regions import load_regions
    from app.services.signer import ensure_signing_key

    engine = make_engine(settings.database_url)
    try:
        upgrade_to_head(engine)
        with session_scope(make_sessionmaker(engine)) as session:
            added = load_regions(session)
    finally:
        engine.dispose()
    ensure_signing_key(settings)
    return {"regions_added": added}


@click.group()
def main() -> None:
    """SKK service: residents' e-KTP recording status and Surat Keterangan Kependudukan."""
    try:
        settings = get_settings()
    except ValidationError as exc:
        lines = [
            f"  SKK_{'_'.join(str(p) for p in e['loc']).upper() or 'SETTINGS'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        click.echo("error: the settings are not valid:\n" + "\n".join(lines), err=True)
        sys.exit(2)
    use_office_clock(settings)
    configure_logging(settings.log_level)


@main.command()
def init() -> None:
    """Create or upgrade the schema, load regions, create the development key. Safe to rerun."""
    result = initialise(get_settings())
    click.echo(f"schema at head; {result['regions_added']} region codes added", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
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


@main.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Walk the hash chain; name the first entry that was changed or removed (exit 1)."""
    from app.services.audit import seal_pending, verify_chain

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            # Entries committed since the service's last sealing round join the chain first.
            while seal_pending(session) == 5000:
                pass
        with session_scope(make_sessionmaker(engine)) as session:
            report = verify_chain(session)
    finally:
        engine.dispose()
    if report.intact:
        click.echo(f"audit chain intact: {report.checked} entries")
        return
    click.echo(f"audit chain BROKEN at entry {report.first_broken_seq}: {report.problem}")
    sys.exit(1)


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


from app.cli_transfer import register as _register_transfer  # noqa: E402

_register_transfer(main)


if __name__ == "__main__":
    main()
