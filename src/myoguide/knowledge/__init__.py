"""The knowledge base: versioned YAML files in ``data/``, validated on load; translations
as overlays in ``data/<language>/`` (see :mod:`.translation`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ..i18n import DATA_DIR, ENGLISH, languages
from .models import (
    CarePlanEntry,
    Citation,
    Factor,
    Kinds,
    Lexicon,
    Meta,
    Questionnaire,
    Region,
    RuleOutEntry,
    SeedFacts,
    SourceDocument,
    Topic,
    WarningSign,
)
from .translation import overlay_files, translate

__all__ = [
    "ENGLISH",
    "Knowledge",
    "KnowledgeError",
    "languages",
    "load_knowledge",
    "load_lexicon",
    "read_data",
]

FILES = (
    "meta",
    "sources",
    "kinds",
    "regions",
    "factors",
    "rule_outs",
    "care_plan",
    "warning_signs",
    "topics",
    "questions",
    "seed_facts",
    "lexicon",
)


class KnowledgeError(ValueError):
    """The knowledge files are malformed or refer to something that does not exist."""


class Knowledge(BaseModel):
    """All of it, cross-checked: every reference points at something that exists."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    language: str = ENGLISH
    english_version: str = ""
    """The version of the English knowledge this one translates (its own, in English): its
    ids, rules and weights, which are the same in every language, as FHIR's versions are."""
    meta: Meta
    sources: list[SourceDocument]
    kinds: Kinds
    regions: list[Region]
    factors: list[Factor]
    rule_outs: list[RuleOutEntry]
    care_plan: list[CarePlanEntry]
    warning_signs: list[WarningSign]
    topics: list[Topic]
    questions: Questionnaire
    seed_facts: SeedFacts
    lexicon: Lexicon

    @model_validator(mode="after")
    def _references_resolve(self) -> Knowledge:
        problems: list[str] = []
        seen: dict[str, str] = {}
        groups: dict[str, list[Any]] = {
            "kind": self.kinds.kinds,
            "region": self.regions,
            "factor": self.factors,
            "rule-out": self.rule_outs,
            "care-plan item": self.care_plan,
            "warning sign": self.warning_signs,
            "topic": self.topics,
            "source": self.sources,
        }
        for group, entries in groups.items():
            for entry in entries:
                if entry.id in seen:
                    problems.append(f"{group} id {entry.id!r} is already a {seen[entry.id]} id")
                seen[entry.id] = group

        source_types = {s.id: s.type for s in self.sources}
        region_ids = {r.id for r in self.regions}
        care_ids = {c.id for c in self.care_plan}

        def check_citations(owner: str, citations: list[Citation]) -> None:
            for citation in citations:
                kind = source_types.get(citation.source)
                if kind is None:
                    problems.append(f"{owner}: unknown source {citation.source!r}")
                elif kind == "seed" and not citation.quote:
                    problems.append(f"{owner}: a seed citation needs a verbatim quote")

        for group, entries in groups.items():
            for entry in entries:
                if group != "source":
                    cited = getattr(entry, "citations", None)
                    for section in getattr(entry, "sections", []):
                        check_citations(f"{group} {entry.id}", section.citations)
                    if cited is not None:
                        check_citations(f"{group} {entry.id}", cited)
        check_citations("kinds", self.kinds.citations)

        for kind in self.kinds.kinds:
            for item in kind.care_plan:
                if item not in care_ids:
                    problems.append(f"kind {kind.id}: unknown care-plan item {item!r}")
        for factor in self.factors:
            for region in factor.regions:
                if region not in region_ids:
                    problems.append(f"factor {factor.id}: unknown region {region!r}")
            for item in factor.care_plan:
                if item not in care_ids:
                    problems.append(f"factor {factor.id}: unknown care-plan item {item!r}")
        question_ids = [q.id for q in self.questions.questions]
        section_ids = {s.id for s in self.questions.sections}
        for question in self.questions.questions:
            if question.section not in section_ids:
                problems.append(f"question {question.id}: unknown section {question.section!r}")
            if question.prior_cites is not None and source_types.get(question.prior_cites) != (
                "guideline"
            ):
                problems.append(
                    f"question {question.id}: prior_cites {question.prior_cites!r} is no public"
                    " source in sources.yaml"
                )
        if len(set(question_ids)) != len(question_ids):
            problems.append("questions: duplicate question ids")
        for fact in self.seed_facts.facts:
            if source_types.get(fact.source) != "seed":
                problems.append(f"seed fact {fact.quote[:30]!r}: {fact.source!r} is not a seed")
            for used in fact.used_by:
                if used not in seen and used not in {"kinds"}:
                    problems.append(f"seed fact {fact.quote[:30]!r}: unknown id {used!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _entries(self) -> Iterator[Any]:
        yield from self.kinds.kinds
        yield from self.regions
        yield from self.factors
        yield from self.rule_outs
        yield from self.care_plan
        yield from self.warning_signs
        yield from self.topics
        yield from self.sources

    def entry(self, entry_id: str) -> Any | None:
        """Any entry by id: kind, region, factor, rule-out, care-plan item, warning sign,
        topic or source."""
        return next((item for item in self._entries() if item.id == entry_id), None)

    def entry_ids(self) -> list[str]:
        return [item.id for item in self._entries()]

    def source(self, source_id: str) -> SourceDocument:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)


def data_dir() -> Path:
    return Path(DATA_DIR)


def load_knowledge(directory: Path | str | None = None, *, language: str = ENGLISH) -> Knowledge:
    """Read and validate the knowledge files (the packaged ones unless a directory is given),
    with the people-facing text in ``language``; ids, rules and weights are the same in all."""
    if directory is None:
        return _packaged(language)
    return _load(Path(directory), language)


@cache
def _packaged(language: str) -> Knowledge:
    return _load(data_dir(), language)


def _load(directory: Path, language: str) -> Knowledge:
    if language not in languages(directory):
        known = ", ".join(languages(directory))
        raise KnowledgeError(f"no knowledge in language {language!r} (there is: {known})")
    raw: dict[str, Any] = {}
    digest = hashlib.sha256()
    for name in FILES:
        raw[name] = read_data(directory, f"{name}.yaml", digest)
    raw["english_version"] = f"{raw['meta']['version']}+{digest.hexdigest()[:8]}"
    if language != ENGLISH:
        raw.update(_translated(directory, language, raw, digest))
    raw["version"] = f"{raw['meta']['version']}+{digest.hexdigest()[:8]}"
    raw["language"] = language
    try:
        return Knowledge.model_validate(raw)
    except ValidationError as error:
        raise KnowledgeError(f"knowledge base is invalid:\n{error}") from error


def _translated(
    directory: Path, language: str, english: dict[str, Any], digest: Any
) -> dict[str, Any]:
    """The files with text, with the overlay's text in place; every problem at once."""
    files = {name: Knowledge.model_fields[name].annotation for name in FILES}
    wanted = overlay_files(files)
    present = {path.stem for path in (directory / language).glob("*.yaml")}
    problems = [
        f"{language}/{name}.yaml: {name}.yaml has no text to translate"
        for name in sorted(present - set(wanted))
    ]
    translated: dict[str, Any] = {}
    for name in wanted:
        overlay = read_data(directory, f"{language}/{name}.yaml", digest)
        translated[name], found = translate(name, files[name], english[name], overlay, language)
        problems += found
    if problems:
        raise KnowledgeError("the translation is incomplete or wrong:\n" + "\n".join(problems))
    return translated


def load_lexicon(language: str = ENGLISH, directory: Path | str | None = None) -> Lexicon:
    """The free-text reader's words in ``language``: ``lexicon.yaml`` for English and
    ``lexicon.<language>.yaml`` beside it for another, validated like it. A lexicon is the
    parser's data, not people-facing text, so it is a file of its own, not an overlay."""
    if directory is None:
        return _packaged_lexicon(language)
    return _lexicon(Path(directory), language)


@cache
def _packaged_lexicon(language: str) -> Lexicon:
    if language == ENGLISH:
        return _packaged(ENGLISH).lexicon
    return _lexicon(data_dir(), language)


def _lexicon(directory: Path, language: str) -> Lexicon:
    name = "lexicon.yaml" if language == ENGLISH else f"lexicon.{language}.yaml"
    if not (directory / name).is_file():
        raise KnowledgeError(f"no free-text lexicon in language {language!r}")
    raw = read_data(directory, name)
    try:
        return Lexicon.model_validate(raw)
    except ValidationError as error:
        raise KnowledgeError(f"{name} is invalid:\n{error}") from error


def read_data(directory: Path, name: str, digest: Any = None) -> Any:
    """One YAML data file of the package (``digest``, if given, is updated with its text);
    a file that cannot be read or is not YAML is a KnowledgeError naming it."""
    path = directory / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KnowledgeError(f"cannot read knowledge file {path}: {error}") from error
    if digest is not None:
        digest.update(text.encode())
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{name}: not valid YAML: {error}") from error


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
