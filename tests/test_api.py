"""The web app through HTTP, in-process: the JSON API, the pages without a browser, security."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from myoguide import assess, load_knowledge
from myoguide.web import create_app

from .contract_ids import ASSESSMENT_KEYS, CARE_PLAN, FACTORS, REGIONS, RULE_OUTS

KNOWLEDGE = load_knowledge()
ASSESSMENTS = "/api/v1/assessments"
LIMIT = 64 * 1024
JSON = {"content-type": "application/json"}
FORM = "application/x-www-form-urlencoded"

GROUPS = {
    "topics": KNOWLEDGE.topics,
    "kinds": KNOWLEDGE.kinds.kinds,
    "regions": KNOWLEDGE.regions,
    "factors": KNOWLEDGE.factors,
    "rule-outs": KNOWLEDGE.rule_outs,
    "warning-signs": KNOWLEDGE.warning_signs,
    "care-plan": KNOWLEDGE.care_plan,
    "sources": KNOWLEDGE.sources,
}
ENTRIES = [(group, entry.id) for group, entries in GROUPS.items() for entry in entries]
TOPIC_IDS = [topic.id for topic in KNOWLEDGE.topics]
NON_TOPIC_IDS = [entry_id for group, entry_id in ENTRIES if group != "topics"]

NO_WARNING_SIGNS = {
    "weakness": False,
    "muscle_wasting": False,
    "spreading": False,
    "speech_or_swallowing_difficulty": False,
    "breathing_difficulty": False,
}
BENIGN_TWITCH = {
    "sensation": "jumping",
    "locations": ["eyelid"],
    "pain": "none",
    "history_days": 5,
    "factors": {"caffeine_cups_per_day": 6, "stress": "high", "sleep_hours": 5},
    "medical": NO_WARNING_SIGNS,
}
DVT_CALF = {
    "sensation": "cramping",
    "locations": ["calf"],
    "pain": "moderate",
    "medical": {"calf_swelling_redness_warmth": True},
}
BREATHING = {"medical": {"breathing_difficulty": True}}
DVT_FORM = {
    "sensation": "cramping",
    "locations": "calf",
    "pain": "moderate",
    "medical.calf_swelling_redness_warmth": "yes",
}

FOLLOW_UP_SIGNS = {
    "medical.sign_onset",
    "medical.tingling_around_mouth",
    "medical.fluid_loss",
    "medical.recent_wound",
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


@pytest.fixture(scope="module")
def lenient_client() -> Iterator[TestClient]:
    """A client that shows a server error as a 500 instead of raising it in the test."""
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    in_label: bool


class Page(HTMLParser):
    """An HTML page as a flat list of elements, with the text of every script."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.scripts: list[str] = []
        self._labels = 0
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, self._labels > 0))
        if tag == "label":
            self._labels += 1
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._labels -= 1
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k) == v for k, v in attrs.items())
        ]

    def controls(self) -> list[Element]:
        skip = {"hidden", "submit", "button"}
        return [
            e
            for e in self.elements
            if e.tag in {"input", "select", "textarea"} and e.attrs.get("type") not in skip
        ]

    def is_checked(self, name: str, value: str) -> bool:
        return any("checked" in e.attrs for e in self.find("input", name=name, value=value))


def csp(response: httpx2.Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    directives = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def post_json(client: TestClient, body: Any) -> httpx2.Response:
    return client.post(ASSESSMENTS, content=json.dumps(body), headers=JSON)


def check(client: TestClient, form: dict[str, str | list[str]]) -> httpx2.Response:
    return client.post("/check", data=form)


def hidden_answers(result_page: httpx2.Response) -> str:
    (field,) = Page(result_page.text).find("input", name="answers", type="hidden")
    return field.attrs["value"]


def download(client: TestClient, answers: str) -> httpx2.Response:
    return client.post("/check/result.json", data={"answers": answers})


def part(html: str, element_id: str, closing: str = "</section>") -> str:
    """The markup from the element with this id to its closing tag (no nesting of that tag)."""
    start = html.index(f'id="{element_id}"')
    return html[start : html.index(closing, start)]


def streamed(size: int) -> Iterator[bytes]:
    """A JSON body sent in chunks, with no Content-Length."""
    yield b'{"age": 30'
    for _ in range(size // 1024):
        yield b" " * 1024
    yield b"}"


# --- Service -------------------------------------------------------------------------------


def test_healthz_answers_ok_with_a_tiny_json_body(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert len(response.content) < 200


# --- POST /api/v1/assessments -------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        pytest.param(BENIGN_TWITCH, "self_care", id="benign-twitch"),
        pytest.param(DVT_CALF, "see_doctor_soon", id="dvt-calf"),
        pytest.param(BREATHING, "emergency", id="emergency-breathing"),
        pytest.param({}, "see_doctor", id="empty"),
        pytest.param({"factors": None, "medical": None}, "see_doctor", id="null-groups"),
    ],
)
def test_assessment_is_the_same_as_assess(
    client: TestClient, answers: dict[str, Any], level: str
) -> None:
    response = post_json(client, answers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == assess(answers).model_dump(mode="json")
    assert response.json()["triage"]["level"] == level


def test_a_whole_number_written_as_a_float_is_accepted(client: TestClient) -> None:
    response = post_json(client, {"age": 40.0, "history_days": 3.0})
    assert response.status_code == 200
    assert response.json() == assess({"age": 40, "history_days": 3}).model_dump(mode="json")


def test_assessment_has_the_contract_shape(client: TestClient) -> None:
    result = post_json(client, BENIGN_TWITCH).json()
    assert result.keys() >= ASSESSMENT_KEYS
    assert {"level", "reasons"} <= result["triage"].keys()
    assert result["factors"][0].keys() >= {"id", "score", "why", "sources"}
    item = result["care_plan"][0]
    assert item.keys() >= {"id", "text", "for", "sources"}
    assert "for_" not in item
    assert item["for"]


INVALID = [
    pytest.param(b'{"age": 30,', JSON, "body", id="malformed-json"),
    pytest.param(b'{"colour": "red"}', JSON, "colour", id="unknown-field"),
    pytest.param(b'{"factors": {"coffee": 3}}', JSON, "factors.coffee", id="nested-unknown-field"),
    pytest.param(b'{"factors": {"nicotine": "yes"}}', JSON, "factors.nicotine", id="text-for-bool"),
    pytest.param(b'{"age": 3.5}', JSON, "age", id="fraction-for-age"),
    pytest.param(b'{"age": "40"}', JSON, "age", id="text-for-age"),
    pytest.param(b'{"locations": "calf"}', JSON, "locations", id="text-for-list"),
    pytest.param(b'{"age": 200}', JSON, "age", id="age-over-120"),
    pytest.param(b'{"history_days": -1}', JSON, "history_days", id="negative-days"),
    pytest.param(b'{"factors": {"sleep_hours": 25}}', JSON, "factors.sleep_hours", id="sleep-25"),
    pytest.param(b'{"sensation": "tingly"}', JSON, "sensation", id="bad-enum"),
    pytest.param(b'{"locations": ["tail"]}', JSON, "locations.0", id="bad-region"),
    pytest.param(
        b'{"medical": {"conditions": ["flu"]}}', JSON, "medical.conditions.0", id="bad-condition"
    ),
    pytest.param(b'{"factors": 3}', JSON, "factors", id="number-for-group"),
    pytest.param(b"[]", JSON, "body", id="top-level-array"),
    pytest.param(b'"answers"', JSON, "body", id="top-level-string"),
    pytest.param(b"null", JSON, "body", id="top-level-null"),
    pytest.param(b"", JSON, "body", id="empty-body"),
    pytest.param(b"{}", {"content-type": "text/plain"}, "body", id="text-plain"),
    pytest.param(b'{"age": 1e999}', JSON, "age", id="infinite-age"),
    pytest.param(b"\xff\xfe\xfd", JSON, "body", id="not-utf8"),
    pytest.param(b"[" * 5000 + b"]" * 5000, JSON, "body", id="nested-too-deep"),
    pytest.param(b'{"age": 1' + b"0" * 5000 + b"}", JSON, "body", id="number-too-long"),
]


@pytest.mark.parametrize(("body", "headers", "field"), INVALID)
def test_invalid_input_is_422_naming_the_field(
    lenient_client: TestClient, body: bytes, headers: dict[str, str], field: str
) -> None:
    response = lenient_client.post(ASSESSMENTS, content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/json"
    detail = response.json()["detail"]
    assert detail
    for item in detail:
        assert {"field", "loc", "msg", "type"} <= item.keys()
        assert isinstance(item["msg"], str) and item["msg"]
    assert field in [item["field"] for item in detail]


# --- GET /api/v1/questions ----------------------------------------------------------------

CONDITION_KEYS = {
    "field",
    "is",
    "in",
    "any_of",
    "gte",
    "gt",
    "lte",
    "lt",
    "known",
    "if_unknown",
    "all",
    "any",
    "not",
}


def condition_keys(condition: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for key, value in condition.items():
        yield key, value
        nested = value if isinstance(value, list) else [value]
        for child in nested:
            if isinstance(child, dict):
                yield from condition_keys(child)


def test_questions_have_text_help_and_type(client: TestClient) -> None:
    response = client.get("/api/v1/questions")
    assert response.status_code == 200
    questions = response.json()["questions"]
    assert [q["id"] for q in questions] == [q.id for q in KNOWLEDGE.questions.questions]
    for question in questions:
        for key in ("id", "text", "help", "type"):
            assert isinstance(question[key], str) and question[key], (question["id"], key)


def test_warning_sign_questions_are_always_asked(client: TestClient) -> None:
    questions = client.get("/api/v1/questions").json()["questions"]
    warning_signs = [q for q in questions if q.get("warning_sign")]
    assert {"medical.breathing_difficulty", "medical.calf_swelling_redness_warmth"} <= {
        q["id"] for q in warning_signs
    }
    # The core signs are asked of everyone; follow-ups only of the people they concern.
    always = {q["id"] for q in warning_signs if "ask_if" not in q}
    assert {"medical.face_drooping", "medical.weakness", "medical.fever"} <= always
    assert {q["id"] for q in warning_signs} - always == FOLLOW_UP_SIGNS


def test_skip_rules_use_the_rule_language_keys(client: TestClient) -> None:
    questions = client.get("/api/v1/questions").json()["questions"]
    used = [pair for q in questions if "ask_if" in q for pair in condition_keys(q["ask_if"])]
    keys = {key for key, _ in used}
    assert keys <= CONDITION_KEYS
    assert {"field", "in", "any_of", "any"} <= keys
    assert all(value is not None for _, value in used)


# --- GET /api/v1/knowledge ----------------------------------------------------------------


def test_knowledge_index_lists_every_group_and_entry(client: TestClient) -> None:
    response = client.get("/api/v1/knowledge")
    assert response.status_code == 200
    groups = response.json()["groups"]
    assert groups.keys() == GROUPS.keys()
    for name, entries in GROUPS.items():
        assert [e["id"] for e in groups[name]] == [e.id for e in entries]


@pytest.mark.parametrize(
    ("group", "contract_ids"),
    [
        pytest.param("regions", REGIONS, id="regions"),
        pytest.param("factors", FACTORS, id="factors"),
        pytest.param("rule-outs", RULE_OUTS, id="rule-outs"),
        pytest.param("care-plan", CARE_PLAN, id="care-plan"),
    ],
)
def test_knowledge_groups_hold_the_contract_ids(
    client: TestClient, group: str, contract_ids: frozenset[str]
) -> None:
    response = client.get(f"/api/v1/knowledge/{group}")
    assert response.status_code == 200
    assert contract_ids <= {entry["id"] for entry in response.json()}


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_knowledge_group_lists_its_entries(client: TestClient, group: str) -> None:
    response = client.get(f"/api/v1/knowledge/{group}")
    assert response.status_code == 200
    assert [entry["id"] for entry in response.json()] == [e.id for e in GROUPS[group]]


@pytest.mark.parametrize(("group", "entry_id"), [pytest.param(*e, id="/".join(e)) for e in ENTRIES])
def test_every_knowledge_entry_has_its_own_endpoint(
    client: TestClient, group: str, entry_id: str
) -> None:
    response = client.get(f"/api/v1/knowledge/{group}/{entry_id}")
    assert response.status_code == 200
    assert response.json()["id"] == entry_id


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v1/knowledge/factors/no_such_factor", id="unknown-entry"),
        pytest.param("/api/v1/knowledge/factors/als", id="entry-of-another-group"),
        pytest.param("/api/v1/knowledge/no-such-group", id="unknown-group"),
        pytest.param("/api/v1/no-such-endpoint", id="unknown-api-path"),
    ],
)
def test_unknown_api_paths_are_404_json(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert isinstance(response.json()["detail"], str)


def test_unknown_entry_is_named_in_the_404(client: TestClient) -> None:
    response = client.get("/api/v1/knowledge/rule-outs/gout")
    assert "gout" in response.json()["detail"]


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"post"} <= paths[ASSESSMENTS].keys()
    for path in ("/api/v1/questions", "/api/v1/knowledge"):
        assert path in paths
    for group in ("factors", "rule-outs", "care-plan", "regions", "sources"):
        assert f"/api/v1/knowledge/{group}" in paths
        assert f"/api/v1/knowledge/{group}/{{entry_id}}" in paths


# --- Security headers and size limits -----------------------------------------------------

RESPONSE_KINDS = [
    pytest.param("GET", "/", {}, 200, id="page"),
    pytest.param("GET", "/api/v1/knowledge", {}, 200, id="api"),
    pytest.param("GET", "/healthz", {}, 200, id="healthz"),
    pytest.param("GET", "/openapi.json", {}, 200, id="openapi"),
    pytest.param("GET", "/docs", {}, 200, id="docs"),
    pytest.param("GET", "/static/site.css", {}, 200, id="static-file"),
    pytest.param("GET", "/static/swagger/swagger-ui.css", {}, 200, id="swagger-file"),
    pytest.param("POST", "/check", {"data": DVT_FORM}, 200, id="result-page"),
    pytest.param("GET", "/no-such-page", {}, 404, id="page-404"),
    pytest.param("GET", "/static/no-such-file.js", {}, 404, id="static-404"),
    pytest.param("GET", "/api/v1/knowledge/factors/nope", {}, 404, id="api-404"),
    pytest.param("POST", ASSESSMENTS, {"json": {"age": 200}}, 422, id="api-422"),
    pytest.param("POST", "/check", {"data": {"age": "abc"}}, 422, id="page-422"),
    pytest.param("POST", ASSESSMENTS, {"content": b"0" * (LIMIT + 1)}, 413, id="declared-413"),
    pytest.param("POST", ASSESSMENTS, {"content": streamed(2 * LIMIT)}, 413, id="streamed-413"),
    pytest.param("DELETE", ASSESSMENTS, {}, 405, id="api-405"),
    pytest.param("PUT", "/check", {}, 405, id="page-405"),
]


@pytest.mark.parametrize(("method", "path", "options", "status"), RESPONSE_KINDS)
def test_every_response_carries_the_security_headers(
    lenient_client: TestClient, method: str, path: str, options: dict[str, Any], status: int
) -> None:
    response = lenient_client.request(method, path, **options)
    assert response.status_code == status
    policy = csp(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert "set-cookie" not in response.headers


def test_declared_body_over_the_limit_is_413_json(lenient_client: TestClient) -> None:
    body = json.dumps({"age": 30}).encode() + b" " * LIMIT
    response = lenient_client.post(ASSESSMENTS, content=body, headers=JSON)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        pytest.param(ASSESSMENTS, "application/json", id="api"),
        pytest.param("/check", FORM, id="check"),
        pytest.param("/check/result.json", FORM, id="download"),
    ],
)
def test_streamed_body_over_the_limit_is_413(
    lenient_client: TestClient, path: str, content_type: str
) -> None:
    headers = {"content-type": content_type}
    response = lenient_client.post(path, content=streamed(2 * LIMIT), headers=headers)
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert "detail" in response.json()


def test_body_just_under_the_limit_is_processed(client: TestClient) -> None:
    prefix = b'{"age": 30'
    body = prefix + b" " * (LIMIT - len(prefix) - 1) + b"}"
    assert len(body) == LIMIT
    response = client.post(ASSESSMENTS, content=body, headers=JSON)
    assert response.status_code == 200
    assert response.json() == assess({"age": 30}).model_dump(mode="json")


def test_streamed_body_under_the_limit_is_processed(client: TestClient) -> None:
    response = client.post(ASSESSMENTS, content=streamed(LIMIT // 2), headers=JSON)
    assert response.status_code == 200


ODD_REQUESTS = [
    pytest.param("GET", "/static/../app.py", {}, id="static-traversal"),
    pytest.param("GET", "/static/%2e%2e/app.py", {}, id="static-encoded-traversal"),
    pytest.param("GET", "/knowledge/%00", {}, id="nul-in-path"),
    pytest.param("GET", "/topics/<script>", {}, id="markup-in-path"),
    pytest.param("GET", "/api/v1/knowledge/factors/" + "x" * 5000, {}, id="long-id"),
    pytest.param("HEAD", "/", {}, id="head"),
    pytest.param("OPTIONS", ASSESSMENTS, {}, id="options"),
    pytest.param(
        "POST", ASSESSMENTS, {"content": b"{}", "headers": {"content-length": "x"}}, id="bad-length"
    ),
    pytest.param(
        "POST",
        "/check",
        {"content": b"xx", "headers": {"content-type": "multipart/form-data"}},
        id="multipart-without-boundary",
    ),
    pytest.param(
        "POST",
        "/check",
        {"content": b"\xff=\xfe", "headers": {"content-type": FORM}},
        id="form-not-utf8",
    ),
    pytest.param("POST", "/check", {"data": {"age": "1" + "0" * 5000}}, id="form-number-too-long"),
    pytest.param("POST", "/check", {"data": {"factors.sleep_hours": "nan"}}, id="form-nan"),
    pytest.param("POST", "/check", {"data": {"locations": "tail"}}, id="form-bad-option"),
    pytest.param("POST", "/check", {"json": {"age": 40}}, id="json-to-form"),
]


@pytest.mark.parametrize(("method", "path", "options"), ODD_REQUESTS)
def test_no_request_produces_a_server_error(
    lenient_client: TestClient, method: str, path: str, options: dict[str, Any]
) -> None:
    response = lenient_client.request(method, path, **options)
    assert response.status_code < 500


# --- Pages without a browser --------------------------------------------------------------

PAGES = [
    "/",
    "/topics",
    *[f"/topics/{topic_id}" for topic_id in TOPIC_IDS],
    *[f"/knowledge/{entry_id}" for entry_id in NON_TOPIC_IDS],
    "/sources",
    "/check",
    "/docs",
]


def assert_self_contained(html: str) -> None:
    """No inline script, no inline handler, nothing loaded from another origin."""
    page = Page(html)
    assert all(not script.strip() for script in page.scripts)
    for element in page.elements:
        assert not any(name.startswith("on") for name in element.attrs), element
        if element.tag == "script":
            assert element.attrs.get("src", "").startswith("/static/"), element
        if "src" in element.attrs:
            assert element.attrs["src"].startswith("/"), element
            assert not element.attrs["src"].startswith("//"), element
        if element.tag == "link":
            assert element.attrs["href"].startswith("/static/"), element
        if element.tag == "form":
            assert element.attrs["action"].startswith("/"), element


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_self_contained(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_self_contained(response.text)


def test_result_page_is_self_contained(client: TestClient) -> None:
    assert_self_contained(check(client, DVT_FORM).text)


@pytest.mark.parametrize("path", ["/topics/no-such-topic", "/knowledge/no_such_entry"])
def test_unknown_page_is_a_404_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_topic_id_is_not_an_entry_page(client: TestClient) -> None:
    assert client.get(f"/knowledge/{TOPIC_IDS[0]}").status_code == 404


def test_topics_link_to_cited_guidelines(client: TestClient) -> None:
    html = "".join(client.get(f"/topics/{topic_id}").text for topic_id in TOPIC_IDS)
    links = {e.attrs["href"] for e in Page(html).find("a") if "href" in e.attrs}
    guidelines = {doc.url for doc in KNOWLEDGE.sources if doc.url}
    assert links & guidelines


def test_every_form_control_on_the_check_has_a_label(client: TestClient) -> None:
    page = Page(client.get("/check/all").text)
    labelled = {e.attrs["for"] for e in page.find("label") if "for" in e.attrs}
    controls = page.controls()
    assert len(controls) > len(KNOWLEDGE.questions.questions)
    for control in controls:
        assert control.in_label or control.attrs.get("id") in labelled, control


def test_check_asks_every_question_with_its_help(client: TestClient) -> None:
    page = Page(client.get("/check/all").text)
    names = {e.attrs.get("name") for e in page.controls()}
    for question in KNOWLEDGE.questions.questions:
        assert question.id in names
        assert page.find("p", id=f"help-{question.id.replace('.', '-')}")


# --- The check by form POST ---------------------------------------------------------------


def test_dvt_case_sees_a_doctor_soon_and_is_not_told_to_massage(client: TestClient) -> None:
    response = check(client, DVT_FORM)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "See a doctor within a day or two" in part(response.text, "triage", "</div>")
    assert "blood clot" in response.text
    assert "massage" not in part(response.text, "care-plan").lower()
    result = download(client, hidden_answers(response)).json()
    assert "massage" not in [item["id"] for item in result["care_plan"]]
    assert "deep_vein_thrombosis" in [item["id"] for item in result["rule_out"]]


def test_result_page_says_in_words_how_strongly_answers_point_to_a_cause(
    client: TestClient,
) -> None:
    form = {
        "sensation": "jumping",
        "factors.caffeine_cups_per_day": "6",
        "factors.sleep_hours": "6.5",
    }
    causes = part(check(client, form).text, "causes")
    answers = {"sensation": "jumping", "factors": {"caffeine_cups_per_day": 6, "sleep_hours": 6.5}}
    scores = [factor.score for factor in assess(answers).factors]
    assert len(scores) == 2
    assert "%" not in causes and not any(f"{score:.2f}" in causes for score in scores)
    assert "Most likely first" in causes
    assert "likely: your answers point clearly to it" in causes
    assert "possible: some of your answers point to it" in causes
    assert "You sleep about 6.5 hours a night" in causes
    assert "{" not in causes


def test_dvt_with_breathlessness_is_not_told_to_call_if_breathless(client: TestClient) -> None:
    form = {**DVT_FORM, "medical.breathing_difficulty": "yes"}
    triage = part(check(client, form).text, "triage", "</div>")
    assert "Emergency" in triage
    assert "blood clot" in triage
    assert "if you become short of breath" not in triage
    assert "if you become short of breath" in part(check(client, DVT_FORM).text, "triage", "</div>")


def test_trouble_breathing_is_an_emergency(client: TestClient) -> None:
    response = check(client, {"medical.breathing_difficulty": "yes"})
    assert response.status_code == 200
    assert "Emergency" in part(response.text, "triage", "</div>")


@pytest.mark.parametrize(
    ("age", "problem"),
    [
        pytest.param("abc", "whole number", id="not-a-number"),
        pytest.param("500", "at most 120", id="too-old"),
        pytest.param("-3", "at least 0", id="negative"),
        pytest.param("40.5", "whole number", id="fraction"),
    ],
)
def test_invalid_number_returns_the_form_naming_the_question(
    client: TestClient, age: str, problem: str
) -> None:
    form: dict[str, str | list[str]] = {
        **DVT_FORM,
        "locations": ["calf", "foot"],
        "factors.sleep_hours": "6",
        "age": age,
    }
    response = check(client, form)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    summary = part(response.text, "error-summary", "</div>")
    assert "How old are you?" in summary
    assert problem in summary
    page = Page(response.text)
    assert page.is_checked("sensation", "cramping")
    assert page.is_checked("locations", "calf") and page.is_checked("locations", "foot")
    assert page.is_checked("medical.calf_swelling_redness_warmth", "yes")
    (sleep,) = page.find("input", name="factors.sleep_hours")
    assert sleep.attrs["value"] == "6"


@pytest.mark.parametrize(
    ("medications", "expected"),
    [
        pytest.param(["none"], [], id="none-ticked"),
        pytest.param(["statin", "diuretic"], ["statin", "diuretic"], id="some-ticked"),
    ],
)
def test_multi_choice_answers_reach_the_result(
    client: TestClient, medications: list[str], expected: list[str]
) -> None:
    response = check(client, {"sensation": "cramping", "factors.medications": medications})
    answers = json.loads(hidden_answers(response))
    assert answers["factors"]["medications"] == expected
    result = download(client, json.dumps(answers))
    assert result.json() == assess(answers).model_dump(mode="json")


def test_unanswered_multi_choice_stays_unknown(client: TestClient) -> None:
    answers = json.loads(hidden_answers(check(client, {"sensation": "cramping"})))
    assert "medications" not in answers.get("factors", {})


def test_result_downloads_as_a_json_attachment(client: TestClient) -> None:
    answers = hidden_answers(check(client, DVT_FORM))
    response = download(client, answers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"].startswith("attachment")
    assert ".json" in response.headers["content-disposition"]
    assert response.json() == assess(json.loads(answers)).model_dump(mode="json")
    assert response.json() == assess(DVT_CALF).model_dump(mode="json")


@pytest.mark.parametrize(
    "form",
    [
        pytest.param({"answers": "not json"}, id="not-json"),
        pytest.param({"answers": '{"age": "old"}'}, id="invalid-answers"),
        pytest.param({"answers": '{"colour": "red"}'}, id="unknown-field"),
        pytest.param({"answers": "[]"}, id="array"),
        pytest.param({"answers": "null"}, id="null"),
        pytest.param({"answers": "1e999"}, id="infinity"),
        pytest.param({"answers": ""}, id="empty"),
        pytest.param({}, id="missing"),
    ],
)
def test_tampered_download_is_422(lenient_client: TestClient, form: dict[str, str]) -> None:
    response = lenient_client.post("/check/result.json", data=form)
    assert response.status_code == 422


# --- Nothing about the person is kept -----------------------------------------------------


def test_the_check_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workdir, tempdir = tmp_path / "work", tmp_path / "temp"
    workdir.mkdir()
    tempdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setattr(tempfile, "tempdir", str(tempdir))
    with TestClient(create_app()) as client:
        response = check(client, DVT_FORM)
        download(client, hidden_answers(response))
        post_json(client, DVT_CALF)
        assert not client.cookies
    assert "set-cookie" not in response.headers
    assert list(workdir.iterdir()) == []
    assert list(tempdir.iterdir()) == []
