"""In-process assessment throughput on one core, next to reading the same input.

An assessment cannot cost less than validating its answers, so the figure that matters is
the ratio of assess() to Answers.model_validate() on the same answers, for the clinical
vignettes and again for each of them with part of its answers left unknown, measured in
interleaved pairs so that a noisy, shared machine slows both sides alike; the median pair
counts. Then the same assessments in every language, rounds taken in turn, each against
English (goal: within 10%, issue 14). Run: .venv/bin/python benchmarks/bench_engine.py [--pairs 9]
"""

from __future__ import annotations

import argparse
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

GOAL = 0.25
SECONDS = 0.4
TURNS = 20
TURN_SECONDS = 0.1
LANGUAGE_GOAL = 0.10
"""Another language's assessment at most this much slower than English's (issue 14)."""


def rate(work: Callable[[Any], object], items: Sequence[Any]) -> float:
    """Calls a second of this process's own CPU time over `items`, for about SECONDS (CPU
    time, so that the moments other programs hold the core do not count)."""
    count = 0
    start = time.process_time()
    while (elapsed := time.process_time() - start) < SECONDS:
        for item in items:
            work(item)
        count += len(items)
    return count / elapsed


def partly_unknown(answers: dict[str, Any], keep: int) -> dict[str, Any]:
    """The answers with all but every `keep`-th top-level and nested answer left out."""
    kept: dict[str, Any] = {}
    for index, (name, value) in enumerate(answers.items()):
        if isinstance(value, dict):
            kept[name] = {k: v for i, (k, v) in enumerate(value.items()) if i % keep == 0}
        elif index % keep == 0:
            kept[name] = value
    return kept


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


def rates_in_turn(
    works: dict[str, Callable[[Any], object]], items: Sequence[Any]
) -> dict[str, float]:
    """Steady rates of several kinds of work, in this process's CPU time (so other programs
    on a shared machine count less), many short rounds taken in turn so a change in the
    load falls on all alike: the median of each."""
    rounds: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(TURNS):
        for name, work in works.items():
            rounds[name].append(_round(work, items, TURN_SECONDS, time.process_time))
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
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=9)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    vignettes = vignette_answers()
    engine = default_engine()
    sets = {
        "vignettes": vignettes,
        "partly unknown": [partly_unknown(a, 2 + i % 3) for i, a in enumerate(vignettes)],
    }
    print(f"{len(vignettes)} clinical vignettes, and each again partly unknown; one core")
    for name, answers in sets.items():
        models = [Answers.model_validate(a) for a in answers]
        for model in models:
            engine.assess(model)
        validations, assessments, ratios = [], [], []
        for _ in range(args.pairs):
            validated = rate(Answers.model_validate, answers)
            assessed = rate(engine.assess, models)
            validations.append(validated)
            assessments.append(assessed)
            ratios.append(assessed / validated)
        print(
            f"{name:15s} model_validate {statistics.median(validations):9,.0f} /s   "
            f"assess {statistics.median(assessments):9,.0f} /s   "
            f"ratio {statistics.median(ratios):.3f} "
            f"({min(ratios):.3f}..{max(ratios):.3f} over {args.pairs} pairs; goal >= {GOAL})"
        )
    by_language([Answers.model_validate(a) for a in vignettes])


if __name__ == "__main__":
    main()
