"""Error messages in Spanish: every 422, 401, 403, 404, 409, 413, 429, 500 and 503 body of
the JSON API and the diary's API in the Accept-Language language (with Content-Language),
`type`, `loc` and `field` the same in every language; every pydantic error type said in
Spanish; the pages' field problems in the page's language; English exactly as before."""

from __future__ import annotations

import datetime as dt
import html
import re
import typing
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from pydantic_core import core_schema
from sqlalchemy.exc import OperationalError

from myoguide import Knowledge, load_knowledge
from myoguide.diary.accounts import MAX_FAILED_LOGINS
from myoguide.diary.models import DayIn, EpisodeIn
from myoguide.diary.store import DiaryStore
from myoguide.errors import (
    PYDANTIC_COUNTED,
    PYDANTIC_SENTENCES,
    field_problems,
    pydantic_message,
)
from myoguide.freetext import MAX_TEXT
from myoguide.web import create_app

from .test_i18n import english_sentences

SPANISH = {"Accept-Language": "es"}
PASSWORD = "correct horse battery"
DIARY = "/api/v1/diary"
EPISODE = {"at": "2026-11-20T08:30:00+01:00", "kind": "twitch", "regions": ["eyelid"]}
FAR_FUTURE = "2999-01-01"
# Ids, values sent and the allowed values are the same in every language: left out of the
# check, as the code in backticks is.
QUOTED = re.compile(r"'[^']*'|\b(?:true|false|null|JSON|UTC|CSV|POST|Content-Type)\b|\S*/\S*")


@pytest.fixture(scope="module")
def spanish() -> Knowledge:
    return load_knowledge(language="es")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    store = DiaryStore.open(str(tmp_path_factory.mktemp("diary") / "errors.sqlite3"))
    app = create_app(store=store)

    async def explode() -> None:
        raise RuntimeError("an error nobody handles")

    async def database_down() -> None:
        raise OperationalError("SELECT 1", {}, Exception("the database is gone"))

    # An unexpected error and a database outage, for the 500 and the 503.
    app.add_api_route("/api/v1/explode", explode)
    app.add_api_route(f"{DIARY}/down", database_down)
    app.add_api_route("/diary/down", database_down)
    yield app
    store.close()


def browser(app: FastAPI) -> TestClient:
    address = f"10.9.{uuid.uuid4().int % 256}.{uuid.uuid4().int % 256}"
    return TestClient(
        app, base_url="https://testserver", raise_server_exceptions=False, client=(address, 1)
    )


@pytest.fixture(scope="module")
def person(app: FastAPI) -> tuple[TestClient, str, str]:
    """A logged-in client, its name and its CSRF token."""
    client = browser(app)
    name = f"errors-{uuid.uuid4().hex[:8]}"
    response = client.post(f"{DIARY}/account", json={"name": name, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return client, name, response.json()["csrf_token"]


def messages(body: Any) -> list[str]:
    """Every sentence a body gives a person: each `msg`, or the `detail`."""
    detail = body["detail"]
    if isinstance(detail, str):
        return [detail]
    return [item["msg"] for item in detail]


def english_in(text: str, spanish: Knowledge) -> list[str]:
    return english_sentences(QUOTED.sub(" ", text), spanish)


def shape(body: Any) -> Any:
    """A body less its words: what stays the same in every language."""
    detail = body["detail"]
    if isinstance(detail, str):
        return "detail"
    return [{key: value for key, value in item.items() if key != "msg"} for item in detail]


def raw(content: bytes) -> dict[str, Any]:
    return {"content": content, "headers": {"Content-Type": "application/json"}}


# (name, method, path, request, status, the English message of the first problem) for
# requests anyone can send. The English is what the API answered before it spoke Spanish.
ANONYMOUS: list[tuple[str, str, str, dict[str, Any], int, str]] = [
    (
        "assessment-wrong-types",
        "POST",
        "/api/v1/assessments",
        {"json": {"sensation": "zz", "history_days": -1, "age": "x", "bogus": 1}},
        422,
        "Input should be 'jumping', 'cramping', 'both' or 'unsure'",
    ),
    (
        "assessment-out-of-range",
        "POST",
        "/api/v1/assessments",
        {"json": {"age": 200, "factors": {"sleep_hours": 30, "caffeine_cups_per_day": True}}},
        422,
        "Input should be less than or equal to 120",
    ),
    (
        "assessment-not-an-object",
        "POST",
        "/api/v1/assessments",
        {"json": []},
        422,
        "Input should be an object",
    ),
    (
        "assessment-unknown-field",
        "POST",
        "/api/v1/assessments",
        {"json": {"timing": 3}},
        422,
        "Extra inputs are not permitted",
    ),
    (
        "assessment-bad-json",
        "POST",
        "/api/v1/assessments",
        raw(b"{bad"),
        422,
        "Invalid JSON: key must be a string at line 1 column 2",
    ),
    (
        "assessment-lone-surrogate",
        "POST",
        "/api/v1/assessments",
        raw(b'{"medical": {"\\ud83d": true}}'),
        422,
        "Invalid JSON: unexpected end of hex escape at line 1 column 21",
    ),
    (
        "assessment-not-json",
        "POST",
        "/api/v1/assessments",
        {"content": b"x", "headers": {"Content-Type": "text/plain"}},
        422,
        "Send the answers as JSON, with Content-Type: application/json",
    ),
    (
        "assessment-too-large",
        "POST",
        "/api/v1/assessments",
        raw(b" " * 70_000),
        413,
        "The request body is larger than 65536 bytes.",
    ),
    (
        "interview-unknown-question",
        "POST",
        "/api/v1/interview",
        {"json": {"unknown": ["nope"]}},
        422,
        "unknown: 'nope' is not a question id",
    ),
    (
        "interview-wrong-types",
        "POST",
        "/api/v1/interview",
        {"json": {"answers": {"age": 1.5, "sensation": 3}, "unknown": "x"}},
        422,
        "Input should be 'jumping', 'cramping', 'both' or 'unsure'",
    ),
    (
        "interview-bad-json",
        "POST",
        "/api/v1/interview",
        raw(b'{"answers": '),
        422,
        "JSON decode error",
    ),
    (
        "parse-missing-text",
        "POST",
        "/api/v1/parse",
        {"json": {"language": "fr", "today": "2026-13-01"}},
        422,
        "Field required",
    ),
    (
        "parse-too-long",
        "POST",
        "/api/v1/parse",
        {"json": {"text": "a" * (MAX_TEXT + 1)}},
        422,
        f"String should have at most {MAX_TEXT} characters",
    ),
    (
        "parse-lone-surrogate",
        "POST",
        "/api/v1/parse",
        raw(b'{"text": "\\ud83d"}'),
        422,
        "Input should be a valid string, unable to parse raw data as a unicode string",
    ),
    (
        "parse-future-wrong-type",
        "POST",
        "/api/v1/parse",
        {"json": {"text": "twitch", "today": 5}},
        422,
        "give it as text like 2026-11-22 (a time: 2026-11-22T08:30:00+01:00)",
    ),
    (
        "knowledge-no-such-entry",
        "GET",
        "/api/v1/knowledge/regions/zz",
        {},
        404,
        "No region is called 'zz'.",
    ),
    ("no-such-path", "GET", "/api/v1/nothing", {}, 404, "Not Found"),
    ("wrong-method", "PUT", "/api/v1/knowledge", {}, 405, "Method Not Allowed"),
    ("server-error", "GET", "/api/v1/explode", {}, 500, ""),
    ("database-down", "GET", f"{DIARY}/down", {}, 503, ""),
    (
        "diary-not-logged-in",
        "GET",
        f"{DIARY}/episodes",
        {},
        401,
        "Log in first (POST /diary/login).",
    ),
    (
        "login-wrong-password",
        "POST",
        f"{DIARY}/session",
        {"json": {"name": "nobody-here", "password": "not the password"}},
        401,
        "That name and password do not match an account.",
    ),
    (
        "login-missing-fields",
        "POST",
        f"{DIARY}/session",
        {"json": {"name": 5}},
        422,
        "Input should be a valid string",
    ),
    (
        "register-bad-name",
        "POST",
        f"{DIARY}/account",
        {"json": {"name": "ab", "password": PASSWORD}},
        422,
        "A user name has 3 to 40 characters: letters, digits, dots, dashes or underscores,"
        " starting with a letter or digit.",
    ),
    (
        "register-weak-password",
        "POST",
        f"{DIARY}/account",
        {"json": {"name": "someone-new", "password": "short"}},
        422,
        "A password needs at least 10 characters (spaces at the start and end do not count).",
    ),
    (
        "register-nul",
        "POST",
        f"{DIARY}/account",
        {"json": {"name": "a\x00b", "password": PASSWORD}},
        422,
        "holds a NUL character (\\0), which cannot be stored: remove it",
    ),
]


def _send(client: TestClient, method: str, path: str, request: dict[str, Any], **more: Any) -> Any:
    headers = {**request.get("headers", {}), **more.pop("headers", {})}
    options = {key: value for key, value in request.items() if key != "headers"}
    return client.request(method, path, headers=headers, **options)


@pytest.mark.parametrize(
    ("method", "path", "request_", "status", "english"),
    [pytest.param(*case[1:], id=case[0]) for case in ANONYMOUS],
)
def test_anonymous_errors_in_spanish_and_english(
    app: FastAPI,
    spanish: Knowledge,
    method: str,
    path: str,
    request_: dict[str, Any],
    status: int,
    english: str,
) -> None:
    client = browser(app)
    said = _send(client, method, path, request_, headers=SPANISH)
    before = _send(client, method, path, request_)
    assert said.status_code == before.status_code == status, said.text
    assert said.headers["content-language"] == "es"
    assert "Accept-Language" in said.headers["vary"]
    for message in messages(said.json()):
        assert english_in(message, spanish) == [], message
    assert shape(said.json()) == shape(before.json())
    assert messages(said.json()) != messages(before.json())
    if english:
        assert messages(before.json())[0] == english
    assert before.headers["content-language"] == "en"


def test_every_knowledge_group_says_its_404_in_each_language(
    app: FastAPI, spanish: Knowledge
) -> None:
    client = browser(app)
    groups = client.get("/api/v1/knowledge").json()["groups"]
    assert len(groups) == 8
    for group in groups:
        english = client.get(f"/api/v1/knowledge/{group}/zz")
        said = client.get(f"/api/v1/knowledge/{group}/zz", headers=SPANISH)
        assert english.status_code == said.status_code == 404, group
        assert re.fullmatch(r"No [a-z -]+ is called 'zz'\.", english.json()["detail"]), group
        assert said.headers["content-language"] == "es"
        assert said.json()["detail"] != english.json()["detail"], group
        assert english_in(said.json()["detail"], spanish) == [], group


def test_the_500_and_503_say_what_they_said(app: FastAPI) -> None:
    client = browser(app)
    assert client.get("/api/v1/explode").json()["detail"] == (
        "Something went wrong on the server. Try again in a minute; if it keeps happening,"
        " tell whoever runs this site."
    )
    down = client.get(f"{DIARY}/down", headers=SPANISH)
    assert down.status_code == 503 and down.headers["retry-after"]
    assert down.json()["detail"].startswith("No podemos conectar")
    page = client.get("/diary/down", headers=SPANISH)
    assert page.status_code == 503 and page.headers["content-language"] == "es"
    assert "El diario no está disponible en este momento" in page.text
    assert '<html lang="es">' in page.text
    assert "The diary is not available just now" in client.get("/diary/down").text


# Requests of a logged-in person: (name, method, path, body, status, English message).
LOGGED_IN: list[tuple[str, str, str, Any, int, str]] = [
    (
        "episode-in-the-future",
        "POST",
        "/episodes",
        {**EPISODE, "at": f"{FAR_FUTURE}T00:00:00+00:00", "intensity": 3},
        422,
        "2999-01-01T00:00:00+00:00 is later than now: give a time that has already happened",
    ),
    (
        "episode-without-time-zone",
        "POST",
        "/episodes",
        {**EPISODE, "at": "2026-01-01T00:00:00", "intensity": 3},
        422,
        "Value error, needs a time zone (for example 2026-11-22T08:30:00+00:00)",
    ),
    (
        "episode-out-of-range",
        "POST",
        "/episodes",
        {**EPISODE, "intensity": 11, "duration_s": -1, "note": "\x00"},
        422,
        "Input should be less than or equal to 10",
    ),
    (
        "episode-outside-the-years",
        "POST",
        "/episodes",
        {**EPISODE, "at": "0001-01-01T00:00:00+05:00", "intensity": 1},
        422,
        "is outside the times a diary can hold (the years 1 to 9999, in UTC)",
    ),
    (
        "episode-wrong-types",
        "POST",
        "/episodes",
        {"at": 5, "kind": "x", "regions": [], "intensity": True, "warning_signs": ["x"]},
        422,
        "give it as text like 2026-11-22 (a time: 2026-11-22T08:30:00+01:00)",
    ),
    (
        "episode-missing-and-unknown",
        "POST",
        "/episodes",
        {"bogus": 1},
        422,
        "Field required",
    ),
    (
        "episode-note-too-long",
        "POST",
        "/episodes",
        {**EPISODE, "intensity": 1, "note": "n" * 2001},
        422,
        "String should have at most 2000 characters",
    ),
    (
        "episode-lone-surrogate",
        "POST",
        "/episodes",
        b'{"at": "2026-11-20T08:30:00+01:00", "kind": "twitch", "regions": ["eyelid"],'
        b' "intensity": 1, "note": "\\ud83d"}',
        422,
        "Input should be a valid string, unable to parse raw data as a unicode string",
    ),
    ("no-such-episode", "GET", "/episodes/999999", None, 404, "There is no episode 999999 in"),
    ("episode-id-not-a-number", "GET", "/episodes/xx", None, 422, "Input should be a valid"),
    ("bad-paging", "GET", "/episodes?limit=0", None, 422, "Input should be greater than or"),
    ("no-such-day", "GET", "/days/2026-01-02", None, 404, "Nothing is logged for 2026-01-02."),
    (
        "day-in-the-future",
        "PUT",
        f"/days/{FAR_FUTURE}",
        {},
        422,
        "2999-01-01 has not come yet: give today or an earlier day",
    ),
    (
        "day-not-a-date",
        "PUT",
        "/days/yesterday",
        {},
        422,
        "give it as text like 2026-11-22 (a time: 2026-11-22T08:30:00+01:00)",
    ),
    (
        "day-date-differs",
        "PUT",
        "/days/2026-01-02",
        {"date": "2026-01-03"},
        422,
        "differs from the path's date 2026-01-02",
    ),
    (
        "day-medicines-and-custom",
        "PUT",
        "/days/2026-01-02",
        {"medications": [" "], "custom": {"caffeine_cups": 1}},
        422,
        "a medicine needs a name",
    ),
    (
        "day-wrong-types",
        "PUT",
        "/days/2026-01-02",
        {"stress": 3.5, "nicotine": "yes", "medications": [1], "custom": {"b": "x"}},
        422,
        "Input should be a valid integer",
    ),
    (
        "day-custom-name",
        "PUT",
        "/days/2026-01-02",
        {"custom": {"a\x00": 1}, "caffeine_cups": -1},
        422,
        "Input should be greater than or equal to 0",
    ),
    (
        "day-medicine-separator",
        "PUT",
        "/days/2026-01-02",
        {"medications": ["a;b"], "sleep_hours": 25},
        422,
        "Input should be less than or equal to 24",
    ),
    (
        "delete-account-wrong-password",
        "DELETE",
        "/account",
        {"password": "not my password"},
        422,
        "is not your password",
    ),
    (
        "new-password-weak",
        "PUT",
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short"},
        422,
        "A password needs at least 10 characters (spaces at the start and end do not count).",
    ),
    (
        "new-password-wrong-current",
        "PUT",
        "/account/password",
        {"current_password": "not my password", "new_password": "another long one here"},
        422,
        "is not your password",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "english"),
    [pytest.param(*case[1:], id=case[0]) for case in LOGGED_IN],
)
def test_a_persons_errors_in_spanish_and_english(
    person: tuple[TestClient, str, str],
    spanish: Knowledge,
    method: str,
    path: str,
    body: Any,
    status: int,
    english: str,
) -> None:
    client, _, csrf = person
    request: dict[str, Any] = {"headers": {"X-CSRF-Token": csrf}}
    if isinstance(body, bytes):
        request["content"] = body
        request["headers"]["Content-Type"] = "application/json"
    elif body is not None:
        request["json"] = body
    said = _send(client, method, f"{DIARY}{path}", request, headers=SPANISH)
    before = _send(client, method, f"{DIARY}{path}", request)
    assert said.status_code == before.status_code == status, said.text
    assert said.headers["content-language"] == "es"
    for message in messages(said.json()):
        assert english_in(message, spanish) == [], message
    assert shape(said.json()) == shape(before.json())
    assert messages(before.json())[0].startswith(english)


def test_a_day_for_people_is_written_out_and_an_input_date_stays_iso(
    person: tuple[TestClient, str, str],
) -> None:
    client, _, csrf = person
    missing = client.get(f"{DIARY}/days/2026-01-02", headers=SPANISH).json()["detail"]
    assert missing == "No hay nada anotado el 2 de enero de 2026."
    differs = client.put(
        f"{DIARY}/days/2026-01-02",
        json={"date": "2026-01-03"},
        headers={**SPANISH, "X-CSRF-Token": csrf},
    ).json()["detail"][0]["msg"]
    assert "2026-01-02" in differs


def test_a_refused_write_and_a_taken_name_in_spanish(
    app: FastAPI, person: tuple[TestClient, str, str], spanish: Knowledge
) -> None:
    client, name, _ = person
    forged = client.post(f"{DIARY}/episodes", json={**EPISODE, "intensity": 1}, headers=SPANISH)
    assert forged.status_code == 403
    assert english_in(forged.json()["detail"], spanish) == []
    assert client.post(f"{DIARY}/episodes", json={**EPISODE, "intensity": 1}).json() == {
        "detail": "This form has expired or did not come from this site. Go back, reload,"
        " try again."
    }
    taken = browser(app).post(
        f"{DIARY}/account", json={"name": name, "password": PASSWORD}, headers=SPANISH
    )
    assert taken.status_code == 409
    assert taken.json()["detail"] == f"El nombre '{name}' ya está en uso; elige otro."


def test_too_many_failed_logins_in_spanish_with_retry_after(
    app: FastAPI, spanish: Knowledge
) -> None:
    client = browser(app)
    name = f"locked-{uuid.uuid4().hex[:8]}"
    assert client.post(f"{DIARY}/account", json={"name": name, "password": PASSWORD}).is_success
    wrong = {"name": name, "password": "not the password at all"}
    for _ in range(MAX_FAILED_LOGINS):
        assert client.post(f"{DIARY}/session", json=wrong, headers=SPANISH).status_code == 401
    refused = client.post(f"{DIARY}/session", json=wrong, headers=SPANISH)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert refused.headers["content-language"] == "es"
    assert refused.json()["detail"].startswith("Demasiados")
    assert english_in(refused.json()["detail"], spanish) == []
    again = client.post(f"{DIARY}/session", json=wrong)
    assert again.json()["detail"].startswith("Too many failed logins. Wait ")


# --- every pydantic error type ---

_CONTEXT: dict[str, Any] = {
    "ge": 1, "gt": 1, "le": 1, "lt": 1, "max_length": 1, "min_length": 2, "actual_length": 3,
    "field_type": "List", "expected": "'a', 'b' or 'c'", "pattern": "^x$",
    "error": "expected value at line 1 column 2", "multiple_of": 2, "reason": "x",
    "discriminator": "'kind'", "tag": "'x'", "expected_tags": "'a'", "class": "Foo",
    "class_name": "Foo", "type_name": "x", "max_digits": 1, "decimal_places": 1,
    "whole_digits": 1, "max_size": 1, "actual_size": 1, "encoding": "utf-8",
    "tz_expected": 0, "tz_actual": 1, "expected_schemes": "'http'", "expected_version": 4,
    "attribute": "x", "method_name": "x", "encoding_error": "x",
}  # fmt: skip
ERROR_TYPES = typing.get_args(core_schema.ErrorType)
# What our models and the API's requests can produce (see the tests above): each said in
# words of our own, not only the catch-all.
OURS = {
    "missing", "extra_forbidden", "literal_error", "string_type", "string_too_long",
    "string_unicode", "int_type", "int_parsing", "int_from_float", "float_type",
    "float_parsing", "finite_number", "bool_type", "bool_parsing", "list_type", "too_short",
    "too_long", "dict_type", "model_type", "model_attributes_type", "greater_than_equal",
    "less_than_equal", "date_type", "date_parsing", "date_from_datetime_parsing",
    "date_from_datetime_inexact", "datetime_type", "datetime_parsing",
    "datetime_from_date_parsing", "json_invalid", "json_type", "value_error",
}  # fmt: skip


def _invalid(kind: str, value: Any = "v") -> ValidationError:
    return ValidationError.from_exception_data(
        "Model", [{"type": kind, "loc": ("field",), "input": value, "ctx": _CONTEXT}]
    )


def test_our_words_cover_what_our_models_can_produce() -> None:
    assert set(ERROR_TYPES) >= OURS
    assert set(PYDANTIC_SENTENCES) | set(PYDANTIC_COUNTED) >= OURS


@pytest.mark.parametrize("kind", ERROR_TYPES)
def test_every_pydantic_error_type_is_said_in_spanish(kind: str, spanish: Knowledge) -> None:

    error = _invalid(kind)
    item = error.errors()[0]
    for message in (
        pydantic_message(item, "es"),
        field_problems(error, language="es")[0].message,
    ):
        assert message and english_in(message, spanish) == [], (kind, message)
    assert pydantic_message(item) == item["msg"]  # English: pydantic's own words
    english = field_problems(error)[0].message
    assert english.lower().startswith(item["msg"][:10].lower()) or kind in {
        "extra_forbidden", "missing", "literal_error", "string_unicode", "string_too_long",
        "model_type", "model_attributes_type", "dict_type", "json_invalid",
    }  # fmt: skip


@pytest.mark.parametrize("value", [None, True, 3, 2.5, "text", [1], {"a": 1}])
def test_the_value_sent_is_described_in_spanish(value: Any, spanish: Knowledge) -> None:
    message = field_problems(_invalid("int_type", value), language="es")[0].message
    assert english_in(message, spanish) == []
    assert message.startswith("debe ser un número entero")


def test_our_own_refusals_are_said_in_spanish_and_english_as_before() -> None:
    now = {"now": dt.datetime(2026, 12, 1, tzinfo=dt.UTC)}
    with pytest.raises(ValidationError) as caught:
        DayIn.model_validate(
            {"date": FAR_FUTURE, "medications": ["a;b"], "custom": {"\ud83d": 1}}, context=now
        )
    assert [str(p) for p in field_problems(caught.value)] == [
        "date: 2999-01-01 has not come yet: give today or an earlier day",
        "medications: a medicine's name cannot hold ';' (it separates medicines in the CSV)",
        "custom: a custom factor's name holds half of a character (a lone surrogate such as"
        " \\ud83d), which cannot be stored: send the whole character",
    ]
    assert [str(p) for p in field_problems(caught.value, language="es")] == [
        "date: 2999-01-01 todavía no ha llegado: escribe hoy o un día anterior",
        "medications: el nombre de un medicamento no puede llevar ';' (separa los"
        " medicamentos en el CSV)",
        "custom: el nombre de un factor propio tiene medio carácter (un sustituto suelto,"
        " como \\ud83d), que no se puede guardar: envía el carácter entero",
    ]
    with pytest.raises(ValidationError) as caught:
        EpisodeIn.model_validate({**EPISODE, "at": "2026-01-01T00:00", "intensity": 1})
    assert field_problems(caught.value)[0].message == (
        "value error, needs a time zone (for example 2026-11-22T08:30:00+00:00), got the text"
        " '2026-01-01T00:00'"
    )
    assert field_problems(caught.value, language="es")[0].message == (
        "necesita la zona horaria (por ejemplo 2026-11-22T08:30:00+00:00) (llegó el texto"
        " '2026-01-01T00:00')"
    )


def test_private_text_is_never_echoed_in_any_language() -> None:
    secret = "my private note " * 200
    with pytest.raises(ValidationError) as caught:
        EpisodeIn.model_validate({**EPISODE, "intensity": 1, "note": secret + "\x00"})
    for language in ("en", "es"):
        for problem in field_problems(caught.value, language=language):
            assert "private" not in problem.message


# --- the pages ---


def test_a_tampered_interview_state_is_a_spanish_page(spanish: Knowledge) -> None:
    client = TestClient(create_app())
    for forged, field in [
        ('{"steps": [{"age": "old"}]}', "state.age"),
        ('{"extra": 1}', "state.extra"),
        ('{"steps": [{}]}', "state.steps[0]"),
        ("not json", "state"),
    ]:
        page = client.post("/check/next", data={"state": forged, "action": "next"}, headers=SPANISH)
        assert page.status_code == 422
        text = html.unescape(page.text)
        detail = re.search(r"state[^<]*", text)
        assert detail and detail.group(0).startswith(f"{field}:"), text
        assert english_in(detail.group(0), spanish) == [], detail.group(0)
        english = html.unescape(
            client.post("/check/next", data={"state": forged, "action": "next"}).text
        )
        assert f"{field}:" in english
    old = client.post("/check/next", data={"state": '{"steps": [{"age": "old"}]}'})
    assert "state.age: input should be a valid integer, got the text &#39;old&#39;" in old.text
