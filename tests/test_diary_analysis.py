"""The diary's trigger analysis: its rules on small diaries, and its error rates by simulation."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statsmodels.genmod.generalized_linear_model import GLM  # type: ignore[import-untyped]

from myoguide.diary import analysis
from myoguide.diary.analysis import (
    TriggerFinding,
    find_triggers,
    kinds_to_analyse,
    triggers_by_kind,
)
from myoguide.diary.models import BUILT_IN_FACTORS, DayIn, DiaryKind, EpisodeIn

from .diaries import (
    HIGH,
    LOW,
    caffeine_twitch_diary,
    counts_following,
    day,
    episodes_on,
    every_other_day_diary,
    many_factors_diary,
    pattern,
)


def by_factor(findings: Sequence[TriggerFinding]) -> dict[str, TriggerFinding]:
    return {finding.factor: finding for finding in findings}


def nicotine_diary(
    flags: Sequence[bool], counts: Sequence[int]
) -> tuple[list[DayIn], list[EpisodeIn]]:
    days = [day(i, nicotine=flag) for i, flag in enumerate(flags)]
    episodes = [e for i, count in enumerate(counts) for e in episodes_on(i, count)]
    return days, episodes


# --- not enough data -------------------------------------------------------------------------


def test_thirteen_logged_days_are_not_enough() -> None:
    flags = [i % 2 == 0 for i in range(13)]
    findings = find_triggers(*nicotine_diary(flags, counts_following(flags)))
    assert {f.verdict for f in findings} == {"not_enough_data"}
    nicotine = by_factor(findings)["nicotine"]
    assert nicotine.days_needed == 1
    assert nicotine.text == "Not enough data yet: log 1 more day to check nicotine."
    assert (nicotine.rate_ratio, nicotine.ci95, nicotine.p_adjusted) == (None, None, None)


def test_fourteen_logged_days_are_enough() -> None:
    nicotine = by_factor(find_triggers(*every_other_day_diary()))["nicotine"]
    assert nicotine.verdict != "not_enough_data"
    assert nicotine.rate_ratio is not None and nicotine.ci95 is not None
    assert nicotine.p_adjusted is not None and nicotine.days_needed is None


def test_rare_exposure_estimates_the_days_still_needed() -> None:
    # 3 of 30 days: at that pace 2 more heavy days take about 20 more logged days.
    days = [day(i, exercise="heavy" if i in {4, 15, 26} else "light") for i in range(30)]
    exercise = by_factor(find_triggers(days, episodes_on(0, 1)))["exercise"]
    assert exercise.verdict == "not_enough_data"
    assert exercise.days_needed == 20
    assert exercise.text == "Not enough data yet: log about 20 more days to check heavy exercise."


def test_fewer_than_fourteen_days_and_rare_exposure_needs_the_larger_of_both() -> None:
    days = [day(i, exercise="heavy" if i == 3 else "none") for i in range(10)]
    assert by_factor(find_triggers(days, []))["exercise"].days_needed == 40


def test_exposure_never_seen_gives_no_day_count() -> None:
    days = [day(i, nicotine=False, caffeine_cups=2) for i in range(30)]
    findings = by_factor(find_triggers(days, episodes_on(3, 2)))
    for factor in ("nicotine", "caffeine_cups"):
        assert findings[factor].verdict == "not_enough_data"
        assert findings[factor].days_needed is None
    assert "none of your logged days had nicotine" in findings["nicotine"].text


def test_factor_never_filled_in() -> None:
    sleep = by_factor(find_triggers([day(i) for i in range(30)], []))["sleep_hours"]
    assert sleep.verdict == "not_enough_data" and sleep.days_needed is None
    assert sleep.text == "Not enough data yet: sleep has not been filled in on any logged day."


def test_no_days_at_all_asks_for_fourteen() -> None:
    findings = find_triggers([], [])
    assert {f.factor for f in findings} == set(BUILT_IN_FACTORS)
    assert {f.days_needed for f in findings} == {14}


# --- the table: blanks, lags, dates, kinds ---------------------------------------------------


def test_blank_is_missing_not_zero() -> None:
    caffeine: list[float | None] = [5] * 6 + [1] * 3 + [None] * 11
    nicotine: list[bool | None] = [True] * 6 + [None] * 14
    days = [
        day(i, caffeine_cups=c, nicotine=n)
        for i, (c, n) in enumerate(zip(caffeine, nicotine, strict=True))
    ]
    findings = by_factor(find_triggers(days, episodes_on(0, 1)))
    # As zeros, the 11 blanks would make 14 days without caffeine: enough to fit.
    assert findings["caffeine_cups"].verdict == "not_enough_data"
    assert findings["caffeine_cups"].days_needed == 14  # 2 more days without it, at 3 in 20
    assert "every logged day with nicotine filled in had nicotine" in findings["nicotine"].text


def test_day_before_term_finds_a_lagged_trigger() -> None:
    flags = pattern(60)
    yesterday = [False, *flags[:-1]]
    nicotine = by_factor(find_triggers(*nicotine_diary(flags, counts_following(yesterday))))[
        "nicotine"
    ]
    assert nicotine.verdict == "trigger"
    assert nicotine.text.startswith("On days after a day with nicotine you logged about 3.")
    assert nicotine.rate_ratio == pytest.approx(3, rel=0.05)


def test_day_before_means_the_previous_calendar_day_not_the_previous_record() -> None:
    # Logged every other day; the count follows the previous *record*, two days earlier.
    flags = [i % 4 in {0, 1} for i in range(60)]
    counts = [(4 if i > 0 and flags[i - 1] else 1) + i % 3 - 1 for i in range(60)]
    days = [day(2 * i, nicotine=flag) for i, flag in enumerate(flags)]
    episodes = [e for i, count in enumerate(counts) for e in episodes_on(2 * i, count)]
    nicotine = by_factor(find_triggers(days, episodes))["nicotine"]
    assert nicotine.verdict == "no_clear_link"
    assert "after" not in nicotine.text
    assert nicotine.rate_ratio == pytest.approx(1)


def test_gaps_in_logging_leave_the_same_day_term_intact() -> None:
    flags = pattern(80, seed=3)
    logged = [i for i in range(80) if i % 5 != 4]
    counts = counts_following(flags)
    days = [day(i, nicotine=flags[i]) for i in logged]
    episodes = [e for i in logged for e in episodes_on(i, counts[i])]
    nicotine = by_factor(find_triggers(days, episodes))["nicotine"]
    assert nicotine.verdict == "trigger"
    assert nicotine.text.startswith("On days with nicotine")


def test_episode_counts_on_its_own_local_date() -> None:
    # 23:30 at UTC-8 is already the next day in UTC; the person's own day is what counts.
    flags = pattern(40)
    pacific = dt.timezone(dt.timedelta(hours=-8))
    days = [day(i, nicotine=flag) for i, flag in enumerate(flags)]
    late = dt.time(23, 30)
    episodes = [
        e
        for i, count in enumerate(counts_following(flags))
        for e in episodes_on(i, count, at=late, tz=pacific)
    ]
    nicotine = by_factor(find_triggers(days, episodes))["nicotine"]
    assert nicotine.verdict == "trigger"
    assert nicotine.text.startswith("On days with nicotine")


def test_episodes_on_days_without_a_record_are_left_out() -> None:
    flags = pattern(40)
    days, episodes = nicotine_diary(flags, counts_following(flags))
    unlogged = [e for offset in (-3, 41, 55) for e in episodes_on(offset, 9)]
    assert find_triggers(days, episodes + unlogged) == find_triggers(days, episodes)


def test_kind_filter_and_its_words() -> None:
    flags = pattern(40)
    days, twitches = nicotine_diary(flags, counts_following(flags))
    spasms = [
        e
        for i, flag in enumerate(flags)
        for e in episodes_on(i, (LOW if flag else HIGH)[i % 3], kind="spasm")
    ]
    for_twitches = by_factor(find_triggers(days, twitches + spasms, kind="twitch"))["nicotine"]
    for_spasms = by_factor(find_triggers(days, twitches + spasms, kind="spasm"))["nicotine"]
    assert for_twitches.verdict == "trigger" and "twitches" in for_twitches.text
    assert for_spasms.verdict == "protective" and "fewer spasms" in for_spasms.text
    both = by_factor(find_triggers(days, twitches + spasms))["nicotine"]
    assert "episodes" in both.text


def test_custom_factors() -> None:
    flags = pattern(40)
    screen = [float(v) for v in np.random.default_rng(1).integers(0, 8, 40)]
    days = [
        day(
            i,
            custom={"magnesium": flag, "screen_hours": screen[i]}
            | ({"yoga": True} if i < 3 else {}),
        )
        for i, flag in enumerate(flags)
    ]
    episodes = [e for i, count in enumerate(counts_following(flags)) for e in episodes_on(i, count)]
    findings = by_factor(find_triggers(days, episodes))
    assert set(findings) == {*BUILT_IN_FACTORS, "magnesium", "screen_hours", "yoga"}
    assert findings["magnesium"].verdict == "trigger"
    assert findings["magnesium"].text.startswith(
        "On days with magnesium you logged about 2.5 times"
    )
    median = statistics.median(screen)
    assert f"more screen_hours than usual (above {median:g})" in findings["screen_hours"].text
    # Absent on 37 days is unknown on 37 days, so yoga has nothing to compare with.
    assert findings["yoga"].verdict == "not_enough_data"
    assert "every logged day with yoga filled in had yoga" in findings["yoga"].text


# --- degenerate diaries ----------------------------------------------------------------------


def full_day(offset: int, flag: bool) -> DayIn:
    return day(
        offset,
        caffeine_cups=2 + 3 * flag,
        sleep_hours=7,
        stress=3,
        water_glasses=6,
        exercise="light",
        nicotine=flag,
        alcohol_units=0,
        custom={"late_screen": flag},
    )


def test_no_episodes_at_all() -> None:
    days = [full_day(i, flag) for i, flag in enumerate(pattern(30))]
    findings = find_triggers(days, [])
    assert {f.verdict for f in findings} == {"not_enough_data"}
    assert "no episodes logged" in by_factor(findings)["nicotine"].text


def test_factor_constant_every_day() -> None:
    flags = pattern(30)
    days = [full_day(i, flag) for i, flag in enumerate(flags)]
    episodes = [e for i, count in enumerate(counts_following(flags)) for e in episodes_on(i, count)]
    findings = by_factor(find_triggers(days, episodes))
    for factor in ("sleep_hours", "stress", "water_glasses", "exercise", "alcohol_units"):
        assert findings[factor].verdict == "not_enough_data"
        assert findings[factor].days_needed is None


def test_all_episodes_on_exposed_days_is_not_a_fitted_number() -> None:
    flags = [i % 3 == 0 for i in range(30)]  # never two exposed days in a row
    counts = [2 if flag else 0 for flag in flags]
    nicotine = by_factor(find_triggers(*nicotine_diary(flags, counts)))["nicotine"]
    assert nicotine.verdict == "no_clear_link"
    assert nicotine.rate_ratio is None
    assert "all of them were on days with nicotine" in nicotine.text


@pytest.mark.parametrize("seed", range(20))
def test_small_messy_diaries_never_raise(seed: int) -> None:
    rng = random.Random(seed)
    days = [
        day(
            i,
            caffeine_cups=rng.choice([None, 0, 4, 6]),
            nicotine=rng.choice([None, True, False]),
            exercise=rng.choice([None, "none", "heavy"]),
            custom={"x": rng.choice([None, 1.0, 2.0])},
        )
        for i in range(rng.randint(0, 40))
        if rng.random() < 0.8
    ]
    episodes = [e for i in range(40) for e in episodes_on(i, rng.choice([0, 0, 0, 1, 5]))]
    for finding in find_triggers(days, episodes):
        assert (finding.rate_ratio is None) == (finding.p_adjusted is None)
        assert finding.days_needed is None or finding.verdict == "not_enough_data"
        if finding.rate_ratio is not None:
            assert np.isfinite(finding.rate_ratio) and finding.ci95 is not None
            assert all(np.isfinite(finding.ci95))


# --- never crashes: a numerically unstable fit is "not enough data yet" ---------------------


def test_a_factor_on_every_other_day_gets_a_figure_for_the_same_day() -> None:
    # The day before is then the same day's mirror image: one term, not a singular fit.
    flags = [i % 2 == 0 for i in range(14)]
    nicotine = by_factor(find_triggers(*nicotine_diary(flags, [3 if f else 1 for f in flags])))[
        "nicotine"
    ]
    assert nicotine.text.startswith("On days with nicotine you logged about 3.0 times")
    assert nicotine.rate_ratio == pytest.approx(3)


class UnstableFit:
    """Stands in for statsmodels' GLM, spoiling one figure of a real fit."""

    def __init__(self, spoil: str, *args: Any, **kwargs: Any) -> None:
        self.model = GLM(*args, **kwargs)
        self.spoil = spoil

    def fit(self, **kwargs: Any) -> Any:
        result = self.model.fit(**kwargs)
        spoiled = SimpleNamespace(
            converged=result.converged,
            params=np.array(result.params),
            bse=np.array(result.bse),
            pvalues=np.array(result.pvalues),
        )
        if self.spoil == "not converged":
            spoiled.converged = False
        elif self.spoil == "huge standard error":
            spoiled.bse[1:] = 1.7e7
        elif self.spoil == "infinite standard error":
            spoiled.bse[1:] = np.inf
        elif self.spoil == "estimate off to infinity":
            spoiled.params[1:] = 40.0
        else:
            raise np.linalg.LinAlgError("Singular matrix")
        return spoiled


@pytest.mark.parametrize(
    "spoil",
    [
        "not converged",
        "huge standard error",
        "infinite standard error",
        "estimate off to infinity",
        "singular matrix",
    ],
)
def test_a_numerically_unstable_fit_is_not_enough_data_with_the_reason(
    spoil: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analysis, "GLM", partial(UnstableFit, spoil))
    flags = pattern(40)
    nicotine = by_factor(find_triggers(*nicotine_diary(flags, counts_following(flags))))["nicotine"]
    assert nicotine.verdict == "not_enough_data"
    assert (nicotine.rate_ratio, nicotine.ci95, nicotine.p_adjusted) == (None, None, None)
    assert nicotine.text == (
        "Not enough data yet to tell: your episodes with and without nicotine are still too few"
        " or too irregular to work out a figure that means anything. Keep logging."
    )


PATTERNS = ("alternating", "constant", "once", "random", "blank")


@st.composite
def flags_of(draw: st.DrawFn, length: int) -> list[bool | None]:
    pattern = draw(st.sampled_from(PATTERNS))
    if pattern == "alternating":
        phase = draw(st.integers(0, 1))
        return [(i + phase) % 2 == 0 for i in range(length)]
    if pattern == "constant":
        return [draw(st.booleans())] * length
    if pattern == "once":
        at = draw(st.integers(0, max(length - 1, 0)))
        return [i == at for i in range(length)]
    if pattern == "blank":
        return [None] * length
    return draw(st.lists(st.one_of(st.none(), st.booleans()), min_size=length, max_size=length))


def pick(flag: bool | None, yes: Any, no: Any) -> Any:
    return None if flag is None else yes if flag else no


@st.composite
def small_diaries(draw: st.DrawFn) -> tuple[list[DayIn], list[EpisodeIn]]:
    """Up to 35 days: alternating, constant, single and blank factors, gaps, custom factors,
    and episode counts that are all zero, a single one, follow a factor, or are random."""
    length = draw(st.integers(0, 35))
    logging = draw(st.sampled_from(("every day", "every other day", "gaps")))
    logged = [
        logging == "every day"
        or (logging == "every other day" and i % 2 == 0)
        or draw(st.booleans())
        for i in range(length)
    ]
    columns = {name: draw(flags_of(length)) for name in (*BUILT_IN_FACTORS, "magnesium", "screen")}
    screen_hours = draw(st.lists(st.floats(0, 16), min_size=length, max_size=length))
    days = []
    for i in range(length):
        if not logged[i]:
            continue
        f = {name: column[i] for name, column in columns.items()}
        custom: dict[str, float | bool] = {}
        if f["magnesium"] is not None:
            custom["magnesium"] = f["magnesium"]
        if f["screen"] is not None:
            custom["screen_hours"] = screen_hours[i] if f["screen"] else 0.0
        days.append(
            day(
                i,
                caffeine_cups=pick(f["caffeine_cups"], 5, 1),
                sleep_hours=pick(f["sleep_hours"], 5, 8),
                stress=pick(f["stress"], 8, 2),
                water_glasses=pick(f["water_glasses"], 2, 8),
                exercise=pick(f["exercise"], "heavy", "light"),
                nicotine=f["nicotine"],
                alcohol_units=pick(f["alcohol_units"], 4, 0),
                custom=custom,
            )
        )
    shape = draw(st.sampled_from(("none", "single", "follows", "random")))
    follows = columns[draw(st.sampled_from(BUILT_IN_FACTORS))]
    counts = {
        "none": [0] * length,
        "single": [int(i == length // 2) for i in range(length)],
        "follows": [3 if follows[i] else int(i % 3 == 0) for i in range(length)],
        "random": draw(st.lists(st.integers(0, 4), min_size=length, max_size=length)),
    }[shape]
    kinds = draw(st.lists(st.sampled_from(("twitch", "spasm")), min_size=length, max_size=length))
    episodes = [e for i in range(length) for e in episodes_on(i, counts[i], kind=kinds[i])]
    return days, episodes


def assert_finite(finding: TriggerFinding) -> None:
    assert (finding.rate_ratio is None) == (finding.ci95 is None) == (finding.p_adjusted is None)
    if finding.rate_ratio is not None and finding.ci95 is not None:
        low, high = finding.ci95
        assert all(np.isfinite([finding.rate_ratio, low, high]))
        assert 0 < low <= finding.rate_ratio <= high
    if finding.p_adjusted is not None:
        assert 0 <= finding.p_adjusted <= 1
    assert finding.days_needed is None or finding.days_needed >= 0
    assert finding.text and "nan" not in finding.text and "inf" not in finding.text
    finding.model_dump_json()  # strict JSON: no NaN or infinity anywhere


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_diaries(), st.sampled_from((None, "twitch", "spasm")))
def test_find_triggers_never_raises_and_every_figure_is_finite(
    diary: tuple[list[DayIn], list[EpisodeIn]], kind: DiaryKind | None
) -> None:
    days, episodes = diary
    findings = find_triggers(days, episodes, kind=kind)
    assert {f.factor for f in findings} >= set(BUILT_IN_FACTORS)
    for finding in findings:
        assert finding.kind == kind
        assert_finite(finding)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_diaries())
def test_triggers_by_kind_never_raises(diary: tuple[list[DayIn], list[EpisodeIn]]) -> None:
    days, episodes = diary
    sections = triggers_by_kind(days, episodes)
    assert tuple(sections) == kinds_to_analyse(episodes)
    for kind, findings in sections.items():
        for finding in findings:
            assert finding.kind == kind
            assert_finite(finding)


# --- twitches and spasms apart ----------------------------------------------------------------


def test_kinds_to_analyse() -> None:
    twitch, spasm = episodes_on(0, 1), episodes_on(1, 1, kind="spasm")
    assert kinds_to_analyse([]) == (None,)
    assert kinds_to_analyse(twitch) == ("twitch",)
    assert kinds_to_analyse(spasm) == ("spasm",)
    assert kinds_to_analyse(spasm + twitch) == ("twitch", "spasm")


def test_twitches_and_spasms_are_analysed_apart() -> None:
    days, episodes = caffeine_twitch_diary()
    sections = triggers_by_kind(days, episodes)
    assert list(sections) == ["twitch", "spasm"]
    twitch = by_factor(sections["twitch"])["caffeine_cups"]
    spasm = by_factor(sections["spasm"])["caffeine_cups"]
    assert twitch.verdict == "trigger" and "twitches" in twitch.text
    assert spasm.verdict == "no_clear_link" and "spasms" in spasm.text
    # Pooled, the spasms would water the twitches' link down.
    assert by_factor(find_triggers(days, episodes))["caffeine_cups"].verdict != "trigger"
    assert triggers_by_kind(days, episodes, kind="spasm") == {"spasm": sections["spasm"]}


# --- many factors at once ---------------------------------------------------------------------


def test_a_range_that_leaves_out_one_but_is_no_clear_link_says_why() -> None:
    findings = find_triggers(*many_factors_diary())
    nicotine = by_factor(findings)["nicotine"]
    assert nicotine.verdict == "no_clear_link"
    assert nicotine.ci95 is not None and nicotine.ci95[0] > 1
    assert sum(f.rate_ratio is not None for f in findings) == 7
    assert nicotine.note == (
        "This range leaves out 1, but because we checked 7 factors at once, a pattern"
        " this strong can turn up by chance; it needs more days to tell."
    )
    assert nicotine.text.endswith(f"). {nicotine.note}")
    for finding in findings:
        leaves_out_one = finding.ci95 is not None and not finding.ci95[0] <= 1 <= finding.ci95[1]
        explained = leaves_out_one and finding.verdict == "no_clear_link"
        assert (finding.note is not None) == explained
        assert ("leaves out 1" in finding.text) == explained


# --- output -----------------------------------------------------------------------------------


def test_json_shape() -> None:
    flags = pattern(30)
    findings = find_triggers(*nicotine_diary(flags, counts_following(flags)))
    keys = {
        "factor",
        "verdict",
        "rate_ratio",
        "ci95",
        "p_adjusted",
        "days_needed",
        "text",
        "kind",
        "note",
    }
    for finding in findings:
        assert finding.kind is None
        dumped = finding.model_dump(mode="json")
        assert set(dumped) == keys
        assert dumped["ci95"] is None or (
            isinstance(dumped["ci95"], list) and len(dumped["ci95"]) == 2
        )


def test_order_is_ranked_and_does_not_depend_on_input_order() -> None:
    flags = pattern(60)
    days = [full_day(i, flag) for i, flag in enumerate(flags)]
    episodes = [e for i, count in enumerate(counts_following(flags)) for e in episodes_on(i, count)]
    findings = find_triggers(days, episodes)
    rank = {"trigger": 0, "protective": 1, "no_clear_link": 2, "not_enough_data": 3}
    keys = [
        (rank[f.verdict], np.inf if f.p_adjusted is None else f.p_adjusted, f.factor)
        for f in findings
    ]
    assert keys == sorted(keys)
    assert findings[0].verdict == "trigger"
    shuffled_days, shuffled_episodes = days[:], episodes[:]
    random.Random(1).shuffle(shuffled_days)
    random.Random(2).shuffle(shuffled_episodes)
    assert find_triggers(shuffled_days, shuffled_episodes) == findings


def test_two_records_for_one_date_are_refused() -> None:
    with pytest.raises(ValueError, match="more than one day record for 2026-01-06"):
        find_triggers([day(0), day(1), day(1)], [])


# --- simulation: power and false triggers -----------------------------------------------------
#
# 90 logged days (about 1 in 10 calendar days unlogged, 3% of values left blank), 8 factors at
# everyday prevalences, Poisson counts; each planted trigger is present on about 30% of days.
# The baseline is 1.5 episodes a day on days without the trigger. At 1 a day, 90 days hold only
# about 115 episodes: the expected z of a 2x effect is then about 3.5, and after correcting
# across 8 factors a 2x trigger is found in about 70% of diaries (measured with this generator:
# 73% same day, 67% day before); the 80% target needs about 1.5 a day.

LOGGED_DAYS = 90
BASELINE = 1.5
RATE_RATIO = 2.0
DIARIES_PER_PLANT = 400
NULL_FACTOR = "late_screen"


def simulated_diary(
    rng: np.random.Generator, planted: str, *, day_before: bool
) -> tuple[list[DayIn], list[EpisodeIn]]:
    calendar = 130
    logged = np.flatnonzero(rng.random(calendar) < 0.9)[:LOGGED_DAYS]
    assert len(logged) == LOGGED_DAYS
    values: dict[str, Any] = {
        "caffeine_cups": rng.choice(7, calendar, p=[0.1, 0.15, 0.2, 0.25, 0.15, 0.1, 0.05]),
        "sleep_hours": np.clip(np.round(rng.normal(6.4, 1.2, calendar) * 2) / 2, 3, 11),
        "stress": rng.binomial(10, 0.5, calendar),
        "water_glasses": rng.poisson(6, calendar),
        "exercise": rng.choice(["none", "light", "heavy"], calendar, p=[0.45, 0.4, 0.15]),
        "nicotine": rng.random(calendar) < 0.2,
        "alcohol_units": rng.choice(
            [0, 1, 2, 3, 4, 6], calendar, p=[0.55, 0.15, 0.1, 0.1, 0.05, 0.05]
        ),
        NULL_FACTOR: rng.random(calendar) < 0.35,
    }
    exposed = {
        "caffeine_cups": values["caffeine_cups"] >= 4,
        "sleep_hours": values["sleep_hours"] < 6,
    }[planted]
    if day_before:
        exposed = np.r_[False, exposed[:-1]]
    counts = rng.poisson(BASELINE * RATE_RATIO**exposed)
    blank = rng.random((calendar, len(values))) < 0.03
    days = []
    for i in logged:
        given = {
            name: None if blank[i, j] else column[i].item()
            for j, (name, column) in enumerate(values.items())
        }
        days.append(day(int(i), custom={NULL_FACTOR: given.pop(NULL_FACTOR)}, **given))
    episodes = [e for i in logged for e in episodes_on(int(i), int(counts[i]))]
    return days, episodes


@dataclass(frozen=True)
class Runs:
    planted: list[TriggerFinding]
    null_factor: list[TriggerFinding]
    every_null_factor: list[TriggerFinding]


def simulate(planted: str, *, day_before: bool, seed: int) -> Runs:
    rng = np.random.default_rng(seed)
    runs = Runs([], [], [])
    for _ in range(DIARIES_PER_PLANT):
        findings = by_factor(find_triggers(*simulated_diary(rng, planted, day_before=day_before)))
        runs.planted.append(findings.pop(planted))
        runs.null_factor.append(findings[NULL_FACTOR])
        runs.every_null_factor.extend(findings.values())
    return runs


@pytest.fixture(scope="module")
def same_day_runs() -> Runs:
    return simulate("caffeine_cups", day_before=False, seed=20261)


@pytest.fixture(scope="module")
def day_before_runs() -> Runs:
    return simulate("sleep_hours", day_before=True, seed=20262)


def share(findings: Sequence[TriggerFinding], verdict: str = "trigger") -> float:
    return sum(f.verdict == verdict for f in findings) / len(findings)


def test_planted_same_day_trigger_is_found(same_day_runs: Runs) -> None:
    power = share(same_day_runs.planted)
    print(f"\nsame-day 2x trigger (4+ cups of caffeine) found in {power:.1%} of diaries")
    assert power >= 0.80


def test_planted_day_before_trigger_is_found(day_before_runs: Runs) -> None:
    power = share(day_before_runs.planted)
    print(f"\nday-before 2x trigger (under 6 h of sleep) found in {power:.1%} of diaries")
    assert power >= 0.80
    found = [f for f in day_before_runs.planted if f.verdict == "trigger"]
    after = sum(f.text.startswith("On days after a day with") for f in found) / len(found)
    assert after >= 0.95


def test_factor_without_effect_is_rarely_called_a_trigger(
    same_day_runs: Runs, day_before_runs: Runs
) -> None:
    null_factor = same_day_runs.null_factor + day_before_runs.null_factor
    every_null = same_day_runs.every_null_factor + day_before_runs.every_null_factor
    rate, pooled = share(null_factor), share(every_null)
    print(
        f"\nfactor with no effect called a trigger: {NULL_FACTOR} {rate:.1%} of {len(null_factor)}"
        f" diaries; all 7 no-effect factors {pooled:.1%} of {len(every_null)}"
        f" (protective {share(every_null, 'protective'):.1%})"
    )
    assert rate <= 0.05
    assert pooled <= 0.05


def test_planted_rate_ratio_is_estimated_near_two(
    same_day_runs: Runs, day_before_runs: Runs
) -> None:
    for runs in (same_day_runs, day_before_runs):
        ratios = [f.rate_ratio for f in runs.planted if f.rate_ratio is not None]
        assert len(ratios) == DIARIES_PER_PLANT
        geometric_mean = float(np.exp(np.mean(np.log(ratios))))
        print(f"\nplanted {runs.planted[0].factor}: geometric mean rate ratio {geometric_mean:.2f}")
        assert 1.8 <= geometric_mean <= 2.2
