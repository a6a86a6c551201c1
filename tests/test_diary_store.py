"""Diary storage, run against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from myoguide.answers import Region
from myoguide.diary.csvio import CsvProblem, read_days, read_episodes, write_days, write_episodes
from myoguide.diary.models import BUILT_IN_FACTORS, Day, DayIn, Episode, EpisodeIn
from myoguide.diary.safety import WARNING_SIGNS
from myoguide.diary.store import Diary, DiaryStore, database_url

REGIONS = list(Region.__args__)  # type: ignore[attr-defined]
PLUS_ONE = dt.timezone(dt.timedelta(hours=1))
MINUS_FIVE_THIRTY = dt.timezone(-dt.timedelta(hours=5, minutes=30))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DiaryStore]:
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("diary") / "diary.sqlite3")
    else:
        url = request.getfixturevalue("postgres_database")
    opened = DiaryStore.open(url)
    yield opened
    opened.close()


@pytest.fixture
def diary(store: DiaryStore) -> Diary:
    return store.diary(f"person-{uuid.uuid4().hex}")


def episode(**changes: object) -> EpisodeIn:
    data: dict[str, object] = {
        "at": dt.datetime(2026, 11, 20, 8, 30, 15, 123456, tzinfo=PLUS_ONE),
        "kind": "twitch",
        "regions": ["eyelid"],
        "intensity": 3,
        "duration_s": 20,
        "note": "during exams",
    }
    data.update(changes)
    return EpisodeIn.model_validate(data)


def test_an_episode_comes_back_exactly(diary: Diary) -> None:
    saved = diary.add_episode(episode())
    again = diary.episode(saved.id)
    assert again == saved
    assert again is not None
    assert again.at.isoformat() == "2026-11-20T08:30:15.123456+01:00"
    assert again.model_dump(exclude={"id"}) == episode().model_dump()


def test_warning_signs_come_back_and_change(diary: Diary) -> None:
    saved = diary.add_episode(episode(warning_signs=["fever", "weakness"]))
    again = diary.episode(saved.id)
    assert again is not None and again.warning_signs == ["fever", "weakness"]
    diary.update_episode(saved.id, episode(warning_signs=[]))
    cleared = diary.episode(saved.id)
    assert cleared is not None and cleared.warning_signs == []


def test_the_issues_csv_without_warning_signs_still_imports() -> None:
    header = "timestamp,kind,regions,intensity,duration_s,note\n"
    [read] = read_episodes(header + "2026-11-20T08:00+01:00,twitch,eyelid,3,,\n")
    assert read.warning_signs == []


def test_episodes_are_listed_in_time_order_across_offsets(diary: Diary) -> None:
    eight_utc = diary.add_episode(episode(at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=PLUS_ONE)))
    half_seven_utc = diary.add_episode(
        episode(at=dt.datetime(2026, 11, 20, 2, 0, tzinfo=MINUS_FIVE_THIRTY))
    )
    assert [e.id for e in diary.episodes()] == [half_seven_utc.id, eight_utc.id]
    window = diary.episodes(
        start=dt.datetime(2026, 11, 20, 7, 45, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 20, 8, 15, tzinfo=dt.UTC),
    )
    assert [e.id for e in window] == [eight_utc.id]
    assert [e.id for e in diary.episodes(limit=1, newest_first=True)] == [eight_utc.id]


def test_edit_and_delete(diary: Diary) -> None:
    saved = diary.add_episode(episode())
    changed = diary.update_episode(saved.id, episode(intensity=9, note=""))
    assert changed is not None
    assert (changed.intensity, changed.note) == (9, "")
    gone = diary.delete_episode(saved.id)
    assert gone == changed
    assert diary.episode(saved.id) is None
    assert diary.delete_episode(saved.id) is None


def test_one_person_never_reaches_another(store: DiaryStore) -> None:
    alice = store.diary(f"alice-{uuid.uuid4().hex}")
    bob = store.diary(f"bob-{uuid.uuid4().hex}")
    hers = alice.add_episode(episode())
    alice.set_day(DayIn(date=dt.date(2026, 11, 20), sleep_hours=5))
    assert bob.episode(hers.id) is None
    assert bob.update_episode(hers.id, episode(intensity=10)) is None
    assert bob.delete_episode(hers.id) is None
    assert bob.episodes() == []
    assert bob.days() == []
    assert bob.erase() == (0, 0)
    assert alice.episode(hers.id) == hers
    assert alice.count_episodes() == 1


def test_a_day_merges_and_blank_is_not_zero(diary: Diary) -> None:
    date = dt.date(2026, 11, 20)
    diary.set_day(DayIn(date=date, caffeine_cups=4, custom={"screen_hours": 6}))
    saved = diary.set_day(DayIn(date=date, sleep_hours=5.5, custom={"period": True}))
    assert saved.caffeine_cups == 4
    assert saved.sleep_hours == 5.5
    assert saved.stress is None
    assert saved.nicotine is None
    assert saved.custom == {"screen_hours": 6, "period": True}
    assert diary.day(date) == saved
    replaced = diary.set_day(DayIn(date=date, stress=3), merge=False)
    assert (replaced.caffeine_cups, replaced.stress) == (None, 3)


def test_import_is_all_or_nothing(diary: Diary) -> None:
    bad = EpisodeIn.model_construct(**{**episode().model_dump(), "intensity": 11})
    with pytest.raises(IntegrityError):
        diary.import_entries([episode(), bad], [DayIn(date=dt.date(2026, 11, 20), stress=2)])
    assert diary.episodes() == []
    assert diary.days() == []


def test_an_import_skips_what_the_diary_holds_already(diary: Diary) -> None:
    first = diary.import_entries([episode(), episode(), episode(kind="spasm")], [])
    assert (first.episodes_added, first.episodes_already_there) == (3, 0)
    again = diary.import_entries([episode(), episode(kind="spasm"), episode(note="other")], [])
    assert (again.episodes_added, again.episodes_already_there) == (1, 2)
    assert len(diary.episodes()) == 4


def test_the_future_begins_after_a_small_clock_skew() -> None:
    now = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    clock = {"now": now}
    soon = episode().model_dump() | {"at": now + dt.timedelta(minutes=9)}
    assert EpisodeIn.model_validate(soon, context=clock).at == soon["at"]
    too_soon = soon | {"at": (now + dt.timedelta(minutes=11)).astimezone(PLUS_ONE)}
    with pytest.raises(ValidationError, match=r"2026-06-01T10:11:00\+01:00 is later than now"):
        EpisodeIn.model_validate(too_soon, context=clock)
    # At 09:00 UTC it is already 23:00 in Kiribati (UTC+14), but nowhere is it 2 June yet.
    assert DayIn.model_validate({"date": "2026-06-01"}, context=clock).date == now.date()
    with pytest.raises(ValidationError, match="2026-06-02 has not come yet"):
        DayIn.model_validate({"date": "2026-06-02"}, context=clock)
    later = {"now": now + dt.timedelta(hours=2)}  # 01:00 on 2 June in Kiribati
    assert DayIn.model_validate({"date": "2026-06-02"}, context=later).date.day == 2
    # What the diary holds was checked when written: reading it back never fails.
    stored = Episode.model_validate(too_soon | {"id": 1}, context=clock)
    assert stored.at == too_soon["at"]
    assert Day.model_validate({"date": "2026-06-05"}, context=clock).date.day == 5


def test_erase_removes_everything_of_one_person(diary: Diary) -> None:
    diary.add_episode(episode())
    diary.add_episode(episode(kind="spasm", regions=["calf"]))
    diary.set_day(DayIn(date=dt.date(2026, 11, 20), sleep_hours=7))
    assert diary.erase() == (2, 1)
    assert diary.episodes() == []
    assert diary.days() == []


def test_opening_again_keeps_the_data(store: DiaryStore, diary: Diary) -> None:
    saved = diary.add_episode(episode())
    reopened = DiaryStore(store.url)
    try:
        assert Diary(reopened, diary.user_id).episode(saved.id) == saved
    finally:
        reopened.close()


def test_database_url_choices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MYOGUIDE_DATABASE_URL", raising=False)
    assert database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    monkeypatch.setenv("MYOGUIDE_DATABASE_URL", "postgresql://postgres@db:5432/diary")
    assert database_url() == "postgresql+psycopg://postgres@db:5432/diary"
    monkeypatch.delenv("MYOGUIDE_DATABASE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert database_url().endswith("diary.sqlite3")


moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2026, 1, 1)
).flatmap(
    lambda naive: st.integers(-14 * 60, 14 * 60).map(
        lambda minutes: naive.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    )
)
episodes_strategy = st.builds(
    EpisodeIn,
    at=moments,
    kind=st.sampled_from(["twitch", "spasm"]),
    regions=st.lists(st.sampled_from(REGIONS), min_size=1, max_size=4, unique=True),
    intensity=st.integers(0, 10),
    duration_s=st.none() | st.integers(0, 7 * 24 * 3600),
    note=st.text(st.characters(codec="utf-8", exclude_characters="\0"), max_size=80),
    warning_signs=st.lists(st.sampled_from(WARNING_SIGNS), max_size=3, unique=True),
)
numbers = st.none() | st.floats(0, 24, allow_nan=False).map(lambda x: round(x, 3))
days_strategy = st.builds(
    DayIn,
    date=st.dates(dt.date(2000, 1, 1), dt.date(2026, 1, 1)),
    caffeine_cups=numbers,
    sleep_hours=numbers,
    stress=st.none() | st.integers(0, 10),
    water_glasses=numbers,
    exercise=st.none() | st.sampled_from(["none", "light", "heavy"]),
    nicotine=st.none() | st.booleans(),
    alcohol_units=numbers,
    # Any text a name can be: what a spreadsheet would run (=, +, -, @) and the CSV's escape
    # (') included; the model trims medicines and refuses NUL and their separator ';'.
    medications=st.lists(
        st.text(st.characters(codec="utf-8", exclude_characters="\0;"), max_size=12).filter(
            str.strip
        ),
        max_size=3,
    ),
    custom=st.dictionaries(
        st.text(st.characters(codec="utf-8", exclude_characters="\0"), min_size=1, max_size=10)
        .filter(str.strip)
        .filter(lambda name: name not in BUILT_IN_FACTORS),
        st.none() | st.booleans() | st.floats(0, 100, allow_nan=False),
        max_size=3,
    ),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    episodes=st.lists(episodes_strategy, max_size=8),
    days=st.lists(days_strategy, max_size=8, unique_by=lambda d: d.date),
)
def test_csv_round_trip_is_lossless(episodes: list[EpisodeIn], days: list[DayIn]) -> None:
    episodes_csv, days_csv = io.StringIO(), io.StringIO()
    write_episodes(episodes, episodes_csv)
    write_days(days, days_csv)
    assert read_episodes(episodes_csv.getvalue()) == episodes
    assert read_days(days_csv.getvalue()) == days


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "timestamp,kind,regions,intensity,duration_s,note\n2026-11-20T08:00,twitch,eyelid,3,,\n",
            "line 2, column timestamp",
        ),
        (
            "timestamp,kind,regions,intensity,duration_s,note\n2026-11-20T08:00+01:00,wobble,eyelid,3,,\n",
            "line 2, column kind",
        ),
        (
            "timestamp,kind,regions,intensity,duration_s,note\n2026-11-20T08:00+01:00,twitch,tail,3,,\n",
            "line 2, column regions",
        ),
        (
            "timestamp,kind,regions,intensity,duration_s,note\n2026-11-20T08:00+01:00,twitch,eyelid,11,,\n",
            "line 2, column intensity",
        ),
        (
            "timestamp,kind,regions,intensity,duration_s,note,warning_signs\n"
            "2026-11-20T08:00+01:00,twitch,eyelid,3,,,fever;tired\n",
            "line 2, column warning_signs: 'tired'",
        ),
        ("timestamp,kind,intensity\n", "missing regions"),
        ("timestamp,kind,regions,intensity,duration_s,note,colour\n", "unknown column colour"),
    ],
    ids=[
        "no-offset",
        "bad-kind",
        "bad-region",
        "intensity-11",
        "bad-warning-sign",
        "missing-column",
        "unknown-column",
    ],
)
def test_bad_episode_csv_names_line_and_field(text: str, fragment: str) -> None:
    with pytest.raises(CsvProblem) as problem:
        read_episodes(text)
    assert fragment in str(problem.value)


def test_bad_days_csv_names_line_and_field() -> None:
    header = "date,caffeine_cups,sleep_hours,stress,water_glasses,exercise,nicotine,alcohol_units\n"
    with pytest.raises(CsvProblem) as problem:
        read_days(header + "2026-11-20,3,,,,,,\n2026-11-21,,25,,,,,\n2026-11-20,1,,,,,,\n")
    message = str(problem.value)
    assert "line 3, column sleep_hours" in message
    assert "line 4, column date" in message


def test_the_known_head_revision_is_alembics() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from myoguide.diary import store as store_module

    config = Config()
    folder = Path(store_module.__file__).parent / "migrations"
    config.set_main_option("script_location", str(folder))
    assert ScriptDirectory.from_config(config).get_current_head() == store_module.HEAD_REVISION
