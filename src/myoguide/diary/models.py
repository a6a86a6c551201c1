"""The diary's data as validated models: episodes and daily factors (shared by every adapter)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..answers import Region

DiaryKind = Literal["twitch", "spasm"]
Exercise = Literal["none", "light", "heavy"]
WarningSign = Literal[
    "weakness",
    "muscle_wasting",
    "spreading",
    "speech_or_swallowing_difficulty",
    "breathing_difficulty",
    "loss_of_voluntary_control",
    "numbness_or_tingling",
    "calf_swelling_redness_warmth",
    "dark_urine",
    "recent_head_injury",
    "tremor_or_rigidity",
    "fever",
    "severe_headache",
]
"""Warning signs a person can note with an episode: the contract's `medical` answers of the
same names, so the engine can triage an episode that carries one."""

BUILT_IN_FACTORS = (
    "caffeine_cups",
    "sleep_hours",
    "stress",
    "water_glasses",
    "exercise",
    "nicotine",
    "alcohol_units",
)

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class EpisodeIn(BaseModel):
    """One twitch or spasm as logged."""

    model_config = _STRICT

    at: dt.datetime = Field(description="When it happened, with its UTC offset.")
    kind: DiaryKind
    regions: list[Region] = Field(min_length=1)
    intensity: int = Field(ge=0, le=10)
    duration_s: int | None = Field(None, ge=0, le=7 * 24 * 3600)
    note: str = Field("", max_length=2000)
    warning_signs: list[WarningSign] = Field(
        default_factory=list,
        description="Warning signs noticed with this episode (empty: none noted).",
    )

    @field_validator("at")
    @classmethod
    def _timezone_aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("needs a time zone (for example 2026-11-22T08:30:00+00:00)")
        return value

    @field_validator("regions", "warning_signs")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class Episode(EpisodeIn):
    id: int


class DayIn(BaseModel):
    """The factors of one day. A blank (None) factor was not logged, never "zero"."""

    model_config = _STRICT

    date: dt.date
    caffeine_cups: float | None = Field(None, ge=0, le=100)
    sleep_hours: float | None = Field(None, ge=0, le=24)
    stress: int | None = Field(None, ge=0, le=10)
    water_glasses: float | None = Field(None, ge=0, le=100)
    exercise: Exercise | None = None
    nicotine: bool | None = None
    alcohol_units: float | None = Field(None, ge=0, le=100)
    medications: list[str] = Field(default_factory=list, max_length=50)
    custom: dict[str, float | bool | None] = Field(
        default_factory=dict,
        max_length=50,
        description="Your own factors by name (1 to 60 characters, not a built-in's name).",
        json_schema_extra={
            "propertyNames": {
                "minLength": 1,
                "maxLength": 60,
                "pattern": r"\S",
                "not": {"enum": list(BUILT_IN_FACTORS)},
            }
        },
    )

    @field_validator("custom")
    @classmethod
    def _custom_names(cls, value: dict[str, float | bool | None]) -> dict[str, float | bool | None]:
        for name in value:
            if not name.strip() or len(name) > 60:
                raise ValueError("a custom factor needs a name of 1 to 60 characters")
            if name in BUILT_IN_FACTORS:
                raise ValueError(f"{name!r} is a built-in factor, not a custom one")
        return value


class Day(DayIn):
    pass
