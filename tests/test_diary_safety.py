"""What a warning sign noted with a diary episode means: the check's triage, never lower."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myoguide import Knowledge
from myoguide.answers import Medical, Region
from myoguide.assessment import TRIAGE_ORDER
from myoguide.cli.diary import WARNING_SIGNS as CLI_CHOICES
from myoguide.diary.models import EpisodeIn, WarningSign
from myoguide.diary.safety import (
    SIGN_NAMES,
    WARNING_SIGNS,
    episode_answers,
    episode_triage,
    reported_signs,
)
from myoguide.engine import default_engine

AT = dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
RANK = {level: rank for rank, level in enumerate(TRIAGE_ORDER)}


def episode(**changes: Any) -> EpisodeIn:
    data: dict[str, Any] = {"at": AT, "kind": "twitch", "regions": ["eyelid"], "intensity": 3}
    return EpisodeIn.model_validate({**data, **changes})


def test_every_sign_is_a_medical_answer_with_a_name() -> None:
    assert get_args(WarningSign) == WARNING_SIGNS
    assert set(WARNING_SIGNS) <= set(Medical.model_fields)
    assert list(SIGN_NAMES) == list(WARNING_SIGNS)
    assert all(name and name[0].isupper() for name in SIGN_NAMES.values())
    assert CLI_CHOICES == WARNING_SIGNS  # the CLI repeats them to start up fast


def test_an_episode_answers_only_what_it_knows() -> None:
    answers = episode_answers(
        episode(kind="spasm", regions=["calf", "foot"], duration_s=90, warning_signs=["fever"])
    )
    assert answers.model_dump(exclude_defaults=True) == {
        "sensation": "cramping",
        "locations": ["calf", "foot"],
        "episode_length": "minutes",
        "medical": {"fever": True},
    }
    twitch = episode_answers(episode())
    assert twitch.sensation == "jumping"
    assert twitch.episode_length is None
    # Not noted is unknown, never "no".
    assert all(value is None for value in twitch.medical.model_dump().values())


@pytest.mark.parametrize(
    ("seconds", "length"),
    [
        (0, "seconds"),
        (59, "seconds"),
        (60, "minutes"),
        (600, "minutes"),
        (601, "over_10_minutes"),
        (3599, "over_10_minutes"),
        (3600, "hours"),
    ],
)
def test_the_length_of_an_episode(seconds: int, length: str) -> None:
    assert episode_answers(episode(duration_s=seconds)).episode_length == length


def test_an_everyday_episode_raises_no_alarm() -> None:
    assert episode_triage(episode()) is None
    assert episode_triage(episode(kind="spasm", regions=["calf"], duration_s=90)) is None


def test_an_episode_can_need_a_doctor_without_a_noted_sign() -> None:
    # The check says the same of a cramp in the chest, or of one lasting over 10 minutes.
    chest = episode_triage(episode(kind="spasm", regions=["chest"], duration_s=30))
    assert chest is not None
    assert chest.level == "see_doctor_soon"
    assert chest.signs == ()
    assert "chest_or_belly_pain" in [reason.id for reason in chest.reasons]
    long_cramp = episode_triage(episode(kind="spasm", regions=["calf"], duration_s=20 * 60))
    assert long_cramp is not None
    assert "long_cramp" in [reason.id for reason in long_cramp.reasons]


def test_trouble_breathing_is_an_emergency() -> None:
    triage = episode_triage(episode(warning_signs=["breathing_difficulty"]))
    assert triage is not None
    assert triage.level == "emergency"
    assert triage.label.startswith("Emergency")
    assert "emergency number" in triage.action
    assert [reason.id for reason in triage.reasons] == ["breathing_difficulty"]
    assert triage.signs == ("breathing_difficulty",)
    assert triage.knowledge_version == default_engine().knowledge.version


def test_weakness_needs_a_doctor_soon() -> None:
    triage = episode_triage(episode(warning_signs=["weakness"]))
    assert triage is not None
    assert triage.level == "see_doctor_soon"
    assert "weakness" in [reason.id for reason in triage.reasons]


def test_what_the_episode_knows_counts_too() -> None:
    long_cramp = episode(
        kind="spasm", regions=["calf"], duration_s=20 * 60, warning_signs=["fever"]
    )
    triage = episode_triage(long_cramp)
    assert triage is not None
    assert {"fever", "long_cramp"} <= {reason.id for reason in triage.reasons}
    assert triage.level == "see_doctor_soon"


@pytest.mark.parametrize("sign", WARNING_SIGNS)
def test_each_sign_is_never_lower_than_its_warning_sign_rule(
    knowledge: Knowledge, sign: WarningSign
) -> None:
    own_rules = [
        rule for rule in knowledge.warning_signs if rule.when.fields() == {f"medical.{sign}"}
    ]
    assert own_rules, f"no rule in warning_signs.yaml reads medical.{sign} alone"
    for kind in ("twitch", "spasm"):
        triage = episode_triage(episode(kind=kind, warning_signs=[sign]))
        assert triage is not None
        for rule in own_rules:
            assert RANK[triage.level] >= RANK[rule.level], (sign, kind, rule.id)
            assert rule.id in [reason.id for reason in triage.reasons]


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["twitch", "spasm"]),
    regions=st.lists(st.sampled_from(get_args(Region)), min_size=1, max_size=3, unique=True),
    duration_s=st.none() | st.integers(0, 7 * 24 * 3600),
    signs=st.lists(st.sampled_from(WARNING_SIGNS), min_size=1, max_size=4, unique=True),
)
def test_what_the_episode_adds_never_lowers_the_level(
    kind: str, regions: list[str], duration_s: int | None, signs: list[str]
) -> None:
    triage = episode_triage(
        episode(kind=kind, regions=regions, duration_s=duration_s, warning_signs=signs)
    )
    assert triage is not None
    signs_alone = default_engine().assess({"medical": dict.fromkeys(signs, True)})
    assert RANK[triage.level] >= RANK[signs_alone.triage.level] >= RANK["see_doctor"]


def test_the_signs_a_diary_holds() -> None:
    later = AT + dt.timedelta(days=9)
    found = reported_signs(
        [
            episode(warning_signs=["fever", "weakness"]),
            episode(),
            episode(at=later, warning_signs=["weakness"]),
            episode(at=AT - dt.timedelta(days=2), warning_signs=["weakness"]),
        ]
    )
    assert [(s.sign, s.episodes, s.first, s.last) for s in found] == [
        ("weakness", 3, dt.date(2026, 11, 18), dt.date(2026, 11, 29)),
        ("fever", 1, dt.date(2026, 11, 20), dt.date(2026, 11, 20)),
    ]
    assert found[0].name == "Muscle weakness"
    assert reported_signs([episode()]) == []
