"""The check on the web as an interview (GET /check, POST /check/next): one screen of
questions at a time, Back, "not sure", the state carried in the form, and the end result,
through HTTP in process."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from myoguide import assess, load_knowledge, parse
from myoguide.freetext import MAX_TEXT, Finding
from myoguide.interview import GROUP_MOST, next_group, screens_left
from myoguide.questionnaire import UNKNOWN, read_replies, set_answer
from myoguide.render import banner_tone
from myoguide.web import create_app
from myoguide.web.check import MAX_STATE, marked

from .test_api import Page, download, hidden_answers, part
from .test_safety import form_of
from .test_vignettes import CASES_BY_ID

KNOWLEDGE = load_knowledge()
QUESTIONS = {q.id: q for q in KNOWLEDGE.questions.questions}
NEXT = "/check/next"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


def start(client: TestClient) -> httpx2.Response:
    response = client.post("/check/start", data={"text": ""})
    assert response.status_code == 200
    return response


def asked(response: httpx2.Response) -> list[str]:
    """The question ids a screen asks, in order."""
    return re.findall(r'data-question="([^"]+)"', response.text)


def state(response: httpx2.Response) -> str:
    (field,) = Page(response.text).find("input", name="state", type="hidden")
    return field.attrs["value"]


def reply(
    client: TestClient,
    screen: httpx2.Response,
    replies: dict[str, str | list[str]],
    action: str = "next",
) -> httpx2.Response:
    data: dict[str, Any] = {"state": state(screen), "action": action, **replies}
    return client.post(NEXT, data=data)


def value_at(answers: dict[str, Any], question_id: str) -> Any:
    group, _, name = question_id.rpartition(".")
    return (answers.get(group) or {} if group else answers).get(name)


def interview(client: TestClient, full: dict[str, Any]) -> tuple[httpx2.Response, dict[str, Any]]:
    """Answer every screen from `full` ("not sure" where it has no answer) until the result;
    returns the result page and the answers given."""
    given: dict[str, Any] = {}
    form = form_of(full)
    screen = start(client)
    for _ in range(len(QUESTIONS)):
        ids = asked(screen)
        if not ids:
            return screen, given
        for question_id in ids:
            # As the form reads it: the option "I'm not sure" is not sure, as on the full form.
            sent = form.get(question_id, "")
            value = read_replies(QUESTIONS[question_id], [sent] if isinstance(sent, str) else sent)
            if value is not UNKNOWN:
                set_answer(given, question_id, value)
        screen = reply(client, screen, {i: form.get(i, "") for i in ids})
        assert screen.status_code == 200, screen.text
    pytest.fail("the interview did not end")


def shown(result_page: httpx2.Response) -> str:
    """The result as a person sees it: the page without the answers kept for the download."""
    page = part(result_page.text, "triage", "</main>")
    return re.sub(r'<input type="hidden" name="answers" value="[^"]*">', "", page)


def banner_tone_shown(result_page: httpx2.Response) -> str:
    match = re.search(r'class="banner banner-([a-z_]+)"[^>]*id="triage"', result_page.text)
    assert match, "no result banner"
    return match.group(1)


def test_the_check_starts_with_a_start_screen_and_links_the_full_form(client: TestClient) -> None:
    page = client.get("/check")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    found = Page(page.text)
    assert found.find("a", href="/check/all")
    assert found.find("form", method="post", action="/check/start")
    assert "data-question" not in page.text
    # The figures it gives are the core's, not typed.
    screens, questions = screens_left({})
    said = " ".join(html.unescape(page.text).split())
    assert f"about {screens} screens ({questions} questions)" in said
    full = client.get("/check/all")
    assert set(asked(full)) == set(QUESTIONS)


def test_a_screen_asks_with_help_why_progress_and_back(client: TestClient) -> None:
    screen = start(client)
    (first,) = asked(screen)
    question = QUESTIONS[first]
    assert question.text in html.unescape(screen.text)
    assert question.help in html.unescape(screen.text)
    assert '<details class="why">' in screen.text
    more = screens_left({})[0] - 1
    assert f"Screen 1, about {more} more · question 1<" in screen.text
    (bar,) = Page(screen.text).find("progress")
    assert bar.attrs["value"] == "0" and int(bar.attrs["max"]) > 1
    assert Page(screen.text).find("button", name="action", value="back")
    assert Page(screen.text).find("a", href="/check/all")
    assert json.loads(state(screen))["steps"] == []


# Cases known to matter, and every twelfth vignette besides, whatever it is.
CASE_IDS = sorted(
    {
        "eyelid_twitch_exam_stress",
        "swollen_red_calf_after_flight",
        "crushing_chest_cramp_after_gym",
        "hand_wasting_weakness_spreading_twitches",
        "statin_new_leg_cramps",
        *list(CASES_BY_ID)[::12],
    }
)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_an_interview_ends_with_the_result_of_assess(client: TestClient, case_id: str) -> None:
    result_page, given = interview(client, CASES_BY_ID[case_id]["answers"])
    expected = assess(given)
    assert banner_tone_shown(result_page) == banner_tone(expected)
    label = KNOWLEDGE.meta.triage_levels[expected.triage.level].label
    assert label in html.unescape(result_page.text)
    assert json.loads(hidden_answers(result_page)) == given
    downloaded = download(client, hidden_answers(result_page)).json()
    assert downloaded == expected.model_dump(mode="json")
    # The very page the full form shows for the same answers.
    full_form = client.post("/check", data=form_of(given))
    assert shown(result_page) == shown(full_form)


def test_related_yes_no_questions_share_a_screen(client: TestClient) -> None:
    screen = reply(client, start(client), {"locations": "calf"})
    ids = asked(screen)
    assert 1 < len(ids) <= GROUP_MOST
    assert ids == [q.id for q in next_group({"locations": ["calf"]})]
    assert all(QUESTIONS[i].type == "yes_no" for i in ids)
    assert len({QUESTIONS[i].section for i in ids}) == 1
    # The progress counts screens, estimated by playing the same grouping on.
    more = screens_left({"locations": ["calf"]})[0] - 1
    assert f"Screen 2, about {more} more · question 2 to {1 + len(ids)}<" in screen.text
    (bar,) = Page(screen.text).find("progress")
    assert (bar.attrs["value"], bar.attrs["max"]) == ("1", str(2 + more))
    # Each a compact row with its own yes / no / not sure.
    assert screen.text.count('class="question warning compact') == len(ids)
    for question_id in ids:
        values = {e.attrs["value"] for e in Page(screen.text).find("input", name=question_id)}
        assert values == {"yes", "no", ""}


def test_back_returns_to_the_screen_before_with_its_answers_chosen(client: TestClient) -> None:
    first = start(client)
    second = reply(client, first, {"locations": ["calf", "thigh"]})
    ids = asked(second)
    third = reply(client, second, {ids[0]: "no", ids[-1]: ""})
    assert asked(third) != ids
    back = reply(client, third, {}, action="back")
    assert back.status_code == 200
    assert asked(back) == ids
    inputs = Page(back.text).find("input")
    chosen = {e.attrs["name"]: e.attrs["value"] for e in inputs if "checked" in e.attrs}
    assert chosen[ids[0]] == "no"
    assert chosen[ids[-1]] == ""
    assert len(json.loads(state(back))["steps"]) == 1
    back_again = reply(client, back, {}, action="back")
    assert asked(back_again) == ["locations"]
    boxes = Page(back_again.text).find("input", name="locations")
    assert {e.attrs["value"] for e in boxes if "checked" in e.attrs} == {"calf", "thigh"}
    to_start = reply(client, back_again, {}, action="back")
    assert to_start.status_code == 200
    assert Page(to_start.text).find("textarea", name="text")


def test_not_sure_stays_unknown_and_is_not_asked_again(client: TestClient) -> None:
    screen = reply(client, start(client), {"locations": "calf"})
    ids = asked(screen)
    after = reply(client, screen, dict.fromkeys(ids, ""))
    steps = json.loads(state(after))["steps"]
    assert steps[-1] == dict.fromkeys(ids)
    assert not set(asked(after)) & set(ids)


def test_an_emergency_shows_its_banner_on_the_next_question(client: TestClient) -> None:
    screen = start(client)
    for _ in range(len(QUESTIONS)):
        ids = asked(screen)
        assert ids, "breathing was never asked"
        if "medical.breathing_difficulty" in ids:
            break
        screen = reply(client, screen, dict.fromkeys(ids, ""))
    assert 'id="triage-now"' not in screen.text
    after = reply(client, screen, {"medical.breathing_difficulty": "yes"})
    assert after.status_code == 200
    banner = part(after.text, "triage-now", "</div>")
    assert 'role="alert"' in after.text and "banner-emergency" in after.text
    assert KNOWLEDGE.meta.triage_levels["emergency"].label in banner


def test_a_number_out_of_range_shows_the_same_screen_naming_the_question(
    client: TestClient,
) -> None:
    screen = start(client)
    for _ in range(len(QUESTIONS)):
        ids = asked(screen)
        if "age" in ids:
            break
        screen = reply(client, screen, dict.fromkeys(ids, ""))
    wrong = reply(client, screen, {"age": "999"})
    assert wrong.status_code == 422
    assert asked(wrong) == asked(screen)
    summary = part(wrong.text, "error-summary", "</div>")
    assert QUESTIONS["age"].text in html.unescape(summary)
    assert "at most" in summary
    assert state(wrong) == state(screen)


@pytest.mark.parametrize(
    ("forged", "field"),
    [
        pytest.param("not json", "state", id="not-json"),
        pytest.param('{"steps": [{"age": "old"}]}', "state.age", id="wrong-type"),
        pytest.param('{"steps": [{"no_such": true}]}', "state.steps[0]", id="no-such-question"),
        pytest.param('{"steps": [{"age": 30}, {"age": 31}]}', "state.steps[1]", id="twice"),
        pytest.param('{"unknown": ["nope"]}', "state.unknown", id="unknown-id"),
        pytest.param('{"start": {"medical": 5}}', "state.start.medical", id="bad-start"),
        pytest.param('{"steps": [{}]}', "state.steps[0]", id="empty-step"),
        pytest.param('{"extra": 1}', "state.extra", id="extra-field"),
        pytest.param(
            '{"steps": [{"medical.weakness": "yes"}]}',
            "state.medical.weakness",
            id="string-for-bool",
        ),
        pytest.param("[]", "state", id="not-an-object"),
    ],
)
def test_forged_state_is_a_422_naming_the_field(
    client: TestClient, forged: str, field: str
) -> None:
    response = client.post(NEXT, data={"state": forged, "action": "next"})
    assert response.status_code == 422, response.text
    assert f"{field}:" in html.unescape(response.text)


def test_an_unknown_action_is_a_422(client: TestClient) -> None:
    response = client.post(NEXT, data={"state": "{}", "action": "jump"})
    assert response.status_code == 422
    assert "action" in response.text


def test_oversize_state_is_a_422_and_a_real_one_fits(client: TestClient) -> None:
    big = json.dumps({"steps": [{"age": 30}]}) + " " * MAX_STATE
    response = client.post(NEXT, data={"state": big, "action": "next"})
    assert response.status_code == 422
    assert "state: too long" in response.text
    everything = [
        {q.id: [o.value for o in q.options] if q.type == "multi" else None}
        for q in KNOWLEDGE.questions.questions
    ]
    assert len(json.dumps({"start": {}, "unknown": [], "steps": everything})) < MAX_STATE / 2


def test_answers_never_travel_in_a_url(client: TestClient) -> None:
    screen = reply(client, start(client), {"locations": "calf"})
    forms = Page(screen.text).find("form")
    assert forms and all(form.attrs["method"] == "post" for form in forms)
    assert client.get(NEXT).status_code == 405


# --- Described in your own words (issue 12) -------------------------------------------

DESCRIBED = "my left eyelid has been jumping for five days, I'm on six coffees a day, no weakness"


def describe(client: TestClient, text: str) -> httpx2.Response:
    return client.post("/check/start", data={"text": text})


def as_sent(understood: httpx2.Response) -> dict[str, list[str]]:
    """What the understood screen's form sends when Continue is pressed unchanged."""
    sent: dict[str, list[str]] = {}
    form = understood.text.split('class="understood"', 1)[1].split("</form>", 1)[0]
    for element in Page(form).find("input"):
        kind = element.attrs.get("type")
        if kind in {"radio", "checkbox"} and "checked" not in element.attrs:
            continue
        sent.setdefault(element.attrs["name"], []).append(element.attrs.get("value", ""))
    return sent


def marks(understood: httpx2.Response) -> list[tuple[str, str]]:
    """Each marked phrase with the correction it links to."""
    found = re.findall(
        r'<mark><a class="found" href="#fix-([^"]+)">(.*?)</a></mark>', understood.text
    )
    return [(html.unescape(words), target) for target, words in found]


def test_the_start_screen_offers_the_box_and_posts_it(client: TestClient) -> None:
    page = Page(client.get("/check").text)
    (box,) = page.find("textarea", name="text")
    assert box.attrs["maxlength"] == str(MAX_TEXT)
    assert page.find("label", **{"for": "text"})
    assert page.find("form", method="post", action="/check/start")


def test_what_was_understood_is_marked_where_the_text_says_it(client: TestClient) -> None:
    understood = describe(client, DESCRIBED)
    assert understood.status_code == 200
    findings = parse(DESCRIBED).findings
    assert findings
    expected = [(DESCRIBED[f.start : f.end], f.field.replace(".", "-")) for f in findings]
    assert marks(understood) == sorted(expected, key=lambda pair: DESCRIBED.index(pair[0]))
    for finding in findings:
        assert Page(understood.text).find("fieldset", id=f"fix-{finding.field.replace('.', '-')}")
    # The text is shown back whole, in order, and not a character more.
    shown = part(understood.text, "described-heading", "</section>")
    words = html.unescape(re.sub(r"<[^>]+>", "", shown.split("</h2>", 1)[1])).strip()
    assert words == DESCRIBED


def test_overlapping_findings_mark_each_character_once() -> None:
    text = "sore calf cramps"
    findings = [
        Finding(field="pain", value="mild", start=0, end=4),
        Finding(field="locations", value="calf", start=5, end=9),
        Finding(field="sensation", value="cramping", start=5, end=16),
    ]
    pieces = marked(text, findings)
    assert "".join(piece for piece, _ in pieces) == text
    assert pieces == [
        ("sore", "pain"),
        (" ", None),
        ("calf cramps", "sensation"),
    ]
    assert marked("", []) == []


def test_a_script_in_the_text_is_shown_as_text(client: TestClient) -> None:
    understood = describe(client, "<script>alert(1)</script> my calf cramps at night")
    assert understood.status_code == 200
    assert "<script>alert" not in understood.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in understood.text


def test_corrections_are_the_answers_the_questions_start_from(client: TestClient) -> None:
    understood = describe(client, DESCRIBED)
    sent = as_sent(understood)
    assert sent["sensation"] == ["jumping"] and sent["medical.weakness"] == ["no"]
    sent["sensation"] = ["cramping"]
    sent["medical.weakness"] = [""]  # not sure: stays unknown, not asked again
    sent["history_days"] = [""]  # removed: asked in the questions
    sent["locations"] = ["eyelid", "calf"]
    first = client.post("/check/understood", data=sent)
    assert first.status_code == 200
    started = json.loads(state(first))
    assert started["start"]["sensation"] == "cramping"
    assert started["start"]["locations"] == ["eyelid", "calf"]
    assert "history_days" not in started["start"]
    assert "weakness" not in started["start"].get("medical", {})
    assert started["unknown"] == ["medical.weakness"]
    assert started["start"]["factors"]["caffeine_cups_per_day"] == 6
    assert "medical.weakness" not in asked(first)
    assert "text" not in started and DESCRIBED not in first.text


def test_back_from_the_first_question_keeps_what_the_description_gave(
    client: TestClient,
) -> None:
    sent = as_sent(describe(client, DESCRIBED))
    sent["medical.weakness"] = [""]
    first = client.post("/check/understood", data=sent)
    started = json.loads(state(first))
    back = reply(client, first, {}, action="back")
    assert back.status_code == 200
    assert "What we understood" in back.text and DESCRIBED not in back.text
    again = as_sent(back)
    assert again["sensation"] == ["jumping"] and again["medical.weakness"] == [""]
    assert again["locations"] == ["eyelid"]
    assert json.loads(again.pop("state")[0]) == started
    # Sent on unchanged, it is the same first screen; corrected, it starts from the change.
    assert state(client.post("/check/understood", data=as_sent(back))) == state(first)
    changed = as_sent(back) | {"sensation": ["cramping"]}
    after = client.post("/check/understood", data=changed)
    assert json.loads(state(after))["start"]["sensation"] == "cramping"
    forged = as_sent(back) | {"state": ['{"start": {"age": 900}}']}
    refused = client.post("/check/understood", data=forged)
    assert refused.status_code == 422 and "state.start.age" in refused.text


def test_a_list_correction_shows_the_places_found_first_and_the_rest_folded(
    client: TestClient,
) -> None:
    understood = describe(client, DESCRIBED)
    fix = part(understood.text, "fix-locations", "</fieldset>")
    shown, folded = fix.split('<details class="more-details"', 1)
    assert [e.attrs["value"] for e in Page(shown).find("input")] == ["eyelid"]
    assert "More places</summary>" in folded
    others = [e.attrs["value"] for e in Page(folded).find("input")]
    assert "calf" in others and "eyelid" not in others
    assert not any("checked" in e.attrs for e in Page(folded).find("input"))


def test_a_hedged_warning_sign_is_asked_first(client: TestClient) -> None:
    text = "my calf keeps cramping, maybe my leg is a bit weaker?"
    hedged = [f for f in parse(text).findings if f.uncertain and QUESTIONS[f.field].warning_sign]
    assert hedged, "the reader no longer marks this as hedged"
    understood = describe(client, text)
    assert "we will ask you about this" in understood.text
    sent = as_sent(understood)
    assert sent[hedged[0].field] == ["ask"]
    first = client.post("/check/understood", data=sent)
    assert asked(first)[0] == hedged[0].field
    assert hedged[0].field not in json.loads(state(first))["unknown"]


def test_an_emergency_written_shows_its_banner_on_the_understood_screen(
    client: TestClient,
) -> None:
    understood = describe(client, "my calf cramps and I am struggling to breathe")
    assert parse(
        "my calf cramps and I am struggling to breathe"
    ).answers.medical.breathing_difficulty
    assert 'id="triage-now"' in understood.text
    assert KNOWLEDGE.meta.triage_levels["emergency"].label in understood.text


def test_an_empty_description_goes_straight_to_the_questions(client: TestClient) -> None:
    for text in ("", "  \n "):
        first = describe(client, text)
        assert first.status_code == 200
        assert asked(first) == asked(start(client))
        assert json.loads(state(first)) == {"start": {}, "unknown": [], "steps": []}


@pytest.mark.parametrize("path", ["/check/start", "/check/understood"])
def test_an_over_long_description_is_a_422_naming_text(client: TestClient, path: str) -> None:
    response = client.post(path, data={"text": "twitch " * (MAX_TEXT // 7 + 1)})
    assert response.status_code == 422
    assert "text: too long" in response.text
    assert "twitch twitch" not in response.text


def test_a_wrong_correction_shows_the_screen_again_naming_the_question(
    client: TestClient,
) -> None:
    sent = as_sent(describe(client, DESCRIBED))
    sent["history_days"] = ["-3"]
    again = client.post("/check/understood", data=sent)
    assert again.status_code == 422
    summary = part(again.text, "error-summary", "</div>")
    assert QUESTIONS["history_days"].text in html.unescape(summary)
    assert marks(again) == marks(describe(client, DESCRIBED))


def test_a_description_is_read_in_the_language_chosen_for_the_pages(client: TestClient) -> None:
    text = "el párpado izquierdo me brinca desde hace 3 días, sin debilidad"
    spanish = client.post("/check/start", data={"text": text}, headers={"Accept-Language": "es"})
    assert spanish.status_code == 200
    found = dict(marks(spanish))
    assert found.get("párpado") == "locations"
    assert found.get("debilidad") == "medical-weakness"
    # The switch decides over the browser; English is read as English.
    english = client.post(
        "/check/start?lang=en", data={"text": text}, headers={"Accept-Language": "es"}
    )
    assert "párpado" not in dict(marks(english))
