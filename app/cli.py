"""The `skk` command."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from pydantic import ValidationError

from app.config import Settings, get_settings, use_office_clock
from app.db import make_engine, make_sessionmaker, session_scope
from app.logging_setup import configure_logging
from app.schemas.common import Role

if TYPE_CHECKING:
    from app.documents.signing import LetterSigner

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


def initialise(settings: Settings) -> dict[str, int]:
    """Create or upgrade the schema (as the migration role), load region codes, grant the
    service role, make the development key if needed."""
    from app.migrate import grant_service_role, upgrade_to_head
    from app.services.regions import load_regions
    from app.services.signer import ensure_signing_key

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


def _seal_all(settings: Settings) -> str | None:
    """Seal what is pending; a sentence instead of a traceback when it cannot be done."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.services.audit import seal_pending

    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            while seal_pending(session) == 5000:
                pass
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return f"new entries could not be sealed into the chain ({reason})"
    finally:
        engine.dispose()
    return None


def _signer_or_exit(settings: Settings) -> LetterSigner:
    from app.documents.signing import SigningKeyError
    from app.services.signer import load_signer

    try:
        return load_signer(settings)
    except SigningKeyError as exc:
        click.echo(f"error: the office's signing key cannot be used: {exc}", err=True)
        sys.exit(2)


@audit.command("verify")
@click.option(
    "--checkpoint-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Checkpoints to check against (default: SKK_AUDIT_CHECKPOINT_FILE); e.g. a copy "
    "kept elsewhere",
)
def audit_verify(checkpoint_file: Path | None) -> None:
    """Walk the hash chain and check it against every signed checkpoint; name each break
    (exit 1)."""
    from app.services.audit import consistent_snapshot, verify_chain
    from app.services.audit_checkpoints import load_checkpoints

    settings = get_settings()
    signer = _signer_or_exit(settings)
    problems = []
    # Entries committed since the service's last sealing round join the chain first.
    if (sealing := _seal_all(settings)) is not None:
        problems.append(sealing)
    loaded = load_checkpoints(checkpoint_file or settings.checkpoint_path, signer=signer)
    problems += loaded.problems
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            consistent_snapshot(session)
            report = verify_chain(session, checkpoints=loaded.checkpoints)
    finally:
        engine.dispose()
    if not report.intact:
        where = f" at entry {report.first_broken_seq}" if report.first_broken_seq else ""
        problems.insert(0, f"audit chain BROKEN{where}: {report.problem}")
    if problems:
        for problem in problems:
            click.echo(problem)
        sys.exit(1)
    click.echo(
        f"audit chain intact: {report.checked} entries, "
        f"{len(loaded.checkpoints)} signed checkpoints matched"
    )


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the chain head with the office's key and append it to the checkpoint file."""
    from app.errors import DomainError
    from app.services.audit_checkpoints import write_checkpoint

    settings = get_settings()
    signer = _signer_or_exit(settings)
    if (sealing := _seal_all(settings)) is not None:
        click.echo(f"error: {sealing}", err=True)
        sys.exit(1)
    path = settings.checkpoint_path
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            written = write_checkpoint(session, signer=signer, path=path)
    except DomainError as exc:
        click.echo(f"error: {exc.detail}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    if written is None:
        click.echo(f"the chain head is already checkpointed in {path}")
    else:
        click.echo(f"checkpoint of entry {written.seq} ({written.sha256[:16]}...) added to {path}")


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
