"""The documentation stays true: the CLI reference and the README match the code."""

from __future__ import annotations

import re
from pathlib import Path

from myoguide.cli.doc import commands, reference

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_generated_from_help() -> None:
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == reference(), "docs/cli.md is stale: run `make docs`"


def test_readme_documents_every_command_and_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command, _ in commands():
        assert name in readme, name
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("--") and option not in {"--help", "--version"}:
                    assert option in readme, f"{name} {option}"
    assert "myoguide --version" in readme


def test_readme_quick_start_is_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme[readme.index("## Quick start") :]
    block = re.search(r"```sh\n(.*?)```", quick_start, re.DOTALL)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert [c for c in commands if c] == ["make run", "make test"]


def test_readme_names_every_make_target() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY: (.*)$", makefile, re.MULTILINE)
    assert phony is not None
    for target in phony.group(1).split():
        assert f"make {target}" in readme, target
