"""A one- or two-page PDF of the diary for a doctor: the figures first, then the charts.

The charts are the same SVG the web shows, placed by fpdf2. Text uses Fira Sans, embedded
from the fontpkg-fira-sans package: Latin, Greek and Cyrillic come out as written; a
character the font lacks (Chinese, Japanese, Korean, emoji) becomes "?" rather than making
the report fail.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import statistics
from collections import Counter
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass

from fpdf import FPDF

from ..i18n import ENGLISH, N_, decimal_symbol, format_date, format_number, translations
from .analysis import (
    ANALYSIS_DAYS,
    KIND_HEADINGS,
    TriggerFinding,
    every_finding,
    triggers_by_kind,
    within,
)
from .charts import (
    body_map,
    episodes_over_time,
    exposure_name,
    factor_name,
    forest_plot,
    has_figure,
    long_date,
    regions_ranked,
)
from .models import DayIn, DiaryKind, EpisodeIn
from .safety import ReportedSign, reported_signs

__all__ = ["DISCLAIMER", "diary_period", "doctor_report", "page_count"]

DISCLAIMER = N_("A diary summary made by myoguide; it informs and does not diagnose.")
FONT = "FiraSans"
FONT_FILES = {"": "FiraSans-Regular.ttf", "B": "FiraSans-Bold.ttf"}
INK = (27, 27, 27)
MUTED = (74, 74, 74)
RULE = (201, 206, 214)
CHART_WIDTH = 88.0  # mm: two charts side by side; 13-unit chart text prints at about 8 pt
LABEL_WIDTH = 40.0
MAX_FINDINGS = 12  # keeps the triggers to one page however many custom factors there are
MAX_FINDINGS_APART = 4  # twitches and spasms share that page
MAX_TOLD_APART = 2  # findings told in words beside each kind's plot; the rest are named
MAX_LISTED = 12
MIN_TREND_DAYS = 14
SAME_WITHIN = 0.2  # halves within 20% of each other are "about the same"
METHOD = N_(
    "Each factor compares the days with it against the days without it (and the day after),"
    " as a rate ratio: 2 means twice as many episodes, 0.5 half as many. p values are"
    " adjusted for testing many factors at once."
)
APART = N_("Twitches and spasms can have different causes, so each is checked on its own.")

VERDICTS = {
    "trigger": N_("trigger"),
    "protective": N_("protective"),
    "no_clear_link": N_("no clear link"),
    "not_enough_data": N_("not enough data"),
}

_PLAIN = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "≥": ">=",
        "≤": "<=",
        "•": "-",
        "→": "->",
        "\u00a0": " ",
    }
)
_SVG_ONLY_FOR_SCREEN = re.compile(r"<(title|desc)\b[^>]*>[^<]*</\1>")
_SVG_FONT = re.compile(r'font-family="[^"]*"')


def doctor_report(
    days: Sequence[DayIn],
    episodes: Sequence[EpisodeIn],
    *,
    period: tuple[dt.date, dt.date] | None = None,
    language: str = ENGLISH,
) -> bytes:
    """The PDF as bytes, in `language`. Entries outside `period` (default: the diary's last
    two years) are left out; a period longer than `ANALYSIS_DAYS` keeps only its last
    `ANALYSIS_DAYS`.

    Raises ValueError when the period ends before it starts."""
    span = period or diary_period(days, episodes)
    earlier = (0, 0)
    if span is not None:
        if span[1] < span[0]:
            raise ValueError(f"the period ends ({span[1]}) before it starts ({span[0]})")
        span = _at_most_the_analysed_days(span)
        earlier = (
            sum(1 for e in episodes if e.at.date() < span[0]),
            sum(1 for day in days if day.date < span[0]),
        )
        days, episodes = within(span, days, episodes)
    pdf = _Report(language)
    pdf.add_page()
    _heading(pdf, span, days, earlier)
    _facts(pdf, _Summary.of(days, episodes, span, pdf))
    _warning_signs(pdf, reported_signs(episodes))
    sections = triggers_by_kind(days, episodes, language=language)
    if span is not None:
        _charts(pdf, days, episodes, span, every_finding(sections))
    _triggers(pdf, days, sections)
    return bytes(pdf.output())


def diary_period(
    days: Sequence[DayIn],
    episodes: Sequence[EpisodeIn],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[dt.date, dt.date] | None:
    """From `start` to `end`, each defaulting to the first or last entry of the diary, but
    never more than `ANALYSIS_DAYS` long (the start moves). None when nothing bounds it."""
    known = sorted({day.date for day in days} | {e.at.date() for e in episodes})
    first = start or (known[0] if known else end)
    last = end or (known[-1] if known else start)
    if first is None or last is None:
        return None
    return _at_most_the_analysed_days((first, last))


def _at_most_the_analysed_days(span: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    first, last = span
    earliest = dt.date.fromordinal(max(1, last.toordinal() - ANALYSIS_DAYS + 1))
    return max(first, earliest), last


def page_count(pdf: bytes) -> int:
    """How many pages a PDF made by `doctor_report` has."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def _font_path(style: str) -> str:
    from fontpkg_fira_sans import ROOT  # type: ignore[import-untyped]

    return str(ROOT / "files" / FONT_FILES[style])


def plain(text: str, covered: Container[int]) -> str:
    """Text the font (its code points `covered`) can show: a character it lacks becomes its
    plain form (a dash, a quote) when that exists, else "?"."""
    if all(ord(char) in covered for char in text):
        return text
    shown = (char if ord(char) in covered else char.translate(_PLAIN) for char in text)
    return "".join(char if all(ord(c) in covered for c in char) else "?" for char in shown)


class _Report(FPDF):
    def __init__(self, language: str = ENGLISH) -> None:
        super().__init__(format="A4", unit="mm")
        self.language = language
        self.set_lang(language)  # the PDF's /Lang, for screen readers
        for style in FONT_FILES:
            self.add_font(FONT, style, _font_path(style))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(self._("Muscle twitch and spasm diary: summary for a doctor"))
        self.set_creator("myoguide")
        self.alias_nb_pages()

    def _(self, message: str) -> str:
        """A sentence of the report in its language."""
        return translations(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        """A count with its noun: "1 day", "3 días"."""
        words = translations(self.language).ngettext(singular, plural, number)
        return words.format(count=self.number(number))

    def number(self, value: int) -> str:
        """A whole number: "3768" in English, as the report always wrote it."""
        return str(value) if self.language == ENGLISH else format_number(value, self.language)

    def date(self, day: dt.date) -> str:
        """A day written out: "3 December 2026", "3 de diciembre de 2026"."""
        return long_date(day) if self.language == ENGLISH else format_date(day, self.language)

    def decimal(self, value: float, places: int = 1) -> str:
        """A number with fixed decimals, with the language's decimal mark: "1.5", "1,5"."""
        return f"{value:.{places}f}".replace(".", decimal_symbol(self.language))

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(plain(text, self.covered))

    @property
    def covered(self) -> Container[int]:
        """The code points the report's font can show."""
        cmap: dict[int, str] = getattr(self.fonts[FONT.lower()], "cmap", {})
        return cmap

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self._(DISCLAIMER))
        self.set_x(self.l_margin)
        page = self._("Page {number} of {pages}").format(number=self.page_no(), pages="{nb}")
        self.cell(0, 4, page, align="R")


@dataclass(frozen=True, slots=True)
class _Summary:
    episodes: int
    twitches: int
    spasms: int
    length: int
    trend: str
    intensity: str
    regions: str
    medications: str

    @classmethod
    def of(
        cls,
        days: Sequence[DayIn],
        episodes: Sequence[EpisodeIn],
        span: tuple[dt.date, dt.date] | None,
        pdf: _Report,
    ) -> _Summary:
        kinds = Counter(episode.kind for episode in episodes)
        return cls(
            episodes=len(episodes),
            twitches=kinds["twitch"],
            spasms=kinds["spasm"],
            length=(span[1] - span[0]).days + 1 if span else 0,
            trend=_trend(pdf, episodes, span),
            intensity=_intensity(pdf, episodes),
            regions=_regions(pdf, episodes),
            medications=_medications(pdf, days),
        )


def _heading(
    pdf: _Report,
    span: tuple[dt.date, dt.date] | None,
    days: Sequence[DayIn],
    earlier: tuple[int, int],
) -> None:
    """The title and the period; `earlier` counts the episodes and days before it."""
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 17)
    pdf.cell(0, 9, pdf._("Muscle twitch and spasm diary"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.set_text_color(*MUTED)
    if span is None:
        empty = pdf._("Summary for a doctor. The diary is empty.")
        pdf.cell(0, 6, empty, new_x="LMARGIN", new_y="NEXT")
    else:
        first, last = span
        length = (last - first).days + 1
        text = pdf._(
            "Summary for a doctor, {first} to {last} ({length}; daily factors logged on"
            " {logged} of them)."
        ).format(
            first=pdf.date(first),
            last=pdf.date(last),
            length=pdf.ngettext("{count} day", "{count} days", length),
            logged=pdf.number(len(days)),
        )
        if any(earlier):
            text += " " + pdf._(
                "It covers at most {years} years: {episodes} and {days} of factors from before"
                " then are left out."
            ).format(
                years=ANALYSIS_DAYS // 365,
                episodes=pdf.ngettext("{count} episode", "{count} episodes", earlier[0]),
                days=pdf.ngettext("{count} day", "{count} days", earlier[1]),
            )
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT", align="L")
    _rule(pdf, 3)


def _facts(pdf: _Report, summary: _Summary) -> None:
    episodes = pdf.number(summary.episodes)
    if summary.episodes:
        per_week = 7 * summary.episodes / summary.length
        episodes += " " + pdf._("({twitches}, {spasms}); {per_week} a week on average").format(
            twitches=pdf.ngettext("{count} twitch", "{count} twitches", summary.twitches),
            spasms=pdf.ngettext("{count} spasm", "{count} spasms", summary.spasms),
            per_week=pdf.decimal(per_week),
        )
    for label, value in (
        (N_("Episodes"), episodes),
        (N_("Trend"), summary.trend),
        (N_("Where"), summary.regions),
        (N_("Intensity (0 to 10)"), summary.intensity),
        (N_("Medications logged"), summary.medications),
    ):
        _fact(pdf, pdf._(label), value)
    _rule(pdf, 2)


def _warning_signs(pdf: _Report, signs: Sequence[ReportedSign]) -> None:
    """Each warning sign noted with an episode in the period: how often, first and last."""
    _section(pdf, pdf._("Warning signs reported"))
    if not signs:
        _paragraph(pdf, pdf._("None noted in this period."))
        _rule(pdf, 1)
        return
    pdf.set_font(FONT, "", 9.5)
    pdf.set_text_color(*INK)
    with pdf.table(
        col_widths=(74, 26, 40, 40),
        text_align=("LEFT", "RIGHT", "LEFT", "LEFT"),
        line_height=5.2,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row(
            tuple(
                pdf._(h)
                for h in (N_("Warning sign"), N_("Episodes"), N_("First noted"), N_("Last noted"))
            )
        )
        for sign in signs:
            row = (pdf._(sign.name), str(sign.episodes), pdf.date(sign.first), pdf.date(sign.last))
            table.row(row)
    pdf.ln(1)
    _rule(pdf, 1)


def _fact(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(LABEL_WIDTH, 5.5, label)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5.5, value, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(0.8)


def _trend(
    pdf: _Report, episodes: Sequence[EpisodeIn], span: tuple[dt.date, dt.date] | None
) -> str:
    if span is None or not episodes:
        return pdf._("No episodes in this period.")
    first, last = span
    length = (last - first).days + 1
    if length < MIN_TREND_DAYS:
        return pdf._("The period is under two weeks: too short to show a trend.")
    middle = first + dt.timedelta(days=length // 2)
    early = sum(1 for e in episodes if e.at.date() < middle)
    late = len(episodes) - early
    early_rate, late_rate = 7 * early / (length // 2), 7 * late / (length - length // 2)
    halves = pdf._(
        "{early} in the first half (to {middle}), {early_rate} a week; {late} in the second"
        " half, {late_rate} a week"
    ).format(
        early=early,
        middle=pdf.date(middle - dt.timedelta(days=1)),
        early_rate=pdf.decimal(early_rate),
        late=late,
        late_rate=pdf.decimal(late_rate),
    )
    return f"{_change(pdf, early_rate, late_rate)}: {halves}."


def _change(pdf: _Report, early: float, late: float) -> str:
    if early == 0:
        return pdf._("New in the second half")
    change = (late - early) / early
    if abs(change) < SAME_WITHIN:
        return pdf._("About the same")
    more = N_("More in the second half ({change})")
    fewer = N_("Fewer in the second half ({change})")
    return pdf._(more if change > 0 else fewer).format(change=f"{change:+.0%}")


def _intensity(pdf: _Report, episodes: Sequence[EpisodeIn]) -> str:
    if not episodes:
        return pdf._("None logged.")
    text = _spread(pdf, [e.intensity for e in episodes])
    by_kind = {
        kind: [e.intensity for e in episodes if e.kind == kind] for kind in ("twitch", "spasm")
    }
    if all(by_kind.values()):
        text += " " + pdf._("(twitches median {twitches}, spasms median {spasms})").format(
            twitches=_g(statistics.median(by_kind["twitch"]), pdf.language),
            spasms=_g(statistics.median(by_kind["spasm"]), pdf.language),
        )
    return text


def _spread(pdf: _Report, values: list[int]) -> str:
    return pdf._("median {median}, range {low} to {high}").format(
        median=_g(statistics.median(values), pdf.language), low=min(values), high=max(values)
    )


def _regions(pdf: _Report, episodes: Sequence[EpisodeIn]) -> str:
    ranked = regions_ranked(episodes, pdf.language)
    if not ranked:
        return pdf._("No episodes logged.")
    shown = ", ".join(f"{name} {count}" for name, count in ranked[:MAX_LISTED])
    return shown + _and_more(pdf, len(ranked) - MAX_LISTED)


def _and_more(pdf: _Report, more: int) -> str:
    return pdf._(", and {more} more").format(more=more) if more > 0 else ""


def _medications(pdf: _Report, days: Sequence[DayIn]) -> str:
    counts = Counter(name for day in days for name in set(day.medications))
    if not counts:
        return pdf._("None logged.")
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))
    shown = ", ".join(
        f"{name} ({pdf.ngettext('{count} day', '{count} days', count)})"
        for name, count in ranked[:MAX_LISTED]
    )
    return shown + _and_more(pdf, len(ranked) - MAX_LISTED)


def _charts(
    pdf: _Report,
    days: Sequence[DayIn],
    episodes: Sequence[EpisodeIn],
    span: tuple[dt.date, dt.date],
    findings: Sequence[TriggerFinding],
) -> None:
    clearest = next((f.factor for f in findings if f.verdict in ("trigger", "protective")), None)
    over_time = episodes_over_time(days, episodes, clearest, period=span, language=pdf.language)
    caption = pdf._("Episodes over time")
    if clearest:
        caption = pdf._("Episodes over time, with {factor}").format(
            factor=factor_name(clearest, mid_sentence=True, language=pdf.language)
        )
    top = pdf.get_y() + 2
    right = pdf.l_margin + CHART_WIDTH + 4
    _chart(pdf, pdf.l_margin, top, caption, over_time)
    below = pdf.get_y()
    _chart(pdf, right, top, pdf._("Where in the body"), body_map(episodes, pdf.language))
    pdf.set_y(max(below, pdf.get_y()))


def _chart(pdf: _Report, x: float, y: float, caption: str, svg: str) -> None:
    pdf.set_xy(x, y)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*INK)
    pdf.cell(CHART_WIDTH, 6, caption)
    info = pdf.image(_for_pdf(pdf, svg), x=x, y=y + 7, w=CHART_WIDTH)
    pdf.set_y(y + 7 + float(info.rendered_height) + 2)


def _for_pdf(pdf: _Report, svg: str) -> io.BytesIO:
    # Title and desc are for screen readers on the web; the PDF says the same in its text.
    shown = _SVG_FONT.sub(f'font-family="{FONT}"', _SVG_ONLY_FOR_SCREEN.sub("", svg))
    return io.BytesIO(plain(shown, pdf.covered).encode())


def _triggers(
    pdf: _Report,
    days: Sequence[DayIn],
    sections: Mapping[DiaryKind | None, Sequence[TriggerFinding]],
) -> None:
    figures = any(has_figure(f) for f in every_finding(sections))
    if figures:
        pdf.add_page()
    _section(pdf, pdf._("Likely triggers"))
    if not days:
        _paragraph(pdf, pdf._("No daily factors were logged, so triggers cannot be checked yet."))
        return
    apart = len(sections) > 1
    if figures:
        method = pdf._(METHOD)
        _paragraph(pdf, f"{method} {pdf._(APART)}" if apart else method)
    for kind, findings in sections.items():
        if apart:
            _subsection(pdf, pdf._(KIND_HEADINGS[kind]))
        measured = [f for f in findings if has_figure(f)]
        shown = measured[: MAX_FINDINGS_APART if apart else MAX_FINDINGS]
        if shown:
            _forest_beside_likely(pdf, shown, told=MAX_TOLD_APART if apart else len(shown))
            _findings_table(pdf, shown)
        _the_rest(pdf, findings, len(measured) - len(shown))


def _forest_beside_likely(pdf: _Report, shown: Sequence[TriggerFinding], *, told: int) -> None:
    top = pdf.get_y() + 1
    info = pdf.image(
        _for_pdf(pdf, forest_plot(shown, pdf.language)), x=pdf.l_margin, y=top, w=CHART_WIDTH + 8
    )
    pdf.set_xy(pdf.l_margin + CHART_WIDTH + 14, top + 1)
    _likely(pdf, [f for f in shown if f.verdict in ("trigger", "protective")], told=told)
    pdf.set_y(max(top + float(info.rendered_height) + 3, pdf.get_y() + 3))


def _likely(pdf: _Report, likely: Sequence[TriggerFinding], *, told: int) -> None:
    """The likely triggers in words (the first `told` of them; the others by name), in the
    column beside the forest plot."""
    x = pdf.get_x()
    width = pdf.w - pdf.r_margin - x
    pdf.set_text_color(*INK)
    _column(pdf, x, width, pdf._("What stands out"), "B", 10)
    if not likely:
        _column(pdf, x, width, pdf._("No factor stands out clearly yet."))
    for finding in likely[:told]:
        _column(pdf, x, width, exposure_name(finding.factor, pdf.language), "B")
        _column(pdf, x, width, finding.text)
        pdf.ln(2)
    if likely[told:]:
        names = ", ".join(exposure_name(f.factor, pdf.language) for f in likely[told:])
        _column(pdf, x, width, pdf._("Also: {names} (in the table below).").format(names=names))


def _column(
    pdf: FPDF, x: float, width: float, text: str, style: str = "", size: float = 9.5
) -> None:
    pdf.set_x(x)
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(width, 4.8, text, new_x="LEFT", new_y="NEXT", align="L")


def _findings_table(pdf: _Report, measured: Sequence[TriggerFinding]) -> None:
    pdf.set_font(FONT, "", 9.5)
    pdf.set_text_color(*INK)
    with pdf.table(
        col_widths=(52, 26, 36, 26, 40),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
        line_height=5.2,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        headings = (
            N_("Factor"),
            N_("Rate ratio"),
            N_("{percent} range"),
            N_("Adjusted p"),
            N_("Verdict"),
        )
        # The percent sign stays out of the catalogue, where "% r" would read as a placeholder.
        table.row(tuple(pdf._(heading).format(percent="95%") for heading in headings))
        for finding in measured:
            assert finding.rate_ratio is not None and finding.ci95 is not None
            low, high = finding.ci95
            table.row(
                (
                    exposure_name(finding.factor, pdf.language),
                    _ratio(finding.rate_ratio, pdf.language),
                    pdf._("{low} to {high}").format(
                        low=_ratio(low, pdf.language), high=_ratio(high, pdf.language)
                    ),
                    _p(finding.p_adjusted, pdf.language),
                    pdf._(VERDICTS[finding.verdict]) + ("*" if finding.note else ""),
                )
            )
    pdf.ln(2)
    # The note is the same for every finding of one analysis (it names how many were checked).
    note = next((f.note for f in measured if f.note), None)
    if note:
        _paragraph(pdf, f"* {note}")


def _the_rest(pdf: _Report, findings: Sequence[TriggerFinding], hidden: int) -> None:
    waiting = [f for f in findings if not has_figure(f)]
    sentences = []
    if waiting:
        names = ", ".join(exposure_name(f.factor, pdf.language) for f in waiting)
        no_figure = pdf._("No figure yet (not enough data or too uneven) for: {names}.")
        sentences.append(no_figure.format(names=names))
    if hidden > 0:
        sentences.append(
            pdf.ngettext(
                "{count} more factor with weaker evidence is not shown.",
                "{count} more factors with weaker evidence are not shown.",
                hidden,
            )
        )
    if sentences:
        _paragraph(pdf, " ".join(sentences))


def _section(pdf: FPDF, title: str) -> None:
    pdf.set_font(FONT, "B", 13)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")


def _subsection(pdf: FPDF, title: str) -> None:
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*INK)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "", 9.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 4.8, text, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1.5)


def _rule(pdf: FPDF, space: float) -> None:
    pdf.ln(space)
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(space)


def _ratio(value: float, language: str) -> str:
    text = f"{value:.2f}" if value < 1 else f"{value:.1f}"
    return text.replace(".", decimal_symbol(language))


def _p(value: float | None, language: str) -> str:
    if value is None:
        return ""
    text = "< 0.001" if value < 0.001 else f"{value:.3f}"
    return text.replace(".", decimal_symbol(language))


def _g(value: float, language: str) -> str:
    return f"{value:g}".replace(".", decimal_symbol(language))
