"""Free text then the interview, end to end (issue 12): for each vignette with a `text` (the
person's own words), parse the text, then ask what the interview still asks, answering from
the vignette's full answers ("not sure" where it has none). The triage must be the full
answers' in every one, and the text must never be read against the vignette on a warning
sign. Run with ``pytest -s tests/test_freetext_interview.py`` to see the figures.
"""

from __future__ import annotations

import copy
import statistics
from datetime import date
from typing import Any

import pytest

from myoguide import assess, load_knowledge, next_question, parse
from myoguide.questionnaire import answer_at, set_answer

from .test_freetext import flat
from .test_vignettes import CASES, minimum_level

# The day the texts' relative dates ("since Tuesday") count back from: a Wednesday.
TODAY = date(2026, 12, 2)
MIN_TEXTS = 60
TEXT_CASES = [case for case in CASES if "text" in case]
WARNING_SIGNS = frozenset(q.id for q in load_knowledge().questions.questions if q.warning_sign) | {
    "medical.conditions",
    "medical.family_history",
}


def interview(start: dict[str, Any], full: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """From ``start``, answers each question asked from ``full`` ("not sure" where it has
    none) until the end; the answers then, and how many questions were asked."""
    answers = copy.deepcopy(start)
    unknown: list[str] = []
    asked = 0
    while (question := next_question(answers, unknown)) is not None:
        assert asked < 100, "the interview does not end"
        asked += 1
        value = answer_at(full, question.id)
        if value is None:
            unknown.append(question.id)
        else:
            set_answer(answers, question.id, value)
    return answers, asked


def agrees(read: Any, written: Any) -> bool:
    """A list read from a text may name less than the vignette (the rest is asked), never
    something else; any other answer must be the vignette's."""
    if isinstance(written, list):
        return isinstance(read, list) and set(read) <= set(written)
    if isinstance(written, bool) or isinstance(read, bool):
        return read is written
    return bool(read == written)


def disagreements(case: dict[str, Any]) -> list[str]:
    """Each answer read from the text that the vignette does not give."""
    written = flat_answers(case["answers"])
    read = flat(parse(case["text"], today=TODAY).answers)
    return [
        f"{field}: read {value!r}, vignette {written.get(field)!r}"
        for field, value in read.items()
        if field not in written or not agrees(value, written[field])
    ]


def flat_answers(answers: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in answers.items():
        if isinstance(value, dict):
            out |= {f"{name}.{inner}": v for inner, v in value.items()}
        else:
            out[name] = value
    return out


@pytest.fixture(scope="module")
def runs() -> dict[str, tuple[str, str, int, int]]:
    """Per vignette with a text: the full answers' triage, the text-then-interview triage,
    and the questions asked with the text and without it."""
    out = {}
    for case in TEXT_CASES:
        full = case["answers"]
        start = parse(case["text"], today=TODAY).answers.model_dump(mode="json", exclude_none=True)
        with_text, asked_with = interview(start, full)
        _, asked_without = interview({}, full)
        out[case["id"]] = (
            assess(full).triage.level,
            assess(with_text).triage.level,
            asked_with,
            asked_without,
        )
    return out


def test_enough_texts_cover_every_level_and_every_file() -> None:
    assert len(TEXT_CASES) >= MIN_TEXTS
    levels = {minimum_level(case["expect"]["triage"]) for case in TEXT_CASES}
    assert levels == {"self_care", "see_doctor", "see_doctor_soon", "emergency"}
    for case in TEXT_CASES:
        assert isinstance(case["text"], str) and case["text"].strip(), case["id"]


def test_text_then_interview_reaches_the_full_answers_triage(
    runs: dict[str, tuple[str, str, int, int]],
) -> None:
    failed = [
        f"{i}: full {full}, text {short}"
        for i, (full, short, _, _) in runs.items()
        if full != short
    ]
    with_text = statistics.mean(r[2] for r in runs.values())
    without = statistics.mean(r[3] for r in runs.values())
    print(
        f"\n{len(runs)} vignettes with a text: triage as the full answers in"
        f" {len(runs) - len(failed)}/{len(runs)}; questions asked: mean {with_text:.1f} after"
        f" the text, {without:.1f} without it"
    )
    assert not failed, "\n".join(failed)
    # What the text said is not asked again (the exact count is the interview's to tune).
    assert with_text < without


@pytest.mark.parametrize("case", TEXT_CASES, ids=[case["id"] for case in TEXT_CASES])
def test_the_text_is_never_read_against_the_vignette(case: dict[str, Any]) -> None:
    """A warning sign read wrong would be a safety bug; any other answer read wrong means the
    reader or the text is wrong."""
    wrong = disagreements(case)
    signs = [w for w in wrong if w.split(":")[0] in WARNING_SIGNS]
    assert not signs, f"warning signs read against the vignette: {signs}"
    assert not wrong, wrong
