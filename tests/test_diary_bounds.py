"""One diary cannot tie up the server: the analysis and the report cover at most the last
two years, whatever dates the stored rows hold (year 2 and year 9998 once took 7 to 10 s)."""

from __future__ import annotations

import datetime as dt
import io
import time
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from myoguide.diary.analysis import ANALYSIS_DAYS, recent_period, triggers_by_kind
from myoguide.diary.models import Day, Episode
from myoguide.diary.report import doctor_report
from myoguide.diary.store import Diary, DiaryStore
from myoguide.diary.tables import User
from myoguide.web import create_app

RECENT = dt.date(2026, 1, 5)
ANCIENT = dt.date(2, 1, 1)
FAR_FUTURE = dt.date(9998, 1, 1)  # a row stored before future dates were refused


def stored_day(date: dt.date, cups: float) -> Day:
    return Day(date=date, caffeine_cups=cups, medications=["magnesium"])


def stored_episode(date: dt.date, count: int = 1) -> list[Episode]:
    at = dt.datetime.combine(date, dt.time(12), tzinfo=dt.UTC)
    return [Episode(id=1, at=at, kind="twitch", regions=["calf"], intensity=3)] * count


def far_apart(last: dt.date) -> tuple[list[Day], list[Episode]]:
    """40 days in year 2 and 60 days ending on `last`, with episodes on both."""
    days, episodes = [], []
    for start, length in ((ANCIENT, 40), (last - dt.timedelta(days=59), 60)):
        for offset in range(length):
            date = start + dt.timedelta(days=offset)
            days.append(stored_day(date, 5 if offset % 3 == 0 else 1))
            episodes += stored_episode(date, 3 if offset % 3 == 0 else 1)
    return days, episodes


def test_the_analysis_covers_the_last_two_years() -> None:
    days, episodes = far_apart(RECENT)
    assert recent_period(days, episodes) == (RECENT - dt.timedelta(days=ANALYSIS_DAYS - 1), RECENT)
    started = time.perf_counter()
    findings = triggers_by_kind(days, episodes)
    assert time.perf_counter() - started < 1
    recent = [day for day in days if day.date.year == 2026 or day.date.month >= 11]
    alone = triggers_by_kind(recent, [e for e in episodes if e.at.year > 2])
    assert findings == alone
    assert recent_period([stored_day(ANCIENT, 1)], []) == (dt.date(1, 1, 1), ANCIENT)
    assert recent_period([], []) is None


def test_the_report_says_what_it_leaves_out() -> None:
    days, episodes = far_apart(RECENT)
    started = time.perf_counter()
    pdf = doctor_report(days, episodes)
    assert time.perf_counter() - started < 2
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    first = RECENT - dt.timedelta(days=ANALYSIS_DAYS - 1)
    assert f"{first.day} {first:%B %Y} to 5 January 2026 (730 days" in text
    left_out = "68 episodes and 40 days of factors from before then are left out."
    assert f"It covers at most 2 years: {left_out}" in text
    assert "Episodes 100 (" in text


@pytest.fixture
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A signed-in person whose stored diary spans year 2 to year 9998."""
    store = DiaryStore.open(str(tmp_path_factory.mktemp("bounds") / "diary.sqlite3"))
    client = TestClient(create_app(store=store), base_url="https://testserver")
    name = f"user-{uuid.uuid4().hex[:10]}"
    response = client.post(
        "/api/v1/diary/account", json={"name": name, "password": "correct horse battery"}
    )
    assert response.status_code == 201, response.text
    with store.session() as session:
        user_id = session.scalar(select(User.id).where(User.name == name))
    assert user_id is not None
    book = Diary(store, user_id)
    days, episodes = far_apart(FAR_FUTURE)
    for day in days:
        book.set_day(day)
    book.import_entries(episodes, [])
    yield client
    store.close()


@pytest.mark.parametrize(
    ("path", "limit_s"),
    [
        ("/diary/triggers", 1.0),
        ("/api/v1/diary/triggers", 1.0),
        ("/diary/account/report.pdf", 2.0),
    ],
)
def test_far_apart_dates_answer_quickly(client: TestClient, path: str, limit_s: float) -> None:
    client.get("/diary")  # the first request opens the store
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text[:300]
    assert elapsed < limit_s, f"{path} took {elapsed:.2f} s"
