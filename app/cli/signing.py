"""`skk signing status`: the office's signing certificates, the current one and its expiry."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from app.cli.main import main
from app.config import get_settings
from app.db import make_engine, make_sessionmaker, session_scope


@main.group()
def signing() -> None:
    """The office's signing key and certificates."""


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


@signing.command("status")
def signing_status() -> None:
    """List every certificate the office has signed with, marking the current one, with days
    to expiry; exit 1 when the current certificate has ended or cannot be loaded."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.documents.signing import SigningKeyError
    from app.models import SigningCertificate
    from app.services.certificates import certificate_facts, list_certificates
    from app.services.signer import days_left, expiry_warning, load_signer

    settings = get_settings()
    now = datetime.now(UTC)
    failed = False
    current: str | None = None
    try:
        signer = load_signer(settings)
    except SigningKeyError as exc:
        click.echo(f"current signing key: cannot be used: {exc}")
        failed = True
    else:
        current = signer.certificate_sha256.lower()
        left = days_left(signer, now)
        kind = " (development key: not for official letters)" if signer.development else ""
        click.echo(
            f"current signing certificate: {current[:16]}  {signer.subject}{kind}, "
            f"ends {signer.not_valid_after.date().isoformat()} ({left} days left)"
        )
        if (warning := expiry_warning(signer.not_valid_after, left)) is not None:
            click.echo(f"WARNING: {warning}")
        failed = left < 0

    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            rows = list_certificates(session)
            session.expunge_all()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        click.echo(f"error: the certificate table cannot be read ({reason}); run `skk init`")
        sys.exit(1)
    finally:
        engine.dispose()
    if current is not None and current not in {row.sha256 for row in rows}:
        facts = certificate_facts(signer)
        rows.insert(0, SigningCertificate(**vars(facts)))
        click.echo("(the current certificate is recorded when the service next starts)")
    click.echo(f"\n{len(rows)} certificate(s):")
    for row in rows:
        marker = "  <- current" if row.sha256 == current else ""
        left = (row.not_after - now).days
        state = f"{left} days left" if left >= 0 else f"ENDED {-left} days ago"
        kind = " (development)" if row.development else ""
        kind += " (QR proofs only)" if row.qr_only else ""
        click.echo(f"{row.sha256[:16]}  {row.subject}{kind}{marker}")
        click.echo(f"    issuer:   {row.issuer}")
        click.echo(
            f"    valid:    {row.not_before.date().isoformat()} to "
            f"{row.not_after.date().isoformat()} ({state})"
        )
        click.echo(
            f"    used:     first {_when(row.first_used_at)}, last {_when(row.last_used_at)}"
        )
    sys.exit(1 if failed else 0)
