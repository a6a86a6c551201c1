"""The terminal adapter: ``myoguide check``, ``topics``, ``explain``.

Only click is imported at start-up; the engine, pydantic and Rich load when a command runs,
so ``myoguide --help`` starts fast.
"""

from __future__ import annotations

import functools
import io
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .. import __version__
from ..freetext import LANGUAGES as FREE_TEXT_LANGUAGES
from ..i18n import ENGLISH, N_, gettext_for, translations
from .diary import diary
from .language import Program, choose_language, option
from .language import gettext as _
from .language import language as _language

if TYPE_CHECKING:
    from ..answers import Answers
    from ..assessment import Assessment
    from ..knowledge import Knowledge

FORMATS = ("text", "markdown", "json")
_BANNER_STYLE = {
    "emergency": "bold white on red",
    "see_doctor_soon": "bold black on dark_orange",
    "see_doctor": "bold white on blue",
    "self_care": "bold white on dark_green",
    "unchecked": "bold black on yellow",
}


def _format_option(
    text: str, formats: tuple[str, ...] = FORMATS
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return option(
        "--format",
        "output_format",
        type=click.Choice(formats),
        default="text",
        show_default=True,
        help=text,
    )


def _fail(message: str) -> NoReturn:
    """Bad input: a clear message on standard error and exit status 2, never a traceback."""
    click.echo(f"myoguide: error: {message}", err=True)
    sys.exit(2)


def _show_version(context: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        click.echo(
            _("%(prog)s, version %(version)s") % {"prog": "myoguide", "version": __version__}
        )
        context.exit()


def _check_language(_context: click.Context, _param: click.Parameter, value: str | None) -> None:
    """--lang, refused when we do not speak it (Program.parse_args has chosen it already)."""
    if value is not None and choose_language(value) is None:
        from ..i18n import languages

        message = _("--lang: no language {language} (there is: {languages})")
        _fail(message.format(language=repr(value), languages=", ".join(languages())))


@click.group(
    cls=Program,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_(
        "myoguide explains muscle twitches and spasms (cramps): which one it is, what is "
        "most likely behind it, whether a doctor should see it and how soon, and what helps. "
        "Every statement is cited.\n\n"
        "It informs; it does not diagnose. If you think it may be an emergency, call your "
        "local emergency number now."
    ),
)
@option(
    "--version",
    "-V",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help=N_("Show the version and exit."),
)
@option(
    "--lang",
    "language",
    metavar="CODE",
    is_eager=True,
    expose_value=False,
    callback=_check_language,
    help=N_(
        "The language of the check, topics and explanations, by its code (such as es). Without it, "
        "LANGUAGE, LC_ALL, LC_MESSAGES or LANG decide (es_ES.UTF-8 is Spanish); else English."
    ),
)
def main() -> None:
    """The ``myoguide`` command; its help is the group's help above."""


def _knowledge(language: str) -> Knowledge:
    from ..i18n import translations
    from ..knowledge import load_knowledge

    try:
        translations(language)
    except LookupError as error:
        # An install without its compiled catalogues: one line saying how to fix it.
        click.echo(f"myoguide: {error}", err=True)
        sys.exit(1)
    return load_knowledge(language=language)


@main.command(
    help=N_(
        "Check your twitch or spasm: answer the questions (or pass --answers) and get the "
        "kind, triage, likely causes and what to do. The questions come one at a time, the "
        "most useful first, and stop as soon as more answers would not change the result."
    )
)
@option(
    "--answers",
    "answers_path",
    metavar="FILE",
    help=N_(
        "Read answers from FILE instead of asking: one JSON object, or JSON Lines "
        "(a .jsonl file, or several objects one per line) for a batch. '-' reads standard "
        "input. An object may also be a FHIR QuestionnaireResponse (it has a resourceType)."
    ),
)
@option(
    "--text",
    "text",
    metavar="TEXT",
    help=N_(
        "Start from a description in your own words: show what was understood, then ask "
        "only what is still unknown."
    ),
)
@option(
    "--all-questions",
    is_flag=True,
    help=N_("Ask the whole questionnaire in order, instead of one useful question at a time."),
)
@_format_option(
    N_(
        "How to print the result. fhir: a FHIR R4 Bundle with a RiskAssessment and a "
        "CarePlan (one a line for a batch)."
    ),
    (*FORMATS, "fhir"),
)
def check(
    answers_path: str | None, text: str | None, all_questions: bool, output_format: str
) -> None:
    if text is not None and answers_path is not None:
        _fail(_("--text and --answers cannot be used together: give one of them"))
    if text is not None and all_questions:
        _fail(_("--text and --all-questions cannot be used together: leave out --all-questions"))
    knowledge = _knowledge(_language())
    if answers_path is None:
        ask = _interview if all_questions else functools.partial(_adaptive_interview, text=text)
        answers = ask(knowledge)
        result = _assess(answers, knowledge)
        if output_format == "fhir":
            from ..answers import Answers

            _print_bundles([(Answers.model_validate(answers), None)], [result], knowledge, False)
            return
        _print_results([result], output_format, knowledge, batch=False)
        return
    content = _read_input(answers_path)
    batch, items = _parse_answers(content, jsonl=answers_path.endswith(".jsonl"))
    from ..engine import default_engine

    engine = default_engine(knowledge.language)
    results = [engine.assess(answers) for answers, _ in items]
    if output_format == "fhir":
        _print_bundles(items, results, knowledge, batch)
        return
    _print_results(results, output_format, knowledge, batch=batch)


def _print_bundles(
    items: list[tuple[Answers, Any]], results: list[Assessment], knowledge: Knowledge, batch: bool
) -> None:
    """Each result as a FHIR Bundle, resting on the response given (or made of the answers)."""
    from ..fhir.assessment import assessment_bundle
    from ..fhir.response import to_response

    for (answers, response), result in zip(items, results, strict=True):
        bundle = assessment_bundle(result, response or to_response(answers, knowledge), knowledge)
        click.echo(bundle.model_dump_json(indent=None if batch else 2))


def _assess(answers: dict[str, Any], knowledge: Knowledge) -> Assessment:
    from pydantic import ValidationError

    from ..engine import default_engine
    from ..errors import field_problems

    try:
        return default_engine(knowledge.language).assess(answers)
    except ValidationError as error:
        _fail("; ".join(str(p) for p in field_problems(error, language=_language())))


def _read_input(path: str, option: str = "--answers") -> str:
    try:
        if path == "-":
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        else:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        from ..errors import os_reason

        reason = os_reason(error, _language())
        _fail(
            _("{option}: cannot read {path}: {reason}").format(
                option=option, path=repr(path), reason=reason
            )
        )
    if not text.strip():
        if option == "--answers":
            message = _("{option}: {path} is empty; it should hold answers as JSON")
        else:
            message = _("{option}: {path} is empty; it should hold a description")
        _fail(message.format(option=option, path=repr(path)))
    return text


def _parse_answers(text: str, jsonl: bool) -> tuple[bool, list[tuple[Answers, Any]]]:
    """Validate every answer set before assessing any; report all problems with their line.
    Each item is the answers and, when they came as one, the QuestionnaireResponse."""
    import json

    from pydantic import ValidationError

    from ..answers import Answers
    from ..errors import field_problems, json_reason
    from ..fhir import FhirInputError

    if not jsonl:
        try:
            single = json.loads(text)
        except json.JSONDecodeError as error:
            lines = [line for line in text.splitlines() if line.strip()]
            if len(lines) < 2:
                message = _("--answers: not valid JSON: {problem} (line {number})")
                _fail(message.format(problem=json_reason(error, _language()), number=error.lineno))
        else:
            try:
                if isinstance(single, dict) and "resourceType" in single:
                    return False, [_from_fhir(single)]
                return False, [(Answers.model_validate(single), None)]
            except ValidationError as error:
                _fail("; ".join(str(p) for p in field_problems(error, language=_language())))
            except FhirInputError as error:
                _fail(error.in_language(_language()))
    items: list[tuple[Answers, Any]] = []
    problems: list[str] = []
    at = _("line {number}: {problem}")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            if '"resourceType"' in line:
                items.append(_from_fhir(json.loads(line)))
            else:
                items.append((Answers.model_validate_json(line), None))
        except ValidationError as error:
            found = field_problems(error, language=_language())
            problems += [at.format(number=number, problem=p) for p in found]
        except FhirInputError as error:
            said = [p.in_language(_language()) for p in error.problems]
            problems += [at.format(number=number, problem=p) for p in said]
        except json.JSONDecodeError as error:
            problem = _("not valid JSON: {problem}").format(problem=json_reason(error, _language()))
            problems.append(at.format(number=number, problem=problem))
    if problems:
        shown = "; ".join(problems[:20])
        if len(problems) > 20:
            shown += _("; and {count} more").format(count=len(problems) - 20)
        _fail(_("nothing was assessed: {problems}").format(problems=shown))
    if not items:
        _fail(_("--answers: the input holds no answers"))
    return True, items


def _from_fhir(data: object) -> tuple[Answers, Any]:
    """The answers in a QuestionnaireResponse, and the response (raises FhirInputError)."""
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    from ..fhir.outcome import parse_resource
    from ..fhir.response import read_response
    from ..knowledge import load_knowledge

    response = parse_resource(data, QuestionnaireResponse, language=_language())
    return read_response(response, load_knowledge()).answers, response


def _print_results(
    results: list[Assessment], output_format: str, knowledge: Knowledge, batch: bool
) -> None:
    if output_format == "json":
        if batch:
            from ..jsonout import assessment_json

            out = sys.stdout.buffer
            for result in results:
                out.write(assessment_json(result) + b"\n")
            out.flush()
        else:
            click.echo(results[0].model_dump_json(indent=2))
        return
    from ..render import assessment_markdown

    if output_format == "markdown":
        click.echo("\n\n".join(assessment_markdown(r, knowledge) for r in results), nl=False)
        return
    console = _console()
    _ = gettext_for(knowledge.language)
    for number, result in enumerate(results, start=1):
        if batch:
            console.rule(_("Result {number} of {total}").format(number=number, total=len(results)))
        _show_result(console, result, knowledge)


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(highlight=False, stderr=stderr)


def _show_result(console: Any, result: Assessment, knowledge: Knowledge) -> None:
    from rich.markdown import Markdown

    from ..render import assessment_markdown

    _show_banner(console, result, knowledge)
    console.print(Markdown(assessment_markdown(result, knowledge, banner=False)))


def _show_banner(console: Any, result: Assessment, knowledge: Knowledge) -> None:
    from rich.panel import Panel

    from ..render import banner_tone, triage_banner

    label, action = triage_banner(result, knowledge)
    style = _BANNER_STYLE[banner_tone(result)]
    console.print(Panel(f"[b]{label.upper()}[/b]\n\n{action}", style=style, expand=True))


def _interview(knowledge: Knowledge) -> dict[str, Any]:
    """Ask the questionnaire in the terminal. Unsure replies stay unknown."""
    from ..questionnaire import applies, set_answer, walk

    _ = gettext_for(knowledge.language)
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")  # a stray byte is a reply to ask again, not a crash
    console = _console(stderr=True)  # the questions; the result alone goes to stdout
    intro = _(
        "a few questions about your twitch or spasm. "
        "Press Enter to skip any question you are not sure about."
    )
    console.print(f"[b]myoguide check[/b]: {intro}\n[dim]{knowledge.meta.disclaimer}[/dim]\n")
    answers: dict[str, Any] = {}
    warned = False
    for section, questions in walk(knowledge):
        console.print(f"\n[b u]{section.title}[/b u]  [dim]{section.intro}[/dim]")
        for question in questions:
            if not applies(question, answers):
                continue
            value = _ask(console, question, knowledge.language)
            set_answer(answers, question.id, value)
            if question.warning_sign and value is True:
                warned = _warn_if_emergency(console, knowledge, answers, warned)
    console.print()
    return answers


_BACK = object()
"""The reply "b": go back to the question before."""


def _adaptive_interview(knowledge: Knowledge, text: str | None) -> dict[str, Any]:
    """Ask one question at a time, the one next_question() picks, until it has none left.
    "Not sure" answers stay unknown; "b" takes back the last answer."""
    import copy

    from ..interview import next_question, questions_left
    from ..questionnaire import UNKNOWN, set_answer

    _ = gettext_for(knowledge.language)
    ngettext = translations(knowledge.language).ngettext
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")  # a stray byte is a reply to ask again, not a crash
    console = _console(stderr=True)  # the questions; the result alone goes to stdout
    intro = _(
        "questions about your twitch or spasm, one at a time, the most useful first. "
        "They stop as soon as more answers would not change the result."
    )
    keys = _(
        "Press Enter if you are not sure, type ? to see why a question is asked, b to go back."
    )
    console.print(f"[b]myoguide check[/b]: {intro}\n{keys}\n[dim]{knowledge.meta.disclaimer}[/dim]")
    start: dict[str, Any] = _understood(console, knowledge, text) if text is not None else {}
    entries = {entry.id: entry for entry in knowledge.questions.questions}
    sections = {section.id: section.title for section in knowledge.questions.sections}
    history: list[tuple[str, Any]] = []
    warned = _warn_if_emergency(console, knowledge, start, warned=False)
    while True:
        answers = copy.deepcopy(start)
        for question_id, value in history:
            set_answer(answers, question_id, value)
        unknown = [question_id for question_id, value in history if value is UNKNOWN]
        question = next_question(answers, unknown, language=knowledge.language)
        if question is None:
            break
        more = questions_left(answers, unknown) - 1
        heading = _("Question {number}").format(number=len(history) + 1)
        if more:
            about = ngettext("about {count} more", "about {count} more", more).format(count=more)
        else:
            about = _("perhaps the last")
        console.print(f"\n[dim]{heading}, {about} · {sections[question.section]}[/dim]")
        value = _ask(console, entries[question.id], knowledge.language, why=question.why)
        if value is _BACK:
            if history:
                history.pop()
            else:
                console.print("[dim]" + _("This is the first question.") + "[/dim]")
            continue
        history.append((question.id, value))
        if value is not UNKNOWN:
            set_answer(answers, question.id, value)
            warned = _warn_if_emergency(console, knowledge, answers, warned)
    console.print()
    return answers


def _understood(console: Any, knowledge: Knowledge, text: str) -> dict[str, Any]:
    """Read the description, show each understood piece in the person's words with what it
    means, and return the answers it gives (hedged pieces stay unknown: they are asked)."""
    from ..freetext import MAX_TEXT, parse
    from ..questionnaire import answer_label

    _ = gettext_for(knowledge.language)
    if len(text) > MAX_TEXT:
        message = _("--text: the description is too long: at most {count} characters")
        _fail(message.format(count=MAX_TEXT))
    parsed = parse(text, language=knowledge.language)
    entries = {entry.id: entry for entry in knowledge.questions.questions}
    if not parsed.findings:
        console.print(
            "\n" + _("We did not understand any answers in your description; we will ask.")
        )
    else:
        console.print("\n[b]" + _("What we understood") + "[/b]")
    for finding in parsed.findings:
        words = text[finding.start : finding.end]
        entry = entries.get(finding.field)
        topic = entry.text if entry is not None else finding.field
        value: Any = finding.value
        if entry is not None and entry.type == "multi" and not isinstance(value, bool):
            value = [value]
        meaning = (
            answer_label(entry, value, knowledge.language) if entry is not None else str(value)
        )
        if finding.negated and entry is not None and entry.type != "yes_no":
            meaning = _("not {answer}").format(answer=meaning)
        if finding.uncertain:
            meaning = _("not sure — we will ask")
        console.print(f'  "{words}" — {topic} [b]{meaning}[/b]')
    answers: dict[str, Any] = parsed.answers.model_dump(mode="json", exclude_none=True)
    return answers


def _warn_if_emergency(
    console: Any, knowledge: Knowledge, answers: dict[str, Any], warned: bool
) -> bool:
    """Show the emergency banner the first time the answers so far make it an emergency."""
    if warned:
        return True
    result = _assess(answers, knowledge)
    if result.triage.level != "emergency":
        return False
    _show_banner(console, result, knowledge)
    console.print(
        gettext_for(knowledge.language)("You can finish the questions, but please get help first.")
    )
    return True


_HINTS = {
    "yes_no": N_("y / n / Enter if not sure"),
    "choice": N_("a number, or Enter if not sure"),
    "multi": N_("numbers separated by commas, 0 for none of these, or Enter if not sure"),
    "integer": N_("a whole number, or Enter if not sure"),
    "number": N_("a number, or Enter if not sure"),
}
"""How to reply, by question type (translated where shown)."""


def _ask(console: Any, question: Any, language: str = ENGLISH, why: str | None = None) -> Any:
    """Ask one question until the reply reads. With ``why``, "?" shows it and "b" goes back."""
    from ..questionnaire import answer_label, parse_reply

    _ = gettext_for(language)
    console.print(f"\n[b]{question.text}[/b]\n[dim]{question.help}[/dim]")
    if question.type in {"choice", "multi"}:
        for number, option in enumerate(question.options, start=1):
            console.print(f"  {number}. {option.label}")
    if question.type == "multi":
        console.print(f"  0. {answer_label(question, [], language)}")
    hint = _(_HINTS[question.type])
    if why is not None:
        hint += _("; ? why we ask, b back")
    # TRANSLATORS: the letter and the word that go back a question.
    back = {"b", "back", _("b"), _("back")}
    while True:
        reply = click.prompt(f"({hint})", default="", show_default=False, err=True)
        if why is not None and reply.strip() == "?":
            console.print(f"[i]{why}[/i]")
            continue
        if why is not None and reply.strip().lower() in back:
            return _BACK
        try:
            return parse_reply(question, reply, language)
        except ValueError as error:
            console.print("[red]" + _("Sorry, {problem}.").format(problem=error) + "[/red]")


@main.command(
    help=N_(
        "Read a description in your own words into answers, and print them as JSON with "
        "each understood piece and where it is in the text. Nothing is kept."
    )
)
@option("--text", "text", metavar="TEXT", help=N_("The description, in your own words."))
@option(
    "--file",
    "file_path",
    metavar="FILE",
    help=N_("Read the description from FILE instead ('-' reads standard input)."),
)
@option(
    "--today",
    metavar="DATE",
    help=N_("The day 'since Tuesday' counts back from (YYYY-MM-DD; default: today)."),
)
@option(
    "--language",
    type=click.Choice(FREE_TEXT_LANGUAGES),
    help=N_(
        "The language the description is written in "
        "(default: the language of --lang, or of the environment)."
    ),
)
def parse(text: str | None, file_path: str | None, today: str | None, language: str | None) -> None:
    import datetime as dt

    from ..freetext import MAX_TEXT
    from ..freetext import parse as read_text

    if (text is None) == (file_path is None):
        _fail(_("give the description with --text or --file (one of them)"))
    if file_path is not None:
        text = _read_input(file_path, "--file")
    assert text is not None
    if len(text) > MAX_TEXT:
        message = _("the description is too long: at most {count} characters")
        _fail(message.format(count=MAX_TEXT))
    day = None
    if today is not None:
        try:
            day = dt.date.fromisoformat(today)
        except ValueError:
            _fail(_("--today: {date} is not a date like 2026-12-01").format(date=repr(today)))
    parsed = read_text(text, day, language=language or _language())
    click.echo(parsed.model_dump_json(exclude_none=True))


@main.command(
    help=N_(
        "List the reading topics and every knowledge id: kinds, body regions, causes, "
        "conditions, warning signs and remedies."
    )
)
@_format_option(N_("How to print the list."))
def topics(output_format: str) -> None:
    from ..render import topics_data, topics_markdown

    knowledge = _knowledge(_language())
    if output_format == "json":
        import json

        click.echo(json.dumps(topics_data(knowledge), indent=2, ensure_ascii=False))
        return
    _print_markdown(topics_markdown(knowledge), output_format)


@main.command(
    help=N_(
        "Read one topic or knowledge entry (a cause, condition, warning sign, remedy, body "
        "region, kind or source) with its citations. `myoguide topics` lists the ids."
    )
)
@click.argument("entry_id", metavar="ID")
@_format_option(N_("How to print the entry."))
def explain(entry_id: str, output_format: str) -> None:
    from ..render import entry_data, entry_markdown

    knowledge = _knowledge(_language())
    try:
        if output_format == "json":
            import json

            click.echo(json.dumps(entry_data(entry_id, knowledge), indent=2, ensure_ascii=False))
            return
        text = entry_markdown(entry_id, knowledge)
    except KeyError:
        import difflib

        close = difflib.get_close_matches(entry_id, knowledge.entry_ids(), n=3)
        message = _("ID: no knowledge entry is called {id}.").format(id=repr(entry_id))
        if close:
            message += " " + _("Did you mean: {ids}?").format(ids=", ".join(close))
        _fail(message + " " + _("Run 'myoguide topics' to list them."))
    _print_markdown(text, output_format)


def _print_markdown(text: str, output_format: str) -> None:
    if output_format == "markdown":
        click.echo(text, nl=False)
        return
    from rich.markdown import Markdown

    _console().print(Markdown(text))


@main.command(
    help=N_("Serve the web app and the JSON API (pages at /, API at /api/v1, docs at /docs).")
)
@option("--host", default="127.0.0.1", show_default=True, help=N_("Address to listen on."))
@option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help=N_("Port to listen on."),
)
@option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help=N_("Worker processes."),
)
@option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDRESS",
    help=N_(
        "A reverse proxy's address (or network, like 10.0.0.0/8) whose X-Forwarded-For and "
        "X-Forwarded-Proto headers to believe; repeat for more. Without it they are ignored."
    ),
)
def serve(host: str, port: int, workers: int, trusted_proxies: tuple[str, ...]) -> None:
    import ipaddress

    import uvicorn

    for proxy in trusted_proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise click.BadParameter(
                _("{address} is not an IP address or network").format(address=repr(proxy)),
                param_hint="'--trusted-proxy'",
            ) from None

    _exit_unless_free(host, port)
    shown = f"[{host}]" if ":" in host else host
    serving = _("myoguide is serving at {address} (API docs at /docs). Press Ctrl+C to stop.")
    click.echo(serving.format(address=f"http://{shown}:{port}/"))
    try:
        uvicorn.run(
            "myoguide.web:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            log_config=_log_config(),
            access_log=False,
            proxy_headers=bool(trusted_proxies),
            forwarded_allow_ips=",".join(trusted_proxies) or None,
        )
    except SystemExit as stopped:
        # uvicorn logs why and exits when it cannot start, e.g. when another program took the
        # port after the check above.
        if stopped.code:
            _exit_unless_free(host, port)
            _fail_to_serve(
                _("could not start at {address}").format(address=f"http://{shown}:{port}/")
            )
        raise


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with myoguide's own lines (one per kind of database failure, never
    what people wrote) beside uvicorn's on standard error."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["myoguide"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def _exit_unless_free(host: str, port: int) -> None:
    """Exit with one line saying why, when `myoguide serve` could not listen there."""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As uvicorn does: a port whose last connections are still closing is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                message = _("port {port} on {host} is already in use; choose another with --port")
                _fail_to_serve(message.format(port=port, host=host))
            from ..errors import os_reason

            reason = os_reason(error, _language())
            message = _("cannot listen on {host} port {port} ({reason}); check --host and --port")
            _fail_to_serve(message.format(host=host, port=port, reason=reason))


def _fail_to_serve(reason: str) -> NoReturn:
    click.echo(f"myoguide serve: {reason}", err=True)
    sys.exit(1)


main.add_command(diary)
