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
    fields = assessment.__dict__
    parts = [b""] * (2 * len(_KEYS) + 1)
    for position, (field, key) in enumerate(_KEYS):
        parts[2 * position] = key
        parts[2 * position + 1] = _json(fields[field])
    parts[-1] = b"}"
    return b"".join(parts)  # one copy of the whole text, however long it is


# Each field's key, with what comes before it: `{` for the first, a comma for the others.
_KEYS = [
    (field, (b"," if position else b"{") + b'"' + field.encode() + b'":')
    for position, field in enumerate(Assessment.model_fields)
]


def _json(value: Any) -> bytes:
    if isinstance(value, tuple):
        key: object = tuple(map(id, value))
    elif isinstance(value, BaseModel | str):
        # Strings too: the engine shares them between results (explanations, the disclaimer).
        key = id(value)
    else:
        return to_json(value)
    made = _made.get(key)
    if made is not None:
        return made[1]
    if isinstance(value, tuple):
        text = b"[" + b",".join(map(_json, value)) + b"]"
    elif isinstance(value, str):
        text = to_json(value)
    else:
        text = value.model_dump_json().encode()
    if len(_made) >= _LIMIT:
        _made.clear()
    _made[key] = (value, text)
    return text
