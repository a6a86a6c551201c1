"""next_group(): the yes-or-no questions a screen asks together, and read_replies():
one question's answer from what a form sent."""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from myoguide import assess, load_knowledge
from myoguide.interview import GROUP_MOST, next_group, next_question, screens_left
from myoguide.questionnaire import NONE_OF_THESE, UNKNOWN, answer_at, read_replies, set_answer

from .test_interview import SIMULATED
from .test_vignettes import CASES

QUESTIONS = {q.id: q for q in load_knowledge().questions.questions}
FOLLOWS = {q.id: q.ask_if.fields() for q in QUESTIONS.values() if q.ask_if}
MEAN_SCREENS_AT_MOST = 28.0
"""Measured 27.0 over the 180 vignettes (one question a screen: 42.1; yes-or-no warning
signs alone, five a screen: 32.9); benchmarks/bench_interview.py prints them."""


def test_a_group_starts_with_the_next_question() -> None:
    for answers in ({}, {"locations": ["calf"]}, {"locations": ["eyelid"], "sensation": "jumping"}):
        first = next_question(answers)
        group = next_group(answers)
        assert first is not None and group[0] == first


def screened(full: dict[str, Any]) -> tuple[dict[str, Any], list[str], list[tuple[str, ...]]]:
    """The interview a screen at a time, each answered from ``full`` ("not sure" where it
    has none): the answers, the "not sure" ids, and the ids asked on each screen."""
    answers: dict[str, Any] = {}
    unknown: list[str] = []
    screens: list[tuple[str, ...]] = []
    while group := next_group(answers, unknown):
        screens.append(tuple(q.id for q in group))
        assert len(screens) <= len(QUESTIONS)
        for question in group:
            value = answer_at(full, question.id)
            if value is None:
                unknown.append(question.id)
            else:
                set_answer(answers, question.id, value)
    return answers, unknown, screens


SCREENED = {case["id"]: screened(case["answers"]) for case in CASES}


@pytest.mark.parametrize(
    "answers",
    [
        {"locations": ["calf"]},
        {"locations": ["calf"], "sensation": "jumping"},
        {"locations": ["eyelid"], "sensation": "jumping", "pain": "none", "age": 30},
    ],
)
def test_a_group_holds_yes_no_questions_asked_next_in_one_section(
    answers: dict[str, Any],
) -> None:
    group = next_group(answers)
    assert 1 < len(group) <= GROUP_MOST
    assert all(q.type == "yes_no" for q in group)
    assert len({q.section for q in group}) == 1
    # Each is what the interview asks once the ones before it are left unanswered.
    for index, question in enumerate(group):
        assert next_question(answers, [q.id for q in group[:index]]) == question


def test_a_question_that_is_not_yes_no_is_asked_alone() -> None:
    (first,) = next_group({})
    assert first.type != "yes_no"


def test_groups_go_beyond_warning_signs_and_never_hold_a_follow_up_of_their_own() -> None:
    screens = [screen for _, _, found in SCREENED.values() for screen in found]
    grouped = [screen for screen in screens if len(screen) > 1]
    assert any(not QUESTIONS[i].warning_sign for screen in grouped for i in screen)
    for screen in grouped:
        for index, question_id in enumerate(screen):
            assert not set(FOLLOWS.get(question_id, ())) & set(screen[:index]), screen


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_screens_end_like_one_question_at_a_time(case: dict[str, Any]) -> None:
    """Grouping never ends the interview earlier or elsewhere: the same triage level and
    rule-outs as one question at a time (and the full form), no question it would still ask
    left unasked at the end, and no question asked twice."""
    answers, unknown, screens = SCREENED[case["id"]]
    alone = assess(SIMULATED[case["id"]][0])
    ended = assess(answers)
    assert ended.triage.level == alone.triage.level == assess(case["answers"]).triage.level
    assert [r.id for r in ended.rule_out] == [r.id for r in alone.rule_out]
    assert next_question(answers, unknown) is None
    ids = [i for screen in screens for i in screen]
    assert len(ids) == len(set(ids))
    # As many questions as one at a time at least, give or take the follow-up or two an
    # earlier answer would have made moot.
    assert len(ids) >= len(SIMULATED[case["id"]][2]) - 2


def test_screens_are_fewer_than_questions_over_the_vignettes() -> None:
    screens = [len(found) for _, _, found in SCREENED.values()]
    questions = [sum(map(len, found)) for _, _, found in SCREENED.values()]
    mean = statistics.mean(screens)
    print(
        f"\nscreens over {len(screens)} vignettes: mean {mean:.1f}, median"
        f" {statistics.median(screens)}, worst {max(screens)}, for a mean of"
        f" {statistics.mean(questions):.1f} questions"
    )
    assert mean <= MEAN_SCREENS_AT_MOST
    assert all(s < q for s, q in zip(screens, questions, strict=True))


def test_screens_left_plays_the_same_grouping() -> None:
    screens, questions = screens_left({})
    assert 1 < screens < questions
    assert screens_left({}, most=1) == (questions, questions)
    assert screens_left({}, list(QUESTIONS)) == (0, 0)


def test_most_bounds_a_group_and_a_finished_interview_has_none() -> None:
    assert len(next_group({"locations": ["calf"]}, most=2)) == 2
    assert len(next_group({"locations": ["calf"]}, most=1)) == 1
    every = list(QUESTIONS)
    assert next_group({}, every) == ()


@pytest.mark.parametrize(
    ("question_id", "replies", "expected"),
    [
        ("medical.weakness", ["yes"], True),
        ("medical.weakness", ["no"], False),
        ("medical.weakness", [""], UNKNOWN),
        ("medical.weakness", [], UNKNOWN),
        ("locations", ["calf", "thigh", "calf"], ["calf", "thigh"]),
        ("locations", [NONE_OF_THESE], []),
        ("locations", [], UNKNOWN),
        ("age", ["42"], 42),
        ("age", [" "], UNKNOWN),
    ],
)
def test_read_replies(question_id: str, replies: list[str], expected: object) -> None:
    assert read_replies(QUESTIONS[question_id], replies) == expected


@pytest.mark.parametrize(
    ("question_id", "replies"),
    [("age", ["999"]), ("age", ["old"]), ("locations", ["tail"]), ("medical.weakness", ["often"])],
)
def test_read_replies_refuses_what_it_cannot_read(question_id: str, replies: list[str]) -> None:
    with pytest.raises(ValueError, match="please"):
        read_replies(QUESTIONS[question_id], replies)
