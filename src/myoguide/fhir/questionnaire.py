"""The questionnaire as an SDC Questionnaire (``GET /fhir/Questionnaire/myoguide``).

Each question is an item whose ``linkId`` is its contract path (CONTRACT.md §6), inside a
group item per section. A skip rule (``ask_if``) becomes ``enableWhen`` where FHIR's flat
"any"/"all" of simple tests can say it; otherwise (a rule that nests "all" inside "any")
the SDC ``enableWhenExpression`` in FHIRPath says it. Either way an item is enabled exactly
when our rule is not known to be false: an unknown answer never hides a question.

Its words are in one language, the knowledge's, which ``language`` names; the codes,
linkIds, url and version are the same in every language, so a response to the Spanish
questionnaire is a response to the English one. The other languages are served at the same
address by ``Accept-Language`` (as HTTP and FHIR's RESTful API choose a representation),
not as ``translation`` extensions on every text: SDC form fillers render the questionnaire
they are given and few read those extensions, and a copy of each text in every language
would make the questionnaire several times as long for the one language a person reads.
"""

from __future__ import annotations

from typing import Any, Literal

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.questionnaire import (
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireItemAnswerOption,
    QuestionnaireItemEnableWhen,
)

from ..conditions import Condition
from ..i18n import N_, gettext_for
from ..knowledge import Knowledge
from ..knowledge.models import Question
from ..questionnaire import walk
from . import CANONICAL, resource_version
from .codesystem import NONE_OF_THESE, NONE_OF_THESE_DISPLAY, question_system_id, system_url

__all__ = [
    "ENABLE_WHEN_EXPRESSION",
    "HELP_SUFFIX",
    "QUESTIONNAIRE_URL",
    "SECTION_PREFIX",
    "enable_rule",
    "questionnaire",
    "shown_expression",
]

QUESTIONNAIRE_URL = f"{CANONICAL}/Questionnaire/myoguide"
SECTION_PREFIX = "section-"
"""A section's group item is ``section-<id>``: a hyphen never occurs in a contract path."""
HELP_SUFFIX = "-help"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_CODES = "http://hl7.org/fhir/questionnaire-item-control"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)
_ITEM_TYPES = {
    "yes_no": "boolean",
    "choice": "choice",
    "multi": "choice",
    "integer": "integer",
    "number": "decimal",
}
_COMPARISONS = (("gte", ">="), ("gt", ">"), ("lte", "<="), ("lt", "<"))
TITLE = N_("Muscle twitch and spasm check")
PURPOSE = N_(
    "Tell a muscle twitch from a spasm, find warning signs and likely causes, and say what "
    "helps. An unanswered question stays unknown; it never counts as no."
)

EnableTest = tuple[str, str, Any]
"""One ``enableWhen``: (question linkId, operator, answer) with the answer a Python value."""


def questionnaire(knowledge: Knowledge) -> Questionnaire:
    """The whole questionnaire in the knowledge's language, its version the knowledge version
    (the English knowledge's, as in every language)."""
    _ = gettext_for(knowledge.language)
    none_of_these = _(NONE_OF_THESE_DISPLAY)
    questions = {q.id: q for q in knowledge.questions.questions}
    groups = []
    for section, section_questions in walk(knowledge):
        link = f"{SECTION_PREFIX}{section.id}"
        intro = QuestionnaireItem(linkId=f"{link}-intro", type="display", text=section.intro)
        groups.append(
            QuestionnaireItem(
                linkId=link,
                type="group",
                text=section.title,
                item=[intro, *(_item(q, questions, none_of_these) for q in section_questions)],
            )
        )
    return Questionnaire(
        id="myoguide",
        language=knowledge.language,
        url=QUESTIONNAIRE_URL,
        version=resource_version(knowledge),
        name="Myoguide",
        title=_(TITLE),
        status="active",
        experimental=False,
        subjectType=["Patient"],
        publisher="myoguide",
        description=knowledge.meta.disclaimer,
        purpose=_(PURPOSE),
        item=groups,
    )


def _item(
    question: Question, questions: dict[str, Question], none_of_these: str
) -> QuestionnaireItem:
    help_item = QuestionnaireItem(
        linkId=f"{question.id}{HELP_SUFFIX}",
        type="display",
        text=question.help,
        extension=[
            Extension(
                url=ITEM_CONTROL,
                # HL7's display of HL7's code, in every language: it is theirs, not ours.
                valueCodeableConcept={
                    "coding": [{"system": ITEM_CONTROL_CODES, "code": "help", "display": "Help"}]
                },
            )
        ],
    )
    fields: dict[str, Any] = {
        "linkId": question.id,
        "text": question.text,
        "type": _ITEM_TYPES[question.type],
        "required": False,
        "item": [help_item],
    }
    if question.type == "multi":
        fields["repeats"] = True
    if question.type in {"choice", "multi"}:
        fields["answerOption"] = [
            QuestionnaireItemAnswerOption(valueCoding=_coding(question, option.value, option.label))
            for option in question.options
        ]
    if question.type == "multi":
        fields["answerOption"].append(
            QuestionnaireItemAnswerOption(
                valueCoding=Coding(
                    system=system_url("none-of-these"), code=NONE_OF_THESE, display=none_of_these
                ),
                extension=[Extension(url=OPTION_EXCLUSIVE, valueBoolean=True)],
            )
        )
    bounds = [(MIN_VALUE, question.minimum), (MAX_VALUE, question.maximum)]
    extensions = [
        Extension(url=url, **{_value_key(question): _number(question, bound)})
        for url, bound in bounds
        if bound is not None
    ]
    if question.ask_if is not None:
        rule = enable_rule(question.ask_if, questions)
        if rule is None:
            expression = shown_expression(question.ask_if, questions)
            extensions.append(
                Extension(
                    url=ENABLE_WHEN_EXPRESSION,
                    valueExpression={"language": "text/fhirpath", "expression": expression},
                )
            )
        else:
            behavior, tests = rule
            fields["enableWhen"] = [_enable_when(test, questions) for test in tests]
            if len(tests) > 1:
                fields["enableBehavior"] = behavior
    if extensions:
        fields["extension"] = extensions
    return QuestionnaireItem(**fields)


def _coding(question: Question, code: str, display: str | None = None) -> Coding:
    return Coding(system=system_url(question_system_id(question.id)), code=code, display=display)


def _value_key(question: Question) -> str:
    return "valueInteger" if question.type == "integer" else "valueDecimal"


def _number(question: Question, value: float) -> int | float:
    return int(value) if question.type == "integer" else value


def _enable_when(test: EnableTest, questions: dict[str, Question]) -> QuestionnaireItemEnableWhen:
    link, operator, value = test
    question = questions[link]
    if operator == "exists":
        answer: dict[str, Any] = {"answerBoolean": value}
    elif question.type == "yes_no":
        answer = {"answerBoolean": value}
    elif question.type in {"choice", "multi"}:
        answer = {"answerCoding": _coding(question, value)}
    else:
        answer = {"answerInteger" if question.type == "integer" else "answerDecimal": value}
    return QuestionnaireItemEnableWhen(question=link, operator=operator, **answer)


def enable_rule(
    condition: Condition, questions: dict[str, Question]
) -> tuple[Literal["any", "all"], list[EnableTest]] | None:
    """The skip rule as ``enableWhen`` tests and their ``enableBehavior``, or None when a
    flat "any" or "all" of tests cannot say it.

    An ``=`` test on a question with several answers holds when any answer matches."""
    if condition.field is not None:
        tests = _leaf_tests(condition, questions)
        return None if tests is None else ("any", tests)
    if condition.any_ is not None:
        found: list[EnableTest] = []
        for part in condition.any_:
            rule = enable_rule(part, questions)
            if rule is None or (rule[0] == "all" and len(rule[1]) > 1):
                return None
            found += rule[1]
        return "any", found
    if condition.all_ is not None:
        found = []
        for part in condition.all_:
            rule = enable_rule(part, questions)
            if rule is None or (rule[0] == "any" and len(rule[1]) > 1):
                return None
            found += rule[1]
        return "all", found
    return None  # "not" needs "is not", whose meaning on a missing answer FHIR R4 leaves open


def _leaf_tests(c: Condition, questions: dict[str, Question]) -> list[EnableTest] | None:
    """The tests any one of which shows the question (the leaf is not known false)."""
    field = _question(c, questions).id
    if c.known is not None:
        return [(field, "exists", c.known)]
    tests: list[EnableTest] = []
    if c.if_unknown is not False:
        tests.append((field, "exists", False))
    if c.is_ is not None:
        return [*tests, (field, "=", c.is_)]
    if c.in_ is not None or c.any_of is not None:
        return [*tests, *((field, "=", value) for value in (c.in_ or c.any_of or []))]
    operator, bound = next(
        (op, getattr(c, name)) for name, op in _COMPARISONS if getattr(c, name) is not None
    )
    if questions[field].type == "integer":
        if not float(bound).is_integer():
            return None
        bound = int(bound)
    return [*tests, (field, operator, bound)]


def _question(c: Condition, questions: dict[str, Question]) -> Question:
    question = questions.get(c.field or "")
    if question is None:
        raise ValueError(f"a skip rule reads {c.field!r}, which is not a question")
    return question


def shown_expression(condition: Condition, questions: dict[str, Question]) -> str:
    """The skip rule in FHIRPath over the response (``%resource``): true exactly when the
    rule is not known to be false. Every part gives true or false, never empty."""
    return _maybe(condition, questions, holds=True)


def _maybe(c: Condition, questions: dict[str, Question], holds: bool) -> str:
    """FHIRPath for "c may be `holds`": c is `holds` or unknown (Kleene logic)."""
    if c.not_ is not None:
        return _maybe(c.not_, questions, not holds)
    parts = c.all_ if c.all_ is not None else c.any_
    if parts is not None:
        joiner = " and " if (c.all_ is not None) == holds else " or "
        return "(" + joiner.join(_maybe(part, questions, holds) for part in parts) + ")"
    question = _question(c, questions)
    answers = f"%resource.repeat(item).where(linkId = '{question.id}').answer.value"
    if c.known is not None:
        return f"{answers}.{'exists' if c.known == holds else 'empty'}()"
    test = _test(c, question, answers)
    known = test if holds else f"({answers}.exists() and {test}.not())"
    if c.if_unknown is (not holds):
        return known
    return f"({answers}.empty() or {known})"


def _test(c: Condition, question: Question, answers: str) -> str:
    """FHIRPath for "the answer is known and passes the leaf's test"."""
    if c.is_ is not None:
        return f"({answers}.ofType(boolean) contains {'true' if c.is_ else 'false'})"
    if c.in_ is not None or c.any_of is not None:
        codes = " or ".join(f"code = '{value}'" for value in (c.in_ or c.any_of or []))
        system = system_url(question_system_id(question.id))
        return f"{answers}.ofType(Coding).where(system = '{system}' and ({codes})).exists()"
    kind = "integer" if question.type == "integer" else "decimal"
    operator, bound = next(
        (op, getattr(c, name)) for name, op in _COMPARISONS if getattr(c, name) is not None
    )
    literal = str(int(bound)) if float(bound).is_integer() else repr(float(bound))
    return f"{answers}.ofType({kind}).where($this {operator} {literal}).exists()"
