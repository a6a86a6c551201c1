"""POST /api/v1/interview and POST /api/v1/parse (CONTRACT.md §6, §7), and `myoguide parse`,
through their public interfaces: HTTP in process, and the command as a process."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from myoguide import assess, load_knowledge
from myoguide.interview import questions_left
from myoguide.questionnaire import set_answer
from myoguide.web import create_app

from .test_cli import run_cli
from .test_vignettes import CASES_BY_ID

INTERVIEW = "/api/v1/interview"
PARSE = "/api/v1/parse"
QUESTION_IDS = {q.id for q in load_knowledge().questions.questions}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


def value_at(answers: dict[str, Any], question_id: str) -> Any:
    group, _, name = question_id.rpartition(".")
    return (answers.get(group) or {} if group else answers).get(name)


def test_the_first_question_of_an_empty_interview(client: TestClient) -> None:
    response = client.post(INTERVIEW, json={})
    assert response.status_code == 200
    body = response.json()
    assert body["asked"] == 0
    assert body["remaining"] == questions_left({}) > 1
    assert body["question"]["id"] in QUESTION_IDS
    assert body["question"]["why"]
    assert body["assessment"] == assess({}).model_dump(mode="json")


@pytest.mark.parametrize(
    "case_id",
    [
        "crushing_chest_cramp_after_gym",
        "eyelid_twitch_exam_stress",
        "pill_one_painful_calf_two_days",
    ],
)
def test_an_interview_over_http_ends_at_the_full_forms_triage(
    client: TestClient, case_id: str
) -> None:
    full = CASES_BY_ID[case_id]["answers"]
    answers: dict[str, Any] = {}
    unknown: list[str] = []
    for asked in range(len(QUESTION_IDS) + 1):
        body = client.post(INTERVIEW, json={"answers": answers, "unknown": unknown}).json()
        assert body["asked"] == asked
        question = body["question"]
        if question is None:
            assert body["remaining"] == 0
            break
        # The estimate counts the question returned, and is the core's.
        assert body["remaining"] == questions_left(answers, unknown) >= 1
        value = value_at(full, question["id"])
        if value is None:
            unknown.append(question["id"])
        else:
            set_answer(answers, question["id"], copy.deepcopy(value))
    else:
        pytest.fail("the interview never ended")
    assert body["assessment"]["triage"]["level"] == assess(full).triage.level


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": {"sensation": "jumpy"}}, "answers.sensation"),
        ({"answers": {}, "unknown": ["no_such_question"]}, "unknown"),
        ({"answers": {}, "unknown": [3]}, "unknown.0"),
        ({"answers": [], "unknown": []}, "answers"),
        ({"answers": {}, "extra": 1}, "extra"),
    ],
)
def test_a_bad_interview_request_names_the_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = client.post(INTERVIEW, json=body)
    assert response.status_code == 422
    assert field in [problem["field"] for problem in response.json()["detail"]]


def test_parse_reads_the_words_and_leaves_the_rest_unknown(client: TestClient) -> None:
    text = "My left eyelid has been jumping for five days, I'm on six coffees a day, no weakness"
    response = client.post(PARSE, json={"text": text, "today": "2026-12-01"})
    assert response.status_code == 200
    body = response.json()
    answers = body["answers"]
    assert answers["sensation"] == "jumping"
    assert answers["locations"] == ["eyelid"]
    assert answers["history_days"] == 5
    assert answers["factors"]["caffeine_cups_per_day"] == 6
    assert answers["medical"] == {"weakness": False}
    assert "pain" not in answers, "what the text does not say stays absent"
    weakness = next(f for f in body["findings"] if f["field"] == "medical.weakness")
    assert weakness["negated"] is True
    assert "weakness" in text[weakness["start"] : weakness["end"]]


def test_parse_reads_spanish_when_asked(client: TestClient) -> None:
    text = "me salta el párpado desde hace cinco días, tomo seis cafés al día, sin debilidad"
    body = {"text": text, "today": "2026-12-01", "language": "es"}
    response = client.post(PARSE, json=body)
    assert response.status_code == 200
    answers = response.json()["answers"]
    assert answers["locations"] == ["eyelid"]
    assert answers["history_days"] == 5
    assert answers["factors"]["caffeine_cups_per_day"] == 6
    assert answers["medical"] == {"weakness": False}
    english = client.post(PARSE, json={"text": text, "today": "2026-12-01"}).json()
    assert "locations" not in english["answers"], "without a language the text is English"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "cramps", "language": "fr"}, "language"),
        ({"text": 5}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"text": "cramps", "today": "2026-13-01"}, "today"),
        ({}, "text"),
    ],
)
def test_a_bad_parse_request_names_the_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = client.post(PARSE, json=body)
    assert response.status_code == 422
    assert field in [problem["field"] for problem in response.json()["detail"]]


def test_the_parse_command_prints_the_same_json() -> None:
    text = "my dad is 72, his calf cramps every night, no fever"
    done = run_cli("parse", "--text", text, "--today", "2026-12-01")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["answers"]["age"] == 72
    assert printed["answers"]["medical"] == {"fever": False}
    from_stdin = run_cli("parse", "--file", "-", "--today", "2026-12-01", input=text)
    assert json.loads(from_stdin.stdout) == printed


def test_the_parse_command_reads_spanish() -> None:
    text = "mi padre tiene 72 años, le dan calambres en la pantorrilla cada noche, sin fiebre"
    done = run_cli("parse", "--language", "es", "--text", text, "--today", "2026-12-01")
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)["answers"]
    assert answers["age"] == 72
    assert answers["locations"] == ["calf"]
    assert answers["medical"] == {"fever": False}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--text or --file"),
        (("--text", "x", "--file", "-"), "--text or --file"),
        (("--text", "x", "--today", "tomorrow"), "--today"),
        (("--file", "/no/such/file"), "--file"),
        (("--text", "x" * 5001), "too long"),
        (("--text", "x", "--language", "fr"), "--language"),
    ],
)
def test_a_bad_parse_command_says_why_and_exits_2(args: tuple[str, ...], message: str) -> None:
    done = run_cli("parse", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_the_interview_response_documents_the_estimate(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    remaining = schemas["InterviewOut"]["properties"]["remaining"]
    assert remaining["type"] == "integer"
    assert remaining["minimum"] == 0
    assert "estimate" in remaining["description"]
    assert "remaining" in schemas["InterviewOut"]["required"]
