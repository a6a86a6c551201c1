"""Error bodies of the JSON API, the same for every endpoint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from ..errors import pydantic_message
from ..i18n import ENGLISH


class Problem(BaseModel):
    """An error that is not about one field: what went wrong, in words."""

    detail: str


class FieldProblem(BaseModel):
    """One invalid input: `field` names it as a dotted path (`factors.nicotine`)."""

    loc: list[str | int]
    msg: str
    type: str
    field: str


class ValidationProblem(BaseModel):
    """422: the input was not valid; one item per problem."""

    detail: list[FieldProblem]


def validation_detail(
    errors: Sequence[Mapping[str, Any]], language: str = ENGLISH
) -> dict[str, Any]:
    """The 422 body for pydantic's errors: each names its field, or `body` for the whole;
    `msg` is in `language` (English as pydantic wrote it), `type`, `loc` and `field` the same
    in every language. A `msg` may be a Said (a sentence of ours with its values)."""
    detail = []
    for item in errors:
        loc = [part for part in item["loc"] if part != "body"]
        field = "" if item["type"] == "json_invalid" else ".".join(_sendable(part) for part in loc)
        detail.append(
            {
                "loc": [part if isinstance(part, int) else _sendable(part) for part in item["loc"]],
                "msg": pydantic_message(item, language),
                "type": str(item["type"]),
                "field": field or "body",
            }
        )
    return {"detail": detail}


def _sendable(part: object) -> str:
    """A place in the input as UTF-8 can carry it: a dict key sent with half a character
    (a lone surrogate) is named with its escape, so the 422 itself cannot fail."""
    return str(part).encode("utf-8", "backslashreplace").decode("utf-8")
