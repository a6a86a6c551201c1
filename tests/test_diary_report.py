"""The diary's charts (accessible SVG) and the PDF report for a doctor, and `diary report`."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import random
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from myoguide.diary.analysis import find_triggers
from myoguide.diary.charts import body_map, episodes_over_time, forest_plot, long_date
from myoguide.diary.csvio import write_days, write_episodes
from myoguide.diary.models import DayIn, EpisodeIn
from myoguide.diary.report import DISCLAIMER, doctor_report, page_count
from myoguide.diary.safety import SIGN_NAMES, WARNING_SIGNS

from .diaries import caffeine_twitch_diary, every_other_day_diary, many_factors_diary

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>"
START = dt.date(2026, 1, 5)
LONG_AGO = dt.date(2023, 1, 2)  # a diary of years from here is over before today
ZONE = dt.timezone(dt.timedelta(hours=1))
TWITCH_PLACES = ["eyelid", "eyelid", "eyelid", "thumb", "calf"]


def poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def make_diary(
    length: int = 120, seed: int = 11, base_rate: float = 1.2, start: dt.date = START
) -> tuple[list[DayIn], list[EpisodeIn]]:
    """A person's diary with a planted trigger: 3 times the episodes on days of 4+ cups."""
    rng = random.Random(seed)
    days: list[DayIn] = []
    episodes: list[EpisodeIn] = []
    for offset in range(length):
        date = start + dt.timedelta(days=offset)
        caffeine = rng.choice([0, 1, 2, 2, 3, 4, 5, 6]) if rng.random() > 0.1 else None
        days.append(
            DayIn(
                date=date,
                caffeine_cups=caffeine,
                sleep_hours=round(rng.uniform(4.5, 9.0), 1),
                stress=rng.randint(0, 10),
                exercise=rng.choice(["none", "light", "heavy"]),
                medications=["magnesium"] if offset % 3 == 0 else [],
                custom={HOSTILE: rng.random() < 0.4},
            )
        )
        rate = base_rate * (3.0 if caffeine is not None and caffeine >= 4 else 1.0)
        for _ in range(poisson(rng, rate)):
            at = dt.datetime.combine(date, dt.time(rng.randint(6, 22), rng.randint(0, 59)), ZONE)
            kind = "twitch" if rng.random() < 0.8 else "spasm"
            where = rng.choice(TWITCH_PLACES) if kind == "twitch" else "calf"
            note = f"note {HOSTILE} & more"
            episodes.append(
                EpisodeIn(at=at, kind=kind, regions=[where], intensity=rng.randint(1, 8), note=note)
            )
    return days, episodes


@pytest.fixture(scope="module")
def diary() -> tuple[list[DayIn], list[EpisodeIn]]:
    return make_diary()


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def text_of(root: ET.Element) -> str:
    return " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


def all_charts(days: list[DayIn], episodes: list[EpisodeIn]) -> dict[str, str]:
    return {
        "over time": episodes_over_time(days, episodes),
        "over time with a factor": episodes_over_time(days, episodes, "caffeine_cups"),
        "over time, twitches, yes/no factor": episodes_over_time(
            days, episodes, HOSTILE, kind="twitch"
        ),
        "forest plot": forest_plot(find_triggers(days, episodes)),
        "body map": body_map(episodes),
    }


def test_the_planted_trigger_is_found(diary: tuple[list[DayIn], list[EpisodeIn]]) -> None:
    findings = find_triggers(*diary)
    assert (findings[0].factor, findings[0].verdict) == ("caffeine_cups", "trigger")


def test_charts_are_accessible_standalone_svg(
    diary: tuple[list[DayIn], list[EpisodeIn]],
) -> None:
    for name, svg in all_charts(*diary).items():
        root = parsed(svg)
        assert root.get("role") == "img", name
        assert root.get("viewBox", "").startswith("0 0 "), name
        assert root.get("width") is None and root.get("height") is None, name
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text, name
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}", name
        assert len(desc.text) > 40, name  # says the data in words
        for element in root.iter():
            assert element.tag not in {f"{SVG}script", f"{SVG}foreignObject", f"{SVG}image"}
            for attribute in element.attrib:
                assert not attribute.lower().startswith("on"), (name, attribute)
                assert "href" not in attribute, (name, attribute)
            if element.tag == f"{SVG}text":
                assert float(element.get("font-size", "0")) >= 12, name
        assert "url(" not in svg and "http://" not in svg.replace(
            'xmlns="http://www.w3.org/2000/svg"', ""
        )


def test_charts_are_deterministic(diary: tuple[list[DayIn], list[EpisodeIn]]) -> None:
    assert all_charts(*diary) == all_charts(*diary)


def test_hostile_text_is_escaped(diary: tuple[list[DayIn], list[EpisodeIn]]) -> None:
    days, episodes = diary
    for svg in (forest_plot(find_triggers(days, episodes)), episodes_over_time(*diary, HOSTILE)):
        assert "<script" not in svg
        assert "&lt;script&gt;" in svg
        assert "alert(1)" in text_of(parsed(svg))
    odd = 'a"b\x01&<c>'
    svg = episodes_over_time([DayIn(date=dt.date(2026, 1, 1), custom={odd: 1.0})], [], odd)
    assert "a&quot;b&amp;&lt;c&gt;" in svg
    parsed(svg)


def test_charts_of_an_empty_diary() -> None:
    for name, svg in all_charts([], []).items():
        root = parsed(svg)
        assert root.get("role") == "img", name
        assert "No " in text_of(root), name


def test_blank_days_are_gaps_not_zeros() -> None:
    days = [
        DayIn(date=START + dt.timedelta(days=i), caffeine_cups=None if i in (5, 6, 12) else 2.0)
        for i in range(20)
        if i != 15  # a day not logged at all
    ]
    episodes = [
        EpisodeIn(
            at=dt.datetime.combine(day.date, dt.time(9), ZONE),
            kind="twitch",
            regions=["eyelid"],
            intensity=3,
        )
        for day in days
    ]
    root = parsed(episodes_over_time(days, episodes, "caffeine_cups"))
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 4  # days 0-4, 7-11, 13-14 and 16-19
    logged = sum(1 for day in days if day.caffeine_cups is not None)
    markers = root.findall(f"{SVG}circle")
    assert len(markers) == logged + 1  # and one in the legend
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text and f"logged on {logged} days" in desc.text
    assert "gaps, not zero" in desc.text


@pytest.mark.parametrize("values", [[-5.0, 0.0, 3.0], [1e9, 2.5e9], [0.0, 0.0], [True, False]])
def test_any_factor_values_make_a_chart(values: list[float | bool]) -> None:
    days = [
        DayIn(date=START + dt.timedelta(days=i), custom={"mood": v}) for i, v in enumerate(values)
    ]
    root = parsed(episodes_over_time(days, [], "mood"))
    assert len(root.findall(f"{SVG}circle")) == len(values) + 1


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    backwards = (START, START - dt.timedelta(days=1))
    with pytest.raises(ValueError, match="before it starts"):
        episodes_over_time([], [], period=backwards)
    with pytest.raises(ValueError, match="before it starts"):
        doctor_report([], [], period=backwards)


def test_long_diaries_get_a_bar_a_week() -> None:
    days, episodes = make_diary(400, seed=3, base_rate=0.5, start=LONG_AGO)
    root = parsed(episodes_over_time(days, episodes, "sleep_hours"))
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text and "Each bar is one week" in desc.text
    assert len(root.findall(f"{SVG}rect")) <= 2 + math.ceil(400 / 7)


def test_body_map_names_regions_from_the_knowledge_base(
    diary: tuple[list[DayIn], list[EpisodeIn]],
) -> None:
    root = parsed(body_map(diary[1]))
    shown = text_of(root)
    assert "Eyelid" in shown and "Thumb" in shown
    assert shown.index("Eyelid") < shown.index("Thumb")  # most often first


def test_forest_plot_lists_factors_without_a_figure(
    diary: tuple[list[DayIn], list[EpisodeIn]],
) -> None:
    shown = text_of(parsed(forest_plot(find_triggers(*diary))))
    assert "Much caffeine" in shown and "trigger" in shown and "no difference" in shown
    assert "Nicotine" in shown and "not enough data yet" in shown


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_report_for_a_doctor(diary: tuple[list[DayIn], list[EpisodeIn]]) -> None:
    days, episodes = diary
    pdf = doctor_report(days, episodes)
    assert pdf.startswith(b"%PDF")
    pages, text = pdf_text(pdf)
    assert 1 <= pages <= 2
    assert page_count(pdf) == pages
    assert f"{len(episodes)} (" in text
    assert "Eyelid" in text
    # Both kinds are logged, so each has its own section.
    twitches = text[text.index("\nTwitches\n") : text.index("\nSpasms and cramps\n")]
    assert "Much caffeine" in twitches and "times as many twitches" in twitches
    assert re.search(r"Much caffeine [\d.]+ [\d.]+ to [\d.]+ < 0\.001 trigger", twitches)
    assert "Warning signs reported\nNone noted in this period." in text
    assert "magnesium (40 days)" in text
    assert DISCLAIMER in text


def with_signs(episodes: list[EpisodeIn], signs: dict[int, list[str]]) -> list[EpisodeIn]:
    """The episodes, with warning signs noted on those at the given positions."""
    return [
        e.model_copy(update={"warning_signs": signs[i]}) if i in signs else e
        for i, e in enumerate(episodes)
    ]


def test_report_lists_the_warning_signs_of_its_period(
    diary: tuple[list[DayIn], list[EpisodeIn]],
) -> None:
    days, episodes = diary
    noted = with_signs(
        episodes, {3: ["weakness"], 40: ["weakness", "fever"], 200: ["weakness"], 250: ["fever"]}
    )
    dates = [noted[i].at.date() for i in (3, 40, 200, 250)]
    pages, text = pdf_text(doctor_report(days, noted))
    assert 1 <= pages <= 2
    section = text[text.index("Warning signs reported") : text.index("Episodes over time")]
    assert "Warning sign Episodes First noted Last noted" in section
    assert f"Muscle weakness 3 {long_date(dates[0])} {long_date(dates[2])}" in section
    assert f"Fever 2 {long_date(dates[1])} {long_date(dates[3])}" in section
    assert section.index("Muscle weakness") < section.index("Fever")

    period = (dates[1], dates[1])
    _, text = pdf_text(doctor_report(days, noted, period=period))
    assert "Muscle weakness 1" in text and "Fever 1" in text
    before = (START, dates[0] - dt.timedelta(days=1))
    _, text = pdf_text(doctor_report(days, noted, period=before))
    assert "Warning signs reported\nNone noted in this period." in text


WRITTEN_IN_MANY_SCRIPTS = ("Ибупрофен", "Παρακεταμόλη", "Crème brûlée", "Đường", "Łódź–Żółć")


def test_report_keeps_text_in_other_scripts(diary: tuple[list[DayIn], list[EpisodeIn]]) -> None:
    days, episodes = diary
    days = [
        day.model_copy(update={"medications": list(WRITTEN_IN_MANY_SCRIPTS)}) for day in days[:3]
    ] + days[3:]
    days[0] = days[0].model_copy(update={"custom": {"Кофе вечером": True}})
    _, text = pdf_text(doctor_report(days, episodes))
    for name in WRITTEN_IN_MANY_SCRIPTS:
        assert f"{name} (3 days)" in text
    assert "Кофе вечером" in text
    assert "?" not in text


def test_report_survives_any_text(diary: tuple[list[DayIn], list[EpisodeIn]]) -> None:
    """What the font cannot show (Chinese here, a check mark) becomes "?", never a failure."""
    days, episodes = diary
    days = [days[0].model_copy(update={"medications": ["B12 – 1000 µg ✓ 头痛"]}), *days[1:]]
    _, text = pdf_text(doctor_report(days, episodes))
    assert "B12 – 1000 µg ? ??" in text


def test_report_keeps_to_its_period(diary: tuple[list[DayIn], list[EpisodeIn]]) -> None:
    days, episodes = diary
    period = (START + dt.timedelta(days=30), START + dt.timedelta(days=59))
    inside = [e for e in episodes if period[0] <= e.at.date() <= period[1]]
    _, text = pdf_text(doctor_report(days, episodes, period=period))
    assert "4 February 2026 to 5 March 2026 (30 days" in text
    assert f"{len(inside)} (" in text


def test_report_of_a_factor_on_every_other_day() -> None:
    pages, text = pdf_text(doctor_report(*every_other_day_diary()))
    assert pages == 2
    assert re.search(r"\nNicotine [\d.]+ [\d.]+ to [\d.]+ ", text[text.index("Likely triggers") :])
    assert "Twitches\n" not in text  # one kind logged: no sections


def test_report_shows_twitches_and_spasms_apart() -> None:
    pages, text = pdf_text(doctor_report(*caffeine_twitch_diary()))
    assert pages == 2
    triggers = text[text.index("Likely triggers") :]
    assert "each is checked on its own" in triggers
    twitches, spasms = triggers.split("\nSpasms and cramps\n")
    assert "times as many twitches" in twitches
    assert re.search(r"Much caffeine [\d.]+ [\d.]+ to [\d.]+ < 0\.001 trigger", twitches)
    assert re.search(r"Much caffeine [\d.]+ [\d.]+ to [\d.]+ [\d.]+ no clear link", spasms)


def test_report_says_why_a_range_without_1_is_no_clear_link() -> None:
    _, text = pdf_text(doctor_report(*many_factors_diary()))
    flat = " ".join(text.split())
    assert re.search(r"Nicotine [\d.]+ [\d.]+ to [\d.]+ [\d.]+ no clear link\*", flat)
    assert (
        "* This range leaves out 1, but because we checked 7 factors at once, a pattern this"
        " strong can turn up by chance; it needs more days to tell." in flat
    )


def test_report_of_an_empty_diary() -> None:
    pdf = doctor_report([], [])
    pages, text = pdf_text(pdf)
    assert pages == 1
    assert "The diary is empty" in text and DISCLAIMER in text


def test_report_of_two_busy_years_fits_two_pages() -> None:
    days, episodes = make_diary(730, seed=5, base_rate=3.0, start=LONG_AGO)
    assert len(episodes) > 3000
    pages, text = pdf_text(doctor_report(days, episodes))
    assert pages == 2
    assert f"{len(episodes)} (" in text
    # Every warning sign, and as many medications as the report lists, still fit.
    episodes = with_signs(episodes, {i * 97: [sign] for i, sign in enumerate(WARNING_SIGNS)})
    medicines = [f"a medicine with a long name, number {i}" for i in range(20)]
    days = [days[0].model_copy(update={"medications": medicines}), *days[1:]]
    pages, text = pdf_text(doctor_report(days, episodes))
    assert pages == 2
    assert all(f"{name} 1 " in text for name in SIGN_NAMES.values())


def myoguide() -> str:
    local = Path(sys.executable).parent / "myoguide"
    found = str(local) if local.exists() else shutil.which("myoguide")
    assert found, "the myoguide command is not installed"
    return found


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "MYOGUIDE_DATABASE_URL"}
    done = subprocess.run(
        [myoguide(), "diary", "--db", str(db), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr + done.stdout
    return done


@pytest.fixture(scope="module")
def filled_db(
    tmp_path_factory: pytest.TempPathFactory, diary: tuple[list[DayIn], list[EpisodeIn]]
) -> Path:
    folder = tmp_path_factory.mktemp("report")
    days, episodes = diary
    with open(folder / "days.csv", "w", encoding="utf-8", newline="") as out:
        write_days(days, out)
    with open(folder / "episodes.csv", "w", encoding="utf-8", newline="") as out:
        write_episodes(episodes, out)
    db = folder / "diary.sqlite3"
    done = run(
        db, "import", "--episodes", str(folder / "episodes.csv"), "--days", str(folder / "days.csv")
    )
    assert done.returncode == 0, done.stderr
    return db


def test_cli_writes_the_report(
    filled_db: Path, tmp_path: Path, diary: tuple[list[DayIn], list[EpisodeIn]]
) -> None:
    out = tmp_path / "out.pdf"
    done = run(filled_db, "report", "--pdf", str(out))
    assert done.returncode == 0, done.stderr
    pages, text = pdf_text(out.read_bytes())
    assert f"Wrote {out} ({pages} pages)" in done.stderr + done.stdout
    assert f"{len(diary[1])} (" in text and "Much caffeine" in text


def test_cli_report_lists_the_warning_signs_noted(tmp_path: Path) -> None:
    db = tmp_path / "diary.sqlite3"
    for at, signs in [("2026-03-02T09:00+01:00", ["fever"]), ("2026-03-09T09:00+01:00", [])]:
        flags = [arg for sign in signs for arg in ("--warning-sign", sign)]
        added = run(
            db,
            "add",
            "--kind",
            "twitch",
            "--where",
            "eyelid",
            "--intensity",
            "2",
            "--at",
            at,
            *flags,
        )
        assert added.returncode == 0, added.stderr
    out = tmp_path / "out.pdf"
    assert run(db, "report", "--pdf", str(out)).returncode == 0
    _, text = pdf_text(out.read_bytes())
    assert "Fever 1 2 March 2026 2 March 2026" in text


def test_cli_report_of_a_period(filled_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    done = run(filled_db, "report", "--pdf", str(out), "--from", "2026-02-01", "--to", "2026-02-28")
    assert done.returncode == 0, done.stderr
    _, text = pdf_text(out.read_bytes())
    assert "1 February 2026 to 28 February 2026 (28 days" in text


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--pdf", "{tmp}/no/such/folder/out.pdf"], "--pdf"),
        (["--pdf", "{tmp}"], "--pdf"),
        ([], "--pdf"),
        (["--pdf", "{tmp}/out.pdf", "--from", "2026-03-01", "--to", "2026-02-01"], "--from"),
    ],
)
def test_cli_report_problems_exit_2(
    filled_db: Path, tmp_path: Path, args: list[str], named: str
) -> None:
    done = run(filled_db, "report", *(arg.format(tmp=tmp_path) for arg in args))
    assert done.returncode == 2
    assert named in done.stderr
