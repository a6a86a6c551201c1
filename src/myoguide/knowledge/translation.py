"""Translations of the knowledge base: one overlay per language, beside the English files.

``data/<language>/<file>.yaml`` holds only the text people read, at the same places as in
the English ``data/<file>.yaml``: entries by id, question options by value, other lists in
the English order. Each model declares which of its fields are text (``translatable``); ids,
rules, weights and citations come from the English file and an overlay cannot change them.
Every text must be there, and nothing else: a missing, extra, empty or untranslatable key
is an error naming the overlay file and the path inside it.
"""

from __future__ import annotations

import re
from typing import Any, get_args, get_origin

from pydantic import BaseModel

__all__ = ["overlay_files", "translate"]

_PLACEHOLDER = re.compile(r"\{\w*\}")
"""What the engine fills in ({value}, {kind}…): a translation keeps each one."""


def overlay_files(files: dict[str, Any]) -> list[str]:
    """The knowledge files that hold text to translate, given each file's annotation."""
    return [name for name, annotation in files.items() if _holds(annotation) is not None]


def translate(
    name: str, annotation: Any, english: Any, overlay: Any, language: str
) -> tuple[Any, list[str]]:
    """The English data of file ``name`` with the overlay's text in place, and the problems
    found (each naming ``<language>/<name>.yaml`` and the path)."""
    walk = _Walk(f"{language}/{name}.yaml", language)
    holder = _holds(annotation)
    if holder is not None:
        english = walk.container(*holder, english, overlay, "")
    return english, walk.problems


def _has_text(model: type[BaseModel], seen: frozenset[type] = frozenset()) -> bool:
    if getattr(model, "translatable", ()):
        return True
    return any(
        _holds(field.annotation, seen | {model}) is not None
        for field in model.model_fields.values()
    )


def _holds(annotation: Any, seen: frozenset[type] = frozenset()) -> tuple[str, Any] | None:
    """How a field holds models with text: ("one" | "list" | "dict", model), or None."""
    args = get_args(annotation)
    shape, model = {list: ("list", args[:1]), dict: ("dict", args[1:2])}.get(
        get_origin(annotation), ("one", (annotation,))
    )
    if not model or not isinstance(model[0], type) or not issubclass(model[0], BaseModel):
        return None
    if model[0] in seen or not _has_text(model[0], seen):
        return None
    return shape, model[0]


class _Walk:
    def __init__(self, file: str, language: str) -> None:
        self.file = file
        self.language = language
        self.problems: list[str] = []

    def problem(self, path: str, what: str) -> None:
        self.problems.append(f"{self.file}: {path or '(top)'}: {what}")

    def container(self, shape: str, model: Any, english: Any, overlay: Any, path: str) -> Any:
        if shape == "one":
            return self.model(model, english, overlay, path)
        if shape == "dict":
            return self.keyed(model, dict(english), overlay, path)
        key = getattr(model, "overlay_key", None)
        if key is not None:
            by_key = {str(item[key]): item for item in english}
            translated = self.keyed(model, by_key, overlay, path)
            return list(translated.values())
        if not isinstance(overlay, list):
            self.problem(path, f"should be a list of {len(english)}, in the English order")
            return english
        if len(overlay) != len(english):
            self.problem(path, f"has {len(overlay)} items, the English has {len(english)}")
            return english
        return [
            self.model(model, item, given, f"{path}[{index}]")
            for index, (item, given) in enumerate(zip(english, overlay, strict=True))
        ]

    def keyed(self, model: Any, english: dict[str, Any], overlay: Any, path: str) -> Any:
        if not isinstance(overlay, dict):
            self.problem(path, "should be a mapping by " + (model.overlay_key or "key"))
            return english
        for key in overlay:
            if str(key) not in english:
                self.problem(_join(path, str(key)), "no such entry in the English file")
        for key, item in english.items():
            if key not in overlay:
                self.problem(_join(path, key), "missing")
            else:
                english[key] = self.model(model, item, overlay[key], _join(path, key))
        return english

    def model(self, model: Any, english: Any, overlay: Any, path: str) -> Any:
        if not isinstance(overlay, dict):
            self.problem(path, "should be a mapping of field: text")
            return english
        english = dict(english)
        expected: set[str] = set()
        text: set[str] = set(getattr(model, "translatable", ()))
        for name in getattr(model, "translatable", ()):
            if english.get(name) is None:
                continue
            expected.add(name)
            if name not in overlay:
                self.problem(_join(path, name), "missing")
            else:
                english[name] = self.text(english[name], overlay[name], _join(path, name))
        for name, field in model.model_fields.items():
            holder = _holds(field.annotation)
            if holder is not None:
                text.add(name)
            if holder is None or name not in english:
                continue
            expected.add(name)
            if name not in overlay:
                self.problem(_join(path, name), "missing")
            else:
                english[name] = self.container(
                    *holder, english[name], overlay[name], _join(path, name)
                )
        own_page = set(getattr(model, "own_page", ())) & set(overlay)
        if own_page:
            expected |= own_page
            self.page(english, overlay, own_page, model.own_page, path)
        for name in overlay:
            if name in text and name not in expected:
                self.problem(_join(path, str(name)), "not in the English file")
            elif name not in expected:
                known = name in model.model_fields or name in getattr(model, "own_page", ())
                what = "is not translatable" if known else "no such field"
                self.problem(_join(path, str(name)), what)
        return english

    def page(
        self,
        english: dict[str, Any],
        overlay: dict[str, Any],
        given: set[str],
        fields: tuple[str, ...],
        path: str,
    ) -> None:
        """A source's own page in this language: its title, address and language together."""
        if given != set(fields):
            self.problem(path, f"{', '.join(fields)} go together")
            return
        if overlay["language"] != self.language:
            self.problem(_join(path, "language"), f"should be {self.language!r}")
            return
        for name in fields:
            english[name] = self.text(english.get(name) or "", overlay[name], _join(path, name))

    def text(self, english: Any, given: Any, path: str) -> Any:
        if isinstance(english, str):
            if not isinstance(given, str) or not given.strip():
                blank = given is None or isinstance(given, str)
                self.problem(path, "empty text" if blank else "should be text")
                return english
            if sorted(_PLACEHOLDER.findall(given)) != sorted(_PLACEHOLDER.findall(english)):
                wanted = ", ".join(_PLACEHOLDER.findall(english)) or "none"
                self.problem(path, f"should keep the English placeholders ({wanted})")
                return english
            return given
        if isinstance(english, dict):
            if not isinstance(given, dict) or set(map(str, given)) != set(english):
                self.problem(path, f"should give text for exactly {sorted(english)}")
                return english
            return {key: self.text(english[key], given[key], _join(path, key)) for key in english}
        if not isinstance(given, list) or len(given) != len(english):
            self.problem(path, f"should be a list of {len(english)} texts")
            return english
        pairs = enumerate(zip(english, given, strict=True))
        return [self.text(e, g, f"{path}[{i}]") for i, (e, g) in pairs]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
