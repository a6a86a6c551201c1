"""The web application: one FastAPI app serving the pages and the JSON API.

Both are thin adapters over the same engine and knowledge, so they cannot drift apart.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.routing import Route

from .. import __version__
from ..engine import Engine, default_engine
from ..fhir import FhirProblem
from ..i18n import N_, Said, gettext_for, languages
from ..knowledge import Knowledge, load_knowledge
from . import adaptive, assessments
from .api import build_router, language_headers
from .caching import PrivateResponses
from .check import build_check_pages
from .diary.api import build_diary_api
from .diary.pages import build_diary_pages
from .failures import UnexpectedErrors
from .fhir import FHIR_PREFIX, build_fhir_router, outcome_response
from .language import page_language, request_language
from .outages import DatabaseOutages, readiness
from .pages import build_pages, knowledge_context, make_templates, render
from .problems import validation_detail
from .security import BodyLimit, HeadAsGet, SecurityHeaders
from .sessions import DiaryBackend, LoginRequired

if TYPE_CHECKING:
    from ..diary.store import DiaryStore

HERE = Path(__file__).parent


def create_app(
    knowledge: Knowledge | None = None, store: DiaryStore | str | None = None
) -> FastAPI:
    """Build the app (over the packaged knowledge unless another is given). The diary lives
    in `store` (a DiaryStore, a path or a URL), else where $MYOGUIDE_DATABASE_URL says."""
    knowledge = knowledge or load_knowledge()
    packaged = knowledge is load_knowledge()
    engine = default_engine() if packaged else Engine(knowledge)
    # The JSON API answers in every language of the packaged knowledge; another knowledge
    # base only in its own.
    engines = {code: default_engine(code) for code in languages()} if packaged else {}
    engines[knowledge.language] = engine
    app = FastAPI(
        lifespan=_lifespan,
        title="myoguide",
        version=__version__,
        summary="Explains muscle twitches and spasms: kind, triage, likely causes, what helps.",
        description=(
            "Every statement is cited. myoguide informs; it does not diagnose. "
            + knowledge.meta.disclaimer
        ),
        docs_url=None,
        redoc_url=None,
    )
    templates = make_templates(knowledge, tuple(engines))
    app.state.knowledge = knowledge
    app.state.engine = engine
    app.state.engines = engines
    app.state.templates = templates
    app.state.diary = DiaryBackend(store)

    @app.get("/healthz", tags=["service"], summary="Liveness check")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "knowledge_version": knowledge.version}

    app.add_api_route(
        "/readyz",
        readiness,
        methods=["GET"],
        tags=["service"],
        summary="Readiness check: the diary's database answers (503 when it does not)",
    )

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        language = page_language(request, engines)
        _ = gettext_for(language)
        return render(
            templates, request, "docs.html", title=_("API documentation"), language=language
        )

    app.router.routes.append(
        Route(assessments.PATH, assessments.AssessmentEndpoint(engines), methods=["POST"])
    )
    app.include_router(build_router({code: found.knowledge for code, found in engines.items()}))
    app.include_router(adaptive.build_router(engines))
    app.include_router(build_fhir_router(knowledge, engine, engines))
    app.include_router(build_diary_api(tuple(engines)))
    app.include_router(build_check_pages(engines, templates))
    app.include_router(build_pages(engines, templates))
    app.include_router(build_diary_pages(engines, templates))
    app.mount("/static/swagger", StaticFiles(directory=_swagger_ui()), name="swagger")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            assessments.document(schema)
            # The session cookie under the name this server really gives it (no `__Host-`
            # when cookies are not Secure), so clients and tools send the one that counts.
            cookie = schema.get("components", {}).get("securitySchemes", {}).get("SessionCookie")
            if cookie is not None:
                cookie["name"] = app.state.diary.cookie(cookie["name"])
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(LoginRequired, _login_required)
    # Innermost first: a database outage is a 503, anything else unexpected a 500.
    app.add_middleware(DatabaseOutages)
    app.add_middleware(UnexpectedErrors, handler=_server_error)
    app.add_middleware(BodyLimit, languages=tuple(engines))
    app.add_middleware(PrivateResponses)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    return app


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    """Once the app has started: move everything loaded so far (the knowledge, the engine,
    the frameworks: about 185,000 objects) out of the garbage collector's sight. They live
    as long as the process, and a full collection that walked them all paused every request
    for 80 to 130 ms, a few times a minute under load."""
    gc.collect()
    gc.freeze()
    yield


def _swagger_ui() -> Path:
    """Swagger UI's files, as shipped inside the fastapi-offline package."""
    from importlib.resources import files

    return Path(str(files("fastapi_offline") / "static"))


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in {
        "/openapi.json",
        "/healthz",
    }


def _detail(detail: object, language: str) -> object:
    """An error's detail in `language`: a Said, or a sentence of the catalogue; anything
    else (a list of field problems, already worded) as it is."""
    if isinstance(detail, Said):
        return detail.in_language(language)
    if isinstance(detail, str) and detail:  # gettext("") is the catalogue's header
        return gettext_for(language)(detail)
    return detail


async def _invalid_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    language = request_language(request, request.app.state.engines)
    return JSONResponse(
        jsonable_encoder(validation_detail(error.errors(), language)),
        status_code=422,
        headers=language_headers(language),
    )


def _allowed_methods(request: Request) -> str:
    """Every method the schema gives this path (the router names only one route's)."""
    from starlette.routing import compile_path

    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        if compile_path(template)[0].match(request.url.path):
            methods.update(method.upper() for method in operations)
    return ", ".join(sorted(methods))


async def _login_required(request: Request, error: Exception) -> Response:
    if _wants_json(request):
        language = request_language(request, request.app.state.engines)
        return JSONResponse(
            {"detail": gettext_for(language)(N_("Log in first (POST /diary/login)."))},
            status_code=401,
            headers=language_headers(language),
        )
    return RedirectResponse("/diary/login", status_code=303)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    headers = getattr(error, "headers", None)
    if request.url.path.startswith(FHIR_PREFIX):
        code = {404: "not-found", 405: "not-supported"}.get(error.status_code, "processing")
        issue = FhirProblem("", str(error.detail))
        language = request_language(request, request.app.state.engines)
        response = outcome_response(error.status_code, [issue], code, language)
        response.headers.update(headers or {})
        return response
    language = request_language(request, request.app.state.engines)
    if _wants_json(request):
        headers = {**(headers or {}), **language_headers(language)}
    if error.status_code == 400 and _wants_json(request):
        # FastAPI's answer to a JSON body it cannot even decode (not UTF-8, nested too deep,
        # a number too long): malformed JSON, so 422 like any other.
        problem = {"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"}
        return JSONResponse(validation_detail([problem], language), 422, headers=headers)
    if error.status_code == 405 and request.url.path.startswith("/api/"):
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    if _wants_json(request):
        detail = _detail(error.detail, language)
        return JSONResponse({"detail": detail}, error.status_code, headers=headers)
    title = N_("Not found") if error.status_code == 404 else N_("Something went wrong")
    page = _error_page(request, title, error.status_code, str(error.detail))
    page.headers.update(headers or {})
    return page


def _error_page(request: Request, title: str, status: int, detail: str) -> Response:
    """An error page in the reader's language (`detail` is translated where it is raised,
    or here when it is one of the catalogue's sentences)."""
    engines: dict[str, Engine] = request.app.state.engines
    language = page_language(request, engines)
    _ = gettext_for(language)
    return render(
        request.app.state.templates,
        request,
        "error.html",
        status,
        **knowledge_context(engines[language].knowledge),
        title=_(title),
        detail=_(detail),
    )


FRAMEWORK_DETAILS = (N_("Not Found"), N_("Method Not Allowed"))
"""The framework's own details (a path or a method that does not exist), in the catalogue
so that a JSON answer, and FHIR's OperationOutcome, says them in its language."""
SERVER_ERROR = N_(
    "Something went wrong on the server. Try again in a minute; if it keeps happening, tell"
    " whoever runs this site."
)


async def _server_error(request: Request, error: Exception) -> Response:
    """500 for an error that no handler took: a problem like every other answer (the
    failures module puts it inside the middleware, so the security headers come with it)."""
    if request.url.path.startswith(FHIR_PREFIX):
        language = request_language(request, request.app.state.engines)
        return outcome_response(500, [FhirProblem("", SERVER_ERROR)], "exception", language)
    if _wants_json(request):
        language = request_language(request, request.app.state.engines)
        return JSONResponse(
            {"detail": gettext_for(language)(SERVER_ERROR)},
            status_code=500,
            headers=language_headers(language),
        )
    return _error_page(request, N_("Something went wrong"), 500, SERVER_ERROR)
