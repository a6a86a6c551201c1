"""Accounts on the web, in-process on SQLite and PostgreSQL: password rules, changing the
password, sessions (listing, ending the others, the idle timeout), cookies, what the login
records keep, the registration limit, the export and what deletion leaves on disk."""

from __future__ import annotations

import datetime as dt
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert, select, update

from myoguide.diary.accounts import MAX_REGISTRATIONS
from myoguide.diary.store import DiaryStore
from myoguide.diary.tables import LoginAttemptRow, LoginSessionRow
from myoguide.web import create_app
from myoguide.web.sessions import FORM_COOKIE, SESSION_COOKIE

from .test_diary_web import (
    API,
    PASSWORD,
    Person,
    anonymous_token,
    app,
    browser,
    log_in,
    register,
)

__all__ = ["app"]  # the fixture, shared with test_diary_web

NEW_PASSWORD = "a brand new passphrase"


def api_register(
    app: FastAPI, name: str, password: str, address: str | None = None
) -> httpx2.Response:
    return browser(app, address).post(f"{API}/account", json={"name": name, "password": password})


def page_register(app: FastAPI, name: str, password: str) -> httpx2.Response:
    client = browser(app)
    token = anonymous_token(client, "/diary/register")
    return client.post(
        "/diary/register", data={"csrf_token": token, "name": name, "password": password}
    )


# Password rules (NIST SP 800-63B)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("1234567890", "simple pattern"),
        ("iloveyou12", "common or leaked"),
        ("abcdefghijkl", "simple pattern"),
        ("0987654321", "simple pattern"),
        ("aaaaaaaaaaaa", "simple pattern"),
        ("abcabcabcabc", "simple pattern"),
        ("          ", "at least 10 characters"),
        ("   short   ", "at least 10 characters"),
        ("password12", "common or leaked"),
        ("qwertyuiop", "common or leaked"),
        ("Sunshine2024!", "common or leaked"),
        ("123football!!", "common or leaked"),
        ("{name}-secret", "your user name"),
    ],
)
def test_weak_passwords_are_refused_alike_on_the_page_and_the_api(
    app: FastAPI, password: str, message: str
) -> None:
    name = f"weak-{uuid.uuid4().hex[:8]}"
    typed = password.format(name=name.upper())
    on_api = api_register(app, name, typed)
    assert on_api.status_code == 422
    problem = on_api.json()["detail"][0]
    assert problem["loc"] == ["body", "password"] and message in problem["msg"]
    on_page = page_register(app, name, typed)
    assert on_page.status_code == 422 and message in on_page.text


def test_a_passphrase_is_taken(app: FastAPI) -> None:
    assert (
        api_register(app, f"ok-{uuid.uuid4().hex[:8]}", "purple kettle on mars").status_code == 201
    )


def test_spaces_around_a_password_do_not_count_on_the_page_or_the_api(app: FastAPI) -> None:
    name = f"spaces-{uuid.uuid4().hex[:8]}"
    assert api_register(app, name, f"  {PASSWORD}  ").status_code == 201
    assert log_in(browser(app), name, PASSWORD).status_code == 303
    for typed in (PASSWORD, f" {PASSWORD}\t"):
        response = browser(app).post(f"{API}/session", json={"name": name, "password": typed})
        assert response.status_code == 201


# Changing the password


def test_changing_the_password_on_the_page(app: FastAPI) -> None:
    person = register(app)
    elsewhere = browser(app)
    assert log_in(elsewhere, person.name).status_code == 303

    wrong = person.post(
        "/diary/account/password",
        {"current_password": "not it at all", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422 and "That is not your password" in wrong.text
    weak = person.post(
        "/diary/account/password", {"current_password": PASSWORD, "new_password": "password123"}
    )
    assert weak.status_code == 422 and "common or leaked" in weak.text
    assert log_in(browser(app), person.name, PASSWORD).status_code == 303

    done = person.post(
        "/diary/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert (done.status_code, done.headers["location"]) == (303, "/diary/account?done=password")
    assert "Your password is changed" in person.client.get(done.headers["location"]).text
    assert log_in(browser(app), person.name, PASSWORD).status_code == 401
    assert log_in(browser(app), person.name, NEW_PASSWORD).status_code == 303
    assert elsewhere.get(f"{API}/episodes").status_code == 401  # other sessions ended
    assert person.client.get(f"{API}/episodes").status_code == 200  # this one lives


def test_changing_the_password_through_the_api(app: FastAPI) -> None:
    person = register(app)
    other = browser(app)
    assert (
        other.post(f"{API}/session", json={"name": person.name, "password": PASSWORD}).status_code
        == 201
    )
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}

    assert person.api("PUT", "/account/password", change, token=False).status_code == 403
    wrong = person.api("PUT", "/account/password", {**change, "current_password": "wrong one!"})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "current_password"]
    weak = person.api("PUT", "/account/password", {**change, "new_password": person.name * 2})
    assert weak.status_code == 422
    assert weak.json()["detail"][0]["loc"] == ["body", "new_password"]

    assert person.api("PUT", "/account/password", change).status_code == 204
    assert other.get(f"{API}/episodes").status_code == 401
    again = browser(app).post(
        f"{API}/session", json={"name": person.name, "password": NEW_PASSWORD}
    )
    assert again.status_code == 201


# Sessions


def test_listing_sessions_and_ending_the_others_through_the_api(app: FastAPI) -> None:
    person = register(app)
    other = browser(app)
    other.post(f"{API}/session", json={"name": person.name, "password": PASSWORD})
    listed = person.api("GET", "/sessions").json()
    assert len(listed) == 2 and [one["current"] for one in listed].count(True) == 1
    assert {"id", "created_at", "last_seen_at", "expires_at"} <= set(listed[0])

    assert person.api("DELETE", "/sessions", token=False).status_code == 403
    ended = person.api("DELETE", "/sessions")
    assert ended.status_code == 200 and ended.json() == {"ended": 1}
    assert other.get(f"{API}/episodes").status_code == 401
    assert [one["current"] for one in person.api("GET", "/sessions").json()] == [True]


def test_ending_the_other_sessions_on_the_page(app: FastAPI) -> None:
    person = register(app)
    other = browser(app)
    log_in(other, person.name)
    page = person.client.get("/diary/account").text
    assert "this one" in page and "Log out everywhere else" in page
    done = person.post("/diary/account/sessions/end-others", {})
    assert done.headers["location"] == "/diary/account?done=sessions"
    assert other.get("/diary").status_code == 303
    assert "Log out everywhere else" not in person.client.get("/diary/account").text


def set_last_seen(app: FastAPI, person: Person, ago: dt.timedelta) -> None:
    store: DiaryStore = app.state.diary.store
    moment = dt.datetime.now(dt.UTC).replace(tzinfo=None) - ago
    with store.transaction() as connection:
        connection.execute(
            update(LoginSessionRow)
            .where(LoginSessionRow.user_id == person.user_id)
            .values(last_seen_at=moment)
        )


def last_seen(app: FastAPI, person: Person) -> dt.datetime:
    store: DiaryStore = app.state.diary.store
    with store.transaction() as connection:
        found: dt.datetime = connection.execute(
            select(LoginSessionRow.last_seen_at).where(LoginSessionRow.user_id == person.user_id)
        ).scalar_one()
    return found


def test_a_session_left_unused_for_30_minutes_ends(app: FastAPI) -> None:
    person = register(app)
    set_last_seen(app, person, dt.timedelta(minutes=5))
    assert person.client.get(f"{API}/episodes").status_code == 200  # use keeps it alive
    assert dt.datetime.now(dt.UTC).replace(tzinfo=None) - last_seen(app, person) < dt.timedelta(
        minutes=1
    )
    set_last_seen(app, person, dt.timedelta(minutes=31))
    assert person.client.get(f"{API}/episodes").status_code == 401
    assert person.client.get("/diary").headers["location"] == "/diary/login"


def test_cookies_are_host_only_secure_and_for_the_whole_site(app: FastAPI) -> None:
    client = browser(app)
    form = client.get("/diary/login").headers["set-cookie"]
    name = f"c-{uuid.uuid4().hex[:8]}"
    token = anonymous_token(client, "/diary/register")
    session = client.post(
        "/diary/register", data={"csrf_token": token, "name": name, "password": PASSWORD}
    ).headers["set-cookie"]
    for cookie, prefix in [(form, FORM_COOKIE), (session, SESSION_COOKIE)]:
        assert cookie.startswith(f"{prefix}=") and prefix.startswith("__Host-")
        flags = {part.strip().lower().split("=")[0] for part in cookie.split(";")[1:]}
        assert {"secure", "httponly", "path"} <= flags and "domain" not in flags
        assert "path=/;" in cookie.lower().replace(" ", "") + ";"


# What the login records keep


def attempt_rows(app: FastAPI) -> list[tuple[object, ...]]:
    store: DiaryStore = app.state.diary.store
    with store.transaction() as connection:
        return [tuple(row) for row in connection.execute(select(LoginAttemptRow)).all()]


def test_a_password_typed_as_the_name_is_not_kept(app: FastAPI) -> None:
    secret = f"my-real-secret-{uuid.uuid4().hex[:8]}"
    assert log_in(browser(app), secret, "").status_code == 401
    assert attempt_rows(app)
    assert not any(secret in str(value) for row in attempt_rows(app) for value in row)


def test_login_records_are_kept_only_as_long_as_the_limits_need(app: FastAPI) -> None:
    store: DiaryStore = app.state.diary.store
    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=2)
    with store.transaction() as connection:
        connection.execute(
            insert(LoginAttemptRow).values(
                kind="login", user_id=None, ip="192.0.2.99", at=old, succeeded=False
            )
        )
    log_in(browser(app), f"nobody-{uuid.uuid4().hex[:8]}", "whatever it is")
    assert not [row for row in attempt_rows(app) if "192.0.2.99" in row]


def test_registrations_from_one_address_are_limited(app: FastAPI) -> None:
    address = f"192.0.2.{uuid.uuid4().int % 250 + 1}"
    for _ in range(MAX_REGISTRATIONS):
        created = api_register(app, f"r-{uuid.uuid4().hex[:8]}", PASSWORD, address)
        assert created.status_code == 201
    refused = api_register(app, f"r-{uuid.uuid4().hex[:8]}", PASSWORD, address)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "Too many new accounts" in refused.json()["detail"]
    assert api_register(app, f"r-{uuid.uuid4().hex[:8]}", PASSWORD).status_code == 201


def test_the_export_holds_the_login_records(app: FastAPI) -> None:
    person = register(app)
    log_in(browser(app, "192.0.2.77"), person.name, "a wrong password")
    logins = person.api("GET", "/export").json()["account"]["logins"]
    assert [(one["address"], one["succeeded"]) for one in logins] == [("192.0.2.77", False)]


# On disk


def test_the_sqlite_file_is_private_and_keeps_nothing_erased(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite3"
    store = DiaryStore.open(str(path))
    try:
        client = TestClient(
            create_app(store=store), base_url="https://testserver", follow_redirects=False
        )
        person = Person(client, f"disk-{uuid.uuid4().hex[:8]}")
        assert (
            client.post(
                f"{API}/account", json={"name": person.name, "password": PASSWORD}
            ).status_code
            == 201
        )
        marker = f"a note to erase {uuid.uuid4().hex}"
        person.add_episode(note=marker)
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        for each in files:
            assert stat.S_IMODE(each.stat().st_mode) == 0o600, each
        assert any(marker.encode() in each.read_bytes() for each in files[:2])

        assert person.api("DELETE", "/account", {"password": PASSWORD}).status_code == 204
        for each in files[:2]:
            assert marker.encode() not in each.read_bytes(), each
    finally:
        store.close()


def test_an_older_world_readable_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    DiaryStore.open(str(path)).close()
    path.chmod(0o644)
    DiaryStore.open(str(path)).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_file_that_is_no_diary_is_left_as_it_was(tmp_path: Path) -> None:
    """--db naming the wrong file (run as root, /etc/passwd once became unreadable to every
    other user): it is refused, and its content, mode and time stay as they were."""
    path = tmp_path / "accounts.txt"
    path.write_text("root:x:0:0:root:/root:/bin/bash\n" * 40, encoding="utf-8")
    path.chmod(0o644)
    before = path.stat()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from myoguide.cli import main; main()",
            "diary",
            "--db",
            str(path),
            "list",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "not a database" in done.stderr
    after = path.stat()
    assert stat.S_IMODE(after.st_mode) == 0o644
    assert (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)
    assert path.read_text(encoding="utf-8").startswith("root:x:0:0")
    assert not path.with_name(path.name + "-wal").exists()


def at_revision(url: str, revision: str) -> None:
    """An empty database with the schema as it was at `revision`."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from myoguide.diary import store as store_module

    config = Config()
    config.set_main_option(
        "script_location", str(Path(store_module.__file__).parent / "migrations")
    )
    engine = create_engine(store_module.database_url(url))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A PostgreSQL database of this test's own, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from .conftest import postgres_or_skip

    admin_url = postgres_or_skip()
    name = f"myoguide_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrading_drops_the_names_old_login_records_kept(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from sqlalchemy import create_engine, inspect, text

    from myoguide.diary.store import database_url

    if backend == "sqlite":
        url = str(tmp_path / "old.sqlite3")
    else:
        url = request.getfixturevalue("empty_postgres")
    at_revision(url, "0003")
    engine = create_engine(database_url(url))
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO login_attempts (user_name, ip, at) VALUES (:n, '192.0.2.1', :at)"),
            {"n": "a password typed as the name", "at": dt.datetime(2026, 11, 1)},
        )
    engine.dispose()

    upgraded = DiaryStore.open(url)
    try:
        columns = {c["name"] for c in inspect(upgraded.engine).get_columns("login_attempts")}
        assert "user_name" not in columns and {"user_id", "succeeded"} <= columns
        with upgraded.transaction() as connection:
            assert connection.execute(text("SELECT count(*) FROM login_attempts")).scalar() == 0
        client = TestClient(create_app(store=upgraded), base_url="https://testserver")
        created = client.post(f"{API}/account", json={"name": "upgraded", "password": PASSWORD})
        assert created.status_code == 201
    finally:
        upgraded.close()
