"""Turning invalid input into messages that name the field, for every interface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .i18n import N_

HALF_CHARACTER = N_(
    "holds half of a character (a lone surrogate such as \\ud83d), which cannot be stored:"
    " send the whole character"
)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with the input: where it is (a dotted field path) and what is wrong."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def _location(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + part)
    return "".join(parts)


def _message(error: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        return "unknown field (see the contract for the fields that exist)"
    if kind == "missing":
        return "this field is required"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{value!r} is not one of the allowed values: {expected}"
    if kind in {"in_the_future", "datetime_out_of_range"}:
        return str(error["msg"])  # it names the date or time already
    if kind == "text_unstorable":
        return str(error["msg"])  # never the text itself: it may be private
    if kind == "string_unicode":
        return HALF_CHARACTER
    if kind == "string_too_long":
        # Never echo the text back: it may be long, and it may be private.
        limit = error.get("ctx", {}).get("max_length")
        return f"too long: at most {limit} characters (this one has {len(value)})"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"expected an object, got {_describe(value)}"
    text = str(error["msg"])
    text = f"{text[0].lower()}{text[1:]}"
    if isinstance(value, dict | list) and not kind.endswith("_type"):
        return text
    return f"{text}, got {_describe(value)}"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def field_problems(error: ValidationError) -> list[FieldProblem]:
    """Every problem in a validation error, named by its field path."""
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        if item["type"] == "json_invalid":
            problems.append(FieldProblem("", f"not valid JSON: {item['ctx']['error']}"))
            continue
        problems.append(FieldProblem(_location(loc), _message(item)))
    return problems
