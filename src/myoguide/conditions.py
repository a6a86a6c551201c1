"""A small rule language over answers, with three-valued (Kleene) logic.

A condition evaluates to True, False or None (unknown). An unanswered question makes a
leaf unknown, and unknown never counts as "no": ``all`` is False only if some part is
False, ``any`` is True if some part is True, ``not`` keeps unknown unknown. Rules fire
only on True; a leaf may say what an unknown answer should count as with ``if_unknown``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from functools import cache
from itertools import count
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from .answers import Answers
from .i18n import ENGLISH, gettext_for

Truth = bool | None
Values = Mapping[str, Any]
Test = Callable[[Values], Truth]

DERIVED_FIELDS: dict[str, Any] = {"kind": str}
_OPERATORS = ("is_", "in_", "any_of", "gte", "gt", "lte", "lt", "known")
VALUE = "{value}"
"""In a reason, the person's own answer to the one number its rule tests."""


def answer_paths() -> dict[str, Any]:
    """Every answer a condition can read, as dotted path -> type (``factors.nicotine``)."""
    return dict(_answer_paths())


@cache
def _answer_paths() -> tuple[tuple[str, Any], ...]:
    paths: list[tuple[str, Any]] = []
    for name, info in Answers.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths.extend(
                (f"{name}.{sub}", sub_info.annotation)
                for sub, sub_info in annotation.model_fields.items()
            )
        else:
            paths.append((name, annotation))
    return tuple(paths)


def flatten(answers: Answers) -> dict[str, Any]:
    """The answers as one flat mapping of dotted path -> value (None when unknown)."""
    values = answers.__dict__.copy()
    for group, read, paths in _NESTED:
        values.update(zip(paths, read(values.pop(group).__dict__), strict=True))
    return values


def _nested() -> tuple[tuple[str, Callable[[Mapping[str, Any]], Any], tuple[str, ...]], ...]:
    groups = []
    for name, info in Answers.model_fields.items():
        model = info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            names = tuple(model.model_fields)
            if len(names) < 2:
                raise TypeError(f"{name}: a group of answers has at least two answers")
            groups.append(
                (name, operator.itemgetter(*names), tuple(f"{name}.{sub}" for sub in names))
            )
    return tuple(groups)


_NESTED = _nested()


def _is_list_type(annotation: Any) -> bool:
    return any(get_origin(arg) is list for arg in (annotation, *get_args(annotation)))


def _item_type(annotation: Any) -> Any:
    for arg in (annotation, *get_args(annotation)):
        if get_origin(arg) is list:
            return get_args(arg)[0]
    return annotation


class Condition(BaseModel):
    """One rule: a leaf test on one answer, or ``all``/``any``/``not`` of other rules."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    field: str | None = None
    is_: bool | None = Field(None, alias="is")
    in_: list[str | int | float] | None = Field(None, alias="in")
    any_of: list[str] | None = None
    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None
    known: bool | None = None
    if_unknown: bool | None = None
    all_: list[Condition] | None = Field(None, alias="all")
    any_: list[Condition] | None = Field(None, alias="any")
    not_: Condition | None = Field(None, alias="not")

    @model_validator(mode="after")
    def _well_formed(self) -> Condition:
        combinators = [c for c in ("all_", "any_", "not_") if getattr(self, c) is not None]
        operators = [o for o in _OPERATORS if getattr(self, o) is not None]
        if combinators:
            if len(combinators) > 1 or operators or self.field is not None:
                raise ValueError("use exactly one of all/any/not, with no field or operator")
            return self
        if self.field is None:
            raise ValueError("a condition needs a field, or all/any/not")
        paths = {**answer_paths(), **DERIVED_FIELDS}
        if self.field not in paths:
            raise ValueError(f"unknown answer field {self.field!r}")
        if len(operators) != 1:
            raise ValueError(f"field {self.field!r}: use exactly one of {', '.join(_OPERATORS)}")
        annotation = paths[self.field]
        is_list = _is_list_type(annotation)
        if self.any_of is not None and not is_list:
            raise ValueError(f"field {self.field!r}: any_of needs a list field")
        if self.in_ is not None and is_list:
            raise ValueError(f"field {self.field!r}: use any_of on a list field")
        for value in [*(self.in_ or []), *(self.any_of or [])]:
            try:
                TypeAdapter(_item_type(annotation)).validate_python(value, strict=True)
            except ValidationError as error:
                raise ValueError(f"field {self.field!r}: {value!r} is not a valid value") from error
        return self

    def describe(self, language: str = ENGLISH) -> str:
        """The rule in words, for people auditing the knowledge base (the answer fields and
        values keep their ids in every language)."""
        _ = gettext_for(language)
        yes, no, and_, or_ = _("yes"), _("no"), _("and"), _("or")
        if self.all_ is not None:
            joined = f" {and_} ".join(part.describe(language) for part in self.all_)
            return f"({joined})"
        if self.any_ is not None:
            joined = f" {or_} ".join(part.describe(language) for part in self.any_)
            return f"({joined})"
        if self.not_ is not None:
            return _("not {rule}").format(rule=self.not_.describe(language))
        name = self.field
        if self.is_ is not None:
            text = _("{field} is {value}").format(field=name, value=yes if self.is_ else no)
        elif self.in_ is not None:
            values = f" {or_} ".join(str(v) for v in self.in_)
            text = _("{field} is {value}").format(field=name, value=values)
        elif self.any_of is not None:
            values = f" {or_} ".join(self.any_of)
            text = _("{field} includes {values}").format(field=name, values=values)
        elif self.known is not None:
            text = (
                _("{field} is answered") if self.known else _("{field} is not answered")
            ).format(field=name)
        else:
            bounds = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<"}
            op = next(o for o in bounds if getattr(self, o) is not None)
            bound = getattr(self, op)
            text = f"{name} {bounds[op]} {int(bound) if float(bound).is_integer() else bound}"
        if self.if_unknown is not None:
            counts = (
                _("(counts as yes when unknown)")
                if self.if_unknown
                else _("(counts as no when unknown)")
            )
            text += f" {counts}"
        return text

    def fields(self) -> set[str]:
        """The answer fields this condition reads."""
        if self.field is not None:
            return {self.field}
        parts = self.all_ or self.any_ or ([self.not_] if self.not_ else [])
        return set().union(*(part.fields() for part in parts))

    def answered_when_held(self) -> set[str]:
        """The answer fields that are surely known whenever this condition holds."""
        return _answered(self, holds=True)


def _answered(c: Condition, holds: bool) -> set[str]:
    # Mirrors _holds/_fails: what must be known for the condition to come out as `holds`.
    if c.not_ is not None:
        return _answered(c.not_, not holds)
    parts = c.all_ if c.all_ is not None else c.any_
    if parts is not None:
        found = [_answered(part, holds) for part in parts]
        # All holds, or any fails, only when every part does; otherwise one part is enough.
        every = (c.all_ is not None) == holds
        if every or not found:
            return set().union(*found)
        return set.intersection(*found)
    assert c.field is not None
    if c.known is not None:
        return {c.field} if c.known == holds else set()
    return set() if c.if_unknown is holds else {c.field}


def _is_number(annotation: Any) -> bool:
    for arg in (annotation, *get_args(annotation)):
        if get_origin(arg) is Annotated:
            arg = get_args(arg)[0]
        if arg is int or arg is float:
            return True
    return False


def quoted_field(condition: Condition, text: str) -> str | None:
    """The answer a reason quotes with ``{value}``, or None if it quotes none.

    ``{value}`` is the one number the rule needs answered to hold, wherever it sits in
    ``all``/``any``/``not``. Raises ValueError for any other brace, or when the rule does
    not pin down exactly one such number.
    """
    rest = text.replace(VALUE, "")
    if "{" in rest or "}" in rest:
        raise ValueError(f"{text!r}: the only placeholder a reason may use is {VALUE}")
    if VALUE not in text:
        return None
    paths = answer_paths()
    numbers = sorted(
        field
        for field in condition.answered_when_held()
        if field in paths and _is_number(paths[field])
    )
    if len(numbers) != 1:
        named = " and ".join(numbers) or "no number"
        raise ValueError(
            f"{text!r} quotes {VALUE}, but its rule needs {named} answered; "
            f"{VALUE} needs exactly one number that is always answered when the rule holds"
        )
    return numbers[0]


def compile_condition(condition: Condition) -> Test:
    """Turn a condition into a fast function over flat answer values."""
    if condition.all_ is not None:
        return _all([compile_condition(c) for c in condition.all_])
    if condition.any_ is not None:
        return _any([compile_condition(c) for c in condition.any_])
    if condition.not_ is not None:
        return _not(compile_condition(condition.not_))
    assert condition.field is not None
    return _leaf(condition)


def uses_unknown(condition: Condition) -> bool:
    """Whether the condition can hold when an answer it reads is unknown."""
    if condition.field is not None:
        return condition.if_unknown is True or condition.known is False
    parts = condition.all_ or condition.any_ or ([condition.not_] if condition.not_ else [])
    return condition.not_ is not None or any(uses_unknown(part) for part in parts)


def _all(parts: list[Test]) -> Test:
    def test(values: Values) -> Truth:
        result: Truth = True
        for part in parts:
            outcome = part(values)
            if outcome is False:
                return False
            if outcome is None:
                result = None
        return result

    return test


def _any(parts: list[Test]) -> Test:
    def test(values: Values) -> Truth:
        result: Truth = False
        for part in parts:
            outcome = part(values)
            if outcome is True:
                return True
            if outcome is None:
                result = None
        return result

    return test


def _not(part: Test) -> Test:
    def test(values: Values) -> Truth:
        outcome = part(values)
        return None if outcome is None else not outcome

    return test


def _leaf(c: Condition) -> Test:
    # One specialised closure per operator: this is the engine's innermost loop.
    assert c.field is not None
    field: str = c.field
    unknown = c.if_unknown
    if c.known is not None:
        known = c.known
        return lambda values: known if values.get(field) is not None else not known
    if c.is_ is not None:
        expected = c.is_

        def test_is(values: Values) -> Truth:
            value = values.get(field)
            return unknown if value is None else value is expected

        return test_is
    if c.in_ is not None:
        allowed = frozenset(c.in_)

        def test_in(values: Values) -> Truth:
            value = values.get(field)
            return unknown if value is None else value in allowed

        return test_in
    if c.any_of is not None:
        wanted = frozenset(c.any_of)

        def test_any_of(values: Values) -> Truth:
            value = values.get(field)
            return unknown if value is None else not wanted.isdisjoint(value)

        return test_any_of
    compare, bound = _comparison(c)

    def test_compare(values: Values) -> Truth:
        value = values.get(field)
        return unknown if value is None else compare(value, bound)

    return test_compare


def _comparison(c: Condition) -> tuple[Callable[[Any, Any], bool], float]:
    for name, compare in (
        ("gte", operator.ge),
        ("gt", operator.gt),
        ("lte", operator.le),
        ("lt", operator.lt),
    ):
        bound = getattr(c, name)
        if bound is not None:
            return compare, bound
    raise ValueError("a leaf condition needs an operator")


def _constant(value: Any, constants: dict[str, Any]) -> str:
    name = f"c{len(constants)}"
    constants[name] = value
    return name


def _holds(c: Condition, constants: dict[str, Any], guarded: Guard = None) -> str:
    if c.all_ is not None:
        return "(" + " and ".join(_holds(part, constants, guarded) for part in c.all_) + ")"
    if c.any_ is not None:
        return "(" + " or ".join(_holds(part, constants, guarded) for part in c.any_) + ")"
    if c.not_ is not None:
        return _fails(c.not_, constants, guarded)
    return _leaf_source(c, constants, holds=True, guarded=guarded)


def _fails(c: Condition, constants: dict[str, Any], guarded: Guard = None) -> str:
    if c.all_ is not None:
        return "(" + " or ".join(_fails(part, constants, guarded) for part in c.all_) + ")"
    if c.any_ is not None:
        return "(" + " and ".join(_fails(part, constants, guarded) for part in c.any_) + ")"
    if c.not_ is not None:
        return _holds(c.not_, constants, guarded)
    return _leaf_source(c, constants, holds=False, guarded=guarded)


Guard = Literal["sure", "possible"] | None
"""How a leaf on an open answer (``o``: a question still to be asked) reads: as neither
holding nor failing ("sure": what holds however it is answered), or as both ("possible":
what some answer could make hold). None: no open answers."""


def _leaf_source(c: Condition, constants: dict[str, Any], holds: bool, guarded: Guard) -> str:
    source = _plain_leaf_source(c, constants, holds)
    if guarded == "sure":
        return f"({c.field!r} not in o and {source})"
    if guarded == "possible":
        return f"({c.field!r} in o or {source})"
    return source


def _plain_leaf_source(c: Condition, constants: dict[str, Any], holds: bool) -> str:
    value = f"v[{c.field!r}]"
    if c.known is not None:
        return f"({value} is not None)" if c.known == holds else f"({value} is None)"
    if c.is_ is not None:
        test = f"({value} is {c.is_ == holds})"
        known_test = test
    else:
        if c.in_ is not None:
            predicate = f"{value} in {_constant(frozenset(c.in_), constants)}"
        elif c.any_of is not None:
            predicate = f"not {_constant(frozenset(c.any_of), constants)}.isdisjoint({value})"
        else:
            op, bound = next(
                (symbol, getattr(c, name))
                for name, symbol in (("gte", ">="), ("gt", ">"), ("lte", "<="), ("lt", "<"))
                if getattr(c, name) is not None
            )
            predicate = f"{value} {op} {_constant(bound, constants)}"
        known_test = predicate if holds else f"not ({predicate})"
        test = f"({value} is not None and {known_test})"
    if c.if_unknown is holds:
        return f"({value} is None or {known_test})"
    return test


def compile_selector(conditions: Sequence[Condition]) -> Callable[[Values], tuple[int, ...]]:
    """One fast function for a whole list of rules: the indices of those that hold.

    The rules are translated once into Python source over the answer values, so a whole
    rule set costs one call. Only validated field names reach the source text; every value
    is passed in as a named constant. A rule "holds" when :func:`compile_condition` would
    give True (a property test checks that they agree).
    """
    constants: dict[str, Any] = {}
    lines = ["def select(v):", "    held = []"]
    for index, condition in enumerate(conditions):
        lines += [f"    if {_holds(condition, constants)}:", f"        held.append({index})"]
    lines.append("    return tuple(held)")
    select: Callable[[Values], tuple[int, ...]] = _define(lines, constants, "select")
    return select


Group = tuple[Condition, Sequence[Condition], Sequence[str]]
Found = list[tuple[int, tuple[int, ...], tuple[Any, ...]]]


def compile_groups(groups: Sequence[Group]) -> Callable[[Values], Found]:
    """One fast function for groups of rules, each ``(gate, rules, quoted)``: for every group
    whose gate holds, in order, its index, the indices of its rules that hold and the values
    of the answers it quotes (what a cause or a rule-out needs to be shown)."""
    constants: dict[str, Any] = {}
    lines = ["def groups(v):", "    found = []"]
    for index, (gate, rules, quoted) in enumerate(groups):
        lines += [f"    if {_holds(gate, constants)}:", "        held = []"]
        for position, rule in enumerate(rules):
            lines += [
                f"        if {_holds(rule, constants)}:",
                f"            held.append({position})",
            ]
        shown = "".join(f"v[{field!r}], " for field in quoted)
        lines.append(f"        found.append(({index}, tuple(held), ({shown})))")
    lines.append("    return found")
    select: Callable[[Values], Found] = _define(lines, constants, "groups")
    return select


def compile_unknown(fields: Sequence[str]) -> Callable[[Values], int]:
    """One fast function for a list of answer fields: which are unknown, as the bits of an
    int (bit i for ``fields[i]``)."""
    lines = ["def unknown(v):", "    found = 0"]
    for position, field in enumerate(fields):
        lines.append(f"    if v[{field!r}] is None: found |= {1 << position}")
    lines.append("    return found")
    unknown: Callable[[Values], int] = _define(lines, {}, "unknown")
    return unknown


Verdicts = Callable[[Values], tuple[tuple[int, ...], tuple[int, ...]]]


def compile_verdicts(conditions: Sequence[Condition]) -> Verdicts:
    """One fast function for a list of rules: the indices of those that hold, and of those
    left undecided (neither holding nor failing: unknown answers leave them open).

    Each rule is judged in one three-valued pass, each part of it at most once, giving what
    :func:`compile_condition` gives (a property test checks that they agree).
    """
    constants: dict[str, Any] = {}
    names = (f"t{number}" for number in count())
    lines = ["def verdicts(v):", "    held = []", "    undecided = []"]
    for index, condition in enumerate(conditions):
        lines += [
            f"    t = {_truth(condition, constants, names)[0]}",
            "    if t:",
            f"        held.append({index})",
            "    elif t is None:",
            f"        undecided.append({index})",
        ]
    lines.append("    return tuple(held), tuple(undecided)")
    verdicts: Verdicts = _define(lines, constants, "verdicts")
    return verdicts


def _truth(c: Condition, constants: dict[str, Any], names: Iterator[str]) -> tuple[str, bool]:
    """Source for the condition's three-valued truth (True, False or None: unknown), and
    whether it can be unknown. Each part's outcome is kept in a local (``names`` gives fresh
    ones) so none is computed twice; ``all`` stops at the first False, ``any`` at the first
    True, and parts that are never unknown are plain boolean tests."""
    parts = c.all_ if c.all_ is not None else c.any_
    if parts is not None:
        judged = [_truth(part, constants, names) for part in parts]
        if not any(unsure for _, unsure in judged):
            joint = " and " if c.all_ is not None else " or "
            return "(" + joint.join(source for source, _ in judged) + ")", False
        decisive = c.any_ is not None
        steps, kept = [], []
        for source, unsure in judged:
            if unsure:
                kept.append(next(names))
                steps.append(f"{decisive} if ({kept[-1]} := {source}) is {decisive}")
            else:
                steps.append(f"{decisive} if {source} is {decisive}")
        unknown = " or ".join(f"{name} is None" for name in kept)
        return f"({' else '.join(steps)} else None if {unknown} else {not decisive})", True
    if c.not_ is not None:
        source, unsure = _truth(c.not_, constants, names)
        if not unsure:
            return f"(not {source})", False
        name = next(names)
        return f"(None if ({name} := {source}) is None else not {name})", True
    value = f"v[{c.field!r}]"
    if c.known is not None:
        return (f"({value} is not None)" if c.known else f"({value} is None)"), False
    name = next(names)
    if c.is_ is not None:
        predicate = f"{name} is {c.is_}"
    elif c.in_ is not None:
        predicate = f"{name} in {_constant(frozenset(c.in_), constants)}"
    elif c.any_of is not None:
        predicate = f"not {_constant(frozenset(c.any_of), constants)}.isdisjoint({name})"
    else:
        compare, bound = _comparison(c)
        predicate = f"{name} {_SYMBOLS[compare]} {_constant(bound, constants)}"
    source = f"({c.if_unknown} if ({name} := {value}) is None else {predicate})"
    return source, c.if_unknown is None


_SYMBOLS = {operator.ge: ">=", operator.gt: ">", operator.le: "<=", operator.lt: "<"}


def _define(lines: list[str], constants: dict[str, Any], name: str) -> Any:
    """The function called `name` that these lines of source define, over the constants."""
    namespace: dict[str, Any] = {"__builtins__": {"tuple": tuple}, **constants}
    exec(compile("\n".join(lines), "<rules>", "exec"), namespace)
    return namespace[name]


Bounds = Callable[[Values, Container[str]], tuple[tuple[int, ...], tuple[int, ...]]]


def compile_bounds(conditions: Sequence[Condition]) -> Bounds:
    """One fast function for a list of rules and a set of *open* answers (questions still to
    be asked; every other unknown answer stays unknown): the indices of the rules that hold
    however the open questions are answered, and of those that could hold but need not.

    A leaf on an open answer is read as unknown with its ``if_unknown`` ignored for the
    first (Kleene logic: sound, what holds then holds for every answer), and as free to hold
    or fail for the second (each leaf on its own: a rule in neither list holds for no way of
    answering the open questions).
    """
    constants: dict[str, Any] = {}
    lines = ["def bounds(v, o):", "    held = []", "    could = []"]
    for index, condition in enumerate(conditions):
        lines += [
            f"    if {_holds(condition, constants, 'sure')}:",
            f"        held.append({index})",
            f"    elif {_holds(condition, constants, 'possible')}:",
            f"        could.append({index})",
        ]
    lines.append("    return tuple(held), tuple(could)")
    bounds: Bounds = _define(lines, constants, "bounds")
    return bounds
