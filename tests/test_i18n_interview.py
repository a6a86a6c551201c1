"""The interview in Spanish: its screens (start, questions, what we understood, the result)
and why each question is asked, with the same questions, ids and result as in English."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from myoguide import Knowledge, load_knowledge
from myoguide.engine import default_engine
from myoguide.interview import next_group, next_question, screens_left
from myoguide.questionnaire import UNKNOWN, read_replies, set_answer
from myoguide.web import create_app

from .test_api import hidden_answers
from .test_check_web import CASE_IDS, asked, reply
from .test_i18n import english_sentences
from .test_i18n_web import HTML_LANG, SPANISH, page_text
from .test_safety import form_of
from .test_vignettes import CASES_BY_ID

QUESTIONS = {q.id: q for q in load_knowledge().questions.questions}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), headers=SPANISH) as client:
        yield client


@pytest.fixture(scope="module")
def spanish() -> Knowledge:
    return load_knowledge(language="es")


def in_spanish(response: httpx2.Response, spanish: Knowledge) -> list[str]:
    """The English sentences a Spanish page still has (none is the goal)."""
    assert HTML_LANG.search(response.text)[1] == "es"  # type: ignore[index]
    assert response.headers["content-language"] == "es"
    return english_sentences(page_text(response.text), spanish)


def test_the_start_screen_is_in_spanish(client: TestClient, spanish: Knowledge) -> None:
    response = client.get("/check")
    assert response.status_code == 200
    assert in_spanish(response, spanish) == []
    screens, questions = screens_left({})
    assert f"son unas {screens} pantallas ({questions} preguntas)" in response.text


def test_a_description_too_long_is_named_in_spanish(client: TestClient, spanish: Knowledge) -> None:
    response = client.post("/check/start", data={"text": "a" * 20_001})
    assert response.status_code == 422
    assert in_spanish(response, spanish) == []
    assert "text: demasiado largo" in response.text


@pytest.mark.parametrize(
    ("forged", "told"),
    [
        ('{"unknown": ["nope"]}', "state.unknown: 'nope' no es el id de una pregunta."),
        ('{"steps": [{"age": 30}, {"age": 31}]}', "state.steps[1]: 'age' tiene dos respuestas."),
        ("x" * 20_001, "state: demasiado largo: como mucho 20000 caracteres."),
    ],
)
def test_a_forged_state_is_named_in_spanish(
    client: TestClient, spanish: Knowledge, forged: str, told: str
) -> None:
    response = client.post("/check/next", data={"state": forged, "action": "next"})
    assert response.status_code == 422
    shown = told.replace("'", "&#39;") + " Empieza la revisión de nuevo, por favor."
    assert shown in response.text
    assert in_spanish(response, spanish) == []


def test_what_we_understood_is_in_spanish(client: TestClient, spanish: Knowledge) -> None:
    text = "me tiembla el párpado izquierdo desde hace cinco días, tomo seis cafés al día"
    response = client.post("/check/start", data={"text": text})
    assert response.status_code == 200
    assert 'class="found"' in response.text, "the Spanish description was not read"
    assert in_spanish(response, spanish) == []
    assert "Seguir con las preguntas" in response.text


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_screen_to_the_result_is_in_spanish_and_asks_as_in_english(
    client: TestClient, spanish: Knowledge, case_id: str
) -> None:
    form = form_of(CASES_BY_ID[case_id]["answers"])
    given: dict[str, Any] = {}
    unknown: list[str] = []
    screen = client.post("/check/start", data={"text": ""})
    grouped = False
    for _ in range(len(QUESTIONS)):
        assert screen.status_code == 200, screen.text
        assert in_spanish(screen, spanish) == [], case_id
        ids = asked(screen)
        if not ids:
            break
        # The same questions as in English, in Spanish words.
        assert ids == [q.id for q in next_group(given, unknown)]
        for question in next_group(given, unknown, language="es"):
            assert html.escape(question.text, quote=False) in screen.text
            assert html.escape(question.why, quote=False) in screen.text
        grouped = grouped or len(ids) > 1
        for question_id in ids:
            sent = form.get(question_id, "")
            value = read_replies(QUESTIONS[question_id], [sent] if isinstance(sent, str) else sent)
            if value is UNKNOWN:
                unknown.append(question_id)
            else:
                set_answer(given, question_id, value)
        screen = reply(client, screen, {i: form.get(i, "") for i in ids})
    else:
        pytest.fail("the interview did not end")
    assert json.loads(hidden_answers(screen)) == given
    result = default_engine("es").assess(given)
    assert html.escape(result.triage.action, quote=False) in screen.text
    assert grouped or len(given) + len(unknown) <= 2


def test_the_progress_line_is_in_spanish(client: TestClient) -> None:
    screen = reply(client, client.post("/check/start", data={"text": ""}), {"locations": "calf"})
    ids = asked(screen)
    more = screens_left({"locations": ["calf"]})[0] - 1
    assert f"Pantalla 2, alrededor de {more} más · preguntas 2 a {1 + len(ids)}<" in screen.text
    assert f"{len(ids)} preguntas cortas" in screen.text


def test_why_we_ask_is_in_spanish_with_the_same_choice(spanish: Knowledge) -> None:
    """Played one question at a time through the vignettes: each question is the English
    one, asked in Spanish, for every kind of reason the interview gives."""
    reasons: set[str] = set()
    for case_id in CASE_IDS:
        full = CASES_BY_ID[case_id]["answers"]
        form = form_of(full)
        given: dict[str, Any] = {}
        unknown: list[str] = []
        while (english := next_question(given, unknown)) is not None:
            translated = next_question(given, unknown, language="es")
            assert translated is not None
            assert (translated.id, translated.reason, translated.about) == (
                english.id,
                english.reason,
                english.about,
            )
            assert translated.why.startswith("Lo preguntamos"), translated.why
            assert english_sentences(translated.why, spanish) == [], translated.why
            assert translated.text != english.text
            reasons.add(english.reason)
            sent = form.get(english.id, "")
            value = read_replies(QUESTIONS[english.id], [sent] if isinstance(sent, str) else sent)
            if value is UNKNOWN:
                unknown.append(english.id)
            else:
                set_answer(given, english.id, value)
    assert reasons >= {"warning_sign", "rule_out", "cause"}, reasons


def test_the_api_interview_answers_in_the_accept_language(spanish: Knowledge) -> None:
    api = TestClient(create_app())
    body = {"answers": {"locations": ["calf"]}, "unknown": []}
    english = api.post("/api/v1/interview", json=body)
    translated = api.post("/api/v1/interview", json=body, headers={"Accept-Language": "es-MX"})
    assert english.status_code == translated.status_code == 200
    assert english.headers["content-language"] == "en"
    assert translated.headers["content-language"] == "es"
    assert "Accept-Language" in translated.headers["vary"]
    question, expected = (
        translated.json()["question"],
        next_question(body["answers"], language="es"),
    )
    assert expected is not None and question == expected.model_dump(mode="json")
    assert question["id"] == english.json()["question"]["id"]
    assert question["why"].startswith("Lo preguntamos")
    assert english_sentences(question["text"] + " " + question["why"], spanish) == []
    assessment = default_engine("es").assess(body["answers"]).model_dump(mode="json")
    assert translated.json()["assessment"] == assessment
    assert english.json()["question"] == next_question(body["answers"]).model_dump(mode="json")  # type: ignore[union-attr]


def test_a_number_out_of_range_is_named_in_spanish(client: TestClient, spanish: Knowledge) -> None:
    screen = client.post("/check/start", data={"text": ""})
    for _ in range(len(QUESTIONS)):
        ids = asked(screen)
        if "age" in ids:
            break
        screen = reply(client, screen, dict.fromkeys(ids, ""))
    wrong = reply(client, screen, {"age": "999"})
    assert wrong.status_code == 422
    assert asked(wrong) == asked(screen)
    assert "Revisa esta respuesta, por favor" in wrong.text
    age = next(q for q in spanish.questions.questions if q.id == "age")
    assert html.escape(age.text, quote=False) in wrong.text
    assert in_spanish(wrong, spanish) == []
