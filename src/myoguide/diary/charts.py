"""The diary's charts as standalone, accessible SVG: pure functions, same input, same output.

Every chart carries `role="img"`, a `<title>` and a `<desc>` that says the data in words, has no
script and no outside references, scales with its viewBox (text stays readable on a 375 px
phone), and never lets colour alone carry meaning. All text from people is escaped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape

from ..i18n import ENGLISH, N_, decimal_symbol, format_date, translations
from ..knowledge import load_knowledge
from .analysis import TriggerFinding
from .models import BUILT_IN_FACTORS, DayIn, DiaryKind, EpisodeIn

__all__ = [
    "body_map",
    "episodes_over_time",
    "exposure_name",
    "factor_name",
    "forest_plot",
    "has_figure",
    "long_date",
    "regions_ranked",
]

_Scale = Callable[[float], float]

WIDTH = 400
FONT = "Helvetica, Arial, sans-serif"
INK = "#1b1b1b"
MUTED = "#4a4a4a"
GRID = "#c9ced6"
EPISODES = "#0b5394"
FACTOR = "#8a4b00"
TRIGGER = "#b10e1e"
PROTECTIVE = "#1d6b35"
# Beyond about 5 months, daily bars are under 2 px wide on a phone; a bar a week stays readable.
MAX_DAILY_BARS = 150
WEEK = 7
MAX_JOINED_POINTS = 60
MAX_DATES_EACH = 7  # up to a week of bars, each gets its date
MONTHS = (
    "January February March April May June July August September October November December"
).split()
EXERCISE_LEVELS = {"none": 0.0, "light": 1.0, "heavy": 2.0}
MAX_LABEL = 22

_NOUNS: dict[DiaryKind | None, str] = {
    None: N_("episodes"),
    "twitch": N_("twitches"),
    "spasm": N_("spasms"),
}
_FACTOR_NAMES = {
    "caffeine_cups": N_("Caffeine (cups)"),
    "sleep_hours": N_("Sleep (hours)"),
    "stress": N_("Stress (0 to 10)"),
    "water_glasses": N_("Water (glasses)"),
    "exercise": N_("Exercise"),
    "nicotine": N_("Nicotine"),
    "alcohol_units": N_("Alcohol (units)"),
}
# What a finding's exposure is, in a word or two (the finding's text gives the exact threshold).
_EXPOSURE_NAMES = {
    "caffeine_cups": N_("Much caffeine"),
    "sleep_hours": N_("Short sleep"),
    "stress": N_("High stress"),
    "water_glasses": N_("Little water"),
    "exercise": N_("Heavy exercise"),
    "nicotine": N_("Nicotine"),
    "alcohol_units": N_("Alcohol"),
}
_VERDICT_WORDS = {
    "trigger": N_("trigger"),
    "protective": N_("protective"),
    "no_clear_link": N_("no clear link"),
    "not_enough_data": N_("not enough data"),
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def factor_name(factor: str, *, mid_sentence: bool = False, language: str = ENGLISH) -> str:
    """A factor as people say it: "Caffeine (cups)"; custom factors keep their own name."""
    name = _FACTOR_NAMES.get(factor)
    if name is None:
        return factor
    name = translations(language).gettext(name)
    return name.lower() if mid_sentence else name


def exposure_name(factor: str, language: str = ENGLISH) -> str:
    """What a finding compares, in a word or two ("Short sleep"); custom factors as named."""
    name = _EXPOSURE_NAMES.get(factor)
    return factor if name is None else translations(language).gettext(name)


@dataclass(frozen=True, slots=True)
class _Words:
    """A chart's words, dates and numbers in one language."""

    language: str = ENGLISH

    def _(self, message: str) -> str:
        return translations(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return translations(self.language).ngettext(singular, plural, count).format(count=count)

    def count(self, noun: str, count: int) -> str:
        """ "3 episodes", "1 sacudida": a count of episodes, twitches or spasms."""
        if noun == _NOUNS["twitch"]:
            return self.ngettext("{count} twitch", "{count} twitches", count)
        if noun == _NOUNS["spasm"]:
            return self.ngettext("{count} spasm", "{count} spasms", count)
        return self.ngettext("{count} episode", "{count} episodes", count)

    def date(self, day: dt.date) -> str:
        return long_date(day) if self.language == ENGLISH else format_date(day, self.language)

    def day_month(self, day: dt.date) -> str:
        """ "3 Mar", "3 mar": a date tick."""
        if self.language == ENGLISH:
            return f"{day.day} {MONTHS[day.month - 1][:3]}"
        from babel.dates import format_date as babel_date

        return str(babel_date(day, "d MMM", locale=self.language)).rstrip(".")

    def number(self, text: str) -> str:
        """A number already written ("1.5") with the language's decimal mark."""
        return text.replace(".", decimal_symbol(self.language))


# --- episodes over time -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Bin:
    start: dt.date
    days: int
    episodes_per_day: float
    factor: float | None  # mean of the logged values; None when none was logged


def episodes_over_time(
    days: Sequence[DayIn],
    episodes: Sequence[EpisodeIn],
    factor: str | None = None,
    kind: DiaryKind | None = None,
    *,
    period: tuple[dt.date, dt.date] | None = None,
    language: str = ENGLISH,
) -> str:
    """Episodes per day as bars, with one factor as a line on a second scale (blanks are gaps),
    its words in `language`.

    Longer periods get one bar per week (the average per day that week). Raises ValueError
    when the period ends before it starts."""
    w = _Words(language)
    noun = _NOUNS[kind]
    said = w._(noun)
    span = period or _extent(days, episodes)
    if span is None:
        return _empty(
            w._("{noun} per day").format(noun=said.capitalize()),
            w._("No {noun} or days logged yet.").format(noun=said),
        )
    first, last = span
    if last < first:
        raise ValueError(f"the period ends ({last}) before it starts ({first})")
    chosen = [e for e in episodes if kind is None or e.kind == kind]
    bins = _bins(first, last, chosen, days, factor)
    weekly = bins[0].days > 1
    scale = _FactorScale.of(factor, days, first, last, weekly=weekly) if factor else None
    title = w._("{noun} per day, {first} to {last}").format(
        noun=said.capitalize(), first=w.date(first), last=w.date(last)
    )
    if factor:
        title = w._("{chart}, with {factor}").format(
            chart=title, factor=factor_name(factor, mid_sentence=True, language=language)
        )
    desc = _over_time_desc(w, first, last, chosen, bins, noun, factor, scale)
    return _svg(title, desc, _over_time_body(w, bins, noun, factor, scale))


def _extent(days: Sequence[DayIn], episodes: Sequence[EpisodeIn]) -> tuple[dt.date, dt.date] | None:
    dates = [day.date for day in days] + [episode.at.date() for episode in episodes]
    return (min(dates), max(dates)) if dates else None


def _bins(
    first: dt.date,
    last: dt.date,
    episodes: Sequence[EpisodeIn],
    days: Sequence[DayIn],
    factor: str | None,
) -> list[_Bin]:
    length = (last - first).days + 1
    size = 1 if length <= MAX_DAILY_BARS else WEEK
    # The episode's own offset decides its day, as in the trigger analysis.
    counts = Counter(episode.at.date() for episode in episodes)
    values = {day.date: _factor_value(day, factor) for day in days} if factor else {}
    bins = []
    for offset in range(0, length, size):
        dates = [first + dt.timedelta(days=offset + i) for i in range(min(size, length - offset))]
        logged = [v for v in (values.get(date) for date in dates) if v is not None]
        bins.append(
            _Bin(
                start=dates[0],
                days=len(dates),
                episodes_per_day=sum(counts[date] for date in dates) / len(dates),
                factor=sum(logged) / len(logged) if logged else None,
            )
        )
    return bins


def _factor_raw(day: DayIn, factor: str) -> float | bool | str | None:
    value: float | bool | str | None = (
        getattr(day, factor) if factor in BUILT_IN_FACTORS else day.custom.get(factor)
    )
    return value


def _factor_value(day: DayIn, factor: str) -> float | None:
    return _as_number(_factor_raw(day, factor))


@dataclass(frozen=True, slots=True)
class _FactorScale:
    ticks: tuple[float, ...]
    labels: tuple[str, ...]
    logged: tuple[float, ...]  # every logged value in the period, in date order
    yes_no: bool
    weekly: bool

    @classmethod
    def of(
        cls, factor: str, days: Sequence[DayIn], first: dt.date, last: dt.date, *, weekly: bool
    ) -> _FactorScale:
        ordered = sorted(days, key=lambda day: day.date)
        raw = [_factor_raw(day, factor) for day in ordered if first <= day.date <= last]
        given = [value for value in raw if value is not None]
        logged = tuple(v for v in (_as_number(value) for value in given) if v is not None)
        yes_no = bool(given) and all(isinstance(value, bool) for value in given)
        if yes_no and weekly:
            return cls((0.0, 0.5, 1.0), ("0%", "50%", "100%"), logged, yes_no, weekly)
        if yes_no:
            return cls((0.0, 1.0), (N_("no"), N_("yes")), logged, yes_no, weekly)
        if factor == "exercise":
            levels = (N_("none"), N_("light"), N_("heavy"))
            return cls((0.0, 1.0, 2.0), levels, logged, yes_no, weekly)
        ticks = tuple(_ticks(max(logged, default=1.0), bottom=min((0.0, *logged))))
        return cls(ticks, tuple(_g(t) for t in ticks), logged, yes_no, weekly)

    @property
    def named_levels(self) -> bool:
        return self.labels[0] in ("no", "none")

    @property
    def joined(self) -> bool:
        """Weekly means change smoothly; a day-to-day zigzag over months would hide the bars,
        and a line between "no" and "yes" would invent values in between."""
        return self.weekly or (not self.yes_no and len(self.logged) <= MAX_JOINED_POINTS)


def _as_number(value: float | bool | str | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        return EXERCISE_LEVELS.get(value)
    return float(value)


def _over_time_desc(
    w: _Words,
    first: dt.date,
    last: dt.date,
    episodes: Sequence[EpisodeIn],
    bins: Sequence[_Bin],
    noun: str,
    factor: str | None,
    scale: _FactorScale | None,
) -> str:
    length = (last - first).days + 1
    inside = [e for e in episodes if first <= e.at.date() <= last]
    parts = [
        w._(
            "Bar chart of {noun} per day over {length}, from {first} to {last}: {total} in all."
        ).format(
            noun=w._(noun),
            length=w.ngettext("{count} day", "{count} days", length),
            first=w.date(first),
            last=w.date(last),
            total=w.count(noun, len(inside)),
        )
    ]
    if bins and bins[0].days > 1:
        parts.append(w._("Each bar is one week, as the average per day."))
    busiest = Counter(episode.at.date() for episode in inside).most_common()
    if busiest:
        top = max(count for _, count in busiest)
        date = min(date for date, count in busiest if count == top)
        most = w._("The most on one day was {top}, on {date}.")
        parts.append(most.format(top=top, date=w.date(date)))
    if factor and scale is not None:
        parts.append(_factor_desc(w, factor, scale))
    return " ".join(parts)


def _factor_desc(w: _Words, factor: str, scale: _FactorScale) -> str:
    name = factor_name(factor, language=w.language)
    if not scale.logged:
        return w._("{name} was not logged on any day of this period.").format(name=name)
    low, high = min(scale.logged), max(scale.logged)
    days = w.ngettext("{count} day", "{count} days", len(scale.logged))
    if scale.yes_no:
        yes = sum(1 for value in scale.logged if value)
        return w._(
            "{name} was logged on {days}, yes on {yes} and no on {no}, drawn on the right"
            " scale; days left blank are gaps."
        ).format(name=name, days=days, yes=yes, no=len(scale.logged) - yes)
    average = sum(scale.logged) / len(scale.logged)
    return w._(
        "{name} was logged on {days}, from {low} to {high} (average {average}), drawn on the"
        " right scale; days left blank are gaps, not zero."
    ).format(
        name=name,
        days=days,
        low=w.number(_g(low)),
        high=w.number(_g(high)),
        average=w.number(_g(round(average, 1))),
    )


def _over_time_body(
    w: _Words, bins: Sequence[_Bin], noun: str, factor: str | None, scale: _FactorScale | None
) -> tuple[int, list[str]]:
    weekly = bool(bins) and bins[0].days > 1
    top = 58 if factor else 34
    height = top + 230
    left, right = 38.0, WIDTH - (42.0 if factor else 12.0)
    bottom = height - 40.0
    peak = max((b.episodes_per_day for b in bins), default=0.0)
    ticks = _ticks(peak, whole=not weekly)
    y_of = _linear(0.0, ticks[-1], bottom, top)
    step = (right - left) / len(bins)
    parts = [_y_grid(ticks, y_of, left, right)]
    parts += [
        _bar(left + i * step, step, y_of(b.episodes_per_day), bottom) for i, b in enumerate(bins)
    ]
    parts.append(_line(left, bottom, right, bottom, INK))
    parts.append(_date_ticks(w, bins, left, step, bottom))
    legend = w._("{noun} per day").format(noun=w._(noun).capitalize())
    if weekly:
        legend += " " + w._("(weekly average)")
    parts.append(_legend_bar(8, 18, legend + (w._(", left scale") if factor else "")))
    if factor and scale is not None:
        parts.append(_factor_layer(w, bins, scale, left, step, right, bottom, top))
        share = " " + w._("(share of days)") if scale.yes_no and scale.weekly else ""
        name = factor_name(factor, language=w.language)
        label = _short(name, 40 - len(share)) + share + w._(", right scale")
        parts.append(_legend_line(8, 40, label, joined=scale.joined))
    return height, parts


def _y_grid(ticks: Sequence[float], y_of: _Scale, left: float, right: float) -> str:
    out = []
    for tick in ticks:
        y = y_of(tick)
        if tick:
            out.append(_line(left, y, right, y, GRID))
        out.append(_text(left - 5, y + 4, _g(tick), size=12, anchor="end", fill=MUTED))
    return "".join(out)


def _bar(x: float, step: float, y: float, bottom: float) -> str:
    if bottom - y < 0.05:
        return ""
    gap = step * 0.25 if step >= 2 else 0.0
    return (
        f'<rect x="{_n(x + gap / 2)}" y="{_n(y)}" width="{_n(step - gap)}"'
        f' height="{_n(bottom - y)}" fill="{EPISODES}"/>'
    )


def _date_ticks(w: _Words, bins: Sequence[_Bin], left: float, step: float, bottom: float) -> str:
    count = len(bins) if len(bins) <= MAX_DATES_EACH else 4
    chosen = sorted({round(j * (len(bins) - 1) / max(count - 1, 1)) for j in range(count)})
    out = []
    for position, index in enumerate(chosen):
        x = left + (index + 0.5) * step
        anchor = "middle"
        if len(chosen) > 1 and position == 0:
            anchor = "start"
        elif len(chosen) > 1 and position == len(chosen) - 1:
            anchor = "end"
        start = bins[index].start
        label = w.day_month(start)
        out.append(_line(x, bottom, x, bottom + 4, INK))
        out.append(_text(x, bottom + 18, label, size=12, anchor=anchor, fill=MUTED))
        if position == 0 or (position == len(chosen) - 1 and start.year != bins[0].start.year):
            out.append(_text(x, bottom + 33, str(start.year), size=12, anchor=anchor, fill=MUTED))
    return "".join(out)


def _factor_layer(
    w: _Words,
    bins: Sequence[_Bin],
    scale: _FactorScale,
    left: float,
    step: float,
    right: float,
    bottom: float,
    top: float,
) -> str:
    # Named levels sit off the axis line and the top gridline, where markers would be hidden.
    inset = 12.0 if scale.named_levels else 0.0
    y_of = _linear(scale.ticks[0], scale.ticks[-1], bottom - inset, top + inset)
    out = [
        _text(right + 5, y_of(tick) + 4, w.number(w._(label)), size=12, fill=FACTOR)
        for tick, label in zip(scale.ticks, scale.labels, strict=True)
    ]
    points = [
        (left + (i + 0.5) * step, y_of(b.factor)) if b.factor is not None else None
        for i, b in enumerate(bins)
    ]
    joined = scale.joined
    for run in _runs(points) if joined else []:
        if len(run) > 1:
            coordinates = " ".join(f"{_n(x)},{_n(y)}" for x, y in run)
            out.append(
                f'<polyline points="{coordinates}" fill="none" stroke="{FACTOR}"'
                ' stroke-width="1.5" stroke-linejoin="round"/>'
            )
    radius = 3.0 if len(bins) <= MAX_JOINED_POINTS else 2.2
    out += [_marker(x, y, radius) for point in points if point is not None for x, y in [point]]
    return "".join(out)


def _runs(
    points: Sequence[tuple[float, float] | None],
) -> list[list[tuple[float, float]]]:
    """Unbroken stretches of logged values: a blank day breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _marker(x: float, y: float, radius: float) -> str:
    return (
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="#ffffff"'
        f' stroke="{FACTOR}" stroke-width="1.5"/>'
    )


def _legend_bar(x: float, y: float, label: str) -> str:
    swatch = f'<rect x="{_n(x)}" y="{_n(y - 10)}" width="12" height="12" fill="{EPISODES}"/>'
    return swatch + _text(x + 18, y, label, size=13)


def _legend_line(x: float, y: float, label: str, *, joined: bool) -> str:
    return (
        (_line(x - 2, y - 4, x + 14, y - 4, FACTOR, width=1.5) if joined else "")
        + _marker(x + 6, y - 4, 3)
        + _text(x + 18, y, label, size=13)
    )


# --- forest plot ----------------------------------------------------------------------------

_FOREST_LEFT = 132.0
_FOREST_RIGHT = 306.0
_FOREST_TOP = 46
_ROW = 36
_WAITING_ROW = 26
_RATIO_LIMITS = (-3, 3)  # log2: 1/8 to 8; anything further is drawn as an arrow at the edge


def forest_plot(findings: Sequence[TriggerFinding], language: str = ENGLISH) -> str:
    """Rate ratios with their 95% ranges on a log scale, one row per factor; the factors
    without a figure yet are listed below the plot. Findings of one kind say it (twitches).
    Its words in `language`."""
    w = _Words(language)
    kinds = {finding.kind for finding in findings}
    noun = _NOUNS[kinds.pop() if len(kinds) == 1 else None]
    # The percent sign stays out of the catalogue, where "% r" would read as a placeholder.
    title = w._("Rate ratios of your factors, with {percent} ranges").format(percent="95%")
    if noun != _NOUNS[None]:
        title = w._("Rate ratios of your factors for {noun}, with {percent} ranges").format(
            noun=w._(noun), percent="95%"
        )
    if not findings:
        return _empty(title, w._("No factors to show yet: log some days first."))
    measured = [f for f in findings if has_figure(f)]
    waiting = [f for f in findings if not has_figure(f)]
    parts: list[str] = []
    y = 0
    if measured:
        y = _FOREST_TOP + _ROW * len(measured) + 52
        low, high = _forest_domain(measured)
        x_of = _log_scale(low, high)
        parts.append(_forest_header(w, x_of, y))
        for index, finding in enumerate(measured):
            parts.append(_forest_row(w, finding, _FOREST_TOP + _ROW * index, x_of, low, high))
        parts.append(_forest_axis(w, low, high, x_of, _FOREST_TOP + _ROW * len(measured), noun))
    if waiting:
        parts.append(_text(8, y + 24, w._("No figure yet"), size=13, weight="bold"))
        y += 30
        for finding in waiting:
            parts.append(_waiting_row(w, finding, y))
            y += _WAITING_ROW
        y += 6
    return _svg(title, _forest_desc(w, findings, noun), (y, parts))


def _waiting_row(w: _Words, finding: TriggerFinding, y: int) -> str:
    reason = (
        w._("not enough data yet")
        if finding.verdict == "not_enough_data"
        else w._("no clear figure")
    )
    name = exposure_name(finding.factor, w.language)
    return (
        _line(4, y, WIDTH - 4, y, GRID)
        + _text(8, y + 17, _short(name, MAX_LABEL), size=13)
        + _text(_FOREST_LEFT, y + 17, reason, size=12, fill=MUTED, italic=True)
    )


def has_figure(finding: TriggerFinding) -> bool:
    """Whether the finding has a rate ratio and its range to plot."""
    return finding.rate_ratio is not None and finding.ci95 is not None


def _forest_domain(findings: Sequence[TriggerFinding]) -> tuple[int, int]:
    """Whole powers of two (log2) around every range, always showing 0.5 to 2."""
    ends = [math.log2(end) for f in findings if f.ci95 is not None for end in f.ci95 if end > 0]
    low = max(_RATIO_LIMITS[0], min([-1, *(math.floor(e) for e in ends)]))
    high = min(_RATIO_LIMITS[1], max([1, *(math.ceil(e) for e in ends)]))
    return low, high


def _log_scale(low: int, high: int) -> _Scale:
    def x_of(value: float) -> float:
        position = (math.log2(value) - low) / (high - low)
        return _FOREST_LEFT + min(max(position, 0.0), 1.0) * (_FOREST_RIGHT - _FOREST_LEFT)

    return x_of


def _forest_header(w: _Words, x_of: _Scale, height: int) -> str:
    one = x_of(1.0)
    ranges = w._("({percent} range)").format(percent="95%")
    return (
        _text(8, 18, w._("Factor"), size=13, weight="bold")
        + _text(WIDTH - 4, 18, w._("Rate ratio"), size=13, weight="bold", anchor="end")
        + _text(WIDTH - 4, 34, ranges, size=12, anchor="end", fill=MUTED)
        + _text(one, 34, w._("no difference"), size=12, anchor="middle", fill=MUTED)
        + _line(one, _FOREST_TOP - 6, one, height - 48, INK, dash="4 3")
    )


def _forest_row(
    w: _Words, finding: TriggerFinding, y: int, x_of: _Scale, low: int, high: int
) -> str:
    middle = y + _ROW / 2
    colour = {"trigger": TRIGGER, "protective": PROTECTIVE}.get(finding.verdict, MUTED)
    name = exposure_name(finding.factor, w.language)
    out = [
        _text(8, middle - 2, _short(name, MAX_LABEL), size=13),
        _text(8, middle + 13, w._(_VERDICT_WORDS[finding.verdict]), size=12, fill=colour),
    ]
    if y > _FOREST_TOP:
        out.insert(0, _line(4, y, WIDTH - 4, y, GRID))
    assert finding.rate_ratio is not None and finding.ci95 is not None
    lo, hi = finding.ci95
    out.append(_line(x_of(lo), middle, x_of(hi), middle, colour, width=2))
    out += _arrows(lo, hi, middle, x_of, low, high, colour)
    out.append(_verdict_mark(finding.verdict, x_of(finding.rate_ratio), middle, colour))
    ratio = w.number(_ratio(finding.rate_ratio))
    out.append(_text(WIDTH - 4, middle - 2, ratio, size=13, anchor="end"))
    range_text = w._("{low} to {high}").format(low=w.number(_ratio(lo)), high=w.number(_ratio(hi)))
    out.append(_text(WIDTH - 4, middle + 13, range_text, size=12, anchor="end", fill=MUTED))
    return "".join(out)


def _arrows(
    lo: float, hi: float, y: float, x_of: _Scale, low: int, high: int, colour: str
) -> list[str]:
    """A range that runs off the scale ends in an arrowhead, not a silent cut."""
    out = []
    if lo > 0 and math.log2(lo) < low:
        x = x_of(lo)
        out.append(_polygon([(x - 2, y), (x + 5, y - 5), (x + 5, y + 5)], colour))
    if math.log2(hi) > high:
        x = x_of(hi)
        out.append(_polygon([(x + 2, y), (x - 5, y - 5), (x - 5, y + 5)], colour))
    return out


def _verdict_mark(verdict: str, x: float, y: float, colour: str) -> str:
    """The point's shape says the verdict too: square, diamond, or open circle."""
    if verdict == "trigger":
        return _polygon([(x - 5, y - 5), (x + 5, y - 5), (x + 5, y + 5), (x - 5, y + 5)], colour)
    if verdict == "protective":
        return _polygon([(x, y - 6.5), (x + 6.5, y), (x, y + 6.5), (x - 6.5, y)], colour)
    return (
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4.5" fill="#ffffff"'
        f' stroke="{colour}" stroke-width="2"/>'
    )


def _forest_axis(w: _Words, low: int, high: int, x_of: _Scale, y: int, noun: str) -> str:
    out = [_line(_FOREST_LEFT, y + 4, _FOREST_RIGHT, y + 4, INK)]
    every = 1 if high - low <= 4 else 2
    for power in range(low, high + 1):
        x = x_of(2.0**power)
        out.append(_line(x, y + 4, x, y + 8, INK))
        if power % every == 0:
            tick = w.number(_g(2.0**power))
            out.append(_text(x, y + 21, tick, size=12, anchor="middle", fill=MUTED))
    fewer = w._("fewer {noun}").format(noun=w._(noun))
    more = w._("more {noun}").format(noun=w._(noun))
    out.append(_text(_FOREST_LEFT, y + 39, fewer, size=12, fill=MUTED))
    out.append(_text(_FOREST_RIGHT, y + 39, more, size=12, anchor="end", fill=MUTED))
    return "".join(out)


def _forest_desc(w: _Words, findings: Sequence[TriggerFinding], noun: str) -> str:
    measured = [f for f in findings if has_figure(f)]
    rest = [exposure_name(f.factor, w.language) for f in findings if not has_figure(f)]
    parts = [
        w._(
            "Forest plot on a log scale; a rate ratio above 1 means more {noun} with the"
            " factor, below 1 fewer, and a range crossing 1 could be no difference."
        ).format(noun=w._(noun))
    ]
    for finding in measured:
        assert finding.rate_ratio is not None and finding.ci95 is not None
        lo, hi = finding.ci95
        parts.append(
            w._("{name}: {ratio} ({percent} range {low} to {high}), {verdict}.").format(
                name=exposure_name(finding.factor, w.language),
                ratio=w.number(_ratio(finding.rate_ratio)),
                percent="95%",
                low=w.number(_ratio(lo)),
                high=w.number(_ratio(hi)),
                verdict=w._(_VERDICT_WORDS[finding.verdict]),
            )
        )
    if rest:
        parts.append(w._("No figure yet for {names}.").format(names=", ".join(rest)))
    return " ".join(parts)


# --- body map -------------------------------------------------------------------------------


def body_map(episodes: Sequence[EpisodeIn], language: str = ENGLISH) -> str:
    """Where episodes happen: one bar per body region, most often first (its words, places'
    names and numbers in `language`)."""
    words = translations(language)
    title = words.gettext("Where in the body")
    if not episodes:
        return _empty(title, words.gettext("No episodes logged yet."))
    ranked = regions_ranked(episodes, language)
    total = len(episodes)
    episodes_text = words.ngettext("{count} episode", "{count} episodes", total).format(count=total)
    top = 34
    row = 26
    height = top + row * len(ranked) + 10
    peak = ranked[0][1]
    parts = [
        _text(
            8,
            18,
            words.gettext("Episodes by region, of {episodes}").format(episodes=episodes_text),
            size=13,
            fill=MUTED,
        )
    ]
    for index, (name, count) in enumerate(ranked):
        y = top + row * index
        length = 180 * count / peak
        parts.append(_text(134, y + 17, _short(name, MAX_LABEL), size=13, anchor="end"))
        parts.append(
            f'<rect x="140" y="{y + 5}" width="{_n(max(length, 1.0))}" height="16"'
            f' fill="{EPISODES}"/>'
        )
        share = f"{count} ({_percent(count, total, language)})"
        parts.append(_text(140 + length + 6, y + 17, share, size=12, fill=MUTED))
    return _svg(title, _body_desc(ranked, total, language), (height, parts))


def regions_ranked(episodes: Sequence[EpisodeIn], language: str = ENGLISH) -> list[tuple[str, int]]:
    """(region name in `language`, episodes there), most often first; knowledge-base order
    breaks ties."""
    regions = load_knowledge(language=language).regions
    order = {region.id: index for index, region in enumerate(regions)}
    names = {region.id: region.name for region in regions}
    counts = Counter(region for episode in episodes for region in episode.regions)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], 99), item[0]))
    return [(names.get(region, region), count) for region, count in ranked]


def _body_desc(ranked: Sequence[tuple[str, int]], total: int, language: str) -> str:
    words = translations(language)
    listed = "; ".join(
        f"{name} {count} ({_percent(count, total, language)})" for name, count in ranked
    )
    episodes = words.ngettext("{count} episode", "{count} episodes", total).format(count=total)
    return words.gettext(
        "Bar chart of where {episodes} happened, most often first: {listed}. An episode in"
        " more than one place counts once for each."
    ).format(episodes=episodes, listed=listed)


def _percent(count: int, total: int, language: str) -> str:
    """A share in whole percent, as the language writes it: "25%", "25 %"."""
    share = round(100 * count / total)
    if language == ENGLISH:
        return f"{share}%"
    from babel.numbers import format_percent

    return str(format_percent(share / 100, locale=language))


# --- SVG pieces -----------------------------------------------------------------------------


def _svg(title: str, desc: str, body: tuple[int, Iterable[str]]) -> str:
    height, parts = body
    key = hashlib.sha256(f"{title}\n{desc}".encode()).hexdigest()[:10]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img"'
        f' aria-labelledby="mg-{key}-title mg-{key}-desc" font-family="{FONT}">'
        f'<title id="mg-{key}-title">{_esc(title)}</title>'
        f'<desc id="mg-{key}-desc">{_esc(desc)}</desc>'
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>' + "".join(parts) + "</svg>"
    )


def _empty(title: str, message: str) -> str:
    body = [_text(WIDTH / 2, 54, message, size=14, anchor="middle", fill=MUTED)]
    return _svg(title, message, (90, body))


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 13,
    anchor: str = "start",
    fill: str = INK,
    weight: str | None = None,
    italic: bool = False,
) -> str:
    extra = f' font-weight="{weight}"' if weight else ""
    extra += ' font-style="italic"' if italic else ""
    if anchor != "start":
        extra += f' text-anchor="{anchor}"'
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{fill}"{extra}>'
        f"{_esc(content)}</text>"
    )


def _line(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    colour: str,
    *,
    width: float = 1.0,
    dash: str | None = None,
) -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"'
        f' stroke="{colour}" stroke-width="{_n(width)}"{extra}/>'
    )


def _polygon(points: Sequence[tuple[float, float]], colour: str) -> str:
    coordinates = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
    return f'<polygon points="{coordinates}" fill="{colour}"/>'


def _linear(low: float, high: float, start: float, end: float) -> _Scale:
    span = (high - low) or 1.0

    def position(value: float) -> float:
        return start + (value - low) / span * (end - start)

    return position


def _ticks(top: float, *, bottom: float = 0.0, whole: bool = False, most: int = 5) -> list[float]:
    """Round steps (1, 2 or 5 times a power of ten) from `bottom` or below to `top` or above."""
    if top <= bottom:
        return [bottom, bottom + 1.0]
    rough = (top - bottom) / (most - 1)
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    if whole:
        step = max(step, 1.0)
    first = math.floor(bottom / step + 1e-9) * step
    count = math.ceil((top - first) / step - 1e-9)
    return [round(first + i * step, 6) for i in range(count + 1)]


def _esc(text: str) -> str:
    return escape(_NOT_XML.sub("", text), quote=True)


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _g(value: float) -> str:
    return f"{round(value, 6):g}"


def _ratio(value: float) -> str:
    # Two decimals below 1 tell 0.91 from 0.99, as the trigger texts do.
    return f"{value:.2f}" if value < 1 else f"{value:.1f}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def long_date(date: dt.date) -> str:
    """3 March 2026, in English whatever the locale."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"
