"""`myoguide diary ...` run as a real process, the way a person uses it."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .diaries import (
    DiaryData,
    as_csv,
    caffeine_twitch_diary,
    every_other_day_diary,
    many_factors_diary,
)


def myoguide() -> str:
    local = Path(sys.executable).parent / "myoguide"
    found = str(local) if local.exists() else shutil.which("myoguide")
    assert found, "the myoguide command is not installed"
    return found


def run(
    db: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {})}
    if env is None:
        environment.pop("MYOGUIDE_DATABASE_URL", None)
    done = subprocess.run(
        [myoguide(), "diary", "--db", str(db), *args],
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in done.stderr + done.stdout
    return done


def run_at_terminal(
    db: Path, *args: str, typed: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The command with a terminal as its standard input, as when a person types the replies
    (``env``: variables to set, such as the terminal's language)."""
    environment = {k: v for k, v in os.environ.items() if k != "MYOGUIDE_DATABASE_URL"}
    environment.update(env or {})
    leader, follower = os.openpty()
    try:
        with subprocess.Popen(
            [myoguide(), "diary", "--db", str(db), *args],
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        ) as process:
            os.close(follower)
            os.write(leader, typed.encode())
            try:
                stdout, stderr = process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()  # it waits for a reply the test did not type
                raise
    finally:
        os.close(leader)
    assert "Traceback" not in stdout + stderr
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "diary.sqlite3"


def listed(db: Path) -> dict[str, list[dict[str, object]]]:
    done = run(db, "list", "--format", "json")
    assert done.returncode == 0, done.stderr
    data: dict[str, list[dict[str, object]]] = json.loads(done.stdout)
    return data


def test_add_list_edit_delete(db: Path) -> None:
    added = run(
        db,
        "add",
        "--kind",
        "twitch",
        "--where",
        "eyelid,thumb",
        "--intensity",
        "3",
        "--duration",
        "2m",
        "--at",
        "2026-11-20T08:30+01:00",
        "--note",
        "exams",
    )
    assert added.returncode == 0, added.stderr
    assert "Added episode 1" in added.stdout
    [episode] = listed(db)["episodes"]
    assert episode == {
        "at": "2026-11-20T08:30:00+01:00",
        "kind": "twitch",
        "regions": ["eyelid", "thumb"],
        "intensity": 3,
        "duration_s": 120,
        "note": "exams",
        "warning_signs": [],
        "id": 1,
    }
    edited = run(db, "edit", "1", "--intensity", "6")
    assert edited.returncode == 0, edited.stderr
    assert listed(db)["episodes"][0]["intensity"] == 6
    assert listed(db)["episodes"][0]["note"] == "exams"
    refused = run(db, "delete", "1")
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    assert len(listed(db)["episodes"]) == 1
    deleted = run(db, "delete", "1", "--yes")
    assert deleted.returncode == 0
    assert "Deleted episode 1" in deleted.stdout
    assert listed(db)["episodes"] == []


def test_warning_signs_are_kept_listed_and_answered_with_the_triage(db: Path) -> None:
    added = run(
        db,
        "add",
        "--kind",
        "twitch",
        "--where",
        "eyelid",
        "--intensity",
        "3",
        "--warning-sign",
        "breathing_difficulty",
        "--warning-sign",
        "fever",
        "--warning-sign",
        "fever",
    )
    assert added.returncode == 0, added.stderr
    assert "Added episode 1" in added.stdout
    assert "EMERGENCY - CALL FOR HELP NOW" in added.stdout
    assert "Call your local emergency number now" in added.stdout
    assert "You have trouble breathing." in added.stdout
    assert "myoguide check" in added.stdout
    assert listed(db)["episodes"][0]["warning_signs"] == ["breathing_difficulty", "fever"]
    assert "noted: trouble breathing, fever" in run(db, "list").stdout

    edited = run(db, "edit", "1", "--warning-sign", "weakness")
    assert edited.returncode == 0, edited.stderr
    assert "SEE A DOCTOR WITHIN A DAY OR TWO" in edited.stdout
    assert listed(db)["episodes"][0]["warning_signs"] == ["weakness"]

    cleared = run(db, "edit", "1", "--no-warning-signs")
    assert cleared.returncode == 0, cleared.stderr
    assert "noted" not in cleared.stdout and "DOCTOR" not in cleared.stdout
    assert listed(db)["episodes"][0]["warning_signs"] == []


def test_an_everyday_episode_raises_no_alarm(db: Path) -> None:
    done = run(db, "add", "--kind", "spasm", "--where", "calf", "--intensity", "8")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and "doctor" not in done.stdout.lower()


def test_at_a_terminal_add_asks_for_what_is_missing_and_the_warning_signs(db: Path) -> None:
    done = run_at_terminal(db, "add", "--where", "calf", typed="spasm\n6\n5, 99\n1,fever\n")
    assert done.returncode == 0, done.stderr
    assert "Anything else with it?" in done.stdout
    assert " 1. Muscle weakness" in done.stdout and "13. A severe headache" in done.stdout
    assert "'99' is not on the list" in done.stdout + done.stderr
    assert "SEE A DOCTOR WITHIN A DAY OR TWO" in done.stdout
    [episode] = listed(db)["episodes"]
    assert (episode["kind"], episode["intensity"]) == ("spasm", 6)
    assert episode["warning_signs"] == ["weakness", "fever"]


def test_at_a_terminal_enter_notes_no_warning_sign(db: Path) -> None:
    done = run_at_terminal(db, "add", typed="twitch\neyelid\n2\n\n")
    assert done.returncode == 0, done.stderr
    assert "Anything else with it?" in done.stdout and "DOCTOR" not in done.stdout
    assert listed(db)["episodes"][0]["warning_signs"] == []
    flagged = run_at_terminal(db, "add", "--warning-sign", "fever", typed="twitch\neyelid\n2\n")
    assert flagged.returncode == 0, flagged.stderr
    assert "Anything else with it?" not in flagged.stdout
    assert listed(db)["episodes"][1]["warning_signs"] == ["fever"]


def test_day_factors_merge_and_blank_stays_blank(db: Path) -> None:
    assert run(db, "day", "2026-11-20", "--sleep", "5.5", "--caffeine", "4").returncode == 0
    assert (
        run(
            db,
            "day",
            "2026-11-20",
            "--stress",
            "8",
            "--custom",
            "screen_hours=6",
            "--custom",
            "period=yes",
            "--medication",
            "ibuprofen",
        ).returncode
        == 0
    )
    [day] = listed(db)["days"]
    assert day["sleep_hours"] == 5.5
    assert day["caffeine_cups"] == 4
    assert day["stress"] == 8
    assert day["water_glasses"] is None
    assert day["custom"] == {"screen_hours": 6.0, "period": True}
    assert day["medications"] == ["ibuprofen"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["add", "--kind", "twitch"], "--where and --intensity are needed"),
        (["add", "--kind", "twitch", "--where", "tail", "--intensity", "3"], "--where"),
        (["add", "--kind", "twitch", "--where", "calf", "--intensity", "11"], "--intensity"),
        (
            ["add", "--kind", "twitch", "--where", "calf", "--intensity", "3", "--at", "soon"],
            "--at",
        ),
        (
            [
                "add",
                "--kind",
                "twitch",
                "--where",
                "calf",
                "--intensity",
                "3",
                "--duration",
                "ages",
            ],
            "--duration",
        ),
        (["day", "2026-13-40", "--sleep", "5"], "DATE"),
        (["day", "today"], "at least one factor"),
        (["day", "today", "--sleep", "30"], "--sleep"),
        (["day", "today", "--custom", "screen"], "--custom"),
        (["edit", "99", "--intensity", "3"], "no episode 99"),
        (["delete", "99", "--yes"], "no episode 99"),
        (["import"], "--episodes"),
        (
            [
                "add",
                "--kind",
                "twitch",
                "--where",
                "calf",
                "--intensity",
                "3",
                "--warning-sign",
                "tired",
            ],
            "--warning-sign",
        ),
        (["edit", "1", "--warning-sign", "fever", "--no-warning-signs"], "--no-warning-signs"),
    ],
    ids=[
        "missing-flags",
        "bad-region",
        "intensity-11",
        "bad-time",
        "bad-duration",
        "bad-date",
        "empty-day",
        "sleep-30",
        "bad-custom",
        "edit-missing",
        "delete-missing",
        "import-nothing",
        "bad-warning-sign",
        "clear-and-set-signs",
    ],
)
def test_bad_input_names_the_option(db: Path, args: list[str], fragment: str) -> None:
    done = run(db, *args)
    assert done.returncode == 2, done.stdout
    assert fragment in done.stderr


def test_import_export_round_trip_is_lossless(db: Path, tmp_path: Path) -> None:
    episodes = tmp_path / "episodes.csv"
    days = tmp_path / "days.csv"
    episodes.write_text(
        "timestamp,kind,regions,intensity,duration_s,note\n"
        '2026-11-20T08:30:15.5+01:00,twitch,eyelid;thumb,3,20,"exams, coffee"\n'
        "2026-11-21T23:10:00-05:00,spasm,calf,8,,\n",
        encoding="utf-8",
    )
    days.write_text(
        "date,caffeine_cups,sleep_hours,stress,water_glasses,exercise,nicotine,alcohol_units\n"
        "2026-11-20,5,5.5,8,,heavy,false,\n"
        "2026-11-21,,7,,6,none,,2.5\n",
        encoding="utf-8",
    )
    done = run(db, "import", "--episodes", str(episodes), "--days", str(days))
    assert done.returncode == 0, done.stderr
    assert "Imported 2 episodes and 2 days" in done.stdout
    out_e, out_d = tmp_path / "out-e.csv", tmp_path / "out-d.csv"
    assert run(db, "export", "--episodes", str(out_e), "--days", str(out_d)).returncode == 0
    again = tmp_path / "again.sqlite3"
    assert run(again, "import", "--episodes", str(out_e), "--days", str(out_d)).returncode == 0
    assert listed(again)["episodes"] == listed(db)["episodes"]
    assert listed(again)["days"] == listed(db)["days"]
    first = listed(db)["episodes"][0]
    assert first["at"] == "2026-11-20T08:30:15.500000+01:00"
    assert first["note"] == "exams, coffee"


def test_warning_signs_survive_export_and_import(db: Path, tmp_path: Path) -> None:
    episodes = tmp_path / "episodes.csv"
    episodes.write_text(
        "timestamp,kind,regions,intensity,duration_s,note,warning_signs\n"
        "2026-11-20T08:30:00+01:00,twitch,eyelid,3,20,,weakness; fever\n"
        "2026-11-21T23:10:00-05:00,spasm,calf,8,,,\n",
        encoding="utf-8",
    )
    assert run(db, "import", "--episodes", str(episodes)).returncode == 0
    assert [e["warning_signs"] for e in listed(db)["episodes"]] == [["weakness", "fever"], []]
    exported = run(db, "export", "--episodes", "-")
    assert exported.returncode == 0, exported.stderr
    lines = exported.stdout.splitlines()
    assert lines[0] == "timestamp,kind,regions,intensity,duration_s,note,warning_signs"
    assert lines[1].endswith(",weakness;fever")
    again = tmp_path / "again.sqlite3"
    out = tmp_path / "out.csv"
    out.write_text(exported.stdout, encoding="utf-8")
    assert run(again, "import", "--episodes", str(out)).returncode == 0
    assert listed(again)["episodes"] == listed(db)["episodes"]
    assert run(db, "list", "--format", "csv").stdout == exported.stdout


@pytest.mark.parametrize(
    ("csv_text", "problem"),
    [
        (
            "timestamp,kind,regions,intensity,duration_s,note\n"
            "2026-11-20T08:30+01:00,twitch,eyelid,3,,\n"
            "2026-11-20T09:30+01:00,twitch,eyelid,30,,\n",
            "line 3, column intensity",
        ),
        (
            "timestamp,kind,regions,intensity,duration_s,note,warning_signs\n"
            "2026-11-20T08:30+01:00,twitch,eyelid,3,,,fever\n"
            "2026-11-20T09:30+01:00,twitch,eyelid,3,,,fever;tired\n",
            "line 3, column warning_signs: 'tired' is not one of",
        ),
    ],
    ids=["intensity", "warning_sign"],
)
def test_a_bad_import_imports_nothing(
    db: Path, tmp_path: Path, csv_text: str, problem: str
) -> None:
    episodes = tmp_path / "episodes.csv"
    episodes.write_text(csv_text, encoding="utf-8")
    done = run(db, "import", "--episodes", str(episodes))
    assert done.returncode == 2
    assert problem in done.stderr
    assert listed(db)["episodes"] == []


def test_the_database_can_come_from_the_environment(tmp_path: Path) -> None:
    target = tmp_path / "from-env.sqlite3"
    done = subprocess.run(
        [myoguide(), "diary", "add", "--kind", "spasm", "--where", "calf", "--intensity", "5"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
        env={**os.environ, "MYOGUIDE_DATABASE_URL": str(target)},
    )
    assert done.returncode == 0, done.stderr
    assert target.exists()


def test_erase_deletes_everything(db: Path) -> None:
    run(db, "add", "--kind", "spasm", "--where", "calf", "--intensity", "5")
    run(db, "day", "today", "--sleep", "6")
    done = run(db, "erase", "--yes")
    assert done.returncode == 0
    assert "Erased 1 episode and 1 day." in done.stdout
    assert listed(db) == {"episodes": [], "days": []}


def test_triggers_as_json(db: Path, tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(11)
    episodes = ["timestamp,kind,regions,intensity,duration_s,note"]
    days = ["date,caffeine_cups,sleep_hours,stress,water_glasses,exercise,nicotine,alcohol_units"]
    for offset in range(60):
        date = dt.date(2026, 6, 1) + dt.timedelta(days=offset)
        cups = int(rng.integers(0, 7))
        days.append(f"{date},{cups},{rng.normal(7, 1):.1f},,,,,")
        for hour in range(int(rng.poisson(3 if cups >= 4 else 1))):
            episodes.append(f"{date}T{8 + hour:02d}:00:00+01:00,twitch,eyelid,3,,")
    (tmp_path / "e.csv").write_text("\n".join(episodes) + "\n", encoding="utf-8")
    (tmp_path / "d.csv").write_text("\n".join(days) + "\n", encoding="utf-8")
    assert (
        run(
            db, "import", "--episodes", str(tmp_path / "e.csv"), "--days", str(tmp_path / "d.csv")
        ).returncode
        == 0
    )
    done = run(db, "triggers", "--format", "json")
    assert done.returncode == 0, done.stderr
    findings = {f["factor"]: f for f in json.loads(done.stdout)}
    keys = {"factor", "verdict", "rate_ratio", "ci95", "p_adjusted", "days_needed", "text"}
    assert all(set(f) == keys | {"kind", "note"} for f in findings.values())
    assert {f["kind"] for f in findings.values()} == {"twitch"}  # the one kind logged
    assert findings["caffeine_cups"]["verdict"] == "trigger"
    assert findings["stress"]["verdict"] == "not_enough_data"
    text = run(db, "triggers")
    assert "not a diagnosis" in text.stdout


def imported(db: Path, diary: DiaryData, folder: Path) -> None:
    episodes_csv, days_csv = as_csv(diary, folder)
    done = run(db, "import", "--episodes", str(episodes_csv), "--days", str(days_csv))
    assert done.returncode == 0, done.stderr


def strict_json(text: str) -> Any:
    """JSON as the standard has it: NaN and Infinity are refused."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_a_factor_on_every_other_day_breaks_no_command(db: Path, tmp_path: Path) -> None:
    imported(db, every_other_day_diary(), tmp_path)
    text = run(db, "triggers")
    assert text.returncode == 0, text.stderr
    assert "- On days with nicotine you logged about" in text.stdout
    for kind in ([], ["--kind", "twitch"]):
        done = run(db, "triggers", "--format", "json", *kind)
        assert done.returncode == 0, done.stderr
        nicotine = next(f for f in strict_json(done.stdout) if f["factor"] == "nicotine")
        assert nicotine["verdict"] != "not_enough_data" and nicotine["kind"] == "twitch"
        assert all(math.isfinite(v) for v in [nicotine["rate_ratio"], *nicotine["ci95"]])
    report = run(db, "report", "--pdf", str(tmp_path / "report.pdf"))
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")


def test_triggers_of_twitches_and_spasms_apart(db: Path, tmp_path: Path) -> None:
    imported(db, caffeine_twitch_diary(), tmp_path)
    text = run(db, "triggers").stdout
    twitches, spasms = text.split("\nSpasms and cramps\n")
    assert twitches.startswith("Twitches\n- On days with 4 or more cups of caffeine you logged")
    assert "times as many twitches" in twitches
    assert "No clear link between caffeine and your spasms" in spasms
    findings = strict_json(run(db, "triggers", "--format", "json").stdout)
    assert [f["kind"] for f in findings] == ["twitch"] * 7 + ["spasm"] * 7
    verdicts = {(f["kind"], f["factor"]): f["verdict"] for f in findings}
    assert verdicts["twitch", "caffeine_cups"] == "trigger"
    assert verdicts["spasm", "caffeine_cups"] == "no_clear_link"
    only_spasms = strict_json(run(db, "triggers", "--kind", "spasm", "--format", "json").stdout)
    assert only_spasms == [f for f in findings if f["kind"] == "spasm"]
    assert "Twitches" not in run(db, "triggers", "--kind", "spasm").stdout


def test_triggers_say_why_a_range_without_1_is_no_clear_link(db: Path, tmp_path: Path) -> None:
    imported(db, many_factors_diary(), tmp_path)
    [nicotine] = [line for line in run(db, "triggers").stdout.splitlines() if "nicotine" in line]
    assert nicotine.startswith("- No clear link between nicotine and your twitches")
    assert nicotine.endswith(
        "This range leaves out 1, but because we checked 7 factors at once, a pattern this"
        " strong can turn up by chance; it needs more days to tell."
    )


# What people type


def in_days(days: float, **delta: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days, **delta)


EPISODE_FLAGS = ("--kind", "twitch", "--where", "calf", "--intensity", "3")


def test_a_time_or_a_day_in_the_future_is_refused_naming_it(db: Path) -> None:
    future = in_days(2).isoformat()
    added = run(db, "add", *EPISODE_FLAGS, "--at", future)
    assert added.returncode == 2
    assert "'--at'" in added.stderr and "later than now" in added.stderr
    skewed = run(db, "add", *EPISODE_FLAGS, "--at", in_days(0, minutes=2).isoformat())
    assert skewed.returncode == 0, skewed.stderr  # a clock a little fast is no typo
    edited = run(db, "edit", "1", "--at", future)
    assert edited.returncode == 2 and "'--at'" in edited.stderr
    coming = in_days(2).date().isoformat()
    day = run(db, "day", coming, "--sleep", "7")
    assert day.returncode == 2
    assert f"DATE: {coming} has not come yet" in day.stderr
    asked = run_at_terminal(db, "day", coming, typed="7\n")
    assert asked.returncode == 2 and "has not come yet" in asked.stderr
    assert "sleep" not in asked.stdout.lower()  # refused before any question
    assert len(listed(db)["episodes"]) == 1 and listed(db)["days"] == []


def test_an_import_names_the_file_row_and_column_of_every_problem(db: Path, tmp_path: Path) -> None:
    episodes, days = tmp_path / "mine.csv", tmp_path / "days.csv"
    episodes.write_text(
        "timestamp,kind,regions,intensity,duration_s,note\n"
        "2026-11-20T08:30+01:00,twitch,eyelid,3,,\n"
        f"{in_days(400).isoformat()},twitch,eyelid,3,,typo\n"
        "2026-11-21T08:30+01:00,wobble,eyelid,30,,\n"
        "2026-11-22T08:30+01:00,twitch,eyelid\n",
        encoding="utf-8",
    )
    days.write_text(
        "date,caffeine_cups,sleep_hours,stress,water_glasses,exercise,nicotine,alcohol_units\n"
        f"{in_days(3).date()},1,,,,,,\n",
        encoding="utf-8",
    )
    done = run(db, "import", "--episodes", str(episodes), "--days", str(days))
    assert done.returncode == 2
    problems = done.stderr.splitlines()
    assert "nothing was imported" in problems[0]
    assert any(
        f"{episodes}, line 3, column timestamp:" in line and "later than now" in line
        for line in problems
    )
    assert any(f"{episodes}, line 4, column kind:" in line for line in problems)
    assert any(f"{episodes}, line 4, column intensity:" in line for line in problems)
    assert any(f"{episodes}, line 5: wrong number of columns" in line for line in problems)
    assert any(
        f"{days}, line 2, column date:" in line and "has not come yet" in line for line in problems
    )
    assert listed(db) == {"episodes": [], "days": []}


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    db: Path, tmp_path: Path
) -> None:
    header = "timestamp,kind,regions,intensity,duration_s,note\n"
    rows = [
        "2026-11-20T08:30+01:00,twitch,eyelid,3,20,exams\n",
        "2026-11-20T08:30+01:00,twitch,eyelid,3,20,exams\n",  # two alike in one minute
        "2026-11-21T23:10:00-05:00,spasm,calf,8,,\n",
    ]
    episodes, days = tmp_path / "e.csv", tmp_path / "d.csv"
    episodes.write_text(header + "".join(rows), encoding="utf-8")
    days.write_text(
        "date,caffeine_cups,sleep_hours,stress,water_glasses,exercise,nicotine,alcohol_units\n"
        "2026-11-20,5,5.5,8,,heavy,false,\n2026-11-21,,7,,6,none,,2.5\n",
        encoding="utf-8",
    )
    first = run(db, "import", "--episodes", str(episodes), "--days", str(days))
    assert first.returncode == 0, first.stderr
    assert first.stdout == "Imported 3 episodes and 2 days.\n"
    again = run(db, "import", "--episodes", str(episodes), "--days", str(days))
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        "Imported 0 episodes and 0 days.\n"
        "Already in the diary, so not added again: 3 episodes and 2 days.\n"
    )
    assert len(listed(db)["episodes"]) == 3
    # The same instant written in another zone is the same episode; a changed one is new.
    episodes.write_text(
        header
        + "2026-11-20T07:30Z,twitch,eyelid,3,20,exams\n"
        + "2026-11-21T23:10:00-05:00,spasm,calf,9,,\n",
        encoding="utf-8",
    )
    days.write_text(
        "date,caffeine_cups,sleep_hours,stress,water_glasses,exercise,nicotine,alcohol_units\n"
        "2026-11-20,5,5.5,8,,heavy,false,\n2026-11-21,,8,,6,none,,2.5\n",
        encoding="utf-8",
    )
    third = run(db, "import", "--episodes", str(episodes), "--days", str(days))
    assert third.stdout == (
        "Imported 1 episode and 0 days; changed 1 day.\n"
        "Already in the diary, so not added again: 1 episode and 1 day.\n"
    )
    assert [e["intensity"] for e in listed(db)["episodes"]] == [3, 3, 8, 9]
    assert [d["sleep_hours"] for d in listed(db)["days"]] == [5.5, 8]


def test_at_a_terminal_add_takes_what_people_type_and_asks_again_on_a_slip(db: Path) -> None:
    done = run_at_terminal(
        db, "add", typed="a cramp\ncramp\nmy tail\nleft Calf, Thigh\n11\n7/10\n\n"
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Places: eyelid, face, neck," in out and "lower back" in out
    assert "type twitch, or spasm" in out
    assert "'my tail' is not a place on the list" in out
    assert "give a whole number from 0 to 10" in out
    assert out.count("Twitch or spasm") == 2 and out.count("How strong") == 2
    [episode] = listed(db)["episodes"]
    assert (episode["kind"], episode["regions"], episode["intensity"]) == (
        "spasm",
        ["calf", "thigh"],
        7,
    )


def test_stopping_in_the_middle_saves_nothing_and_says_so(db: Path) -> None:
    done = run_at_terminal(db, "add", typed="twitch\nleft calf\n\x04")
    assert done.returncode == 1
    assert "Stopped: nothing was saved." in done.stderr
    assert listed(db)["episodes"] == []
    day = run_at_terminal(db, "day", typed="7\n\x04")
    assert day.returncode == 1 and "nothing was saved" in day.stderr
    assert listed(db)["days"] == []


def test_where_takes_places_as_people_write_them(db: Path) -> None:
    done = run(db, "add", "--kind", "spasm", "--where", "Left calf; both feet", "--intensity", "4")
    assert done.returncode == 0, done.stderr
    assert listed(db)["episodes"][0]["regions"] == ["calf", "foot"]
    leg = run(db, "add", "--kind", "spasm", "--where", "leg", "--intensity", "4")
    assert leg.returncode == 2 and "--where: 'leg': which part?" in leg.stderr


def test_at_a_terminal_day_asks_for_each_factor_and_enter_is_not_logged(db: Path) -> None:
    done = run_at_terminal(
        db, "day", "2026-11-20", typed="6,5 hours\n\nlots\n7/10\n\nhard\nno\n\nmagnesium\n"
    )
    assert done.returncode == 0, done.stderr
    assert "Enter to skip a factor" in done.stdout and "never zero" in done.stdout
    assert "give a whole number from 0 to 10" in done.stdout
    [day] = listed(db)["days"]
    assert day == {
        "date": "2026-11-20",
        "caffeine_cups": None,
        "sleep_hours": 6.5,
        "stress": 7,
        "water_glasses": None,
        "exercise": "heavy",
        "nicotine": False,
        "alcohol_units": None,
        "medications": ["magnesium"],
        "custom": {},
    }
    kept = run_at_terminal(db, "day", "2026-11-20", typed="\n2\n\n\n\n\n\n\n")
    assert kept.returncode == 0, kept.stderr
    assert "[6.5]" in kept.stdout
    [day] = listed(db)["days"]
    assert (day["sleep_hours"], day["caffeine_cups"], day["stress"]) == (6.5, 2, 7)
    nothing = run_at_terminal(db, "day", "2026-11-19", typed="\n" * 8)
    assert nothing.returncode == 0 and "Nothing was saved" in nothing.stdout
    assert len(listed(db)["days"]) == 1


def test_a_note_over_the_limit_is_refused_without_echoing_it(db: Path) -> None:
    note = "my private worry " * 125
    done = run(db, "add", *EPISODE_FLAGS, "--note", note)
    assert done.returncode == 2
    assert "--note: too long: at most 2000 characters (this one has 2125)" in done.stderr
    assert "private" not in done.stderr + done.stdout
    assert listed(db)["episodes"] == []


def test_list_limit_limits_the_days_too(db: Path) -> None:
    for date in ("2026-11-18", "2026-11-19", "2026-11-20"):
        assert run(db, "day", date, "--sleep", "7").returncode == 0
    for hour in (7, 8, 9):
        assert (
            run(db, "add", *EPISODE_FLAGS, "--at", f"2026-11-20T0{hour}:00+00:00").returncode == 0
        )
    data = json.loads(run(db, "list", "--limit", "2", "--format", "json").stdout)
    assert [d["date"] for d in data["days"]] == ["2026-11-19", "2026-11-20"]
    assert [e["at"][11:13] for e in data["episodes"]] == ["08", "09"]
    text = run(db, "list", "--limit", "1").stdout
    assert "2026-11-20  sleep 7" in text and "2026-11-19" not in text


def test_triggers_follow_the_terminals_language(db: Path, tmp_path: Path) -> None:
    from myoguide import load_knowledge

    from .test_i18n import english_sentences

    imported(db, caffeine_twitch_diary(), tmp_path)
    english = run(db, "triggers").stdout
    spanish = run(db, "triggers", env={"LANGUAGE": "es"}).stdout
    assert english.startswith("Twitches\n- On days with 4 or more cups of caffeine")
    assert english.endswith("Talk to a doctor about them.\n")
    assert spanish.startswith("Sacudidas\n- ")
    assert "Habla de ellos con un médico." in spanish
    assert english_sentences(spanish, load_knowledge(language="es")) == []
    assert len(spanish.splitlines()) == len(english.splitlines())
    # JSON: the same findings, their words in the language asked for.
    as_json = strict_json(run(db, "triggers", "--format", "json", env={"LANGUAGE": "es"}).stdout)
    before = strict_json(run(db, "triggers", "--format", "json").stdout)
    assert [f["verdict"] for f in as_json] == [f["verdict"] for f in before]
    assert all(a["text"] != b["text"] for a, b in zip(as_json, before, strict=True))
