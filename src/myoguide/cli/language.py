"""The terminal's language: which one a run of ``myoguide`` speaks (``--lang``, else the
environment), and its help pages and click's own words ("Usage:", "Missing argument") in it.

Help texts are written when the commands are defined, before any language is known, so they
hold the English sentence (marked with N_) and are translated each time they are read.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import ModuleType
from typing import Any, TypeVar

import click

from ..i18n import ENGLISH, N_, from_environment, translations

__all__ = [
    "Command",
    "Group",
    "Option",
    "Program",
    "choose_language",
    "gettext",
    "language",
    "ngettext",
    "option",
    "speaking",
]

_Decorated = TypeVar("_Decorated", bound=Callable[..., Any])

_chosen: ContextVar[str | None] = ContextVar("myoguide_cli_language", default=None)


def language() -> str:
    """The language of this run: --lang, else LANGUAGE, LC_ALL, LC_MESSAGES or LANG."""
    return _chosen.get() or from_environment(os.environ)


def _catalogue() -> stdlib_gettext.NullTranslations:
    try:
        return translations(language())
    except LookupError:
        # No compiled catalogue: help and errors in English; a command that prints a result
        # says how to fix it (see _knowledge in __init__.py).
        return translations(ENGLISH)


def gettext(message: str) -> str:
    """A sentence in the language of this run."""
    return _catalogue().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """A sentence with a count in the language of this run."""
    return _catalogue().ngettext(singular, plural, count)


@contextmanager
def speaking(code: str | None) -> Iterator[None]:
    """Within ``with speaking("en"):`` the terminal's words, click's own among them, are in
    that language (the generated CLI reference is English whatever the environment says);
    None: as the environment says, until --lang is read. Outside, click is left as it was."""
    token = _chosen.set(code)
    try:
        with _click_speaking_ours():
            yield
    finally:
        _chosen.reset(token)


def choose_language(value: str | None) -> str | None:
    """The language code --lang names ("es", "es-MX", "ES"), or None if we do not have it."""
    from ..i18n import languages

    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in languages() else None


@contextmanager
def _click_speaking_ours() -> Iterator[None]:
    """Point click's own sentences at our catalogue while myoguide runs, and back after, so
    another click program that imports myoguide's commands keeps its own language.

    click looks them up with the standard library's gettext, imported into each of its
    modules as ``_`` and ``ngettext``. That gettext takes its language from the process's
    environment and its text domain from process-wide state: making it follow --lang would
    mean rewriting the environment that every library and child process sees, and it reads
    ``LANGUAGE=en:es`` as Spanish where from_environment reads English. So click's own
    references are pointed at ours instead, which follow --lang and from_environment like
    every other sentence of the terminal; English stays click's English, since our English
    catalogue is gettext's NullTranslations. tests/test_i18n_cli.py checks that every
    sentence click can show is in the catalogue, and that it is shown translated.
    """
    ours: dict[str, tuple[Callable[..., str], Callable[..., str]]] = {
        "_": (stdlib_gettext.gettext, gettext),
        "ngettext": (stdlib_gettext.ngettext, ngettext),
    }
    changed: list[tuple[ModuleType, str, Callable[..., str]]] = []
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        for attribute, (theirs, replacement) in ours.items():
            # Only click's own: inside a run already speaking ours, nothing is changed.
            if getattr(module, attribute, None) is theirs:
                setattr(module, attribute, replacement)
                changed.append((module, attribute, theirs))
    try:
        yield
    finally:
        for module, attribute, theirs in changed:
            setattr(module, attribute, theirs)


class Command(click.Command):
    """A command whose help texts hold English sentences and are shown in the run's language."""

    @property
    def help(self) -> str | None:
        return gettext(self._help) if self._help else self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        found = super().get_help_option(ctx)
        if found is not None:
            # click words it once and keeps the option: word it again in this run's language.
            found.help = gettext(N_("Show this message and exit."))
        return found


class Group(Command, click.Group):
    """A group of commands whose help texts are shown in the run's language."""

    command_class = Command


class Program(Group):
    """``myoguide`` itself: each run speaks the language its --lang names, else the
    environment's, from its first word of help to its last error."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with speaking(None):
            return super().main(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # --lang and --help are both eager, so click would process them in the order they are
        # typed and `--help --lang es` would print the help before --lang were seen: the
        # language is read ahead of everything else.
        try:
            given, _, _ = self.make_parser(ctx).parse_args(args=list(args))
        except click.UsageError:
            given = {}  # parsed again below, where the mistake is reported
        _chosen.set(choose_language(given.get("language")))
        return super().parse_args(ctx, args)


class Option(click.Option):
    """An option whose help holds an English sentence, perhaps with {placeholders} filled
    from ``help_values``, and is shown in the run's language."""

    def __init__(
        self, *args: Any, help_values: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        self.help_values = dict(help_values or {})
        super().__init__(*args, **kwargs)

    @property
    def help(self) -> str | None:
        if not self._help:
            return self._help
        text = gettext(self._help)
        return text.format_map(self.help_values) if self.help_values else text

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value


def option(*param_decls: str, **attrs: Any) -> Callable[[_Decorated], _Decorated]:
    """``click.option`` with its help shown in the run's language."""
    return click.option(*param_decls, cls=Option, **attrs)
