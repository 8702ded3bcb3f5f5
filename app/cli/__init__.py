"""The `skk` command: one module per group of subcommands, registered on import."""

from app.cli import audit, keys, server, transfer  # noqa: F401  (they add their commands)
from app.cli.main import main
from app.cli.setup import initialise

__all__ = ["initialise", "main"]
