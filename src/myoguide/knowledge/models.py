"""The shape of the knowledge base. Every file in ``data/`` is validated against these."""

from __future__ import annotations

from string import Formatter
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..assessment import TRIAGE_ORDER, TriageLevel
from ..conditions import Condition, quoted_field

_KB = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

KindId = Literal["twitch", "spasm"]

# Each model declares `translatable`, the fields people read, which a translation overlay
# gives (see translation.py), and `overlay_key`, the field a list of it is keyed by in an
# overlay (None: listed in order). Everything else stays as the English file has it.

CHILD_AGE = 16
"""People younger than this are children: no adult amounts in their advice."""


class SourceDocument(BaseModel):
    """Where knowledge comes from: one of the seed documents, or a public guideline."""

    model_config = _KB
    translatable: ClassVar[tuple[str, ...]] = ("publisher",)
    own_page: ClassVar[tuple[str, ...]] = ("title", "url", "language")
    """Given together by an overlay when the source has its own page in that language."""
    overlay_key: ClassVar[str | None] = "id"

    id: str
    title: str
    publisher: str
    type: Literal["seed", "guideline"]
    file: str | None = Field(None, description="Seed file name in shared/seeds/.")
    url: str | None = None
    language: str = Field(
        "en",
        pattern="^[a-z]{2}$",
        description="The language of the page or file, so of its verbatim quotes too.",
    )

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
    in_results: bool = Field(
        True, description="False: cited on the entry's page, but not attached to results."
    )


class Cited(BaseModel):
    model_config = _KB

    citations: list[Citation] = Field(min_length=1)


class Entry(Cited):
    """Anything with an id, a name, and text shown to people."""

    translatable: ClassVar[tuple[str, ...]] = ("name", "summary", "description")
    overlay_key: ClassVar[str | None] = "id"

    id: str
    name: str
    summary: str
    description: str


class KindInfo(Entry):
    translatable: ClassVar[tuple[str, ...]] = (*Entry.translatable, "also_called", "signs")

    also_called: list[str] = []
    signs: list[str] = []
    care_plan: list[str] = []


class Clue(BaseModel):
    """A rule and the reason shown when it holds. ``{value}`` in the reason quotes the
    person's answer to the one number the rule tests; anything else in braces is refused."""

    model_config = _KB
    translatable: ClassVar[tuple[str, ...]] = ("why",)
    overlay_key: ClassVar[str | None] = None

    when: Condition
    why: str

    @model_validator(mode="after")
    def _quotes_an_answer(self) -> Clue:
        quoted_field(self.when, self.why)
        return self

    @property
    def quotes(self) -> str | None:
        """The answer field ``{value}`` stands for, if the reason quotes one."""
        return quoted_field(self.when, self.why)


class Advice(BaseModel):
    """A sentence of advice that depends on a sign ("call 999 if you become short of
    breath"): left out of a result when ``unless`` already holds for the answers."""

    model_config = _KB
    translatable: ClassVar[tuple[str, ...]] = ("text",)
    overlay_key: ClassVar[str | None] = None

    text: str
    unless: Condition


class KindRule(Clue):
    """A clue toward twitch or spasm, used when the person is unsure what they feel."""

    toward: KindId
    weight: float = Field(gt=0)


class Kinds(Cited):
    translatable: ClassVar[tuple[str, ...]] = (
        "difference",
        "sensation",
        "unclear",
        "inferred",
        "conflict",
    )

    kinds: list[KindInfo]
    difference: str
    sensation: dict[Literal["jumping", "cramping", "both", "unsure"], str]
    inference: list[KindRule]
    margin: float = Field(gt=0, description="Lead one kind needs over the other.")
    unclear: str
    inferred: str
    conflict: str

    @model_validator(mode="after")
    def _templates_fill(self) -> Kinds:
        allowed = {"unclear": {"clues"}, "inferred": {"kind", "reasons"}}
        allowed["conflict"] = {"other", "reasons"}
        for name, names in allowed.items():
            try:
                parts = Formatter().parse(getattr(self, name))
                used = {field for _, field, _, _ in parts if field is not None}
            except ValueError as error:
                raise ValueError(f"kinds {name}: {error}") from error
            unknown = used - names
            if unknown:
                raise ValueError(f"kinds {name}: unknown placeholder {sorted(unknown)}")
        return self


class Region(Entry):
    kinds: list[KindId]


class Evidence(Clue):
    """One piece of evidence for a factor, as a log likelihood ratio."""

    weight: float
    direct: bool | None = Field(
        None,
        description="Direct evidence can bring a factor up on its own (default: when for it).",
    )

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


class RuleOutTrigger(Clue):
    pass


class RuleOutEntry(Entry):
    translatable: ClassVar[tuple[str, ...]] = (*Entry.translatable, "check")

    check: str = Field(description="Why a doctor should check this, shown in a result.")
    triggers: list[RuleOutTrigger] = Field(min_length=1)


class CarePlanEntry(Entry):
    translatable: ClassVar[tuple[str, ...]] = (*Entry.translatable, "for_children")

    not_when: Condition | None = Field(
        None, description="Left out of a result when this holds (it could do harm)."
    )
    for_children: str | None = Field(
        None,
        description=f"Said instead of the description to people under {CHILD_AGE}, where the "
        "adult advice (a dose, an amount) does not fit a child.",
    )


class WarningSign(Entry):
    translatable: ClassVar[tuple[str, ...]] = (*Entry.translatable, "while_you_wait")

    level: TriageLevel
    when: Condition
    advice: list[Advice] = Field(
        default_factory=list, description="Said after the summary, unless already present."
    )
    while_you_wait: list[str] = Field(
        default_factory=list,
        description="What to do while help is on the way; every emergency sign has some.",
    )

    @model_validator(mode="after")
    def _escalates(self) -> WarningSign:
        if self.level == "self_care":
            raise ValueError(f"warning sign {self.id!r} must raise the triage level")
        if self.level == "emergency" and not self.while_you_wait:
            raise ValueError(f"emergency sign {self.id!r} needs while_you_wait advice")
        return self


class TopicSection(Cited):
    translatable: ClassVar[tuple[str, ...]] = ("heading", "text")
    overlay_key: ClassVar[str | None] = None

    heading: str
    text: str


class Topic(BaseModel):
    model_config = _KB
    translatable: ClassVar[tuple[str, ...]] = ("title", "summary")
    overlay_key: ClassVar[str | None] = "id"

    id: str
    title: str
    summary: str
    sections: list[TopicSection] = Field(min_length=1)
    lists: list[
        Literal["kinds", "regions", "factors", "rule_outs", "warning_signs", "care_plan"]
    ] = []


class Option(BaseModel):
    model_config = _KB
    translatable: ClassVar[tuple[str, ...]] = ("label",)
    overlay_key: ClassVar[str | None] = "value"

    value: str
    label: str


class Question(BaseModel):
    model_config = _KB
    translatable: ClassVar[tuple[str, ...]] = ("text", "help")
    overlay_key: ClassVar[str | None] = "id"

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
    prior: dict[str, float] | None = Field(
        None,
        description="How likely each answer is before asking (the interview weighs what an "
        "answer could change by it): option values, `none` for no option of a multi-choice "
        "question, `yes`/`no` for a yes/no one; for a number, stretches that cover every "
        "value from the minimum up (`under 7`, `7 to under 9`, `9 and over`). Absent: every "
        "answer equally likely.",
    )
    prior_source: str | None = Field(
        None, description="The prior's figures, as the source gives them, in a sentence."
    )
    prior_cites: str | None = Field(
        None, description="The id of the public source (in sources.yaml) the figures come from."
    )

    @model_validator(mode="after")
    def _prior_fits(self) -> Question:
        if self.prior is None:
            if self.prior_source is not None or self.prior_cites is not None:
                raise ValueError(f"question {self.id}: prior_source without a prior")
            return self
        if self.prior_source is None or self.prior_cites is None:
            raise ValueError(f"question {self.id}: a prior needs its prior_source and prior_cites")
        if any(p <= 0 for p in self.prior.values()) or abs(sum(self.prior.values()) - 1) > 1e-6:
            raise ValueError(f"question {self.id}: prior probabilities must be positive, sum 1")
        if self.type in {"integer", "number"}:
            self.prior_bands()
            return self
        values = {"yes", "no"} if self.type == "yes_no" else {o.value for o in self.options}
        if self.type == "multi":
            values.add("none")
        if set(self.prior) != values:
            raise ValueError(f"question {self.id}: the prior must name exactly {sorted(values)}")
        return self

    def prior_bands(self) -> tuple[tuple[float, float, float], ...]:
        """A number question's prior as (from, up to but not including, chance) stretches,
        lowest first; they must cover every value from the minimum up, with no gap."""
        start = self.minimum if self.minimum is not None else 0.0
        bands = sorted(
            (max(low, start) if low == float("-inf") else low, high, chance)
            for key, chance in (self.prior or {}).items()
            for low, high in (_band(self.id, key),)
        )
        for low, high, _ in bands:
            if low != start:
                raise ValueError(
                    f"question {self.id}: the prior's stretches must start at {start:g} and"
                    " follow on from each other"
                )
            start = high
        if start != float("inf"):
            raise ValueError(f"question {self.id}: the prior's last stretch must be 'N and over'")
        return tuple(bands)


def _band(question: str, key: str) -> tuple[float, float]:
    """``under 7`` -> (-inf, 7); ``7 to under 9`` -> (7, 9); ``9 and over`` -> (9, inf)."""
    words = key.split()
    try:
        if len(words) == 2 and words[0] == "under":
            return float("-inf"), float(words[1])
        if len(words) == 3 and words[1:] == ["and", "over"]:
            return float(words[0]), float("inf")
        if len(words) == 4 and words[1:3] == ["to", "under"] and float(words[0]) < float(words[3]):
            return float(words[0]), float(words[3])
    except ValueError:
        pass
    raise ValueError(
        f"question {question}: {key!r} is no stretch ('under 7', '7 to under 9', '9 and over')"
    )


class Section(BaseModel):
    model_config = _KB
    translatable: ClassVar[tuple[str, ...]] = ("title", "intro")
    overlay_key: ClassVar[str | None] = "id"

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
    translatable: ClassVar[tuple[str, ...]] = ("label", "action")

    label: str
    action: str
    advice: list[Advice] = Field(
        default_factory=list, description="Said after the action, unless already present."
    )


class Meta(BaseModel):
    model_config = _KB
    translatable: ClassVar[tuple[str, ...]] = ("disclaimer", "unanswered_note")

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


ContextCategory = Literal[
    "NEGATED_EXISTENCE",
    "POSSIBLE_EXISTENCE",
    "HYPOTHETICAL",
    "HISTORICAL",
    "FAMILY",
    "PSEUDO",
    "TERMINATE",
]


def _answer_path(field: str) -> tuple[type[BaseModel], str]:
    """The model and attribute a dotted answer path names, or an error naming it."""
    from ..answers import Answers

    model: type[BaseModel] = Answers
    *groups, name = field.split(".")
    for group in groups:
        info = model.model_fields.get(group)
        nested = getattr(info, "default_factory", None) if info else None
        if not (isinstance(nested, type) and issubclass(nested, BaseModel)):
            raise ValueError(f"unknown answer field {field!r}")
        model = nested
    if name not in model.model_fields or name in {"factors", "medical"}:
        raise ValueError(f"unknown answer field {field!r}")
    return model, name


def check_answer_value(field: str, value: object) -> object:
    """The value as the answer holds it (list fields take one item), or an error naming both."""
    from pydantic import ValidationError

    model, name = _answer_path(field)
    annotation = str(model.model_fields[name].annotation)
    held = [value] if annotation.startswith("list[") else value
    try:
        model.model_validate({name: held})
    except ValidationError as error:
        raise ValueError(f"{field}: {value!r} is not a valid answer") from error
    return held


class LexiconTerm(BaseModel):
    """Lay words that mean one answer value: "charley horse" is sensation cramping."""

    model_config = _KB

    field: str
    value: bool | float | str
    say: list[str] = Field(default_factory=list)
    near: list[list[str]] = Field(
        default_factory=list,
        description="Single words from each list, in this order, at most four words apart in "
        "one sentence: [[wee, urine], [dark, brown]] reads 'my wee has gone really dark'.",
    )
    unless: list[str] = Field(
        default_factory=list,
        description="Values of the same field that, read too, make this vague one go: 'leg' "
        "is the calf unless the text names the thigh, knee or hip.",
    )

    @model_validator(mode="after")
    def _valid_answer(self) -> LexiconTerm:
        check_answer_value(self.field, self.value)
        for other in self.unless:
            check_answer_value(self.field, other)
        if not self.say and not self.near:
            raise ValueError(f"{self.field}: a term needs words (say) or words near (near)")
        if self.near and len(self.near) != 2:
            raise ValueError(f"{self.field}: near takes two lists of words")
        return self


class LexiconAmount(BaseModel):
    """A counted answer ("six coffees a day"): units with what one unit counts for, and the
    words one of which the sentence must hold for the count to be this field's."""

    model_config = _KB

    field: str
    units: dict[str, float] = Field(min_length=1)
    needs: list[str] = Field(default_factory=list)
    none: list[str] = Field(
        default_factory=list, description="Words that, denied, mean zero: 'no coffee'."
    )

    @model_validator(mode="after")
    def _valid_answer(self) -> LexiconAmount:
        check_answer_value(self.field, 1.0)
        return self


class LexiconCue(BaseModel):
    """A ConText cue added to medspaCy's own: negation, hedging, family, history."""

    model_config = _KB

    cue: str
    category: ContextCategory
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"]
    max_scope: int | None = None


class Lexicon(BaseModel):
    """What the free-text reader understands: lay words per answer, counts, time and cues."""

    model_config = _KB

    numbers: dict[str, float]
    durations: dict[str, int] = Field(description="Days in one unit: week 7.")
    subjects: list[str] = Field(description="Who else a text may be about: dad, my son.")
    terms: list[LexiconTerm]
    amounts: list[LexiconAmount]
    cues: list[LexiconCue]
    real_words: list[str] = Field(
        default_factory=list,
        description="Everyday words a lexicon word is one letter from, read as themselves and "
        "never as a spelling slip: 'drooling' is not 'drooping'.",
    )
