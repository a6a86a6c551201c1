"""The contract JSON of an assessment, fast.

Results share their frozen parts (see the engine), so the JSON of each part is made once
and reused. The output is byte for byte what ``Assessment.model_dump_json()`` gives; a
property test holds it to that.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json

from .assessment import Assessment

__all__ = ["assessment_json"]

_LIMIT = 100_000
# id -> (the part itself, its JSON). Holding the part keeps its id from being reused.
_made: dict[int, tuple[object, bytes]] = {}


def assessment_json(assessment: Assessment) -> bytes:
    """The assessment as compact JSON (UTF-8), equal to ``model_dump_json()``."""
    parts = [
        b'"' + name.encode() + b'":' + _json(getattr(assessment, name))
        for name in Assessment.model_fields
    ]
    return b"{" + b",".join(parts) + b"}"


def _json(value: Any) -> bytes:
    if isinstance(value, tuple):
        return b"[" + b",".join(map(_json, value)) + b"]"
    if not isinstance(value, BaseModel):
        return to_json(value)
    made = _made.get(id(value))
    if made is not None and made[0] is value:
        return made[1]
    text = value.model_dump_json().encode()
    if len(_made) >= _LIMIT:
        _made.clear()
    _made[id(value)] = (value, text)
    return text
