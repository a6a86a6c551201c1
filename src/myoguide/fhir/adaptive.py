"""SDC's adaptive form (``$next-question``) over the interview's :func:`next_question`.

A response comes in, bare or as the ``in`` parameter of a ``Parameters``; the same
response goes out with the next question's item added (no answer yet), or with ``status``
``completed`` when the interview is done. The interview never ends while a warning sign
could still raise the triage, so neither does this. An item with no answer is a question
answered "not sure": it stays unknown and is not asked again.

As SDC's adaptive questionnaires do, the response carries the questions asked so far as a
contained Questionnaire (profile ``sdc-questionnaire-adapt``, derived from ours) that its
``questionnaire`` points to (``#asked``): each question with its type, its choices and its
help, and the question just added with why we ask it now. The questions are always ours; only
the why of a question asked before is taken back from the contained Questionnaire sent in,
when that was in the language asked for now (one without ``language`` was English).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.questionnaire import Questionnaire, QuestionnaireItem
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
)

from ..i18n import ENGLISH, N_, gettext_for
from ..interview import Question, next_question
from ..knowledge import Knowledge
from . import FhirInputError, FhirProblem, resource_version
from .outcome import parse_resource
from .questionnaire import (
    ENABLE_WHEN_EXPRESSION,
    HELP_SUFFIX,
    QUESTIONNAIRE_URL,
    SECTION_PREFIX,
    questionnaire,
)
from .response import contained_form, read_response

__all__ = [
    "ADAPTIVE_EXTENSION",
    "ADAPTIVE_QUESTIONNAIRE_PROFILE",
    "ADAPTIVE_RESPONSE_PROFILE",
    "ASKED_ID",
    "next_question_response",
    "response_in",
]

_SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition"
ADAPTIVE_RESPONSE_PROFILE = f"{_SDC}/sdc-questionnaireresponse-adapt"
ADAPTIVE_QUESTIONNAIRE_PROFILE = f"{_SDC}/sdc-questionnaire-adapt"
ADAPTIVE_EXTENSION = f"{_SDC}/sdc-questionnaire-questionnaireAdaptive"
ASKED_ID = "asked"
"""The id of the contained Questionnaire, unless the response sent in names another."""
ASKED_TITLE = N_("Muscle twitch and spasm check: the questions asked")


def response_in(data: object, language: str = ENGLISH) -> tuple[QuestionnaireResponse, str]:
    """The QuestionnaireResponse in a request body, and the FHIRPath where it sits (what the
    models find wrong worded in `language`)."""
    if isinstance(data, dict) and data.get("resourceType") == "Parameters":
        parameters = parse_resource(data, Parameters, language=language)
        found = [(index, p) for index, p in enumerate(parameters.parameter or []) if p.name == "in"]
        if len(found) != 1:
            raise FhirInputError(
                [
                    FhirProblem(
                        "Parameters.parameter", N_("expected exactly one parameter named 'in'")
                    )
                ]
            )
        index, parameter = found[0]
        at = f"Parameters.parameter[{index}].resource"
        resource = parameter.resource
        data = resource.model_dump(mode="json", by_alias=True) if resource is not None else None
        return parse_resource(data, QuestionnaireResponse, at, language=language), at
    return (
        parse_resource(data, QuestionnaireResponse, language=language),
        "QuestionnaireResponse",
    )


def next_question_response(
    response: QuestionnaireResponse, knowledge: Knowledge, at: str = "QuestionnaireResponse"
) -> tuple[QuestionnaireResponse, Question | None]:
    """The response with the next question added (or completed), its contained
    Questionnaire holding every question asked, and that question; both in the knowledge's
    language."""
    read = read_response(response, knowledge, at)
    question = next_question(read.answers, read.unknown, language=knowledge.language)
    items = list(response.item or [])
    if question is not None:
        items = _with_question(items, question)
    sent = contained_form(response)
    form_id = sent.id if sent is not None and sent.id else ASKED_ID
    form = _asked_form(form_id, items, knowledge, question, sent)
    contained = [
        resource
        for resource in response.contained or []
        if not (isinstance(resource, Questionnaire) and resource.id == form_id)
    ]
    profiles = list(response.meta.profile or []) if response.meta else []
    meta = (response.meta or Meta()).model_copy(
        update={"profile": list(dict.fromkeys([*profiles, ADAPTIVE_RESPONSE_PROFILE]))}
    )
    updated = response.model_copy(
        update={
            "language": knowledge.language,
            "meta": meta,
            "contained": [form, *contained],
            "questionnaire": f"#{form_id}",
            "status": "completed" if question is None else "in-progress",
            "item": items or None,
        }
    )
    return updated, question


def _with_question(
    items: list[QuestionnaireResponseItem], question: Question
) -> list[QuestionnaireResponseItem]:
    """The items with the question added, in its section's group (made if need be)."""
    item = QuestionnaireResponseItem(linkId=question.id, text=question.text)
    link = f"{SECTION_PREFIX}{question.section}"
    group = next((index for index, i in enumerate(items) if i.linkId == link), None)
    if group is None:
        return [
            *items,
            QuestionnaireResponseItem(linkId=link, text=question.section_title, item=[item]),
        ]
    section = items[group]
    items[group] = section.model_copy(update={"item": [*(section.item or []), item]})
    return items


def _asked_form(
    form_id: str,
    items: Sequence[QuestionnaireResponseItem],
    knowledge: Knowledge,
    question: Question | None,
    sent: Questionnaire | None,
) -> Questionnaire:
    """The contained Questionnaire: our items for the response's items, in its order."""
    ours = _our_items(knowledge)
    # A why given in another language is not taken back: the question's help says enough.
    same_language = sent is not None and (sent.language or ENGLISH) == knowledge.language
    helps = {
        item.linkId: item
        for item in _walk(sent.item if sent and same_language else None)
        if item.type == "display"
    }

    def item_for(given: QuestionnaireResponseItem) -> QuestionnaireItem | None:
        link = given.linkId or ""
        found = ours.get(link)
        if found is None:
            return None
        if found.type == "group":
            intro = ours.get(f"{link}-intro")
            children = [item_for(child) for child in given.item or []]
            shown = [child for child in children if child is not None]
            return found.model_copy(update={"item": [*([intro] if intro else []), *shown]})
        help_link = f"{link}{HELP_SUFFIX}"
        if question is not None and link == question.id:
            help_item = _help_with_why(ours[help_link], question)
        elif help_link in helps and helps[help_link].text:
            # The why we gave when we asked it, sent back to us.
            help_item = ours[help_link].model_copy(update={"text": helps[help_link].text})
        else:
            help_item = ours[help_link]
        return found.model_copy(update={"item": [help_item]})

    asked = [item for item in (item_for(given) for given in items) if item is not None]
    return Questionnaire(
        id=form_id,
        meta=Meta(profile=[ADAPTIVE_QUESTIONNAIRE_PROFILE]),
        language=knowledge.language,
        extension=[Extension(url=ADAPTIVE_EXTENSION, valueBoolean=True)],
        version=resource_version(knowledge),
        name="MyoguideAsked",
        title=gettext_for(knowledge.language)(ASKED_TITLE),
        status="active",
        derivedFrom=[f"{QUESTIONNAIRE_URL}|{resource_version(knowledge)}"],
        subjectType=["Patient"],
        item=asked or None,
    )


def _help_with_why(help_item: QuestionnaireItem, question: Question) -> QuestionnaireItem:
    return help_item.model_copy(update={"text": f"{question.help}\n\n{question.why}"})


def _walk(items: Sequence[QuestionnaireItem] | None) -> Iterator[QuestionnaireItem]:
    for item in items or []:
        yield item
        yield from _walk(item.item)


_FORMS: dict[int, tuple[Knowledge, dict[str, QuestionnaireItem]]] = {}


def _our_items(knowledge: Knowledge) -> dict[str, QuestionnaireItem]:
    """Our questionnaire's items by linkId, as an adaptive form asks them: the server has
    chosen each question, so no skip rule goes with it (and a rule could name a question
    not asked). Made once per knowledge."""
    kept = _FORMS.get(id(knowledge))
    if kept is None or kept[0] is not knowledge:
        items = {}
        for item in _walk(questionnaire(knowledge).item):
            extensions = [e for e in item.extension or [] if e.url != ENABLE_WHEN_EXPRESSION]
            items[item.linkId or ""] = item.model_copy(
                update={"enableWhen": None, "enableBehavior": None, "extension": extensions or None}
            )
        kept = _FORMS[id(knowledge)] = (knowledge, items)
    return kept[1]
