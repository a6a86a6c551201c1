"""FHIR JSON from the ``fhir.resources`` models, the same as ``model_dump_json`` gives, faster.

The models' own serializer re-reads every field's metadata for every element of every
model (an Extension has some fifty possible value fields), which made writing an
assessment's Bundle take most of a request's time. Here each class's fields are read once;
values are then written the models' way (the same element order, ``resourceType`` first,
``_field`` extensions after their field, empty lists left out, primitives through the
models' own conversion). ``tests/test_fhir.py`` checks the output is byte for byte
``model_dump_json``'s for every resource the endpoints return.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fhir_core.fhirabstractmodel import FHIR_COMMENTS_FIELD_NAME, FHIRAbstractModel
from fhir_core.utils import is_primitive_type
from pydantic.fields import FieldInfo
from pydantic_core import to_json

__all__ = ["fhir_dict", "fhir_json"]

_PLAIN = (str, bool, int, float)
"""Primitive values the models write as they are."""

_Field = tuple[str, str, bool, FieldInfo, str | None, str | None]
"""(attribute, JSON key, primitive, field info, extension attribute, its JSON key)."""


def fhir_json(model: FHIRAbstractModel) -> bytes:
    """The model as compact FHIR JSON (UTF-8), as ``model.model_dump_json()`` writes it."""
    return to_json(fhir_dict(model))


def fhir_dict(model: FHIRAbstractModel) -> dict[str, Any]:
    """The model as a dict ready for JSON, in FHIR's element order."""
    cls = type(model)
    values = model.__dict__
    out: dict[str, Any] = {}
    resource_type, fields, positions = _fields(cls)
    if resource_type is not None:
        out["resourceType"] = resource_type
    # Only the fields given can hold a value (every FHIR element defaults to None): a model
    # has a few of its many possible elements, so those are the ones looked at.
    given = sorted({positions[name] for name in model.__pydantic_fields_set__ if name in positions})
    for position in given:
        attribute, key, primitive, info, extension, extension_key = fields[position]
        value = values.get(attribute)
        if value is not None and not (type(value) is list and not value):
            out[key] = _primitive(model, value, info) if primitive else _complex(value)
        if extension is not None:
            extra = values.get(extension)
            written = _complex(extra) if extra is not None else None
            if written:
                out[extension_key or extension] = written
    comments = values.get(FHIR_COMMENTS_FIELD_NAME)
    if comments is not None and not model.__fhir_serialization_exclude_comment__:
        out[FHIR_COMMENTS_FIELD_NAME] = comments
    return out


def _complex(value: Any) -> Any:
    if isinstance(value, list):
        return [_complex(element) for element in value]
    if isinstance(value, FHIRAbstractModel):
        return fhir_dict(value)
    return value


def _primitive(model: FHIRAbstractModel, value: Any, info: FieldInfo) -> Any:
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, list):
        return [_primitive(model, element, info) for element in value]
    # Decimals, UUIDs and bytes: the models' own conversion.
    return model._serialize_primitive_value(value, info)


@cache
def _fields(
    cls: type[FHIRAbstractModel],
) -> tuple[str | None, tuple[_Field, ...], dict[str, int]]:
    """The class's resource type (None for a data type), its elements in FHIR's order, and
    the position of each attribute among them (a ``_field`` extension's: its field's)."""
    aliases = cls.get_alias_mapping()
    model_fields = cls.model_fields
    fields: list[_Field] = []
    for element in cls.elements_sequence():
        attribute = aliases[element]
        info = model_fields[attribute]
        primitive = is_primitive_type(info)
        extension = f"{attribute}__ext" if primitive else None
        extension_info = model_fields.get(extension) if extension else None
        fields.append(
            (
                attribute,
                info.alias or attribute,
                primitive,
                info,
                extension if extension_info is not None else None,
                extension_info.alias if extension_info is not None else None,
            )
        )
    positions = {}
    for position, (attribute, _, _, _, extension, _) in enumerate(fields):
        positions[attribute] = position
        if extension is not None:
            positions[extension] = position
    resource_type = cls.get_resource_type() if cls.has_resource_base() else None
    return resource_type, tuple(fields), positions
