"""The assessment engine: invariants (as hypothesis properties) and specific behaviour."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Literal, get_args, get_origin

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from myoguide import Answers, Assessment, Knowledge, assess
from myoguide import answers as contract
from myoguide.assessment import TRIAGE_ORDER
from myoguide.conditions import Condition, answer_paths, compile_condition, flatten
from myoguide.jsonout import assessment_json
from myoguide.questionnaire import set_answer
from myoguide.render import assessment_markdown

from .contract_ids import ASSESSMENT_KEYS

RANK = {level: rank for rank, level in enumerate(TRIAGE_ORDER)}
WARNING_FIELDS = [
    name for name, info in contract.Medical.model_fields.items() if info.annotation == bool | None
]


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def choice(literal: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(get_args(literal))


def subset(literal: Any) -> st.SearchStrategy[list[Any]]:
    return st.lists(choice(literal), unique=True, max_size=4)


def drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


factor_answers = st.fixed_dictionaries(
    {},
    optional={
        "caffeine_cups_per_day": st.floats(0, 15, allow_nan=False),
        "other_stimulants": st.booleans(),
        "nicotine": st.booleans(),
        "stress": choice(contract.StressLevel),
        "sleep_hours": st.floats(0, 24, allow_nan=False),
        "sleep_problems": st.booleans(),
        "water_glasses_per_day": st.floats(0, 20, allow_nan=False),
        "heavy_exercise_recently": st.booleans(),
        "stretches_before_exercise": st.booleans(),
        "overuse_repetitive": st.booleans(),
        "recent_strain_or_injury": st.booleans(),
        "sudden_movement": st.booleans(),
        "prolonged_sitting": st.booleans(),
        "poor_posture": st.booleans(),
        "cramped_sleep_position": st.booleans(),
        "cold_exposure": st.booleans(),
        "chemical_exposure": st.booleans(),
        "poor_diet": st.booleans(),
        "known_deficiency": subset(contract.Nutrient),
        "medications": subset(contract.Medication),
        "circulation_problems": st.booleans(),
        "muscle_fatigue": st.booleans(),
    },
)
medical_answers = st.fixed_dictionaries(
    {},
    optional={
        **{name: st.booleans() for name in WARNING_FIELDS},
        "sign_onset": choice(contract.SignOnset),
        "conditions": subset(contract.Condition),
        "family_history": subset(contract.FamilyCondition),
    },
)
any_answers = st.fixed_dictionaries(
    {},
    optional={
        "sensation": choice(contract.Sensation),
        "locations": subset(contract.Region),
        "pain": choice(contract.Pain),
        "episode_length": choice(contract.EpisodeLength),
        "history_days": st.integers(0, 4000),
        "frequency": choice(contract.Frequency),
        "when": subset(contract.Timing),
        "movement_limited": st.booleans(),
        "relieved_by_stretching": st.booleans(),
        "age": st.integers(0, 120),
        "factors": factor_answers,
        "medical": medical_answers,
    },
)

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def level(answers: dict[str, Any]) -> int:
    return RANK[assess(answers).triage.level]


def with_medical(answers: dict[str, Any], **values: Any) -> dict[str, Any]:
    medical = {**answers.get("medical", {}), **values}
    return {**answers, "medical": drop_none(medical)}


@PROPERTY
@given(answers=any_answers, sign=st.sampled_from(WARNING_FIELDS))
def test_adding_a_warning_sign_never_lowers_triage(answers: dict[str, Any], sign: str) -> None:
    before = level(answers)
    assert level(with_medical(answers, **{sign: True})) >= before


@PROPERTY
@given(answers=any_answers, sign=st.sampled_from(WARNING_FIELDS))
def test_an_unknown_warning_sign_is_never_read_as_no(answers: dict[str, Any], sign: str) -> None:
    unknown = with_medical(answers, **{sign: None})
    said_no = with_medical(answers, **{sign: False})
    result = assess(unknown)
    assert f"medical.{sign}" not in assess(said_no).triage.unanswered
    assert RANK[result.triage.level] >= level(said_no)
    # Listed exactly when a "yes" could still raise the level.
    if level(with_medical(answers, **{sign: True})) > RANK[result.triage.level]:
        assert f"medical.{sign}" in result.triage.unanswered


@PROPERTY
@given(answers=any_answers)
def test_assessment_invariants(answers: dict[str, Any]) -> None:
    result = assess(answers)
    assert result == assess(Answers.model_validate(answers)), "assess must be deterministic"
    triage = result.triage
    if triage.level == "self_care":
        assert triage.reasons == ()
    else:
        assert max(RANK[r.level] for r in triage.reasons) == RANK[triage.level]
    scores = [f.score for f in result.factors]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert all(f.why for f in result.factors)
    targets = {f.id for f in result.factors} | {"twitch", "spasm"}
    for item in result.care_plan:
        assert item.for_
        assert set(item.for_) <= targets
    items: list[Any] = [
        *triage.reasons,
        *result.factors,
        *result.rule_out,
        *result.care_plan,
    ]
    assert all(item.sources for item in items)
    cited = {s.id for item in items for s in item.sources}
    assert cited <= {s.id for s in result.sources}
    assert result.disclaimer
    assert result.knowledge_version


@PROPERTY
@given(answers=any_answers)
def test_a_result_without_warning_signs_raises_no_rule_out(answers: dict[str, Any]) -> None:
    medical = {k: v for k, v in answers.get("medical", {}).items() if v is not True}
    medical.pop("conditions", None)
    medical.pop("family_history", None)
    factors = dict(answers.get("factors", {}))
    # A statin (muscle damage) and estrogen with a painful calf (a clot) are reasons of their own.
    risky = {"statin", "estrogen"}
    factors["medications"] = [m for m in factors.get("medications", []) if m not in risky]
    calm = {**answers, "medical": medical, "factors": factors}
    if calm.get("episode_length") == "constant":
        calm["episode_length"] = "seconds"
    assert assess(calm).rule_out == ()


@PROPERTY
@given(answers=any_answers)
def test_the_json_is_the_contract_shape(answers: dict[str, Any]) -> None:
    data = assess(answers).model_dump(mode="json")
    assert set(data) >= ASSESSMENT_KEYS
    assert all("for" in item for item in data["care_plan"])
    assert Assessment.model_validate(data) == assess(answers)
    assert assessment_json(assess(answers)) == assess(answers).model_dump_json().encode()


def test_no_answers_at_all_is_unknown_not_benign(knowledge: Knowledge) -> None:
    result = assess({})
    assert result.kind == "unclear"
    assert result.triage.level == "see_doctor"
    assert [reason.id for reason in result.triage.reasons] == ["nothing_checked"]
    always_asked = [
        q.id for q in knowledge.questions.questions if q.warning_sign and q.ask_if is None
    ]
    emergency_questions = {"medical.breathing_difficulty", "medical.face_drooping"}
    assert emergency_questions <= set(result.triage.unanswered) <= set(answer_paths())
    assert set(always_asked) & set(result.triage.unanswered)
    assert result.factors == ()
    assert result.rule_out == ()


@pytest.mark.parametrize(
    ("answers", "kind"),
    [
        ({"sensation": "jumping"}, "twitch"),
        ({"sensation": "cramping"}, "spasm"),
        ({"sensation": "both"}, "both"),
        ({"sensation": "unsure", "pain": "none", "episode_length": "seconds"}, "twitch"),
        (
            {
                "sensation": "unsure",
                "pain": "severe",
                "episode_length": "minutes",
                "relieved_by_stretching": True,
            },
            "spasm",
        ),
        ({"pain": "moderate", "movement_limited": True}, "spasm"),
        ({"sensation": "unsure"}, "unclear"),
        ({"sensation": "unsure", "pain": "mild", "episode_length": "minutes"}, "unclear"),
    ],
)
def test_kind(answers: dict[str, Any], kind: str) -> None:
    assert assess(answers).kind == kind


def test_inferred_kind_explains_itself() -> None:
    result = assess({"sensation": "unsure", "pain": "none", "episode_length": "seconds"})
    assert "not sure" in result.kind_explanation
    assert "does not hurt" in result.kind_explanation
    assert "seconds" in result.kind_explanation


def test_conflicting_answers_are_pointed_out() -> None:
    result = assess(
        {
            "sensation": "jumping",
            "pain": "severe",
            "episode_length": "over_10_minutes",
            "movement_limited": True,
        }
    )
    assert result.kind == "both"
    assert "jumping" in result.kind_explanation
    assert "spasm" in result.kind_explanation


def test_reasons_quote_the_persons_own_answers() -> None:
    result = assess({"sensation": "jumping", "factors": {"caffeine_cups_per_day": 6}})
    caffeine = next(f for f in result.factors if f.id == "caffeine")
    assert any("about 6 cups" in why for why in caffeine.why)


def test_evidence_against_is_shown() -> None:
    result = assess({"factors": {"sleep_problems": True, "sleep_hours": 8}})
    sleep = next(f for f in result.factors if f.id == "sleep_deprivation")
    assert sleep.against


def test_direct_evidence_is_needed_for_a_factor_to_appear() -> None:
    result = assess({"sensation": "jumping", "locations": ["eyelid", "whole_body"]})
    assert result.factors == ()


def test_stronger_evidence_ranks_higher() -> None:
    result = assess(
        {"factors": {"caffeine_cups_per_day": 8, "stress": "moderate"}, "sensation": "jumping"}
    )
    assert [f.id for f in result.factors][:2] == ["caffeine", "stress_anxiety"]


def test_a_possible_clot_is_never_massaged() -> None:
    base = {"sensation": "cramping", "locations": ["calf"], "factors": {"stress": "high"}}
    plain = {item.id for item in assess(base).care_plan}
    assert {"massage", "stretch_the_muscle"} <= plain
    clot = assess(with_medical(base, calf_swelling_redness_warmth=True))
    assert {"massage", "stretch_the_muscle"}.isdisjoint(item.id for item in clot.care_plan)
    assert clot.triage.level == "see_doctor_soon"
    assert [r.id for r in clot.rule_out] == ["deep_vein_thrombosis"]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"medical": {"breathing_difficulty": True}}, "emergency"),
        ({"medical": {"fever": True, "severe_headache": True}}, "emergency"),
        (
            {"locations": ["neck"], "movement_limited": True, "medical": {"fever": True}},
            "emergency",
        ),
        (
            {"medical": {"dark_urine": True}, "factors": {"heavy_exercise_recently": True}},
            "emergency",
        ),
        ({"medical": {"speech_or_swallowing_difficulty": True}}, "emergency"),
        (
            {"medical": {"speech_or_swallowing_difficulty": True}, "history_days": 120},
            "see_doctor_soon",
        ),
        ({"locations": ["chest"], "pain": "severe"}, "emergency"),
        ({"medical": {"weakness": True}}, "see_doctor_soon"),
        ({"medical": {"calf_swelling_redness_warmth": True}}, "see_doctor_soon"),
        ({"factors": {"medications": ["statin"]}}, "see_doctor_soon"),
        (
            {"sensation": "cramping", "locations": ["calf"], "episode_length": "over_10_minutes"},
            "see_doctor_soon",
        ),
        ({"sensation": "cramping", "locations": ["neck"], "episode_length": "hours"}, "self_care"),
        ({"sensation": "jumping", "history_days": 20}, "see_doctor"),
        (
            {
                "locations": ["calf", "chest"],
                "pain": "mild",
                "medical": {"calf_swelling_redness_warmth": True},
            },
            "emergency",
        ),
        ({"sensation": "jumping", "history_days": 5}, "self_care"),
        ({"medical": {"spreading": True}}, "see_doctor"),
        ({"sensation": "cramping", "medical": {"conditions": ["pregnancy"]}}, "self_care"),
        ({"medical": {"conditions": ["kidney_disease"]}}, "see_doctor"),
        ({"locations": ["chest"], "pain": "mild"}, "see_doctor"),
        ({"sensation": "cramping", "locations": ["chest"]}, "see_doctor_soon"),
        (
            {"locations": ["chest"], "pain": "moderate", "episode_length": "seconds"},
            "see_doctor_soon",
        ),
        ({"locations": ["chest"], "pain": "moderate"}, "emergency"),
        (
            {"sensation": "cramping", "locations": ["whole_body"], "medical": {"fever": True}},
            "emergency",
        ),
        (
            {"sensation": "cramping", "locations": ["calf"], "age": 72, "when": ["at_night"]},
            "self_care",
        ),
    ],
)
def test_warning_signs_set_the_level(answers: dict[str, Any], expected: str) -> None:
    assert assess(answers).triage.level == expected


def test_every_warning_sign_can_fire(knowledge: Knowledge) -> None:
    """No rule is dead: each one fires for answers the rule solver finds."""
    for sign in knowledge.warning_signs:
        assert answers_where(sign.when, lambda r, sign=sign: fired(r, sign.id)) is not None, sign.id


@pytest.mark.parametrize(
    "bad",
    [
        {"sensation": "wobbly"},
        {"factors": {"nicotine": "yes"}},
        {"medical": {"conditions": ["flu"]}},
        {"age": -1},
        {"unknown_field": 1},
    ],
)
def test_invalid_answers_are_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        assess(bad)


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        ({"field": "medical.fever", "is": True}, {}, None),
        ({"field": "medical.fever", "is": True}, {"medical.fever": False}, False),
        ({"field": "history_days", "lte": 2, "if_unknown": True}, {}, True),
        (
            {"all": [{"field": "pain", "in": ["severe"]}, {"field": "age", "gte": 60}]},
            {"pain": "severe"},
            None,
        ),
        (
            {"all": [{"field": "pain", "in": ["severe"]}, {"field": "age", "gte": 60}]},
            {"pain": "mild"},
            False,
        ),
        (
            {"any": [{"field": "pain", "in": ["severe"]}, {"field": "age", "gte": 60}]},
            {"age": 70},
            True,
        ),
        (
            {"any": [{"field": "pain", "in": ["severe"]}, {"field": "age", "gte": 60}]},
            {"age": 20},
            None,
        ),
        ({"not": {"field": "medical.fever", "is": True}}, {}, None),
        ({"field": "age", "known": False}, {}, True),
        ({"field": "locations", "any_of": ["calf"]}, {"locations": []}, False),
    ],
)
def test_rules_use_three_valued_logic(
    condition: dict[str, Any], values: dict[str, Any], expected: bool | None
) -> None:
    answers: dict[str, Any] = {}
    for path, value in values.items():
        group, _, name = path.rpartition(".")
        (answers.setdefault(group, {}) if group else answers)[name] = value
    flat = flatten(Answers.model_validate(answers))
    assert compile_condition(Condition.model_validate(condition))(flat) is expected


leaf_conditions = st.one_of(
    st.builds(
        lambda sign, expected, unknown: (
            {"field": f"medical.{sign}", "is": expected}
            | ({"if_unknown": unknown} if unknown is not None else {})
        ),
        st.sampled_from(WARNING_FIELDS),
        st.booleans(),
        maybe(st.booleans()),
    ),
    st.builds(
        lambda values: {"field": "pain", "in": values},
        st.lists(choice(contract.Pain), min_size=1, unique=True),
    ),
    st.builds(
        lambda values: {"field": "locations", "any_of": values},
        st.lists(choice(contract.Region), min_size=1, max_size=4, unique=True),
    ),
    st.builds(
        lambda op, bound, unknown: (
            {"field": "age", op: bound} | ({"if_unknown": unknown} if unknown is not None else {})
        ),
        st.sampled_from(["gte", "gt", "lte", "lt"]),
        st.integers(0, 120),
        maybe(st.booleans()),
    ),
    st.builds(lambda known: {"field": "history_days", "known": known}, st.booleans()),
    st.builds(
        lambda kinds: {"field": "kind", "in": kinds},
        st.lists(st.sampled_from(["twitch", "spasm", "both", "unclear"]), min_size=1),
    ),
)
conditions = st.recursive(
    leaf_conditions,
    lambda inner: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda parts: {"any": parts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda part: {"not": part}, inner),
    ),
    max_leaves=8,
)


@PROPERTY
@given(
    condition=conditions,
    answers=any_answers,
    kind=st.sampled_from(["twitch", "spasm", "both", "unclear"]),
)
def test_the_fast_rule_compiler_agrees_with_the_reference(
    condition: dict[str, Any], answers: dict[str, Any], kind: str
) -> None:
    from myoguide.conditions import (
        compile_groups,
        compile_selector,
        compile_unknown,
        compile_verdicts,
    )

    parsed = Condition.model_validate(condition)
    negated = Condition.model_validate({"not": condition})
    values = flatten(Answers.model_validate(answers)) | {"kind": kind}
    truth = compile_condition(parsed)(values)
    select = compile_selector([parsed, negated])
    assert select(values) == tuple(i for i, held in enumerate([True, False]) if truth is held)
    # The one-pass three-valued compiler: held, and undecided (neither holds nor fails).
    unknown = () if truth is not None else (0, 1)
    assert compile_verdicts([parsed, negated])(values) == (select(values), unknown)
    # Groups of rules behind a gate (a cause, a rule-out), with the answers they quote.
    found = compile_groups([(parsed, [negated, parsed], ["age"]), (negated, [parsed], [])])(values)
    expected = [(0, (1,), (values["age"],))] if truth is True else []
    assert found == expected + ([(1, (), ())] if truth is False else [])
    fields = ["age", "pain", "medical.fever"]
    bits = compile_unknown(fields)(values)
    assert [bool(bits >> i & 1) for i in range(3)] == [values[f] is None for f in fields]


@PROPERTY
@given(answers=any_answers)
def test_the_unanswered_questions_are_those_a_plain_reading_of_the_rules_gives(
    answers: dict[str, Any], knowledge: Knowledge
) -> None:
    """The engine's fast path (one three-valued pass, answers as bits) against the rules
    read one by one with the reference evaluator."""
    result = assess(answers)
    values = flatten(Answers.model_validate(answers)) | {"kind": result.kind}
    assert result.triage.unanswered == reference_unanswered(knowledge, values)
    assert [reason.id for reason in result.triage.reasons] == [
        sign.id
        for sign in sorted(knowledge.warning_signs, key=lambda sign: -RANK[sign.level])
        if compile_condition(sign.when)(values) is True
    ]


def reference_unanswered(knowledge: Knowledge, values: dict[str, Any]) -> tuple[str, ...]:
    """Unknown answers that leave open a warning sign above the level reached: for each open
    sign, the unknown ones among the first of its groups of answers that has any (the
    warning-sign questions and follow-ups that apply, the follow-ups that do not, the rest),
    the most urgent sign's first, each in questionnaire order."""
    signs = knowledge.warning_signs
    truth = [compile_condition(sign.when)(values) for sign in signs]
    reached = max((RANK[s.level] for s, t in zip(signs, truth, strict=True) if t), default=0)
    questions = knowledge.questions.questions
    order = {q.id: index for index, q in enumerate(questions)}
    core = {q.id for q in questions if q.warning_sign and q.ask_if is None}
    follow_ups = {q.id for q in questions if q.warning_sign and q.ask_if is not None}
    applying = {
        q.id for q in questions if q.id in follow_ups and compile_condition(q.ask_if)(values)
    }
    other = {q.id for q in questions if not q.warning_sign}
    urgency: dict[str, int] = {}
    for sign, held in zip(signs, truth, strict=True):
        if held is not None or RANK[sign.level] <= reached:
            continue
        reads = sign.when.fields()
        groups = (reads & (core | applying), reads & (follow_ups - applying), reads & other)
        unknown = next(
            (found for g in groups if (found := {f for f in g if values[f] is None})), set()
        )
        for field in unknown:
            urgency[field] = max(urgency.get(field, 0), RANK[sign.level])
    return tuple(sorted(urgency, key=lambda field: (-urgency[field], order[field])))


# --- A small solver: answers for which a rule holds ---------------------------------------

KIND_SENSATION = {"twitch": "jumping", "spasm": "cramping", "both": "both", "unclear": "unsure"}
FIELD_TYPES: dict[str, Any] = {
    **answer_paths(),
    "kind": Literal["twitch", "spasm", "both", "unclear"],
}


Choices = dict[str, list[Any]]


def leaves(rule: Condition) -> Iterator[Condition]:
    if rule.field is not None:
        yield rule
    for part in rule.all_ or rule.any_ or ([rule.not_] if rule.not_ else []):
        yield from leaves(part)


def options(rule: Condition) -> Choices:
    """The values worth trying for each answer: every choice, or numbers around each bound."""
    found: Choices = {}
    for leaf in leaves(rule):
        assert leaf.field is not None
        values = found.setdefault(leaf.field, [])
        for arg in (FIELD_TYPES[leaf.field], *get_args(FIELD_TYPES[leaf.field])):
            if arg is bool:
                values += [True, False]
            elif get_origin(arg) is Literal:
                values += list(get_args(arg))
            elif get_origin(arg) is list:
                values += [[choice] for choice in get_args(get_args(arg)[0])] + [[]]
        for bound in (leaf.gte, leaf.gt, leaf.lte, leaf.lt):
            if bound is not None:
                values += [bound, bound + 1, bound - 1, bound + 0.5, bound - 0.5]
        if not values:
            values.append(1)  # a number for `known` tests
    return {field: [*values, None] for field, values in found.items()}


def solve(
    rule: Condition, holds: bool, partial: dict[str, Any], choices: Choices
) -> Iterator[dict[str, Any]]:
    """Assignments extending `partial` for which `rule` comes out as `holds` (not unknown)."""
    if rule.not_ is not None:
        yield from solve(rule.not_, not holds, partial, choices)
        return
    parts = rule.all_ if rule.all_ is not None else rule.any_
    if parts is not None:
        if (rule.all_ is not None) == holds:
            yield from every(parts, holds, partial, choices)
        else:
            for part in parts:
                yield from solve(part, holds, partial, choices)
        return
    assert rule.field is not None
    test = compile_condition(rule)
    tried = [partial[rule.field]] if rule.field in partial else choices[rule.field]
    if isinstance(partial.get(rule.field), list):
        # A list answer can hold more than one choice ("calf" and "eyelid").
        tried += [partial[rule.field] + extra for extra in choices[rule.field] if extra]
    for value in tried:
        if test({rule.field: value}) is holds:
            yield {**partial, rule.field: value}


def every(
    parts: list[Condition], holds: bool, partial: dict[str, Any], choices: Choices
) -> Iterator[dict[str, Any]]:
    if not parts:
        yield partial
        return
    for found in solve(parts[0], holds, partial, choices):
        yield from every(parts[1:], holds, found, choices)


def answers_where(rule: Condition, wanted: Callable[[Assessment], bool]) -> dict[str, Any] | None:
    """Answers for which the rule holds and the assessment shows what is wanted."""
    for tries, assignment in enumerate(solve(rule, True, {}, options(rule))):
        if tries > 2000:
            break
        answers: dict[str, Any] = {}
        for field, value in assignment.items():
            if field == "kind":
                answers.setdefault("sensation", KIND_SENSATION[value])
            elif value is not None:
                set_answer(answers, field, value)
        try:
            result = assess(answers)
        except ValidationError:
            continue
        if wanted(result):
            return answers
    return None


def fired(result: Assessment, sign_id: str) -> bool:
    return sign_id in [reason.id for reason in result.triage.reasons]


def rendered(text: str) -> re.Pattern[str]:
    """A reason as shown: `{value}` filled with the person's number."""
    return re.compile(re.escape(text).replace(re.escape("{value}"), r"\d+(?:\.\d+)?"))


def shown_texts(result: Assessment, knowledge: Knowledge) -> list[str]:
    """Every piece of text a person can see: the contract's strings, and the Markdown."""
    found: list[str] = [assessment_markdown(result, knowledge)]

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(result.model_dump(mode="json"))
    return found


def every_clue(
    knowledge: Knowledge,
) -> Iterator[tuple[str, Condition, Callable[[Assessment], bool]]]:
    """Each rule with a reason, the answers to look for, and where its reason must show."""
    for number, rule in enumerate(knowledge.kinds.inference):
        shape = rendered(rule.why)
        yield f"kind {number}", rule.when, lambda r, s=shape: bool(s.search(r.kind_explanation))
    for factor in knowledge.factors:
        direct = Condition.model_validate({"any": [e.when for e in factor.evidence if e.is_direct]})
        for number, evidence in enumerate(factor.evidence):
            shape = rendered(evidence.why)
            rule = Condition.model_validate({"all": [evidence.when, direct]})

            def shows(r: Assessment, s: re.Pattern[str] = shape, f: str = factor.id) -> bool:
                found = [x for x in r.factors if x.id == f]
                return any(s.fullmatch(why) for x in found for why in (*x.why, *x.against))

            yield f"{factor.id} {number}", rule, shows
    for entry in knowledge.rule_outs:
        for number, trigger in enumerate(entry.triggers):
            shape = rendered(trigger.why)

            def lists(r: Assessment, s: re.Pattern[str] = shape, e: str = entry.id) -> bool:
                return any(s.fullmatch(why) for x in r.rule_out if x.id == e for why in x.why)

            yield f"{entry.id} {number}", trigger.when, lists
    for sign in knowledge.warning_signs:
        yield sign.id, sign.when, lambda r, i=sign.id: fired(r, i)


def test_every_reason_renders_with_the_persons_answers(knowledge: Knowledge) -> None:
    """Every clue, reason and warning sign shows, with {value} filled and no brace left."""
    results = []
    for name, rule, shows in every_clue(knowledge):
        answers = answers_where(rule, shows)
        if answers is None:
            # Only a reason that can never show (its rule contradicts the direct evidence).
            found = next(solve(rule, True, {}, options(rule)), None)
            assert found is None, f"{name}: it holds for {found}, but its reason never shows"
            continue
        results.append(assess(answers))
    results += [
        assess({}),
        assess(
            {
                "sensation": "jumping",
                "pain": "severe",
                "movement_limited": True,
                "episode_length": "over_10_minutes",
            }
        ),
        # Chemicals with no sign of poisoning: the advice to protect yourself shows.
        assess(
            {"sensation": "cramping", "history_days": 10, "factors": {"chemical_exposure": True}}
        ),
    ]
    for result in results:
        for text in shown_texts(result, knowledge):
            assert "{" not in text and "}" not in text, text
    shown_care = {item.id for result in results for item in result.care_plan}
    assert shown_care == {item.id for item in knowledge.care_plan}


# --- Advice fits the answers ---------------------------------------------------------------


def test_advice_about_a_sign_is_left_out_when_the_sign_is_there(knowledge: Knowledge) -> None:
    """ "Call 999 if you become short of breath" is not said to someone who already is."""
    advice = [(sign, item) for sign in knowledge.warning_signs for item in sign.advice]
    assert len(advice) >= 5
    for sign, item in advice:
        shows = lambda r, i=sign.id: fired(r, i)  # noqa: E731
        present = Condition.model_validate({"all": [sign.when, item.unless]})
        answers = answers_where(present, shows)
        assert answers is not None, sign.id
        result = assess(answers)
        assert all(item.text not in t for t in shown_texts(result, knowledge)), answers
        assert RANK[result.triage.level] > RANK[sign.level], "a higher sign says what to do"
        absent = Condition.model_validate({"all": [sign.when, {"not": item.unless}]})
        answers = answers_where(absent, shows)
        assert answers is not None, sign.id
        reason = next(r for r in assess(answers).triage.reasons if r.id == sign.id)
        assert reason.text.endswith(item.text), answers


def test_an_emergency_for_breathing_does_not_say_if_you_become_short_of_breath() -> None:
    clot = {
        "sensation": "cramping",
        "locations": ["calf"],
        "medical": {"calf_swelling_redness_warmth": True},
    }
    alone = assess(clot).triage
    assert alone.level == "see_doctor_soon"
    assert any("short of breath" in reason.text for reason in alone.reasons)
    breathless = assess(with_medical(clot, breathing_difficulty=True)).triage
    assert breathless.level == "emergency"
    said = [breathless.action, *(reason.text for reason in breathless.reasons)]
    assert not any("if you become short of breath" in text for text in said)
    assert "deep_vein_thrombosis" in [
        r.id for r in assess(with_medical(clot, breathing_difficulty=True)).rule_out
    ]


def test_the_swollen_calf_is_urgent_without_contradicting_its_level(knowledge: Knowledge) -> None:
    result = assess({"medical": {"calf_swelling_redness_warmth": True}})
    assert result.triage.level == "see_doctor_soon"
    label = knowledge.meta.triage_levels["see_doctor_soon"].label
    assert "day or two" in label
    (reason,) = result.triage.reasons
    assert "urgent appointment" in reason.text
    assert "appointment today" not in reason.text


@pytest.mark.parametrize("kind", ["cramping", "jumping", "unsure", None])
def test_two_weeks_advice_fits_how_long_it_has_lasted(kind: str | None) -> None:
    for days in (0, 5, 13, 14, 21, 400, None):
        answers = drop_none({"sensation": kind, "history_days": days, "frequency": "occasional"})
        triage = assess(answers).triage
        said = " ".join([triage.action, *(reason.text for reason in triage.reasons)])
        if days is not None and days > 14:
            assert "if it lasts more than" not in said, answers
            assert "more than two weeks" in said, answers
        elif triage.level == "self_care":
            assert "if it lasts more than about two weeks" in said, answers


def test_cramps_for_three_weeks_are_told_when_to_see_a_doctor() -> None:
    triage = assess({"sensation": "cramping", "history_days": 21, "frequency": "occasional"}).triage
    assert triage.level == "self_care"
    assert "already gone on for more than two weeks" in triage.action
    assert "if it lasts more than" not in triage.action
