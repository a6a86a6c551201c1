"""Reading a FHIR resource from untrusted JSON, and problems as an ``OperationOutcome``."""

from __future__ import annotations

from collections import deque
from typing import TypeVar

from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from ..errors import FieldProblem, field_problems
from ..i18n import ENGLISH, N_
from . import FhirInputError, FhirProblem

__all__ = ["operation_outcome", "parse_resource"]

R = TypeVar("R", bound=Resource)
MAX_ISSUES = 50
MAX_DEPTH = 40
"""Deeper JSON than any of our resources needs; the models read nesting by recursion."""


def parse_resource(
    data: object, model: type[R], at: str | None = None, *, language: str = ENGLISH
) -> R:
    """``data`` (parsed JSON) as a ``model`` resource; raises FhirInputError naming each
    problem by its FHIRPath, which starts with `at` (default: the resource type). What the
    model finds wrong is worded in `language` (our own sentences are translated later)."""
    kind = model.get_resource_type()
    at = at or kind
    if not isinstance(data, dict):
        raise FhirInputError(
            [FhirProblem(at, N_("expected a {kind} resource (a JSON object)"), {"kind": kind})]
        )
    if _depth(data) > MAX_DEPTH:
        raise FhirInputError(
            [FhirProblem(at, N_("nested more than {depth} levels deep"), {"depth": MAX_DEPTH})]
        )
    mistyped = _mistyped(data, at)
    if mistyped:
        raise FhirInputError(mistyped)
    found = data.get("resourceType")
    if found != kind:
        if found is None:
            wrong = FhirProblem(
                f"{at}.resourceType", N_("expected {kind}: it has no resourceType"), {"kind": kind}
            )
        else:
            wrong = FhirProblem(
                f"{at}.resourceType",
                N_("expected {kind}: the resourceType is {found}"),
                {"kind": kind, "found": repr(found)},
            )
        raise FhirInputError([wrong])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        english = field_problems(error)
        said = english if language == ENGLISH else field_problems(error, language=language)
        raise FhirInputError(
            [_problem(at, kind, p, s.message) for p, s in zip(english, said, strict=True)]
        ) from None
    except (ValueError, TypeError) as error:
        # fhir.resources raises a few of its own checks outside pydantic's errors.
        raise FhirInputError(
            [FhirProblem(at, N_("not a valid {kind}: {error}"), {"kind": kind, "error": error})]
        ) from None


# FHIR JSON writes these as a JSON boolean or number; the models would also take 1 for true,
# or "40" and true for 40, so the JSON type is checked first.
_BOOLEANS = {"valueBoolean"}
_NUMBERS = {"valueInteger", "valueDecimal", "valueUnsignedInt", "valuePositiveInt"}


def _mistyped(data: object, at: str) -> list[FhirProblem]:
    """Each value[x] not written as the JSON type of its FHIR type, by its FHIRPath."""
    problems = []
    queue: deque[tuple[object, str]] = deque([(data, at)])
    while queue:
        value, where = queue.popleft()
        if isinstance(value, dict):
            for key, child in value.items():
                is_bool = isinstance(child, bool)
                if key in _BOOLEANS and not is_bool:
                    problems.append(FhirProblem(f"{where}.{key}", N_("expected true or false")))
                elif key in _NUMBERS and (is_bool or not isinstance(child, int | float)):
                    problems.append(FhirProblem(f"{where}.{key}", N_("expected a JSON number")))
                queue.append((child, f"{where}.{key}"))
        elif isinstance(value, list):
            queue.extend((child, f"{where}[{index}]") for index, child in enumerate(value))
    return problems


def _depth(data: object) -> int:
    """How deeply `data` nests, counted without recursion (a hostile body may nest deep)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = (
            value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        )
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _problem(at: str, kind: str, problem: FieldProblem, said: str) -> FhirProblem:
    where = f"{at}.{problem.field}".rstrip(".")
    if problem.message.startswith("unknown field"):
        return FhirProblem(where, N_("no such element in a FHIR R4 {kind}"), {"kind": kind})
    # The model's own words (errors.py's, or pydantic's), said in the language asked for.
    return FhirProblem(where, said)


def operation_outcome(error: FhirInputError, language: str = ENGLISH) -> OperationOutcome:
    """The problems as FHIR reports them: one issue each, its place in ``expression`` (the
    first :data:`MAX_ISSUES`, and how many more: a hostile body can hold thousands), said
    in ``language``; the places are the same in all."""
    problems = error.problems[:MAX_ISSUES]
    if len(error.problems) > MAX_ISSUES:
        more = len(error.problems) - MAX_ISSUES
        problems.append(FhirProblem("", N_("and {count} more problems"), {"count": more}))
    return OperationOutcome(
        issue=[
            OperationOutcomeIssue(
                severity="error",
                code="invalid",
                diagnostics=problem.message_in(language),
                expression=[problem.expression] if problem.expression else None,
            )
            for problem in problems
        ]
    )
