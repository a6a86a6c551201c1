"""In-process assessment throughput on one core, next to reading the same input.

An assessment cannot cost less than validating its answers, so the figure that matters is
the ratio of assess() to Answers.model_validate() on the same answers, for the clinical
vignettes and again for each of them with part of its answers left unknown, measured in
interleaved pairs so that a noisy, shared machine slows both sides alike; the median pair
counts. Run: .venv/bin/python benchmarks/bench_engine.py [--pairs 9]
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

GOAL = 0.25
SECONDS = 0.4


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


if __name__ == "__main__":
    main()
