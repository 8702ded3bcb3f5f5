"""The `skk` command: one module per group of subcommands, registered on import."""

from app.cli import audit, keys, server, signing, transfer, verify_offline  # noqa: F401
from app.cli.main import main
from app.cli.setup import initialise

__all__ = ["initialise", "main"]
