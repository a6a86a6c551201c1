"""The FHIR endpoints under /fhir (CONTRACT.md §8): thin adapters over ``myoguide.fhir``.

Bodies are read here rather than by the framework, so that every problem, down to a body
that is not JSON, is answered as FHIR answers it: an OperationOutcome naming the place.
400: not a FHIR resource of the right type; 422: a resource whose answers cannot be read.

Every answer is in the request's Accept-Language language, as the JSON API's (``language``
on each resource we write, ``Content-Language`` and ``Vary`` on the response); the codes,
linkIds, urls and versions are the same in every language. The capability statement is
English only: it describes the server to its developers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ..engine import Engine
from ..fhir import FhirInputError, FhirProblem, Phrase
from ..i18n import ENGLISH, N_
from ..knowledge import Knowledge
from .api import language_headers
from .language import request_language

FHIR_PREFIX = "/fhir/"
MEDIA_TYPE = "application/fhir+json"
_JSON_TYPES = {"", "application/json", MEDIA_TYPE}


class FhirResponse(Response):
    media_type = MEDIA_TYPE


def outcome_response(
    status: int, problems: list[FhirProblem], code: str = "invalid", language: str = ENGLISH
) -> Response:
    """An error as an OperationOutcome with this HTTP status, in ``language``."""
    from ..fhir.outcome import operation_outcome

    outcome = operation_outcome(FhirInputError(problems), language)
    outcome.language = language
    for issue in outcome.issue:
        issue.code = code
    return FhirResponse(
        outcome.model_dump_json(), status_code=status, headers=language_headers(language)
    )


def build_fhir_router(
    knowledge: Knowledge, engine: Engine, engines: Mapping[str, Engine] | None = None
) -> APIRouter:
    """The FHIR routes over ``engine`` (its knowledge: ``knowledge``), and over the engine of
    each other language in ``engines`` (by language) for a request that asks for it."""
    router = APIRouter(prefix="/fhir", include_in_schema=False)
    started = date.today()
    # The knowledge's own language first: the one answered when none asked for is served.
    by_language = {knowledge.language: engine}
    by_language.update((code, e) for code, e in (engines or {}).items() if code not in by_language)

    def engine_for(request: Request) -> Engine:
        return by_language[request_language(request, by_language)]

    # Made at the first request, not at start-up (the FHIR models take a while to import),
    # then kept: they change only with the knowledge.
    @cache
    def metadata() -> str:
        from ..fhir.capability import capability_statement

        return capability_statement(knowledge, started).model_dump_json()

    @cache
    def form(language: str) -> str:
        from ..fhir.questionnaire import questionnaire

        return questionnaire(by_language[language].knowledge).model_dump_json()

    @cache
    def systems(language: str) -> dict[str, str]:
        from ..fhir.codesystem import code_system, code_system_ids
        from ..fhir.diary import DIARY_SYSTEM_ID, diary_code_system

        spoken = by_language[language].knowledge
        built = {i: code_system(spoken, i) for i in code_system_ids(spoken)}
        # The diary's codes (GET /api/v1/diary/export?format=fhir) resolve here too.
        built[DIARY_SYSTEM_ID] = diary_code_system(language)
        return {i: system.model_dump_json() for i, system in built.items() if system is not None}

    def answer(body: str | bytes, language: str) -> Response:
        return FhirResponse(body, headers=language_headers(language))

    @router.get("/metadata")
    def capabilities() -> Response:
        return FhirResponse(metadata())

    @router.get("/Questionnaire/{questionnaire_id}")
    def read_questionnaire(questionnaire_id: str, request: Request) -> Response:
        language = request_language(request, by_language)
        if questionnaire_id != "myoguide":
            return _not_found("Questionnaire", questionnaire_id, language)
        return answer(form(language), language)

    @router.get("/CodeSystem/{system_id}")
    def read_code_system(system_id: str, request: Request) -> Response:
        language = request_language(request, by_language)
        found = systems(language).get(system_id)
        if found is None:
            return _not_found("CodeSystem", system_id, language)
        return answer(found, language)

    @router.post("/QuestionnaireResponse/$assess")
    async def assess(request: Request) -> Response:
        """A QuestionnaireResponse in, a Bundle with a RiskAssessment and a CarePlan out."""
        chosen = engine_for(request)
        language = chosen.knowledge.language
        data = await _body(request, language)
        if isinstance(data, Response):
            return data

        def run() -> Response:
            from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

            from ..fhir.assessment import assessment_bundle
            from ..fhir.outcome import parse_resource
            from ..fhir.response import read_response
            from ..fhir.serialize import fhir_json

            try:
                response = parse_resource(data, QuestionnaireResponse, language=language)
            except FhirInputError as error:
                return outcome_response(400, error.problems, "structure", language)
            try:
                read = read_response(response, chosen.knowledge)
            except FhirInputError as error:
                return outcome_response(422, error.problems, language=language)
            assessment = chosen.assess(read.answers)
            return answer(
                fhir_json(assessment_bundle(assessment, response, chosen.knowledge)), language
            )

        return await run_in_threadpool(run)

    @router.post("/Questionnaire/$next-question")
    async def next_question(request: Request) -> Response:
        """SDC's adaptive form: the response with the next question added, or completed."""
        chosen = engine_for(request)
        language = chosen.knowledge.language
        data = await _body(request, language)
        if isinstance(data, Response):
            return data

        def run() -> Response:
            from ..fhir.adaptive import next_question_response, response_in
            from ..fhir.serialize import fhir_json

            try:
                response, at = response_in(data, language)
            except FhirInputError as error:
                return outcome_response(400, error.problems, "structure", language)
            try:
                updated, _ = next_question_response(response, chosen.knowledge, at)
            except FhirInputError as error:
                return outcome_response(422, error.problems, language=language)
            return answer(fhir_json(updated), language)

        return await run_in_threadpool(run)

    return router


async def _body(request: Request, language: str) -> Any:
    """The request's JSON, or the OperationOutcome that says why there is none."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in _JSON_TYPES:
        problem = FhirProblem(
            "", N_("send FHIR JSON, with Content-Type: {media_type}"), {"media_type": MEDIA_TYPE}
        )
        return outcome_response(415, [problem], "not-supported", language)
    body = await request.body()
    try:
        return json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        # The JSON parser's own reason is English: said in the request's language.
        from ..errors import json_reason

        reason = (
            json_reason(error, language) if isinstance(error, json.JSONDecodeError) else _UNREADABLE
        )
        problem = FhirProblem("", N_("the body is not valid JSON: {reason}"), {"reason": reason})
        return outcome_response(400, [problem], "structure", language)


_UNREADABLE = Phrase(N_("it cannot be read"))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _not_found(kind: str, resource_id: str, language: str) -> Response:
    problem = FhirProblem(
        "", N_("there is no {kind} {id} here"), {"kind": kind, "id": repr(resource_id)}
    )
    return outcome_response(404, [problem], "not-found", language)
