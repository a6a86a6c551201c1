"""The shape of the knowledge base. Every file in ``data/`` is validated against these."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..assessment import TRIAGE_ORDER, TriageLevel
from ..conditions import Condition

_KB = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

KindId = Literal["twitch", "spasm"]


class SourceDocument(BaseModel):
    """Where knowledge comes from: one of the seed documents, or a public guideline."""

    model_config = _KB

    id: str
    title: str
    publisher: str
    type: Literal["seed", "guideline"]
    file: str | None = Field(None, description="Seed file name in shared/seeds/.")
    url: str | None = None

    @model_validator(mode="after")
    def _located(self) -> SourceDocument:
        if self.type == "seed" and not self.file:
            raise ValueError(f"seed source {self.id!r} needs a file")
        if self.type == "guideline" and not (self.url and self.url.startswith("https://")):
            raise ValueError(f"guideline source {self.id!r} needs an https url")
        return self


class Citation(BaseModel):
    """A source for one fact; seed citations carry a short verbatim excerpt."""

    model_config = _KB

    source: str
    quote: str | None = None


class Cited(BaseModel):
    model_config = _KB

    citations: list[Citation] = Field(min_length=1)


class Entry(Cited):
    """Anything with an id, a name, and text shown to people."""

    id: str
    name: str
    summary: str
    description: str


class KindInfo(Entry):
    also_called: list[str] = []
    signs: list[str] = []
    care_plan: list[str] = []


class KindRule(BaseModel):
    """A clue toward twitch or spasm, used when the person is unsure what they feel."""

    model_config = _KB

    when: Condition
    toward: KindId
    weight: float = Field(gt=0)
    why: str


class Kinds(Cited):
    kinds: list[KindInfo]
    difference: str
    sensation: dict[Literal["jumping", "cramping", "both", "unsure"], str]
    inference: list[KindRule]
    margin: float = Field(gt=0, description="Lead one kind needs over the other.")
    unclear: str
    inferred: str
    conflict: str


class Region(Entry):
    kinds: list[KindId]


class Evidence(BaseModel):
    """One piece of evidence for a factor, as a log likelihood ratio."""

    model_config = _KB

    when: Condition
    weight: float
    direct: bool | None = Field(
        None,
        description="Direct evidence can bring a factor up on its own (default: when for it).",
    )
    why: str

    @model_validator(mode="after")
    def _signed(self) -> Evidence:
        if self.weight == 0:
            raise ValueError("evidence needs a non-zero weight")
        if self.weight < 0 and self.direct:
            raise ValueError("evidence against a factor cannot be direct")
        return self

    @property
    def is_direct(self) -> bool:
        return self.weight > 0 and self.direct is not False


class Factor(Entry):
    kinds: list[KindId]
    regions: list[str]
    prior: float = Field(description="Log-odds before any evidence.")
    evidence: list[Evidence] = Field(min_length=1)
    care_plan: list[str] = Field(min_length=1)


class RuleOutTrigger(BaseModel):
    model_config = _KB

    when: Condition
    why: str


class RuleOutEntry(Entry):
    check: str = Field(description="Why a doctor should check this, shown in a result.")
    triggers: list[RuleOutTrigger] = Field(min_length=1)


class CarePlanEntry(Entry):
    not_when: Condition | None = Field(
        None, description="Left out of a result when this holds (it could do harm)."
    )


class WarningSign(Entry):
    level: TriageLevel
    when: Condition

    @model_validator(mode="after")
    def _escalates(self) -> WarningSign:
        if self.level == "self_care":
            raise ValueError(f"warning sign {self.id!r} must raise the triage level")
        return self


class TopicSection(Cited):
    heading: str
    text: str


class Topic(BaseModel):
    model_config = _KB

    id: str
    title: str
    summary: str
    sections: list[TopicSection] = Field(min_length=1)
    lists: list[
        Literal["kinds", "regions", "factors", "rule_outs", "warning_signs", "care_plan"]
    ] = []


class Option(BaseModel):
    model_config = _KB

    value: str
    label: str


class Question(BaseModel):
    model_config = _KB

    id: str = Field(description="The answer field, as a dotted path (factors.nicotine).")
    section: str
    text: str
    help: str
    type: Literal["choice", "multi", "yes_no", "integer", "number"]
    options: list[Option] = []
    minimum: float | None = None
    maximum: float | None = None
    ask_if: Condition | None = None
    warning_sign: bool = False


class Section(BaseModel):
    model_config = _KB

    id: str
    title: str
    intro: str


class Questionnaire(BaseModel):
    model_config = _KB

    sections: list[Section]
    questions: list[Question]


class SeedFact(BaseModel):
    """One statement of a seed document, and where the knowledge base uses it."""

    model_config = _KB

    source: str
    quote: str
    used_by: list[str] = Field(min_length=1)
    note: str | None = Field(None, description="How a shaky or promotional claim was handled.")


class NotAFact(BaseModel):
    """A line of a seed that states nothing (a heading, tags, page code)."""

    model_config = _KB

    source: str
    text: str
    why: str


class SeedFacts(BaseModel):
    model_config = _KB

    facts: list[SeedFact]
    not_facts: list[NotAFact]


class TriageLevelInfo(BaseModel):
    model_config = _KB

    label: str
    action: str


class Meta(BaseModel):
    model_config = _KB

    version: str
    disclaimer: str
    triage_levels: dict[TriageLevel, TriageLevelInfo]
    unanswered_note: str

    @model_validator(mode="after")
    def _every_level(self) -> Meta:
        missing = set(TRIAGE_ORDER) - set(self.triage_levels)
        if missing:
            raise ValueError(f"triage_levels is missing {sorted(missing)}")
        return self
