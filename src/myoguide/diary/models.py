"""The diary's data as validated models: episodes and daily factors (shared by every adapter)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from ..answers import Region
from ..errors import HALF_CHARACTER, NUL_CHARACTER, Refused, refusal
from ..i18n import N_, Said

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


def text_problem(text: str) -> str | None:
    """Why this text cannot be kept and read back, if it cannot: a NUL character (PostgreSQL
    refuses it in text) or half of a character (a lone surrogate, which no UTF-8 encoder
    writes). The message never repeats the text: it may be private."""
    if "\x00" in text:
        return NUL_CHARACTER
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return HALF_CHARACTER
    return None


def _storable(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise refusal("text_unstorable", problem)
    return value


Text = Annotated[str, AfterValidator(_storable)]
"""Text a person types (a note, a medicine, a name): refused when it could not be stored and
read back (`text_problem`), so no adapter can commit what would make a diary unreadable."""

# The same rules in the JSON schema, for clients to check first (half a character cannot even
# be written in a schema's pattern; JSON text that holds one is refused all the same).
NO_NUL_PATTERN = r"^[^\u0000]*$"
MEDICINE_PATTERN = r"^[^;\u0000]*[^;\s\u0000][^;\u0000]*$"
CUSTOM_NAME_PATTERN = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"


_ISO_DATE = re.compile(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_8601(value: Any) -> Any:
    """A date or time sent as text is read only as ISO 8601: pydantic alone would also read a
    number, or text of digits ("0"), as seconds since 1970."""
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and not _ISO_DATE.match(value)
    ):
        raise refusal(
            "iso_8601", N_("give it as text like 2026-11-22 (a time: 2026-11-22T08:30:00+01:00)")
        )
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_8601)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_8601)]


def _out_of_range_problem(at: dt.datetime) -> str | None:
    """Why a moment cannot be stored, if its UTC time lies outside the years 1 to 9999."""
    try:
        at.astimezone(dt.UTC)
    except OverflowError:
        return N_("is outside the times a diary can hold (the years 1 to 9999, in UTC)")
    return None


def _now_of(info: ValidationInfo) -> dt.datetime:
    """The time to check against: `now` in the validation context (a test's clock), else
    this computer's clock."""
    context = info.context if isinstance(info.context, dict) else {}
    given = context.get("now")
    return given if isinstance(given, dt.datetime) else dt.datetime.now(dt.UTC)


def latest_today(now: dt.datetime) -> dt.date:
    """The latest date that is today somewhere on Earth."""
    return (now.astimezone(dt.UTC) + EARLIEST_OFFSET).date()


def future_time_said(at: dt.datetime, now: dt.datetime) -> Said | None:
    """Why an episode cannot have happened at `at`, if it lies in the future."""
    if at > now + CLOCK_SKEW:
        return Said(
            N_("{at} is later than now: give a time that has already happened"),
            {"at": at.isoformat()},
        )
    return None


def future_date_said(date: dt.date, now: dt.datetime) -> Said | None:
    """Why a day cannot be logged yet, if it has not begun anywhere."""
    if date > latest_today(now):
        return Said(
            N_("{date} has not come yet: give today or an earlier day"),
            {"date": date.isoformat()},
        )
    return None


class EpisodeIn(BaseModel):
    """One twitch or spasm as logged."""

    model_config = _STRICT
    checks_the_clock: ClassVar[bool] = True
    """New input must not lie in the future; a stored episode was checked when written."""
    stored: ClassVar[bool] = False
    """Read back from the store: its text was checked when written, so an older diary that
    holds what is now refused still opens."""

    at: IsoDateTime = Field(description="When it happened, with its UTC offset.")
    kind: DiaryKind
    regions: list[Region] = Field(min_length=1)
    intensity: int = Field(ge=0, le=10)
    duration_s: int | None = Field(None, ge=0, le=7 * 24 * 3600)
    note: str = Field("", max_length=2000, json_schema_extra={"pattern": NO_NUL_PATTERN})
    warning_signs: list[WarningSign] = Field(
        default_factory=list,
        description="Warning signs noticed with this episode (empty: none noted).",
    )

    @field_validator("at")
    @classmethod
    def _timezone_aware(cls, value: dt.datetime, info: ValidationInfo) -> dt.datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise Refused(N_("needs a time zone (for example 2026-11-22T08:30:00+00:00)"))
        if problem := _out_of_range_problem(value):
            raise refusal("datetime_out_of_range", problem)
        said = future_time_said(value, _now_of(info)) if cls.checks_the_clock else None
        if said:
            raise refusal("in_the_future", said.message, **said.values)
        return value

    @field_validator("regions", "warning_signs")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("note")
    @classmethod
    def _storable_note(cls, value: str) -> str:
        return value if cls.stored else _storable(value)


class Episode(EpisodeIn):
    checks_the_clock: ClassVar[bool] = False
    stored: ClassVar[bool] = True

    id: int


class DayIn(BaseModel):
    """The factors of one day. A blank (None) factor was not logged, never "zero"."""

    model_config = _STRICT
    checks_the_clock: ClassVar[bool] = True
    """New input must not lie in the future; a stored day was checked when written."""
    stored: ClassVar[bool] = False
    """Read back from the store: its text was checked when written (see `EpisodeIn`)."""

    date: IsoDate
    caffeine_cups: float | None = Field(None, ge=0, le=100)
    sleep_hours: float | None = Field(None, ge=0, le=24)
    stress: int | None = Field(None, ge=0, le=10)
    water_glasses: float | None = Field(None, ge=0, le=100)
    exercise: Exercise | None = None
    nicotine: bool | None = None
    alcohol_units: float | None = Field(None, ge=0, le=100)
    medications: list[Annotated[str, Field(json_schema_extra={"pattern": MEDICINE_PATTERN})]] = (
        Field(
            default_factory=list,
            max_length=50,
            description="Medicines taken (names without ';', trimmed).",
        )
    )
    custom: dict[str, float | bool | None] = Field(
        default_factory=dict,
        max_length=50,
        description="Your own factors by name (1 to 60 characters, not a built-in's name).",
        json_schema_extra={
            "propertyNames": {
                "minLength": 1,
                "maxLength": 60,
                "pattern": CUSTOM_NAME_PATTERN,
                "not": {"enum": list(BUILT_IN_FACTORS)},
            }
        },
    )

    @field_validator("date")
    @classmethod
    def _not_in_the_future(cls, value: Any, info: ValidationInfo) -> Any:
        if cls.checks_the_clock and isinstance(value, dt.date):
            said = future_date_said(value, _now_of(info))
            if said:
                raise refusal("in_the_future", said.message, **said.values)
        return value

    @field_validator("medications")
    @classmethod
    def _medicine_names(cls, value: list[str]) -> list[str]:
        """Names as the CSV gives them back: trimmed, not blank, without its separator."""
        if cls.stored:
            return value
        names = [_storable(medicine).strip() for medicine in value]
        if not all(names):
            raise refusal("medicine_blank", N_("a medicine needs a name"))
        if any(";" in name for name in names):
            raise refusal(
                "medicine_separator",
                N_("a medicine's name cannot hold ';' (it separates medicines in the CSV)"),
            )
        return names

    @field_validator("custom")
    @classmethod
    def _custom_names(cls, value: dict[str, float | bool | None]) -> dict[str, float | bool | None]:
        for name in value:
            if not cls.stored and (problem := text_problem(name)):
                raise refusal(
                    "text_unstorable", N_("a custom factor's name {problem}"), problem=Said(problem)
                )
            if not name.strip() or len(name) > 60:
                raise Refused(N_("a custom factor needs a name of 1 to 60 characters"))
            if name in BUILT_IN_FACTORS:
                raise Refused(N_("{name} is a built-in factor, not a custom one"), name=repr(name))
        return value


class Day(DayIn):
    checks_the_clock: ClassVar[bool] = False
    stored: ClassVar[bool] = True
