"""The input contract: what a person tells myoguide (CONTRACT.md §2).

Every field is optional and ``None`` means "not asked / unknown", never "no".
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

Sensation = Literal["jumping", "cramping", "both", "unsure"]
Region = Literal[
    "eyelid",
    "face",
    "neck",
    "shoulder",
    "shoulder_blade",
    "upper_back",
    "lower_back",
    "chest",
    "abdomen",
    "arm",
    "hand",
    "thumb",
    "hip",
    "thigh",
    "knee",
    "calf",
    "foot",
    "whole_body",
]
Pain = Literal["none", "mild", "moderate", "severe"]
EpisodeLength = Literal["seconds", "minutes", "over_10_minutes", "hours", "constant"]
Frequency = Literal["once", "occasional", "daily", "many_times_daily"]
Timing = Literal[
    "at_night",
    "on_waking",
    "during_exercise",
    "after_exercise",
    "after_sitting",
    "after_sudden_movement",
    "at_rest",
    "any_time",
]
StressLevel = Literal["low", "moderate", "high"]
Nutrient = Literal["magnesium", "potassium", "calcium", "sodium", "vitamin_b", "vitamin_d"]
Medication = Literal[
    "diuretic", "corticosteroid", "estrogen", "statin", "stimulant_medication", "other"
]
Condition = Literal[
    "hypothyroidism",
    "kidney_disease",
    "parkinsons",
    "diabetes",
    "muscular_dystrophy",
    "als",
    "pregnancy",
    "other",
]
FamilyCondition = Literal["muscular_dystrophy", "als", "spinal_muscular_atrophy"]
SignOnset = Literal["today", "days", "weeks"]

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


def _whole_number(value: object) -> object:
    """40.0 is the integer 40 in JSON (and in its schema); 40.5 stays an error."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


_WHOLE = BeforeValidator(_whole_number)


def _null_group_is_empty(value: object) -> object:
    return {} if value is None else value


def _group(model: type[BaseModel]) -> BeforeValidator:
    """A group of answers that may be null, meaning nothing in it was answered (the JSON
    schema says so too)."""
    return BeforeValidator(_null_group_is_empty, json_schema_input_type=model | None)


class Factors(BaseModel):
    """Lifestyle and exposures."""

    model_config = _STRICT

    caffeine_cups_per_day: float | None = Field(None, ge=0)
    other_stimulants: bool | None = None
    nicotine: bool | None = None
    stress: StressLevel | None = None
    sleep_hours: float | None = Field(None, ge=0, le=24)
    sleep_problems: bool | None = None
    water_glasses_per_day: float | None = Field(None, ge=0)
    heavy_exercise_recently: bool | None = None
    stretches_before_exercise: bool | None = None
    overuse_repetitive: bool | None = None
    recent_strain_or_injury: bool | None = None
    sudden_movement: bool | None = None
    prolonged_sitting: bool | None = None
    poor_posture: bool | None = None
    cramped_sleep_position: bool | None = None
    cold_exposure: bool | None = None
    chemical_exposure: bool | None = None
    poor_diet: bool | None = None
    known_deficiency: list[Nutrient] | None = None
    medications: list[Medication] | None = None
    circulation_problems: bool | None = None
    muscle_fatigue: bool | None = None


class Medical(BaseModel):
    """Warning signs and known conditions."""

    model_config = _STRICT

    weakness: bool | None = None
    muscle_wasting: bool | None = None
    spreading: bool | None = None
    speech_or_swallowing_difficulty: bool | None = None
    breathing_difficulty: bool | None = None
    loss_of_voluntary_control: bool | None = None
    persists_despite_changes: bool | None = None
    numbness_or_tingling: bool | None = None
    calf_swelling_redness_warmth: bool | None = None
    dark_urine: bool | None = None
    recent_head_injury: bool | None = None
    tremor_or_rigidity: bool | None = None
    fever: bool | None = None
    severe_headache: bool | None = None
    face_drooping: bool | None = None
    sign_onset: SignOnset | None = None
    tingling_around_mouth: bool | None = None
    fluid_loss: bool | None = None
    recent_wound: bool | None = None
    conditions: list[Condition] | None = None
    family_history: list[FamilyCondition] | None = None


class Answers(BaseModel):
    """Everything a person can tell myoguide. Absent fields are unknown."""

    model_config = _STRICT

    sensation: Sensation | None = None
    locations: list[Region] | None = None
    pain: Pain | None = None
    episode_length: EpisodeLength | None = None
    history_days: Annotated[int, Field(ge=0), _WHOLE] | None = None
    frequency: Frequency | None = None
    when: list[Timing] | None = None
    movement_limited: bool | None = None
    relieved_by_stretching: bool | None = None
    age: Annotated[int, Field(ge=0, le=120), _WHOLE] | None = None
    factors: Annotated[Factors, _group(Factors)] = Field(default_factory=Factors)
    medical: Annotated[Medical, _group(Medical)] = Field(default_factory=Medical)
