"""Free text: how long parse() takes on a 100-word text.

The first call builds the pipeline (spaCy, medspaCy's ConText, the lexicon); later calls
reuse it. Goal: median under 20 ms after the first call.
Run: .venv/bin/python benchmarks/bench_parse.py
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date

from myoguide import parse

GOAL_MEDIAN_MS = 20.0
RUNS = 200
TEXT = (
    "Hi, I'm a 45 year old woman and for the past three weeks the muscle in my left calf has "
    "been twitching on and off, mostly at night when I'm lying in bed. It doesn't hurt. I'm "
    "drinking about five cups of coffee a day and only sleeping 5 hours because work is mad "
    "and I'm stressed. No weakness that I can tell, no numbness, it hasn't spread. My dad had "
    "ALS so I'm terrified. I started atorvastatin in March. Maybe my grip is a bit weaker? "
    "Not sure. Swallowing and breathing are fine. I don't smoke and I drink 2 glasses of "
    "water a day."
)


def main() -> int:
    words = len(TEXT.split())
    start = time.perf_counter()
    parse(TEXT, today=date(2026, 12, 2))
    first_ms = (time.perf_counter() - start) * 1000
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        parse(TEXT, today=date(2026, 12, 2))
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95)]
    print(f"parse() of a {words}-word text")
    print(f"  first call (loads spaCy, medspaCy, the lexicon): {first_ms:.0f} ms")
    print(f"  after it, {RUNS} runs: median {median:.2f} ms, p95 {p95:.2f} ms")
    ok = median < GOAL_MEDIAN_MS
    print(f"  goal median < {GOAL_MEDIAN_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
