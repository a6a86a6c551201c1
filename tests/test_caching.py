"""No response that may hold health data is stored by a browser or a proxy; HTTPS is sticky.

In-process over HTTPS and plain HTTP, and the real server behind a trusted proxy.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from myoguide.diary.store import DiaryStore
from myoguide.web import create_app

from .servers import running_server, signed_in

PASSWORD = "correct horse battery"
HSTS = "max-age=63072000; includeSubDomains"
EPISODE = {"at": "2026-01-20T08:30:00+01:00", "kind": "twitch", "regions": ["eyelid"]}
ANSWERS = {"sensation": "jumping", "locations": ["eyelid"]}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    store = DiaryStore.open(str(tmp_path_factory.mktemp("caching") / "diary.sqlite3"))
    yield create_app(store=store)
    store.close()


@pytest.fixture(scope="module")
def person(app: FastAPI) -> TestClient:
    """A signed-in client over HTTPS, with an episode and a day in its diary."""
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    body = {"name": f"user-{uuid.uuid4().hex[:10]}", "password": PASSWORD}
    token = client.post("/api/v1/diary/account", json=body).json()["csrf_token"]
    headers = {"X-CSRF-Token": token}
    episode = {**EPISODE, "intensity": 4, "note": "a note"}
    assert client.post("/api/v1/diary/episodes", json=episode, headers=headers).is_success
    day = {"caffeine_cups": 4, "medications": ["magnesium"]}
    assert client.put("/api/v1/diary/days/2026-01-20", json=day, headers=headers).is_success
    return client


PERSONAL_GETS = [
    "/diary",
    "/diary/episodes",
    "/diary/episodes/1/edit",
    "/diary/days/2026-01-20",
    "/diary/triggers",
    "/diary/account",
    "/diary/account/export.json",
    "/diary/account/episodes.csv",
    "/diary/account/days.csv",
    "/diary/account/report.pdf",
    "/api/v1/diary/session",
    "/api/v1/diary/episodes",
    "/api/v1/diary/episodes/1",
    "/api/v1/diary/days/2026-01-20",
    "/api/v1/diary/triggers",
    "/api/v1/diary/export",
    "/diary/login",
    "/check",
    "/check/all",
]


def assert_not_stored(response: httpx2.Response) -> None:
    assert response.headers["cache-control"] == "no-store", response.request.url
    assert response.headers["pragma"] == "no-cache", response.request.url


@pytest.mark.parametrize("path", PERSONAL_GETS)
def test_nothing_personal_is_cached(person: TestClient, path: str) -> None:
    response = person.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    assert_not_stored(response)
    assert response.headers["strict-transport-security"] == HSTS


def test_the_checks_answers_and_errors_are_not_cached(person: TestClient) -> None:
    result = person.post("/check", data={"sensation": "jumping", "locations": "eyelid"})
    assert result.status_code == 200
    assert_not_stored(result)
    step = person.post("/check/next", data={"state": "{}", "action": "back"})
    assert step.status_code == 200
    assert_not_stored(step)
    download = person.post("/check/result.json", data={"answers": json.dumps(ANSWERS)})
    assert download.status_code == 200
    assert_not_stored(download)
    assessed = person.post("/api/v1/assessments", json=ANSWERS)
    assert assessed.status_code == 200
    assert_not_stored(assessed)
    for refused in (
        person.get("/api/v1/diary/episodes/999999"),
        person.post("/api/v1/diary/episodes", json={**EPISODE, "intensity": 99}),
    ):
        assert refused.status_code in {403, 404, 422}
        assert_not_stored(refused)


def test_static_files_may_be_cached(person: TestClient) -> None:
    response = person.get("/static/site.css")
    assert response.status_code == 200
    assert "cache-control" not in response.headers
    assert response.headers["strict-transport-security"] == HSTS


def test_no_hsts_over_plain_http(app: FastAPI) -> None:
    with TestClient(app, base_url="http://testserver") as client:
        response = client.get("/diary/login")
    assert response.status_code == 200
    assert "strict-transport-security" not in response.headers
    assert_not_stored(response)


def test_hsts_behind_a_trusted_proxy_that_terminates_https(tmp_path: Path) -> None:
    """X-Forwarded-Proto counts only from the proxy named with --trusted-proxy."""
    database = str(tmp_path / "diary.sqlite3")
    forwarded = {"X-Forwarded-Proto": "https"}
    trusted = ("--trusted-proxy", "127.0.0.1")
    with (
        running_server(database, tmp_path / "trusted.log", *trusted) as server,
        signed_in(server, "proxied", register=True) as client,
    ):
        response = client.get("/diary", headers=forwarded)
        assert response.status_code == 200
        assert response.headers["strict-transport-security"] == HSTS
        assert_not_stored(response)
        assert "strict-transport-security" not in client.get("/diary").headers
    with running_server(database, tmp_path / "untrusted.log") as server:
        response = httpx2.get(f"{server.base_url}/diary/login", headers=forwarded)
        assert response.status_code == 200
        assert "strict-transport-security" not in response.headers
