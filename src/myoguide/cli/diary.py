"""`myoguide diary ...`: the diary in the terminal. Only click is imported at start-up."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ..i18n import ENGLISH, N_
from .language import Group, language, ngettext, option
from .language import gettext as _

if TYPE_CHECKING:
    from ..diary.store import Diary

REGIONS_HELP = N_("Body regions, comma separated (eyelid, calf, ...; see `myoguide topics`).")
# The ids of models.WarningSign, repeated so that start-up need not import pydantic (a test
# checks that they agree).
WARNING_SIGNS = (
    "weakness",
    "muscle_wasting",
    "spreading",
    "speech_or_swallowing_difficulty",
    "breathing_difficulty",
    "loss_of_voluntary_control",
    "numbness_or_tingling",
    "calf_swelling_redness_warmth",
    "dark_urine",
    "recent_head_injury",
    "tremor_or_rigidity",
    "fever",
    "severe_headache",
)
_DURATION = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?\s*$"
)
_FIELD_OPTIONS = {
    "date": "DATE",
    "at": "--at",
    "kind": "--kind",
    "regions": "--where",
    "intensity": "--intensity",
    "duration_s": "--duration",
    "note": "--note",
    "warning_signs": "--warning-sign",
    "caffeine_cups": "--caffeine",
    "sleep_hours": "--sleep",
    "stress": "--stress",
    "water_glasses": "--water",
    "exercise": "--exercise",
    "nicotine": "--nicotine",
    "alcohol_units": "--alcohol",
    "medications": "--medication",
    "custom": "--custom",
}


def _fail(message: str) -> NoReturn:
    click.echo(f"myoguide: error: {message}", err=True)
    sys.exit(2)


def _open(context: click.Context) -> Diary:
    from sqlalchemy.exc import SQLAlchemyError

    from ..diary.store import DiaryStore

    try:
        store = DiaryStore.open(context.obj.get("db"))
    except (SQLAlchemyError, OSError) as error:
        message = _("--db: cannot open the diary database: {problem}")
        _fail(message.format(problem=_database_problem(error)))
    context.call_on_close(store.close)
    return store.local_diary()


def _database_problem(error: Exception) -> str:
    """Why the diary's database cannot be opened: the library's own words in English (they
    help whoever runs the database); in another language, the kind of failure in its words."""
    from sqlalchemy.exc import DatabaseError, OperationalError

    from ..errors import os_reason

    if language() == ENGLISH:
        return f"{error.__class__.__name__}: {error}"
    if isinstance(error, OSError):
        return os_reason(error, language())
    if isinstance(error, OperationalError):
        return _("the database could not be reached or opened: check --db, and that it runs")
    if isinstance(error, DatabaseError):
        return _("the file is not a diary database")
    return _("the database gave an error ({kind})").format(kind=error.__class__.__name__)


def _validated(model: Any, data: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    from ..errors import field_problems

    try:
        return model.model_validate(data)
    except ValidationError as error:
        _fail(
            "; ".join(
                f"{_FIELD_OPTIONS.get(p.field.split('.')[0].split('[')[0], p.field)}: {p.message}"
                for p in field_problems(error, language=language())
            )
        )


def parse_duration(text: str) -> int:
    """Seconds from "45", "45s", "2m", "1.5 min", "2h"."""
    match = _DURATION.match(text)
    if not match:
        raise click.BadParameter(_("use seconds, or a number with s, m or h (for example 90s, 2m)"))
    number, unit = float(match.group(1)), (match.group(2) or "s")[0]
    return round(number * {"s": 1, "m": 60, "h": 3600}[unit])


def parse_moment(text: str) -> dt.datetime:
    """An ISO 8601 time; "now" (or that word in the run's language); or a time without an
    offset, read in the local time zone."""
    if text.strip().lower() in {"now", _("now")}:
        return dt.datetime.now().astimezone()
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            _("use ISO 8601, for example 2026-11-22T08:30+01:00, or 'now'")
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def parse_date(text: str) -> dt.date:
    """A date: YYYY-MM-DD, "today" or "yesterday" (or those words in the run's language)."""
    word = text.strip().lower()
    today = dt.date.today()
    if word in {"today", "", _("today")}:
        return today
    if word in {"yesterday", _("yesterday")}:
        return today - dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(word)
    except ValueError:
        raise click.BadParameter(_("use YYYY-MM-DD, 'today' or 'yesterday'")) from None


PERIOD_LIMITS = (dt.date(2, 1, 1), dt.date(9998, 12, 31))
"""--from and --to: a period is widened by a day or two either side and turned into local
times, so its ends stay a little inside the calendar's (years 1 to 9999)."""


def _period_date(text: str) -> dt.date:
    date = parse_date(text)
    first, last = PERIOD_LIMITS
    if not first <= date <= last:
        message = _("use a date from {first} to {last}")
        raise click.BadParameter(message.format(first=first.isoformat(), last=last.isoformat()))
    return date


def _past_moment(text: str) -> dt.datetime:
    """--at, refused at once when it lies in the future (before any question is asked)."""
    from ..diary.models import future_time_said

    moment = parse_moment(text)
    said = future_time_said(moment, dt.datetime.now(dt.UTC))
    if said is not None:
        raise click.BadParameter(said.translated(_))
    return moment


def _converter(parse: Callable[[str], Any]) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def convert(_context: click.Context, _param: click.Parameter, value: Any) -> Any:
        return None if value is None else parse(value)

    return convert


@click.group(
    cls=Group,
    help=N_(
        "Keep a diary of your twitches and spasms and of your days, and find what sets off "
        "yours. Your diary stays on your computer unless you point --db elsewhere."
    ),
)
@option(
    "--db",
    metavar="PATH|URL",
    envvar="MYOGUIDE_DATABASE_URL",
    help=N_(
        "The diary database: a SQLite file or a database URL (postgresql://...). "
        "Default: $MYOGUIDE_DATABASE_URL, else diary.sqlite3 in your data folder."
    ),
)
@click.pass_context
def diary(context: click.Context, db: str | None) -> None:
    context.ensure_object(dict)
    context.obj["db"] = db


def _episode_options(function: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        option("--kind", type=click.Choice(["twitch", "spasm"]), help=N_("Twitch or spasm.")),
        option("--where", "regions", metavar="REGIONS", help=REGIONS_HELP),
        option("--intensity", type=click.IntRange(0, 10), help=N_("How strong, 0 to 10.")),
        option(
            "--duration",
            metavar="TIME",
            callback=_converter(parse_duration),
            help=N_("How long it lasted: seconds, or 90s, 2m, 1h."),
        ),
        option(
            "--at",
            "moment",
            metavar="TIME",
            callback=_converter(_past_moment),
            help=N_("When (ISO 8601, e.g. 2026-11-22T08:30+01:00); default now."),
        ),
        option("--note", help=N_("A short note.")),
        option(
            "--warning-sign",
            "warning_signs",
            type=click.Choice(WARNING_SIGNS),
            multiple=True,
            metavar="ID",
            help=N_("A warning sign noticed with it (repeat for more): {signs}"),
            help_values={"signs": ", ".join(WARNING_SIGNS)},
        ),
    ]
    for add_option in reversed(options):
        function = add_option(function)
    return function


def _ask(label: str, read: Callable[..., Any], default: str | None = None) -> Any:
    """One question, asked again with the reason until the reply can be read (in the run's
    language, or English). With a default, Enter gives it; an empty default means "not
    logged" (None)."""
    from ..diary.replies import ReplyError

    def value(reply: str) -> Any:
        if not reply.strip() and default is not None:
            return None  # Enter, with nothing logged before: it stays not logged
        try:
            return read(reply, language=language())
        except ReplyError as error:
            raise click.BadParameter(str(error)) from None

    return click.prompt(label, default=default, show_default=bool(default), value_proc=value)


def _yes_no() -> tuple[set[str], set[str]]:
    """The words for yes and for no: the English ones, and the run's language's."""

    def words(english: set[str], translated: str) -> set[str]:
        return english | {word.strip() for word in _(translated).lower().split(",")}

    return words({"y", "yes"}, N_("y, yes")), words({"n", "no"}, N_("n, no"))


def _confirm(question: str) -> None:
    """Ask yes or no (as click.confirm does, in the run's language); stop unless yes."""
    yes, no = _yes_no()

    def value(reply: str) -> bool:
        if reply.strip().lower() not in yes | no | {""}:
            raise click.BadParameter(_("invalid input"))
        return reply.strip().lower() in yes

    # TRANSLATORS: the replies to a question whose answer is no unless one types yes.
    replies = _("y/N")
    if not click.prompt(
        f"{question} [{replies}]", default="", show_default=False, value_proc=value
    ):
        raise click.Abort()


@contextmanager
def _nothing_saved_if_stopped() -> Iterator[None]:
    """Ctrl-C or the end of input in the middle of the questions: say so, save nothing."""
    try:
        yield
    except click.Abort:
        click.echo("\n" + _("Stopped: nothing was saved."), err=True)
        sys.exit(1)


def _ask_missing(values: dict[str, Any], required: list[str]) -> bool:
    """Ask for what the flags left out, when a person is at the keyboard; True if it asked.
    Each reply is checked as it is typed, so a slip costs one question, not the entry."""
    from ..diary.replies import places, read_kind, read_regions, read_scale

    missing = [name for name in required if values.get(name) is None]
    if not missing:
        return False
    if not sys.stdin.isatty():
        names = [_FIELD_OPTIONS[name] for name in missing]
        if len(names) == 1:
            _fail(_("{option} is needed").format(option=names[0]))
        and_ = " " + _("and") + " "
        _fail(_("{options} are needed").format(options=and_.join(names)))
    for name in missing:
        if name == "kind":
            values[name] = _ask(_("Twitch or spasm (a cramp is a spasm)?"), read_kind)
        elif name == "regions":
            click.echo(_("Places: {places}").format(places=", ".join(places(language()))))
            where = _("Where (one or more places, separated by commas)?")
            values[name] = _ask(where, read_regions)
        else:
            values[name] = _ask(_("How strong, 0 to 10?"), read_scale)
    return True


def _ask_warning_signs() -> list[str]:
    """One question for every warning sign; Enter means none noticed (or not sure)."""
    from ..diary.safety import SIGN_NAMES

    click.echo(_("Anything else with it? Press Enter if nothing, or if you are not sure."))
    for number, name in enumerate(SIGN_NAMES.values(), start=1):
        click.echo(f"  {number:>2}. {_(name)}")

    def read(reply: str) -> list[str]:
        chosen = []
        for part in reply.replace(",", " ").split():
            if part.isdigit() and 1 <= int(part) <= len(WARNING_SIGNS):
                chosen.append(WARNING_SIGNS[int(part) - 1])
            elif part in WARNING_SIGNS:
                chosen.append(part)
            else:
                message = _("{reply} is not on the list: give numbers from 1 to {last}")
                raise click.BadParameter(message.format(reply=repr(part), last=len(WARNING_SIGNS)))
        return chosen

    signs: list[str] = click.prompt(
        _("Numbers, separated by commas"), default="", show_default=False, value_proc=read
    )
    return signs


def _period_options(
    start_help: str, end_help: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--from and --to, read as dates."""

    def add(function: Callable[..., Any]) -> Callable[..., Any]:
        function = option(
            "--to",
            "end",
            metavar="DATE",
            callback=_converter(_period_date),
            help=end_help,
        )(function)
        return option(
            "--from",
            "start",
            metavar="DATE",
            callback=_converter(_period_date),
            help=start_help,
        )(function)

    return add


@diary.command(help=N_("Log a twitch or spasm (asks for what the flags leave out)."))
@_episode_options
@click.pass_context
def add(context: click.Context, /, **flags: Any) -> None:
    from ..diary.models import EpisodeIn

    values = dict(flags)
    if values["regions"] is not None:
        values["regions"] = _regions(values["regions"])
    with _nothing_saved_if_stopped():
        if _ask_missing(values, ["kind", "regions", "intensity"]) and not values["warning_signs"]:
            values["warning_signs"] = _ask_warning_signs()
    data = {
        "at": values["moment"] or dt.datetime.now().astimezone(),
        "kind": values["kind"],
        "regions": values["regions"],
        "intensity": values["intensity"],
        "duration_s": values["duration"],
        "note": values["note"] or "",
        "warning_signs": list(values["warning_signs"]),
    }
    episode = _validated(EpisodeIn, data)
    saved = _open(context).add_episode(episode)
    click.echo(_("Added episode {id}: {episode}").format(id=saved.id, episode=_describe(saved)))
    _advise(saved)


@diary.command(
    help=N_(
        "Change an episode: only the fields you give change (--warning-sign replaces the "
        "signs noted)."
    )
)
@click.argument("episode_id", type=int, metavar="ID")
@_episode_options
@option("--no-warning-signs", is_flag=True, help=N_("Clear the warning signs noted."))
@click.pass_context
def edit(context: click.Context, /, episode_id: int, **flags: Any) -> None:
    from ..diary.models import EpisodeIn

    if flags["no_warning_signs"] and flags["warning_signs"]:
        _fail(_("--no-warning-signs: cannot be used with --warning-sign"))
    book = _open(context)
    current = book.episode(episode_id)
    if current is None:
        _fail(_("ID: there is no episode {id} (see `myoguide diary list`)").format(id=episode_id))
    data = current.model_dump(exclude={"id"})
    changes = {
        "at": flags["moment"],
        "kind": flags["kind"],
        "regions": _regions(flags["regions"]) if flags["regions"] is not None else None,
        "intensity": flags["intensity"],
        "duration_s": flags["duration"],
        "note": flags["note"],
        "warning_signs": list(flags["warning_signs"]) or None,
    }
    if flags["no_warning_signs"]:
        changes["warning_signs"] = []
    data.update({name: value for name, value in changes.items() if value is not None})
    saved = book.update_episode(episode_id, _validated(EpisodeIn, data))
    assert saved is not None
    click.echo(_("Changed episode {id}: {episode}").format(id=saved.id, episode=_describe(saved)))
    _advise(saved)


@diary.command(help=N_("Delete an episode (asks first unless --yes)."))
@click.argument("episode_id", type=int, metavar="ID")
@option("--yes", is_flag=True, help=N_("Do not ask for confirmation."))
@click.pass_context
def delete(context: click.Context, episode_id: int, yes: bool) -> None:
    book = _open(context)
    current = book.episode(episode_id)
    if current is None:
        _fail(_("ID: there is no episode {id} (see `myoguide diary list`)").format(id=episode_id))
    if not yes:
        if not sys.stdin.isatty():
            _fail(_("--yes is needed to delete without asking"))
        question = _("Delete episode {id} ({episode})?")
        _confirm(question.format(id=episode_id, episode=_describe(current)))
    book.delete_episode(episode_id)
    deleted = _("Deleted episode {id}: {episode}")
    click.echo(deleted.format(id=episode_id, episode=_describe(current)))


@diary.command(
    help=N_(
        "Log a day's factors (today unless DATE). Only what you give changes; blank means not "
        "logged, never zero. With no factor given, at a terminal, it asks for each."
    )
)
@click.argument("date", required=False, default="today", metavar="[DATE]")
@option("--caffeine", type=click.FloatRange(0, 100), help=N_("Cups of coffee, tea, cola..."))
@option("--sleep", type=click.FloatRange(0, 24), help=N_("Hours of sleep last night."))
@option("--stress", type=click.IntRange(0, 10), help=N_("Stress, 0 to 10."))
@option("--water", type=click.FloatRange(0, 100), help=N_("Glasses of water."))
@option("--exercise", type=click.Choice(["none", "light", "heavy"]), help=N_("Exercise."))
@option("--nicotine/--no-nicotine", default=None, help=N_("Any nicotine today?"))
@option("--alcohol", type=click.FloatRange(0, 100), help=N_("Units of alcohol."))
@option("--medication", multiple=True, metavar="NAME", help=N_("A medicine taken (repeat)."))
@option(
    "--custom",
    multiple=True,
    metavar="NAME=VALUE",
    help=N_("Your own factor, e.g. screen_hours=6 or period=yes (repeat)."),
)
@click.pass_context
def day(context: click.Context, /, date: str, **flags: Any) -> None:
    from ..diary.models import DayIn, future_date_said

    try:
        when = parse_date(date)
    except click.BadParameter as error:
        _fail(f"DATE: {error.message}")
    said = future_date_said(when, dt.datetime.now(dt.UTC))
    if said is not None:
        _fail("DATE: " + said.translated(_))
    fields = {
        "caffeine_cups": flags["caffeine"],
        "sleep_hours": flags["sleep"],
        "stress": flags["stress"],
        "water_glasses": flags["water"],
        "exercise": flags["exercise"],
        "nicotine": flags["nicotine"],
        "alcohol_units": flags["alcohol"],
    }
    data: dict[str, Any] = {"date": when}
    data.update({name: value for name, value in fields.items() if value is not None})
    if flags["medication"]:
        data["medications"] = list(flags["medication"])
    if flags["custom"]:
        data["custom"] = dict(_custom(item) for item in flags["custom"])
    if len(data) == 1 and not sys.stdin.isatty():
        _fail(_("give at least one factor, for example --sleep 6 --caffeine 3"))
    book = _open(context)
    if len(data) == 1:
        with _nothing_saved_if_stopped():
            data.update(_ask_day(book.day(when)))
        if len(data) == 1:
            click.echo(_("Nothing was saved: every factor was left not logged."))
            return
    saved = book.set_day(_validated(DayIn, data))
    click.echo(
        _("Saved {date}: {day}").format(date=saved.date.isoformat(), day=_describe_day(saved))
    )


def _logged(value: float | bool | str | None) -> str:
    """A factor as logged already, shown as the question's default ("" when not logged)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return f"{value:g}" if isinstance(value, float) else str(value)


def _ask_day(logged: Any) -> dict[str, Any]:
    """Every built-in factor and the medicines, one question each. Enter keeps what is logged
    already, or leaves the factor not logged (never zero)."""
    from functools import partial

    from ..diary.replies import read_amount, read_exercise, read_scale, read_yes_no

    click.echo(_('Press Enter to skip a factor: it stays as it is ("not logged" is never zero).'))
    questions: list[tuple[str, str, Callable[..., Any]]] = [
        ("sleep_hours", N_("Hours of sleep last night?"), partial(read_amount, most=24)),
        (
            "caffeine_cups",
            N_("Cups of coffee, tea, cola or energy drink?"),
            partial(read_amount, most=100),
        ),
        ("stress", N_("Stress, 0 to 10?"), read_scale),
        ("water_glasses", N_("Glasses of water?"), partial(read_amount, most=100)),
        ("exercise", N_("Exercise: none, light or heavy?"), read_exercise),
        ("nicotine", N_("Any nicotine (yes or no)?"), read_yes_no),
        ("alcohol_units", N_("Units of alcohol?"), partial(read_amount, most=100)),
    ]
    answers: dict[str, Any] = {}
    for name, label, read in questions:
        value = _ask(_(label), read, default=_logged(getattr(logged, name) if logged else None))
        if value is not None:
            answers[name] = value
    medicines = _ask(
        _("Medicines taken (separated by commas)?"),
        lambda reply, language: [part.strip() for part in reply.split(",") if part.strip()],
        default=", ".join(logged.medications) if logged else "",
    )
    if medicines:
        answers["medications"] = medicines
    return answers


@diary.command(name="list", help=N_("List your episodes and days, oldest first."))
@_period_options(N_("From this day (YYYY-MM-DD)."), N_("Up to and including this day."))
@option(
    "--limit",
    type=click.IntRange(1),
    help=N_("At most this many episodes and this many days (the newest of each)."),
)
@option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help=N_("How to print the list."),
)
@click.pass_context
def list_entries(
    context: click.Context,
    start: dt.date | None,
    end: dt.date | None,
    limit: int | None,
    output_format: str,
) -> None:
    import json

    book = _open(context)
    start_at = _start_of(start) if start else None
    end_at = _start_of(end + dt.timedelta(days=1)) if end else None
    episodes = book.episodes(start_at, end_at, limit=limit, newest_first=limit is not None)
    episodes.sort(key=lambda e: (e.at, e.id))
    days = book.days(start, end)
    if limit is not None:
        days = days[-limit:]
    if output_format == "json":
        data = {
            "episodes": [e.model_dump(mode="json") for e in episodes],
            "days": [d.model_dump(mode="json") for d in days],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if output_format == "csv":
        from ..diary.csvio import write_episodes

        write_episodes(episodes, sys.stdout)
        return
    if not episodes and not days:
        click.echo(_("The diary is empty. Log an episode with `myoguide diary add`."))
        return
    for episode in episodes:
        click.echo(f"#{episode.id:<5} {_describe(episode)}")
    if days:
        click.echo("")
        for entry in days:
            click.echo(f"{entry.date.isoformat()}  {_describe_day(entry)}")


@diary.command(
    name="import",
    help=N_(
        "Import episodes and days from CSV, or from a FHIR Bundle. Everything is checked "
        "first; if anything is wrong, nothing is imported. An episode already in the diary is "
        "not added twice."
    ),
)
@option(
    "--episodes",
    "episodes_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help=N_("Episodes CSV: timestamp,kind,regions,intensity,duration_s,note[,warning_signs]"),
)
@option(
    "--days",
    "days_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help=N_(
        "Days CSV: date,caffeine_cups,sleep_hours,stress,water_glasses,exercise,"
        "nicotine,alcohol_units"
    ),
)
@option(
    "--fhir",
    "fhir_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help=N_(
        "A FHIR R4 Bundle of the diary's Observations, as `export --fhir` writes it "
        "('-' for standard input)."
    ),
)
@click.pass_context
def import_(
    context: click.Context,
    episodes_path: str | None,
    days_path: str | None,
    fhir_path: str | None,
) -> None:
    from ..diary.csvio import CsvProblem, read_days, read_episodes
    from ..diary.models import DayIn, EpisodeIn

    if not episodes_path and not days_path and not fhir_path:
        _fail(_("give --episodes FILE, --days FILE, --fhir FILE, or more than one"))
    episodes: list[EpisodeIn] = []
    days: list[DayIn] = []
    problems: list[str] = []
    if fhir_path:
        from ..fhir.diary import FhirDiaryProblem, read_diary_bundle

        try:
            episodes, days = read_diary_bundle(_read(fhir_path, "--fhir"), language=language())
        except FhirDiaryProblem as problem:
            problems += [f"{fhir_path}, {place}" for place in problem.problems]
    if episodes_path:
        try:
            episodes += read_episodes(_read(episodes_path, "--episodes"), language=language())
        except CsvProblem as problem:
            problems += [f"{episodes_path}, {line}" for line in problem.problems]
    if days_path:
        try:
            days += read_days(_read(days_path, "--days"), language=language())
        except CsvProblem as problem:
            problems += [f"{days_path}, {line}" for line in problem.problems]
    if problems:
        nothing = _("nothing was imported; fix these places first:")
        click.echo(f"myoguide: error: {nothing}", err=True)
        for line in problems:
            click.echo(f"  {line}", err=True)
        sys.exit(2)
    done = _open(context).import_entries(episodes, days)
    added = {"episodes": _episodes(done.episodes_added), "days": _days(done.days_added)}
    if done.days_changed:
        imported = _("Imported {episodes} and {days}; changed {changed}.")
        click.echo(imported.format(**added, changed=_days(done.days_changed)))
    else:
        click.echo(_("Imported {episodes} and {days}.").format(**added))
    there = [_episodes(done.episodes_already_there)] if done.episodes_already_there else []
    there += [_days(done.days_already_there)] if done.days_already_there else []
    if there:
        and_ = " " + _("and") + " "
        already = _("Already in the diary, so not added again: {things}.")
        click.echo(already.format(things=and_.join(there)))


def _episodes(count: int) -> str:
    return ngettext("{count} episode", "{count} episodes", count).format(count=count)


def _days(count: int) -> str:
    return ngettext("{count} day", "{count} days", count).format(count=count)


@diary.command(
    help=N_("Export the whole diary as CSV, or as a FHIR Bundle (the formats `import` reads).")
)
@option(
    "--episodes",
    "episodes_path",
    metavar="FILE",
    help=N_("Write episodes CSV here ('-' for standard output)."),
)
@option(
    "--days",
    "days_path",
    metavar="FILE",
    help=N_("Write days CSV here ('-' for standard output)."),
)
@option(
    "--fhir",
    "fhir_path",
    metavar="FILE",
    help=N_(
        "Write the whole diary as a FHIR R4 Bundle of Observations here ('-' for standard output)."
    ),
)
@click.pass_context
def export(
    context: click.Context,
    episodes_path: str | None,
    days_path: str | None,
    fhir_path: str | None,
) -> None:
    from ..diary.csvio import write_days, write_episodes

    if not episodes_path and not days_path and not fhir_path:
        _fail(_("give --episodes FILE, --days FILE, --fhir FILE, or more than one"))
    book = _open(context)
    if episodes_path:
        _write(episodes_path, "--episodes", lambda out: write_episodes(book.episodes(), out))
    if days_path:
        _write(days_path, "--days", lambda out: write_days(book.days(), out))
    if fhir_path:
        from ..fhir.diary import bundle_json, diary_bundle

        bundle = diary_bundle(book.episodes(), book.days(), language())
        _write(fhir_path, "--fhir", lambda out: out.write(bundle_json(bundle) + "\n"))


@diary.command(
    help=N_(
        "What seems to go with more (or fewer) episodes in your own diary, with how sure. "
        "Twitches and spasms are analysed apart when the diary holds both."
    )
)
@option(
    "--kind",
    type=click.Choice(["twitch", "spasm"]),
    help=N_("Only twitches or spasms (default: each kind logged, apart)."),
)
@option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help=N_("How to print the findings (JSON: one list, each finding with its kind)."),
)
@click.pass_context
def triggers(context: click.Context, kind: str | None, output_format: str) -> None:
    import json

    from ..diary.analysis import KIND_HEADINGS, every_finding, triggers_by_kind

    book = _open(context)
    sections = triggers_by_kind(
        book.days(),
        book.episodes(),
        kind=kind,  # type: ignore[arg-type]
        language=language(),
    )
    if output_format == "json":
        findings = every_finding(sections)
        click.echo(json.dumps([f.model_dump(mode="json") for f in findings], indent=2))
        return
    for index, (section, findings) in enumerate(sections.items()):
        if len(sections) > 1:
            click.echo(("\n" if index else "") + _(KIND_HEADINGS[section]))
        for finding in findings:
            click.echo(f"- {finding.text}")
    closing = N_("These are patterns in your diary, not a diagnosis. Talk to a doctor about them.")
    click.echo("\n" + _(closing))


@diary.command(
    help=N_(
        "A one- or two-page PDF for your doctor: episodes and their trend, where, how strong, "
        "likely triggers with their figures, medications, and the charts."
    )
)
@option(
    "--pdf",
    "pdf_path",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help=N_("Write the PDF here."),
)
@_period_options(
    N_("From this day (YYYY-MM-DD); default the first entry."),
    N_("Up to and including this day; default the last entry."),
)
@click.pass_context
def report(
    context: click.Context, pdf_path: str, start: dt.date | None, end: dt.date | None
) -> None:
    from ..diary.report import diary_period, doctor_report, page_count

    if start and end and start > end:
        _fail(_("--from: comes after --to"))
    book = _open(context)
    # A day either side: the report places each episode on its own local date, whatever the
    # time zone of this computer.
    margin = dt.timedelta(days=1)
    start_at = _start_of(start - margin) if start else None
    end_at = _start_of(end + 2 * margin) if end else None
    episodes = book.episodes(start_at, end_at)
    days = book.days(start, end)
    period = diary_period(days, episodes, start, end)
    pdf = doctor_report(days, episodes, period=period, language=language())
    try:
        with open(pdf_path, "wb") as handle:
            handle.write(pdf)
    except OSError as error:
        from ..errors import os_reason

        message = _("--pdf: cannot write {path}: {reason}")
        _fail(message.format(path=repr(pdf_path), reason=os_reason(error, language())))
    pages = page_count(pdf)
    wrote = ngettext("Wrote {path} ({count} page)", "Wrote {path} ({count} pages)", pages)
    click.echo(wrote.format(path=pdf_path, count=pages), err=True)


@diary.command(help=N_("Delete the whole diary: every episode and every day."))
@option("--yes", is_flag=True, help=N_("Do not ask for confirmation."))
@click.pass_context
def erase(context: click.Context, yes: bool) -> None:
    book = _open(context)
    if not yes:
        if not sys.stdin.isatty():
            _fail(_("--yes is needed to erase without asking"))
        _confirm(_("Delete every episode and day in this diary? This cannot be undone"))
    episodes, days = book.erase()
    erased = _("Erased {episodes} and {days}.")
    click.echo(erased.format(episodes=_episodes(episodes), days=_days(days)))


def _read(path: str, option: str) -> str:
    try:
        if path == "-":
            return sys.stdin.buffer.read().decode("utf-8-sig")
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as error:
        from ..errors import os_reason

        reason = os_reason(error, language())
        message = _("{option}: cannot read {path}: {reason}")
        _fail(message.format(option=option, path=repr(path), reason=reason))


def _write(path: str, option: str, write: Callable[[Any], None]) -> None:
    if path == "-":
        write(sys.stdout)
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            write(handle)
    except OSError as error:
        from ..errors import os_reason

        message = _("{option}: cannot write {path}: {reason}")
        _fail(message.format(option=option, path=repr(path), reason=os_reason(error, language())))
    click.echo(_("Wrote {path}").format(path=path), err=True)


def _regions(text: str) -> list[str]:
    """--where, read as a person writes places ("left calf, Thigh")."""
    from ..diary.replies import ReplyError, read_regions

    try:
        return read_regions(text, language())
    except ReplyError as error:
        _fail(f"--where: {error}")


def _custom(item: str) -> tuple[str, float | bool]:
    name, sep, raw = item.partition("=")
    if not sep or not name.strip():
        _fail(_("--custom: {item} should look like NAME=VALUE").format(item=repr(item)))
    value = raw.strip().lower()
    yes, no = _yes_no()
    if value in yes | {"true"}:
        return name.strip(), True
    if value in no | {"false"}:
        return name.strip(), False
    try:
        return name.strip(), float(value)
    except ValueError:
        message = _("--custom: {name}: use a number or yes/no, not {value}")
        _fail(message.format(name=name.strip(), value=repr(raw)))


def _start_of(date: dt.date) -> dt.datetime:
    return dt.datetime.combine(date, dt.time()).astimezone()


_KIND_NAMES = {"twitch": N_("twitch"), "spasm": N_("spasm")}
_DAY_FACTORS = {
    "caffeine_cups": N_("caffeine {value}"),
    "sleep_hours": N_("sleep {value}"),
    "stress": N_("stress {value}"),
    "water_glasses": N_("water {value}"),
    "exercise": N_("exercise {value}"),
    "nicotine": N_("nicotine {value}"),
    "alcohol_units": N_("alcohol {value}"),
}
"""A day's factors as a line of the list names them, in their order."""
_EXERCISE_NAMES = {"none": N_("none"), "light": N_("light"), "heavy": N_("heavy")}


def _describe(episode: Any) -> str:
    from ..diary.replies import REGIONS, places

    when = episode.at.strftime("%Y-%m-%d %H:%M %z")
    # English names the places by their ids, as it always has; another language in its words.
    spoken = language()
    names = dict(zip(REGIONS, places(spoken), strict=True)) if spoken != ENGLISH else {}
    where = ", ".join(names.get(region, region) for region in episode.regions)
    parts = [
        _("{kind} in {places}").format(kind=_(_KIND_NAMES[episode.kind]), places=where),
        _("intensity {number}").format(number=episode.intensity),
    ]
    if episode.duration_s is not None:
        parts.append(f"{episode.duration_s} s")
    text = f"{when}  " + ", ".join(parts)
    if episode.warning_signs:
        from ..diary.safety import sign_names

        signs = ", ".join(_(name).lower() for name in sign_names(episode.warning_signs))
        text += "; " + _("noted: {signs}").format(signs=signs)
    return f"{text} ({episode.note})" if episode.note else text


def _advise(episode: Any) -> None:
    """What to do about an episode that needs more than self-care: the check's triage."""
    from ..diary.safety import episode_triage
    from ..engine import default_engine

    triage = episode_triage(episode, default_engine(language()))
    if triage is None:
        return
    click.echo(f"\n{triage.label.upper()}\n{triage.action}")
    click.echo(_("Why:"))
    for reason in triage.reasons:
        click.echo(f"- {reason.text}")
    click.echo(
        _(
            "This looks only at what you noted with this episode. For a fuller answer, run "
            "`myoguide check`."
        )
    )


def _describe_day(entry: Any) -> str:
    from ..i18n import decimal_symbol

    point = decimal_symbol(language())

    def said(value: float | bool | str) -> str:
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return f"{value:g}".replace(".", point) if isinstance(value, float) else str(value)

    parts = []
    for field, line in _DAY_FACTORS.items():
        value = getattr(entry, field)
        if value is None:
            continue
        shown = _(_EXERCISE_NAMES[value]) if field == "exercise" else said(value)
        parts.append(_(line).format(value=shown))
    if entry.medications:
        parts.append(_("medications {names}").format(names=", ".join(entry.medications)))
    # A factor of your own as the built-in ones are: yes or no, a number; none when not logged.
    parts += [f"{name} {said(value)}" for name, value in entry.custom.items() if value is not None]
    return ", ".join(parts) or _("nothing logged")
