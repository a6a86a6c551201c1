"""The small words the reader's rules lean on, per language: who a text is about, how a
number or a time is said, what joins two amounts. They are data, ``grammar.yaml`` for English
and ``grammar.<language>.yaml`` for another, beside the lexicons in the knowledge folder; the
rules that use them are the reader's code. So a language is a lexicon file and a grammar file.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)

from ..knowledge import ENGLISH, KnowledgeError, data_dir, read_data
from . import grammar_file


class Grammar(BaseModel):
    """Function words of one language, as the reader's rules use them. Every key is required
    in the file, so that a new language says each one, if only as an empty list."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    spacy: StrictStr
    """spaCy's blank pipeline and medspaCy's ConText rules for the language."""
    weekdays: dict[str, StrictInt]
    months: dict[str, StrictInt]
    possessive: frozenset[str]
    """'my son': the words before a subject that make the text about them."""
    not_subject: frozenset[str]
    """'my dad had ALS': a relative's history, not the person written about."""
    third_person: frozenset[str]
    first_person: frozenset[str]
    number_fillers: frozenset[str]
    article: frozenset[str]
    """'a couple of': the article before a number word."""
    of: frozenset[str]
    counted_with_of: frozenset[str]
    range_words: frozenset[str]
    unit_fillers: frozenset[str]
    amount_joins: frozenset[str]
    per_week: StrictStr
    """A regular expression for 'a week' after an amount: the amount is weekly."""
    onset_before: frozenset[str]
    onset_after: frozenset[str]
    rate_before: frozenset[str]
    every: frozenset[str]
    pregnant: frozenset[str]
    short_units: frozenset[str]
    """Hours and minutes: said with 'ago' they date today."""
    ago_after: frozenset[str]
    ago_before: frozenset[str]
    relative_days: dict[str, StrictInt]
    """'yesterday': days ago said in one word."""
    weekday_before: frozenset[str]
    month_before: frozenset[str]
    negations: frozenset[str]
    """Words that deny inside a phrase ('can't swallow'): the phrase is read as written."""
    list_or: frozenset[str]
    new_time: frozenset[str]
    age_before: frozenset[str]
    age_years: frozenset[str]
    people: frozenset[str]
    """'una mujer de 45 años': words for a person whose years, said after, are an age."""
    years_say_age: StrictBool
    """'tengo 34 años': years had, said without 'old', are an age."""
    fold_accents: StrictBool
    """Match words without their accents: people often type 'parpado' for 'párpado'."""
    last_after: frozenset[str]
    """'la semana pasada', 'el martes pasado': the word after a unit or a day that makes it
    the last one."""
    this_before: frozenset[str]
    parts_of_day: frozenset[str]
    """'esta mañana': 'this' and a part of the day are today."""
    whole_phrases: frozenset[str]
    """Fields whose phrases, in this language, hold words that alone mean another answer."""

    @field_validator("per_week")
    @classmethod
    def _a_regular_expression(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a regular expression: {error}") from error
        return value


def fold(text: str) -> str:
    """Text without accents, letter for letter so that places in it stay: 'párpado' is
    'parpado'; 'ñ' stays, it is a letter of its own."""
    return "".join(_fold_letter(c) for c in text)


def _fold_letter(letter: str) -> str:
    if letter in "ñÑ":
        return letter
    bare = "".join(
        c for c in unicodedata.normalize("NFD", letter) if unicodedata.category(c) != "Mn"
    )
    return bare if len(bare) == 1 else letter


def _folded(grammar: Grammar) -> Grammar:
    """The grammar's words without accents, as the text it reads."""
    changes: dict[str, object] = {}
    for name in type(grammar).model_fields:
        value = getattr(grammar, name)
        if isinstance(value, frozenset):
            changes[name] = frozenset(fold(w) for w in value)
        elif isinstance(value, dict):
            changes[name] = {fold(k): v for k, v in value.items()}
    return grammar.model_copy(update=changes)


def load_grammar(language: str = ENGLISH, directory: Path | str | None = None) -> Grammar:
    """The grammar of ``language``, validated: a missing, extra or wrongly typed key is an
    error naming the file and the key. Words are as written; see :func:`grammar`."""
    if directory is None:
        return _packaged(language)
    return _load(Path(directory), language)


@cache
def _packaged(language: str) -> Grammar:
    return _load(data_dir(), language)


def _load(directory: Path, language: str) -> Grammar:
    name = grammar_file(language)
    if not (directory / name).is_file():
        raise KnowledgeError(f"no free-text grammar in language {language!r}")
    raw = read_data(directory, name)
    try:
        return Grammar.model_validate(raw)
    except ValidationError as error:
        problems = [
            f"{name}: {'.'.join(str(part) for part in problem['loc']) or '(top)'}: {problem['msg']}"
            for problem in error.errors()
        ]
        raise KnowledgeError("\n".join(problems)) from error


@cache
def reader_grammar(language: str) -> Grammar:
    """The grammar as the reader uses it: without accents when the language reads text so."""
    loaded = load_grammar(language)
    return _folded(loaded) if loaded.fold_accents else loaded
