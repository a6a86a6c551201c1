"""How long the diary takes as FHIR: building the Bundle, writing its JSON, reading it back.

A diary of --episodes episodes (two places and a note each, 7 hours apart) and --days days
with every factor, a medicine and a factor of one's own. Prints the best of --repeat runs.
Run: .venv/bin/python benchmarks/bench_fhir_diary.py [--episodes 2000] [--days 700] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from myoguide.diary.models import DayIn, EpisodeIn
from myoguide.fhir.diary import bundle_json, diary_bundle, read_diary_bundle


def best(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--days", type=int, default=700)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    start = dt.datetime(2024, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    episodes = [
        EpisodeIn(
            at=start + dt.timedelta(hours=7 * i),
            kind="twitch" if i % 3 else "spasm",
            regions=["eyelid", "calf"],
            intensity=i % 11,
            duration_s=30,
            note="after the third coffee",
        )
        for i in range(options.episodes)
    ]
    days = [
        DayIn(
            date=start.date() + dt.timedelta(days=i),
            caffeine_cups=3,
            sleep_hours=7.5,
            stress=4,
            water_glasses=6,
            exercise="light",
            nicotine=False,
            alcohol_units=1,
            medications=["magnesium"],
            custom={"screen hours": 5.0},
        )
        for i in range(options.days)
    ]
    build, bundle = best(options.repeat, lambda: diary_bundle(episodes, days))
    write, text = best(options.repeat, lambda: bundle_json(bundle))
    read, _ = best(options.repeat, lambda: read_diary_bundle(text))
    print(f"{options.episodes} episodes and {options.days} days ({len(text) / 1e6:.1f} MB):")
    print(f"  build {build:.2f} s, write JSON {write:.2f} s, read back {read:.2f} s")


if __name__ == "__main__":
    main()
