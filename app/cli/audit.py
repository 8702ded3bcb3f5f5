"""`skk audit verify` and `skk audit checkpoint`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from app.cli.main import main
from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker, session_scope

if TYPE_CHECKING:
    from app.documents.signing import LetterSigner


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
