"""The diary as FHIR R4: a `collection` Bundle of Observations, and back again, losslessly.

Each episode is one Observation (code `episode`): `effectiveDateTime` is its time with the UTC
offset it was logged with, and a component each holds its kind, each place, the intensity,
the length and each warning sign noted; its note is the Observation's `note`. Each day is one
Observation (code `day`) whose `effectiveDateTime` is the date, with a component for each
factor logged (a factor not logged is left out, never zero), each medicine and each custom
factor (its name as the code's text).

Standard codes only where a public code system has one we can cite:
- category `survey` of http://terminology.hl7.org/CodeSystem/observation-category (FHIR R4);
- LOINC 93832-4 "Sleep duration", as HL7's Personal Health Record guide codes sleep logged
  by an app (value set http://hl7.org/fhir/uv/phr/ValueSet/pcd-sleep-observation-code);
- UCUM units (http://unitsofmeasure.org): `s`, `min`, `h`, and the annotations `{cup}`,
  `{glass}` and `{unit}` (UCUM's curly braces: a count of things, of the unit 1);
- `unknown` of http://terminology.hl7.org/CodeSystem/data-absent-reason, for a custom factor
  named on a day but not logged.
Everything else is coded in our own CodeSystem (`DIARY_SYSTEM`, `diary_code_system()`), whose
codes are the diary's own ids. Pure functions: no I/O, and nothing here logs what people wrote.

The displays and texts of our codes are in the language asked for (English by default; the
CodeSystem's ``language`` says which, and no Bundle claims one: a note is in the words its
writer chose); HL7's and LOINC's displays stay theirs. Reading goes by code only, so a
Bundle in any language reads the same.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, Literal, TypeVar, get_args

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.codesystem import CodeSystem, CodeSystemConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.quantity import Quantity
from pydantic import BaseModel, ValidationError

from ..answers import Region
from ..diary.models import DayIn, EpisodeIn, Exercise
from ..errors import FieldProblem, field_problems, json_reason, pydantic_message
from ..i18n import ENGLISH, N_, gettext_for

BASE = "https://myoguide.org/fhir/"
DIARY_SYSTEM_ID = "diary"
DIARY_SYSTEM = BASE + "CodeSystem/" + DIARY_SYSTEM_ID
OFFSET_EXTENSION = BASE + "StructureDefinition/utc-offset"
"""The UTC offset in seconds, when FHIR's dateTime cannot write it (it writes whole minutes,
up to 14 hours either way): `effectiveDateTime` is then given in UTC."""
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
LOINC = "http://loinc.org"
SLEEP_DURATION = "93832-4"
UCUM = "http://unitsofmeasure.org"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
READ_STATUSES = ("final", "amended", "corrected")
"""The statuses an imported Observation may have: data that holds (not an error, not a draft)."""

_SECONDS_IN = {"s": 1, "min": 60, "h": 3600}

M = TypeVar("M", bound=BaseModel)
ValueKind = Literal["code", "integer", "quantity", "seconds", "boolean", "string"]


@dataclass(frozen=True, slots=True)
class Part:
    """One kind of component: the model field it fills, how its value is written, and its
    UCUM unit (for a quantity)."""

    field: str
    value: ValueKind
    display: str
    many: bool = False
    unit: str = ""
    unit_text: str = ""


EPISODE_PARTS: dict[str, Part] = {
    "kind": Part("kind", "code", N_("Twitch or spasm")),
    "region": Part("regions", "code", N_("Where it was felt"), many=True),
    "intensity": Part("intensity", "integer", N_("How strong, 0 to 10")),
    "duration": Part("duration_s", "seconds", N_("How long it lasted")),
    "warning_sign": Part("warning_signs", "code", N_("A warning sign noticed with it"), many=True),
}
DAY_PARTS: dict[str, Part] = {
    "caffeine_cups": Part(
        "caffeine_cups",
        "quantity",
        N_("Cups of coffee, tea, cola or energy drink"),
        unit="{cup}",
        unit_text=N_("cups"),
    ),
    "sleep_hours": Part("sleep_hours", "quantity", N_("Hours of sleep"), unit="h", unit_text="h"),
    "stress": Part("stress", "integer", N_("Stress, 0 to 10")),
    "water_glasses": Part(
        "water_glasses", "quantity", N_("Glasses of water"), unit="{glass}", unit_text=N_("glasses")
    ),
    "exercise": Part("exercise", "code", N_("Exercise: none, light or heavy")),
    "nicotine": Part("nicotine", "boolean", N_("Any nicotine")),
    "alcohol_units": Part(
        "alcohol_units", "quantity", N_("Units of alcohol"), unit="{unit}", unit_text=N_("units")
    ),
    "medication": Part("medications", "string", N_("A medicine taken"), many=True),
}
"""Each component's code, with its display marked for the catalogue (translated where used)."""
CUSTOM_FACTOR = "custom_factor"
"""The code of a person's own factor; its name is the code's `text`."""
_EPISODE = N_("A twitch or spasm")
_DAY = N_("A day's factors")
_OWN_FACTOR = N_("A factor of your own")

EXERCISE_NAMES: dict[Exercise, str] = {
    "none": N_("No exercise"),
    "light": N_("Light exercise"),
    "heavy": N_("Heavy exercise"),
}
_EPISODE_TEXT = {"twitch": N_("A twitch"), "spasm": N_("A spasm")}
"""An episode Observation's code text, by its kind."""


@cache
def _survey(language: str) -> CodeableConcept:
    _ = gettext_for(language)
    # HL7's display of HL7's code stays theirs; the text is ours.
    return CodeableConcept(
        coding=[Coding(system=CATEGORY_SYSTEM, code="survey", display="Survey")],
        text=_("Survey"),
    )


@cache
def _code_values(language: str = ENGLISH) -> dict[str, str]:
    """The codes a component's value may take, with their display in ``language``."""
    from ..diary.safety import SIGN_NAMES

    _ = gettext_for(language)
    kinds = {"twitch": _("A twitch"), "spasm": _("A spasm (or cramp)")}
    if language == ENGLISH:
        places = {region: region.replace("_", " ").capitalize() for region in get_args(Region)}
    else:
        from ..knowledge import load_knowledge

        names = {region.id: region.name for region in load_knowledge(language=language).regions}
        places = {region: names[region] for region in get_args(Region)}
    signs = {code: _(name) for code, name in SIGN_NAMES.items()}
    exercise = {code: _(name) for code, name in EXERCISE_NAMES.items()}
    return {**kinds, **places, **signs, **exercise}


def diary_code_system(language: str = ENGLISH) -> CodeSystem:
    """Our CodeSystem for the diary: what each Observation, component and value code means,
    in ``language``."""
    _ = gettext_for(language)
    concepts = [
        ("episode", _(_EPISODE), _("One twitch or spasm as logged in the diary.")),
        ("day", _(_DAY), _("What was logged about one day that may go with episodes.")),
    ]
    for parts in (EPISODE_PARTS, DAY_PARTS):
        concepts += [(code, _(part.display), _(part.display) + ".") for code, part in parts.items()]
    concepts.append(
        (
            CUSTOM_FACTOR,
            _(_OWN_FACTOR),
            _("A factor the person named; the name is its text."),
        )
    )
    concepts += [(code, name, name + ".") for code, name in _code_values(language).items()]
    return CodeSystem(
        id=DIARY_SYSTEM_ID,
        language=language,
        url=DIARY_SYSTEM,
        name="MyoguideDiary",
        title=_("myoguide diary"),
        status="active",
        content="complete",
        caseSensitive=True,
        description=_(
            "The codes of myoguide's symptom diary: episodes of muscle twitches and"
            " spasms, the factors of each day, and their values (the diary's own ids)."
        ),
        concept=[
            CodeSystemConcept(code=code, display=display, definition=definition)
            for code, display, definition in concepts
        ],
    )


def _ours(code: str, display: str, text: str | None = None) -> CodeableConcept:
    return CodeableConcept(
        coding=[Coding(system=DIARY_SYSTEM, code=code, display=display)], text=text
    )


def _component(code: str, language: str, **value: Any) -> ObservationComponent:
    return ObservationComponent(code=_component_code(code, language), **value)


# The codes are shared by every resource that holds them (never changed once made): building
# one for each of thousands of entries took most of the time an export takes to build.
@cache
def _component_code(code: str, language: str) -> CodeableConcept:
    part = EPISODE_PARTS.get(code) or DAY_PARTS[code]
    concept = _ours(code, gettext_for(language)(part.display))
    if code == "sleep_hours":
        concept.coding = [Coding(system=LOINC, code=SLEEP_DURATION, display="Sleep duration")] + (
            concept.coding or []
        )
    return concept


@cache
def _value_code(code: str, language: str) -> CodeableConcept:
    return _ours(code, _code_values(language)[code])


def _quantity(value: float, part: Part, language: str) -> Quantity:
    unit = gettext_for(language)(part.unit_text)
    return Quantity(value=Decimal(repr(value)), unit=unit, system=UCUM, code=part.unit)


def fhir_time(at: dt.datetime) -> tuple[str, int | None]:
    """`at` as FHIR's dateTime with its own offset, or, when FHIR cannot write that offset, in
    UTC with the offset in seconds apart (for `OFFSET_EXTENSION`)."""
    offset = at.utcoffset()
    assert offset is not None
    seconds = int(offset.total_seconds())
    if seconds % 60 == 0 and abs(seconds) <= 14 * 3600:
        return at.isoformat(), None
    return at.astimezone(dt.UTC).isoformat(), seconds


def episode_observation(number: int, episode: EpisodeIn, language: str = ENGLISH) -> Observation:
    """One episode as an Observation (`number`: its place in the Bundle, for its id)."""
    when, offset = fhir_time(episode.at)
    components = [
        _component("kind", language, valueCodeableConcept=_value_code(episode.kind, language))
    ]
    components += [
        _component("region", language, valueCodeableConcept=_value_code(region, language))
        for region in episode.regions
    ]
    components.append(_component("intensity", language, valueInteger=episode.intensity))
    if episode.duration_s is not None:
        components.append(
            _component(
                "duration",
                language,
                valueQuantity=Quantity(
                    value=Decimal(episode.duration_s), unit="s", system=UCUM, code="s"
                ),
            )
        )
    components += [
        _component("warning_sign", language, valueCodeableConcept=_value_code(sign, language))
        for sign in episode.warning_signs
    ]
    _ = gettext_for(language)
    observation = Observation(
        id=f"episode-{number}",
        status="final",
        category=[_survey(language)],
        code=_ours("episode", _(_EPISODE), text=_(_EPISODE_TEXT[episode.kind])),
        effectiveDateTime=when,
        component=components,
    )
    if offset is not None:
        observation.extension = [Extension(url=OFFSET_EXTENSION, valueInteger=offset)]
    if episode.note:
        # Annotation.text is markdown, which holds any text; a note may be all spaces.
        observation.note = [Annotation(text=episode.note)]
    return observation


def day_observation(day: DayIn, language: str = ENGLISH) -> Observation:
    """One day's factors as an Observation: a component for each factor logged."""
    _ = gettext_for(language)
    components: list[ObservationComponent] = []
    for code, part in DAY_PARTS.items():
        value = getattr(day, part.field)
        if value is None or part.many:
            continue
        if part.value == "quantity":
            components.append(
                _component(code, language, valueQuantity=_quantity(value, part, language))
            )
        elif part.value == "integer":
            components.append(_component(code, language, valueInteger=value))
        elif part.value == "boolean":
            components.append(_component(code, language, valueBoolean=value))
        else:
            components.append(
                _component(code, language, valueCodeableConcept=_value_code(value, language))
            )
    components += [_component("medication", language, valueString=name) for name in day.medications]
    for name, value in day.custom.items():
        concept = _ours(CUSTOM_FACTOR, _(_OWN_FACTOR), text=name)
        if value is None:
            absent = CodeableConcept(
                coding=[Coding(system=DATA_ABSENT, code="unknown", display="Unknown")]
            )
            components.append(ObservationComponent(code=concept, dataAbsentReason=absent))
        elif isinstance(value, bool):
            components.append(ObservationComponent(code=concept, valueBoolean=value))
        else:
            quantity = Quantity(value=Decimal(repr(value)))
            components.append(ObservationComponent(code=concept, valueQuantity=quantity))
    return Observation(
        id=f"day-{day.date.isoformat()}",
        status="final",
        category=[_survey(language)],
        code=_ours("day", _(_DAY)),
        effectiveDateTime=day.date.isoformat(),
        component=components or None,
    )


def diary_bundle(
    episodes: Iterable[EpisodeIn], days: Iterable[DayIn], language: str = ENGLISH
) -> Bundle:
    """The diary as a `collection` Bundle: the episodes in the order given, then the days,
    its displays in ``language``. Its codes are objects shared with every other Bundle made:
    read it, never change it."""
    resources = [episode_observation(n, e, language) for n, e in enumerate(episodes, start=1)]
    resources += [day_observation(d, language) for d in days]
    return Bundle(type="collection", entry=[BundleEntry(resource=r) for r in resources] or None)


def bundle_json(bundle: Bundle, indent: int | None = 2) -> str:
    """The Bundle as FHIR JSON text (indented for a person to read, unless `indent` is None)."""
    return bundle.model_dump_json(indent=indent)


class FhirDiaryProblem(ValueError):
    """Places in a Bundle that could not be read, each named by its FHIRPath-like path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(slots=True)
class _Reading:
    """What one Observation gave so far: the model's fields and where each came from."""

    path: str
    language: str = ENGLISH
    data: dict[str, Any] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def problem(self, where: str, message: str, **values: object) -> None:
        """What is wrong at `where`: `message` (marked with N_) said in the reading's language."""
        said = gettext_for(self.language)(message)
        self.problems.append(f"{where}: {said.format(**values) if values else said}")

    def place_of(self, model_field: str) -> str:
        """The path of a model field ("regions[1]", "custom.name") in the Observation."""
        return self.places.get(model_field) or self.places.get(
            model_field.split("[")[0].split(".")[0], self.path
        )


def read_diary_bundle(
    text: str | bytes, *, language: str = ENGLISH
) -> tuple[list[EpisodeIn], list[DayIn]]:
    """The episodes and days of a Bundle `diary_bundle` wrote (or one made the same way), or
    FhirDiaryProblem naming the place of every problem (said in `language`). Nothing is
    partly read."""
    _ = gettext_for(language)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problem = _("Bundle: not JSON (line {line}, column {column}: {problem})").format(
            line=error.lineno, column=error.colno, problem=json_reason(error, language)
        )
        raise FhirDiaryProblem([problem]) from None
    except UnicodeDecodeError:
        raise FhirDiaryProblem([_("Bundle: not UTF-8 text")]) from None
    except RecursionError:
        raise FhirDiaryProblem([_("Bundle: nested too deeply to be a diary")]) from None
    return read_diary_data(data, language=language)


def read_diary_data(data: Any, *, language: str = ENGLISH) -> tuple[list[EpisodeIn], list[DayIn]]:
    """`read_diary_bundle` for JSON already parsed."""
    _ = gettext_for(language)
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise FhirDiaryProblem([_('Bundle: not a FHIR Bundle (no "resourceType": "Bundle")')])
    entries = data.get("entry", [])
    if not isinstance(entries, list):
        raise FhirDiaryProblem([_("Bundle.entry: not a list")])
    shell = {name: value for name, value in data.items() if name != "entry"}
    problems: list[str] = []
    _validated(Bundle, shell, "Bundle", problems, language)
    episodes: list[EpisodeIn] = []
    days: list[DayIn] = []
    seen_dates: dict[dt.date, str] = {}
    for index, entry in enumerate(entries):
        path = f"Bundle.entry[{index}].resource"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            problems.append(f"Bundle.entry[{index}]: " + _("has no resource"))
            continue
        kind = resource.get("resourceType")
        if kind != "Observation":
            if isinstance(kind, str):
                what = _("a {kind}, not an Observation of the diary").format(kind=kind)
            else:
                what = _("not a resource, not an Observation of the diary")
            problems.append(f"{path}: {what}")
            continue
        rest = {name: value for name, value in entry.items() if name != "resource"}
        found: list[str] = []
        _validated(BundleEntry, rest, f"Bundle.entry[{index}]", found, language)
        observation = _validated(Observation, resource, path, found, language)
        if observation is None or found:
            problems += found
            continue
        read = _read_observation(observation, path, language)
        problems += read.problems
        if isinstance(read.model, DayIn):
            earlier = seen_dates.get(read.model.date)
            if earlier:
                same = _("the same day as {place}").format(place=earlier)
                problems.append(f"{path}.effectiveDateTime: {same}")
            seen_dates[read.model.date] = path
            days.append(read.model)
        elif isinstance(read.model, EpisodeIn):
            episodes.append(read.model)
    if problems:
        raise FhirDiaryProblem(problems)
    return episodes, days


def _validated(
    model: type[M], data: Mapping[str, Any], path: str, problems: list[str], language: str
) -> M | None:
    """The data as the FHIR R4B model, or None with what the model finds wrong added to
    `problems`, each at its path, in `language`. The messages never repeat the values: a
    note is private."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems += [
            f"{path}{_fhir_path(problem['loc'])}: {_lower(pydantic_message(problem, language))}"
            for problem in error.errors()
        ]
    except (KeyError, TypeError, ValueError):
        # fhir.resources fails this way on a contained resource of a type it does not know.
        _ = gettext_for(language)
        kind = data.get("resourceType")
        if isinstance(kind, str):
            problems.append(f"{path}: " + _("not a valid FHIR R4 {kind}").format(kind=kind))
        else:
            problems.append(f"{path}: " + _("not a valid FHIR R4 resource"))
    return None


def _fhir_path(loc: tuple[int | str, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def _lower(message: str) -> str:
    return message[:1].lower() + message[1:]


@dataclass(slots=True)
class _Read:
    model: EpisodeIn | DayIn | None
    problems: list[str]


def _read_observation(observation: Observation, path: str, language: str) -> _Read:
    reading = _Reading(path, language)
    if observation.status not in READ_STATUSES:
        reading.problem(
            f"{path}.status", N_("is not one of {statuses}"), statuses=", ".join(READ_STATUSES)
        )
    code = _our_code(observation.code)
    if code == "episode":
        model: type[EpisodeIn | DayIn] = EpisodeIn
        _read_episode(observation, reading)
    elif code == "day":
        model = DayIn
        _read_day(observation, reading)
    else:
        reading.problem(
            f"{path}.code",
            N_("not an episode or a day (code episode or day of {system})"),
            system=DIARY_SYSTEM,
        )
        return _Read(None, reading.problems)
    if reading.problems:
        return _Read(None, reading.problems)
    try:
        return _Read(model.model_validate(reading.data), [])
    except ValidationError as error:
        found = field_problems(error, language=language)
        return _Read(None, [_located(p, reading) for p in found])


def _located(problem: FieldProblem, reading: _Reading) -> str:
    """A model's problem at its place in the Observation; a missing field as the component
    that would hold it."""
    if problem.field not in reading.data:
        parts = EPISODE_PARTS | DAY_PARTS
        codes = [code for code, part in parts.items() if part.field == problem.field]
        if codes:
            needed = gettext_for(reading.language)(
                N_("needs a component with the code {code} of {system}")
            )
            return f"{reading.path}.component: " + needed.format(code=codes[0], system=DIARY_SYSTEM)
    return f"{reading.place_of(problem.field)}: {problem.message}"


def _our_code(concept: CodeableConcept | None) -> str | None:
    for coding in (concept.coding if concept else None) or []:
        if coding.system == DIARY_SYSTEM and coding.code:
            return str(coding.code)
    return None


def _read_episode(observation: Observation, reading: _Reading) -> None:
    path = reading.path
    reading.places["at"] = f"{path}.effectiveDateTime"
    at = observation.effectiveDateTime
    if not isinstance(at, dt.datetime):
        reading.problem(
            f"{path}.effectiveDateTime", N_("needs a date and a time with its UTC offset")
        )
    else:
        offset = at.utcoffset()
        assert offset is not None  # FHIR's dateTime has an offset whenever it has a time
        zone = dt.timezone(offset)
        for index, extension in enumerate(observation.extension or []):
            if extension.url != OFFSET_EXTENSION:
                continue
            seconds = extension.valueInteger
            if seconds is None or not -86400 < seconds < 86400:
                reading.problem(
                    f"{path}.extension[{index}]", N_("needs valueInteger: seconds, under a day")
                )
            else:
                zone = dt.timezone(dt.timedelta(seconds=seconds))
        reading.data["at"] = at.astimezone(zone)
    notes = observation.note or []
    if len(notes) > 1:
        reading.problem(f"{path}.note", N_("an episode has one note at most"))
    reading.places["note"] = f"{path}.note[0].text"
    reading.data["note"] = str(notes[0].text or "") if notes else ""
    reading.data["regions"] = []
    reading.data["warning_signs"] = []
    _read_components(observation, reading, EPISODE_PARTS, allow_custom=False)


def _read_day(observation: Observation, reading: _Reading) -> None:
    path = reading.path
    reading.places["date"] = f"{path}.effectiveDateTime"
    date = observation.effectiveDateTime
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        reading.problem(
            f"{path}.effectiveDateTime", N_("needs a date (YYYY-MM-DD), without a time")
        )
    else:
        reading.data["date"] = date
    if observation.note:
        reading.problem(f"{path}.note", N_("the diary keeps no note with a day"))
    reading.data["medications"] = []
    reading.data["custom"] = {}
    _read_components(observation, reading, DAY_PARTS, allow_custom=True)


def _read_components(
    observation: Observation, reading: _Reading, parts: dict[str, Part], allow_custom: bool
) -> None:
    for index, component in enumerate(observation.component or []):
        where = f"{reading.path}.component[{index}]"
        code = _our_code(component.code)
        if allow_custom and code == CUSTOM_FACTOR:
            _read_custom(component, where, reading)
            continue
        part = parts.get(code or "")
        if part is None:
            reading.problem(
                f"{where}.code", N_("no code of {system} that the diary knows"), system=DIARY_SYSTEM
            )
            continue
        value = _value(component, part, where, reading)
        if value is None:
            continue
        if part.many:
            values = reading.data[part.field]
            reading.places[f"{part.field}[{len(values)}]"] = where
            values.append(value)
        elif part.field in reading.data:
            reading.problem(f"{where}.code", N_("a second {code}: there is one at most"), code=code)
        else:
            reading.places[part.field] = where
            reading.data[part.field] = value


def _value(component: ObservationComponent, part: Part, where: str, reading: _Reading) -> Any:
    """The component's value as the model takes it, or None after noting the problem."""
    if part.value == "code":
        code = _our_code(component.valueCodeableConcept)
        if code is None:
            reading.problem(
                where, N_("needs valueCodeableConcept with a code of {system}"), system=DIARY_SYSTEM
            )
        return code
    if part.value == "integer":
        if component.valueInteger is None:
            reading.problem(where, N_("needs valueInteger"))
        return component.valueInteger
    if part.value == "boolean":
        if component.valueBoolean is None:
            reading.problem(where, N_("needs valueBoolean"))
        return component.valueBoolean
    if part.value == "string":
        if component.valueString is None:
            reading.problem(where, N_("needs valueString"))
        return component.valueString
    quantity = component.valueQuantity
    if quantity is None or quantity.value is None:
        reading.problem(where, N_("needs valueQuantity with a value"))
        return None
    if part.value == "seconds":
        factor = _SECONDS_IN.get(str(quantity.code))
        if quantity.system != UCUM or factor is None:
            reading.problem(
                f"{where}.valueQuantity", N_("needs the unit s, min or h of {system}"), system=UCUM
            )
            return None
        seconds = Decimal(quantity.value) * factor
        if seconds != seconds.to_integral_value():
            reading.problem(f"{where}.valueQuantity.value", N_("is not a whole number of seconds"))
            return None
        return int(seconds)
    if quantity.code is not None and (quantity.code != part.unit or quantity.system != UCUM):
        reading.problem(
            f"{where}.valueQuantity",
            N_("needs the unit {unit} of {system}"),
            unit=part.unit,
            system=UCUM,
        )
        return None
    return float(quantity.value)


def _read_custom(component: ObservationComponent, where: str, reading: _Reading) -> None:
    name = component.code.text if component.code else None
    if not name:
        reading.problem(f"{where}.code.text", N_("a factor of your own needs its name here"))
        return
    custom: dict[str, float | bool | None] = reading.data["custom"]
    if name in custom:
        reading.problem(f"{where}.code.text", N_("the same factor is on this day already"))
        return
    reading.places[f"custom.{name}"] = where
    if component.valueBoolean is not None:
        custom[name] = component.valueBoolean
    elif component.valueQuantity is not None and component.valueQuantity.value is not None:
        custom[name] = float(component.valueQuantity.value)
    elif component.dataAbsentReason is not None:
        custom[name] = None
    else:
        reading.problem(where, N_("needs valueQuantity, valueBoolean or dataAbsentReason"))


__all__ = [
    "DIARY_SYSTEM",
    "DIARY_SYSTEM_ID",
    "OFFSET_EXTENSION",
    "FhirDiaryProblem",
    "bundle_json",
    "day_observation",
    "diary_bundle",
    "diary_code_system",
    "episode_observation",
    "fhir_time",
    "read_diary_bundle",
    "read_diary_data",
]
