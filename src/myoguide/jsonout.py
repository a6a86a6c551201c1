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
# A part's identity -> (the part, its JSON). Keeping the part alive keeps its identity from
# being reused. A model is known by its id; a tuple by its items' ids, since pydantic copies
# tuples when it builds a result but keeps the (shared) models inside them.
_made: dict[object, tuple[object, bytes]] = {}


def assessment_json(assessment: Assessment) -> bytes:
    """The assessment as compact JSON (UTF-8), equal to ``model_dump_json()``."""
    parts = [
        b'"' + name.encode() + b'":' + _json(getattr(assessment, name))
        for name in Assessment.model_fields
    ]
    return b"{" + b",".join(parts) + b"}"


def _json(value: Any) -> bytes:
    if isinstance(value, tuple):
        key: object = tuple(map(id, value))
    elif isinstance(value, BaseModel):
        key = id(value)
    else:
        return to_json(value)
    made = _made.get(key)
    if made is not None:
        return made[1]
    if isinstance(value, tuple):
        text = b"[" + b",".join(map(_json, value)) + b"]"
    else:
        text = value.model_dump_json().encode()
    if len(_made) >= _LIMIT:
        _made.clear()
    _made[key] = (value, text)
    return text
