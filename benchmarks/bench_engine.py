"""In-process assessment throughput on one core.

Prints assessments a second over the clinical vignettes, from ready Answers models and
from plain dicts (which adds input validation), and the target from the foundation issue;
then the same in every language, rounds taken in turn, each against English (goal: within
10%, issue 14).
Run: .venv/bin/python benchmarks/bench_engine.py
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from _cases import vignette_answers
from myoguide import Answers
from myoguide.engine import default_engine
from myoguide.i18n import ENGLISH, languages
from myoguide.jsonout import assessment_json

TARGET = 20_000
SECONDS = 2.0
ROUNDS = 5
TURNS = 20
LANGUAGE_GOAL = 0.10
"""Another language's assessment at most this much slower than English's (issue 14)."""


def _round(
    work: Callable[[Any], object],
    items: Sequence[Any],
    seconds: float,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    count = 0
    start = clock()
    while (elapsed := clock() - start) < seconds:
        for item in items:
            work(item)
        count += len(items)
    return count / elapsed


def rate(work: Callable[[Any], object], items: Sequence[Any]) -> float:
    """Best-effort steady rate: several timed rounds, median of them."""
    return statistics.median(_round(work, items, SECONDS / ROUNDS) for _ in range(ROUNDS))


def rates_in_turn(
    works: dict[str, Callable[[Any], object]], items: Sequence[Any]
) -> dict[str, float]:
    """Steady rates of several kinds of work, in this process's CPU time (so other programs
    on a shared machine count less), many short rounds taken in turn so a change in the
    load falls on all alike: the median of each."""
    rounds: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(TURNS):
        for name, work in works.items():
            rounds[name].append(_round(work, items, SECONDS / TURNS, time.process_time))
    return {name: statistics.median(found) for name, found in rounds.items()}


def by_language(models: Sequence[Answers]) -> None:
    """Assessments a second in each language, alone and with the JSON the API sends."""
    engines = {code: default_engine(code) for code in languages()}
    for engine in engines.values():
        for model in models:
            engine.assess(model)
    works: dict[str, Callable[[Any], object]] = {}
    for code, engine in engines.items():
        works[f"assess {code}"] = engine.assess
        works[f"assess + JSON {code}"] = lambda m, e=engine: assessment_json(e.assess(m))
    found = rates_in_turn(works, models)
    print("by language (CPU time, rounds in turn):")
    for code in engines:
        for what in ("assess", "assess + JSON"):
            value = found[f"{what} {code}"]
            english = found[f"{what} {ENGLISH}"]
            change = value / english - 1
            verdict = (
                ""
                if code == ENGLISH
                else (
                    f"  {change:+.1%} vs en ({'within' if change >= -LANGUAGE_GOAL else 'OUTSIDE'}"
                    f" the {LANGUAGE_GOAL:.0%} goal)"
                )
            )
            print(f"  {what + ' ' + code:<36}{value:10,.0f} /s{verdict}")


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    answers = vignette_answers()
    models = [Answers.model_validate(a) for a in answers]
    engine = default_engine()
    for model in models:
        engine.assess(model)
    validate_only = rate(Answers.model_validate, answers)
    from_models = rate(engine.assess, models)
    from_dicts = rate(engine.assess, answers)
    print(f"cases: {len(answers)} clinical vignettes, one core")
    print(f"baseline: input validation alone      {validate_only:10,.0f} /s")
    print(f"assess(Answers)                       {from_models:10,.0f} /s")
    print(f"assess(dict), validation included     {from_dicts:10,.0f} /s")
    print(f"target                                {TARGET:10,.0f} /s")
    ratios = f"{from_models / TARGET:.2f} (models), {from_dicts / TARGET:.2f} (dicts)"
    print(f"ratio to target: {ratios}")
    by_language(models)


if __name__ == "__main__":
    main()
