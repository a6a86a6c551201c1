"""FHIR R4 (CONTRACT.md §8): the questionnaire, the answers, the assessment and the adaptive
form as FHIR, through HTTP in process and the command line. Every resource returned is
validated with the R4B models of fhir.resources; skip rules are evaluated the FHIR way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class
from fhirpathpy import compile as compile_fhirpath
from fhirpathpy.models import models
from hypothesis import given, settings
from hypothesis import strategies as st

from myoguide import Answers, assess, load_knowledge, next_question
from myoguide.assessment import TRIAGE_ORDER
from myoguide.engine import Engine
from myoguide.fhir.adaptive import (
    ADAPTIVE_EXTENSION,
    ADAPTIVE_QUESTIONNAIRE_PROFILE,
    ADAPTIVE_RESPONSE_PROFILE,
    next_question_response,
)
from myoguide.fhir.assessment import assessment_bundle
from myoguide.fhir.codesystem import code_system_ids
from myoguide.fhir.outcome import MAX_DEPTH, parse_resource
from myoguide.fhir.questionnaire import ENABLE_WHEN_EXPRESSION, questionnaire
from myoguide.fhir.response import read_response, to_response
from myoguide.fhir.serialize import fhir_json
from myoguide.questionnaire import applies, set_answer
from myoguide.web import create_app
from myoguide.web.fhir import build_fhir_router
from myoguide.web.security import MAX_BODY_BYTES

from .test_cli import run_cli
from .test_engine import PROPERTY, any_answers
from .test_vignettes import CASES

KNOWLEDGE = load_knowledge()
QUESTIONS = KNOWLEDGE.questions.questions
ASSESS = "/fhir/QuestionnaireResponse/$assess"
NEXT = "/fhir/Questionnaire/$next-question"
FHIR_JSON = {"content-type": "application/fhir+json"}
FORM = questionnaire(KNOWLEDGE).model_dump(mode="json", exclude_none=True)
TRIAGE_SYSTEM = "https://myoguide.org/fhir/CodeSystem/triage-level"
RULE_OUT_SYSTEM = "https://myoguide.org/fhir/CodeSystem/rule-out"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


def validated(body: dict[str, Any]) -> Any:
    """The body as its fhir.resources R4B model: it fails here unless it is valid FHIR."""
    return get_fhir_model_class(body["resourceType"]).model_validate(body)


ANY_STATUS = -1
"""For :func:`fhir`: 200, 400 or 422, whichever; never a server error."""


def fhir(response: Any, status: int = 200) -> dict[str, Any]:
    """A FHIR answer's body, checked: status, media type, the private-data headers, valid."""
    if status == ANY_STATUS:
        assert response.status_code in {200, 400, 422}, response.text
    else:
        assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    body: dict[str, Any] = response.json()
    validated(body)
    return body


def response_json(answers: Answers | dict[str, Any], unknown: tuple[str, ...] = ()) -> Any:
    model = Answers.model_validate(answers)
    return to_response(model, KNOWLEDGE, unknown).model_dump(mode="json", exclude_none=True)


def post(client: TestClient, path: str, body: Any) -> Any:
    return client.post(path, content=json.dumps(body), headers=FHIR_JSON)


def items(form: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in form.get("item", []):
        yield item
        yield from items(item)


# --- The questionnaire and its code systems ---


def test_the_questionnaire_has_every_question_in_its_section(client: TestClient) -> None:
    form = fhir(client.get("/fhir/Questionnaire/myoguide"))
    assert form == FORM
    assert form["version"] == KNOWLEDGE.version
    groups = form["item"]
    assert [g["linkId"] for g in groups] == [
        f"section-{s.id}" for s in KNOWLEDGE.questions.sections
    ]
    for group, section in zip(groups, KNOWLEDGE.questions.sections, strict=True):
        asked = [i["linkId"] for i in group["item"] if i["type"] != "display"]
        assert asked == [q.id for q in QUESTIONS if q.section == section.id]
    by_link = {item["linkId"]: item for item in items(form)}
    for question in QUESTIONS:
        item = by_link[question.id]
        assert item["text"] == question.text
        (help_item,) = item["item"]
        assert help_item["type"] == "display"
        assert help_item["text"] == question.help
        control = help_item["extension"][0]
        assert control["url"] == "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
        assert control["valueCodeableConcept"]["coding"][0]["code"] == "help"
        codes = [o["valueCoding"]["code"] for o in item.get("answerOption", [])]
        expected = [option.value for option in question.options]
        assert codes == ([*expected, "none"] if question.type == "multi" else expected)
        assert item.get("repeats", False) is (question.type == "multi")


def test_every_code_system_is_served_and_holds_the_codes_used(client: TestClient) -> None:
    served = {}
    for system_id in code_system_ids(KNOWLEDGE):
        body = fhir(client.get(f"/fhir/CodeSystem/{system_id}"))
        assert body["version"] == KNOWLEDGE.version
        served[body["url"]] = {concept["code"] for concept in body["concept"]}
    used = [o["valueCoding"] for item in items(FORM) for o in item.get("answerOption", [])]
    assert used
    for coding in used:
        assert coding["code"] in served[coding["system"]]
    assert served[RULE_OUT_SYSTEM] == {r.id for r in KNOWLEDGE.rule_outs}
    assert served[TRIAGE_SYSTEM] == {"self_care", "see_doctor", "see_doctor_soon", "emergency"}
    fhir(client.get("/fhir/CodeSystem/no-such-thing"), 404)
    diary = fhir(client.get("/fhir/CodeSystem/diary"))
    assert diary["url"] == "https://myoguide.org/fhir/CodeSystem/diary"
    assert {"episode", "day"} <= {concept["code"] for concept in diary["concept"]}


def test_metadata_lists_what_is_supported(client: TestClient) -> None:
    body = fhir(client.get("/fhir/metadata"))
    resources = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert {o["name"] for o in resources["Questionnaire"]["operation"]} == {"next-question"}
    assert {o["name"] for o in resources["QuestionnaireResponse"]["operation"]} == {"assess"}
    assert "CodeSystem" in resources
    assert body["fhirVersion"].startswith("4.")


def test_metadata_lists_every_endpoint(client: TestClient) -> None:
    """Each /fhir route is in the CapabilityStatement (a read, or an operation on its type),
    and nothing is there that no route serves; every code system served is named, and the
    diary's FHIR export, which lives outside /fhir, is told of."""
    body = fhir(client.get("/fhir/metadata"))
    (rest,) = body["rest"]
    declared = {
        (r["type"], i["code"]) for r in rest["resource"] for i in r.get("interaction", [])
    } | {(r["type"], f"${o['name']}") for r in rest["resource"] for o in r.get("operation", [])}
    served = set()
    for route in build_fhir_router(KNOWLEDGE, Engine(KNOWLEDGE)).routes:
        path = getattr(route, "path", "")
        if not path.startswith("/fhir/") or path == "/fhir/metadata":
            continue
        kind, _, rest_of_path = path.removeprefix("/fhir/").partition("/")
        served.add((kind, rest_of_path if rest_of_path.startswith("$") else "read"))
    assert len(served) == 4
    assert served == declared
    systems = next(r for r in rest["resource"] if r["type"] == "CodeSystem")["documentation"]
    for system_id in [*code_system_ids(KNOWLEDGE), "diary"]:
        assert f" {system_id}," in systems or f" {system_id}." in systems, system_id
        fhir(client.get(f"/fhir/CodeSystem/{system_id}"))
    assert "GET /api/v1/diary/export?format=fhir" in rest["documentation"]


# --- Skip rules, the FHIR way ---


def answers_at(response: dict[str, Any], link: str) -> list[dict[str, Any]]:
    return [a for item in items(response) if item["linkId"] == link for a in item.get("answer", [])]


def _answer_value(entry: dict[str, Any], prefix: str) -> Any:
    (key,) = [k for k in entry if k.startswith(prefix)]
    return entry[key]


def when_holds(condition: dict[str, Any], response: dict[str, Any]) -> bool:
    """One enableWhen, as FHIR R4 defines it: `exists` asks whether there is an answer;
    any other operator holds when some answer passes it (none does when there is none)."""
    given = answers_at(response, condition["question"])
    expected = _answer_value(condition, "answer")
    if condition["operator"] == "exists":
        return bool(given) is expected
    passes = {
        "=": lambda a, b: a == b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }[condition["operator"]]
    for answer in given:
        value = _answer_value(answer, "value")
        if isinstance(expected, bool):
            matches = value is expected
        elif isinstance(expected, dict):
            matches = (value["system"], value["code"]) == (expected["system"], expected["code"])
        else:
            matches = passes(Decimal(str(value)), Decimal(str(expected)))
        if matches:
            return True
    return False


@cache
def fhirpath(expression: str) -> Any:
    return compile_fhirpath(expression, models["r4"])


def enabled(item: dict[str, Any], response: dict[str, Any]) -> bool:
    """Whether a FHIR form shows `item`: its enableWhenExpression (by fhirpathpy), else its
    enableWhen tests joined by enableBehavior, else always."""
    expressions = [
        e["valueExpression"]["expression"]
        for e in item.get("extension", [])
        if e["url"] == ENABLE_WHEN_EXPRESSION
    ]
    if expressions:
        (expression,) = expressions
        result = fhirpath(expression)(response, {"resource": response})
        assert result in ([True], [False]), f"{item['linkId']}: {result!r}"
        return bool(result[0])
    tests = [when_holds(c, response) for c in item.get("enableWhen", [])]
    if not tests:
        return True
    assert len(tests) == 1 or "enableBehavior" in item
    return any(tests) if item.get("enableBehavior") == "any" else all(tests)


def test_both_ways_of_saying_a_skip_rule_are_used() -> None:
    by_link = {item["linkId"]: item for item in items(FORM)}
    ruled = [by_link[q.id] for q in QUESTIONS if q.ask_if is not None]
    assert any("enableWhen" in item for item in ruled)
    assert any("extension" in item and "enableWhen" not in item for item in ruled)
    assert all(
        ("enableWhen" in item)
        != any(e["url"] == ENABLE_WHEN_EXPRESSION for e in item.get("extension", []))
        for item in ruled
    )


def test_no_skip_rule_reads_a_question_that_can_be_skipped() -> None:
    """A FHIR form drops the answers of a hidden item, and our skip rules read answers as
    given: the two agree only while no rule reads a question that may itself be hidden."""
    ruled = {q.id for q in QUESTIONS if q.ask_if is not None}
    for question in QUESTIONS:
        if question.ask_if is not None:
            assert not question.ask_if.fields() & ruled, question.id


@PROPERTY
@given(answers=any_answers)
def test_enable_when_shows_exactly_the_questions_our_skip_rules_show(
    answers: dict[str, Any],
) -> None:
    response = response_json(answers)
    by_link = {item["linkId"]: item for item in items(FORM)}
    shown = {q.id for q in QUESTIONS if enabled(by_link[q.id], response)}
    assert shown == {q.id for q in QUESTIONS if applies(q, answers)}


# --- Answers <-> QuestionnaireResponse ---


@PROPERTY
@given(answers=any_answers, unknown=st.sets(st.sampled_from([q.id for q in QUESTIONS])))
def test_answers_to_a_response_and_back_lose_nothing(
    answers: dict[str, Any], unknown: set[str]
) -> None:
    model = Answers.model_validate(answers)
    wire = json.loads(json.dumps(response_json(model, tuple(sorted(unknown)))))
    read = read_response(
        parse_resource(wire, get_fhir_model_class("QuestionnaireResponse")), KNOWLEDGE
    )
    assert read.answers == model
    assert read.answers.model_dump(mode="json") == model.model_dump(mode="json")
    answered = {q.id for q in QUESTIONS if not applies_value_missing(model, q.id)}
    assert set(read.unknown) == unknown - answered


def applies_value_missing(answers: Answers, question_id: str) -> bool:
    group, _, name = question_id.rpartition(".")
    holder = getattr(answers, group) if group else answers
    return getattr(holder, name) is None


def test_a_response_is_coded_as_the_contract_says() -> None:
    answers = {
        "sensation": "cramping",
        "locations": ["calf", "foot"],
        "when": [],
        "age": 40,
        "factors": {"caffeine_cups_per_day": 2.5, "water_glasses_per_day": 3.0},
        "medical": {"fever": False},
    }
    response = response_json(answers)
    assert answers_at(response, "sensation") == [
        {
            "valueCoding": {
                "system": "https://myoguide.org/fhir/CodeSystem/sensation",
                "code": "cramping",
                "display": "Tight, hard and locked (a cramp or spasm)",
            }
        }
    ]
    assert [a["valueCoding"]["code"] for a in answers_at(response, "locations")] == ["calf", "foot"]
    assert [a["valueCoding"]["system"] for a in answers_at(response, "when")] == [
        "https://myoguide.org/fhir/CodeSystem/none-of-these"
    ]
    assert answers_at(response, "age") == [{"valueInteger": 40}]
    assert answers_at(response, "factors.caffeine_cups_per_day") == [{"valueDecimal": 2.5}]
    assert answers_at(response, "factors.water_glasses_per_day") == [{"valueDecimal": 3.0}]
    assert answers_at(response, "medical.fever") == [{"valueBoolean": False}]
    assert (
        response["questionnaire"]
        == f"https://myoguide.org/fhir/Questionnaire/myoguide|{KNOWLEDGE.version}"
    )
    validated(response)


# --- $assess ---


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_assess_agrees_with_the_json_api_on_every_vignette(
    client: TestClient, case: dict[str, Any]
) -> None:
    expected = client.post("/api/v1/assessments", json=case["answers"]).json()
    bundle = fhir(post(client, ASSESS, response_json(case["answers"])))
    assert bundle["type"] == "collection"
    resources = {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}
    risk, plan = resources["RiskAssessment"], resources["CarePlan"]
    first, *rest = risk["prediction"]
    assert first["outcome"]["coding"][0] == {
        "system": TRIAGE_SYSTEM,
        "code": expected["triage"]["level"],
        "display": KNOWLEDGE.meta.triage_levels[expected["triage"]["level"]].label,
    }
    assert [p["outcome"]["coding"][0]["code"] for p in rest] == [
        r["id"] for r in expected["rule_out"]
    ]
    assert all(p["outcome"]["coding"][0]["system"] == RULE_OUT_SYSTEM for p in rest)
    assert [a["detail"]["code"]["coding"][0]["code"] for a in plan.get("activity", [])] == [
        c["id"] for c in expected["care_plan"]
    ]
    assert {e["fullUrl"] for e in bundle["entry"]} >= {
        risk["basis"][0]["reference"],
        plan["supportingInfo"][0]["reference"],
    }
    assert any(n["text"] == expected["disclaimer"] for n in risk["note"])
    assert any(n["text"] == expected["disclaimer"] for n in plan["note"])


def test_the_assessment_carries_its_reasons_and_sources(client: TestClient) -> None:
    answers = {
        "sensation": "jumping",
        "locations": ["calf"],
        "medical": {"weakness": True, "family_history": ["als"]},
        "factors": {"caffeine_cups_per_day": 6},
    }
    expected = assess(answers)
    bundle = fhir(post(client, ASSESS, response_json(answers)))
    risk = bundle["entry"][0]["resource"]
    assert [c["coding"][0]["code"] for c in risk["reasonCode"]] == [
        r.id for r in expected.triage.reasons
    ]
    for prediction in risk["prediction"]:
        assert prediction["rationale"]
        sources = [
            e
            for e in prediction["extension"]
            if e["url"] == "https://myoguide.org/fhir/StructureDefinition/source"
        ]
        assert sources
    assert risk["mitigation"].startswith(expected.triage.action)
    activity = bundle["entry"][1]["resource"]["activity"][0]
    assert activity["extension"]
    assert [c["coding"][0]["code"] for c in activity["detail"]["reasonCode"]] == list(
        expected.care_plan[0].for_
    )
    assert bundle == fhir(post(client, ASSESS, response_json(answers))), (
        "the same input, the same Bundle"
    )


def test_the_fast_writer_writes_what_the_models_write() -> None:
    """The Bundles are written by our serializer: byte for byte what fhir.resources writes,
    and read back by the full R4B models to the same JSON, for every vignette."""
    for case in CASES:
        response = parse_resource(
            response_json(case["answers"]), get_fhir_model_class("QuestionnaireResponse")
        )
        bundle = assessment_bundle(assess(case["answers"]), response, KNOWLEDGE)
        written = fhir_json(bundle)
        assert written == bundle.model_dump_json().encode(), case["id"]
        assert validated(json.loads(written)).model_dump_json().encode() == written
    odd = {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "_status": {"extension": [{"url": "https://example.org/why", "valueString": "paused"}]},
        "fhir_comments": ["kept"],
        "meta": {"profile": ["https://example.org/a"], "_profile": [None]},
        "item": [{"linkId": "age", "_text": {"id": "t"}, "answer": [{"valueDecimal": 1.50}]}],
    }
    model = validated(odd)
    assert fhir_json(model) == model.model_dump_json().encode()


# --- $next-question ---


@settings(PROPERTY, max_examples=100)
@given(answers=any_answers, unknown=st.sets(st.sampled_from([q.id for q in QUESTIONS]), max_size=6))
def test_next_question_is_the_interview_s(answers: dict[str, Any], unknown: set[str]) -> None:
    model = Answers.model_validate(answers)
    response = to_response(model, KNOWLEDGE, unknown, status="in-progress")
    updated, question = next_question_response(response, KNOWLEDGE)
    expected = next_question(model, read_response(response, KNOWLEDGE).unknown)
    assert question == expected
    if expected is None:
        assert updated.status == "completed"
    else:
        assert updated.status == "in-progress"
        added = json.loads(updated.model_dump_json())
        before = [i["linkId"] for i in items(json.loads(response.model_dump_json()))]
        section = f"section-{expected.section}"
        new = [expected.id] if section in before else [section, expected.id]
        assert sorted(i["linkId"] for i in items(added)) == sorted(before + new)
        group = next(i for i in added["item"] if i["linkId"] == section)
        assert {"linkId": expected.id, "text": expected.text} in group["item"]
    assert_asked_form(json.loads(updated.model_dump_json()))
    assert fhir_json(updated) == updated.model_dump_json().encode()


def question_links(items_of: dict[str, Any]) -> list[str]:
    return [
        i["linkId"]
        for i in items(items_of)
        if not i["linkId"].startswith("section-") and i.get("type") != "display"
    ]


def assert_asked_form(body: dict[str, Any]) -> dict[str, Any]:
    """The response carries the questions asked as SDC's adaptive form does: a contained
    Questionnaire, derived from ours, that `questionnaire` points to, holding our item (type,
    choices, help; no skip rule) for each question in the response, in the same order."""
    assert ADAPTIVE_RESPONSE_PROFILE in body["meta"]["profile"]
    assert body["questionnaire"] == "#asked"
    (form,) = [r for r in body["contained"] if r["resourceType"] == "Questionnaire"]
    assert form["id"] == "asked"
    assert "url" not in form
    assert form["meta"]["profile"] == [ADAPTIVE_QUESTIONNAIRE_PROFILE]
    assert form["extension"] == [{"url": ADAPTIVE_EXTENSION, "valueBoolean": True}]
    assert form["derivedFrom"] == [f"{FORM['url']}|{KNOWLEDGE.version}"]
    assert form["title"]
    assert question_links(form) == question_links(body)
    ours = {item["linkId"]: item for item in items(FORM)}
    for item in items(form):
        if item["linkId"].endswith("-help"):
            continue
        expected = {k: v for k, v in ours[item["linkId"]].items() if k != "item"}
        expected.pop("enableWhen", None)
        expected.pop("enableBehavior", None)
        kept = [e for e in expected.get("extension", []) if e["url"] != ENABLE_WHEN_EXPRESSION]
        expected.pop("extension", None)
        if kept:
            expected["extension"] = kept
        assert {k: v for k, v in item.items() if k != "item"} == expected
        if item["type"] not in {"group", "display"}:
            (help_item,) = item["item"]
            assert help_item["linkId"] == f"{item['linkId']}-help"
            assert help_item["text"].startswith(ours[help_item["linkId"]]["text"])
    return form


def help_texts(form: dict[str, Any]) -> dict[str, str]:
    return {i["linkId"]: i["text"] for i in items(form) if i["linkId"].endswith("-help")}


def test_each_question_added_says_why_it_is_asked_and_keeps_saying_it(
    client: TestClient,
) -> None:
    """Each step's new question carries its help and why we ask it now; the questions asked
    before keep the why they were asked with; the finished response can be assessed."""
    case = CASES[0]["answers"]
    given = {
        item["linkId"]: item["answer"] for item in items(response_json(case)) if "answer" in item
    }
    current: dict[str, Any] = {"resourceType": "QuestionnaireResponse", "status": "in-progress"}
    whys: dict[str, str] = {}
    for _ in range(6):
        read = read_response(validated(current), KNOWLEDGE)
        question = next_question(read.answers, read.unknown)
        body = fhir(post(client, NEXT, current))
        form = assert_asked_form(body)
        if question is None:
            assert body["status"] == "completed"
            break
        texts = help_texts(form)
        assert texts[f"{question.id}-help"] == f"{question.help}\n\n{question.why}"
        assert question.why.startswith("We ask because")
        for link, text in whys.items():
            assert texts[link] == text
        whys[f"{question.id}-help"] = texts[f"{question.id}-help"]
        for item in items(body):
            if item["linkId"] in given and "answer" not in item:
                item["answer"] = given[item["linkId"]]
        current = body
    assert len(whys) >= 3
    bundle = fhir(post(client, ASSESS, current))
    (sent,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert sent["questionnaire"] == "#asked"


@pytest.mark.parametrize("case", CASES[::12], ids=[case["id"] for case in CASES[::12]])
def test_an_adaptive_form_completes_only_once_no_unasked_yes_could_raise_triage(
    client: TestClient, case: dict[str, Any]
) -> None:
    """Answer each added question from the vignette, or "not sure" (no answer) when it has
    none; the form completes, and no question left unasked would raise the triage by a yes."""
    full = response_json(case["answers"])
    given = {item["linkId"]: item["answer"] for item in items(full) if "answer" in item}
    current: dict[str, Any] = {
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "in",
                "resource": {"resourceType": "QuestionnaireResponse", "status": "in-progress"},
            }
        ],
    }
    for _ in range(len(QUESTIONS) + 1):
        body = fhir(post(client, NEXT, current))
        if body["status"] == "completed":
            break
        for item in items(body):
            if item["linkId"] in given and "answer" not in item:
                item["answer"] = given[item["linkId"]]
        current = body
    assert body["status"] == "completed"
    read = read_response(validated(body), KNOWLEDGE)
    assert next_question(read.answers, read.unknown) is None
    asked = {item["linkId"] for item in items(body)}
    level = TRIAGE_ORDER.index(assess(read.answers).triage.level)
    for question in QUESTIONS:
        if question.id not in asked and question.type == "yes_no":
            answers = read.answers.model_dump(exclude_none=True)
            set_answer(answers, question.id, True)
            assert TRIAGE_ORDER.index(assess(answers).triage.level) <= level, question.id


# --- Bad input: an OperationOutcome naming the place, never a 500 ---

GOOD = {"resourceType": "QuestionnaireResponse", "status": "completed"}


def one_item(item: dict[str, Any]) -> dict[str, Any]:
    return {**GOOD, "item": [item]}


@pytest.mark.parametrize(
    ("path", "body", "status", "expression"),
    [
        (ASSESS, b"{not json", 400, None),
        (ASSESS, b"NaN", 400, None),
        (ASSESS, b"[1, 2]", 400, "QuestionnaireResponse"),
        (
            ASSESS,
            json.dumps({"resourceType": "Patient"}).encode(),
            400,
            "QuestionnaireResponse.resourceType",
        ),
        (ASSESS, json.dumps({**GOOD, "bogus": 1}).encode(), 400, "QuestionnaireResponse.bogus"),
        (
            ASSESS,
            json.dumps(
                one_item({"linkId": "medical.weakness", "answer": [{"valueInteger": 1.5}]})
            ).encode(),
            400,
            "QuestionnaireResponse.item[0].answer[0].valueInteger",
        ),
        (
            ASSESS,
            json.dumps({**GOOD, "status": "finished"}).encode(),
            422,
            "QuestionnaireResponse.status",
        ),
        (
            ASSESS,
            json.dumps(
                {**GOOD, "questionnaire": "https://example.org/Questionnaire/other"}
            ).encode(),
            422,
            "QuestionnaireResponse.questionnaire",
        ),
        (
            NEXT,
            json.dumps({**GOOD, "questionnaire": "#asked"}).encode(),
            422,
            "QuestionnaireResponse.questionnaire",
        ),
        (
            ASSESS,
            json.dumps(
                {
                    **GOOD,
                    "questionnaire": "#other",
                    "contained": [
                        {
                            "resourceType": "Questionnaire",
                            "id": "other",
                            "status": "active",
                            "derivedFrom": ["https://example.org/Questionnaire/other"],
                        }
                    ],
                }
            ).encode(),
            422,
            "QuestionnaireResponse.questionnaire",
        ),
        (
            ASSESS,
            json.dumps(
                one_item({"linkId": "medical.nonsense", "answer": [{"valueBoolean": True}]})
            ).encode(),
            422,
            "QuestionnaireResponse.item[0].linkId",
        ),
        (
            ASSESS,
            json.dumps(one_item({"linkId": "medical.weakness-help"})).encode(),
            422,
            "QuestionnaireResponse.item[0].linkId",
        ),
        (
            ASSESS,
            json.dumps(
                one_item({"linkId": "medical.weakness", "answer": [{"valueString": "yes"}]})
            ).encode(),
            422,
            "QuestionnaireResponse.item[0].answer[0]",
        ),
        (
            ASSESS,
            json.dumps(
                one_item(
                    {
                        "linkId": "medical.weakness",
                        "answer": [{"valueBoolean": True}, {"valueBoolean": False}],
                    }
                )
            ).encode(),
            422,
            "QuestionnaireResponse.item[0].answer",
        ),
        (
            ASSESS,
            json.dumps(one_item({"linkId": "age", "answer": [{"valueInteger": 300}]})).encode(),
            422,
            "QuestionnaireResponse.item[0].answer[0]",
        ),
        (
            ASSESS,
            json.dumps(
                one_item(
                    {
                        "linkId": "pain",
                        "answer": [
                            {
                                "valueCoding": {
                                    "system": "https://myoguide.org/fhir/CodeSystem/pain",
                                    "code": "agony",
                                }
                            }
                        ],
                    }
                )
            ).encode(),
            422,
            "QuestionnaireResponse.item[0].answer[0].valueCoding.code",
        ),
        (
            ASSESS,
            json.dumps(
                one_item(
                    {
                        "linkId": "pain",
                        "answer": [
                            {"valueCoding": {"system": "http://snomed.info/sct", "code": "none"}}
                        ],
                    }
                )
            ).encode(),
            422,
            "QuestionnaireResponse.item[0].answer[0].valueCoding.system",
        ),
        (
            ASSESS,
            json.dumps(
                one_item(
                    {
                        "linkId": "section-feeling",
                        "item": [
                            {
                                "linkId": "locations",
                                "answer": [
                                    {
                                        "valueCoding": {
                                            "system": "https://myoguide.org/fhir/CodeSystem/none-of-these",
                                            "code": "none",
                                        }
                                    },
                                    {"valueCoding": {"code": "calf"}},
                                ],
                            }
                        ],
                    }
                )
            ).encode(),
            422,
            "QuestionnaireResponse.item[0].item[0].answer",
        ),
        (
            ASSESS,
            json.dumps(
                {
                    **GOOD,
                    "item": [
                        {"linkId": "age", "answer": [{"valueInteger": 3}]},
                        {"linkId": "age", "answer": [{"valueInteger": 4}]},
                    ],
                }
            ).encode(),
            422,
            "QuestionnaireResponse.item[1].linkId",
        ),
        (
            NEXT,
            json.dumps(
                {"resourceType": "Parameters", "parameter": [{"name": "out", "resource": GOOD}]}
            ).encode(),
            400,
            "Parameters.parameter",
        ),
        (
            NEXT,
            json.dumps(
                {
                    "resourceType": "Parameters",
                    "parameter": [{"name": "in", "resource": {"resourceType": "Patient"}}],
                }
            ).encode(),
            400,
            "Parameters.parameter[0].resource.resourceType",
        ),
        (
            NEXT,
            json.dumps(
                {
                    "resourceType": "Parameters",
                    "parameter": [
                        {
                            "name": "in",
                            "resource": one_item(
                                {"linkId": "age", "answer": [{"valueBoolean": True}]}
                            ),
                        }
                    ],
                }
            ).encode(),
            422,
            "Parameters.parameter[0].resource.item[0].answer[0]",
        ),
    ],
)
def test_bad_input_is_an_operation_outcome_naming_the_place(
    client: TestClient, path: str, body: bytes, status: int, expression: str | None
) -> None:
    outcome = fhir(client.post(path, content=body, headers=FHIR_JSON), status)
    assert outcome["resourceType"] == "OperationOutcome"
    issues = outcome["issue"]
    assert all(issue["severity"] == "error" and issue["diagnostics"] for issue in issues)
    if expression is not None:
        assert expression in [e for issue in issues for e in issue.get("expression", [])]


def test_odd_bodies_never_cause_a_server_error(client: TestClient) -> None:
    deep: dict[str, Any] = {"linkId": "medical.weakness", "answer": [{"valueBoolean": True}]}
    for _ in range(MAX_DEPTH * 8):
        deep = {"linkId": "section-feeling", "item": [deep]}
    fhir(post(client, ASSESS, one_item(deep)), 400)
    fhir(client.post(ASSESS, content=b"[" * 20_000, headers=FHIR_JSON), 400)
    many = {**GOOD, "item": [{"linkId": f"x{i}"} for i in range(3000)]}
    outcome = fhir(post(client, ASSESS, many), 422)
    assert len(outcome["issue"]) == 51
    huge = fhir(client.post(ASSESS, content=b" " * (MAX_BODY_BYTES + 1), headers=FHIR_JSON), 413)
    assert huge["issue"][0]["code"] == "too-costly"
    fhir(client.post(ASSESS, content=b"{}", headers={"content-type": "text/plain"}), 415)
    fhir(client.get("/fhir/Questionnaire/other"), 404)
    fhir(client.put("/fhir/metadata"), 405)
    fhir(client.get("/fhir/Patient/1"), 404)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
codings = st.fixed_dictionaries(
    {},
    optional={
        "system": st.sampled_from(
            [f"https://myoguide.org/fhir/CodeSystem/{i}" for i in code_system_ids(KNOWLEDGE)]
        ),
        "code": st.sampled_from(sorted({o.value for q in QUESTIONS for o in q.options} | {"none"})),
    },
)
answer_entries = st.dictionaries(
    st.sampled_from(["valueBoolean", "valueInteger", "valueDecimal", "valueString", "item"]),
    json_values,
    max_size=2,
) | st.fixed_dictionaries({"valueCoding": codings})
links = st.sampled_from(
    [q.id for q in QUESTIONS] + [f"section-{s.id}" for s in KNOWLEDGE.questions.sections] + ["x"]
)
response_items = st.recursive(
    st.fixed_dictionaries(
        {"linkId": links}, optional={"answer": st.lists(answer_entries, max_size=3)}
    ),
    lambda inner: st.fixed_dictionaries({"linkId": links, "item": st.lists(inner, max_size=4)}),
    max_leaves=12,
)
odd_responses = st.fixed_dictionaries(
    {
        "resourceType": st.sampled_from(
            ["QuestionnaireResponse", "QuestionnaireResponse", "Basic"]
        ),
        "status": st.sampled_from(["completed", "in-progress", "done"]),
    },
    optional={"item": st.lists(response_items, max_size=6), "questionnaire": st.text(max_size=8)},
)


@settings(PROPERTY, max_examples=150)
@given(body=odd_responses | json_values, wrapped=st.booleans())
def test_any_body_gets_a_bundle_or_an_operation_outcome(
    client: TestClient, body: Any, wrapped: bool
) -> None:
    for path, made in ((ASSESS, "Bundle"), (NEXT, "QuestionnaireResponse")):
        if wrapped and path == NEXT:
            body = {"resourceType": "Parameters", "parameter": [{"name": "in", "resource": body}]}
        response = post(client, path, body)
        answer = fhir(response, ANY_STATUS)
        assert answer["resourceType"] == (
            made if response.status_code == 200 else "OperationOutcome"
        )


def test_plain_json_is_accepted_too(client: TestClient) -> None:
    response = client.post(ASSESS, json=response_json({"sensation": "jumping"}))
    assert fhir(response)["type"] == "collection"


# --- The command line ---


def test_check_reads_a_questionnaire_response_and_prints_a_bundle(tmp_path: Any) -> None:
    answers = {
        "sensation": "cramping",
        "locations": ["calf"],
        "medical": {"calf_swelling_redness_warmth": True},
    }
    plain = tmp_path / "answers.json"
    plain.write_text(json.dumps(answers))
    coded = tmp_path / "response.json"
    coded.write_text(json.dumps(response_json(answers)))
    assert json.loads(
        run_cli("check", "--answers", str(coded), "--format", "json").stdout
    ) == json.loads(run_cli("check", "--answers", str(plain), "--format", "json").stdout)
    done = run_cli("check", "--answers", str(plain), "--format", "fhir")
    assert done.returncode == 0, done.stderr
    bundle = validated(json.loads(done.stdout))
    risk = bundle.entry[0].resource
    assert risk.prediction[0].outcome.coding[0].code == assess(answers).triage.level
    batch = run_cli(
        "check",
        "--answers",
        "-",
        "--format",
        "fhir",
        input=f"{coded.read_text()}\n{plain.read_text()}\n",
    )
    assert batch.returncode == 0, batch.stderr
    assert [validated(json.loads(line)).type for line in batch.stdout.splitlines()] == [
        "collection"
    ] * 2


def test_check_names_the_place_of_a_bad_response(tmp_path: Any) -> None:
    bad = tmp_path / "response.json"
    bad.write_text(json.dumps(one_item({"linkId": "age", "answer": [{"valueInteger": 300}]})))
    done = run_cli("check", "--answers", str(bad))
    assert done.returncode == 2
    assert "QuestionnaireResponse.item[0].answer[0]" in done.stderr
    assert "Traceback" not in done.stderr
