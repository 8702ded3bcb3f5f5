"""The `skk` group: settings checked once, the office clock and JSON logs set up."""

from __future__ import annotations

import logging
import sys

import click
from pydantic import ValidationError

from app.config import get_settings, use_office_clock
from app.logging_setup import configure_logging


@click.group()
@click.version_option(
    package_name="skk-service", prog_name="skk", help="Show the version and exit."
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also log each schema migration step (Alembic's lines) on stderr.",
)
def main(verbose: bool) -> None:
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
    if not verbose:
        # The operator asked for a command's result: "schema at head" says the migrations
        # ran; each step, and Alembic's own chatter, is for --verbose.
        logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
