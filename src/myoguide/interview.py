"""The adaptive interview: the next most useful question, or None when the answer is settled.

Pure and deterministic, over the engine's rules and the questionnaire. Three steps, each
only when the one before has nothing left to ask:

1. Safety: while some answers to the questions not yet asked could make a warning sign
   above the level already certain hold (or one that holds only while they are unanswered
   fail; :meth:`Engine.open_rules`), ask the question read by the most such signs of the
   most urgent level. Emergencies come first.
2. Rule-outs: the same for what a doctor may need to rule out.
3. The rest: the question whose answer is expected to change the kind or the three likely
   causes the most: per answer, by the question's prior, a new kind counts 1, a new cause
   among the three counts the chance the person has that cause (its prior with the answers
   so far), a new order of the same three a little. When the best expected change is below
   ``WORTH_ASKING``, the interview stops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .answers import Answers
from .assessment import TRIAGE_ORDER
from .conditions import Condition, Test, compile_condition, flatten
from .engine import Engine, default_engine
from .errors import Refused
from .i18n import ENGLISH, N_, gettext_for
from .knowledge.models import Option
from .knowledge.models import Question as Entry
from .questionnaire import set_answer, walk

__all__ = [
    "WORTH_ASKING",
    "Question",
    "Reason",
    "answer_chances",
    "next_group",
    "next_question",
    "questions_left",
    "screens_left",
]

# How much a change in each part of the result counts when choosing what to ask: a new
# kind or a new cause among the three likely ones is shown; a new order of the same three
# changes less.
_KIND_WEIGHT = 1.0
_ENTER_WEIGHT = 1.0
_SWAP_WEIGHT = 0.1
# The least expected change worth a question: the largest that keeps the three likely causes
# the full form's in >= 97% of the vignettes (benchmarks/bench_interview.py prints the table).
WORTH_ASKING = 0.04
_TOP = 3
GROUP_MOST = 8
"""The most yes-or-no questions asked together on one screen (``next_group``): short rows,
so eight still fit a narrow phone screen as a compact list."""
_RANK = {level: rank for rank, level in enumerate(TRIAGE_ORDER)}
Reason = Literal["warning_sign", "rule_out", "kind", "cause", "follow_up"]
_Shares = dict[str, float]
"""Per cause, the chance that an answer brings it among the three likely causes."""
_LEVEL_WORDS = {
    "emergency": N_("{sign} can be an emergency"),
    "see_doctor_soon": N_("{sign} is a reason to see a doctor soon"),
    "see_doctor": N_("{sign} is a reason to see a doctor"),
}


class Question(BaseModel):
    """One question to ask now, with everything an interface needs to ask it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    section: str
    section_title: str
    text: str
    help: str
    type: Literal["choice", "multi", "yes_no", "integer", "number"]
    options: tuple[Option, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    warning_sign: bool = False
    why: str
    reason: Reason
    """What the answer could change: a warning sign (the triage), a rule-out, the kind, a
    likely cause; or ``follow_up``: whether a question that could is asked at all."""
    about: tuple[str, ...]
    """The knowledge ids of what it could change (warning signs, rule-outs, kinds, causes),
    most telling first; for a ``follow_up``, the id of the question it leads to."""


@dataclass(frozen=True, slots=True)
class _Ask:
    """A question of the questionnaire, ready for the interview."""

    entry: Entry
    order: int
    section_title: str
    applies: Test | None
    follows: frozenset[str]
    answers: tuple[tuple[Any, float], ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    asks: tuple[_Ask, ...]
    by_id: Mapping[str, _Ask]
    sign_fields: tuple[frozenset[str], ...]
    sign_reasons: tuple[frozenset[str], ...]
    rule_out_fields: tuple[frozenset[str], ...]
    outcome_fields: frozenset[str]
    factor_names: Mapping[str, str]
    factor_fields: Mapping[str, frozenset[str]]


def next_question(
    answers: Answers | Mapping[str, Any],
    unknown: Iterable[str] = (),
    *,
    threshold: float = WORTH_ASKING,
    language: str = ENGLISH,
) -> Question | None:
    """The question to ask next, or None when no answer could change the triage level or
    the rule-outs and none is expected to change the kind or the likely causes by at least
    ``threshold`` (the benchmark's trade-off table varies it; the triage never depends on it).

    ``answers`` are the answers so far (the contract shape, or :class:`Answers`);
    ``unknown`` holds the ids of questions asked and answered "not sure": they are not
    asked again and stay unknown. The question and why it is asked are in ``language``
    (the ids and the choice are the same in every language). Raises
    :class:`pydantic.ValidationError` naming the field for invalid answers, ValueError for an
    id in ``unknown`` that is no question, and KnowledgeError for a language we lack.
    """
    return _next(default_engine(language), answers, unknown, threshold)


def questions_left(
    answers: Answers | Mapping[str, Any],
    unknown: Iterable[str] = (),
    *,
    threshold: float = WORTH_ASKING,
    limit: int = 200,
    language: str = ENGLISH,
) -> int:
    """About how many questions are left, for "about N more": the interview played on to
    its end with the likeliest answer to each question (by its prior; a yes-or-no question
    without one is taken as "no", the answer most people give to a warning sign, and any
    other question without one as "not sure", which leaves the most still to ask). An
    estimate: real answers can make it longer or shorter. Raises as :func:`next_question`."""
    return _play(answers, unknown, threshold, limit, 1, language)[0]


def screens_left(
    answers: Answers | Mapping[str, Any],
    unknown: Iterable[str] = (),
    *,
    most: int = GROUP_MOST,
    threshold: float = WORTH_ASKING,
    limit: int = 200,
    language: str = ENGLISH,
) -> tuple[int, int]:
    """About how many screens (``next_group``, at most ``most`` a screen) and questions are
    left: the same play as :func:`questions_left`, a screen at a time. An estimate, like it.
    Raises as :func:`next_question`."""
    return _play(answers, unknown, threshold, limit, most, language)


def _play(
    answers: Answers | Mapping[str, Any],
    unknown: Iterable[str],
    threshold: float,
    limit: int,
    most: int,
    language: str,
) -> tuple[int, int]:
    """Screens and questions to the end of the interview answered with the likeliest answers."""
    engine = default_engine(language)
    plan = _plan(engine)
    model = answers if isinstance(answers, Answers) else Answers.model_validate(answers)
    values: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    not_sure = set(unknown)
    screens = questions = 0
    while questions < limit:
        group = _group(engine, values, not_sure, threshold, most)
        if not group:
            break
        screens += 1
        questions += len(group)
        for question in group:
            guess = _likeliest(plan.by_id[question.id])
            if guess is None:
                not_sure.add(question.id)
            else:
                set_answer(values, question.id, guess)
    return screens, questions


def _likeliest(ask: _Ask) -> Any:
    """The likeliest answer to a question by its prior (for a number, the lowest value of
    the likeliest stretch); "no" for a yes-or-no question without one; None (not sure) for
    any other question without one."""
    if ask.entry.prior is not None and ask.entry.type in {"integer", "number"}:
        low, high, _ = max(ask.entry.prior_bands(), key=lambda band: band[2])
        return next(value for value, _ in ask.answers if low <= value < high)
    if ask.entry.prior is not None:
        return max(ask.answers, key=lambda pair: pair[1])[0]
    if ask.entry.type == "yes_no":
        return False
    return None


def answer_chances(question_id: str) -> tuple[tuple[Any, float], ...]:
    """The answers the interview weighs for a question, each with its chance before it is
    asked: the question's cited prior, else each answer alike (a number: one value for each
    stretch that every rule treats the same). Raises KeyError for an id that is no question."""
    return _plan(default_engine()).by_id[question_id].answers


def _next(
    engine: Engine,
    answers: Answers | Mapping[str, Any],
    unknown: Iterable[str],
    threshold: float,
) -> Question | None:
    plan = _plan(engine)
    not_sure = frozenset(unknown)
    strangers = sorted(not_sure - plan.by_id.keys())
    if strangers:
        raise Refused(N_("unknown: {id} is not a question id"), id=repr(strangers[0]))
    model = answers if isinstance(answers, Answers) else Answers.model_validate(answers)
    values = flatten(model)
    candidates = [
        ask
        for ask in plan.asks
        if values[ask.entry.id] is None
        and ask.entry.id not in not_sure
        and (ask.applies is None or ask.applies(values) is not False)
    ]
    if not candidates:
        return None
    open_fields = frozenset(ask.entry.id for ask in candidates)
    rules = engine.open_rules(values, open_fields)
    # A rule can also be left open by an answer that stays unknown: no question decides it.
    signs = tuple(i for i in rules.signs if plan.sign_fields[i] & open_fields)
    if signs:
        return _for_safety(engine, plan, candidates, open_fields, signs)
    rule_outs = tuple(i for i in rules.rule_outs if plan.rule_out_fields[i] & open_fields)
    if rule_outs:
        return _for_rule_outs(engine, plan, candidates, open_fields, rule_outs)
    return _most_telling(engine, plan, candidates, open_fields, values, threshold)


def _for_safety(
    engine: Engine,
    plan: _Plan,
    candidates: list[_Ask],
    open_fields: frozenset[str],
    signs: tuple[int, ...],
) -> Question:
    """The question read by the most open warning signs of the most urgent level (then of
    the next level, and so on); ties go to the one asked first on the full form."""
    warning_signs = engine.knowledge.warning_signs
    levels = sorted({_RANK[warning_signs[i].level] for i in signs}, reverse=True)

    def counts(ask: _Ask) -> tuple[int, ...]:
        field = ask.entry.id
        return tuple(
            sum(
                1
                for i in signs
                if _RANK[warning_signs[i].level] == rank and field in plan.sign_fields[i]
            )
            for rank in levels
        )

    scored = [(counts(ask), ask) for ask in candidates]
    _ = gettext_for(engine.knowledge.language)
    best, first = _best([(score, ask) for score, ask in scored if any(score)], plan, open_fields, _)
    if first:
        return first
    field = best.entry.id
    about = sorted(
        (i for i in signs if field in plan.sign_fields[i]),
        key=lambda i: (-_RANK[warning_signs[i].level], i),
    )
    # The example: the plainest sign the answer tells about (fewest other answers in it).
    telling = sorted(
        (i for i in signs if field in plan.sign_reasons[i]),
        key=lambda i: (len(plan.sign_fields[i]), -_RANK[warning_signs[i].level], i),
    )
    if not telling:
        why = _("We ask because it tells whether a warning sign could apply to you.")
    else:
        sign = warning_signs[telling[0]]
        reason = _(_LEVEL_WORDS[sign.level]).format(sign=_lower(sign.name))
        if len(telling) == 1:
            why = _("We ask because {reason}.").format(reason=reason)
        else:
            why = _(
                "We ask because some warning signs depend on it. For example, {reason}."
            ).format(reason=reason)
    return _question(best, why, "warning_sign", tuple(warning_signs[i].id for i in about))


def _for_rule_outs(
    engine: Engine,
    plan: _Plan,
    candidates: list[_Ask],
    open_fields: frozenset[str],
    rule_outs: tuple[int, ...],
) -> Question:
    """The question read by the most rule-outs it could still bring up or take away."""
    scored = [
        ((sum(1 for i in rule_outs if ask.entry.id in plan.rule_out_fields[i]),), ask)
        for ask in candidates
    ]
    _ = gettext_for(engine.knowledge.language)
    best, first = _best([(score, ask) for score, ask in scored if score[0]], plan, open_fields, _)
    if first:
        return first
    entries = [
        engine.knowledge.rule_outs[i] for i in rule_outs if best.entry.id in plan.rule_out_fields[i]
    ]
    name = _lower(entries[0].name)
    why = _("We ask because it helps tell whether a doctor should check for {name}.").format(
        name=name
    )
    return _question(best, why, "rule_out", tuple(entry.id for entry in entries))


def _most_telling(
    engine: Engine,
    plan: _Plan,
    candidates: list[_Ask],
    open_fields: frozenset[str],
    values: dict[str, Any],
    threshold: float,
) -> Question | None:
    """The question whose answer is expected to change the kind or the likely causes the
    most, while that expected change is worth a question (``threshold``); None otherwise.
    The triage level and the rule-outs need no weight here: the steps before leave no
    question that changes them."""
    kind, findings = engine.kind_and_causes(values)
    chances = engine.cause_chances(values)
    top = tuple(finding.id for finding in findings[:_TOP])
    scored: list[tuple[tuple[float], _Ask]] = []
    reasons: dict[str, tuple[bool, _Shares]] = {}
    for ask in candidates:
        field = ask.entry.id
        if field not in plan.outcome_fields:
            continue
        expected = 0.0
        kind_moves = False
        moved: _Shares = {}
        trial = dict(values)
        for value, prior in ask.answers:
            trial[field] = value
            other_kind, other_findings = engine.kind_and_causes(trial)
            change = 0.0
            if other_kind != kind:
                change += _KIND_WEIGHT
                kind_moves = True
            other_top = other_findings[:_TOP]
            entering = [f for f in other_top if f.id not in top]
            if entering:
                # An answer that can only bring in a cause the person is unlikely to have
                # (by its prior and the answers so far) changes little that is likely true.
                change += _ENTER_WEIGHT * max(chances[finding.id] for finding in entering)
                for finding in entering:
                    moved[finding.id] = moved.get(finding.id, 0.0) + prior
            elif tuple(f.id for f in other_top) != top:
                change += _SWAP_WEIGHT
            expected += prior * change
        if expected > 0 and expected >= threshold:
            scored.append(((expected,), ask))
            reasons[field] = (kind_moves, moved)
    if not scored:
        return None
    _ = gettext_for(engine.knowledge.language)
    best, first = _best(scored, plan, open_fields, _)
    if first:
        return first
    kind_moves, moved = reasons[best.entry.id]
    if kind_moves:
        why = _("We ask because it helps tell a twitch from a spasm.")
        return _question(best, why, "kind", ("twitch", "spasm"))
    if not moved:
        why = _("We ask because it helps put the likely causes in order.")
        return _question(best, why, "cause", top)
    # Name a cause the answer is evidence about, when one moves.
    ranked = sorted(sorted(moved), key=lambda cause: -moved[cause])
    own = [cause for cause in ranked if best.entry.id in plan.factor_fields[cause]] or ranked
    why = _("We ask because it shows whether {cause} may play a part.").format(
        cause=_lower(plan.factor_names[own[0]])
    )
    return _question(best, why, "cause", tuple(dict.fromkeys([*own, *ranked])))


def _best(
    scored: Sequence[tuple[tuple[float, ...], _Ask]],
    plan: _Plan,
    open_fields: frozenset[str],
    _: Callable[[str], str],
) -> tuple[_Ask, Question | None]:
    """The highest score, then form order; a follow-up waits for the questions it follows
    (so "when did the weakness begin" never comes before "is the muscle weaker"). When only
    follow-ups are left, the first question one follows comes first, with the why for that."""
    best = max(
        scored,
        key=lambda item: (not (item[1].follows & open_fields), item[0], -item[1].order),
    )[1]
    chosen, seen = best, {best.entry.id}
    while waiting := sorted(chosen.follows & open_fields - seen, key=_order(plan)):
        chosen = plan.by_id[waiting[0]]
        seen.add(chosen.entry.id)
    if chosen is best:
        return best, None
    why = _('We ask because it decides whether we need to ask "{question}"').format(
        question=best.entry.text
    )
    return chosen, _question(chosen, why, "follow_up", (best.entry.id,))


def _order(plan: _Plan) -> Callable[[str], int]:
    return lambda field: plan.by_id[field].order


def _question(ask: _Ask, why: str, reason: Reason, about: tuple[str, ...]) -> Question:
    entry = ask.entry
    return Question(
        id=entry.id,
        section=entry.section,
        section_title=ask.section_title,
        text=entry.text,
        help=entry.help,
        type=entry.type,
        options=tuple(entry.options),
        minimum=entry.minimum,
        maximum=entry.maximum,
        warning_sign=entry.warning_sign,
        why=why,
        reason=reason,
        about=about,
    )


def _lower(name: str) -> str:
    """A name inside a sentence: "Trouble breathing" -> "trouble breathing", "ALS" stays."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


@cache
def _plan(engine: Engine) -> _Plan:
    """Everything the interview reads from the knowledge, worked out once per engine."""
    knowledge = engine.knowledge
    bounds = _bounds(knowledge)
    asks: list[_Ask] = []
    for section, entries in walk(knowledge):
        for entry in entries:
            asks.append(
                _Ask(
                    entry=entry,
                    order=len(asks),
                    section_title=section.title,
                    applies=compile_condition(entry.ask_if) if entry.ask_if else None,
                    follows=frozenset(entry.ask_if.fields()) if entry.ask_if else frozenset(),
                    answers=_answers(entry, bounds.get(entry.id, ())),
                )
            )
    # The derived kind is read through the answers it is inferred from.
    kind_fields = frozenset({"sensation"}).union(
        *(r.when.fields() for r in knowledge.kinds.inference)
    )

    def reads(conditions: Iterable[Condition]) -> frozenset[str]:
        fields = frozenset[str]().union(*(condition.fields() for condition in conditions))
        return fields | kind_fields if "kind" in fields else fields

    evidence = [e.when for factor in knowledge.factors for e in factor.evidence]
    return _Plan(
        asks=tuple(asks),
        by_id={ask.entry.id: ask for ask in asks},
        sign_fields=tuple(reads([sign.when]) for sign in knowledge.warning_signs),
        sign_reasons=tuple(_telling(sign.when) for sign in knowledge.warning_signs),
        rule_out_fields=tuple(
            reads(t.when for t in entry.triggers) for entry in knowledge.rule_outs
        ),
        outcome_fields=kind_fields | reads(evidence),
        factor_names={factor.id: factor.name for factor in knowledge.factors},
        factor_fields={
            factor.id: frozenset[str]().union(*(e.when.fields() for e in factor.evidence))
            for factor in knowledge.factors
        },
    )


def _telling(condition: Condition) -> frozenset[str]:
    """The answers a rule reads for what they say, not for being unanswered (``known``):
    a rule that holds while nothing is answered is no reason to ask."""
    if condition.field is not None:
        return frozenset() if condition.known is not None else frozenset({condition.field})
    parts = condition.all_ or condition.any_ or ([condition.not_] if condition.not_ else [])
    return frozenset().union(*(_telling(part) for part in parts))


def _bounds(knowledge: Any) -> dict[str, set[float]]:
    """Every number a rule compares each numeric answer with."""
    found: dict[str, set[float]] = {}

    def visit(condition: Condition) -> None:
        if condition.field is not None:
            for name in ("gte", "gt", "lte", "lt"):
                bound = getattr(condition, name)
                if bound is not None:
                    found.setdefault(condition.field, set()).add(bound)
            return
        for part in (
            condition.all_ or condition.any_ or ([condition.not_] if condition.not_ else [])
        ):
            visit(part)

    rules: list[Condition] = [sign.when for sign in knowledge.warning_signs]
    rules += [rule.when for rule in knowledge.kinds.inference]
    rules += [e.when for factor in knowledge.factors for e in factor.evidence]
    rules += [t.when for entry in knowledge.rule_outs for t in entry.triggers]
    rules += [q.ask_if for q in knowledge.questions.questions if q.ask_if is not None]
    for rule in rules:
        visit(rule)
    return found


def _answers(entry: Entry, bounds: Iterable[float]) -> tuple[tuple[Any, float], ...]:
    """The answers worth trying, with how likely each is: yes and no; each option; for a
    multi-choice question each option alone and none; for a number one value on each side
    of, and at, every bound a rule uses (all numbers between two bounds act the same), a
    cited stretch's chance shared evenly by the values in it."""
    values: list[Any]
    if entry.type == "yes_no":
        values, keys = [True, False], ["yes", "no"]
    elif entry.type == "choice":
        values = [option.value for option in entry.options]
        keys = list(values)
    elif entry.type == "multi":
        values = [[option.value] for option in entry.options] + [[]]
        keys = [option.value for option in entry.options] + ["none"]
    else:
        if entry.prior is None:
            values = _representatives(entry, sorted(set(bounds)))
            return tuple((value, 1 / len(values)) for value in values)
        # Each stretch's chance is shared by the values in it (its edges are bounds too).
        bands = entry.prior_bands()
        edges = {low for low, _, _ in bands[1:]}
        values = _representatives(entry, sorted(set(bounds) | edges))
        inside = [[v for v in values if low <= v < high] for low, high, _ in bands]
        return tuple(
            (value, chance / len(members))
            for (_, _, chance), members in zip(bands, inside, strict=True)
            for value in members
        )
    if entry.prior is not None:
        return tuple((value, entry.prior[key]) for value, key in zip(values, keys, strict=True))
    return tuple((value, 1 / len(values)) for value in values)


def _representatives(entry: Entry, bounds: list[float]) -> list[Any]:
    whole = entry.type == "integer"
    low = entry.minimum if entry.minimum is not None else float("-inf")
    high = entry.maximum if entry.maximum is not None else float("inf")
    points = list(bounds)
    if bounds:
        points += [bounds[0] - 1, bounds[-1] + 1]
        for below, above in pairwise(bounds):
            points.append(float(int(below) + 1) if whole else (below + above) / 2)
    else:
        points.append(low if low > float("-inf") else 0.0)
    kept = sorted({p for p in points if low <= p <= high and (not whole or float(p).is_integer())})
    return [int(p) if whole else float(p) for p in kept]


def next_group(
    answers: Answers | Mapping[str, Any],
    unknown: Iterable[str] = (),
    *,
    most: int = GROUP_MOST,
    language: str = ENGLISH,
) -> tuple[Question, ...]:
    """The next question, and when it is a yes-or-no question, the yes-or-no questions of
    its section that the interview would ask right after it (each found with the ones before
    it taken as unanswered), so that a screen can ask them together, in the interview's
    order; at most ``most``. A question whose skip rule reads one already in the group waits
    for the next screen. Empty when the interview is done. Raises as :func:`next_question`.

    Safe because nothing is decided from the group: after each screen the interview starts
    again from the real answers, and it stops on the same rule as one question at a time."""
    return _group(default_engine(language), answers, unknown, WORTH_ASKING, most)


def _group(
    engine: Engine,
    answers: Answers | Mapping[str, Any],
    unknown: Iterable[str],
    threshold: float,
    most: int,
) -> tuple[Question, ...]:
    skipped = list(unknown)
    first = _next(engine, answers, skipped, threshold)
    if first is None:
        return ()
    plan = _plan(engine)
    group = [first]
    while first.type == "yes_no" and len(group) < most:
        skipped.append(group[-1].id)
        following = _next(engine, answers, skipped, threshold)
        if (
            following is None
            or following.type != "yes_no"
            or following.section != first.section
            or plan.by_id[following.id].follows & {question.id for question in group}
        ):
            break
        group.append(following)
    return tuple(group)
