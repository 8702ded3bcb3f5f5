"""`skk keys create`, `skk keys list` and `skk keys revoke`."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from app.cli.main import main
from app.cli.setup import initialise
from app.config import get_settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.schemas.common import Role

_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"(\d{1,6})([hdw])")


class Duration(click.ParamType):
    """A key's lifetime written as `90d`, `12h` or `2w`."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, timedelta):
            return value
        match = _DURATION.fullmatch(str(value).strip().lower())
        if match is None or int(match.group(1)) == 0:
            self.fail(
                f"{value!r} is not a duration: write a whole number and a unit, "
                "h (hours), d (days) or w (weeks), e.g. 90d, 12h or 2w",
                param,
                ctx,
            )
        return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


@contextmanager
def _session(not_found_hint: str = "") -> Iterator[Session]:
    """A session on a ready database; a DomainError becomes one line on stderr and exit 2."""
    from app.errors import DomainError, NotFound

    settings = get_settings()
    initialise(settings)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            yield session
    except DomainError as exc:
        hint = not_found_hint if isinstance(exc, NotFound) else ""
        click.echo(f"error: {exc.detail}{hint}", err=True)
        sys.exit(2)
    finally:
        engine.dispose()


@main.group()
def keys() -> None:
    """API keys: create, list and revoke them."""


@keys.command("create")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    required=True,
    help="What the key may do: admin, operator, kelurahan (one kelurahan's letters) or auditor.",
)
@click.option(
    "--kelurahan",
    "kelurahan_code",
    default=None,
    help="For role kelurahan: its code, e.g. 53.71.04.1001.",
)
@click.option("--name", required=True, help="Who or what holds the key, e.g. 'Loket 1'.")
@click.option(
    "--expires-in",
    type=Duration(),
    default=None,
    help="The key stops working after this long: 90d, 12h, 2w (default: never, until revoked).",
)
@click.option(
    "--printout",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Also write a one-page PDF for the clerk: the key's name, role, kelurahan and expiry, "
    "and a QR code that opens the office sign-in page with the key filled in. It holds the "
    "key: keep it like a password.",
)
def keys_create(
    role: str,
    kelurahan_code: str | None,
    name: str,
    expires_in: timedelta | None,
    printout: Path | None,
) -> None:
    """Create an API key; prints the key alone on stdout (shown once)."""
    from app.services.keys import create_key

    with _session() as session:
        created = create_key(
            session,
            name=name,
            role=Role(role),
            kelurahan_code=kelurahan_code,
            expires_in=expires_in,
        )
        secret, expires_at = created.secret, created.key.expires_at
        if printout is not None:
            # Written before the key is committed: a printout that cannot be written leaves
            # no key behind that nobody holds.
            _write_printout(session, printout, created.key, secret)
    if expires_at is not None:
        click.echo(f"the key works until {_when(expires_at)}", err=True)
    if printout is not None:
        click.echo(f"printout written to {printout}: it holds the key, keep it safe", err=True)
        base = get_settings().public_base_url
        if not base.startswith("https://"):
            # The key would then travel to the sign-in page without TLS.
            click.echo(
                f"warning: its QR code opens {base}, not an https:// address; "
                "set SKK_PUBLIC_BASE_URL to the office's https address",
                err=True,
            )
    click.echo(secret)


def _write_printout(session: Session, path: Path, key: Any, secret: str) -> None:
    from app.documents.key_printout import KeyPrintout, render_key_printout
    from app.services.regions import region_names

    settings = get_settings()
    kelurahan = None
    if key.kelurahan_code:
        kelurahan = f"{key.kelurahan_code} {region_names(session).get(key.kelurahan_code, '')}"
    pdf = render_key_printout(
        KeyPrintout(
            secret=secret,
            name=key.name,
            role=str(key.role),
            kelurahan=kelurahan.strip() if kelurahan else None,
            expires_at=key.expires_at,
            created_at=key.created_at or datetime.now(UTC),
            office=f"{settings.office_government} / {settings.office_agency}",
            public_base_url=settings.public_base_url,
        )
    )
    try:
        path.write_bytes(pdf)
    except OSError as exc:
        raise click.ClickException(f"cannot write the printout {path}: {exc.strerror}") from None


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else "-"


_COLUMNS = ("id", "prefix", "name", "role", "kelurahan", "created", "expires", "revoked")


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the keys as a JSON list.")
def keys_list(as_json: bool) -> None:
    """Every API key, newest first: id, prefix, name, role, kelurahan, created, expires and
    revoked. The secrets are never shown (only their hash is kept)."""
    from app.schemas.keys import ApiKeyRead
    from app.services.keys import list_keys

    with _session() as session:
        rows = [ApiKeyRead.model_validate(k) for k in list_keys(session)]
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    if not rows:
        click.echo("no API keys yet: make one with `skk keys create`", err=True)
        return
    table = [
        (
            str(r.id),
            r.prefix,
            r.name,
            r.role.value,
            r.kelurahan_code or "-",
            _when(r.created_at),
            _when(r.expires_at),
            _when(r.revoked_at),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [_COLUMNS, *table]) for i in range(len(_COLUMNS))]
    for line in [_COLUMNS, *table]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


@keys.command("revoke")
@click.argument("key_id", type=click.IntRange(min=1))
def keys_revoke(key_id: int) -> None:
    """Revoke the key KEY_ID (see `skk keys list`): it stops working at once. Recorded in the
    audit log; revoking a revoked key changes nothing."""
    from app.models import ApiKey
    from app.services.access import SYSTEM
    from app.services.keys import revoke_key

    with _session(not_found_hint="; `skk keys list` shows the ids") as session:
        existing = session.get(ApiKey, key_id)
        already = existing is not None and existing.revoked_at is not None
        key = revoke_key(session, key_id=key_id, actor=SYSTEM)
        revoked_at, name = key.revoked_at, key.name
    if already:
        click.echo(f"key {key_id} ({name}) was already revoked on {_when(revoked_at)}")
    else:
        click.echo(f"key {key_id} ({name}) revoked; it no longer works")
