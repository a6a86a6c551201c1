"""myoguide: explains muscle twitches and spasms, with every statement cited.

The public API is loaded lazily so that the command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Answers",
    "Assessment",
    "Knowledge",
    "Parsed",
    "Question",
    "__version__",
    "assess",
    "load_knowledge",
    "next_question",
    "parse",
]

if TYPE_CHECKING:
    from .answers import Answers
    from .assessment import Assessment
    from .engine import assess
    from .freetext import Parsed, parse
    from .interview import Question, next_question
    from .knowledge import Knowledge, load_knowledge

_LAZY = {
    "Answers": "answers",
    "Assessment": "assessment",
    "assess": "engine",
    "Knowledge": "knowledge",
    "load_knowledge": "knowledge",
    "Question": "interview",
    "next_question": "interview",
    "parse": "freetext",
    "Parsed": "freetext",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'myoguide' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)
