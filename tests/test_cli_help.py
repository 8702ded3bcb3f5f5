"""Every `skk` command and option explains itself in `--help`."""

from __future__ import annotations

from collections.abc import Iterator

import click
from click.testing import CliRunner

from app.cli import main


def _commands(
    command: click.Command, path: tuple[str, ...] = ("skk",)
) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path), command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))


def test_every_command_and_option_has_help_text() -> None:
    missing = []
    commands = dict(_commands(main))
    for path, command in commands.items():
        ctx = click.Context(command, info_name=path)
        if not (command.help or "").strip():
            missing.append(f"{path}: the command")
        for param in command.get_params(ctx):
            if isinstance(param, click.Option):
                if param.name != "help" and not (param.help or "").strip():
                    missing.append(f"{path} {'/'.join(param.opts)}")
            # Arguments take no help in click: the command's text must name them.
            elif param.human_readable_name not in (command.help or ""):
                missing.append(f"{path} {param.human_readable_name}: not named in its help")
    assert not missing, "without help text:\n" + "\n".join(missing)
    # The walk saw the whole tree, nested groups included.
    assert {"skk keys list", "skk keys revoke", "skk audit verify", "skk demo kupang-2016"} <= set(
        commands
    )


def test_help_shows_the_option_texts() -> None:
    result = CliRunner().invoke(main, ["keys", "create", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())  # unwrapped
    assert "--expires-in DURATION The key stops working after this long: 90d, 12h, 2w" in text
    assert "-v, --verbose" in CliRunner().invoke(main, ["--help"]).output
