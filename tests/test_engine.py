"""The assessment engine: invariants (as hypothesis properties) and specific behaviour."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from myoguide import Answers, Assessment, Knowledge, assess
from myoguide import answers as contract
from myoguide.assessment import TRIAGE_ORDER
from myoguide.conditions import Condition, compile_condition, flatten
from myoguide.jsonout import assessment_json

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
    assert f"medical.{sign}" in result.triage.unanswered
    assert f"medical.{sign}" not in assess(said_no).triage.unanswered
    assert RANK[result.triage.level] >= level(said_no)


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
    factors["medications"] = [m for m in factors.get("medications", []) if m != "statin"]
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
    assert result.triage.level == "self_care"
    warning_questions = [q.id for q in knowledge.questions.questions if q.warning_sign]
    assert list(result.triage.unanswered) == warning_questions
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
        ({"sensation": "jumping", "history_days": 5}, "self_care"),
        ({"medical": {"spreading": True}}, "see_doctor"),
        ({"medical": {"conditions": ["pregnancy"]}}, "self_care"),
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
    """No rule is dead: each one fires for some answers that hypothesis finds quickly."""
    fired: set[str] = set()

    @settings(max_examples=2000, deadline=None, database=None)
    @given(answers=any_answers)
    def collect(answers: dict[str, Any]) -> None:
        fired.update(r.id for r in assess(answers).triage.reasons)

    collect()
    assert fired == {sign.id for sign in knowledge.warning_signs}


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
    from myoguide.conditions import compile_selector

    parsed = Condition.model_validate(condition)
    negated = Condition.model_validate({"not": condition})
    values = flatten(Answers.model_validate(answers)) | {"kind": kind}
    truth = compile_condition(parsed)(values)
    select = compile_selector([parsed, negated])
    assert select(values) == tuple(i for i, held in enumerate([True, False]) if truth is held)
