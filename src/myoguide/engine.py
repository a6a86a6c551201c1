"""The assessment engine: pure, deterministic functions from answers to an assessment.

Order of reasoning: the kind first (so causes can use it), then triage from the warning
signs alone, then causes ranked by a log-odds model, rule-outs and the care plan.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

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
from .conditions import Condition, Holds, Values, compile_holds, flatten
from .knowledge import Knowledge, load_knowledge
from .knowledge.models import Citation, Factor

__all__ = ["Engine", "assess"]

_RANK: dict[str, int] = {level: rank for rank, level in enumerate(TRIAGE_ORDER)}
_EXPLICIT_KIND: dict[str, Kind] = {"jumping": "twitch", "cramping": "spasm", "both": "both"}


@dataclass(frozen=True, slots=True)
class _Clue:
    test: Holds
    weight: float
    direct: bool
    text: str
    value_field: str | None

    def render(self, values: Values) -> str:
        if self.value_field is None:
            return self.text
        return self.text.replace("{value}", _number(values[self.value_field]))


@dataclass(frozen=True, slots=True)
class _Factor:
    id: str
    name: str
    prior: float
    # Does any direct clue hold? Most factors fail this cheap test for a given person.
    gate: Holds
    # Clues keep their place in the knowledge file; context clues are only weighed once a
    # direct clue has brought the factor up.
    direct: tuple[tuple[int, _Clue], ...]
    context: tuple[tuple[int, _Clue], ...]
    care_plan: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class _Rule:
    test: Holds
    rank: int
    reason: TriageReason


@dataclass(frozen=True, slots=True)
class _RuleOut:
    id: str
    name: str
    check: str
    gate: Holds
    triggers: tuple[tuple[Holds, str], ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class _CareItem:
    id: str
    title: str
    text: str
    not_when: Holds | None
    sources: tuple[Source, ...]


def _any_holds(conditions: list[Condition]) -> Holds:
    return compile_holds(Condition.model_validate({"any": conditions}))


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clue(when: Condition, weight: float, direct: bool, text: str) -> _Clue:
    value_field = when.field if "{value}" in text else None
    return _Clue(compile_holds(when), weight, direct, text, value_field)


class Engine:
    """The knowledge base compiled into fast tests. Build once, then call :meth:`assess`."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self._documents = {
            doc.id: Source(id=doc.id, title=doc.title, url=doc.url) for doc in knowledge.sources
        }
        kinds = knowledge.kinds
        self._kind_clues = tuple(
            (_clue(rule.when, rule.weight, True, rule.why), rule.toward) for rule in kinds.inference
        )
        self._kind_care = {kind.id: tuple(kind.care_plan) for kind in kinds.kinds}
        self._kind_names = {kind.id: kind.name for kind in kinds.kinds}
        self._kind_sources = self._cite(kinds.citations)
        self._rules = tuple(
            _Rule(
                test=compile_holds(sign.when),
                rank=_RANK[sign.level],
                reason=TriageReason(
                    id=sign.id,
                    text=sign.summary,
                    level=sign.level,
                    sources=self._cite(sign.citations),
                ),
            )
            for sign in knowledge.warning_signs
        )
        self._warning_questions = tuple(
            q.id for q in knowledge.questions.questions if q.warning_sign
        )
        self._factors = tuple(self._factor(factor) for factor in knowledge.factors)
        self._factor_care = {factor.id: factor.care_plan for factor in self._factors}
        self._rule_outs = tuple(
            _RuleOut(
                id=entry.id,
                name=entry.name,
                check=entry.check,
                gate=_any_holds([t.when for t in entry.triggers]),
                triggers=tuple((compile_holds(t.when), t.why) for t in entry.triggers),
                sources=self._cite(entry.citations),
            )
            for entry in knowledge.rule_outs
        )
        self._care = {
            item.id: _CareItem(
                id=item.id,
                title=item.name,
                text=item.description,
                not_when=compile_holds(item.not_when) if item.not_when else None,
                sources=self._cite(item.citations),
            )
            for item in knowledge.care_plan
        }
        # Results are frozen, so equal parts can be shared between assessments.
        self._triage_for = lru_cache(maxsize=4096)(self._build_triage)
        self._finding_for = lru_cache(maxsize=8192)(self._build_finding)
        self._rule_out_for = lru_cache(maxsize=1024)(self._build_rule_out)
        self._care_item_for = lru_cache(maxsize=4096)(self._build_care_item)

    def _factor(self, factor: Factor) -> _Factor:
        clues = [
            (index, _clue(e.when, e.weight, e.is_direct, e.why))
            for index, e in enumerate(factor.evidence)
        ]
        return _Factor(
            id=factor.id,
            name=factor.name,
            prior=factor.prior,
            gate=_any_holds([e.when for e in factor.evidence if e.is_direct]),
            direct=tuple(item for item in clues if item[1].direct),
            context=tuple(item for item in clues if not item[1].direct),
            care_plan=tuple(factor.care_plan),
            sources=self._cite(factor.citations),
        )

    def _cite(self, citations: list[Citation]) -> tuple[Source, ...]:
        result = []
        for citation in citations:
            doc = self._documents[citation.source]
            result.append(Source(id=doc.id, title=doc.title, quote=citation.quote, url=doc.url))
        return tuple(result)

    def assess(self, answers: Answers | Mapping[str, Any]) -> Assessment:
        if not isinstance(answers, Answers):
            answers = Answers.model_validate(answers)
        values = flatten(answers)
        kind, kind_explanation = self._kind(values)
        values["kind"] = kind
        triage = self._triage(values)
        factors = self._rank_factors(values)
        rule_out = self._rule_out(values)
        care_plan = self._care_plan(values, kind, factors)
        cited = [
            *(s for r in triage.reasons for s in r.sources),
            *(s for f in factors for s in f.sources),
            *(s for r in rule_out for s in r.sources),
            *(s for c in care_plan for s in c.sources),
            *(self._kind_sources if kind != "unclear" else ()),
        ]
        used = dict.fromkeys(source.id for source in cited)
        return Assessment(
            kind=kind,
            kind_explanation=kind_explanation,
            triage=triage,
            factors=factors,
            rule_out=rule_out,
            care_plan=care_plan,
            sources=[self._documents[source_id] for source_id in used],
            disclaimer=self.knowledge.meta.disclaimer,
            knowledge_version=self.knowledge.version,
        )

    def _kind(self, values: Values) -> tuple[Kind, str]:
        text = self.knowledge.kinds
        sensation = values["sensation"]
        score = {"twitch": 0.0, "spasm": 0.0}
        reasons: dict[str, list[str]] = {"twitch": [], "spasm": []}
        for clue, toward in self._kind_clues:
            if clue.test(values):
                score[toward] += clue.weight
                reasons[toward].append(clue.render(values))
        explicit = _EXPLICIT_KIND.get(sensation) if sensation else None
        if explicit is not None:
            explanation = text.sensation[sensation]
            other = {"twitch": "spasm", "spasm": "twitch"}.get(explicit)
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

    def _triage(self, values: Values) -> Triage:
        fired = tuple(index for index, rule in enumerate(self._rules) if rule.test(values))
        unanswered = tuple(q for q in self._warning_questions if values[q] is None)
        return self._triage_for(fired, unanswered)

    def _build_triage(self, fired: tuple[int, ...], unanswered: tuple[str, ...]) -> Triage:
        rules = sorted((self._rules[index] for index in fired), key=lambda rule: -rule.rank)
        level: TriageLevel = rules[0].reason.level if rules else "self_care"
        return Triage(
            level=level,
            action=self.knowledge.meta.triage_levels[level].action,
            reasons=tuple(rule.reason for rule in rules),
            unanswered=unanswered,
        )

    def _rank_factors(self, values: Values) -> list[FactorFinding]:
        findings: list[tuple[float, int, FactorFinding]] = []
        for order, factor in enumerate(self._factors):
            if not factor.gate(values):
                continue
            fired = [item for item in factor.direct if item[1].test(values)]
            fired += [item for item in factor.context if item[1].test(values)]
            fired.sort(key=lambda item: item[0])
            log_odds = factor.prior + sum(clue.weight for _, clue in fired)
            score = round(1.0 / (1.0 + math.exp(-log_odds)), 3)
            why = tuple(clue.render(values) for _, clue in fired if clue.weight > 0)
            against = tuple(clue.render(values) for _, clue in fired if clue.weight < 0)
            findings.append((-score, order, self._finding_for(order, score, why, against)))
        findings.sort(key=lambda item: item[:2])
        return [finding for _, _, finding in findings]

    def _build_finding(
        self, order: int, score: float, why: tuple[str, ...], against: tuple[str, ...]
    ) -> FactorFinding:
        factor = self._factors[order]
        return FactorFinding(
            id=factor.id,
            name=factor.name,
            score=score,
            why=why,
            against=against,
            sources=factor.sources,
        )

    def _rule_out(self, values: Values) -> list[RuleOut]:
        found = []
        for order, entry in enumerate(self._rule_outs):
            if entry.gate(values):
                fired = tuple(i for i, (test, _) in enumerate(entry.triggers) if test(values))
                found.append(self._rule_out_for(order, fired))
        return found

    def _build_rule_out(self, order: int, fired: tuple[int, ...]) -> RuleOut:
        entry = self._rule_outs[order]
        return RuleOut(
            id=entry.id,
            name=entry.name,
            text=entry.check,
            why=tuple(entry.triggers[i][1] for i in fired),
            sources=entry.sources,
        )

    def _care_plan(
        self, values: Values, kind: Kind, factors: list[FactorFinding]
    ) -> list[CarePlanItem]:
        addressed: dict[str, list[str]] = {}
        for finding in factors:
            for care_id in self._factor_care[finding.id]:
                addressed.setdefault(care_id, []).append(finding.id)
        for kind_id in ("twitch", "spasm") if kind == "both" else (kind,):
            for care_id in self._kind_care.get(kind_id, ()):
                addressed.setdefault(care_id, []).append(kind_id)
        plan = []
        for care_id, targets in addressed.items():
            not_when = self._care[care_id].not_when
            if not_when is None or not not_when(values):
                plan.append(self._care_item_for(care_id, tuple(targets)))
        return plan

    def _build_care_item(self, care_id: str, targets: tuple[str, ...]) -> CarePlanItem:
        item = self._care[care_id]
        return CarePlanItem(
            id=item.id,
            title=item.title,
            text=item.text,
            for_=targets,
            sources=item.sources,
        )


@cache
def default_engine() -> Engine:
    """The engine over the packaged knowledge base, built once per process."""
    return Engine(load_knowledge())


def assess(answers: Answers | Mapping[str, Any]) -> Assessment:
    """Assess one person's answers (a dict in the contract shape, or :class:`Answers`).

    Raises :class:`pydantic.ValidationError` naming the field when the answers are invalid.
    """
    return default_engine().assess(answers)
