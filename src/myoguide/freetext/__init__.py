"""Free text: what a person wrote, read into answers (CONTRACT.md §7).

The NLP libraries load on the first call of ``parse``, never on import, and so do pydantic
and the language files: the command line starts as fast as before.
"""

from __future__ import annotations

import os
from datetime import date
from typing import TYPE_CHECKING, Any

from ..i18n import DATA_DIR, ENGLISH, languages

if TYPE_CHECKING:
    from .models import Finding, Parsed

__all__ = ["LANGUAGES", "MAX_TEXT", "Finding", "Parsed", "parse"]

MAX_TEXT = 5000
"""Characters of a description read at most: a long one, far below any request limit."""


def lexicon_file(language: str) -> str:
    """The file of the reader's lay words in ``language``, in the knowledge folder."""
    return "lexicon.yaml" if language == ENGLISH else f"lexicon.{language}.yaml"


def grammar_file(language: str) -> str:
    """The file of the reader's function words in ``language``, beside its lexicon."""
    return "grammar.yaml" if language == ENGLISH else f"grammar.{language}.yaml"


def _readable(language: str) -> bool:
    return all(
        os.path.isfile(os.path.join(DATA_DIR, name))
        for name in (lexicon_file(language), grammar_file(language))
    )


LANGUAGES = tuple(code for code in languages() if _readable(code))
"""The languages free text is read in: those myoguide speaks that have a lexicon file and a
grammar file."""


def parse(text: str, today: date | None = None, *, language: str = ENGLISH) -> Parsed:
    """Read ``text`` into answers; dates such as "since Tuesday" count back from ``today``.
    ``language`` is the text's: one of :data:`LANGUAGES`."""
    if language not in LANGUAGES:
        raise ValueError(f"language: free text is read in {', '.join(LANGUAGES)}, not {language!r}")
    from .reader import read

    return read(text, today or date.today(), language)


def __getattr__(name: str) -> Any:
    # The models load pydantic: only when asked for, as in the package's own __init__.
    if name in {"Finding", "Parsed"}:
        from . import models

        return getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
