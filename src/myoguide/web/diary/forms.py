"""Reading the diary's HTML forms into the diary's models, with messages a person can act on."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from ...diary.models import DayIn, Episode, EpisodeIn
from ...diary.replies import ReplyError, read_amount, read_scale
from ...errors import field_problems
from ...i18n import ENGLISH, N_, gettext_for

Form = Mapping[str, Sequence[str]]
Problems = dict[str, str]

QUICK_REGIONS = ("eyelid", "calf", "foot", "thigh", "hand", "face")
# Plainer words than the validator's for the choices a person makes by tapping.
FRIENDLY = {
    "kind": N_("Choose twitch or spasm."),
    "regions": N_("Choose where in the body (at least one place)."),
    "intensity": N_("Choose how strong it was, from 0 to 10."),
    "exercise": N_("Choose none, light or heavy exercise."),
    "warning_signs": N_("Choose only from the signs listed."),
}
# Plainer words for problems that depend on what was typed, not only on the field.
FRIENDLY_PROBLEMS = {
    ("at", "in_the_future"): N_(
        "That time is later than now. Give a time that has already happened."
    ),
    ("date", "in_the_future"): N_("That day has not come yet. Give today or an earlier day."),
    ("at", "datetime_out_of_range"): N_("That time cannot be stored. Give the real date and time."),
    ("note", "text_unstorable"): N_(
        "Your note holds a character that cannot be stored (a NUL, or half of an emoji). Remove"
        " it and save again."
    ),
    ("medications", "text_unstorable"): N_(
        "A medicine's name holds a character that cannot be stored. Remove it and save again."
    ),
    ("note", "string_too_long"): N_(
        "Your note is too long: at most {max_length} characters (it has {length}). Shorten"
        " it and save again."
    ),
}
DAY_NUMBERS = ("sleep_hours", "caffeine_cups", "stress", "water_glasses", "alcohol_units")


def first(form: Form, name: str) -> str:
    values = form.get(name) or [""]
    return values[-1].strip()


def zone_of(form: Form, fallback: dt.tzinfo) -> dt.tzinfo:
    """The person's UTC offset, from the field the page's script fills in."""
    text = first(form, "utc_offset")
    try:
        minutes = int(text)
    except ValueError:
        return fallback
    if not -16 * 60 < minutes < 16 * 60:
        return fallback
    return dt.timezone(dt.timedelta(minutes=minutes))


def read_episode(
    form: Form, zone: dt.tzinfo, language: str = ENGLISH
) -> tuple[EpisodeIn | None, Problems]:
    """An episode from a form, or the problems with it in `language`."""
    problems: Problems = {}
    at = _moment(first(form, "at"), zone, problems, language)
    duration = _minutes(first(form, "duration_min"), problems, language)
    data: dict[str, Any] = {
        "at": at,
        "kind": first(form, "kind"),
        "regions": [value for value in form.get("regions", []) if value],
        "intensity": first(form, "intensity"),
        "duration_s": duration,
        "note": first(form, "note"),
        "warning_signs": [value for value in form.get("warning_signs", []) if value],
    }
    if problems:
        return None, problems
    try:
        return EpisodeIn.model_validate(data), {}
    except ValidationError as error:
        return None, _messages(error, language)


def read_day(
    form: Form, date: dt.date, *, full: bool, language: str = ENGLISH
) -> tuple[DayIn | None, Problems]:
    """A day from a form. `full` (the day's own page) sets blanks to "not logged"; the quick
    form changes only what was filled in."""
    data: dict[str, Any] = {"date": date}
    problems: Problems = {}
    for name in DAY_NUMBERS:
        value = first(form, name)
        if value or full:
            data[name] = _number(name, value, problems, language) if value else None
    for name, choices in (("exercise", {"none", "light", "heavy"}), ("nicotine", {"yes", "no"})):
        value = first(form, name)
        if value in choices:
            data[name] = value == "yes" if name == "nicotine" else value
        elif full:
            data[name] = None
    if full:
        text = first(form, "medications")
        # A semicolon separates too: it is the CSV's separator, so no name can hold one.
        data["medications"] = [m.strip() for m in re.split("[,;]", text) if m.strip()]
    try:
        day = DayIn.model_validate(data)
    except ValidationError as error:
        return None, {**_messages(error, language), **problems}
    return (None, problems) if problems else (day, {})


def episode_values(episode: Episode) -> dict[str, Any]:
    """The form's fields filled in from a saved episode."""
    offset = episode.at.utcoffset() or dt.timedelta()
    return {
        "kind": episode.kind,
        "regions": list(episode.regions),
        "intensity": str(episode.intensity),
        "at": episode.at.strftime("%Y-%m-%dT%H:%M"),
        "utc_offset": str(int(offset.total_seconds() // 60)),
        "duration_min": "" if episode.duration_s is None else f"{episode.duration_s / 60:g}",
        "note": episode.note,
        "warning_signs": list(episode.warning_signs),
    }


def form_values(form: Form) -> dict[str, Any]:
    """What was sent, to show again beside the problems."""
    values: dict[str, Any] = {name: first(form, name) for name in form if name != "csrf_token"}
    values["regions"] = list(form.get("regions", []))
    values["warning_signs"] = list(form.get("warning_signs", []))
    return values


def _moment(text: str, zone: dt.tzinfo, problems: Problems, language: str) -> dt.datetime:
    now = dt.datetime.now(zone).replace(second=0, microsecond=0)
    if not text:
        return now
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=zone)
    except ValueError:
        _ = gettext_for(language)
        problems["at"] = _("Give the date and time like 2026-11-22 08:30.")
        return now


def _minutes(text: str, problems: Problems, language: str) -> int | None:
    if not text:
        return None
    _ = gettext_for(language)
    try:
        minutes = float(text)
    except ValueError:
        problems["duration_min"] = _("Give the length in minutes, as a number.")
        return None
    if not 0 <= minutes <= 7 * 24 * 60:
        problems["duration_min"] = _("Give a length between 0 minutes and 7 days.")
        return None
    return round(minutes * 60)


def _number(name: str, text: str, problems: Problems, language: str) -> float | None:
    """A number as people type it ("6,5", "7/10", "3 cups"); the model checks its range."""
    try:
        return read_scale(text) if name == "stress" else read_amount(text, most=float("inf"))
    except ReplyError as error:
        problems[name] = gettext_for(language)(str(error)).capitalize() + "."
        return None


def _messages(error: ValidationError, language: str) -> Problems:
    _ = gettext_for(language)
    found: Problems = {}
    problems = field_problems(error, language=language)
    for item, problem in zip(error.errors(), problems, strict=True):
        name = re.split(r"[.\[]", problem.field)[0] or "form"
        text = FRIENDLY_PROBLEMS.get((name, item["type"]))
        if text is not None:
            value = item.get("input")
            context = {**item.get("ctx", {}), "length": len(value) if isinstance(value, str) else 0}
            found.setdefault(name, _(text).format(**context))
        friendly = FRIENDLY.get(name)
        found.setdefault(name, _(friendly) if friendly else problem.message.capitalize() + ".")
    return found
