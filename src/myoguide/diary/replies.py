"""Reading what people type into the diary's fields: "left calf", "Cramp", "7/10".

Shared by the terminal's questions and the web forms' free-text fields, so both accept the
same words. Each reader returns the model's value or raises ReplyError with a plain reason.
"""

from __future__ import annotations

import re
from typing import get_args

from ..answers import Region
from ..i18n import N_
from .models import DiaryKind, Exercise

REGIONS: tuple[str, ...] = get_args(Region)
PLACES = tuple(region.replace("_", " ") for region in REGIONS)
"""The places as a person writes them ("lower back"), in the order of the region ids."""

_KINDS: dict[str, DiaryKind] = {
    **dict.fromkeys(("twitch", "twitches", "twitching", "twitchy", "flicker", "jump"), "twitch"),
    **dict.fromkeys(
        ("spasm", "spasms", "cramp", "cramps", "cramping", "charley horse", "charlie horse"),
        "spasm",
    ),
}
_SIDES = {"left", "right", "both", "my", "the"}
_OTHER_WORDS: dict[str, str] = {
    "eye": "eyelid",
    "eyes": "eyelid",
    "eye lid": "eyelid",
    "eyelids": "eyelid",
    "calves": "calf",
    "feet": "foot",
    "toe": "foot",
    "toes": "foot",
    "finger": "hand",
    "fingers": "hand",
    "belly": "abdomen",
    "stomach": "abdomen",
    "tummy": "abdomen",
    "everywhere": "whole_body",
    "all over": "whole_body",
    "all over the body": "whole_body",
    "body": "whole_body",
}
_UNCLEAR = {
    "leg": "thigh, knee, calf or foot",
    "legs": "thigh, knee, calf or foot",
    "back": "upper back or lower back",
}
_LETTERS = r"[^\W\d_]+"
# A number, then perhaps words of letters only ("3 cups"; "1e3" is not a number here).
_NUMBER = re.compile(rf"^\s*(\d+(?:[.,]\d+)?)\s*((?:{_LETTERS}\s*)*)$")
_SCALE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:/|out of|of)\s*10\s*$")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", "none"}
_EXERCISE: dict[str, Exercise] = {
    **dict.fromkeys(("none", "no", "nothing", "0"), "none"),
    **dict.fromkeys(("light", "some", "a little", "easy", "gentle"), "light"),
    **dict.fromkeys(("heavy", "hard", "a lot", "intense"), "heavy"),
}


class ReplyError(ValueError):
    """A reply that cannot be read; the message says what to type instead."""


def _words(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def read_kind(text: str) -> DiaryKind:
    kind = _KINDS.get(_words(text))
    if kind is None:
        raise ReplyError("type twitch, or spasm (a cramp is a spasm)")
    return kind


def read_region(text: str) -> str:
    """One place: "Calf", "left calf", "lower back", "calves"."""
    words = _words(text)
    if words in _OTHER_WORDS:
        return _OTHER_WORDS[words]
    if words.replace(" ", "_") in REGIONS:
        return words.replace(" ", "_")
    plain = " ".join(word for word in words.split() if word not in _SIDES)
    # "upper arm" is the arm; "upper back" stays a place of its own (found first).
    loose = " ".join(word for word in plain.split() if word not in {"upper", "lower"})
    for guess in (plain, plain.removesuffix("s"), loose, loose.removesuffix("s")):
        if guess in _OTHER_WORDS:
            return _OTHER_WORDS[guess]
        if guess.replace(" ", "_") in REGIONS:
            return guess.replace(" ", "_")
    if loose in _UNCLEAR:
        raise ReplyError(f"{text.strip()!r}: which part? Say {_UNCLEAR[loose]}")
    raise ReplyError(f"{text.strip()!r} is not a place on the list: {', '.join(PLACES)}")


def read_regions(text: str) -> list[str]:
    """Places separated by commas, semicolons or "and"; each read as `read_region` does."""
    parts = [part for part in re.split(r",|;|\band\b|&", text) if part.strip()]
    if not parts:
        raise ReplyError(f"name at least one place: {', '.join(PLACES)}")
    return list(dict.fromkeys(read_region(part) for part in parts))


def read_scale(text: str) -> int:
    """A whole number from 0 to 10: "7", "7/10", "7 out of 10"."""
    match = _SCALE.match(text.lower()) or _NUMBER.match(text)
    if match is None or (match.re is _NUMBER and match.group(2)):
        raise ReplyError(N_("give a whole number from 0 to 10, for example 7"))
    number = float(match.group(1).replace(",", "."))
    if not number.is_integer() or not 0 <= number <= 10:
        raise ReplyError(N_("give a whole number from 0 to 10, for example 7"))
    return int(number)


def read_amount(text: str, most: float) -> float:
    """A number from 0 to `most`, with a unit word or not: "6.5", "6,5", "3 cups", "7h"."""
    match = _NUMBER.match(text)
    if match is None:
        raise ReplyError(N_("give a number, for example 3 or 6.5"))
    number = float(match.group(1).replace(",", "."))
    if number > most:
        raise ReplyError(f"give a number from 0 to {most:g}")
    return number


def read_exercise(text: str) -> Exercise:
    exercise = _EXERCISE.get(_words(text))
    if exercise is None:
        raise ReplyError("type none, light or heavy")
    return exercise


def read_yes_no(text: str) -> bool:
    word = _words(text)
    if word in _YES | _NO:
        return word in _YES
    raise ReplyError("type yes or no")
