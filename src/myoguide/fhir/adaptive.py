"""SDC's adaptive form (``$next-question``) over the interview's :func:`next_question`.

A response comes in, bare or as the ``in`` parameter of a ``Parameters``; the same
response goes out with the next question's item added (no answer yet), or with ``status``
``completed`` when the interview is done. The interview never ends while a warning sign
could still raise the triage, so neither does this. An item with no answer is a question
answered "not sure": it stays unknown and is not asked again.
"""

from __future__ import annotations

from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
)

from ..interview import Question, next_question
from ..knowledge import Knowledge
from . import FhirInputError, FhirProblem
from .outcome import parse_resource
from .questionnaire import SECTION_PREFIX
from .response import read_response

__all__ = ["next_question_response", "response_in"]


def response_in(data: object) -> tuple[QuestionnaireResponse, str]:
    """The QuestionnaireResponse in a request body, and the FHIRPath where it sits."""
    if isinstance(data, dict) and data.get("resourceType") == "Parameters":
        parameters = parse_resource(data, Parameters)
        found = [(index, p) for index, p in enumerate(parameters.parameter or []) if p.name == "in"]
        if len(found) != 1:
            raise FhirInputError(
                [FhirProblem("Parameters.parameter", "expected exactly one parameter named 'in'")]
            )
        index, parameter = found[0]
        at = f"Parameters.parameter[{index}].resource"
        resource = parameter.resource
        data = resource.model_dump(mode="json", by_alias=True) if resource is not None else None
        return parse_resource(data, QuestionnaireResponse, at), at
    return parse_resource(data, QuestionnaireResponse), "QuestionnaireResponse"


def next_question_response(
    response: QuestionnaireResponse, knowledge: Knowledge, at: str = "QuestionnaireResponse"
) -> tuple[QuestionnaireResponse, Question | None]:
    """The response with the next question added (or completed), and that question."""
    read = read_response(response, knowledge, at)
    question = next_question(read.answers, read.unknown)
    if question is None:
        return response.model_copy(update={"status": "completed"}), None
    item = QuestionnaireResponseItem(linkId=question.id, text=question.text)
    items = list(response.item or [])
    link = f"{SECTION_PREFIX}{question.section}"
    group = next((index for index, i in enumerate(items) if i.linkId == link), None)
    if group is None:
        items.append(
            QuestionnaireResponseItem(linkId=link, text=question.section_title, item=[item])
        )
    else:
        section = items[group]
        items[group] = section.model_copy(update={"item": [*(section.item or []), item]})
    return response.model_copy(update={"status": "in-progress", "item": items}), question
