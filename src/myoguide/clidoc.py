"""The command-line reference, generated from the commands' own --help text."""

from __future__ import annotations

import click

from .cli import main


def reference() -> str:
    """Markdown for docs/cli.md: every command's --help, in order."""
    lines = [
        "# Command-line reference",
        "",
        "Generated from `--help` by `make docs`; do not edit by hand.",
        "",
    ]
    settings = {"terminal_width": 80, "max_content_width": 80, **main.context_settings}
    context = click.Context(main, info_name="myoguide", **settings)
    lines += ["## myoguide", "", "```", main.get_help(context), "```", ""]
    for name in main.list_commands(context):
        command = main.get_command(context, name)
        assert command is not None
        sub = click.Context(command, info_name=name, parent=context, **settings)
        lines += [f"## myoguide {name}", "", "```", command.get_help(sub), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(reference(), end="")
