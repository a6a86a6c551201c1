"""The diary on the web, in-process over HTTPS: accounts, sessions, CSRF, owners, export, erase.

Every test runs on SQLite and on PostgreSQL (skipped when the server is not reachable).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from myoguide.diary.accounts import MAX_FAILED_LOGINS
from myoguide.diary.analysis import every_finding, triggers_by_kind
from myoguide.diary.store import Diary, DiaryStore
from myoguide.diary.tables import DayRow, EpisodeRow, LoginAttemptRow, LoginSessionRow, User
from myoguide.web import create_app
from myoguide.web.sessions import SESSION_COOKIE

from .diaries import DiaryData, caffeine_twitch_diary, every_other_day_diary, many_factors_diary

PASSWORD = "correct horse battery"
API = "/api/v1/diary"
EPISODE = {
    "at": "2026-11-20T08:30:00+01:00",
    "kind": "twitch",
    "regions": ["eyelid"],
    "intensity": 4,
    "duration_s": 60,
    "note": "after the third coffee",
}
DAY = {"date": "2026-11-20", "caffeine_cups": 5, "sleep_hours": 6.5, "exercise": "light"}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("diary") / "web.sqlite3")
    else:
        url = request.getfixturevalue("postgres_database")
    store = DiaryStore.open(url)
    yield create_app(store=store)
    store.close()


@dataclass
class Person:
    client: TestClient
    name: str

    @property
    def csrf(self) -> str:
        token: str = self.client.get(f"{API}/session").json()["csrf_token"]
        return token

    def form_token(self, path: str = "/diary") -> str:
        found = CSRF_INPUT.search(self.client.get(path).text)
        assert found, f"no CSRF field on {path}"
        return found.group(1)

    def post(self, path: str, data: dict[str, Any], token: bool = True) -> Any:
        fields = {**data, "csrf_token": self.form_token()} if token else data
        return self.client.post(path, data=fields)

    def api(self, method: str, path: str, json: Any = None, token: bool = True) -> Any:
        headers = {"X-CSRF-Token": self.csrf} if token else {}
        return self.client.request(method, f"{API}{path}", json=json, headers=headers)

    def add_episode(self, **changes: Any) -> dict[str, Any]:
        """The episode as saved (the API's answer, less its `triage`)."""
        response = self.api("POST", "/episodes", {**EPISODE, **changes})
        assert response.status_code == 201, response.text
        episode: dict[str, Any] = response.json()
        assert "triage" in episode
        del episode["triage"]
        return episode

    @property
    def user_id(self) -> int:
        store: DiaryStore = self.client.app.state.diary.store  # type: ignore[attr-defined]
        with store.session() as session:
            found = session.scalar(select(User.id).where(User.name == self.name))
        assert found is not None
        return found


def browser(app: FastAPI, address: str | None = None) -> TestClient:
    """A browser of its own, on an address of its own (as the login limits see it)."""
    address = (
        address or f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(256)}"
    )
    return TestClient(
        app, base_url="https://testserver", follow_redirects=False, client=(address, 50000)
    )


def anonymous_token(client: TestClient, path: str) -> str:
    found = CSRF_INPUT.search(client.get(path).text)
    assert found
    return found.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    token = anonymous_token(client, "/diary/login")
    return client.post(
        "/diary/login", data={"csrf_token": token, "name": name, "password": password}
    )


@pytest.fixture
def person(app: FastAPI) -> Person:
    return register(app)


def register(app: FastAPI, name: str | None = None) -> Person:
    client = browser(app)
    name = name or f"user-{uuid.uuid4().hex[:10]}"
    token = anonymous_token(client, "/diary/register")
    response = client.post(
        "/diary/register", data={"csrf_token": token, "name": name, "password": PASSWORD}
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/diary"
    return Person(client, name)


# Accounts and sessions


def test_register_log_in_add_an_episode_and_see_it(app: FastAPI) -> None:
    person = register(app)
    assert person.post("/diary/logout", {}).status_code == 303
    assert person.client.get("/diary").headers["location"] == "/diary/login"

    response = log_in(person.client, person.name.upper())
    assert response.status_code == 303
    added = person.post(
        "/diary/episodes",
        {"kind": "spasm", "regions": "calf", "intensity": "7", "utc_offset": "-300"},
    )
    assert added.status_code == 303

    listed = person.client.get("/diary/episodes").text
    assert "Spasm" in listed and "calf" in listed and "strength 7/10" in listed
    episodes = person.api("GET", "/episodes").json()
    assert episodes[0]["at"].endswith("-05:00")


def test_quick_add_needs_a_place_and_says_so(person: Person) -> None:
    response = person.post("/diary/episodes", {"kind": "twitch", "intensity": "3"})
    assert response.status_code == 422
    assert "Choose where in the body" in response.text
    assert person.api("GET", "/episodes").json() == []


def banner(html: str) -> str:
    found = re.search(r'<div class="banner [^"]*"[^>]*id="triage">.*?</div>', html, re.DOTALL)
    return found.group(0) if found else ""


def test_a_warning_sign_with_an_episode_shows_the_triage(person: Person) -> None:
    quick = person.client.get("/diary").text
    signs = re.search(
        r"<details[^>]*>\s*<summary>Anything else with it\?</summary>.*?</details>",
        quick,
        re.DOTALL,
    )
    assert signs is not None and '<details class="more-details">' in signs.group(0)  # closed
    assert "<legend>Did you notice any of these?" in signs.group(0)
    assert 'name="warning_signs" value="breathing_difficulty"> Trouble breathing</label>' in quick

    added = person.post(
        "/diary/episodes",
        {"kind": "twitch", "regions": "eyelid", "intensity": "3"}
        | {"warning_signs": ["breathing_difficulty", "fever"]},
    )
    assert added.status_code == 303
    [episode] = person.api("GET", "/episodes").json()
    assert episode["warning_signs"] == ["breathing_difficulty", "fever"]
    assert added.headers["location"] == f"/diary?saved=episode&episode={episode['id']}"
    shown = banner(person.client.get(added.headers["location"]).text)
    assert 'class="banner banner-emergency" role="alert"' in shown
    assert "Emergency - call for help now" in shown and "emergency number" in shown
    assert "You noted: trouble breathing, fever." in shown
    assert "You have trouble breathing." in shown
    assert '<a href="/check">' in shown
    listed = person.client.get("/diary/episodes").text
    assert "Noted: trouble breathing, fever" in listed

    changed = person.post(
        f"/diary/episodes/{episode['id']}/edit",
        {"kind": "twitch", "regions": "eyelid", "intensity": "3", "warning_signs": "weakness"},
    )
    assert changed.headers["location"] == f"/diary/episodes?changed={episode['id']}"
    page = person.client.get(changed.headers["location"]).text
    assert "Episode changed." in page
    shown = banner(page)
    assert 'class="banner banner-see_doctor_soon" role="status"' in shown
    assert "See a doctor within a day or two" in shown and "You noted: muscle weakness." in shown
    edit_form = person.client.get(f"/diary/episodes/{episode['id']}/edit").text
    assert 'value="weakness" checked' in edit_form


def test_an_everyday_episode_shows_no_triage(app: FastAPI, person: Person) -> None:
    added = person.post("/diary/episodes", {"kind": "spasm", "regions": "calf", "intensity": "9"})
    assert added.headers["location"].startswith("/diary?saved=episode&episode=")
    page = person.client.get(added.headers["location"]).text
    assert "Episode saved." in page and banner(page) == ""
    theirs = register(app).add_episode(warning_signs=["breathing_difficulty"])
    for path in [f"/diary?saved=episode&episode={theirs['id']}", "/diary?episode=99999999999999"]:
        assert banner(person.client.get(path).text) == "", path
    assert banner(person.client.get(f"/diary/episodes?changed={theirs['id']}").text) == ""


def test_an_episode_the_check_would_flag_shows_its_advice_without_a_sign(
    person: Person,
) -> None:
    added = person.post("/diary/episodes", {"kind": "spasm", "regions": "chest", "intensity": "6"})
    page = person.client.get(added.headers["location"]).text
    assert "Episode saved." in page
    shown = banner(page)
    assert "chest" in shown.lower() and "You noted" not in shown


def test_an_unknown_warning_sign_is_refused(person: Person) -> None:
    response = person.post(
        "/diary/episodes",
        {"kind": "twitch", "regions": "eyelid", "intensity": "3", "warning_signs": "tired"},
    )
    assert response.status_code == 422
    assert "Choose only from the signs listed." in response.text
    assert '<details class="more-details" open>\n  <summary>Anything else with it?' in response.text
    assert person.api("GET", "/episodes").json() == []


def test_todays_factors_change_only_what_is_filled_in(person: Person) -> None:
    person.api("PUT", "/days/2026-11-21", {**DAY, "date": "2026-11-21"})
    response = person.post("/diary/days", {"date": "2026-11-21", "stress": "8", "sleep_hours": ""})
    assert response.status_code == 303
    day = person.api("GET", "/days/2026-11-21").json()
    assert (day["stress"], day["sleep_hours"], day["caffeine_cups"]) == (8, 6.5, 5)


def test_the_day_page_sets_blanks_to_not_logged(person: Person) -> None:
    person.api("PUT", "/days/2026-11-21", {**DAY, "date": "2026-11-21"})
    response = person.post(
        "/diary/days/2026-11-21", {"caffeine_cups": "2", "exercise": "", "medications": "a, b"}
    )
    assert response.status_code == 200 and "Day saved" in response.text
    day = person.api("GET", "/days/2026-11-21").json()
    assert (day["caffeine_cups"], day["sleep_hours"], day["exercise"]) == (2, None, None)
    assert day["medications"] == ["a", "b"]


def test_wrong_password_and_unknown_name_get_the_same_answer(app: FastAPI, person: Person) -> None:
    client = browser(app)
    wrong = log_in(client, person.name, "not the password")
    unknown = log_in(client, f"nobody-{uuid.uuid4().hex[:8]}", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match an account" in wrong.text and "do not match an account" in unknown.text
    assert SESSION_COOKIE not in client.cookies


def test_the_sixth_failed_login_is_refused_with_429(app: FastAPI, person: Person) -> None:
    client = browser(app)
    for _ in range(MAX_FAILED_LOGINS):
        assert log_in(client, person.name, "wrong password!").status_code == 401
    refused = log_in(client, person.name, "wrong password!")
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.text
    assert int(refused.headers["retry-after"]) > 0
    assert log_in(client, person.name, PASSWORD).status_code == 429


def test_logging_in_and_out_through_the_api(app: FastAPI, person: Person) -> None:
    client = browser(app)
    response = client.post(f"{API}/session", json={"name": person.name, "password": PASSWORD})
    assert response.status_code == 201, response.text
    flags = {part.strip().lower() for part in response.headers["set-cookie"].split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags
    info = response.json()
    assert info["user"] == person.name
    assert client.get(f"{API}/session").json()["csrf_token"] == info["csrf_token"]
    assert client.get(f"{API}/episodes").status_code == 200

    assert client.delete(f"{API}/session").status_code == 403  # no CSRF header
    out = client.delete(f"{API}/session", headers={"X-CSRF-Token": info["csrf_token"]})
    assert out.status_code == 204
    assert client.get(f"{API}/episodes").status_code == 401
    assert person.client.get(f"{API}/episodes").status_code == 200  # another session lives


def test_api_login_failures_and_the_rate_limit(app: FastAPI, person: Person) -> None:
    client = browser(app)
    unknown = client.post(f"{API}/session", json={"name": "nobody-x", "password": PASSWORD})
    assert unknown.status_code == 401
    assert "do not match an account" in unknown.json()["detail"]
    for _ in range(MAX_FAILED_LOGINS):
        wrong = client.post(f"{API}/session", json={"name": person.name, "password": "nope!"})
        assert wrong.status_code == 401
    refused = client.post(f"{API}/session", json={"name": person.name, "password": PASSWORD})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert SESSION_COOKIE not in client.cookies


def test_api_login_takes_only_json(app: FastAPI, person: Person) -> None:
    # A form on another site can post text/plain without asking first; only JSON is taken,
    # so no other site can log a browser in to an account of its choosing.
    body = f'{{"name": "{person.name}", "password": "{PASSWORD}"}}'
    client = browser(app)
    response = client.post(f"{API}/session", content=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 422
    assert SESSION_COOKIE not in client.cookies
    missing = client.post(f"{API}/session", json={"name": person.name})
    assert missing.status_code == 422 and "password" in missing.text


def test_expired_sessions_are_swept_at_the_next_login(app: FastAPI, person: Person) -> None:
    store: DiaryStore = app.state.diary.store
    with store.session() as session:
        rows = session.scalars(
            select(LoginSessionRow).where(LoginSessionRow.user_id == person.user_id)
        ).all()
        assert rows
        for row in rows:
            row.expires_at = row.expires_at.replace(year=2000)
    assert person.client.get(f"{API}/episodes").status_code == 401  # expired: no access
    assert (
        browser(app)
        .post(f"{API}/session", json={"name": person.name, "password": PASSWORD})
        .status_code
        == 201
    )
    with store.session() as session:
        left = session.scalars(
            select(LoginSessionRow.expires_at).where(LoginSessionRow.user_id == person.user_id)
        ).all()
    assert len(left) == 1 and left[0].year > 2000


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("ab", PASSWORD, "3 to 40 characters"),
        ("has space", PASSWORD, "3 to 40 characters"),
        ("local", PASSWORD, "reserved"),
        ("fine-name", "short", "at least 10 characters"),
    ],
)
def test_registration_rules(app: FastAPI, name: str, password: str, message: str) -> None:
    client = browser(app)
    token = anonymous_token(client, "/diary/register")
    response = client.post(
        "/diary/register", data={"csrf_token": token, "name": name, "password": password}
    )
    assert response.status_code == 422 and message in response.text


def test_a_taken_name_is_refused(app: FastAPI, person: Person) -> None:
    client = browser(app)
    token = anonymous_token(client, "/diary/register")
    response = client.post(
        "/diary/register",
        data={"csrf_token": token, "name": person.name, "password": "another password"},
    )
    assert response.status_code == 422 and "is taken" in response.text


def test_session_cookie_flags(app: FastAPI) -> None:
    client = browser(app)
    token = anonymous_token(client, "/diary/register")
    response = client.post(
        "/diary/register",
        data={"csrf_token": token, "name": f"c-{uuid.uuid4().hex[:8]}", "password": PASSWORD},
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-myoguide_session=")
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags


def test_insecure_cookies_only_when_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MYOGUIDE_INSECURE_COOKIES", "1")
    client = TestClient(create_app(store=str(tmp_path / "d.sqlite3")), follow_redirects=False)
    token = anonymous_token(client, "/diary/register")
    response = client.post(
        "/diary/register", data={"csrf_token": token, "name": "plainhttp", "password": PASSWORD}
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("myoguide_session=")  # a browser refuses __Host- without Secure
    assert "secure" not in cookie.lower()


def test_without_a_session_pages_go_to_login_and_the_api_says_401(app: FastAPI) -> None:
    client = browser(app)
    for path in ["/diary", "/diary/episodes", "/diary/triggers", "/diary/account"]:
        response = client.get(path)
        assert (response.status_code, response.headers["location"]) == (303, "/diary/login")
    for path in ["/episodes", "/triggers", "/export", "/session", "/episodes/1"]:
        assert client.get(f"{API}{path}").status_code == 401
    client.cookies.set(SESSION_COOKIE, "made-up")
    assert client.get(f"{API}/episodes").status_code == 401


# CSRF


def form_posts(episode_id: int) -> list[tuple[str, dict[str, str]]]:
    return [
        ("/diary/logout", {}),
        ("/diary/episodes", {"kind": "twitch", "regions": "eyelid", "intensity": "2"}),
        ("/diary/days", {"date": "2026-11-20", "stress": "9"}),
        (
            f"/diary/episodes/{episode_id}/edit",
            {"kind": "spasm", "regions": "calf", "intensity": "9"},
        ),
        (f"/diary/episodes/{episode_id}/delete", {}),
        ("/diary/days/2026-11-20", {"stress": "9"}),
        ("/diary/account/password", {"current_password": "x", "new_password": "y"}),
        ("/diary/account/sessions/end-others", {}),
        ("/diary/account/delete", {"password": "x"}),
    ]


@pytest.mark.parametrize("sent", ["none", "wrong"])
def test_every_form_refuses_a_post_without_the_csrf_token(person: Person, sent: str) -> None:
    episode = person.add_episode()
    person.api("PUT", "/days/2026-11-20", DAY)
    before = person.api("GET", "/export").json()
    posts = form_posts(episode["id"])
    posts[-1][1]["password"] = PASSWORD
    for path, data in posts:
        fields = data if sent == "none" else {**data, "csrf_token": "forged"}
        response = person.client.post(path, data=fields)
        assert response.status_code == 403, path
        assert "did not come from this site" in response.text
    assert person.api("GET", "/export").json() == before


@pytest.mark.parametrize("path", ["/diary/login", "/diary/register"])
def test_login_forms_refuse_a_post_without_the_csrf_token(app: FastAPI, path: str) -> None:
    client = browser(app)
    client.get(path)
    data = {"name": f"n-{uuid.uuid4().hex[:8]}", "password": PASSWORD}
    assert client.post(path, data=data).status_code == 403
    assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 403


def test_every_api_write_refuses_a_request_without_the_csrf_header(person: Person) -> None:
    episode = person.add_episode()
    before = person.api("GET", "/export").json()
    writes = [
        ("POST", "/episodes", EPISODE),
        ("PUT", f"/episodes/{episode['id']}", {**EPISODE, "intensity": 9}),
        ("DELETE", f"/episodes/{episode['id']}", None),
        ("PUT", "/days/2026-11-20", DAY),
    ]
    for method, path, body in writes:
        assert person.api(method, path, body, token=False).status_code == 403, path
        wrong = person.client.request(
            method, f"{API}{path}", json=body, headers={"X-CSRF-Token": "forged"}
        )
        assert wrong.status_code == 403, path
    assert person.api("GET", "/export").json() == before


# Owners


def test_another_persons_episode_is_not_found_by_id_url_or_api(app: FastAPI) -> None:
    alice, bob = register(app), register(app)
    theirs = alice.add_episode()
    alice.api("PUT", "/days/2026-11-20", DAY)
    before = alice.api("GET", "/export").json()
    episode_id = theirs["id"]

    for path in [f"/diary/episodes/{episode_id}/edit", f"/diary/episodes/{episode_id}/delete"]:
        assert bob.client.get(path).status_code == 404, path
    edit = {"kind": "spasm", "regions": "calf", "intensity": "9"}
    assert bob.post(f"/diary/episodes/{episode_id}/edit", edit).status_code == 404
    assert bob.post(f"/diary/episodes/{episode_id}/delete", {}).status_code == 404
    assert bob.api("GET", f"/episodes/{episode_id}").status_code == 404
    assert bob.api("PUT", f"/episodes/{episode_id}", EPISODE).status_code == 404
    assert bob.api("DELETE", f"/episodes/{episode_id}").status_code == 404
    assert bob.api("GET", "/days/2026-11-20").status_code == 404
    assert bob.api("GET", "/episodes").json() == []
    assert alice.name not in bob.client.get(f"/diary/episodes/{episode_id}/edit").text

    bob.api("PUT", "/days/2026-11-20", {"date": "2026-11-20", "stress": 1})
    assert alice.api("GET", "/export").json() == before


def test_api_round_trip(person: Person) -> None:
    episode = person.add_episode()
    assert person.api("GET", f"/episodes/{episode['id']}").json() == episode
    changed = person.api("PUT", f"/episodes/{episode['id']}", {**EPISODE, "intensity": 9})
    assert changed.json() == {**episode, "intensity": 9, "triage": None}
    assert person.api("DELETE", f"/episodes/{episode['id']}").status_code == 204
    assert person.api("GET", f"/episodes/{episode['id']}").status_code == 404
    assert person.api("PUT", "/days/2026-11-20", {**DAY, "date": "2026-11-19"}).status_code == 422
    assert person.api("POST", "/episodes", {**EPISODE, "intensity": 11}).status_code == 422


def test_saving_an_episode_answers_with_the_advice_it_needs(person: Person) -> None:
    plain = person.api("POST", "/episodes", EPISODE).json()
    assert plain["triage"] is None  # an everyday twitch: no alarm

    breathing = {**EPISODE, "warning_signs": ["breathing_difficulty"]}
    saved = person.api("POST", "/episodes", breathing).json()
    assert saved["triage"]["level"] == "emergency"
    assert "emergency number" in saved["triage"]["action"]
    assert saved["triage"]["signs"] == ["breathing_difficulty"]
    assert [r["id"] for r in saved["triage"]["reasons"]] == ["breathing_difficulty"]
    assert all(r["sources"] for r in saved["triage"]["reasons"])  # every reason is cited

    chest = {**EPISODE, "kind": "spasm", "regions": ["chest"]}
    changed = person.api("PUT", f"/episodes/{plain['id']}", chest).json()
    assert changed["triage"]["level"] == "see_doctor_soon"
    assert changed["triage"]["signs"] == []
    # What is stored is the episode; the advice is worked out, never kept.
    assert "triage" not in person.api("GET", f"/episodes/{plain['id']}").json()


def test_triggers_are_the_json_of_the_command(person: Person) -> None:
    for day in range(1, 21):
        date = f"2026-10-{day:02d}"
        person.api("PUT", f"/days/{date}", {"date": date, "caffeine_cups": day % 4})
        for _ in range(day % 4):
            person.add_episode(at=f"{date}T09:00:00+00:00")
    store: DiaryStore = person.client.app.state.diary.store  # type: ignore[attr-defined]
    book = Diary(store, person.user_id)
    sections = triggers_by_kind(book.days(), book.episodes())
    expected = [f.model_dump(mode="json") for f in every_finding(sections)]
    assert person.api("GET", "/triggers").json() == expected
    page = person.client.get("/diary/triggers")
    assert page.status_code == 200 and "<svg" in page.text
    assert person.client.get("/diary/triggers?factor=caffeine_cups").status_code == 200


def seeded(person: Person, diary: DiaryData) -> None:
    store: DiaryStore = person.client.app.state.diary.store  # type: ignore[attr-defined]
    days, episodes = diary
    Diary(store, person.user_id).import_entries(episodes, days)


def strict_json(text: str) -> Any:
    """JSON as the standard has it: NaN and Infinity are refused."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def finding_on_page(page: str, factor: str, kind: str = "twitch") -> str:
    found = re.search(
        rf'<ul class="findings" data-kind="{kind}">.*?<li data-factor="{factor}">(.*?)</li>',
        page,
        re.DOTALL,
    )
    assert found, f"no {kind} finding for {factor}"
    return found.group(1)


def test_a_factor_on_every_other_day_breaks_no_page(person: Person) -> None:
    seeded(person, every_other_day_diary())
    for query in ("", "?kind=twitch", "?kind=spasm"):
        response = person.api("GET", f"/triggers{query}")
        assert response.status_code == 200, response.text
        for finding in strict_json(response.text):
            figures = [finding["rate_ratio"], *(finding["ci95"] or [])]
            assert all(math.isfinite(v) for v in figures if v is not None)
    page = person.client.get("/diary/triggers")
    assert page.status_code == 200
    assert finding_on_page(page.text, "nicotine").startswith("On days with nicotine you logged")
    report = person.client.get("/diary/account/report.pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")


def test_triggers_of_twitches_and_spasms_apart(person: Person) -> None:
    seeded(person, caffeine_twitch_diary())
    findings = person.api("GET", "/triggers").json()
    assert [f["kind"] for f in findings] == ["twitch"] * 7 + ["spasm"] * 7
    verdicts = {(f["kind"], f["factor"]): f["verdict"] for f in findings}
    assert verdicts["twitch", "caffeine_cups"] == "trigger"
    assert verdicts["spasm", "caffeine_cups"] == "no_clear_link"
    only_spasms = person.api("GET", "/triggers?kind=spasm").json()
    assert only_spasms == [f for f in findings if f["kind"] == "spasm"]
    page = person.client.get("/diary/triggers").text
    assert page.index('<h2 id="twitch">Twitches</h2>') < page.index(
        '<h2 id="spasm">Spasms and cramps</h2>'
    )
    assert "times as many twitches" in finding_on_page(page, "caffeine_cups", "twitch")
    assert "No clear link" in finding_on_page(page, "caffeine_cups", "spasm")
    assert "Rate ratios of your factors for twitches" in page
    assert "Rate ratios of your factors for spasms" in page


def test_triggers_page_says_why_a_range_without_1_is_no_clear_link(person: Person) -> None:
    seeded(person, many_factors_diary())
    nicotine = finding_on_page(person.client.get("/diary/triggers").text, "nicotine")
    assert nicotine.startswith("No clear link between nicotine and your twitches")
    assert nicotine.endswith(
        "This range leaves out 1, but because we checked 7 factors at once, a pattern this"
        " strong can turn up by chance; it needs more days to tell."
    )


# Export and erase


def test_export_holds_everything(person: Person) -> None:
    first = person.add_episode()
    second = person.add_episode(
        kind="spasm", regions=["calf", "foot"], note='a, "quoted" note', warning_signs=["fever"]
    )
    person.api("PUT", "/days/2026-11-20", {**DAY, "medications": ["magnesium"]})

    exported = person.client.get("/diary/account/export.json")
    assert exported.headers["content-disposition"].startswith("attachment")
    data = exported.json()
    account = data["account"]
    assert account["name"] == person.name
    assert dt.datetime.fromisoformat(account["created_at"]).tzinfo is not None
    assert len(account["sessions"]) == 1 and account["logins"] == []
    assert [e["id"] for e in data["episodes"]] == [first["id"], second["id"]]
    saved = data["episodes"][1]
    assert saved["created_at"] == saved["updated_at"] is not None
    assert {k: v for k, v in saved.items() if k not in {"created_at", "updated_at"}} == second
    assert data["days"][0]["updated_at"] is not None
    assert data["days"][0]["medications"] == ["magnesium"]
    assert person.api("GET", "/export").json() == data

    episodes = list(
        csv.DictReader(io.StringIO(person.client.get("/diary/account/episodes.csv").text))
    )
    assert [row["note"] for row in episodes] == [EPISODE["note"], second["note"]]
    assert [row["warning_signs"] for row in episodes] == ["", "fever"]
    assert data["episodes"][1]["warning_signs"] == ["fever"]
    days = list(csv.DictReader(io.StringIO(person.client.get("/diary/account/days.csv").text)))
    assert [row["date"] for row in days] == ["2026-11-20"]


def test_the_diary_downloads_as_fhir_from_the_account_page(app: FastAPI) -> None:
    from fhir.resources.R4B.bundle import Bundle

    from myoguide.fhir.diary import read_diary_bundle

    person, other = register(app), register(app)
    person.add_episode()
    person.add_episode(kind="spasm", regions=["calf"], note="after a long run")
    person.api("PUT", "/days/2026-11-20", DAY)
    other.add_episode(note="someone else's")
    page = person.client.get("/diary/account").text
    assert '<a href="/diary/account/diary.fhir.json" download>' in page

    download = person.client.get("/diary/account/diary.fhir.json")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/fhir+json")
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["cache-control"] == "no-store"
    Bundle.model_validate_json(download.content)
    episodes, days = read_diary_bundle(download.content)
    assert [e.note for e in episodes] == [EPISODE["note"], "after a long run"]
    assert [str(d.date) for d in days] == [DAY["date"]]
    api = person.api("GET", "/export?format=fhir")
    assert read_diary_bundle(api.content) == (episodes, days)

    theirs, _ = read_diary_bundle(other.client.get("/diary/account/diary.fhir.json").content)
    assert [e.note for e in theirs] == ["someone else's"]
    logged_out = browser(app).get("/diary/account/diary.fhir.json")
    assert (logged_out.status_code, logged_out.headers["location"]) == (303, "/diary/login")


def test_the_report_for_a_doctor_downloads_as_pdf(person: Person) -> None:
    from pypdf import PdfReader

    person.add_episode()
    person.add_episode(
        kind="spasm", regions=["calf"], warning_signs=["calf_swelling_redness_warmth"]
    )
    report = person.client.get("/diary/account/report.pdf")
    assert report.status_code == 200
    assert report.headers["content-type"] == "application/pdf"
    assert report.headers["content-disposition"].startswith("attachment")
    pages = PdfReader(io.BytesIO(report.content)).pages
    assert 1 <= len(pages) <= 2
    text = pages[0].extract_text()
    assert "2 (1 twitch, 1 spasm)" in text
    assert "Eyelid 1, Calf 1" in text
    assert "A swollen, red or warm calf 1 20 November 2026 20 November 2026" in text


def rows_of(store: DiaryStore, user_id: int, name: str) -> dict[str, int]:
    counts = {}
    with store.session() as session:
        for table, column in [
            ("users", User.id),
            ("episodes", EpisodeRow.user_id),
            ("days", DayRow.user_id),
            ("login_sessions", LoginSessionRow.user_id),
        ]:
            counts[table] = session.scalar(select(func.count()).where(column == user_id)) or 0
        counts["login_attempts"] = (
            session.scalar(select(func.count()).where(LoginAttemptRow.user_id == user_id)) or 0
        )
    return counts


def test_deleting_the_account_erases_everything(app: FastAPI) -> None:
    person, other = register(app), register(app)
    person.add_episode()
    person.api("PUT", "/days/2026-11-20", DAY)
    other.add_episode()
    log_in(browser(app), person.name, "a wrong password")
    store: DiaryStore = app.state.diary.store
    user_id = person.user_id
    assert all(rows_of(store, user_id, person.name).values())

    refused = person.post("/diary/account/delete", {"password": "not the password"})
    assert refused.status_code == 422 and "That is not your password" in refused.text
    assert all(rows_of(store, user_id, person.name).values())

    deleted = person.post("/diary/account/delete", {"password": PASSWORD})
    assert deleted.status_code == 200 and "deleted" in deleted.text
    assert f'{SESSION_COOKIE}=""' in deleted.headers["set-cookie"]
    assert not any(rows_of(store, user_id, person.name).values())
    assert person.client.get("/diary").status_code == 303
    assert log_in(browser(app), person.name).status_code == 401
    assert len(other.api("GET", "/episodes").json()) == 1


def test_an_api_client_can_register_and_delete_its_account(app: FastAPI) -> None:
    client = browser(app)
    name = f"api-{uuid.uuid4().hex[:8]}"
    created = client.post(f"{API}/account", json={"name": name, "password": PASSWORD})
    assert created.status_code == 201, created.text
    assert created.json()["user"] == name
    person = Person(client, name)
    person.add_episode()
    person.api("PUT", "/days/2026-11-20", DAY)
    user_id = person.user_id
    store: DiaryStore = app.state.diary.store
    assert all(
        count for table, count in rows_of(store, user_id, name).items() if table != "login_attempts"
    )

    assert person.api("DELETE", "/account", {"password": PASSWORD}, token=False).status_code == 403
    assert rows_of(store, user_id, name)["episodes"] == 1
    assert person.api("DELETE", "/account").status_code == 422  # the password is asked for
    wrong = person.api("DELETE", "/account", {"password": "not the password"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "password"]
    assert rows_of(store, user_id, name)["episodes"] == 1
    gone = person.api("DELETE", "/account", {"password": PASSWORD})
    assert gone.status_code == 204
    assert f'{SESSION_COOKIE}=""' in gone.headers["set-cookie"]
    assert not any(rows_of(store, user_id, name).values())
    assert client.get(f"{API}/episodes").status_code == 401
    again = browser(app).post(f"{API}/session", json={"name": name, "password": PASSWORD})
    assert again.status_code == 401


@pytest.mark.parametrize(
    ("name", "password", "field", "message"),
    [
        ("ab", PASSWORD, "name", "3 to 40 characters"),
        ("has space", PASSWORD, "name", "3 to 40 characters"),
        ("fine-name", "short", "password", "at least 10 characters"),
        ("fine-name", "x" * 2000, "password", "at most 1024 characters"),
    ],
)
def test_api_registration_names_the_field_to_change(
    app: FastAPI, name: str, password: str, field: str, message: str
) -> None:
    response = browser(app).post(f"{API}/account", json={"name": name, "password": password})
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["body", field]
    assert message in problem["msg"]


def test_api_registration_of_a_taken_name_is_a_conflict(app: FastAPI, person: Person) -> None:
    response = browser(app).post(
        f"{API}/account", json={"name": person.name.upper(), "password": "another password"}
    )
    assert response.status_code == 409 and "is taken" in response.json()["detail"]
    reserved = browser(app).post(f"{API}/account", json={"name": "Root", "password": PASSWORD})
    assert reserved.status_code == 409 and "reserved" in reserved.json()["detail"]


# Pages: no inline script, headers


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        self.handlers += [name for name in names if name.startswith("on")]
        self._in_script = tag == "script" and "src" not in names

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def diary_pages(person: Person) -> list[str]:
    episode = person.add_episode(warning_signs=["weakness"])
    return [
        "/diary",
        f"/diary?saved=episode&episode={episode['id']}",
        "/diary/episodes",
        f"/diary/episodes?changed={episode['id']}",
        f"/diary/episodes/{episode['id']}/edit",
        f"/diary/episodes/{episode['id']}/delete",
        "/diary/days/2026-11-20",
        "/diary/triggers",
        "/diary/account",
        "/diary/login",
        "/diary/register",
    ]


def test_pages_have_no_inline_script_and_every_form_a_csrf_token(person: Person) -> None:
    for path in diary_pages(person):
        response = person.client.get(path)
        assert response.status_code == 200, path
        parser = _Scripts()
        parser.feed(response.text)
        assert parser.inline == [] and parser.handlers == [], path
        forms = response.text.count("<form")
        assert response.text.count('name="csrf_token"') == forms, path


def test_security_headers_on_diary_pages_and_api(person: Person) -> None:
    for path in ["/diary", "/diary/login", f"{API}/episodes", "/diary/account/export.json"]:
        headers = person.client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"


# What people type: dates in the future, notes too long, the day's date from the path


def later(**delta: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(**delta)


def test_the_api_refuses_an_episode_in_the_future_naming_the_field(person: Person) -> None:
    future = later(days=2).isoformat()
    refused = person.api("POST", "/episodes", {**EPISODE, "at": future})
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["field"] == "at" and "later than now" in problem["msg"]
    episode = person.add_episode(at=later(minutes=2).isoformat())  # a clock a little fast
    changed = person.api("PUT", f"/episodes/{episode['id']}", {**EPISODE, "at": future})
    assert changed.status_code == 422 and changed.json()["detail"][0]["field"] == "at"
    assert [e["at"] for e in person.api("GET", "/episodes").json()] == [episode["at"]]


def test_a_day_takes_its_date_from_the_path_and_is_not_in_the_future(person: Person) -> None:
    factors = {"caffeine_cups": 3, "stress": 4}
    saved = person.api("PUT", "/days/2026-11-22", factors)
    assert saved.status_code == 200, saved.text
    assert saved.json()["date"] == "2026-11-22" and saved.json()["stress"] == 4
    same = person.api("PUT", "/days/2026-11-22", {**factors, "date": "2026-11-22"})
    assert same.status_code == 200
    other = person.api("PUT", "/days/2026-11-22", {**factors, "date": "2026-11-23"})
    assert other.status_code == 422
    assert other.json()["detail"][0]["field"] == "date"
    assert "2026-11-22" in other.json()["detail"][0]["msg"]
    coming = (later(days=2)).date().isoformat()
    refused = person.api("PUT", f"/days/{coming}", factors)
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["field"] == "path.date" and "has not come yet" in problem["msg"]
    assert person.api("GET", f"/days/{coming}").status_code == 404


def test_the_pages_refuse_a_time_or_a_day_in_the_future(person: Person) -> None:
    future = later(days=2).strftime("%Y-%m-%dT%H:%M")
    response = person.post(
        "/diary/episodes",
        {"kind": "twitch", "regions": "eyelid", "intensity": "3", "at": future, "utc_offset": "0"},
    )
    assert response.status_code == 422
    assert "That time is later than now. Give a time that has already happened." in response.text
    assert f'value="{future}"' in response.text  # what was typed is kept to correct
    coming = later(days=2).date().isoformat()
    day = person.post(f"/diary/days/{coming}", {"stress": "3"})
    assert day.status_code == 422 and "That day has not come yet." in day.text
    quick = person.post("/diary/days", {"date": coming, "stress": "3"})
    assert quick.status_code == 422 and "That day has not come yet." in quick.text
    assert person.api("GET", "/episodes").json() == []
    assert person.api("GET", f"/days/{coming}").status_code == 404


def test_a_note_too_long_is_refused_not_cut(person: Person) -> None:
    quick = person.client.get("/diary").text
    assert 'name="note"' in quick and "maxlength" not in quick.split('name="note"')[1][:40]
    note = "private words " * 150 + "end"  # 2103 characters
    response = person.post(
        "/diary/episodes", {"kind": "twitch", "regions": "eyelid", "intensity": "3", "note": note}
    )
    assert response.status_code == 422
    assert "Your note is too long: at most 2000 characters (it has 2103)." in response.text
    assert note in response.text  # kept in the form, to shorten
    assert person.api("GET", "/episodes").json() == []
    episode = person.add_episode()
    edited = person.post(
        f"/diary/episodes/{episode['id']}/edit",
        {"kind": "twitch", "regions": "eyelid", "intensity": "3", "note": note},
    )
    assert edited.status_code == 422 and "Your note is too long" in edited.text
    assert person.api("GET", f"/episodes/{episode['id']}").json()["note"] == EPISODE["note"]
    api = person.api("POST", "/episodes", {**EPISODE, "note": note})
    assert api.status_code == 422 and "private words" not in api.text


def test_the_day_forms_read_numbers_as_people_type_them(person: Person) -> None:
    response = person.post(
        "/diary/days/2026-11-21", {"stress": "7/10", "sleep_hours": "6,5", "caffeine_cups": "3"}
    )
    assert response.status_code == 200, response.text
    day = person.api("GET", "/days/2026-11-21").json()
    assert (day["stress"], day["sleep_hours"], day["caffeine_cups"]) == (7, 6.5, 3)
    refused = person.post("/diary/days/2026-11-21", {"stress": "7.5", "sleep_hours": "lots"})
    assert refused.status_code == 422
    assert "Give a whole number from 0 to 10" in refused.text
    assert "Give a number, for example 3 or 6.5." in refused.text
