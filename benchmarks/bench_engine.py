"""In-process assessment throughput on one core.

Prints assessments a second over the clinical vignettes, from ready Answers models and
from plain dicts (which adds input validation), and the target from the foundation issue.
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

TARGET = 20_000
SECONDS = 2.0
ROUNDS = 5


def rate(work: Callable[[Any], object], items: Sequence[Any]) -> float:
    """Best-effort steady rate: several timed rounds, median of them."""
    rates = []
    for _ in range(ROUNDS):
        count = 0
        start = time.perf_counter()
        while (elapsed := time.perf_counter() - start) < SECONDS / ROUNDS:
            for item in items:
                work(item)
            count += len(items)
        rates.append(count / elapsed)
    return statistics.median(rates)


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


if __name__ == "__main__":
    main()
