"""The diary as FHIR R4: a Bundle of Observations out (command line and API), and back in,
losslessly, for the owner only; a bad Bundle is refused naming the place, importing nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.observation import Observation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from myoguide.diary.models import DayIn, EpisodeIn
from myoguide.diary.store import Diary, DiaryStore
from myoguide.fhir.diary import (
    DIARY_SYSTEM,
    OFFSET_EXTENSION,
    FhirDiaryProblem,
    bundle_json,
    diary_bundle,
    diary_code_system,
    read_diary_bundle,
    read_diary_data,
)
from myoguide.web import create_app

from .diaries import every_other_day_diary
from .test_diary_cli import run
from .test_diary_store import days_strategy, episodes_strategy
from .test_diary_web import EPISODE, Person, register

PLUS_ONE = dt.timezone(dt.timedelta(hours=1))
# Offsets FHIR's dateTime cannot write (beyond 14 hours, or not whole minutes) and ones it can.
odd_offsets = st.integers(-86399, 86399) | st.integers(-14 * 60, 14 * 60).map(lambda m: m * 60)
odd_moments = st.datetimes(
    min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2026, 1, 1)
).flatmap(
    lambda naive: odd_offsets.map(
        lambda seconds: naive.replace(tzinfo=dt.timezone(dt.timedelta(seconds=seconds)))
    )
)
any_episode = episodes_strategy | st.builds(
    lambda episode, at: episode.model_copy(update={"at": at}), episodes_strategy, odd_moments
)
ODD_NOTE = "\u00a0\x0b \u202e=SUM(A1) \U0001f4a9 e\u0301 \u200d\r\n\t'"


def episode(**changes: Any) -> EpisodeIn:
    data: dict[str, Any] = {
        "at": dt.datetime(2026, 11, 20, 8, 30, 15, 123456, tzinfo=PLUS_ONE),
        "kind": "twitch",
        "regions": ["eyelid", "calf"],
        "intensity": 3,
        "duration_s": 20,
        "note": "during exams",
        "warning_signs": ["fever"],
    }
    return EpisodeIn.model_validate({**data, **changes})


def full_day(**changes: Any) -> DayIn:
    data: dict[str, Any] = {
        "date": "2026-11-20",
        "caffeine_cups": 0.1,
        "sleep_hours": 6.5,
        "stress": 7,
        "water_glasses": 8,
        "exercise": "light",
        "nicotine": False,
        "alcohol_units": 2,
        "medications": ["magnesium", "ibuprofen"],
        "custom": {"screen hours": 6.25, "period": True, "not logged": None},
    }
    return DayIn.model_validate({**data, **changes})


def entries(diary: Diary) -> tuple[list[EpisodeIn], list[DayIn]]:
    """The diary's own export, less the store's ids: what a round trip must keep."""
    episodes = [EpisodeIn.model_validate(e.model_dump(exclude={"id"})) for e in diary.episodes()]
    return episodes, [DayIn.model_validate(dict(d)) for d in diary.days()]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DiaryStore]:
    opened = DiaryStore.open(str(tmp_path_factory.mktemp("fhir") / "diary.sqlite3"))
    yield opened
    opened.close()


def new_diary(store: DiaryStore) -> Diary:
    return store.diary(f"person-{uuid.uuid4().hex}")


# The round trip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    episodes=st.lists(any_episode, max_size=6),
    days=st.lists(days_strategy, max_size=6, unique_by=lambda d: d.date),
)
@example(episodes=[episode(note=ODD_NOTE)], days=[full_day()])
@example(episodes=[episode(note=" ", duration_s=None, warning_signs=[])], days=[])
def test_any_diary_comes_back_from_fhir_exactly(
    store: DiaryStore, episodes: list[EpisodeIn], days: list[DayIn]
) -> None:
    original = new_diary(store)
    original.import_entries(episodes, days)
    text = bundle_json(diary_bundle(*entries(original)))

    for resource in every_resource(text):
        assert resource.get_resource_type() == "Observation"
    read = read_diary_bundle(text)
    assert as_json(read) == as_json(entries(original))

    copy = new_diary(store)
    copy.import_entries(*read)
    assert as_json(entries(copy)) == as_json(entries(original))
    assert bundle_json(diary_bundle(*entries(copy))) == text


def as_json(diary: tuple[list[EpisodeIn], list[DayIn]]) -> list[list[Any]]:
    """Every field as JSON: a time with its offset (two times at the same instant are equal
    as datetimes, whatever their offsets)."""
    return [[entry.model_dump(mode="json") for entry in part] for part in diary]


def every_resource(text: str) -> list[Any]:
    """Every resource of the Bundle, validated by the R4B models of fhir.resources."""
    data = json.loads(text)
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    observations = [Observation.model_validate(e["resource"]) for e in data.get("entry", [])]
    assert [e.resource for e in bundle.entry or []] == observations
    return observations


def test_an_episode_and_a_day_in_fhir_terms() -> None:
    text = bundle_json(diary_bundle([episode()], [full_day()]))
    first, second = every_resource(text)
    assert first.status == second.status == "final"
    for observation in (first, second):
        category = observation.category[0].coding[0]
        assert (category.system, category.code) == (
            "http://terminology.hl7.org/CodeSystem/observation-category",
            "survey",
        )
    data = json.loads(text)["entry"]
    assert data[0]["resource"]["effectiveDateTime"] == "2026-11-20T08:30:15.123456+01:00"
    assert data[1]["resource"]["effectiveDateTime"] == "2026-11-20"
    parts = {c["code"]["coding"][-1]["code"]: c for c in reversed(data[0]["resource"]["component"])}
    assert parts["kind"]["valueCodeableConcept"]["coding"][0]["code"] == "twitch"
    assert parts["intensity"]["valueInteger"] == 3
    assert parts["duration"]["valueQuantity"] == {
        "value": 20,
        "unit": "s",
        "system": "http://unitsofmeasure.org",
        "code": "s",
    }
    assert data[0]["resource"]["note"] == [{"text": "during exams"}]
    sleep = next(
        c
        for c in data[1]["resource"]["component"]
        if c["code"]["coding"][-1]["code"] == "sleep_hours"
    )
    assert sleep["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "93832-4",
        "display": "Sleep duration",
    }
    assert sleep["valueQuantity"]["code"] == "h" and sleep["valueQuantity"]["value"] == 6.5
    custom = [c for c in data[1]["resource"]["component"] if c["code"].get("text")]
    assert [c["code"]["text"] for c in custom] == ["screen hours", "period", "not logged"]
    assert custom[2]["dataAbsentReason"]["coding"][0]["code"] == "unknown"


def test_a_time_zone_fhir_cannot_write_travels_in_an_extension() -> None:
    odd = dt.timezone(dt.timedelta(hours=5, minutes=30, seconds=15))
    at = dt.datetime(2026, 3, 1, 23, 59, tzinfo=odd)
    text = bundle_json(diary_bundle([episode(at=at)], []))
    resource = json.loads(text)["entry"][0]["resource"]
    assert resource["effectiveDateTime"] == "2026-03-01T18:28:45Z"
    assert resource["extension"] == [{"url": OFFSET_EXTENSION, "valueInteger": 19815}]
    (back,), _ = read_diary_bundle(text)
    assert back.at == at and back.at.utcoffset() == at.utcoffset()


def test_every_code_of_ours_is_in_our_code_system() -> None:
    system = CodeSystem.model_validate(json.loads(diary_code_system().model_dump_json()))
    codes = [concept.code for concept in system.concept or []]
    assert len(codes) == len(set(codes)) and system.url == DIARY_SYSTEM
    text = bundle_json(diary_bundle([episode(), episode(kind="spasm")], [full_day()]))
    used = {
        coding["code"]
        for coding in _codings(json.loads(text))
        if coding.get("system") == DIARY_SYSTEM
    }
    assert used and used <= set(codes)


def _codings(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        if "coding" in data:
            yield from data["coding"]
        for value in data.values():
            yield from _codings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _codings(value)


# Bad bundles


def good() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        bundle_json(diary_bundle([episode(note="SECRET note")], [full_day()]))
    )
    return data


def component_of(resource: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        c for c in resource["component"] if c["code"]["coding"][-1]["code"] == code
    )
    return found


def set_intensity(data: dict[str, Any]) -> None:
    component_of(data["entry"][0]["resource"], "intensity")["valueInteger"] = 11


def set_region(data: dict[str, Any]) -> None:
    component_of(data["entry"][0]["resource"], "region")["valueCodeableConcept"]["coding"][0][
        "code"
    ] = "elbow"


def set_future(data: dict[str, Any]) -> None:
    data["entry"][0]["resource"]["effectiveDateTime"] = "2999-01-01T10:00:00+00:00"


def set_status(data: dict[str, Any]) -> None:
    data["entry"][0]["resource"]["status"] = "entered-in-error"


def drop_kind(data: dict[str, Any]) -> None:
    resource = data["entry"][0]["resource"]
    resource["component"] = [
        c for c in resource["component"] if c["code"]["coding"][-1]["code"] != "kind"
    ]


def set_half_second(data: dict[str, Any]) -> None:
    component_of(data["entry"][0]["resource"], "duration")["valueQuantity"]["value"] = 1.5


def set_day_time(data: dict[str, Any]) -> None:
    data["entry"][1]["resource"]["effectiveDateTime"] = "2026-11-20T10:00:00+00:00"


def twice_the_day(data: dict[str, Any]) -> None:
    data["entry"].append(data["entry"][1])


def set_patient(data: dict[str, Any]) -> None:
    data["entry"][1]["resource"] = {"resourceType": "Patient"}


def set_unknown_type(data: dict[str, Any]) -> None:
    data["entry"][0]["resource"]["contained"] = [{"resourceType": "Nonsense"}]


def set_stress_text(data: dict[str, Any]) -> None:
    component_of(data["entry"][1]["resource"], "stress")["valueInteger"] = "high"


def set_sleep_minutes(data: dict[str, Any]) -> None:
    component_of(data["entry"][1]["resource"], "sleep_hours")["valueQuantity"]["code"] = "min"


def set_foreign_code(data: dict[str, Any]) -> None:
    data["entry"][0]["resource"]["code"]["coding"][0]["code"] = "blood_pressure"


def set_too_long_note(data: dict[str, Any]) -> None:
    data["entry"][0]["resource"]["note"][0]["text"] = "SECRET " * 400


@pytest.mark.parametrize(
    ("change", "place", "fragment"),
    [
        (set_intensity, "entry[0].resource.component[3]", "less than or equal to 10"),
        (set_region, "entry[0].resource.component[1]", "'elbow' is not one of the allowed"),
        (set_future, "entry[0].resource.effectiveDateTime", "is later than now"),
        (set_status, "entry[0].resource.status", "is not one of final"),
        (drop_kind, "entry[0].resource.component", "needs a component with the code kind"),
        (set_half_second, "component[4].valueQuantity.value", "whole number of seconds"),
        (set_day_time, "entry[1].resource.effectiveDateTime", "needs a date"),
        (twice_the_day, "entry[2].resource.effectiveDateTime", "the same day as"),
        (set_patient, "entry[1].resource", "a Patient, not an Observation"),
        (set_unknown_type, "entry[0].resource", "not a valid FHIR R4 Observation"),
        (set_stress_text, "entry[1].resource.component[2].valueInteger", "valid integer"),
        (set_sleep_minutes, "component[1].valueQuantity", "needs the unit h"),
        (set_foreign_code, "entry[0].resource.code", "not an episode or a day"),
        (set_too_long_note, "entry[0].resource.note[0].text", "too long: at most 2000"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_a_bad_bundle_is_refused_naming_the_place(change: Any, place: str, fragment: str) -> None:
    data = good()
    change(data)
    with pytest.raises(FhirDiaryProblem) as refused:
        read_diary_data(data)
    message = str(refused.value)
    assert place in message and fragment in message, message
    assert "SECRET" not in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{", "Bundle: not JSON (line 1"),
        ('{"resourceType": "Patient"}', "not a FHIR Bundle"),
        ('{"resourceType": "Bundle", "type": "collection", "entry": {}}', "Bundle.entry"),
        ('{"resourceType": "Bundle", "type": 5}', "Bundle.type"),
        ('{"resourceType": "Bundle", "type": "collection", "entry": [7]}', "has no resource"),
    ],
)
def test_what_is_not_a_bundle_is_refused(text: str, fragment: str) -> None:
    with pytest.raises(FhirDiaryProblem, match=re.escape(fragment)):
        read_diary_bundle(text)


# The command line


def test_the_command_line_exports_and_imports_fhir_losslessly(tmp_path: Path) -> None:
    source, copy = tmp_path / "source.sqlite3", tmp_path / "copy.sqlite3"
    days, episodes = every_other_day_diary()
    with _opened(source) as store:
        store.local_diary().import_entries(
            [*episodes, episode(note=ODD_NOTE, at=episode().at.astimezone(dt.UTC))],
            [*days, full_day()],
        )
    bundle = tmp_path / "diary.fhir.json"
    done = run(source, "export", "--fhir", str(bundle))
    assert done.returncode == 0, done.stderr
    assert f"Wrote {bundle}" in done.stderr
    every_resource(bundle.read_text(encoding="utf-8"))

    done = run(copy, "import", "--fhir", str(bundle))
    assert done.returncode == 0, done.stderr
    assert f"Imported {len(episodes) + 1} episodes and {len(days) + 1} days." in done.stdout
    again = run(copy, "import", "--fhir", str(bundle))
    assert "Already in the diary, so not added again" in again.stdout

    printed = run(copy, "export", "--fhir", "-")
    assert printed.returncode == 0
    assert printed.stdout == bundle.read_text(encoding="utf-8")
    with _opened(source) as first, _opened(copy) as second:
        assert as_json(entries(first.local_diary())) == as_json(entries(second.local_diary()))


def _opened(path: Path) -> closing[DiaryStore]:
    return closing(DiaryStore.open(str(path)))


def test_a_bad_bundle_on_the_command_line_imports_nothing(tmp_path: Path) -> None:
    db = tmp_path / "diary.sqlite3"
    data = good()
    set_intensity(data)
    bundle = tmp_path / "bad.json"
    bundle.write_text(json.dumps(data), encoding="utf-8")
    done = run(db, "import", "--fhir", str(bundle))
    assert done.returncode == 2
    assert "nothing was imported" in done.stderr
    assert f"{bundle}, Bundle.entry[0].resource.component[3]: " in done.stderr
    assert "SECRET" not in done.stderr + done.stdout
    listed = json.loads(run(db, "list", "--format", "json").stdout)
    assert listed == {"episodes": [], "days": []}

    missing = run(db, "import", "--fhir", str(tmp_path / "none.json"))
    assert missing.returncode == 2 and "--fhir: cannot read" in missing.stderr
    neither = run(db, "export")
    assert neither.returncode == 2 and "--fhir FILE" in neither.stderr


# The API


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("fhir-web") / "web.sqlite3")
    else:
        url = request.getfixturevalue("postgres_database")
    store = DiaryStore.open(url)
    yield create_app(store=store)
    store.close()


def fhir_export(person: Person) -> Any:
    return person.client.get("/api/v1/diary/export", params={"format": "fhir"})


def test_the_api_gives_the_owner_their_diary_as_fhir_and_no_one_else(app: FastAPI) -> None:
    alice, bob = register(app), register(app)
    alice.add_episode(note="alice's own words \u00e9\U0001f600")
    alice.add_episode(at="2026-11-21T23:15:00-05:30", kind="spasm", regions=["calf"])
    day = {"caffeine_cups": 3, "sleep_hours": 6.5, "medications": ["magnesium"]}
    assert alice.api("PUT", "/days/2026-11-20", day).status_code == 200

    response = fhir_export(alice)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/fhir+json"
    every_resource(response.text)
    episodes, days = read_diary_bundle(response.content)
    exported = alice.api("GET", "/export").json()
    assert [e.model_dump(mode="json") for e in episodes] == [
        {k: v for k, v in e.items() if k not in {"id", "created_at", "updated_at"}}
        for e in exported["episodes"]
    ]
    assert [d.model_dump(mode="json") for d in days] == [
        {k: v for k, v in d.items() if k != "updated_at"} for d in exported["days"]
    ]
    assert episodes[1].at.isoformat() == "2026-11-21T23:15:00-05:30"

    theirs = fhir_export(bob)
    assert theirs.status_code == 200
    assert json.loads(theirs.text) == {"resourceType": "Bundle", "type": "collection"}
    assert "alice" not in theirs.text and "magnesium" not in theirs.text


def test_the_fhir_export_needs_a_session_and_a_known_format(app: FastAPI) -> None:
    person = register(app)
    person.add_episode()
    stranger = person.client.__class__(app, base_url="https://testserver")
    refused = stranger.get("/api/v1/diary/export", params={"format": "fhir"})
    assert refused.status_code == 401
    assert EPISODE["note"] not in refused.text
    wrong = person.client.get("/api/v1/diary/export", params={"format": "xml"})
    assert wrong.status_code == 422 and "format" in wrong.text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


def _places(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value in the JSON."""
    yield path
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        yield from _places(value, (*path, key))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_change_to_a_bundle_is_read_or_refused_never_a_crash(data: st.DataObject) -> None:
    bundle = good()
    places = [place for place in _places(bundle) if place]
    for _ in range(data.draw(st.integers(1, 3))):
        *parent, last = data.draw(st.sampled_from(places))
        holder: Any = bundle
        for key in parent:
            holder = holder[key]
        if data.draw(st.booleans()) and isinstance(holder, dict):
            holder.pop(last, None)
        else:
            holder[last] = data.draw(json_values)
        places = [place for place in _places(bundle) if place]
        if not places:
            break
    refused: FhirDiaryProblem | None = None
    try:
        read_diary_data(bundle)
    except FhirDiaryProblem as problem:
        refused = problem
    if refused is not None:
        assert refused.problems and "SECRET" not in str(refused)
