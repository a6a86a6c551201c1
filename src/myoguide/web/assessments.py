"""POST /api/v1/assessments, the hot path of the API.

It is a plain ASGI endpoint rather than a framework route: the framework's per-request
machinery (dependency solving, body parsing, response models) cost more than the
assessment itself. Validation and errors are the same as everywhere else in the API, and
the operation is documented in the OpenAPI schema by :func:`document`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from pydantic import ValidationError
from pydantic.json_schema import models_json_schema

from ..answers import Answers
from ..assessment import Assessment
from ..engine import Engine
from ..i18n import N_, Said
from ..jsonout import assessment_json
from .language import request_language
from .problems import Problem, ValidationProblem, validation_detail

PATH = "/api/v1/assessments"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class AssessmentEndpoint:
    """Answers JSON in, assessment JSON out, in the Accept-Language language (``engines``
    by language; English when the request asks for none of them). Nothing about the person
    is kept."""

    def __init__(self, engines: Mapping[str, Engine]) -> None:
        self.engines = engines

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip()
        body = await _read(receive)
        language = request_language(headers, self.engines)
        if (
            content_type
            and content_type != b"application/json"
            and not content_type.endswith(b"+json")
        ):
            error = {
                "loc": ("body",),
                "msg": Said(N_("Send the answers as JSON, with Content-Type: application/json")),
                "type": "content_type",
            }
            detail = validation_detail([error], language)
            await _respond(send, 422, json.dumps(detail).encode(), language)
            return
        try:
            answers = Answers.model_validate_json(body)
        except ValidationError as error:
            problems = [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
            detail = validation_detail(problems, language)
            await _respond(send, 422, json.dumps(detail).encode(), language)
            return
        result = assessment_json(self.engines[language].assess(answers))
        await _respond(send, 200, result, language)


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _respond(send: Send, status: int, body: bytes, language: str | None = None) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if language is not None:
        headers += [(b"content-language", language.encode()), (b"vary", b"Accept-Language")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _without_defaults(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _without_defaults(v) for k, v in schema.items() if k != "default"}
    if isinstance(schema, list):
        return [_without_defaults(item) for item in schema]
    return schema


def document(schema: dict[str, Any]) -> None:
    """Add the operation, and the models it uses, to an OpenAPI schema."""
    _, definitions = models_json_schema(
        [
            (Answers, "validation"),
            (Assessment, "serialization"),
            (ValidationProblem, "serialization"),
            (Problem, "serialization"),
        ],
        ref_template="#/components/schemas/{model}",
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in definitions.get("$defs", {}).items():
        # FastAPI leaves out a response field's default; the same model is the same schema.
        if _without_defaults(components.setdefault(name, definition)) != _without_defaults(
            definition
        ):
            raise ValueError(f"two different OpenAPI schemas are called {name!r}")

    def ref(name: str) -> dict[str, Any]:
        return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}

    schema.setdefault("paths", {})[PATH] = {
        "post": {
            "tags": ["assessments"],
            "summary": "Assess a person's answers",
            "description": (
                "Answers in, assessment out (CONTRACT.md). Every field is optional: an absent "
                'field is unknown, never "no". Nothing about the person is stored.'
            ),
            "operationId": "create_assessment",
            "parameters": [
                {
                    "name": "Accept-Language",
                    "in": "header",
                    "required": False,
                    "description": "The language of the assessment's text, e.g. `es` "
                    "(Spanish); English when none of those asked for is available. Ids are "
                    "the same in every language; Content-Language says which one it is.",
                    "schema": {"type": "string"},
                }
            ],
            "requestBody": {"required": True, "content": ref("Answers")},
            "responses": {
                "200": {"description": "The assessment.", "content": ref("Assessment")},
                "413": {"description": "The request body is too large.", "content": ref("Problem")},
                "422": {
                    "description": "The answers are not valid; each problem names its field.",
                    "content": ref("ValidationProblem"),
                },
            },
        }
    }
