"""Clinical safety as properties: unknown is never "no", nothing hides a warning sign, skip
rules never hide one that matters, and an emergency leads with what to do now."""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from myoguide import Answers, Knowledge, assess, load_knowledge
from myoguide.assessment import TRIAGE_ORDER
from myoguide.conditions import compile_condition, flatten
from myoguide.questionnaire import applies, set_answer
from myoguide.render import FOR_LATER, assessment_markdown
from myoguide.web import create_app

from .test_cli import run_cli
from .test_engine import PROPERTY, any_answers
from .test_vignettes import CASES

RANK = {level: rank for rank, level in enumerate(TRIAGE_ORDER)}
KNOWLEDGE = load_knowledge()
SIGNS = [(sign, compile_condition(sign.when)) for sign in KNOWLEDGE.warning_signs]
QUESTIONS = {q.id: q for q in KNOWLEDGE.questions.questions}


def answered_no(answers: dict[str, Any]) -> list[str]:
    """Every yes/no answer that is "no", as dotted paths."""
    found = [key for key, value in answers.items() if value is False]
    for group in ("factors", "medical"):
        found += [f"{group}.{k}" for k, v in answers.get(group, {}).items() if v is False]
    return found


def without(answers: dict[str, Any], path: str) -> dict[str, Any]:
    changed = copy.deepcopy(answers)
    group, _, name = path.rpartition(".")
    (changed[group] if group else changed).pop(name)
    return changed


def level(answers: dict[str, Any]) -> int:
    return RANK[assess(answers).triage.level]


@PROPERTY
@given(answers=any_answers, data=st.data())
def test_turning_a_no_into_unknown_never_lowers_triage(answers: dict[str, Any], data: Any) -> None:
    noes = answered_no(answers)
    if not noes:
        return
    path = data.draw(st.sampled_from(noes))
    assert level(without(answers, path)) >= level(answers), path


@PROPERTY
@given(answers=any_answers)
def test_no_warning_sign_is_left_open_without_saying_so(answers: dict[str, Any]) -> None:
    """A sign that holds, or could hold, has its level reached, or a question it reads is
    listed as not checked: an unknown part of a rule never hides the danger."""
    result = assess(answers)
    values = flatten(result_answers(answers))
    values["kind"] = result.kind
    reached = RANK[result.triage.level]
    listed = set(result.triage.unanswered)
    for sign, test in SIGNS:
        outcome = test(values)
        if outcome is False or RANK[sign.level] <= reached:
            continue
        assert outcome is None, f"{sign.id} holds but its level {sign.level} was not reached"
        assert sign.when.fields() & listed, f"{sign.id} is open but nothing it reads is listed"


def result_answers(answers: dict[str, Any]) -> Answers:
    return Answers.model_validate(answers)


@PROPERTY
@given(answers=any_answers, data=st.data())
def test_a_skipped_question_could_not_change_the_triage(answers: dict[str, Any], data: Any) -> None:
    """Follow-up questions are asked only of the people they concern: whatever the person
    would have answered to a skipped one, the triage is the same."""
    skipped = [q for q in KNOWLEDGE.questions.questions if not applies(q, answers)]
    if not skipped:
        return
    question = data.draw(st.sampled_from(skipped))
    if question.type == "yes_no":
        value: Any = True
    elif question.type in {"choice", "multi"}:
        picked = data.draw(st.sampled_from([option.value for option in question.options]))
        value = [picked] if question.type == "multi" else picked
    else:
        value = data.draw(st.integers(0, int(question.maximum or 100)))
    changed = copy.deepcopy(answers)
    set_answer(changed, question.id, value)
    assert level(changed) == level(answers), question.id


EMERGENCIES = [case for case in CASES if assess(case["answers"]).triage.level == "emergency"]


def test_every_emergency_vignette_is_tested() -> None:
    assert len(EMERGENCIES) >= 25


@pytest.mark.parametrize("case", EMERGENCIES, ids=[case["id"] for case in EMERGENCIES])
def test_an_emergency_leads_with_what_to_do_now(case: dict[str, Any]) -> None:
    result = assess(case["answers"])
    assert result.triage.while_you_wait
    assert result.care_plan == ()
    markdown = assessment_markdown(result, KNOWLEDGE)
    first_screen = markdown.split(f"## {FOR_LATER}")[0]
    headings = re.findall(r"^#+ (.+)$", first_screen, flags=re.MULTILINE)
    assert headings[1:] == ["Why", "While you wait"], headings
    for factor in result.factors:
        assert factor.name not in first_screen
    assert "---" in first_screen


def test_a_child_is_never_told_an_adult_amount(knowledge: Knowledge) -> None:
    teenager = {"sensation": "jumping", "locations": ["thumb"], "age": 15}
    teenager["factors"] = {"caffeine_cups_per_day": 6}
    adult = {**teenager, "age": 30}
    child_text = " ".join(item.text for item in assess(teenager).care_plan)
    adult_text = " ".join(item.text for item in assess(adult).care_plan)
    assert "cups a day" in adult_text
    assert "cups a day" not in child_text
    assert "little or no caffeine" in child_text


def form_of(answers: dict[str, Any]) -> dict[str, str | list[str]]:
    """The check form as a person would fill it in for these answers."""
    form: dict[str, str | list[str]] = {}
    flat = {key: value for key, value in answers.items() if key not in {"factors", "medical"}}
    for group in ("factors", "medical"):
        flat.update({f"{group}.{k}": v for k, v in (answers.get(group) or {}).items()})
    for key, value in flat.items():
        if isinstance(value, bool):
            form[key] = "yes" if value else "no"
        elif isinstance(value, list):
            form[key] = [str(v) for v in value] or ["none"]
        else:
            form[key] = str(value)
    return form


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


@pytest.mark.parametrize("case", EMERGENCIES, ids=[case["id"] for case in EMERGENCIES])
def test_an_emergency_page_leads_with_what_to_do_now(
    client: TestClient, case: dict[str, Any]
) -> None:
    result = assess(case["answers"])
    page = client.post("/check", data=form_of(case["answers"]))
    assert page.status_code == 200
    first_screen, _, later = page.text.partition('id="for-later"')
    assert later, "the rest of the result is under 'For later'"
    assert "While you wait" in first_screen
    for step in [result.triage.action, *result.triage.while_you_wait]:
        assert html.escape(step, quote=False) in first_screen
    for part in ('id="kind"', 'id="causes"', 'id="rule-out"', 'id="care-plan"', "Not checked"):
        assert part not in first_screen


def test_every_emergency_in_the_terminal_leads_with_what_to_do_now() -> None:
    batch = "\n".join(json.dumps(case["answers"]) for case in EMERGENCIES)
    done = run_cli("check", "--answers", "-", "--format", "text", input=batch)
    assert done.returncode == 0, done.stderr
    screens = done.stdout.split("EMERGENCY - CALL FOR HELP NOW")[1:]
    assert len(screens) == len(EMERGENCIES)
    for screen in screens:
        first_screen, _, later = screen.partition(FOR_LATER)
        assert later
        headings = [line.strip() for line in first_screen.splitlines() if line.strip()]
        assert "Why" in headings
        assert "While you wait" in headings
        for part in ("Likely causes", "What it is", "What to do", "rule out"):
            assert part not in first_screen
