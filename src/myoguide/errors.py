"""Turning invalid input into messages that name the field, for every interface, in the
reader's language (English as it always was; every other language from the catalogue)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from .i18n import ENGLISH, N_, Said, format_number, translations

HALF_CHARACTER = N_(
    "holds half of a character (a lone surrogate such as \\ud83d), which cannot be stored:"
    " send the whole character"
)
NUL_CHARACTER = N_("holds a NUL character (\\0), which cannot be stored: remove it")

# Pydantic's own errors in words of ours, by type: English keeps pydantic's text exactly
# (these say the same), every other language says these. Placeholders are the error's ctx.
PYDANTIC_SENTENCES: dict[str, str] = {
    "missing": N_("field required"),
    "extra_forbidden": N_("extra inputs are not permitted"),
    "literal_error": N_("input should be {expected}"),
    "enum": N_("input should be {expected}"),
    "string_type": N_("input should be a valid string"),
    "string_sub_type": N_("input should be a valid string"),
    "string_unicode": HALF_CHARACTER,
    "string_pattern_mismatch": N_("input should have the form the schema gives"),
    "int_type": N_("input should be a valid integer"),
    "int_parsing": N_("input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("input should be a valid integer, got a number with a fractional part"),
    "int_parsing_size": N_("unable to parse input string as an integer, exceeded maximum size"),
    "float_type": N_("input should be a valid number"),
    "float_parsing": N_("input should be a valid number, unable to parse string as a number"),
    "finite_number": N_("input should be a finite number"),
    "multiple_of": N_("input should be a multiple of {multiple_of}"),
    "greater_than": N_("input should be greater than {gt}"),
    "greater_than_equal": N_("input should be greater than or equal to {ge}"),
    "less_than": N_("input should be less than {lt}"),
    "less_than_equal": N_("input should be less than or equal to {le}"),
    "bool_type": N_("input should be a valid boolean"),
    "bool_parsing": N_("input should be a valid boolean, unable to interpret input"),
    "none_required": N_("input should be null"),
    "list_type": N_("input should be a valid list"),
    "tuple_type": N_("input should be a valid list"),
    "set_type": N_("input should be a valid list"),
    "dict_type": N_("input should be a valid dictionary"),
    "mapping_type": N_("input should be a valid dictionary"),
    "model_type": N_("input should be an object"),
    "model_attributes_type": N_(
        "input should be a valid dictionary or object to extract fields from"
    ),
    "dataclass_type": N_("input should be an object"),
    "date_type": N_("input should be a valid date"),
    "date_parsing": N_("input should be a valid date in the format YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("input should be a valid date or datetime"),
    "date_from_datetime_inexact": N_(
        "datetimes provided to dates should have zero time - e.g. be exact dates"
    ),
    "date_past": N_("date should be in the past"),
    "date_future": N_("date should be in the future"),
    "datetime_type": N_("input should be a valid datetime"),
    "datetime_parsing": N_("input should be a valid datetime"),
    "datetime_object_invalid": N_("invalid datetime object"),
    "datetime_from_date_parsing": N_("input should be a valid datetime or date"),
    "timezone_naive": N_("input should not have timezone info"),
    "timezone_aware": N_("input should have timezone info"),
    "time_type": N_("input should be a valid time"),
    "time_parsing": N_("input should be a valid time"),
    "json_invalid": N_("invalid JSON"),
    "json_type": N_("JSON input should be string, bytes or bytearray"),
    "value_error": N_("value error"),
    "assertion_error": N_("assertion failed"),
    "union_tag_invalid": N_("input tag {tag} does not match any of the expected tags"),
    "union_tag_not_found": N_("unable to extract tag using discriminator {discriminator}"),
    "is_instance_of": N_("input should be an instance of {class}"),
    "frozen_instance": N_("instance is frozen"),
    "frozen_field": N_("field is frozen"),
    "url_type": N_("URL input should be a string or URL"),
    "url_parsing": N_("input should be a valid URL"),
    "uuid_type": N_("input should be a valid UUID"),
    "uuid_parsing": N_("input should be a valid UUID"),
    "decimal_type": N_("input should be a valid number"),
    "decimal_parsing": N_("input should be a valid number"),
}
# The ones that count: (one, more, the ctx value that counts).
PYDANTIC_COUNTED: dict[str, tuple[str, str, str]] = {
    "string_too_long": (
        N_("string should have at most {max_length} character"),
        N_("string should have at most {max_length} characters"),
        "max_length",
    ),
    "string_too_short": (
        N_("string should have at least {min_length} character"),
        N_("string should have at least {min_length} characters"),
        "min_length",
    ),
    "too_long": (
        N_("should have at most {max_length} item after validation, not {actual_length}"),
        N_("should have at most {max_length} items after validation, not {actual_length}"),
        "max_length",
    ),
    "too_short": (
        N_("should have at least {min_length} item after validation, not {actual_length}"),
        N_("should have at least {min_length} items after validation, not {actual_length}"),
        "min_length",
    ),
}
UNKNOWN_PROBLEM = N_("this value is not valid")
"""What any other language says for an error type not in the tables above."""
_POSITION = re.compile(r"line (\d+) column (\d+)")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with the input: where it is (a dotted field path) and what is wrong."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class Refused(ValueError):
    """A validator's refusal of a value (pydantic's `value_error`), with its sentence and the
    values it names, so every language can say it."""

    def __init__(self, message: str, **values: object) -> None:
        self.said = Said(message, values)
        super().__init__(str(self.said))


def refusal(kind: str, message: str, **values: object) -> PydanticCustomError:
    """An error of our own type `kind`: `message` (marked with N_) with the values it names,
    said in English by pydantic and in any language by :func:`field_problems`."""
    return PydanticCustomError(kind, "{said}", {"said": Said(message, values)})


def _location(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + part)
    return "".join(parts)


def _ours(error: Mapping[str, Any]) -> Said | None:
    """The sentence one of our validators refused with, if one did."""
    ctx = error.get("ctx") or {}
    for said in (error.get("msg"), ctx.get("said"), getattr(ctx.get("error"), "said", None)):
        if isinstance(said, Said):
            return said
    return None


def pydantic_message(error: Mapping[str, Any], language: str = ENGLISH) -> str:
    """What went wrong, without the field, as the API gives it: pydantic's own `msg` (or our
    validator's sentence) in English, the same said in the catalogue's words otherwise."""
    if language == ENGLISH:
        return str(error["msg"])
    ours = _ours(error)
    _ = translations(language).gettext
    if ours is not None:
        text = ours.translated(_)
    elif error["type"] == "json_invalid":
        text = _json_invalid(error, language)
    else:
        text = _pydantic_sentence(error, language)
    return f"{text[:1].upper()}{text[1:]}"


def _pydantic_sentence(error: Mapping[str, Any], language: str) -> str:
    """One of pydantic's errors in our words, in a language other than English."""
    catalogue = translations(language)
    kind = error["type"]
    ctx = {name: _said_value(value, language) for name, value in (error.get("ctx") or {}).items()}
    if kind in {"literal_error", "enum"}:
        ctx["expected"] = _alternatives(str(ctx.get("expected", "")), catalogue.gettext)
    if kind in {"value_error", "assertion_error"}:
        # Another validator's reason: said when the catalogue has it, never in English.
        reason = str((error.get("ctx") or {}).get("error", ""))
        said = catalogue.gettext(reason) if reason else reason
        return said if said != reason else catalogue.gettext(UNKNOWN_PROBLEM)
    counted = PYDANTIC_COUNTED.get(kind)
    if counted is not None:
        one, more, count = counted
        # One, or more: the two forms English and Spanish have (the catalogue's plural
        # entries would need ngettext's marker, which pydantic's pairs do not fit).
        template = catalogue.gettext(one if (error.get("ctx") or {}).get(count) == 1 else more)
    else:
        template = catalogue.gettext(PYDANTIC_SENTENCES.get(kind, UNKNOWN_PROBLEM))
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return catalogue.gettext(UNKNOWN_PROBLEM)


def _said_value(value: object, language: str) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, language)
    return value


def _alternatives(expected: str, gettext: Callable[[str], str]) -> str:
    """pydantic's "'a', 'b' or 'c'" with the language's word for "or"."""
    choices, found, last = expected.rpartition(" or ")
    return gettext("{choices} or {last}").format(choices=choices, last=last) if found else expected


def _json_invalid(error: Mapping[str, Any], language: str) -> str:
    """Not JSON, said without the parser's English: where it stops, when it says so."""
    _ = translations(language).gettext
    where = _POSITION.search(str((error.get("ctx") or {}).get("error", "")))
    if where is None:
        return _("not valid JSON")
    return _("not valid JSON (line {line}, column {column})").format(
        line=where.group(1), column=where.group(2)
    )


def _message(error: Any, language: str) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    _ = translations(language).gettext
    ours = _ours(error)
    if kind == "extra_forbidden":
        return _("unknown field (see the contract for the fields that exist)")
    if kind == "missing":
        return _("this field is required")
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        if language != ENGLISH:
            expected = _alternatives(expected, _)
        return _("{value} is not one of the allowed values: {expected}").format(
            value=repr(value), expected=expected
        )
    if kind in {"in_the_future", "datetime_out_of_range", "text_unstorable"}:
        # It names the date or time already; it never holds the text: it may be private.
        return ours.translated(_) if ours is not None else str(error["msg"])
    if kind == "string_unicode":
        return _(HALF_CHARACTER)
    if kind == "string_too_long":
        # Never echo the text back: it may be long, and it may be private.
        limit = ctx.get("max_length")
        return _("too long: at most {limit} characters (this one has {length})").format(
            limit=limit, length=len(value)
        )
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("expected an object, got {value}").format(value=_describe(value, language))
    if language == ENGLISH:
        text = str(error["msg"])
        text = f"{text[0].lower()}{text[1:]}"
    elif ours is not None:
        text = ours.translated(_)
    else:
        text = _pydantic_sentence(error, language)
    if isinstance(value, dict | list) and not kind.endswith("_type"):
        return text
    return _("{problem}, got {value}").format(problem=text, value=_describe(value, language))


def _describe(value: Any, language: str) -> str:
    _ = translations(language).gettext
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _("the text {text}").format(text=repr(value))
    if isinstance(value, int | float):
        return _("the number {number}").format(number=repr(value))
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return type(value).__name__


def field_problems(error: ValidationError, *, language: str = ENGLISH) -> list[FieldProblem]:
    """Every problem in a validation error, named by its field path, in `language`."""
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        if item["type"] == "json_invalid":
            if language == ENGLISH:
                message = f"not valid JSON: {item['ctx']['error']}"
            else:
                message = _json_invalid(item, language)
            problems.append(FieldProblem("", message))
            continue
        problems.append(FieldProblem(_location(loc), _message(item, language)))
    return problems


# The json module's reasons (its `msg`, without the place), in words of ours: English keeps
# the module's text exactly, every other language says these.
JSON_SENTENCES: dict[str, str] = {
    "Expecting value": N_("a value is missing here"),
    "Expecting property name enclosed in double quotes": N_(
        "a field's name in double quotes should come here"
    ),
    "Expecting ':' delimiter": N_("a colon (:) is missing after a field's name"),
    "Expecting ',' delimiter": N_("a comma (,) is missing between two values"),
    "Unterminated string starting at": N_("a text in quotes is never closed"),
    "Invalid control character at": N_(
        "a text in quotes holds a control character (such as a line break)"
    ),
    "Invalid \\escape": N_("a text in quotes holds a backslash (\\) where it cannot go"),
    "Invalid \\uXXXX escape": N_("a text in quotes holds a \\u that is not four hex digits"),
    "Extra data": N_("there is more after the end of the JSON"),
    "Illegal trailing comma before end of object": N_("a comma (,) is left before the }"),
    "Illegal trailing comma before end of array": N_("a comma (,) is left before the ]"),
}
UNKNOWN_JSON_PROBLEM = N_("not valid JSON at line {line}, column {column}")
"""What any other language says for a reason of the json module not in the table above."""


def json_reason(error: ValueError, language: str = ENGLISH) -> str:
    """Why text is not JSON (a json.JSONDecodeError's `msg`), in `language`: the json
    module's own words in English, the same said in the catalogue's words otherwise."""
    msg = str(getattr(error, "msg", error))
    if language == ENGLISH:
        return msg
    _ = translations(language).gettext
    # The pure-Python decoder names the character ("Invalid \\escape: 'x'"); the C one does not.
    sentence = (
        JSON_SENTENCES.get(msg)
        or JSON_SENTENCES.get(msg.split(": ")[0])
        or JSON_SENTENCES.get(re.sub(r" '.*' at$", " at", msg))
    )
    if sentence is not None:
        return _(sentence)
    return _(UNKNOWN_JSON_PROBLEM).format(
        line=getattr(error, "lineno", "?"), column=getattr(error, "colno", "?")
    )


# The operating system's reasons (an OSError's strerror), by errno: English keeps the
# system's text exactly, every other language says these.
OS_SENTENCES: dict[str, str] = {
    "ENOENT": N_("there is no such file or folder"),
    "EACCES": N_("you do not have permission"),
    "EPERM": N_("the system does not allow it"),
    "EISDIR": N_("it is a folder, not a file"),
    "ENOTDIR": N_("part of the path is not a folder"),
    "ENAMETOOLONG": N_("the file's name is too long"),
    "ENOSPC": N_("there is no space left on the disk"),
    "EDQUOT": N_("your disk quota is used up"),
    "EROFS": N_("the disk can only be read, not written"),
    "EEXIST": N_("it exists already"),
    "ELOOP": N_("the path goes round in a loop of links"),
    "EFBIG": N_("the file is too large"),
    "EIO": N_("the disk could not be read or written"),
    "EBUSY": N_("the file is in use"),
    "ETXTBSY": N_("the file is in use"),
    "EMFILE": N_("too many files are open"),
    "ENFILE": N_("too many files are open"),
    "EINVAL": N_("the name or the path is not valid"),
    "EADDRINUSE": N_("the address is in use already"),
    "EADDRNOTAVAIL": N_("the address is not one of this computer's"),
}
UNKNOWN_OS_PROBLEM = N_("the system refused ({name})")
"""What any other language says for an errno not in the table above."""
NOT_UTF8 = N_("it is not UTF-8 text")


def os_reason(error: OSError | UnicodeDecodeError, language: str = ENGLISH) -> str:
    """Why a file could not be read or written, in `language`: the system's own words
    (its strerror) in English, the same said in the catalogue's words otherwise."""
    import errno

    if language == ENGLISH:
        return getattr(error, "strerror", None) or str(error)
    _ = translations(language).gettext
    if isinstance(error, UnicodeDecodeError):
        return _(NOT_UTF8)
    name = errno.errorcode.get(error.errno or 0, "")
    sentence = OS_SENTENCES.get(name)
    if sentence is not None:
        return _(sentence)
    return _(UNKNOWN_OS_PROBLEM).format(name=name or type(error).__name__)
