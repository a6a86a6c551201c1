"""Answers ⇄ QuestionnaireResponse, lossless both ways (CONTRACT.md §8).

A yes/no is ``valueBoolean``, a whole number ``valueInteger``, any other number
``valueDecimal``, a choice ``valueCoding`` in the question's code system, and a question
with several answers has one ``answer`` per element; an empty list ("none of these") is the
single answer ``none-of-these#none``, since no answer at all means unknown. An item with no
answer is a question asked and answered "not sure": unknown, and not asked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from pydantic import ValidationError

from ..answers import Answers
from ..conditions import flatten
from ..errors import field_problems
from ..i18n import N_, gettext_for
from ..knowledge import Knowledge
from ..knowledge.models import Question
from ..questionnaire import set_answer, walk
from . import FhirInputError, FhirProblem, Phrase, resource_version
from .codesystem import NONE_OF_THESE, NONE_OF_THESE_DISPLAY, question_system_id, system_url
from .questionnaire import QUESTIONNAIRE_URL, SECTION_PREFIX

__all__ = ["ReadResponse", "contained_form", "read_response", "to_response"]

STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")
_BOOLEAN = Phrase(N_("valueBoolean (true or false)"))
_INTEGER = Phrase(N_("valueInteger (a whole number)"))
_DECIMAL = Phrase(N_("valueDecimal (a number)"))
_CODING = Phrase(N_("valueCoding (one of the answerOption codings)"))
_NONE_SYSTEM = system_url("none-of-these")
NONE_OF_THESE_ANSWER = object()
"""What reading the "none of these" coding gives, before the list is made."""


@dataclass(frozen=True, slots=True)
class ReadResponse:
    """What a QuestionnaireResponse says: the answers, and the questions answered "not
    sure" (items with no answer), in the order they came."""

    answers: Answers
    unknown: tuple[str, ...]


def to_response(
    answers: Answers,
    knowledge: Knowledge,
    unknown: Iterable[str] = (),
    status: str = "completed",
) -> QuestionnaireResponse:
    """The answers as a response to our Questionnaire, in its sections and order; each id
    in `unknown` that has no answer is an item with no answer. The items' text is in the
    knowledge's language."""
    values = flatten(answers)
    none_of_these = gettext_for(knowledge.language)(NONE_OF_THESE_DISPLAY)
    not_sure = set(unknown)
    groups = []
    for section, questions in walk(knowledge):
        items = [
            _item(question, values[question.id], none_of_these)
            for question in questions
            if values[question.id] is not None or question.id in not_sure
        ]
        if items:
            groups.append(
                QuestionnaireResponseItem(
                    linkId=f"{SECTION_PREFIX}{section.id}", text=section.title, item=items
                )
            )
    return QuestionnaireResponse(
        questionnaire=f"{QUESTIONNAIRE_URL}|{resource_version(knowledge)}",
        status=status,
        item=groups or None,
    )


def _item(question: Question, value: Any, none_of_these: str) -> QuestionnaireResponseItem:
    answers = (
        None
        if value is None
        else [QuestionnaireResponseItemAnswer(**a) for a in _values(question, value, none_of_these)]
    )
    return QuestionnaireResponseItem(linkId=question.id, text=question.text, answer=answers)


def _values(question: Question, value: Any, none_of_these: str) -> list[dict[str, Any]]:
    if question.type == "yes_no":
        return [{"valueBoolean": value}]
    if question.type == "integer":
        return [{"valueInteger": value}]
    if question.type == "number":
        return [{"valueDecimal": value}]
    if question.type == "choice":
        return [{"valueCoding": _coding(question, value)}]
    if not value:
        return [
            {"valueCoding": Coding(system=_NONE_SYSTEM, code=NONE_OF_THESE, display=none_of_these)}
        ]
    return [{"valueCoding": _coding(question, element)} for element in value]


def _coding(question: Question, code: str) -> Coding:
    labels = {option.value: option.label for option in question.options}
    return Coding(
        system=system_url(question_system_id(question.id)), code=code, display=labels[code]
    )


def read_response(
    response: QuestionnaireResponse, knowledge: Knowledge, at: str = "QuestionnaireResponse"
) -> ReadResponse:
    """The answers in a response (its items by linkId, in groups or not). Raises
    FhirInputError naming every problem by its FHIRPath from `at`."""
    reader = _Reader(knowledge, at)
    form = response.questionnaire
    if form is not None and form.startswith("#"):
        derived = (contained_form(response) or Questionnaire.model_construct()).derivedFrom or []
        if not any((url or "").split("|")[0] == QUESTIONNAIRE_URL for url in derived):
            reader.problem(
                f"{at}.questionnaire",
                N_("{form} names no contained Questionnaire derived from {url}"),
                form=repr(form),
                url=QUESTIONNAIRE_URL,
            )
    elif form is not None and form.split("|")[0] != QUESTIONNAIRE_URL:
        reader.problem(
            f"{at}.questionnaire", N_("answers only {url} can be read here"), url=QUESTIONNAIRE_URL
        )
    if response.status not in STATUSES:
        reader.problem(
            f"{at}.status",
            N_("{status} is not one of {statuses}"),
            status=repr(response.status),
            statuses=", ".join(STATUSES),
        )
    reader.read(response.item or [], at)
    return reader.result()


def contained_form(response: QuestionnaireResponse) -> Questionnaire | None:
    """The contained Questionnaire that the response's ``questionnaire`` names (``#id``),
    as an SDC adaptive form's response has; None when there is none."""
    form = response.questionnaire or ""
    if not form.startswith("#"):
        return None
    return next(
        (
            resource
            for resource in response.contained or []
            if isinstance(resource, Questionnaire) and resource.id == form[1:]
        ),
        None,
    )


class _Reader:
    def __init__(self, knowledge: Knowledge, at: str) -> None:
        self.questions = {q.id: q for q in knowledge.questions.questions}
        self.sections = {f"{SECTION_PREFIX}{s.id}" for s in knowledge.questions.sections}
        self.problems: list[FhirProblem] = []
        self.values: dict[str, Any] = {}
        self.places: dict[str, str] = {}
        self.unknown: list[str] = []

    def problem(self, where: str, message: str, **values: object) -> None:
        self.problems.append(FhirProblem(where, message, values))

    def read(self, items: Sequence[QuestionnaireResponseItem], at: str) -> None:
        for index, item in enumerate(items):
            where = f"{at}.item[{index}]"
            link = item.linkId or ""
            if link in self.sections:
                if item.answer:
                    self.problem(
                        f"{where}.answer", N_("a section is not a question: it has no answer")
                    )
                self.read(item.item or [], where)
                continue
            question = self.questions.get(link)
            if question is None:
                self.problem(
                    f"{where}.linkId",
                    N_("{link} is not a question of {url}"),
                    link=repr(link),
                    url=QUESTIONNAIRE_URL,
                )
                continue
            if link in self.places:
                self.problem(
                    f"{where}.linkId",
                    N_("{link} is answered twice (also at {place})"),
                    link=repr(link),
                    place=self.places[link],
                )
                continue
            self.places[link] = where
            if item.item:
                self.problem(f"{where}.item", N_("a question's item holds no other items"))
            if not item.answer:
                self.unknown.append(link)
                continue
            value = self._value(question, item.answer, where)
            if value is not None:
                self.values[link] = value

    def _value(
        self, question: Question, answers: Sequence[QuestionnaireResponseItemAnswer], where: str
    ) -> Any:
        if question.type != "multi" and len(answers) > 1:
            self.problem(f"{where}.answer", N_("this question takes one answer"))
            return None
        read = [
            self._one(question, answer, f"{where}.answer[{i}]") for i, answer in enumerate(answers)
        ]
        if any(value is None for value in read):
            return None
        if question.type != "multi":
            return read[0]
        if NONE_OF_THESE_ANSWER in read:
            if len(read) > 1:
                self.problem(f"{where}.answer", N_("'none of these' cannot go with other answers"))
                return None
            return []
        return read

    def _one(self, question: Question, answer: QuestionnaireResponseItemAnswer, where: str) -> Any:
        if answer.item:
            self.problem(f"{where}.item", N_("an answer here holds no other items"))
            return None
        if question.type == "yes_no":
            return self._typed(answer.valueBoolean, _BOOLEAN, answer, where)
        if question.type == "integer":
            return self._typed(answer.valueInteger, _INTEGER, answer, where)
        if question.type == "number":
            number = answer.valueDecimal if answer.valueDecimal is not None else answer.valueInteger
            value = self._typed(number, _DECIMAL, answer, where)
            return None if value is None else float(Decimal(value))
        coding = self._typed(answer.valueCoding, _CODING, answer, where)
        if coding is None:
            return None
        system = system_url(question_system_id(question.id))
        codes = [option.value for option in question.options]
        if (
            question.type == "multi"
            and coding.system == _NONE_SYSTEM
            and coding.code == NONE_OF_THESE
        ):
            return NONE_OF_THESE_ANSWER
        if coding.system not in {None, system}:
            self.problem(f"{where}.valueCoding.system", N_("expected {system}"), system=system)
            return None
        if coding.code not in codes:
            found = {"code": repr(coding.code), "codes": ", ".join(codes)}
            if question.type == "multi":
                message = N_("{code} is not one of: {codes}, or {none}")
                found["none"] = f"{_NONE_SYSTEM}#{NONE_OF_THESE}"
            else:
                message = N_("{code} is not one of: {codes}")
            self.problem(f"{where}.valueCoding.code", message, **found)
            return None
        return coding.code

    def _typed(
        self, value: Any, expected: Phrase, answer: QuestionnaireResponseItemAnswer, where: str
    ) -> Any:
        if value is None:
            dumped = answer.model_dump(exclude_none=True)
            given = next((key for key in dumped if key.startswith("value")), None)
            if given:
                self.problem(
                    where, N_("expected {expected}, got {given}"), expected=expected, given=given
                )
            else:
                self.problem(where, N_("expected {expected}, got no value"), expected=expected)
        return value

    def result(self) -> ReadResponse:
        if self.problems:
            raise FhirInputError(self.problems)
        nested: dict[str, Any] = {}
        for question_id, value in self.values.items():
            set_answer(nested, question_id, value)
        try:
            answers = Answers.model_validate(nested)
        except ValidationError as error:
            raise FhirInputError(
                [self._answer_problem(p.field, p.message) for p in field_problems(error)]
            ) from None
        return ReadResponse(answers=answers, unknown=tuple(self.unknown))

    def _answer_problem(self, field: str, message: str) -> FhirProblem:
        # "locations[2]" is the third answer of the item "locations".
        path, _, index = field.partition("[")
        where = self.places.get(path, "")
        answer = f".answer[{index.split(']')[0]}]" if index else ".answer[0]"
        return FhirProblem(f"{where}{answer}" if where else field, message)
