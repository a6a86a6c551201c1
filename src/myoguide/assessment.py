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


class TriageReason(BaseModel):
    model_config = _OUT

    id: str
    text: str
    level: TriageLevel
    sources: list[Source]


class Triage(BaseModel):
    model_config = _OUT

    level: TriageLevel
    action: str = Field(description="What to do now, in plain words.")
    reasons: list[TriageReason]
    unanswered: list[str] = Field(
        default_factory=list,
        description="Warning-sign questions left unanswered; unknown is never read as no.",
    )


class FactorFinding(BaseModel):
    model_config = _OUT

    id: str
    name: str
    score: float = Field(ge=0, le=1)
    why: list[str]
    against: list[str] = Field(default_factory=list)
    sources: list[Source]


class RuleOut(BaseModel):
    model_config = _OUT

    id: str
    name: str
    text: str
    why: list[str]
    sources: list[Source]


class CarePlanItem(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_by_name=True, serialize_by_alias=True
    )

    id: str
    title: str
    text: str
    for_: list[str] = Field(alias="for", serialization_alias="for")
    sources: list[Source]


class Assessment(BaseModel):
    """The result of :func:`myoguide.assess`; ``model_dump(mode="json")`` is the contract JSON."""

    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True)

    kind: Kind
    kind_explanation: str
    triage: Triage
    factors: list[FactorFinding]
    rule_out: list[RuleOut]
    care_plan: list[CarePlanItem]
    sources: list[Source]
    disclaimer: str
    knowledge_version: str
