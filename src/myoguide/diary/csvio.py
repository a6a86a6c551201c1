"""The diary's CSV format, for import and export (a lossless round trip).

Episodes: timestamp,kind,regions,intensity,duration_s,note
  (ISO 8601 timestamp with its offset; regions separated by ";"), then one optional column:
  warning_signs (the ids separated by ";"; without the column, none were noted).
Days: date,caffeine_cups,sleep_hours,stress,water_glasses,exercise,nicotine,alcohol_units
  (blank = not logged), then two optional columns: medications (separated by ";") and
  custom (the custom factors as a JSON object), so nothing is lost on the way round.

Safe to open in a spreadsheet (OWASP's advice on CSV injection): a cell that starts with
= + - @, a tab or a carriage return, which a spreadsheet would run as a formula, is written
with a ' before it, and so is a cell that starts with ' itself; import takes exactly one
leading ' away from every cell, so the round trip stays exact. The cells of free text (note,
medications, custom) are always in double quotes, so a reader that splits on ';' keeps them
whole.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from pydantic import ValidationError

from ..errors import field_problems
from ..i18n import ENGLISH, N_, gettext_for
from .models import BUILT_IN_FACTORS, Day, DayIn, Episode, EpisodeIn

EPISODE_COLUMNS = ("timestamp", "kind", "regions", "intensity", "duration_s", "note")
EPISODE_EXTRA_COLUMNS = ("warning_signs",)
DAY_COLUMNS = ("date", *BUILT_IN_FACTORS)
DAY_EXTRA_COLUMNS = ("medications", "custom")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell starts when a spreadsheet would read it as a formula (OWASP: CSV injection)."""
ESCAPE = "'"
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


class CsvProblem(ValueError):
    """Rows that could not be read, each named by its line and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def write_episodes(episodes: Iterable[Episode | EpisodeIn], out: TextIO) -> None:
    out.write(_line((*EPISODE_COLUMNS, *EPISODE_EXTRA_COLUMNS)))
    for e in episodes:
        out.write(
            _line(
                [
                    e.at.isoformat(),
                    e.kind,
                    ";".join(e.regions),
                    str(e.intensity),
                    "" if e.duration_s is None else str(e.duration_s),
                    e.note,
                    ";".join(e.warning_signs),
                ],
                free_text=(5,),
            )
        )


def write_days(days: Iterable[Day | DayIn], out: TextIO) -> None:
    out.write(_line((*DAY_COLUMNS, *DAY_EXTRA_COLUMNS)))
    for d in days:
        out.write(
            _line(
                [
                    d.date.isoformat(),
                    _number(d.caffeine_cups),
                    _number(d.sleep_hours),
                    _number(d.stress),
                    _number(d.water_glasses),
                    d.exercise or "",
                    "" if d.nicotine is None else ("true" if d.nicotine else "false"),
                    _number(d.alcohol_units),
                    ";".join(d.medications),
                    json.dumps(d.custom, ensure_ascii=False, sort_keys=True) if d.custom else "",
                ],
                free_text=(8, 9),
            )
        )


def _line(cells: Sequence[str], free_text: Sequence[int] = ()) -> str:
    """One CSV row (CRLF, as the csv module writes it), every cell neutralised."""
    return ",".join(_cell(value, i in free_text) for i, value in enumerate(cells)) + "\r\n"


def _cell(value: str, free_text: bool) -> str:
    value = ESCAPE + value if value.startswith((*FORMULA_STARTS, ESCAPE)) else value
    if (free_text and value) or any(mark in value for mark in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def read_episodes(text: str, *, language: str = ENGLISH) -> list[EpisodeIn]:
    """Every episode in the CSV, or CsvProblem listing every problem of every row (said in
    `language`)."""
    rows, problems = _rows(text, EPISODE_COLUMNS, EPISODE_EXTRA_COLUMNS, language)
    episodes: list[EpisodeIn] = []
    for line, row in rows:
        data: dict[str, Any] = {
            "at": row["timestamp"],
            "kind": row["kind"],
            "regions": _list(row["regions"]),
            "intensity": row["intensity"],
            "duration_s": row["duration_s"] or None,
            "note": row["note"],
            "warning_signs": _list(row.get("warning_signs") or ""),
        }
        try:
            episodes.append(EpisodeIn.model_validate(data))
        except ValidationError as error:
            problems += [
                _at(line, _column(p.field), p.message, language)
                for p in field_problems(error, language=language)
            ]
    if problems:
        raise CsvProblem(problems)
    return episodes


def read_days(text: str, *, language: str = ENGLISH) -> list[DayIn]:
    """Every day in the CSV, or CsvProblem listing every problem of every row (said in
    `language`)."""
    _ = gettext_for(language)
    rows, problems = _rows(text, DAY_COLUMNS, DAY_EXTRA_COLUMNS, language)
    days: list[DayIn] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        data: dict[str, Any] = {name: row[name] or None for name in DAY_COLUMNS}
        nicotine = (row["nicotine"] or "").strip().lower()
        if nicotine in _TRUE | _FALSE:
            data["nicotine"] = nicotine in _TRUE
        data["medications"] = [
            m.strip() for m in (row.get("medications") or "").split(";") if m.strip()
        ]
        custom_text = (row.get("custom") or "").strip()
        try:
            data["custom"] = json.loads(custom_text) if custom_text else {}
        except json.JSONDecodeError:
            problems.append(_at(line, "custom", _("not a JSON object"), language))
            data["custom"] = {}
        if row["date"] in seen:
            earlier = seen[row["date"]]
            already = _("{date} is already on line {line}").format(date=row["date"], line=earlier)
            problems.append(_at(line, "date", already, language))
            continue
        seen[row["date"]] = line
        try:
            days.append(DayIn.model_validate(data))
        except ValidationError as error:
            problems += [
                _at(line, _column(p.field), p.message, language)
                for p in field_problems(error, language=language)
            ]
    if problems:
        raise CsvProblem(problems)
    return days


def _rows(
    text: str, required: tuple[str, ...], optional: tuple[str, ...], language: str
) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The rows that have every column, and the problems of the header and of the others."""
    _ = gettext_for(language)
    on_line = _("line {number}: {problem}")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    missing = [name for name in required if name not in header]
    if missing:
        problem = _("the header is missing {columns}").format(columns=", ".join(missing))
        return [], [on_line.format(number=1, problem=problem)]
    unknown = [name for name in header if name not in (*required, *optional)]
    if unknown:
        problem = _("unknown column {columns}").format(columns=", ".join(unknown))
        return [], [on_line.format(number=1, problem=problem)]
    rows, problems = [], []
    for row in reader:
        if None in row or any(value is None for value in row.values()):
            problem = _("wrong number of columns (the header has {count})")
            problems.append(
                on_line.format(number=reader.line_num, problem=problem.format(count=len(header)))
            )
            continue
        if not any(value.strip() for value in row.values()):
            continue
        rows.append((reader.line_num, {name: _unescaped(value) for name, value in row.items()}))
    return rows, problems


def _unescaped(cell: str) -> str:
    """The cell as it was before writing: one leading ' taken away (see the module's notes)."""
    return cell[1:] if cell.startswith(ESCAPE) else cell


def _at(line: int, column: str, message: str, language: str) -> str:
    where = gettext_for(language)(N_("line {line}, column {column}: {problem}"))
    return where.format(line=line, column=column, problem=message)


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _column(field: str) -> str:
    """The CSV column of a model field ("regions[1]" is in the column regions)."""
    name = field.split("[")[0]
    return {"at": "timestamp"}.get(name, name)


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
