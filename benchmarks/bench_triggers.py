"""Trigger analysis over two years of one person's diary, against the 300 ms target.

730 logged days with the 7 built-in factors and 1 custom one (8 factors, 16 model terms),
about 3,000 episodes, two of the factors with a planted effect. The figure is the median of
several runs of find_triggers after a warm-up, on one core, from ready (validated) models.
Run: .venv/bin/python benchmarks/bench_triggers.py
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

import numpy as np

from myoguide.diary.analysis import find_triggers
from myoguide.diary.models import DayIn, EpisodeIn

DAYS = 730
TARGET = 0.300
RUNS = 15
START = dt.date(2024, 1, 1)
OFFSET = dt.timezone(dt.timedelta(hours=1))


def two_years(seed: int = 730) -> tuple[list[DayIn], list[EpisodeIn]]:
    rng = np.random.default_rng(seed)
    caffeine = rng.choice(7, DAYS, p=[0.1, 0.15, 0.2, 0.25, 0.15, 0.1, 0.05])
    sleep = np.clip(np.round(rng.normal(6.6, 1.2, DAYS) * 2) / 2, 3, 11)
    short_sleep_before = np.r_[False, sleep[:-1] < 6]
    counts = rng.poisson(3.3 * 1.5 ** (caffeine >= 4) * 1.5**short_sleep_before)
    days = [
        DayIn(
            date=START + dt.timedelta(days=i),
            caffeine_cups=float(caffeine[i]),
            sleep_hours=float(sleep[i]),
            stress=int(rng.binomial(10, 0.5)),
            water_glasses=float(rng.poisson(6)),
            exercise=rng.choice(["none", "light", "heavy"], p=[0.45, 0.4, 0.15]).item(),
            nicotine=bool(rng.random() < 0.2),
            alcohol_units=float(rng.choice([0, 1, 2, 3, 4])),
            custom={"late_screen": bool(rng.random() < 0.35)},
        )
        for i in range(DAYS)
    ]
    episodes = [
        EpisodeIn(
            at=dt.datetime.combine(START + dt.timedelta(days=i), dt.time(8 + n % 12), OFFSET),
            kind="twitch" if n % 4 else "spasm",
            regions=["eyelid"],
            intensity=3,
        )
        for i in range(DAYS)
        for n in range(counts[i])
    ]
    return days, episodes


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    days, episodes = two_years()
    findings = find_triggers(days, episodes)
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        find_triggers(days, episodes)
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    print(f"diary: {len(days)} days, 8 factors, {len(episodes):,} episodes, one core")
    for finding in findings:
        print(f"  {finding.factor:14} {finding.verdict:16} {finding.text}")
    fastest, slowest = min(timings) * 1000, max(timings) * 1000
    print(f"find_triggers, median of {RUNS}  {median * 1000:8.1f} ms")
    print(f"fastest / slowest            {fastest:6.1f} / {slowest:.1f} ms")
    print(f"target                       {TARGET * 1000:8.1f} ms")
    print(f"ratio to target: {median / TARGET:.2f}")


if __name__ == "__main__":
    main()
