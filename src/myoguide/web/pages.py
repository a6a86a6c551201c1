"""The HTML pages: reading topics, the check and its result. They work without JavaScript."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from ..assessment import Assessment
from ..engine import Engine
from ..errors import field_problems
from ..knowledge import Knowledge
from ..knowledge.models import Topic
from ..questionnaire import NONE_OF_THESE, read_form, walk
from ..render import CAUSES_INTRO, FOR_LATER, banner_tone, link_strength, source_numbers


def make_templates(knowledge: Knowledge) -> Jinja2Templates:
    """The page templates, with what every page shows (the knowledge, its sources)."""
    templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
    templates.env.globals.update(
        knowledge=knowledge,
        documents={doc.id: doc for doc in knowledge.sources},
        none_of_these=NONE_OF_THESE,
        link_strength=link_strength,
        causes_intro=CAUSES_INTRO,
    )
    templates.env.filters["tojson_attr"] = lambda value: json.dumps(
        value, separators=(",", ":"), ensure_ascii=False
    )
    return templates


KIND_TITLES = {
    "twitch": "A twitch",
    "spasm": "A spasm (cramp)",
    "both": "Twitches and spasms",
    "unclear": "Not clear yet",
}
GROUP_TITLES = {
    "kinds": "Twitch or spasm",
    "regions": "Where in the body",
    "factors": "Causes",
    "rule_outs": "Conditions a doctor may rule out",
    "warning_signs": "Warning signs",
    "care_plan": "What helps",
}


def build_pages(knowledge: Knowledge, engine: Engine, templates: Jinja2Templates) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    topics = {topic.id: topic for topic in knowledge.topics}
    questions = {q.id: q for q in knowledge.questions.questions}

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return render(templates, request, name, status, **context)

    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> HTMLResponse:
        return page(request, "home.html", title="myoguide: muscle twitches and spasms")

    @router.get("/topics", response_class=HTMLResponse)
    async def topic_list(request: Request) -> HTMLResponse:
        return page(request, "topics.html", title="Topics")

    @router.get("/topics/{topic_id}", response_class=HTMLResponse)
    async def topic(request: Request, topic_id: str) -> HTMLResponse:
        found = topics.get(topic_id)
        if found is None:
            raise HTTPException(404, f"There is no topic called {topic_id!r}.")
        return page(
            request,
            "topic.html",
            title=found.title,
            topic=found,
            groups=[(GROUP_TITLES[g], _group(knowledge, g)) for g in found.lists],
        )

    @router.get("/knowledge/{entry_id}", response_class=HTMLResponse)
    async def entry(request: Request, entry_id: str) -> HTMLResponse:
        found = knowledge.entry(entry_id)
        if found is None or isinstance(found, Topic):
            raise HTTPException(404, f"There is no entry called {entry_id!r}.")
        return page(
            request,
            "entry.html",
            title=getattr(found, "name", None) or found.title,
            entry=found,
            kind=type(found).__name__,
        )

    @router.get("/sources", response_class=HTMLResponse)
    async def sources(request: Request) -> HTMLResponse:
        return page(request, "sources.html", title="Sources and how myoguide works")

    @router.get("/check/all", response_class=HTMLResponse)
    async def check_form(request: Request) -> HTMLResponse:
        return _form(request, {}, {}, 200)

    def _form(
        request: Request, values: dict[str, list[str]], problems: dict[str, str], status: int
    ) -> HTMLResponse:
        return page(
            request,
            "check.html",
            status=status,
            title="Check your twitch or spasm",
            sections=list(walk(knowledge)),
            values=values,
            problems=problems,
            questions=questions,
        )

    async def _answers(
        request: Request,
    ) -> tuple[dict[str, list[str]], dict[str, Any], dict[str, str]]:
        form = await request.form()
        values = {key: [str(v) for v in form.getlist(key)] for key in form}
        answers, problems = read_form(knowledge, values)
        return values, answers, problems

    @router.post("/check", response_class=HTMLResponse)
    async def check(request: Request) -> Response:
        values, answers, problems = await _answers(request)
        if problems:
            return _form(request, values, problems, 422)
        try:
            result = engine.assess(answers)
        except ValidationError as error:
            found = {p.field: p.message for p in field_problems(error)}
            return _form(request, values, found, 422)
        return render_result(templates, request, knowledge, answers, result)

    @router.post("/check/result.json")
    async def download(request: Request) -> Response:
        form = await request.form()
        try:
            answers = json.loads(str(form.get("answers", "")))
            result = engine.assess(answers)
        except (ValueError, ValidationError, TypeError, AttributeError) as error:
            raise HTTPException(422, "The answers to download were not valid.") from error
        return Response(
            result.model_dump_json(indent=2),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="myoguide-result.json"'},
        )

    return router


def render(
    templates: Jinja2Templates, request: Request, name: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """A page from its template, with the site's title when the context gives none."""
    context.setdefault("title", "myoguide")
    response: HTMLResponse = templates.TemplateResponse(request, name, context, status_code=status)
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
    return render(
        templates,
        request,
        "result.html",
        title=level.label,
        result=result,
        answers_json=json.dumps(answers, separators=(",", ":")),
        numbers=source_numbers(result),
        kind_title=KIND_TITLES[result.kind],
        level=level,
        questions={q.id: q for q in knowledge.questions.questions},
        target_names=_target_names(result),
        tone=banner_tone(result),
        for_later=FOR_LATER,
    )


def _group(knowledge: Knowledge, group: str) -> list[Any]:
    entries: list[Any] = knowledge.kinds.kinds if group == "kinds" else getattr(knowledge, group)
    return entries


def _target_names(result: Assessment) -> dict[str, str]:
    names = {finding.id: finding.name.lower() for finding in result.factors}
    names.update({"twitch": "twitches", "spasm": "spasms"})
    return names
