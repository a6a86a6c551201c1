"""The adaptive interview: its speed next to assess(), and how many questions it asks.

Interviews every clinical vignette, answering each question from the vignette's answers
("not sure" where it has none), and compares the end with the full-answer assessment.
Run: .venv/bin/python benchmarks/bench_interview.py
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections import Counter
from typing import Any

from _cases import vignette_answers
from myoguide import Answers, Assessment, Question, assess, load_knowledge, next_question
from myoguide.conditions import compile_condition, flatten
from myoguide.engine import default_engine
from myoguide.interview import GROUP_MOST, WORTH_ASKING, next_group, questions_left, screens_left
from myoguide.questionnaire import answer_at, applies, set_answer

GOAL_SHARE = 0.40
GOAL_MEDIAN_MS = 2.0
GOAL_P99_MS = 10.0
GOAL_KIND = 0.98
GOAL_TOP3 = 0.95
# The thresholds tried for the trade-off table; infinity asks for the triage and rule-outs only.
THRESHOLDS = (0.0, 0.02, 0.03, 0.035, 0.04, 0.045, 0.05, 0.06, 0.08, 0.1, 0.2, math.inf)


def interview(
    full: dict[str, Any], timings: list[float], threshold: float = WORTH_ASKING
) -> tuple[dict[str, Any], list[str], list[Question]]:
    answers: dict[str, Any] = {}
    unknown: list[str] = []
    asked: list[Question] = []
    while True:
        start = time.perf_counter()
        question = next_question(answers, unknown, threshold=threshold)
        timings.append(time.perf_counter() - start)
        if question is None:
            return answers, unknown, asked
        asked.append(question)
        value = answer_at(full, question.id)
        if value is None:
            unknown.append(question.id)
        else:
            set_answer(answers, question.id, value)


def top3(result: Assessment) -> frozenset[str]:
    return frozenset(finding.id for finding in result.factors[:3])


def trade_off(cases: list[dict[str, Any]], shown: list[int]) -> None:
    """The share of the form asked against the kind and the top-3 causes kept, per threshold."""
    fulls = [assess(case) for case in cases]
    print(
        "\ntrade-off: the least expected change worth a question (WORTH_ASKING) against the"
        " share of the form asked and the result kept as in the full form"
    )
    print(f"  {'threshold':>9}  {'asked (mean)':>12}  {'kind':>6}  {'top-3':>6}")
    for threshold in THRESHOLDS:
        ignored: list[float] = []
        shares, kind, top = [], 0, 0
        for case, full, count in zip(cases, fulls, shown, strict=True):
            answers, _, asked = interview(case, ignored, threshold)
            short = assess(answers)
            kind += short.kind == full.kind
            top += top3(short) == top3(full)
            shares.append(len(asked) / count)
        label = "never" if threshold == math.inf else f"{threshold:g}"
        chosen = "  <- chosen" if threshold == WORTH_ASKING else ""
        print(
            f"  {label:>9}  {statistics.mean(shares):12.1%}  {kind / len(cases):6.1%}"
            f"  {top / len(cases):6.1%}{chosen}"
        )
    print(
        f"  (goal: kind >= {GOAL_KIND:.0%}, top-3 >= {GOAL_TOP3:.0%}; chosen: the largest"
        " threshold with top-3 >= 97%, a margin over the goal; 'never' asks for the triage"
        " and the rule-outs only)"
    )


def estimates(cases: list[dict[str, Any]], results: list[tuple[Any, Any, list[Question]]]) -> None:
    """questions_left() against the true count: at the start (one figure for everyone) and
    halfway through each interview."""
    start = questions_left({})
    ratios, errors = [], []
    for case, (_, _, asked) in zip(cases, results, strict=True):
        ratios.append(start / len(asked))
        half = len(asked) // 2
        answers: dict[str, Any] = {}
        unknown: list[str] = []
        for question in asked[:half]:
            value = answer_at(case, question.id)
            if value is None:
                unknown.append(question.id)
            else:
                set_answer(answers, question.id, value)
        errors.append(abs(questions_left(answers, unknown) - (len(asked) - half)))
    print(
        f"\nestimate of the questions left (questions_left): {start} at the start, "
        f"{min(ratios):.2f} to {max(ratios):.2f} times each vignette's true count; halfway "
        f"through, mean absolute error {statistics.mean(errors):.2f} questions "
        f"(worst {max(errors)})"
    )


def screened(full: dict[str, Any], most: int) -> list[list[str]]:
    """The web's interview, a screen (``next_group``) at a time: the ids asked on each."""
    answers: dict[str, Any] = {}
    unknown: list[str] = []
    screens: list[list[str]] = []
    while group := next_group(answers, unknown, most=most):
        screens.append([question.id for question in group])
        for question in group:
            value = answer_at(full, question.id)
            if value is None:
                unknown.append(question.id)
            else:
                set_answer(answers, question.id, value)
    return screens


def screens(cases: list[dict[str, Any]]) -> None:
    """Screens against questions on the web (next_group), per cap on a screen, and how well
    screens_left() estimates them: at the start (the start page's figure) and halfway."""
    print("\nscreens on the web (next_group: yes-or-no questions of one section together):")
    for most in sorted({1, 5, GROUP_MOST}):
        played = [screened(case, most) for case in cases]
        counts = [len(found) for found in played]
        asked = [sum(map(len, found)) for found in played]
        chosen = "  <- chosen" if most == GROUP_MOST else ""
        print(
            f"  at most {most} a screen: screens mean {statistics.mean(counts):.1f}, median "
            f"{statistics.median(counts):g}, worst {max(counts)}; questions mean "
            f"{statistics.mean(asked):.1f}{chosen}"
        )
    played = [screened(case, GROUP_MOST) for case in cases]
    start_screens, start_questions = screens_left({})
    ratios, errors = [], []
    for case, found in zip(cases, played, strict=True):
        ratios.append(start_screens / len(found))
        half = len(found) // 2
        answers: dict[str, Any] = {}
        unknown: list[str] = []
        for question_id in (i for screen in found[:half] for i in screen):
            value = answer_at(case, question_id)
            if value is None:
                unknown.append(question_id)
            else:
                set_answer(answers, question_id, value)
        errors.append(abs(screens_left(answers, unknown)[0] - (len(found) - half)))
    print(
        f"  estimate (screens_left): {start_screens} screens ({start_questions} questions) at"
        f" the start, {min(ratios):.2f} to {max(ratios):.2f} times each vignette's true count;"
        f" halfway, mean absolute error {statistics.mean(errors):.2f} screens (worst"
        f" {max(errors)})"
    )


def with_hindsight(full: dict[str, Any]) -> int:
    """The questions the triage and the rule-outs need when every answer is known in advance:
    each time, the question whose (known) answer leaves the fewest warning signs and
    rule-outs open (ties: the one the most open rules read). A greedy search, not a proof,
    but a fair floor for any order that cannot see the answers."""
    knowledge = load_knowledge()
    engine = default_engine()
    # A rule that reads the kind reads the answers the kind is inferred from.
    kind_fields = {"sensation"}.union(*(rule.when.fields() for rule in knowledge.kinds.inference))

    def fields(conditions: list[Any]) -> set[str]:
        found: set[str] = set().union(*(condition.fields() for condition in conditions))
        return found | kind_fields if "kind" in found else found

    rules = [fields([sign.when]) for sign in knowledge.warning_signs]
    rules_out = [fields([t.when for t in entry.triggers]) for entry in knowledge.rule_outs]
    asks = [
        (q.id, compile_condition(q.ask_if) if q.ask_if else None)
        for q in knowledge.questions.questions
    ]
    known = flatten(Answers.model_validate(full))

    def still_open(values: dict[str, Any], unknown: set[str]) -> list[set[str]]:
        """The fields of each rule still open, that a question could still decide."""
        open_fields = frozenset(
            field
            for field, ask_if in asks
            if values[field] is None
            and field not in unknown
            and (ask_if is None or ask_if(values) is not False)
        )
        found = engine.open_rules(values, open_fields)
        reading = [rules[i] & open_fields for i in found.signs]
        reading += [rules_out[i] & open_fields for i in found.rule_outs]
        return [read for read in reading if read]

    values = flatten(Answers())
    unknown: set[str] = set()
    count = 0
    while reading := still_open(values, unknown):
        options = []
        for order, field in enumerate(sorted(set().union(*reading))):
            tried, not_sure = dict(values), set(unknown)
            if known[field] is None:
                not_sure.add(field)
            else:
                tried[field] = known[field]
            relevance = sum(field in read for read in reading)
            options.append((len(still_open(tried, not_sure)), -relevance, order, tried, not_sure))
        *_, values, unknown = min(options, key=lambda option: option[:3])
        count += 1
    return count


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    knowledge = load_knowledge()
    cases = vignette_answers()
    engine = default_engine()
    models = [Answers.model_validate(a) for a in cases]
    next_question({})  # builds the engine and the interview's plan once

    timings: list[float] = []
    results = [interview(case, timings) for case in cases]
    timings = []
    for _ in range(3):
        for case in cases:
            interview(case, timings)
    assess_timings: list[float] = []
    for _ in range(max(1, len(timings) // len(models))):
        for model in models:
            start = time.perf_counter()
            engine.assess(model)
            assess_timings.append(time.perf_counter() - start)

    timings.sort()
    assess_timings.sort()
    print(f"cases: {len(cases)} clinical vignettes, one core")
    print(
        f"next_question  median {statistics.median(timings) * 1e3:6.3f} ms   "
        f"p99 {percentile(timings, 0.99) * 1e3:6.3f} ms   ({len(timings)} calls; goal median "
        f"< {GOAL_MEDIAN_MS:g} ms, p99 < {GOAL_P99_MS:g} ms)"
    )
    print(
        f"assess         median {statistics.median(assess_timings) * 1e3:6.3f} ms   "
        f"p99 {percentile(assess_timings, 0.99) * 1e3:6.3f} ms   (Answers in, same run)"
    )

    single = {
        field
        for sign in knowledge.warning_signs
        if len(sign.when.fields()) == 1
        for field in sign.when.fields()
    }
    shown_counts = [
        sum(1 for question in knowledge.questions.questions if applies(question, case))
        for case in cases
    ]
    same: Counter[str] = Counter()
    shares: list[float] = []
    floors: list[float] = []
    by_reason: Counter[str] = Counter()
    forcing: Counter[str] = Counter()
    for case, (answers, _unknown, asked) in zip(cases, results, strict=True):
        full, short = assess(case), assess(answers)
        same["triage"] += full.triage.level == short.triage.level
        same["rule-outs"] += [r.id for r in full.rule_out] == [r.id for r in short.rule_out]
        same["kind"] += full.kind == short.kind
        same["top-3 causes"] += top3(full) == top3(short)
        shown = shown_counts[len(shares)]
        shares.append(len(asked) / shown)
        needed = [q for q in asked if q.reason in {"warning_sign", "rule_out", "follow_up"}]
        floors.append(len(needed) / shown)
        for question in asked:
            by_reason[question.reason] += 1
            if question.reason == "warning_sign":
                forcing.update(question.about)
    print("\nend of the interview, as in the full-answer assessment:")
    for part in ("triage", "rule-outs", "kind", "top-3 causes"):
        print(f"  {part:<14} {same[part] / len(cases):6.1%}  ({same[part]}/{len(cases)})")
    mean = statistics.mean(shares)
    print(
        f"\nquestions asked, as a share of those the full form shows each person: mean "
        f"{mean:.0%}, median {statistics.median(shares):.0%}, worst {max(shares):.0%} "
        f"(goal: mean <= {GOAL_SHARE:.0%})"
    )
    total = sum(by_reason.values())
    print(f"  questions asked in all: {total}, by what the answer could change:")
    for reason, count in by_reason.most_common():
        print(f"    {reason:<13} {count:5d}  ({count / total:.0%})")
    floor = statistics.mean(floors)
    print(
        f"  for the triage and the rule-outs alone (the safety rule, and rule-outs equal in"
        f" every case): mean {floor:.1%}, median {statistics.median(floors):.0%}, worst"
        f" {max(floors):.0%} of the form"
    )
    pairs = zip(cases, shown_counts, strict=True)
    hindsight = [with_hindsight(case) / shown for case, shown in pairs]
    print(
        f"  the same with hindsight (every answer known in advance, the question that leaves"
        f" the fewest rules open each time): mean {statistics.mean(hindsight):.1%}"
    )
    alone = [
        len(single & shown) / len(shown)
        for case in cases
        if assess(case).triage.level == "self_care"
        for shown in ({q.id for q in knowledge.questions.questions if applies(q, case)},)
    ]
    print(
        f"  for the {len(alone)} who stay at self-care, the signs that hang on one question"
        f" alone (each must be asked): {statistics.mean(alone):.0%} of the form"
        f" ({min(alone):.0%} to {max(alone):.0%})"
    )
    if mean > GOAL_SHARE:
        print(
            f"  above the goal: the rest ({mean - floor:.0%} of the form) is asked because its"
            f" answer is expected to change the kind or the top-3 causes by >= {WORTH_ASKING:g}."
        )
        print("  warning signs that kept the interview going most often (questions asked):")
        names = {sign.id: sign.level for sign in knowledge.warning_signs}
        for sign_id, count in forcing.most_common(12):
            print(f"    {sign_id:<38} {names[sign_id]:<16} {count:5d}")
    estimates(cases, results)
    screens(cases)
    trade_off(cases, shown_counts)


if __name__ == "__main__":
    main()
