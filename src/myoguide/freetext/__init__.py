"""Free text: what a person wrote, read into answers (CONTRACT.md §7).

The NLP libraries load on the first call of ``parse``, never on import, and so do pydantic
and the language files: the command line starts as fast as before.
"""

from __future__ import annotations

import os
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Finding, Parsed

__all__ = ["LANGUAGES", "MAX_TEXT", "Finding", "Parsed", "parse"]

ENGLISH = "en"
# The knowledge folder (myoguide.knowledge.data_dir()), found without importing the knowledge
# package, which loads pydantic and YAML.
_DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "knowledge", "data")

MAX_TEXT = 5000
"""Characters of a description read at most: a long one, far below any request limit."""


def lexicon_file(language: str) -> str:
    """The file of the reader's lay words in ``language``, in the knowledge folder."""
    return "lexicon.yaml" if language == ENGLISH else f"lexicon.{language}.yaml"


def grammar_file(language: str) -> str:
    """The file of the reader's function words in ``language``, beside its lexicon."""
    return "grammar.yaml" if language == ENGLISH else f"grammar.{language}.yaml"


def _languages(directory: str) -> tuple[str, ...]:
    files = set(os.listdir(directory))
    found = {
        name.split(".")[1]
        for name in files
        if name.startswith("grammar.") and name.count(".") == 2 and name.endswith(".yaml")
    }
    others = sorted(code for code in found if code.isalpha() and lexicon_file(code) in files)
    english = [ENGLISH] if {lexicon_file(ENGLISH), grammar_file(ENGLISH)} <= files else []
    return (*english, *others)


LANGUAGES = _languages(_DATA_DIR)
"""The languages free text is read in: those with a lexicon file and a grammar file."""


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
