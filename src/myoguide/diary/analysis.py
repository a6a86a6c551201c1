"""Which daily factors go with more, or fewer, episodes in one person's diary.

Pure functions, no I/O. The analysis table has one row per logged day (a day record exists);
its outcome is the number of episodes on that local date. Days without a record are gaps, not
zeros. Each factor becomes a yes/no exposure, and the daily count is modelled on the exposure
the same day and the day before; the stronger of the two is reported, with Benjamini–Hochberg
correction across every test run for the person.

Why Poisson with HAC (Newey–West) errors rather than negative binomial: the Poisson
quasi-likelihood estimate of a rate ratio stays consistent under any overdispersion as long as
the daily mean is right, and the sandwich errors absorb both the overdispersion and day-to-day
autocorrelation. Negative binomial would also need its dispersion estimated from a few months
of one person's days, which is noisy, slower, and fails more often on sparse diaries; it
changes the standard errors, not the estimand. HAC errors run a little small in short series
(with the n/(n-k) correction on, about 6.5% of no-effect tests still fall under p = 0.05 over
90 days); the simulation tests in tests/test_diary_analysis.py check the end result after
Benjamini–Hochberg: a factor with no effect is called a trigger in under 2% of 90-day diaries.

A fit that is numerically unstable is never a figure: when a factor's day-before exposure
cannot be told apart from its same-day one (a factor that alternates day by day makes it the
mirror image), the same-day term is fitted alone; any other fit too unsure to mean anything
reads "not enough data yet", with that reason.
Twitches and spasms have their own causes, so `triggers_by_kind` analyses them apart.
It covers the last two years of the diary (`ANALYSIS_DAYS`, ending on the newest entry).
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict
from statsmodels.genmod.families import Poisson  # type: ignore[import-untyped]
from statsmodels.genmod.generalized_linear_model import GLM  # type: ignore[import-untyped]
from statsmodels.stats.multitest import multipletests  # type: ignore[import-untyped]

from ..i18n import ENGLISH, N_, NC_, decimal_symbol, translations
from .models import DayIn, DiaryKind, EpisodeIn

__all__ = [
    "ANALYSIS_DAYS",
    "KIND_HEADINGS",
    "TriggerFinding",
    "Verdict",
    "every_finding",
    "find_triggers",
    "kinds_to_analyse",
    "recent_period",
    "triggers_by_kind",
    "within",
]

Verdict = Literal["trigger", "protective", "no_clear_link", "not_enough_data"]
Term = Literal["same_day", "day_before"]
Floats = NDArray[np.float64]
D = TypeVar("D", bound=DayIn)
E = TypeVar("E", bound=EpisodeIn)

ANALYSIS_DAYS = 730
"""How far back the analysis (and the report) looks from the newest entry: two years says
what goes with today's episodes, and a diary whose dates lie centuries apart (an old row, a
typed year) costs no more than two years of days."""

MIN_LOGGED_DAYS = 14
MIN_DAYS_EACH_SIDE = 5
ALPHA = 0.05
Z95 = 1.959963984540054
# A rate ratio beyond e^±10 only comes from a fit running off to infinity (separation).
MAX_ABS_LOG_RATE_RATIO = 10.0
# A standard error above this gives a 95% range wider than 1/300 to 300 times: no figure at all.
MAX_STANDARD_ERROR = 3.0
# Columns scaled to unit length: independent yes/no columns stay far below this; collinear
# ones (a factor on every other day: day before = 1 - same day) go to the float limit.
MAX_CONDITION_NUMBER = 1e4

_NOUNS: dict[DiaryKind | None, str] = {
    None: N_("episodes"),
    "twitch": N_("twitches"),
    "spasm": N_("spasms"),
}
_VERDICT_ORDER: dict[Verdict, int] = {
    "trigger": 0,
    "protective": 1,
    "no_clear_link": 2,
    "not_enough_data": 3,
}
_NOT_PROOF = N_("This is a pattern in your diary, not proof of a cause.")
# A factor as a sentence's subject ("No clear link between {topic} and…") and as what a day had
# ("days with {label}"): other languages say the two differently (an article, quotes), so the
# topics have a context of their own (the NC_ markers below spell it out for the catalogue).
_TOPIC = "diary factor as a subject"

KIND_HEADINGS: dict[DiaryKind | None, str] = {
    None: N_("All episodes"),
    "twitch": N_("Twitches"),
    "spasm": N_("Spasms and cramps"),
}
"""The title of each kind's section wherever findings are shown."""


class TriggerFinding(BaseModel):
    """What the diary shows about one factor (the public JSON shape of `diary triggers`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    factor: str
    verdict: Verdict
    rate_ratio: float | None
    ci95: tuple[float, float] | None
    p_adjusted: float | None
    days_needed: int | None
    text: str
    kind: DiaryKind | None = None
    """The episodes analysed: twitches, spasms, or None for both together."""
    note: str | None = None
    """Why the verdict is not what the range alone suggests (also at the end of `text`)."""


@dataclass(frozen=True, slots=True)
class _Rule:
    """How a built-in factor becomes a yes/no exposure, and how to say it."""

    topic: str
    label: str
    exposed: Callable[[DayIn], bool | None]


def _at_least(value: float | None, limit: float) -> bool | None:
    return None if value is None else value >= limit


def _below(value: float | None, limit: float) -> bool | None:
    return None if value is None else value < limit


_BUILT_IN_RULES: dict[str, _Rule] = {
    "caffeine_cups": _Rule(
        NC_("diary factor as a subject", "caffeine"),
        N_("4 or more cups of caffeine"),
        lambda d: _at_least(d.caffeine_cups, 4),
    ),
    "sleep_hours": _Rule(
        NC_("diary factor as a subject", "sleep"),
        N_("less than 6 hours of sleep"),
        lambda d: _below(d.sleep_hours, 6),
    ),
    "stress": _Rule(
        NC_("diary factor as a subject", "stress"),
        N_("stress of 7 or more out of 10"),
        lambda d: _at_least(d.stress, 7),
    ),
    "water_glasses": _Rule(
        NC_("diary factor as a subject", "water"),
        N_("fewer than 4 glasses of water"),
        lambda d: _below(d.water_glasses, 4),
    ),
    "exercise": _Rule(
        NC_("diary factor as a subject", "exercise"),
        N_("heavy exercise"),
        lambda d: None if d.exercise is None else d.exercise == "heavy",
    ),
    "nicotine": _Rule(
        NC_("diary factor as a subject", "nicotine"), N_("nicotine"), lambda d: d.nicotine
    ),
    "alcohol_units": _Rule(
        NC_("diary factor as a subject", "alcohol"),
        N_("3 or more units of alcohol"),
        lambda d: _at_least(d.alcohol_units, 3),
    ),
}


@dataclass(frozen=True, slots=True)
class _Table:
    """One row per logged day, in date order."""

    dates: tuple[dt.date, ...]
    counts: Floats
    previous_row: NDArray[np.intp]  # row of the previous calendar day, -1 when not logged


@dataclass(frozen=True, slots=True)
class _Exposure:
    factor: str
    topic: str
    label: str
    values: Floats  # 1 exposed, 0 not, NaN left blank; aligned with the table's rows


@dataclass(frozen=True, slots=True)
class _Test:
    term: Term
    log_rate_ratio: float
    se: float
    p: float


@dataclass(frozen=True, slots=True)
class _Fitted:
    exposure: _Exposure
    tests: tuple[_Test, ...]


def kinds_to_analyse(episodes: Sequence[EpisodeIn]) -> tuple[DiaryKind | None, ...]:
    """Twitches and spasms apart when both are logged, the one kind logged, or (with no
    episodes yet) all episodes together."""
    logged = {episode.kind for episode in episodes}
    kinds: tuple[DiaryKind, ...] = ("twitch", "spasm")
    return tuple(kind for kind in kinds if kind in logged) or (None,)


def recent_period(
    days: Sequence[DayIn], episodes: Sequence[EpisodeIn], length: int = ANALYSIS_DAYS
) -> tuple[dt.date, dt.date] | None:
    """The last `length` days of the diary, ending on its newest entry (None when empty)."""
    newest = max(
        max((day.date for day in days), default=dt.date.min),
        max((episode.at.date() for episode in episodes), default=dt.date.min),
    )
    if not days and not episodes:
        return None
    first = dt.date.fromordinal(max(1, newest.toordinal() - length + 1))
    return first, newest


def within(
    period: tuple[dt.date, dt.date] | None, days: Sequence[D], episodes: Sequence[E]
) -> tuple[list[D], list[E]]:
    """The days and episodes (on their own local dates) inside `period`; all when None."""
    if period is None:
        return list(days), list(episodes)
    first, last = period
    return (
        [day for day in days if first <= day.date <= last],
        [episode for episode in episodes if first <= episode.at.date() <= last],
    )


def triggers_by_kind(
    days: Sequence[DayIn],
    episodes: Sequence[EpisodeIn],
    *,
    kind: DiaryKind | None = None,
    language: str = ENGLISH,
) -> dict[DiaryKind | None, list[TriggerFinding]]:
    """The findings of each kind to analyse (`kind` alone when given), twitches first, over
    the last `ANALYSIS_DAYS` of the diary.

    Raises ValueError when two day records share a date.
    """
    days, episodes = within(recent_period(days, episodes), days, episodes)
    kinds = (kind,) if kind is not None else kinds_to_analyse(episodes)
    return {each: find_triggers(days, episodes, kind=each, language=language) for each in kinds}


def every_finding(
    sections: Mapping[DiaryKind | None, Sequence[TriggerFinding]],
) -> list[TriggerFinding]:
    """The sections' findings in one list, section by section: the JSON of `diary triggers`,
    where each finding's `kind` says its section."""
    return [finding for findings in sections.values() for finding in findings]


def find_triggers(
    days: Sequence[DayIn],
    episodes: Sequence[EpisodeIn],
    *,
    kind: DiaryKind | None = None,
    language: str = ENGLISH,
) -> list[TriggerFinding]:
    """One finding per factor (built-in and custom), most telling first, its text in
    `language`; `kind` None counts every episode together.

    Raises ValueError when two day records share a date.
    """
    ordered = sorted(days, key=lambda day: day.date)
    table = _table(ordered, episodes, kind)
    say = _Say(language)
    noun = say.gettext(_NOUNS[kind])
    outcomes = [_analyse(table, exposure, noun, say) for exposure in _exposures(ordered, say)]
    fitted = [outcome for outcome in outcomes if isinstance(outcome, _Fitted)]
    # One p-value per factor: the stronger of its two terms, Bonferroni-corrected for having
    # picked it; then Benjamini-Hochberg across the factors.
    per_factor = [min(1.0, len(item.tests) * min(t.p for t in item.tests)) for item in fitted]
    adjusted = iter(_benjamini_hochberg(per_factor))
    findings: list[TriggerFinding] = []
    for outcome in outcomes:
        if isinstance(outcome, _Fitted):
            findings.append(_finding(outcome, next(adjusted), noun, say, checked=len(fitted)))
        else:
            findings.append(outcome)
    return sorted((finding.model_copy(update={"kind": kind}) for finding in findings), key=_rank)


def _rank(finding: TriggerFinding) -> tuple[int, float, str]:
    p = math.inf if finding.p_adjusted is None else finding.p_adjusted
    return _VERDICT_ORDER[finding.verdict], p, finding.factor


def _table(days: Sequence[DayIn], episodes: Sequence[EpisodeIn], kind: DiaryKind | None) -> _Table:
    dates = tuple(day.date for day in days)
    row_of = {date: row for row, date in enumerate(dates)}
    if len(row_of) < len(dates):
        repeated = sorted({date for date in dates if dates.count(date) > 1})
        raise ValueError(f"more than one day record for {', '.join(map(str, repeated))}")
    counts = np.zeros(len(dates))
    for episode in episodes:
        # The episode's own offset decides its day: a 23:30 twitch in Tokyo is that Tokyo day.
        row = row_of.get(episode.at.date())
        if row is not None and (kind is None or episode.kind == kind):
            counts[row] += 1
    one_day = dt.timedelta(days=1)
    previous = np.array([row_of.get(date - one_day, -1) for date in dates], dtype=np.intp)
    return _Table(dates, counts, previous)


@dataclass(frozen=True, slots=True)
class _Say:
    """The findings' sentences in one language."""

    language: str = ENGLISH

    def gettext(self, message: str) -> str:
        return translations(self.language).gettext(message)

    def pgettext(self, context: str, message: str) -> str:
        return translations(self.language).pgettext(context, message)

    def number(self, text: str) -> str:
        """A number already written ("1.5") with the language's decimal mark."""
        return text.replace(".", decimal_symbol(self.language))


def _exposures(days: Sequence[DayIn], say: _Say) -> list[_Exposure]:
    exposures = [
        _Exposure(
            factor,
            say.pgettext(_TOPIC, rule.topic),
            say.gettext(rule.label),
            _as_floats([rule.exposed(d) for d in days]),
        )
        for factor, rule in _BUILT_IN_RULES.items()
    ]
    custom_names = sorted({name for day in days for name in day.custom})
    exposures += [
        _custom_exposure(name, [day.custom.get(name) for day in days], say) for name in custom_names
    ]
    return exposures


def _custom_exposure(name: str, raw: list[float | bool | None], say: _Say) -> _Exposure:
    """Yes/no custom factors as they are; numbers above the person's own median."""
    given = [value for value in raw if value is not None]
    topic = say.pgettext("custom diary factor as a subject", "{name}").format(name=name)
    if all(isinstance(value, bool) for value in given):
        label = say.pgettext("custom diary factor as what a day had", "{name}").format(name=name)
        return _Exposure(name, topic, label, _as_floats(raw))
    median = float(np.median(np.asarray(given, dtype=float)))
    label = say.gettext("more {name} than usual (above {median})").format(
        name=name, median=say.number(f"{median:g}")
    )
    exposed = [None if value is None else float(value) > median for value in raw]
    return _Exposure(name, topic, label, _as_floats(exposed))


def _as_floats(flags: Sequence[bool | float | None]) -> Floats:
    return np.array([math.nan if flag is None else float(flag) for flag in flags], dtype=float)


def _analyse(table: _Table, exposure: _Exposure, noun: str, say: _Say) -> _Fitted | TriggerFinding:
    """Fit the factor's model, or say why it cannot be judged yet."""
    x = exposure.values
    logged = len(table.dates)
    with_it = int(np.sum(x == 1))
    without_it = int(np.sum(x == 0))
    if logged < MIN_LOGGED_DAYS or min(with_it, without_it) < MIN_DAYS_EACH_SIDE:
        return _not_enough_data(exposure, logged, with_it, without_it, say)
    rows = ~np.isnan(x)
    y = table.counts[rows]
    if y.sum() == 0:
        text = say.gettext(
            "Not enough data yet: no {noun} logged on the days with {topic} filled in, so"
            " there is nothing to compare."
        ).format(noun=noun, topic=exposure.topic)
        return _settled(exposure, "not_enough_data", text)
    same_day = x[rows]
    day_before = np.where(table.previous_row >= 0, x[table.previous_row], math.nan)[rows]
    terms: dict[Term, Floats] = {}
    if _estimable(same_day, y):
        terms["same_day"] = same_day
    if _estimable(day_before, y):
        terms["day_before"] = day_before
    if not terms:
        return _settled(exposure, "no_clear_link", _uneven_text(exposure, same_day, y, noun, say))
    tests = _fit(y, terms)
    if tests is None:
        return _settled(exposure, "not_enough_data", _unsure_text(exposure, noun, say))
    return _Fitted(exposure, tests)


def _estimable(x: Floats, y: Floats) -> bool:
    """Enough days on each side, and episodes on each side (else the estimate runs to 0 or ∞)."""
    exposed, unexposed = x == 1, x == 0
    return (
        min(int(exposed.sum()), int(unexposed.sum())) >= MIN_DAYS_EACH_SIDE
        and y[exposed].sum() > 0
        and y[unexposed].sum() > 0
    )


def _fit(y: Floats, terms: dict[Term, Floats]) -> tuple[_Test, ...] | None:
    """Poisson GLM with Newey–West errors (1 lag); None when no fit can be trusted.

    When the day before cannot be told apart from the same day (a factor on every other day
    makes it the same day's mirror image, a factor on for weeks nearly its copy), the fit
    with both runs off to infinity; the same-day term alone then stands for both.
    """
    candidates = [terms]
    if len(terms) == 2:
        candidates.append({"same_day": terms["same_day"]})
    for candidate in candidates:
        kept_y, design = _design(y, candidate)
        if not _well_conditioned(design):
            continue
        result = _poisson_hac(kept_y, design)
        if result is not None:
            params, bse, pvalues = result
            return tuple(
                _Test(term, float(params[i]), float(bse[i]), float(pvalues[i]))
                for i, term in enumerate(candidate, start=1)
            )
    return None


def _design(y: Floats, terms: dict[Term, Floats]) -> tuple[Floats, Floats]:
    """The counts and the model's columns: intercept, the terms, and a missing-day indicator."""
    missing = np.isnan(terms.get("day_before", np.zeros_like(y)))
    if missing.any() and y[missing].sum() == 0:
        # Their own intercept would run to minus infinity; dropping them is that fit's limit.
        y, terms = y[~missing], {term: values[~missing] for term, values in terms.items()}
        missing = missing[~missing]
    columns = [np.ones_like(y), *(np.nan_to_num(values, nan=0.0) for values in terms.values())]
    if missing.any():
        # Rows whose previous day was not logged keep informing the same-day term; their own
        # intercept keeps them out of the day-before estimate.
        columns.append(missing.astype(float))
    return y, np.column_stack(columns)


def _well_conditioned(design: Floats) -> bool:
    """Whether each column carries information of its own (no column is a blend of others)."""
    norms = np.linalg.norm(design, axis=0)
    if design.shape[0] <= design.shape[1] or not np.all(norms > 0):
        return False
    with np.errstate(all="ignore"):
        condition = float(np.linalg.cond(design / norms))
    return math.isfinite(condition) and condition < MAX_CONDITION_NUMBER


def _poisson_hac(y: Floats, design: Floats) -> tuple[Floats, Floats, Floats] | None:
    # Rows are in date order, so HAC's lag-1 neighbour is the previous logged day.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            result: Any = GLM(y, design, family=Poisson()).fit(
                cov_type="HAC", cov_kwds={"maxlags": 1, "use_correction": True}
            )
        except (np.linalg.LinAlgError, ValueError, ZeroDivisionError, FloatingPointError):
            return None
    params, bse, pvalues = (
        np.asarray(v, dtype=float) for v in (result.params, result.bse, result.pvalues)
    )
    trustworthy = (
        bool(result.converged)
        and np.all(np.isfinite(params))
        and np.all(np.isfinite(bse))
        and np.all(bse > 0)
        and np.all(bse[1:] <= MAX_STANDARD_ERROR)
        and np.all(np.isfinite(pvalues))
        and np.all((pvalues >= 0) & (pvalues <= 1))
        and np.all(np.abs(params[1:]) < MAX_ABS_LOG_RATE_RATIO)
    )
    return (params, bse, pvalues) if trustworthy else None


def _benjamini_hochberg(pvalues: list[float]) -> list[float]:
    if not pvalues:
        return []
    _, adjusted, _, _ = multipletests(pvalues, alpha=ALPHA, method="fdr_bh")
    return [float(p) for p in adjusted]


def _finding(fitted: _Fitted, p: float, noun: str, say: _Say, *, checked: int) -> TriggerFinding:
    # The stronger term is the one with the clearer evidence; a tie goes to the same day.
    test = min(fitted.tests, key=lambda t: (t.p, fitted.tests.index(t)))
    # Bounded by the fit's checks (|log| < 10, SE <= 3): at most e^16, far from overflow.
    rate_ratio = math.exp(test.log_rate_ratio)
    ci95 = (
        math.exp(test.log_rate_ratio - Z95 * test.se),
        math.exp(test.log_rate_ratio + Z95 * test.se),
    )
    verdict: Verdict = "no_clear_link"
    if p < ALPHA:
        verdict = "trigger" if rate_ratio > 1 else "protective"
    exposure = fitted.exposure
    text = _fitted_text(exposure, test.term, verdict, rate_ratio, ci95, noun, say)
    note = None
    if verdict == "no_clear_link" and not ci95[0] <= 1 <= ci95[1]:
        note = _many_factors_text(checked, say)
        text += " " + note
    return TriggerFinding(
        factor=exposure.factor,
        verdict=verdict,
        rate_ratio=rate_ratio,
        ci95=ci95,
        p_adjusted=p,
        days_needed=None,
        text=text,
        note=note,
    )


def _many_factors_text(checked: int, say: _Say) -> str:
    """Why a range that leaves out 1 is still no clear link: the correction for many tests."""
    what = say.gettext("we checked {checked} factors at once").format(checked=checked)
    if checked == 1:
        what = say.gettext("we checked both the same day and the day after")
    return say.gettext(
        "This range leaves out 1, but because {what}, a pattern this strong can turn up by"
        " chance; it needs more days to tell."
    ).format(what=what)


def _fitted_text(
    exposure: _Exposure,
    term: Term,
    verdict: Verdict,
    rate_ratio: float,
    ci95: tuple[float, float],
    noun: str,
    say: _Say,
) -> str:
    when = say.gettext("days with {label}").format(label=exposure.label)
    if term == "day_before":
        when = say.gettext("days after a day with {label}").format(label=exposure.label)
    low, high = ci95
    # The percent signs stay out of the catalogue, where "% f" would read as a placeholder.
    numbers = {
        "when": when,
        "noun": noun,
        "times": say.number(_times(rate_ratio)),
        "low": say.number(_times(low)),
        "high": say.number(_times(high)),
        "percent": "95%",
    }
    if verdict == "trigger":
        text = say.gettext(
            "On {when} you logged about {times} times as many {noun} ({percent} range"
            " {low}–{high})."
        )
        return f"{text.format(**numbers)} {say.gettext(_NOT_PROOF)}"
    if verdict == "protective":
        text = say.gettext(
            "On {when} you logged about {fewer} fewer {noun} ({percent} range {most}–{least}"
            " fewer)."
        )
        fewer = {
            "fewer": f"{_fewer(rate_ratio)}%",
            "most": f"{_fewer(high)}%",
            "least": f"{_fewer(low)}%",
        }
        return f"{text.format(**numbers, **fewer)} {say.gettext(_NOT_PROOF)}"
    return say.gettext(
        "No clear link between {topic} and your {noun} so far (on {when} you logged about"
        " {times} times as many, {percent} range {low}–{high})."
    ).format(topic=exposure.topic, **numbers)


def _times(value: float) -> str:
    # One decimal hides the difference between 0.91 and 0.99, which matters below 1.
    return f"{value:.2f}" if value < 1 else f"{value:.1f}"


def _fewer(rate_ratio: float) -> int:
    return round(100 * (1 - rate_ratio))


def _uneven_text(exposure: _Exposure, same_day: Floats, y: Floats, noun: str, say: _Say) -> str:
    opening = say.gettext(
        "No clear link between {topic} and your {noun} can be measured yet:"
    ).format(topic=exposure.topic, noun=noun)
    exposed = same_day == 1
    if y[exposed].sum() == 0:
        days = int(exposed.sum())
        rest = say.gettext("you logged none on any of the {days} days with {label}.")
        return f"{opening} {rest.format(days=days, label=exposure.label)}"
    # With episodes on both sides the same-day term would have been fitted.
    rest = say.gettext("all of them were on days with {label}.").format(label=exposure.label)
    return f"{opening} {rest}"


def _unsure_text(exposure: _Exposure, noun: str, say: _Say) -> str:
    return say.gettext(
        "Not enough data yet to tell: your {noun} with and without {label} are still too few"
        " or too irregular to work out a figure that means anything. Keep logging."
    ).format(noun=noun, label=exposure.label)


def _not_enough_data(
    exposure: _Exposure, logged: int, with_it: int, without_it: int, say: _Say
) -> TriggerFinding:
    needed = _days_needed(logged, with_it, without_it)
    if needed is not None:
        days = say.gettext("1 more day") if needed == 1 else say.gettext("about {needed} more days")
        if logged == 0:
            days = say.gettext("at least {least} days")
        days = days.format(needed=needed, least=MIN_LOGGED_DAYS)
        text = say.gettext("Not enough data yet: log {days} to check {label}.").format(
            days=days, label=exposure.label
        )
    elif with_it + without_it == 0:
        text = say.gettext(
            "Not enough data yet: {topic} has not been filled in on any logged day."
        ).format(topic=exposure.topic)
    elif with_it == 0:
        text = say.gettext(
            "Not enough data yet: none of your logged days had {label} so far, so it can't be"
            " checked."
        ).format(label=exposure.label)
    else:
        text = say.gettext(
            "Not enough data yet: every logged day with {topic} filled in had {label}, so"
            " there is nothing to compare it with."
        ).format(topic=exposure.topic, label=exposure.label)
    return _settled(exposure, "not_enough_data", text, days_needed=needed)


def _days_needed(logged: int, with_it: int, without_it: int) -> int | None:
    """More logged days needed, if the person keeps logging as so far; None if it can't tell."""
    if logged == 0:
        return MIN_LOGGED_DAYS
    needs = [MIN_LOGGED_DAYS - logged]
    for seen in (with_it, without_it):
        if seen < MIN_DAYS_EACH_SIDE:
            if seen == 0:
                return None
            needs.append(math.ceil((MIN_DAYS_EACH_SIDE - seen) / (seen / logged)))
    return max(needs)


def _settled(
    exposure: _Exposure, verdict: Verdict, text: str, *, days_needed: int | None = None
) -> TriggerFinding:
    return TriggerFinding(
        factor=exposure.factor,
        verdict=verdict,
        rate_ratio=None,
        ci95=None,
        p_adjusted=None,
        days_needed=days_needed,
        text=text,
    )
