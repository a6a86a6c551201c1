"""The assessment engine: pure, deterministic functions from answers to an assessment.

Order of reasoning: the kind first (so causes can use it), then triage from the warning
signs alone, then causes ranked by a log-odds model, rule-outs and the care plan.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain, combinations, starmap
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from .answers import Answers
from .assessment import (
    TRIAGE_ORDER,
    Assessment,
    CarePlanItem,
    FactorFinding,
    Kind,
    RuleOut,
    Source,
    Triage,
    TriageLevel,
    TriageReason,
)
from .conditions import (
    VALUE,
    Condition,
    Values,
    compile_bounds,
    compile_groups,
    compile_selector,
    compile_unknown,
    compile_verdicts,
    flatten,
)
from .i18n import decimal_symbol
from .knowledge import ENGLISH, Knowledge, load_knowledge
from .knowledge.models import CHILD_AGE, Advice, Citation, Clue, Factor

__all__ = ["Engine", "OpenRules", "assess", "default_engine"]

_RANK: dict[str, int] = {level: rank for rank, level in enumerate(TRIAGE_ORDER)}
_EXPLICIT_KIND: dict[str, Kind] = {"jumping": "twitch", "cramping": "spasm", "both": "both"}
_OTHER_KIND = {"twitch": "spasm", "spasm": "twitch"}
_SCORE = attrgetter("score")
_ASSESSMENT_FIELDS = frozenset(Assessment.model_fields)

Selector = Callable[[Values], tuple[int, ...]]


class OpenRules(NamedTuple):
    """What the questions still to be asked could change (see :meth:`Engine.open_rules`)."""

    level: TriageLevel
    """The triage level reached however they are answered."""
    signs: tuple[int, ...]
    """Warning signs above that level some answers to them could make hold, by index
    (those that hold now only because they are unanswered among them)."""
    rule_outs: tuple[int, ...]
    """Rule-outs that some answers to them could bring up, and others not, by index."""
    kind_settled: bool
    """Whether the kind is the same however they are answered."""


@dataclass(frozen=True, slots=True)
class _Reason:
    """The reason shown when a rule holds, quoting the answer ``{value}`` stands for."""

    text: str
    value_field: str | None

    def render(self, values: Values, decimal: str = ".") -> str:
        if self.value_field is None:
            return self.text
        return self.text.replace(VALUE, _number(values[self.value_field], decimal))


@dataclass(frozen=True, slots=True)
class _Clue(_Reason):
    """A piece of evidence: the reason, and its weight."""

    weight: float


@dataclass(frozen=True, slots=True)
class _Factor:
    id: str
    name: str
    prior: float
    select: Selector
    clues: tuple[_Clue, ...]
    # The answers its reasons quote ("about {value} cups"): part of what makes a finding.
    shown: Callable[[Values], tuple[Any, ...]]
    care_plan: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class _RuleOut:
    id: str
    name: str
    check: str
    whys: tuple[_Reason, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class _CareItem:
    id: str
    title: str
    text: str
    child_text: str
    sources: tuple[Source, ...]


def _number(value: Any, decimal: str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace(".", decimal)


def _clue(rule: Clue, weight: float) -> _Clue:
    return _Clue(rule.why, rule.quotes, weight)


def _quoted(reasons: Iterable[_Reason]) -> list[str]:
    """The answer fields some of these reasons quote, in a fixed order."""
    return sorted({r.value_field for r in reasons if r.value_field})


def _any(conditions: list[Condition]) -> Condition:
    return Condition.model_validate({"any": conditions})


def _assessment(fields: dict[str, Any]) -> Assessment:
    """The assessment made of these parts, every one of them a validated model or tuple of
    them built by the engine, so not validated again (as ``model_construct`` does, without
    its per-field work: validating them again cost an eighth of an assessment)."""
    assessment = object.__new__(Assessment)
    _set(assessment, "__dict__", fields)
    _set(assessment, "__pydantic_fields_set__", _ASSESSMENT_FIELDS)
    _set(assessment, "__pydantic_extra__", None)
    _set(assessment, "__pydantic_private__", None)
    return assessment


_set = object.__setattr__


def _getter(fields: list[str]) -> Callable[[Values], tuple[Any, ...]]:
    """A fast function giving the values of these answer fields, as a tuple."""
    if not fields:
        return lambda _values: ()
    if len(fields) == 1:
        field = fields[0]
        return lambda values: (values[field],)
    get = itemgetter(*fields)
    return lambda values: tuple(get(values))


class Engine:
    """The knowledge base compiled into fast tests. Build once, then call :meth:`assess`.

    Every rule set is compiled into one function that returns which rules hold, and the
    frozen parts of a result are shared between assessments that produce equal parts.
    """

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        # The answers a reason quotes ("about {value} cups") are written as its language does.
        self._decimal = decimal_symbol(knowledge.language)
        self._documents = {
            doc.id: Source(id=doc.id, title=doc.title, url=doc.url, language=doc.language)
            for doc in knowledge.sources
        }

        kinds = knowledge.kinds
        self._kind_select = compile_selector([rule.when for rule in kinds.inference])
        self._kind_clues = tuple(
            (_clue(rule, rule.weight), rule.toward) for rule in kinds.inference
        )
        self._kind_value_fields = _quoted(c for c, _ in self._kind_clues)
        self._kind_shown = _getter(self._kind_value_fields)
        self._kind_care = {kind.id: tuple(kind.care_plan) for kind in kinds.kinds}
        self._kind_names = {kind.id: kind.name for kind in kinds.kinds}
        self._kind_bounds = compile_bounds([rule.when for rule in kinds.inference])
        general = kinds.citations
        by_kind = {kind.id: kind.citations for kind in kinds.kinds}
        self._kind_sources: dict[str, tuple[Source, ...]] = {
            "twitch": self._cite([*by_kind["twitch"], *general]),
            "spasm": self._cite([*by_kind["spasm"], *general]),
            "both": self._cite([*by_kind["twitch"], *by_kind["spasm"], *general]),
            "unclear": self._cite(general),
        }

        signs = knowledge.warning_signs
        # Which signs hold and which are left open by unknown answers, in one pass.
        self._signs_verdicts = compile_verdicts([sign.when for sign in signs])
        self._sign_rank = tuple(_RANK[sign.level] for sign in signs)
        self._reasons = tuple(
            TriageReason(
                id=sign.id,
                text=sign.summary,
                level=sign.level,
                sources=self._cite(sign.citations),
            )
            for sign in signs
        )
        # Advice that hangs on a sign ("call 999 if you become short of breath") is left
        # out when the answers already show that sign.
        advice: list[Advice] = []

        def number(items: list[Advice]) -> tuple[int, ...]:
            advice.extend(items)
            return tuple(range(len(advice) - len(items), len(advice)))

        self._sign_advice = tuple(number(sign.advice) for sign in signs)
        self._level_advice = {
            level: number(info.advice) for level, info in knowledge.meta.triage_levels.items()
        }
        self._advice_text = tuple(item.text for item in advice)
        self._advice_skipped = compile_selector([item.unless for item in advice])
        self._signs_bounds = compile_bounds([sign.when for sign in signs])
        # A rule left open by unknown answers, above the level reached, names those
        # answers in `triage.unanswered`: the questions that could still raise the level.
        # What leaves a rule open, most telling first: the warning-sign questions asked of
        # everyone and the follow-ups that now apply (when a sign began, once a sign is
        # there), then the other follow-ups, then the other answers it reads (pain, when),
        # which matter only together with them. Sets of answers are bits of an int, one bit
        # per answer a sign reads, in questionnaire order (the order they are listed in).
        questions = knowledge.questions.questions
        read = set().union(*(sign.when.fields() for sign in signs))
        listed = [q.id for q in questions if q.id in read]
        bit = {field: 1 << position for position, field in enumerate(listed)}
        self._unknown_answers = compile_unknown(listed)
        self._bit_answers = {mask: field for field, mask in bit.items()}

        follow_ups = [q for q in questions if q.warning_sign and q.ask_if is not None]
        self._follow_ups_asked = compile_selector([q.ask_if for q in follow_ups if q.ask_if])
        each = [bit.get(q.id, 0) for q in follow_ups]
        # The follow-ups that apply, as bits, for each list of them the selector can give.
        self._asked_bits = {
            held: sum(each[index] for index in held)
            for size in range(len(each) + 1)
            for held in combinations(range(len(each)), size)
        }
        self._follow_up_bits = sum(each)
        core = sum(bit.get(q.id, 0) for q in questions if q.warning_sign and q.ask_if is None)
        other = sum(bit.get(q.id, 0) for q in questions if not q.warning_sign)
        self._sign_tiers = tuple(
            (
                rank,
                reads & (core | self._follow_up_bits),
                reads & self._follow_up_bits,
                reads & other,
            )
            for sign, rank in zip(signs, self._sign_rank, strict=True)
            for reads in (sum(bit[field] for field in sign.when.fields() if field in bit),)
        )
        self._emergency_signs = frozenset(
            index for index, sign in enumerate(signs) if sign.level == "emergency"
        )
        self._while_you_wait = tuple(tuple(sign.while_you_wait) for sign in signs)

        self._factors = tuple(self._factor(factor) for factor in knowledge.factors)
        # A cause is listed once some direct evidence for it holds: then what holds, and
        # the answers its reasons quote, found for every cause in one call.
        self._factors_found = compile_groups(
            [
                (
                    _any([e.when for e in factor.evidence if e.is_direct]),
                    [e.when for e in factor.evidence],
                    _quoted(compiled.clues),
                )
                for factor, compiled in zip(knowledge.factors, self._factors, strict=True)
            ]
        )
        self._factor_care = {factor.id: factor.care_plan for factor in self._factors}

        rule_outs = [_any([t.when for t in entry.triggers]) for entry in knowledge.rule_outs]
        self._rule_outs_bounds = compile_bounds(rule_outs)
        self._rule_outs = tuple(
            _RuleOut(
                id=entry.id,
                name=entry.name,
                check=entry.check,
                whys=tuple(_Reason(t.why, t.quotes) for t in entry.triggers),
                sources=self._cite(entry.citations),
            )
            for entry in knowledge.rule_outs
        )
        self._rule_outs_found = compile_groups(
            [
                (rule, [t.when for t in entry.triggers], _quoted(compiled.whys))
                for rule, entry, compiled in zip(
                    rule_outs, knowledge.rule_outs, self._rule_outs, strict=True
                )
            ]
        )

        self._care = {
            item.id: _CareItem(
                id=item.id,
                title=item.name,
                text=item.description,
                child_text=item.for_children or item.description,
                sources=self._cite(item.citations),
            )
            for item in knowledge.care_plan
        }
        guarded = [item for item in knowledge.care_plan if item.not_when is not None]
        self._guarded = tuple(item.id for item in guarded)
        self._guards_select = compile_selector([item.not_when for item in guarded if item.not_when])

        # The documents each part of a result cites (ids are unique across the knowledge).
        parts: list[Any] = [*self._reasons, *self._factors, *self._rule_outs]
        parts += self._care.values()
        self._cited_documents = {
            part.id: tuple(source.id for source in part.sources) for part in parts
        }

        # Results are frozen all the way down, so equal parts can be shared: each part is
        # made once for the answers that decide it (a key), then reused.
        self._kind_for = lru_cache(maxsize=1024)(self._build_kind)
        self._triage_for = lru_cache(maxsize=4096)(self._build_triage)
        self._unanswered_for = lru_cache(maxsize=4096)(self._build_unanswered)
        self._finding_for = lru_cache(maxsize=8192)(self._build_finding)
        self._rule_out_for = lru_cache(maxsize=1024)(self._build_rule_out)
        self._care_item_for = lru_cache(maxsize=4096)(self._build_care_item)
        self._plan_for = lru_cache(maxsize=8192)(self._build_plan)

    def _factor(self, factor: Factor) -> _Factor:
        clues = [_clue(e, e.weight) for e in factor.evidence]
        return _Factor(
            id=factor.id,
            name=factor.name,
            prior=factor.prior,
            select=compile_selector([e.when for e in factor.evidence]),
            clues=tuple(clues),
            shown=_getter(_quoted(clues)),
            care_plan=tuple(factor.care_plan),
            sources=self._cite(factor.citations),
        )

    def _cite(self, citations: list[Citation]) -> tuple[Source, ...]:
        return tuple(
            Source(
                id=citation.source,
                title=self._documents[citation.source].title,
                quote=citation.quote,
                url=self._documents[citation.source].url,
                language=self._documents[citation.source].language,
            )
            for citation in citations
            if citation.in_results
        )

    def assess(self, answers: Answers | Mapping[str, Any]) -> Assessment:
        if not isinstance(answers, Answers):
            answers = Answers.model_validate(answers)
        values = flatten(answers)
        kind, kind_explanation = self._kind_for(
            values["sensation"], self._kind_select(values), self._kind_shown(values)
        )
        values["kind"] = kind
        signs, undecided = self._signs_verdicts(values)
        factors = self._rank_factors(values)
        rule_out = tuple(starmap(self._rule_out_for, self._rule_outs_found(values)))
        age = values["age"]
        care_plan, sources = self._plan_for(
            kind,
            signs,
            tuple(finding.id for finding in factors),
            tuple(item.id for item in rule_out),
            self._guards_select(values),
            age is not None and age < CHILD_AGE,
        )
        return _assessment(
            {
                "kind": kind,
                "kind_explanation": kind_explanation,
                "kind_sources": self._kind_sources[kind],
                "triage": self._triage_for(
                    signs, self._unanswered(signs, undecided, values), self._advice_skipped(values)
                ),
                "factors": factors,
                "rule_out": rule_out,
                "care_plan": care_plan,
                "sources": sources,
                "disclaimer": self.knowledge.meta.disclaimer,
                "knowledge_version": self.knowledge.version,
            }
        )

    def open_rules(self, values: Values, open_fields: frozenset[str]) -> OpenRules:
        """What answering the ``open_fields`` (questions still to be asked; every other
        unknown answer stays unknown) could change, judged by three-valued logic, for flat
        answer values (:func:`~myoguide.conditions.flatten`)."""
        kind_settled = self._kind_settled(values, open_fields)
        known = {**values, "kind": self._kind_of(values)}
        opened = open_fields if kind_settled else open_fields | {"kind"}
        held, could = self._signs_bounds(known, opened)
        reached = max((_RANK[self._reasons[index].level] for index in held), default=0)
        signs = tuple(i for i in could if _RANK[self._reasons[i].level] > reached)
        return OpenRules(
            level=TRIAGE_ORDER[reached],
            signs=signs,
            rule_outs=self._rule_outs_bounds(known, opened)[1],
            kind_settled=kind_settled,
        )

    def kind_and_causes(self, values: Values) -> tuple[Kind, tuple[FactorFinding, ...]]:
        """The kind and the likely causes, most likely first, as :meth:`assess` gives them
        for these flat answer values, without building the rest of a result."""
        kind = self._kind_of(values)
        return kind, self._rank_factors({**values, "kind": kind})

    def cause_chances(self, values: Values) -> dict[str, float]:
        """Every cause's score for these flat answer values, listed or not (a cause is
        listed only once some answer speaks for it directly)."""
        known = {**values, "kind": self._kind_of(values)}
        return {
            factor.id: self._finding_for(order, factor.select(known), factor.shown(known)).score
            for order, factor in enumerate(self._factors)
        }

    def _kind_of(self, values: Values) -> Kind:
        return self._kind_for(
            values["sensation"], self._kind_select(values), self._kind_shown(values)
        )[0]

    def _kind_settled(self, values: Values, open_fields: frozenset[str]) -> bool:
        """Whether every way of answering the open questions gives the kind it gives now,
        from the least and the most each kind's clues could still add up to."""
        if "sensation" in open_fields:
            return False
        held, could = self._kind_bounds(values, open_fields)
        if not could:
            return True
        least = {"twitch": 0.0, "spasm": 0.0}
        for index in held:
            clue, toward = self._kind_clues[index]
            least[toward] += clue.weight
        most = dict(least)
        for index in could:
            clue, toward = self._kind_clues[index]
            most[toward] += clue.weight
        margin = self.knowledge.kinds.margin
        explicit = _EXPLICIT_KIND.get(values["sensation"] or "")
        if explicit is not None:
            other = _OTHER_KIND.get(explicit)
            if other is None:
                return True
            # The other kind's clues can add "both" only by leading by twice the margin.
            never = most[other] - least[explicit] < 2 * margin
            always = least[other] - most[explicit] >= 2 * margin
            return never or always

        def inferred(lead: float) -> str:
            return "unclear" if abs(lead) < margin else "twitch" if lead > 0 else "spasm"

        # The inferred kind only steps up with the lead: the same at both ends, the same between.
        low = least["twitch"] - most["spasm"]
        high = most["twitch"] - least["spasm"]
        return inferred(low) == inferred(high)

    def _build_kind(
        self, sensation: str | None, fired: tuple[int, ...], shown: tuple[Any, ...]
    ) -> tuple[Kind, str]:
        text = self.knowledge.kinds
        values = dict(zip(self._kind_value_fields, shown, strict=True))
        score = {"twitch": 0.0, "spasm": 0.0}
        reasons: dict[str, list[str]] = {"twitch": [], "spasm": []}
        for index in fired:
            clue, toward = self._kind_clues[index]
            score[toward] += clue.weight
            reasons[toward].append(clue.render(values, self._decimal))
        explicit = _EXPLICIT_KIND.get(sensation) if sensation else None
        if explicit is not None:
            assert sensation is not None
            explanation = text.sensation[sensation]  # type: ignore[index]
            other = _OTHER_KIND.get(explicit)
            if other and score[other] - score[explicit] >= 2 * text.margin:
                # What the person felt stands, but strong signs of the other kind count too.
                explanation += " " + text.conflict.format(
                    other=self._kind_names[other], reasons=", ".join(reasons[other])
                )
                return "both", explanation
            return explicit, explanation
        lead = score["twitch"] - score["spasm"]
        opening = text.sensation["unsure"] + " " if sensation == "unsure" else ""
        if abs(lead) < text.margin:
            clues = reasons["twitch"] + reasons["spasm"]
            detail = f" ({', '.join(clues)})" if clues else ""
            return "unclear", opening + text.unclear.format(clues=detail)
        winner: Kind = "twitch" if lead > 0 else "spasm"
        return winner, opening + text.inferred.format(
            kind=self._kind_names[winner], reasons=", ".join(reasons[winner])
        )

    def _unanswered(
        self, held: tuple[int, ...], undecided: tuple[int, ...], values: Values
    ) -> tuple[str, ...]:
        """Unknown answers that leave open a warning sign above the level reached, the most
        urgent sign's first, each in questionnaire order."""
        if not undecided:
            return ()
        ranks = self._sign_rank
        reached = max([ranks[index] for index in held], default=0)
        asked = self._asked_bits[self._follow_ups_asked(values)]
        return self._unanswered_for(reached, undecided, self._unknown_answers(values), asked)

    def _build_unanswered(
        self, reached: int, undecided: tuple[int, ...], missing: int, asked: int
    ) -> tuple[str, ...]:
        """The unknown answers (bits of `missing`) that leave open the `undecided` signs
        above the level reached, given the follow-ups that apply (bits of `asked`)."""
        waiting = missing & self._follow_up_bits & ~asked
        first = missing & ~waiting
        found_at = [0] * len(TRIAGE_ORDER)
        for index in undecided:
            rank, core, follow_ups, other = self._sign_tiers[index]
            if rank > reached:
                found_at[rank] |= (first & core) or (waiting & follow_ups) or (missing & other)
        unanswered: list[str] = []
        listed = 0
        for found in reversed(found_at):
            found &= ~listed
            listed |= found
            while found:
                lowest = found & -found
                unanswered.append(self._bit_answers[lowest])
                found ^= lowest
        return tuple(unanswered)

    def _build_triage(
        self, fired: tuple[int, ...], unanswered: tuple[str, ...], skipped: tuple[int, ...]
    ) -> Triage:
        reasons = sorted(
            (self._reason(index, skipped) for index in fired), key=lambda r: -_RANK[r.level]
        )
        level: TriageLevel = reasons[0].level if reasons else "self_care"
        while_you_wait: tuple[str, ...] = ()
        if level == "emergency":
            waits = (self._while_you_wait[i] for i in fired if i in self._emergency_signs)
            while_you_wait = tuple(dict.fromkeys(chain.from_iterable(waits)))
        return Triage(
            level=level,
            action=self._said(
                self.knowledge.meta.triage_levels[level].action, self._level_advice[level], skipped
            ),
            reasons=tuple(reasons),
            unanswered=unanswered,
            while_you_wait=while_you_wait,
        )

    def _reason(self, index: int, skipped: tuple[int, ...]) -> TriageReason:
        reason = self._reasons[index]
        if not self._sign_advice[index]:
            return reason
        text = self._said(reason.text, self._sign_advice[index], skipped)
        return TriageReason(id=reason.id, text=text, level=reason.level, sources=reason.sources)

    def _said(self, text: str, advice: tuple[int, ...], skipped: tuple[int, ...]) -> str:
        """The text, then each piece of its advice that the answers do not make moot."""
        return " ".join([text, *(self._advice_text[i] for i in advice if i not in skipped)])

    def _rank_factors(self, values: Values) -> tuple[FactorFinding, ...]:
        findings = list(starmap(self._finding_for, self._factors_found(values)))
        findings.sort(key=_SCORE, reverse=True)  # stable even reversed: ties keep file order
        return tuple(findings)

    def _build_finding(
        self, order: int, fired: tuple[int, ...], shown: tuple[Any, ...]
    ) -> FactorFinding:
        factor = self._factors[order]
        values = dict(zip(_quoted(factor.clues), shown, strict=True))
        clues = [factor.clues[index] for index in fired]
        log_odds = factor.prior + sum(clue.weight for clue in clues)
        return FactorFinding(
            id=factor.id,
            name=factor.name,
            score=round(1.0 / (1.0 + math.exp(-log_odds)), 3),
            why=tuple(clue.render(values, self._decimal) for clue in clues if clue.weight > 0),
            against=tuple(clue.render(values, self._decimal) for clue in clues if clue.weight < 0),
            sources=factor.sources,
        )

    def _build_rule_out(
        self, order: int, fired: tuple[int, ...], shown: tuple[Any, ...]
    ) -> RuleOut:
        entry = self._rule_outs[order]
        values = dict(zip(_quoted(entry.whys), shown, strict=True))
        return RuleOut(
            id=entry.id,
            name=entry.name,
            text=entry.check,
            why=tuple(entry.whys[i].render(values, self._decimal) for i in fired),
            sources=entry.sources,
        )

    def _build_plan(
        self,
        kind: Kind,
        signs: tuple[int, ...],
        factor_ids: tuple[str, ...],
        rule_out_ids: tuple[str, ...],
        guards: tuple[int, ...],
        child: bool,
    ) -> tuple[tuple[CarePlanItem, ...], tuple[Source, ...]]:
        """The care plan, and the documents the whole result cites, in order. In an
        emergency there is none: what to do now is the triage's action."""
        emergency = any(index in self._emergency_signs for index in signs)
        addressed = {} if emergency else self._addressed(kind, factor_ids)
        harmful = {self._guarded[index] for index in guards}
        plan = tuple(
            self._care_item_for(care_id, tuple(targets), child)
            for care_id, targets in addressed.items()
            if care_id not in harmful
        )
        parts = (
            *(self._reasons[index].id for index in signs),
            *factor_ids,
            *rule_out_ids,
            *(item.id for item in plan),
        )
        ids = chain(
            (source.id for source in self._kind_sources[kind]),
            chain.from_iterable(self._cited_documents[part] for part in parts),
        )
        return plan, tuple(self._documents[source_id] for source_id in dict.fromkeys(ids))

    def _addressed(self, kind: Kind, factor_ids: tuple[str, ...]) -> dict[str, list[str]]:
        """Each care-plan item the causes and the kind call for, with what it is for."""
        addressed: dict[str, list[str]] = {}
        for factor_id in factor_ids:
            for care_id in self._factor_care[factor_id]:
                addressed.setdefault(care_id, []).append(factor_id)
        for kind_id in ("twitch", "spasm") if kind == "both" else (kind,):
            for care_id in self._kind_care.get(kind_id, ()):
                addressed.setdefault(care_id, []).append(kind_id)
        return addressed

    def _build_care_item(self, care_id: str, targets: tuple[str, ...], child: bool) -> CarePlanItem:
        item = self._care[care_id]
        return CarePlanItem(
            id=item.id,
            title=item.title,
            text=item.child_text if child else item.text,
            for_=targets,
            sources=item.sources,
        )


def default_engine(language: str = ENGLISH) -> Engine:
    """The engine over the packaged knowledge base in ``language``, built once per process
    and language. Raises KnowledgeError for a language the knowledge is not in."""
    return _packaged_engine(language)


@cache
def _packaged_engine(language: str) -> Engine:
    return Engine(load_knowledge(language=language))


def assess(answers: Answers | Mapping[str, Any]) -> Assessment:
    """Assess one person's answers (a dict in the contract shape, or :class:`Answers`).

    Raises :class:`pydantic.ValidationError` naming the field when the answers are invalid.
    """
    return default_engine().assess(answers)
