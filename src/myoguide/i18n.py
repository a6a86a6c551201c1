"""Languages: which ones myoguide speaks, choosing one (from an HTTP ``Accept-Language``
header or the terminal's environment), the gettext catalogue of its fixed sentences, and
numbers, dates and durations written its way.

The catalogues live in ``locale/<language>/LC_MESSAGES/myoguide.po`` (compiled to ``.mo``
when the package is built or installed). Babel loads only when a number or date is formatted,
so the terminal starts fast.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

__all__ = [
    "DATA_DIR",
    "DOMAIN",
    "ENGLISH",
    "LOCALE_DIR",
    "NC_",
    "N_",
    "Said",
    "decimal_symbol",
    "format_date",
    "format_hours",
    "format_number",
    "from_accept_language",
    "from_environment",
    "gettext_for",
    "languages",
    "translations",
]

ENGLISH = "en"
"""The language the code and the knowledge files are written in; the fallback."""
DOMAIN = "myoguide"
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
"""Where the catalogues are (a string: pathlib costs the terminal's start-up time)."""
DATA_DIR = os.path.join(os.path.dirname(__file__), "knowledge", "data")
"""Where the knowledge files and their translations are: found here, not by the knowledge
package, whose import loads pydantic and YAML, which the terminal's start-up does without."""

_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Where a terminal says its language, in the order gettext reads them."""
MAX_ACCEPT_LANGUAGE = 1000
"""Characters of an Accept-Language header read: browsers send under 100, and the server
takes headers of megabytes, each of which the cache below would keep."""
_QVALUE = re.compile(r"^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$")
_RANGE = re.compile(r"^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$")


def N_(message: str) -> str:
    """Marks a sentence for the catalogue where it is defined; it is translated where used."""
    return message


def NC_(context: str, message: str) -> str:
    """As `N_`, with a context: the same English words that another language says in more
    than one way ("nicotine" as a sentence's subject, "la nicotina", and as what a day had,
    "nicotina"); translated where used with ``pgettext(context, message)``."""
    return message


@dataclass(frozen=True, slots=True)
class Said:
    """A sentence for the person: its catalogue id (marked with N_) and the values it names,
    so that an adapter can say it in the reader's language (a value may be a Said too)."""

    message: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message.format(**self.values)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The sentence in gettext's language, with each value that is itself a sentence."""
        values = {
            name: value.translated(gettext) if isinstance(value, Said) else value
            for name, value in self.values.items()
        }
        return gettext(self.message).format(**values)

    def in_language(self, language: str) -> str:
        return self.translated(gettext_for(language))


def languages(directory: str | os.PathLike[str] | None = None) -> tuple[str, ...]:
    """The languages myoguide speaks: English, and each one the knowledge (the packaged one,
    or the one in ``directory``) is translated into, one overlay folder each."""
    if directory is None:
        return _packaged_languages()
    return _overlays(os.fspath(directory))


@cache
def _packaged_languages() -> tuple[str, ...]:
    return _overlays(DATA_DIR)


def _overlays(data: str) -> tuple[str, ...]:
    found = (name for name in os.listdir(data) if os.path.isdir(os.path.join(data, name)))
    return (ENGLISH, *sorted(name for name in found if name.isalpha()))


def _supported(tag: str) -> str | None:
    """A language tag (``es-MX``, ``es_ES.UTF-8``) as one of ours, by its primary language."""
    primary = re.split(r"[-_.@]", tag.strip().lower(), maxsplit=1)[0]
    return primary if primary in languages() else None


def from_accept_language(header: str | None) -> str:
    """The language to answer in for an HTTP ``Accept-Language`` header (RFC 9110): the
    supported language with the highest q-value, the earlier one on a tie; ``es-MX`` is
    answered in ``es``; English when none is supported or the header cannot be read. Only
    the ranges in its first :data:`MAX_ACCEPT_LANGUAGE` characters count."""
    if not header:
        return ENGLISH
    if len(header) > MAX_ACCEPT_LANGUAGE:
        header = header[:MAX_ACCEPT_LANGUAGE].rpartition(",")[0]
    return _from_accept_language(header)


@lru_cache(maxsize=256)
def _from_accept_language(header: str) -> str:
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, parameters = item.partition(";")
        tag = tag.strip().lower()
        if not _RANGE.match(tag):
            continue
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                # RFC 9110's qvalue only: float() would also take "1e-320", "١" or "nan".
                quality = float(value) if _QVALUE.match(value.strip()) else 0.0
        if not 0 < quality <= 1:
            continue
        ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        found = ENGLISH if tag == "*" else _supported(tag)
        if found is not None:
            return found
    return ENGLISH


def from_environment(environ: Mapping[str, str]) -> str:
    """The language a terminal asks for: the first of ``LANGUAGE`` (a list like ``es:en``),
    ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set decides; ``C`` and ``POSIX`` mean
    English; a language we do not have falls to the next one in ``LANGUAGE``, then English."""
    for name in _ENVIRONMENT:
        value = environ.get(name, "").strip()
        if not value:
            continue
        for tag in value.split(":") if name == "LANGUAGE" else [value]:
            if tag.upper() in {"C", "POSIX"} or tag.upper().startswith("C."):
                return ENGLISH
            found = _supported(tag)
            if found is not None:
                return found
        return ENGLISH
    return ENGLISH


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The fixed sentences in ``language``: its compiled catalogue; English as written (no
    catalogue) for English. Raises LookupError for a language whose catalogue is missing,
    since a silent fall back to English would pass for a translation."""
    if language == ENGLISH:
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    except OSError as error:
        raise LookupError(
            f"no compiled catalogue for {language!r} in {LOCALE_DIR}: run `make translations`"
        ) from error


def gettext_for(language: str) -> Callable[[str], str]:
    """``_`` for one language: a sentence in, the sentence in that language out."""
    return translations(language).gettext


@cache
def decimal_symbol(language: str) -> str:
    """The decimal mark: "." in English, "," in Spanish."""
    if language == ENGLISH:
        return "."
    from babel.numbers import get_decimal_symbol

    return str(get_decimal_symbol(language))


def format_number(value: float, language: str, *, signed: bool = False) -> str:
    """A number as the language writes it: 1.5 is "1,5" in Spanish; whole numbers have no
    decimals; ``signed`` puts "+" before a positive one."""
    from babel.numbers import format_decimal

    pattern = "#,##0.###"
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return str(format_decimal(value, format=pattern, locale=language))


def format_hours(hours: float, language: str) -> str:
    """A duration in hours: "1.5 hours", "1,5 horas", "1 hora"."""
    # A fraction takes the plural in English and Spanish alike ("1.5 hours", "0,5 horas").
    count = int(hours) if float(hours).is_integer() else 2
    words = translations(language).ngettext("{hours} hour", "{hours} hours", count)
    return words.format(hours=format_number(hours, language))


def format_date(day: dt.date, language: str) -> str:
    """A day written out: "3 December 2026", "3 de diciembre de 2026"."""
    from babel.dates import format_date as babel_format_date

    # English day first, as the diary's pages write dates.
    pattern = "d MMMM y" if language == ENGLISH else "long"
    return str(babel_format_date(day, format=pattern, locale=language))
