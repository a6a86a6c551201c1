"""Small diaries that several test files share, built from validated models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from myoguide.diary.csvio import write_days, write_episodes
from myoguide.diary.models import DayIn, DiaryKind, EpisodeIn

START = dt.date(2026, 1, 5)
NOON = dt.time(12)
# Per-day counts with some spread, so the fit has residuals: means 3 (high) and 1 (low).
HIGH = (2, 3, 4)
LOW = (0, 1, 2)

DiaryData = tuple[list[DayIn], list[EpisodeIn]]


def day(offset: int, **factors: Any) -> DayIn:
    return DayIn(date=START + dt.timedelta(days=offset), **factors)


def episodes_on(
    offset: int,
    count: int,
    *,
    kind: DiaryKind = "twitch",
    at: dt.time = NOON,
    tz: dt.tzinfo = dt.UTC,
) -> list[EpisodeIn]:
    when = dt.datetime.combine(START + dt.timedelta(days=offset), at, tzinfo=tz)
    return [EpisodeIn(at=when, kind=kind, regions=["eyelid"], intensity=3)] * count


def pattern(days: int, seed: int = 7, share: float = 0.4) -> list[bool]:
    """A fixed, irregular yes/no pattern (no accidental rhythm to line up with lags)."""
    rng = np.random.default_rng(seed)
    return [bool(value) for value in rng.random(days) < share]


def counts_following(flags: Sequence[bool]) -> list[int]:
    return [(HIGH if flag else LOW)[i % 3] for i, flag in enumerate(flags)]


def every_other_day_diary() -> DiaryData:
    """14 days of nicotine, caffeine and heavy exercise every other day: the day before is the
    same day's mirror image, the diary that once crashed every interface."""
    flags = [i % 2 == 0 for i in range(14)]
    days = [
        day(
            i,
            nicotine=flag,
            caffeine_cups=5 if flag else 1,
            exercise="none" if flag else "heavy",
        )
        for i, flag in enumerate(flags)
    ]
    episodes = [e for i, n in enumerate(counts_following(flags)) for e in episodes_on(i, n)]
    return days, episodes


def caffeine_twitch_diary() -> DiaryData:
    """Caffeine triples twitches; spasms, many more of them, come and go on their own."""
    flags = pattern(40, seed=14)
    spasm_counts = [int(n) for n in np.random.default_rng(114).integers(0, 25, 40)]
    days = [day(i, caffeine_cups=5 if flag else 1) for i, flag in enumerate(flags)]
    twitches = [e for i, n in enumerate(counts_following(flags)) for e in episodes_on(i, n)]
    spasms = [
        e
        for i, n in enumerate(spasm_counts)
        for e in episodes_on(i, n, kind="spasm", at=dt.time(20))
    ]
    return days, twitches + spasms


def many_factors_diary() -> DiaryData:
    """Nicotine's 95% range leaves out 1, but not by enough once 7 factors are tested."""
    flags = pattern(30, seed=3)
    noise = [pattern(30, seed=100 + k) for k in range(6)]
    days = [
        day(
            i,
            nicotine=flag,
            caffeine_cups=5 if noise[0][i] else 1,
            sleep_hours=5 if noise[1][i] else 8,
            stress=8 if noise[2][i] else 2,
            water_glasses=2 if noise[3][i] else 8,
            exercise="heavy" if noise[4][i] else "light",
            alcohol_units=4 if noise[5][i] else 0,
        )
        for i, flag in enumerate(flags)
    ]
    counts = np.random.default_rng(3).poisson([2.4 if flag else 1.5 for flag in flags])
    return days, [e for i, n in enumerate(counts) for e in episodes_on(i, int(n))]


def as_csv(diary: DiaryData, folder: Path) -> tuple[Path, Path]:
    """The diary as the episodes and days CSV files `myoguide diary import` reads."""
    days, episodes = diary
    episodes_csv, days_csv = folder / "episodes.csv", folder / "days.csv"
    with open(episodes_csv, "w", encoding="utf-8", newline="") as out:
        write_episodes(episodes, out)
    with open(days_csv, "w", encoding="utf-8", newline="") as out:
        write_days(days, out)
    return episodes_csv, days_csv
