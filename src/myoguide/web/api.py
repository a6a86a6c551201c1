"""The JSON API under /api/v1: assessments, the questionnaire and the knowledge base, in the
language of the request's Accept-Language (ids are the same in every language)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Depends, Header, HTTPException, Response
from pydantic import BaseModel, ConfigDict

from ..i18n import N_, Said
from ..knowledge import Knowledge
from ..knowledge.models import (
    CarePlanEntry,
    Factor,
    KindInfo,
    Questionnaire,
    Region,
    RuleOutEntry,
    SourceDocument,
    Topic,
    WarningSign,
)
from .language import request_language
from .problems import Problem

ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": Problem, "description": "The request body is too large."},
}


class EntrySummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    summary: str


class KnowledgeIndex(BaseModel):
    """Every entry of the knowledge base by group, with the version that answers."""

    model_config = ConfigDict(extra="forbid")

    knowledge_version: str
    disclaimer: str
    groups: dict[str, list[EntrySummary]]


class QuestionsOut(Questionnaire):
    knowledge_version: str


class _Group(NamedTuple):
    """A group of the knowledge base as the API serves it."""

    path: str
    noun: str
    """What one entry is called, in the documentation."""
    not_found: str
    """The 404's sentence for an id (`{id}`) that is none of the group's."""
    model: type[BaseModel]
    entries: Sequence[Any]


def _groups(knowledge: Knowledge) -> list[_Group]:
    """Each knowledge group, with its entries in ``knowledge``."""
    return [
        _Group("topics", "topic", N_("No topic is called {id}."), Topic, knowledge.topics),
        _Group("kinds", "kind", N_("No kind is called {id}."), KindInfo, knowledge.kinds.kinds),
        _Group("regions", "region", N_("No region is called {id}."), Region, knowledge.regions),
        _Group("factors", "factor", N_("No factor is called {id}."), Factor, knowledge.factors),
        _Group(
            "rule-outs",
            "rule-out",
            N_("No rule-out is called {id}."),
            RuleOutEntry,
            knowledge.rule_outs,
        ),
        _Group(
            "warning-signs",
            "warning sign",
            N_("No warning sign is called {id}."),
            WarningSign,
            knowledge.warning_signs,
        ),
        _Group(
            "care-plan",
            "care-plan item",
            N_("No care-plan item is called {id}."),
            CarePlanEntry,
            knowledge.care_plan,
        ),
        _Group(
            "sources",
            "source",
            N_("No source is called {id}."),
            SourceDocument,
            knowledge.sources,
        ),
    ]


def _summary(entry: Any) -> EntrySummary:
    if isinstance(entry, Topic):
        return EntrySummary(id=entry.id, name=entry.title, summary=entry.summary)
    if isinstance(entry, SourceDocument):
        return EntrySummary(id=entry.id, name=entry.title, summary=entry.publisher)
    return EntrySummary(id=entry.id, name=entry.name, summary=entry.summary)


def language_headers(language: str) -> dict[str, str]:
    """What a response in ``language`` says about it: which one, and that the request's
    Accept-Language chose it (so no cache gives it to someone who asked for another)."""
    return {"Content-Language": language, "Vary": "Accept-Language"}


def build_router(knowledge_by_language: Mapping[str, Knowledge]) -> APIRouter:
    """The routes, each answering in the request's language (``knowledge_by_language`` holds
    English and each translation served)."""
    router = APIRouter(prefix="/api/v1", responses=ERRORS)

    def knowledge_for(
        response: Response,
        accept_language: Annotated[
            str | None,
            Header(
                alias="Accept-Language",
                description="The language to answer in, e.g. `es` (Spanish); English when "
                "none of those asked for is available. The response's Content-Language says "
                "which one it is.",
            ),
        ] = None,
    ) -> Knowledge:
        language = request_language(accept_language, knowledge_by_language)
        response.headers.update(language_headers(language))
        return knowledge_by_language[language]

    localised: Any = Depends(knowledge_for)

    @router.get(
        "/questions",
        response_model=QuestionsOut,
        response_model_exclude_none=True,
        tags=["questionnaire"],
        summary="The questionnaire as data",
    )
    async def questions(knowledge: Knowledge = localised) -> QuestionsOut:
        """Sections and questions with their ids (the answer field each fills), help text,
        options and skip rules (`ask_if`: ask unless it is known to be false)."""
        return QuestionsOut(
            sections=knowledge.questions.sections,
            questions=knowledge.questions.questions,
            knowledge_version=knowledge.version,
        )

    @router.get(
        "/knowledge",
        response_model=KnowledgeIndex,
        tags=["knowledge"],
        summary="Index of the knowledge base",
    )
    async def knowledge_index(knowledge: Knowledge = localised) -> KnowledgeIndex:
        """Every entry by group, with its id, name and summary."""
        return KnowledgeIndex(
            knowledge_version=knowledge.version,
            disclaimer=knowledge.meta.disclaimer,
            groups={
                group.path: [_summary(entry) for entry in group.entries]
                for group in _groups(knowledge)
            },
        )

    groups = {language: _groups(knowledge) for language, knowledge in knowledge_by_language.items()}
    for index, group in enumerate(next(iter(groups.values()))):
        translated = {language: found[index].entries for language, found in groups.items()}
        _add_group(router, group, translated, localised)
    return router


def _add_group(
    router: APIRouter, group: _Group, entries: Mapping[str, Sequence[Any]], localised: Any
) -> None:
    """A group's routes; ``entries`` holds the group in each language, by language."""
    path, noun, model = group.path, group.noun, group.model
    by_id = {language: {entry.id: entry for entry in found} for language, found in entries.items()}

    async def list_group(knowledge: Knowledge = localised) -> Sequence[Any]:
        return entries[knowledge.language]

    async def one_entry(entry_id: str, knowledge: Knowledge = localised) -> Any:
        entry = by_id[knowledge.language].get(entry_id)
        if entry is None:
            raise HTTPException(404, detail=Said(group.not_found, {"id": repr(entry_id)}))
        return entry

    common: dict[str, Any] = {"tags": ["knowledge"], "response_model_exclude_none": True}
    _register(router, f"/knowledge/{path}", list_group, list[model], f"All {path}", common)  # type: ignore[valid-type]
    _register(
        router,
        f"/knowledge/{path}/{{entry_id}}",
        one_entry,
        model,
        f"One {noun}",
        {**common, "responses": {404: {"model": Problem, "description": f"No such {noun}."}}},
    )


def _register(
    router: APIRouter,
    path: str,
    endpoint: Callable[..., Any],
    response_model: Any,
    summary: str,
    options: dict[str, Any],
) -> None:
    endpoint.__name__ = summary.lower().replace(" ", "_").replace("-", "_")
    router.add_api_route(
        path,
        endpoint,
        methods=["GET"],
        response_model=response_model,
        summary=summary,
        **options,
    )
