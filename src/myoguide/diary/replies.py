"""Reading what people type into the diary's fields: "left calf", "Cramp", "7/10".

Shared by the terminal's questions and the web forms' free-text fields, so both accept the
same words. Each reader returns the model's value or raises ReplyError with a plain reason.
In another language a reader also takes the words its catalogue gives (the English ones
always read), and gives its reason in that language.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import get_args

from ..answers import Region
from ..i18n import ENGLISH, N_, gettext_for
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
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", "none"}
_EXERCISE: dict[str, Exercise] = {
    **dict.fromkeys(("none", "no", "nothing", "0"), "none"),
    **dict.fromkeys(("light", "some", "a little", "easy", "gentle"), "light"),
    **dict.fromkeys(("heavy", "hard", "a lot", "intense"), "heavy"),
}


# The words each reply takes in another language, from its catalogue (comma separated).
_KIND_WORDS: dict[DiaryKind, str] = {
    # TRANSLATORS: words a person may type for a twitch, separated by commas.
    "twitch": N_("twitch, twitches, twitching"),
    # TRANSLATORS: words a person may type for a spasm or a cramp, separated by commas.
    "spasm": N_("spasm, spasms, cramp, cramps"),
}
_EXERCISE_WORDS: dict[Exercise, str] = {
    # TRANSLATORS: words a person may type for no exercise, separated by commas.
    "none": N_("none, no, nothing"),
    # TRANSLATORS: words a person may type for light exercise, separated by commas.
    "light": N_("light, some, a little"),
    # TRANSLATORS: words a person may type for heavy exercise, separated by commas.
    "heavy": N_("heavy, hard, a lot"),
}
_YES_WORDS = N_("y, yes")
_NO_WORDS = N_("n, no")
_PLACE_WORDS: dict[str, str] = {
    # TRANSLATORS: a place on the body, then other words for it, separated by commas; the
    # first is the one shown in the list of places.
    "eyelid": N_("eyelid"),
    "face": N_("face"),
    "neck": N_("neck"),
    "shoulder": N_("shoulder"),
    "shoulder_blade": N_("shoulder blade"),
    "upper_back": N_("upper back"),
    "lower_back": N_("lower back"),
    "chest": N_("chest"),
    "abdomen": N_("abdomen"),
    "arm": N_("arm"),
    "hand": N_("hand"),
    "thumb": N_("thumb"),
    "hip": N_("hip"),
    "thigh": N_("thigh"),
    "knee": N_("knee"),
    "calf": N_("calf"),
    "foot": N_("foot"),
    "whole_body": N_("whole body"),
}
# TRANSLATORS: words around a place that do not change it ("left calf"), separated by commas.
_SIDE_WORDS = N_("left, right, both, my, the")
_UNCLEAR_WORDS = {
    # TRANSLATORS: words for the leg, which is too vague a place, separated by commas.
    N_("leg, legs"): N_("thigh, knee, calf or foot"),
    # TRANSLATORS: words for the back, which is too vague a place, separated by commas.
    N_("back, backs"): N_("upper back or lower back"),
}
# TRANSLATORS: words that join two places ("calf and foot"), separated by commas.
_AND_WORDS = N_("and")
# TRANSLATORS: words between a score and its 10 ("7 out of 10", "7/10"), separated by commas.
_SCALE_WORDS = N_("out of, of, /")


class ReplyError(ValueError):
    """A reply that cannot be read; the message says what to type instead."""


def _words(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def _plain(text: str) -> str:
    """Words without accents, as people often type them ("parpado" for "párpado")."""
    decomposed = unicodedata.normalize("NFKD", _words(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _unaccented(text: str) -> str:
    """The text in lower case without accents, every other character as it is."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _translated(words: str, language: str) -> list[str]:
    """A catalogue's comma-separated words, as replies are compared."""
    if language == ENGLISH:
        return []
    return [_plain(word) for word in gettext_for(language)(words).split(",") if word.strip()]


def places(language: str = ENGLISH) -> list[str]:
    """The places, as a person writes them in ``language``, in the order of the region ids."""
    if language == ENGLISH:
        return list(PLACES)
    _ = gettext_for(language)
    return [_(_PLACE_WORDS[region]).split(",")[0].strip() for region in REGIONS]


def read_kind(text: str, language: str = ENGLISH) -> DiaryKind:
    kind = _KINDS.get(_words(text))
    if kind is None:
        reply = _plain(text)
        kind = next((k for k, w in _KIND_WORDS.items() if reply in _translated(w, language)), None)
    if kind is None:
        raise ReplyError(gettext_for(language)(N_("type twitch, or spasm (a cramp is a spasm)")))
    return kind


def read_region(text: str, language: str = ENGLISH) -> str:
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
    _ = gettext_for(language)
    unclear = dict(_UNCLEAR)
    if language != ENGLISH:
        found = _translated_region(text, language)
        if found is not None:
            return found
        for vague, parts in _UNCLEAR_WORDS.items():
            unclear |= dict.fromkeys(_translated(vague, language), parts)
        loose = _without_sides(text, language)
    if loose in unclear:
        message = _("{reply}: which part? Say {places}")
        raise ReplyError(message.format(reply=repr(text.strip()), places=_(unclear[loose])))
    message = _("{reply} is not a place on the list: {places}")
    raise ReplyError(message.format(reply=repr(text.strip()), places=", ".join(places(language))))


def _without_sides(text: str, language: str) -> str:
    sides = _SIDES | set(_translated(_SIDE_WORDS, language))
    return " ".join(word for word in _plain(text).split() if word not in sides)


def _translated_region(text: str, language: str) -> str | None:
    """A place in ``language``'s words: "pantorrilla izquierda", "parpado"."""
    for reply in dict.fromkeys((_plain(text), _without_sides(text, language))):
        for region, words in _PLACE_WORDS.items():
            names = _translated(words, language)
            if reply in names or reply in {name + "s" for name in names}:
                return region
    return None


def read_regions(text: str, language: str = ENGLISH) -> list[str]:
    """Places separated by commas, semicolons or "and"; each read as `read_region` does."""
    joins = "|".join(
        rf"\b{re.escape(word)}\b" for word in ["and", *_translated(_AND_WORDS, language)]
    )
    parts = [part for part in re.split(rf",|;|{joins}|&", text) if part.strip()]
    if not parts:
        message = gettext_for(language)("name at least one place: {places}")
        raise ReplyError(message.format(places=", ".join(places(language))))
    return list(dict.fromkeys(read_region(part, language) for part in parts))


@cache
def _scale(language: str) -> re.Pattern[str]:
    """A score out of 10 in the English words ("7/10", "7 out of 10") or the language's."""
    english = [word.strip() for word in _SCALE_WORDS.split(",")]
    words = dict.fromkeys([*english, *_translated(_SCALE_WORDS, language)])
    joins = "|".join(r"\s+".join(map(re.escape, word.split())) for word in words)
    return re.compile(rf"^\s*(\d+(?:[.,]\d+)?)\s*(?:{joins})\s*10\s*$")


def read_scale(text: str, language: str = ENGLISH) -> int:
    """A whole number from 0 to 10: "7", "7/10", "7 out of 10"."""
    match = _scale(language).match(_unaccented(text)) or _NUMBER.match(text)
    problem = N_("give a whole number from 0 to 10, for example 7")
    if match is None or (match.re is _NUMBER and match.group(2)):
        raise ReplyError(gettext_for(language)(problem))
    number = float(match.group(1).replace(",", "."))
    if not number.is_integer() or not 0 <= number <= 10:
        raise ReplyError(gettext_for(language)(problem))
    return int(number)


def read_amount(text: str, most: float, language: str = ENGLISH) -> float:
    """A number from 0 to `most`, with a unit word or not: "6.5", "6,5", "3 cups", "7h"."""
    _ = gettext_for(language)
    match = _NUMBER.match(text)
    if match is None:
        raise ReplyError(_(N_("give a number, for example 3 or 6.5")))
    number = float(match.group(1).replace(",", "."))
    if number > most:
        raise ReplyError(_("give a number from 0 to {most}").format(most=f"{most:g}"))
    return number


def read_exercise(text: str, language: str = ENGLISH) -> Exercise:
    exercise = _EXERCISE.get(_words(text))
    if exercise is None:
        reply = _plain(text)
        words = _EXERCISE_WORDS.items()
        exercise = next((e for e, w in words if reply in _translated(w, language)), None)
    if exercise is None:
        raise ReplyError(gettext_for(language)(N_("type none, light or heavy")))
    return exercise


def read_yes_no(text: str, language: str = ENGLISH) -> bool:
    word = _words(text)
    if word in _YES | _NO:
        return word in _YES
    if _plain(text) in _translated(_YES_WORDS, language):
        return True
    if _plain(text) in _translated(_NO_WORDS, language):
        return False
    raise ReplyError(gettext_for(language)(N_("type yes or no")))
