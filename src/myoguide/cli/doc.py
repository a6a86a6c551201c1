"""The command-line reference, generated from the commands' own --help text."""

from __future__ import annotations

from collections.abc import Iterator

import click

from ..i18n import ENGLISH
from . import main
from .language import speaking


def commands() -> Iterator[tuple[str, click.Command, click.Context]]:
    """Every command and sub-command, with its full name and a help context."""
    settings = {"terminal_width": 80, "max_content_width": 80, **main.context_settings}
    root = click.Context(main, info_name="myoguide", **settings)
    yield "myoguide", main, root

    def walk(
        group: click.Group, parent: click.Context, prefix: str
    ) -> Iterator[tuple[str, click.Command, click.Context]]:
        for name in group.list_commands(parent):
            command = group.get_command(parent, name)
            assert command is not None
            context = click.Context(command, info_name=name, parent=parent, **settings)
            yield f"{prefix} {name}", command, context
            if isinstance(command, click.Group):
                yield from walk(command, context, f"{prefix} {name}")

    yield from walk(main, root, "myoguide")


def reference() -> str:
    """Markdown for docs/cli.md: every command's --help, in order."""
    lines = [
        "# Command-line reference",
        "",
        "Generated from `--help` by `make docs`; do not edit by hand.",
        "",
    ]
    with speaking(ENGLISH):
        for name, command, context in commands():
            lines += [f"## {name}", "", "```", command.get_help(context), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(reference(), end="")
