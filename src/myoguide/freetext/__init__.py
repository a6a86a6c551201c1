"""Free text: what a person wrote, read into answers (CONTRACT.md §7).

The NLP libraries load on the first call of ``parse``, never on import, so the command line
starts as fast as before.
"""

from __future__ import annotations

from datetime import date

from .models import Finding, Parsed

__all__ = ["LANGUAGES", "MAX_TEXT", "Finding", "Parsed", "parse"]

LANGUAGES = ("en", "es")
"""The languages free text is read in: a lexicon file and a grammar each."""

MAX_TEXT = 5000
"""Characters of a description read at most: a long one, far below any request limit."""


def parse(text: str, today: date | None = None, *, language: str = "en") -> Parsed:
    """Read ``text`` into answers; dates such as "since Tuesday" count back from ``today``.
    ``language`` is the text's: "en" or "es"."""
    if language not in LANGUAGES:
        raise ValueError(f"language: free text is read in {', '.join(LANGUAGES)}, not {language!r}")
    from .reader import read

    return read(text, today or date.today(), language)
