"""The diary's data as validated models: episodes and daily factors (shared by every adapter)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

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

CLOCK_SKEW = dt.timedelta(minutes=10)
"""How far ahead of this computer's clock an episode's time may be: the phone or computer that
sent it may run a few minutes fast. A time beyond it is a typo, never a real episode."""
EARLIEST_OFFSET = dt.timedelta(hours=14)
"""The time zone furthest ahead (UTC+14): a date is in the future only if it has not begun
anywhere on Earth yet, so nobody is refused their own today."""


def _now_of(info: ValidationInfo) -> dt.datetime:
    """The time to check against: `now` in the validation context (a test's clock), else
    this computer's clock."""
    context = info.context if isinstance(info.context, dict) else {}
    given = context.get("now")
    return given if isinstance(given, dt.datetime) else dt.datetime.now(dt.UTC)


def latest_today(now: dt.datetime) -> dt.date:
    """The latest date that is today somewhere on Earth."""
    return (now.astimezone(dt.UTC) + EARLIEST_OFFSET).date()


def future_time_problem(at: dt.datetime, now: dt.datetime) -> str | None:
    """Why an episode cannot have happened at `at`, if it lies in the future."""
    if at > now + CLOCK_SKEW:
        return f"{at.isoformat()} is later than now: give a time that has already happened"
    return None


def future_date_problem(date: dt.date, now: dt.datetime) -> str | None:
    """Why a day cannot be logged yet, if it has not begun anywhere."""
    if date > latest_today(now):
        return f"{date.isoformat()} has not come yet: give today or an earlier day"
    return None


class EpisodeIn(BaseModel):
    """One twitch or spasm as logged."""

    model_config = _STRICT
    checks_the_clock: ClassVar[bool] = True
    """New input must not lie in the future; a stored episode was checked when written."""

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
    def _timezone_aware(cls, value: dt.datetime, info: ValidationInfo) -> dt.datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("needs a time zone (for example 2026-11-22T08:30:00+00:00)")
        problem = future_time_problem(value, _now_of(info)) if cls.checks_the_clock else None
        if problem:
            raise PydanticCustomError("in_the_future", problem)
        return value

    @field_validator("regions", "warning_signs")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class Episode(EpisodeIn):
    checks_the_clock: ClassVar[bool] = False

    id: int


class DayIn(BaseModel):
    """The factors of one day. A blank (None) factor was not logged, never "zero"."""

    model_config = _STRICT
    checks_the_clock: ClassVar[bool] = True
    """New input must not lie in the future; a stored day was checked when written."""

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

    @field_validator("date")
    @classmethod
    def _not_in_the_future(cls, value: Any, info: ValidationInfo) -> Any:
        if cls.checks_the_clock and isinstance(value, dt.date):
            problem = future_date_problem(value, _now_of(info))
            if problem:
                raise PydanticCustomError("in_the_future", problem)
        return value

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
    checks_the_clock: ClassVar[bool] = False
