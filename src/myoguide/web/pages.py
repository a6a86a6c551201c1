"""The HTML pages: reading topics, the check and its result. They work without JavaScript."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from ..assessment import Assessment
from ..engine import Engine
from ..errors import field_problems
from ..i18n import N_, gettext_for
from ..knowledge import Knowledge
from ..knowledge.models import Topic
from ..questionnaire import NONE_OF_THESE, read_form, walk
from ..render import (
    CAUSES_INTRO,
    FOR_LATER,
    banner_tone,
    kind_title,
    link_strength,
    source_numbers,
)
from .language import PageTemplates, page_language, remember_language


def make_templates(knowledge: Knowledge, offered: tuple[str, ...] = ()) -> PageTemplates:
    """The page templates, with what every page shows (the knowledge, its sources: English
    unless a page gives its language's through `knowledge_context`), and the languages the
    switch offers."""
    templates = PageTemplates(Path(__file__).parent / "templates")
    templates.env.globals.update(
        knowledge_context(knowledge),
        offered_languages=offered or (knowledge.language,),
        none_of_these=NONE_OF_THESE,
        link_strength=link_strength,
        causes_intro=CAUSES_INTRO,
    )
    templates.env.filters["tojson_attr"] = lambda value: json.dumps(
        value, separators=(",", ":"), ensure_ascii=False
    )
    return templates


GROUP_TITLES = {
    "kinds": N_("Twitch or spasm"),
    "regions": N_("Where in the body"),
    "factors": N_("Causes"),
    "rule_outs": N_("Conditions a doctor may rule out"),
    "warning_signs": N_("Warning signs"),
    "care_plan": N_("What helps"),
}


def knowledge_context(knowledge: Knowledge) -> dict[str, Any]:
    """What a page shows from the knowledge, in the knowledge's language."""
    return {
        "knowledge": knowledge,
        "documents": {doc.id: doc for doc in knowledge.sources},
        "language": knowledge.language,
    }


def build_pages(engines: dict[str, Engine], templates: PageTemplates) -> APIRouter:
    """The reading pages and the full form, each in the language the reader chose (one
    engine per language the knowledge speaks)."""
    router = APIRouter(include_in_schema=False)
    contexts = {code: knowledge_context(engine.knowledge) for code, engine in engines.items()}

    def chosen(request: Request) -> Engine:
        return engines[page_language(request, engines)]

    def page(
        request: Request, engine: Engine, name: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        return render(
            templates, request, name, status, **contexts[engine.knowledge.language], **context
        )

    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> HTMLResponse:
        engine = chosen(request)
        _ = gettext_for(engine.knowledge.language)
        return page(request, engine, "home.html", title=_("myoguide: muscle twitches and spasms"))

    @router.get("/topics", response_class=HTMLResponse)
    async def topic_list(request: Request) -> HTMLResponse:
        engine = chosen(request)
        _ = gettext_for(engine.knowledge.language)
        return page(request, engine, "topics.html", title=_("Topics"))

    @router.get("/topics/{topic_id}", response_class=HTMLResponse)
    async def topic(request: Request, topic_id: str) -> HTMLResponse:
        engine = chosen(request)
        knowledge = engine.knowledge
        _ = gettext_for(knowledge.language)
        found = next((t for t in knowledge.topics if t.id == topic_id), None)
        if found is None:
            raise HTTPException(404, _("There is no topic called {id!r}.").format(id=topic_id))
        return page(
            request,
            engine,
            "topic.html",
            title=found.title,
            topic=found,
            groups=[(_(GROUP_TITLES[g]), _group(knowledge, g)) for g in found.lists],
        )

    @router.get("/knowledge/{entry_id}", response_class=HTMLResponse)
    async def entry(request: Request, entry_id: str) -> HTMLResponse:
        engine = chosen(request)
        _ = gettext_for(engine.knowledge.language)
        found = engine.knowledge.entry(entry_id)
        if found is None or isinstance(found, Topic):
            raise HTTPException(404, _("There is no entry called {id!r}.").format(id=entry_id))
        return page(
            request,
            engine,
            "entry.html",
            title=getattr(found, "name", None) or found.title,
            entry=found,
            kind=type(found).__name__,
        )

    @router.get("/sources", response_class=HTMLResponse)
    async def sources(request: Request) -> HTMLResponse:
        engine = chosen(request)
        _ = gettext_for(engine.knowledge.language)
        return page(request, engine, "sources.html", title=_("Sources and how myoguide works"))

    @router.get("/check/all", response_class=HTMLResponse)
    async def check_form(request: Request) -> HTMLResponse:
        return _form(request, chosen(request), {}, {}, 200)

    def _form(
        request: Request,
        engine: Engine,
        values: dict[str, list[str]],
        problems: dict[str, str],
        status: int,
    ) -> HTMLResponse:
        knowledge = engine.knowledge
        _ = gettext_for(knowledge.language)
        return page(
            request,
            engine,
            "check.html",
            status=status,
            title=_("Check your twitch or spasm"),
            sections=list(walk(knowledge)),
            values=values,
            problems=problems,
            questions={q.id: q for q in knowledge.questions.questions},
        )

    @router.post("/check", response_class=HTMLResponse)
    async def check(request: Request) -> Response:
        engine = chosen(request)
        knowledge = engine.knowledge
        form: FormData = await request.form()
        values = {key: [str(v) for v in form.getlist(key)] for key in form}
        answers, problems = read_form(knowledge, values)
        if problems:
            return _form(request, engine, values, problems, 422)
        try:
            result = engine.assess(answers)
        except ValidationError as error:
            said = field_problems(error, language=knowledge.language)
            found = {p.field: p.message for p in said}
            return _form(request, engine, values, found, 422)
        return render_result(templates, request, knowledge, answers, result)

    @router.post("/check/result.json")
    async def download(request: Request) -> Response:
        engine = chosen(request)
        form = await request.form()
        try:
            answers = json.loads(str(form.get("answers", "")))
            result = engine.assess(answers)
        except (ValueError, ValidationError, TypeError, AttributeError) as error:
            _ = gettext_for(engine.knowledge.language)
            raise HTTPException(422, _("The answers to download were not valid.")) from error
        return Response(
            result.model_dump_json(indent=2),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="myoguide-result.json"'},
        )

    return router


def render(
    templates: Jinja2Templates,
    request: Request,
    name: str,
    status: int = 200,
    /,
    **context: Any,
) -> HTMLResponse:
    """A page from its template, with the site's title when the context gives none. A page
    whose context names its `language` is in that language, and says so in its headers."""
    context.setdefault("title", "myoguide")
    response: HTMLResponse = templates.TemplateResponse(request, name, context, status_code=status)
    if "language" in context:
        remember_language(request, response, context["language"])
    return response


def render_result(
    templates: Jinja2Templates,
    request: Request,
    knowledge: Knowledge,
    answers: dict[str, Any],
    result: Assessment,
) -> HTMLResponse:
    """The result page of an assessment, with its answers ready to download: the full form
    and the interview end on this same page."""
    level = knowledge.meta.triage_levels[result.triage.level]
    _ = gettext_for(knowledge.language)
    return render(
        templates,
        request,
        "result.html",
        **knowledge_context(knowledge),
        title=level.label,
        result=result,
        answers_json=json.dumps(answers, separators=(",", ":")),
        numbers=source_numbers(result),
        kind_title=kind_title(result.kind, knowledge.language),
        level=level,
        questions={q.id: q for q in knowledge.questions.questions},
        target_names=_target_names(result, knowledge.language),
        tone=banner_tone(result),
        for_later=_(FOR_LATER),
    )


def _group(knowledge: Knowledge, group: str) -> list[Any]:
    entries: list[Any] = knowledge.kinds.kinds if group == "kinds" else getattr(knowledge, group)
    return entries


def _target_names(result: Assessment, language: str) -> dict[str, str]:
    _ = gettext_for(language)
    names = {finding.id: finding.name.lower() for finding in result.factors}
    names.update({"twitch": _("twitches"), "spasm": _("spasms")})
    return names
