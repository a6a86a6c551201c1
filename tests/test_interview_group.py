"""next_group(): the yes-or-no warning signs a screen asks together, and read_replies():
one question's answer from what a form sent."""

from __future__ import annotations

import pytest

from myoguide import load_knowledge
from myoguide.interview import GROUP_MOST, next_group, next_question
from myoguide.questionnaire import NONE_OF_THESE, UNKNOWN, read_replies

QUESTIONS = {q.id: q for q in load_knowledge().questions.questions}


def test_a_group_starts_with_the_next_question() -> None:
    for answers in ({}, {"locations": ["calf"]}, {"locations": ["eyelid"], "sensation": "jumping"}):
        first = next_question(answers)
        group = next_group(answers)
        assert first is not None and group[0] == first


def test_a_group_holds_the_yes_no_warning_signs_asked_next_in_one_section() -> None:
    answers = {"locations": ["calf"]}
    group = next_group(answers)
    assert 1 < len(group) <= GROUP_MOST
    assert all(q.warning_sign and q.type == "yes_no" for q in group)
    assert len({q.section for q in group}) == 1
    # Each is what the interview asks once the ones before it are left unanswered.
    for index, question in enumerate(group):
        assert next_question(answers, [q.id for q in group[:index]]) == question


def test_a_question_that_is_no_yes_no_warning_sign_is_asked_alone() -> None:
    (first,) = next_group({})
    assert not (first.warning_sign and first.type == "yes_no")


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
