"""The output contract: what myoguide concludes (CONTRACT.md §3)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["twitch", "spasm", "both", "unclear"]
TriageLevel = Literal["self_care", "see_doctor", "see_doctor_soon", "emergency"]

TRIAGE_ORDER: tuple[TriageLevel, ...] = ("self_care", "see_doctor", "see_doctor_soon", "emergency")

_OUT = ConfigDict(extra="forbid", frozen=True)


class Source(BaseModel):
    """A citation: a seed document with a verbatim excerpt, or a public guideline."""

    model_config = _OUT

    id: str
    title: str
    quote: str | None = None
    url: str | None = None
    language: str = Field(
        "en",
        description="The language of the page or document, so of the quote: a quote in "
        "another language than the result's is verbatim, to be shown as such.",
    )


class TriageReason(BaseModel):
    model_config = _OUT

    id: str
    text: str
    level: TriageLevel
    sources: tuple[Source, ...]


class Triage(BaseModel):
    model_config = _OUT

    level: TriageLevel
    action: str = Field(description="What to do now, in plain words.")
    reasons: tuple[TriageReason, ...]
    unanswered: tuple[str, ...] = Field(
        default_factory=tuple,
        description="Questions left unanswered that could still raise the level: each one "
        "could make a warning sign hold. Unknown is never read as no.",
    )
    while_you_wait: tuple[str, ...] = Field(
        default_factory=tuple,
        description="In an emergency: what to do while help is on the way.",
    )


class FactorFinding(BaseModel):
    model_config = _OUT

    id: str
    name: str
    score: float = Field(ge=0, le=1)
    why: tuple[str, ...]
    against: tuple[str, ...] = Field(default_factory=tuple)
    sources: tuple[Source, ...]


class RuleOut(BaseModel):
    model_config = _OUT

    id: str
    name: str
    text: str
    why: tuple[str, ...]
    sources: tuple[Source, ...]


class CarePlanItem(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_by_name=True, serialize_by_alias=True
    )

    id: str
    title: str
    text: str
    for_: tuple[str, ...] = Field(alias="for", serialization_alias="for")
    sources: tuple[Source, ...]


class Assessment(BaseModel):
    """The result of :func:`myoguide.assess`; ``model_dump(mode="json")`` is the contract JSON.

    It is immutable all the way down (frozen models, tuples), so parts can be shared."""

    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True)

    kind: Kind
    kind_explanation: str
    kind_sources: tuple[Source, ...] = Field(
        default_factory=tuple, description="Where the description of the kind comes from."
    )
    triage: Triage
    factors: tuple[FactorFinding, ...]
    rule_out: tuple[RuleOut, ...]
    care_plan: tuple[CarePlanItem, ...]
    sources: tuple[Source, ...]
    disclaimer: str
    knowledge_version: str
