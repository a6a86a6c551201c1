"""The FHIR endpoints under /fhir (CONTRACT.md §8): thin adapters over ``myoguide.fhir``.

Bodies are read here rather than by the framework, so that every problem, down to a body
that is not JSON, is answered as FHIR answers it: an OperationOutcome naming the place.
400: not a FHIR resource of the right type; 422: a resource whose answers cannot be read.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ..engine import Engine
from ..fhir import FhirInputError, FhirProblem
from ..knowledge import Knowledge

FHIR_PREFIX = "/fhir/"
MEDIA_TYPE = "application/fhir+json"
_JSON_TYPES = {"", "application/json", MEDIA_TYPE}


class FhirResponse(Response):
    media_type = MEDIA_TYPE


def outcome_response(status: int, problems: list[FhirProblem], code: str = "invalid") -> Response:
    """An error as an OperationOutcome with this HTTP status."""
    from ..fhir.outcome import operation_outcome

    outcome = operation_outcome(FhirInputError(problems))
    for issue in outcome.issue:
        issue.code = code
    return FhirResponse(outcome.model_dump_json(), status_code=status)


def build_fhir_router(knowledge: Knowledge, engine: Engine) -> APIRouter:
    router = APIRouter(prefix="/fhir", include_in_schema=False)
    started = date.today()

    # Made at the first request, not at start-up (the FHIR models take a while to import),
    # then kept: they change only with the knowledge.
    @cache
    def metadata() -> str:
        from ..fhir.capability import capability_statement

        return capability_statement(knowledge, started).model_dump_json()

    @cache
    def form() -> str:
        from ..fhir.questionnaire import questionnaire

        return questionnaire(knowledge).model_dump_json()

    @cache
    def systems() -> dict[str, str]:
        from ..fhir.codesystem import code_system, code_system_ids
        from ..fhir.diary import DIARY_SYSTEM_ID, diary_code_system

        built = {i: code_system(knowledge, i) for i in code_system_ids(knowledge)}
        # The diary's codes (GET /api/v1/diary/export?format=fhir) resolve here too.
        built[DIARY_SYSTEM_ID] = diary_code_system()
        return {i: system.model_dump_json() for i, system in built.items() if system is not None}

    @router.get("/metadata")
    def capabilities() -> Response:
        return FhirResponse(metadata())

    @router.get("/Questionnaire/{questionnaire_id}")
    def read_questionnaire(questionnaire_id: str) -> Response:
        if questionnaire_id != "myoguide":
            return _not_found("Questionnaire", questionnaire_id)
        return FhirResponse(form())

    @router.get("/CodeSystem/{system_id}")
    def read_code_system(system_id: str) -> Response:
        found = systems().get(system_id)
        return FhirResponse(found) if found is not None else _not_found("CodeSystem", system_id)

    @router.post("/QuestionnaireResponse/$assess")
    async def assess(request: Request) -> Response:
        """A QuestionnaireResponse in, a Bundle with a RiskAssessment and a CarePlan out."""
        data = await _body(request)
        if isinstance(data, Response):
            return data

        def run() -> Response:
            from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

            from ..fhir.assessment import assessment_bundle
            from ..fhir.outcome import parse_resource
            from ..fhir.response import read_response
            from ..fhir.serialize import fhir_json

            try:
                response = parse_resource(data, QuestionnaireResponse)
            except FhirInputError as error:
                return outcome_response(400, error.problems, "structure")
            try:
                read = read_response(response, knowledge)
            except FhirInputError as error:
                return outcome_response(422, error.problems)
            bundle = assessment_bundle(engine.assess(read.answers), response, knowledge)
            return FhirResponse(fhir_json(bundle))

        return await run_in_threadpool(run)

    @router.post("/Questionnaire/$next-question")
    async def next_question(request: Request) -> Response:
        """SDC's adaptive form: the response with the next question added, or completed."""
        data = await _body(request)
        if isinstance(data, Response):
            return data

        def run() -> Response:
            from ..fhir.adaptive import next_question_response, response_in
            from ..fhir.serialize import fhir_json

            try:
                response, at = response_in(data)
            except FhirInputError as error:
                return outcome_response(400, error.problems, "structure")
            try:
                updated, _ = next_question_response(response, knowledge, at)
            except FhirInputError as error:
                return outcome_response(422, error.problems)
            return FhirResponse(fhir_json(updated))

        return await run_in_threadpool(run)

    return router


async def _body(request: Request) -> Any:
    """The request's JSON, or the OperationOutcome that says why there is none."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in _JSON_TYPES:
        problem = FhirProblem("", f"send FHIR JSON, with Content-Type: {MEDIA_TYPE}")
        return outcome_response(415, [problem], "not-supported")
    body = await request.body()
    try:
        return json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "it cannot be read"
        return outcome_response(
            400, [FhirProblem("", f"the body is not valid JSON: {reason}")], "structure"
        )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _not_found(kind: str, resource_id: str) -> Response:
    problem = FhirProblem("", f"there is no {kind} {resource_id!r} here")
    return outcome_response(404, [problem], "not-found")
