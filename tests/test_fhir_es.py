"""FHIR in Spanish: every FHIR answer speaks the request's Accept-Language, as the JSON API
does (the resource's ``language``, Content-Language and Vary); only the words change, never
a code, system, linkId, url or version. The command line's FHIR follows its language."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from myoguide import Answers, Knowledge, assess, load_knowledge
from myoguide.diary.store import DiaryStore
from myoguide.fhir import CANONICAL
from myoguide.fhir.codesystem import code_system_ids
from myoguide.fhir.diary import read_diary_bundle
from myoguide.fhir.response import to_response
from myoguide.web import create_app

from .diaries import every_other_day_diary
from .test_cli import run_cli
from .test_diary_cli import run as run_diary
from .test_diary_fhir import episode, every_resource, full_day
from .test_diary_web import register
from .test_fhir import ASSESS, FHIR_JSON, NEXT, fhir, items, validated
from .test_i18n import english_sentences
from .test_vignettes import CASES

SPANISH = load_knowledge(language="es")
ENGLISH = load_knowledge()
IN_SPANISH = {"accept-language": "es"}
HUMAN = {
    "display",
    "text",
    "title",
    "description",
    "definition",
    "purpose",
    "rationale",
    "mitigation",
    "diagnostics",
    "unit",
}
"""The elements that hold words for people (a code's display, a note's text...)."""


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


def get(client: TestClient, path: str, language: str | None = None) -> dict[str, Any]:
    headers = {"accept-language": language} if language else {}
    return answered(client.get(path, headers=headers), language or "en")


def post(
    client: TestClient, path: str, body: Any, language: str = "es", status: int = 200
) -> dict[str, Any]:
    headers = {**FHIR_JSON, "accept-language": language}
    return answered(client.post(path, content=json.dumps(body), headers=headers), language, status)


def answered(response: Any, language: str, status: int = 200) -> dict[str, Any]:
    """A FHIR answer in `language`: valid, and saying so in its headers and resources."""
    body = fhir(response, status)
    assert response.headers["content-language"] == language
    assert "Accept-Language" in response.headers["vary"]
    assert body["language"] == language
    return body


def words(value: Any) -> list[str]:
    """Every text for people in a resource, leaving out HL7's and LOINC's displays of their
    own codes and the verbatim quotes of English sources (both stay as they are)."""
    found: list[str] = []
    if isinstance(value, dict):
        system = value.get("system", CANONICAL)
        theirs = isinstance(system, str) and not system.startswith(CANONICAL)
        for key, child in value.items():
            if key in HUMAN and isinstance(child, str):
                if not (key == "display" and theirs):
                    found.append(child)
            elif not (key == "extension" and value.get("url") == "quote"):
                found += words(child)
        if value.get("url") == "title" and "valueString" in value:
            found.append(value["valueString"])
    elif isinstance(value, list):
        for child in value:
            found += words(child)
    return found


IDS = re.compile(
    r"(?<![\w.])(?:[a-z0-9]+(?:[._][a-z0-9]+)+|"
    + "|".join(re.escape(q.id) for q in ENGLISH.questions.questions)
    + r")(?!\w)"
)
"""Our ids in a text (the unanswered questions, ``medical.speech_or_swallowing_difficulty``,
``when``): codes, the same in every language."""


def english_in(resource: Any, knowledge: Knowledge = SPANISH) -> list[str]:
    """The English sentences in a resource's words, leaving out what stays as it is."""
    return english_sentences(IDS.sub(" ", ". ".join(words(resource))), knowledge)


def codes_only(value: Any) -> Any:
    """The resource without its words: what must be the same in every language. A source's
    title and address go too: a Spanish reader is sent to the Spanish edition where there
    is one (MedlinePlus en español)."""
    if isinstance(value, dict):
        return {
            key: codes_only(child)
            for key, child in value.items()
            if key not in HUMAN
            and key != "language"
            and not (key in {"valueString", "valueUri"} and value.get("url") in {"title", "url"})
        }
    if isinstance(value, list):
        return [codes_only(child) for child in value]
    return value


def codings(value: Any) -> list[tuple[str, str]]:
    """Every (system, code) in a resource, in order."""
    if isinstance(value, dict):
        found = [(value["system"], value["code"])] if "system" in value and "code" in value else []
        return found + [pair for child in value.values() for pair in codings(child)]
    if isinstance(value, list):
        return [pair for child in value for pair in codings(child)]
    return []


def test_the_check_of_words_finds_english(client: TestClient) -> None:
    """The checks below are not vacuous: the English questionnaire is full of English, and
    leaving out the words leaves the codes."""
    body = get(client, "/fhir/Questionnaire/myoguide")
    assert len(english_in(body, ENGLISH)) > 50
    assert codes_only(body)["item"][0]["linkId"] == "section-feeling"


def test_the_questionnaire_in_spanish_is_the_english_one_in_other_words(
    client: TestClient,
) -> None:
    spanish = get(client, "/fhir/Questionnaire/myoguide", "es")
    english = get(client, "/fhir/Questionnaire/myoguide")
    assert english == get(client, "/fhir/Questionnaire/myoguide", "en")
    assert codes_only(spanish) == codes_only(english)
    assert spanish["title"] != english["title"]
    assert english_in(spanish) == []
    by_link = {item["linkId"]: item for item in items(spanish)}
    for question in SPANISH.questions.questions:
        assert by_link[question.id]["text"] == question.text
        assert by_link[f"{question.id}-help"]["text"] == question.help
    assert spanish["description"] == SPANISH.meta.disclaimer


@pytest.mark.parametrize("asked", ["es-MX, en;q=0.5", "fr, es;q=0.8", "ES"])
def test_any_way_of_asking_for_spanish_gets_it(client: TestClient, asked: str) -> None:
    response = client.get("/fhir/Questionnaire/myoguide", headers={"accept-language": asked})
    assert response.headers["content-language"] == "es"
    assert response.json()["language"] == "es"


def test_a_language_not_spoken_gets_english(client: TestClient) -> None:
    response = client.get("/fhir/CodeSystem/kind", headers={"accept-language": "fr"})
    assert answered(response, "en") == get(client, "/fhir/CodeSystem/kind")


def test_every_code_system_in_spanish_has_the_same_codes(client: TestClient) -> None:
    for system_id in [*code_system_ids(ENGLISH), "diary"]:
        spanish = get(client, f"/fhir/CodeSystem/{system_id}", "es")
        english = get(client, f"/fhir/CodeSystem/{system_id}")
        assert codes_only(spanish) == codes_only(english), system_id
        assert english_in(spanish) == [], system_id
        assert [c["display"] for c in spanish["concept"]] != [
            c["display"] for c in english["concept"]
        ], system_id


def spanish_response(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as a response a Spanish form filler sends: its items' words in Spanish."""
    response = to_response(Answers.model_validate(answers), SPANISH)
    data: dict[str, Any] = response.model_dump(mode="json", exclude_none=True)
    return data


SAMPLE = CASES[::5]


@pytest.mark.parametrize("case", SAMPLE, ids=[case["id"] for case in SAMPLE])
def test_assess_in_spanish_gives_the_codes_it_gives_in_english(
    client: TestClient, case: dict[str, Any]
) -> None:
    sent = spanish_response(case["answers"])
    spanish = post(client, ASSESS, sent, "es")
    english = post(client, ASSESS, sent, "en")
    assert codes_only(spanish) == codes_only(english)
    assert [e["resource"]["resourceType"] for e in spanish["entry"]] == [
        "RiskAssessment",
        "CarePlan",
        "QuestionnaireResponse",
    ]
    for entry in spanish["entry"][:2]:
        assert entry["resource"]["language"] == "es"
        validated(entry["resource"])
    assert english_in(spanish) == [], case["id"]
    notes = [note["text"] for note in spanish["entry"][0]["resource"]["note"]]
    assert notes[0] == SPANISH.meta.disclaimer


def test_an_emergency_says_so_in_spanish(client: TestClient) -> None:
    case = next(c for c in CASES if assess(c["answers"]).triage.level == "emergency")
    bundle = post(client, ASSESS, spanish_response(case["answers"]), "es")
    risk = bundle["entry"][0]["resource"]
    assert risk["prediction"][0]["outcome"]["coding"][0]["display"] == (
        SPANISH.meta.triage_levels["emergency"].label
    )
    assert "112" in risk["mitigation"]


def adaptive_run(client: TestClient, answers: dict[str, Any], language: str) -> list[Any]:
    """Each answer to $next-question, answering every question asked from `answers` (or
    "not sure" when they have none), until the form completes."""
    given = {
        item["linkId"]: item["answer"]
        for item in items(spanish_response(answers))
        if "answer" in item
    }
    current: dict[str, Any] = {"resourceType": "QuestionnaireResponse", "status": "in-progress"}
    bodies = []
    for _ in range(len(ENGLISH.questions.questions) + 1):
        body = post(client, NEXT, current, language)
        assert body["contained"][0]["language"] == language
        bodies.append(body)
        if body["status"] == "completed":
            break
        for item in items(body):
            if item["linkId"] in given and "answer" not in item:
                item["answer"] = given[item["linkId"]]
        current = body
    return bodies


@pytest.mark.parametrize("case", CASES[::15], ids=[case["id"] for case in CASES[::15]])
def test_next_question_asks_the_same_questions_in_spanish(
    client: TestClient, case: dict[str, Any]
) -> None:
    spanish = adaptive_run(client, case["answers"], "es")
    english = adaptive_run(client, case["answers"], "en")
    assert [codes_only(body) for body in spanish] == [codes_only(body) for body in english]
    assert spanish[-1]["status"] == "completed"
    for body in spanish:
        assert english_in(body) == [], case["id"]
    whys = [text for body in spanish for text in words(body["contained"])]
    assert any("\n\n" in text for text in whys)


def test_a_form_begun_in_english_goes_on_in_spanish_without_its_english_whys(
    client: TestClient,
) -> None:
    current: dict[str, Any] = {"resourceType": "QuestionnaireResponse", "status": "in-progress"}
    for _ in range(2):
        current = post(client, NEXT, current, "en")
        for item in items(current):
            if "answer" not in item and item["linkId"] == "sensation":
                item["answer"] = [{"valueCoding": {"code": "twitching"}}]
    assert english_in(current["contained"], ENGLISH)
    spanish = post(client, NEXT, current, "es")
    assert english_in(spanish["contained"]) == []


ERRORS: list[tuple[str, Any]] = [
    (ASSESS, "["),
    (ASSESS, '{"status" "completed"}'),
    (ASSESS, []),
    (ASSESS, {"resourceType": "QuestionnaireResponse", "status": 5, "item": [{"linkId": 1}]}),
    (ASSESS, {"resourceType": "Patient"}),
    (ASSESS, {"status": "completed"}),
    (ASSESS, {"resourceType": "QuestionnaireResponse", "status": "completed", "answers": 1}),
    (
        ASSESS,
        {
            "resourceType": "QuestionnaireResponse",
            "status": "finished",
            "questionnaire": "https://example.org/Questionnaire/other",
            "item": [
                {"linkId": "nope"},
                {"linkId": "sensation", "answer": [{"valueCoding": {"code": "buzzing"}}]},
                {"linkId": "locations", "answer": [{"valueCoding": {"code": "tail"}}]},
                {"linkId": "age", "answer": [{"valueString": "forty"}]},
                {"linkId": "age", "answer": [{"valueInteger": 40}]},
                {"linkId": "section-feeling", "answer": [{"valueBoolean": True}]},
            ],
        },
    ),
    (NEXT, {"resourceType": "Parameters"}),
    # What the FHIR models refuse themselves (pydantic's words), not our reader.
    (
        ASSESS,
        {
            "resourceType": "QuestionnaireResponse",
            "status": 5,
            "authored": "yesterday",
            "item": [{"linkId": 7}],
        },
    ),
    (NEXT, {"resourceType": "QuestionnaireResponse", "status": "completed", "item": "x"}),
    (NEXT, {"resourceType": "QuestionnaireResponse", "status": "x", "questionnaire": "#gone"}),
]


@pytest.mark.parametrize(("path", "body"), ERRORS)
def test_problems_are_said_in_spanish_at_the_same_places(
    client: TestClient, path: str, body: Any
) -> None:
    sent = body if isinstance(body, str) else json.dumps(body)
    answers = {}
    for language in ("es", "en"):
        headers = {**FHIR_JSON, "accept-language": language}
        response = client.post(path, content=sent, headers=headers)
        answers[language] = answered(response, language, response.status_code)
        assert response.status_code in {400, 422}
    spanish, english = answers["es"]["issue"], answers["en"]["issue"]
    assert [i.get("expression") for i in spanish] == [i.get("expression") for i in english]
    for said, meant in zip(spanish, english, strict=True):
        assert said["diagnostics"] != meant["diagnostics"]
        assert not re.search(r"Expecting|input should", said["diagnostics"])
    assert english_in(answers["es"]) == []


def test_what_is_not_here_is_said_in_spanish(client: TestClient) -> None:
    es = {**FHIR_JSON, **IN_SPANISH}
    refusals = [
        client.get("/fhir/CodeSystem/nope", headers=IN_SPANISH),
        client.get("/fhir/Questionnaire/other", headers=IN_SPANISH),
        client.get("/fhir/Patient/1", headers=IN_SPANISH),
        client.delete("/fhir/metadata", headers=IN_SPANISH),
        client.post(ASSESS, content="{}", headers={**es, "content-type": "text/plain"}),
    ]
    for response in refusals:
        body = answered(response, "es", response.status_code)
        assert response.status_code in {404, 405, 415}
        assert english_in(body) == [], body
        assert "Not Found" not in response.text


def test_check_prints_its_fhir_bundle_in_the_terminal_s_language(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(CASES[0]["answers"]))
    done = run_cli("--lang", "es", "check", "--answers", str(answers), "--format", "fhir")
    assert done.returncode == 0, done.stderr
    bundle = json.loads(done.stdout)
    validated(bundle)
    assert bundle["language"] == "es"
    assert english_in(bundle) == []
    english = json.loads(run_cli("check", "--answers", str(answers), "--format", "fhir").stdout)
    assert codings(bundle) == codings(english)
    assert english_in(english, ENGLISH)


def test_the_diary_exports_in_spanish_and_reads_back_the_same(tmp_path: Path) -> None:
    """The words of the diary's codes in the terminal's language; the codes, and so what an
    import reads, the same as in English."""
    db, copy = tmp_path / "diary.sqlite3", tmp_path / "copy.sqlite3"
    days, episodes = every_other_day_diary()
    with closing(DiaryStore.open(str(db))) as store:
        own = full_day(custom={"pantalla": 6.25, "regla": True, "sin anotar": None})
        store.local_diary().import_entries([*episodes, episode()], [*days, own])
    english_path, spanish_path = tmp_path / "diary.fhir.json", tmp_path / "diario.fhir.json"
    english = run_diary(db, "export", "--fhir", str(english_path))
    spanish = run_diary(db, "export", "--fhir", str(spanish_path), env={"LANGUAGE": "es"})
    assert english.returncode == 0, english.stderr
    assert spanish.returncode == 0, spanish.stderr
    text = spanish_path.read_text(encoding="utf-8")
    every_resource(text)
    data = json.loads(text)
    assert english_in(data) == []
    english_data = json.loads(english_path.read_text(encoding="utf-8"))
    assert len(english_in(english_data, ENGLISH)) > 5
    assert codes_only(data) == codes_only(english_data)
    assert read_diary_bundle(text) == read_diary_bundle(english_path.read_text(encoding="utf-8"))
    done = run_diary(copy, "import", "--fhir", str(spanish_path))
    assert done.returncode == 0, done.stderr
    assert f"Imported {len(episodes) + 1} episodes and {len(days) + 1} days." in done.stdout


def test_the_diary_api_exports_fhir_in_the_accept_language_language(tmp_path: Path) -> None:
    with closing(DiaryStore.open(str(tmp_path / "web.sqlite3"))) as store:
        app = create_app(store=store)
        person = register(app)
        person.add_episode(
            kind="spasm", regions=["calf"], warning_signs=["fever"], note="tras el café"
        )
        assert person.api("PUT", "/days/2026-11-20", {"exercise": "heavy"}).status_code == 200
        exports = {
            language: person.client.get(
                "/api/v1/diary/export",
                params={"format": "fhir"},
                headers={"accept-language": language},
            )
            for language in ("es", "en")
        }
    for language, response in exports.items():
        assert response.status_code == 200
        assert response.headers["content-language"] == language
        assert "Accept-Language" in response.headers["vary"]
        every_resource(response.text)
    spanish, english = (json.loads(exports[language].text) for language in ("es", "en"))
    assert english_in(spanish) == []
    assert codes_only(spanish) == codes_only(english)
    assert "Pantorrilla" in exports["es"].text and "Calf" in exports["en"].text


def test_a_body_too_large_is_refused_in_spanish(client: TestClient) -> None:
    """The body limit answers before any route, as an OperationOutcome in the request's
    language like every other FHIR answer."""
    headers = {**FHIR_JSON, **IN_SPANISH}
    response = client.post(ASSESS, content=b" " * (64 * 1024 + 1), headers=headers)
    body = answered(response, "es", 413)
    assert english_in(body) == [], body
    english = client.post(ASSESS, content=b" " * (64 * 1024 + 1), headers=FHIR_JSON)
    assert english.json()["issue"][0]["diagnostics"] == (
        "The request body is larger than 65536 bytes."
    )


def test_a_body_that_is_not_json_is_said_without_the_parser_s_english(
    client: TestClient,
) -> None:
    """Python's JSON parser words its reason in English ("Expecting property name…"):
    Spanish says the same reason in its own words."""
    sent = '{"resourceType": "QuestionnaireResponse",\n  oops}'
    headers = {**FHIR_JSON, **IN_SPANISH}
    spanish = answered(client.post(ASSESS, content=sent, headers=headers), "es", 400)
    said = spanish["issue"][0]["diagnostics"]
    assert said.startswith("el cuerpo de la petición no es JSON válido: ")
    assert "comillas dobles" in said and "Expecting" not in said
    english = fhir(client.post(ASSESS, content=sent, headers=FHIR_JSON), 400)
    assert english["issue"][0]["diagnostics"] == (
        "the body is not valid JSON: Expecting property name enclosed in double quotes"
    )
