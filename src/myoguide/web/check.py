"""The check as an interview: an optional description in the person's own words (parse(),
shown back as "what we understood" to correct), then one screen of questions at a time
(next_group(): a question, or up to eight yes-or-no questions of one section), then the result
page. It works without JavaScript and keeps nothing on the server: the answers so far travel
in the form, in one hidden field read strictly on every request; the description goes no
further than the screen that shows it back (its answers travel on, without it)."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictStr, ValidationError
from starlette.datastructures import FormData

from ..answers import Answers
from ..engine import Engine
from ..errors import field_problems
from ..freetext import MAX_TEXT, Finding, Parsed
from ..i18n import N_, gettext_for
from ..interview import GROUP_MOST, next_group, screens_left
from ..knowledge.models import Question
from ..questionnaire import NONE_OF_THESE, UNKNOWN, read_replies, set_answer
from ..render import triage_banner
from .language import page_language
from .pages import knowledge_context, render, render_result

ASK_LATER = "ask"
"""A correction's value for "leave it out, ask me in the questions"."""
MAX_STATE = 20_000
"""Characters of the hidden state at most: every question answered with every option
ticked takes about a fifth of it."""

Replies = dict[StrictStr, JsonValue]
"""One screen's answers by question id; null is "not sure"."""


class InterviewState(BaseModel):
    """Everything the interview needs, carried in the form from screen to screen."""

    model_config = ConfigDict(extra="forbid", strict=True)

    start: Answers = Field(default_factory=Answers)
    """Answers given before the questions (read from the description)."""
    unknown: Annotated[list[StrictStr], Field(max_length=200)] = Field(default_factory=list)
    """Questions answered "not sure" before the questions."""
    steps: Annotated[
        list[Annotated[Replies, Field(min_length=1, max_length=GROUP_MOST)]],
        Field(max_length=200),
    ] = Field(default_factory=list)
    """The screens answered so far, in order: Back takes the last one off."""

    def dump(self) -> str:
        """The state as the hidden field carries it (a "not sure" stays a null)."""
        start = _plain_answers(self.start)
        return json.dumps(
            {"start": start, "unknown": self.unknown, "steps": self.steps},
            separators=(",", ":"),
            ensure_ascii=False,
        )


class BadText(ValueError):
    """The description cannot be read (too long): a 422 naming `text`."""


class BadState(ValueError):
    """The hidden state is not one this server could have written: a 422 naming the field.
    ``message`` is a sentence of the catalogue with its ``{placeholders}`` in ``params``, so
    the page tells it in its language."""

    def __init__(self, field: str, message: str, **params: object) -> None:
        super().__init__(f"{field}: {message.format(**params)}")
        self.field = field
        self.template = message
        self.params = params
        self.invalid: ValidationError | None = None

    @classmethod
    def from_invalid(cls, within: str, error: ValidationError) -> BadState:
        """The first problem of a validation error, named inside the field `within`."""
        problem = field_problems(error)[0]
        field = f"{within}.{problem.field}" if problem.field else within
        bad = cls(field, "{problem}", problem=problem.message)
        bad.invalid = error
        return bad

    def told(self, language: str) -> str:
        if self.invalid is not None:
            return field_problems(self.invalid, language=language)[0].message
        return gettext_for(language)(self.template).format(**self.params)


Action = Literal["next", "back"]
_ACTIONS: dict[str, Action] = {"next": "next", "back": "back"}


def build_check_pages(engines: dict[str, Engine], templates: Jinja2Templates) -> APIRouter:
    """The interview's pages, each in the language the reader chose (one engine per language
    the knowledge speaks); the question ids and the state are the same in every language."""
    router = APIRouter(include_in_schema=False)
    by_language = {
        code: {q.id: q for q in engine.knowledge.questions.questions}
        for code, engine in engines.items()
    }
    contexts = {code: knowledge_context(engine.knowledge) for code, engine in engines.items()}
    # Worked out once from the core: the interview played with the likeliest answers.
    usual_screens, usual_questions = screens_left({})

    def language_of(request: Request) -> str:
        return page_language(request, engines)

    def start_page(
        request: Request, status: int = 200, problems: dict[str, str] | None = None
    ) -> HTMLResponse:
        language = language_of(request)
        _ = gettext_for(language)
        return render(
            templates,
            request,
            "start.html",
            status,
            **contexts[language],
            title=_("Check your twitch or spasm"),
            problems=problems or {},
            max_text=MAX_TEXT,
            usual_screens=usual_screens,
            usual_questions=usual_questions,
        )

    def replay(state: InterviewState) -> tuple[dict[str, Any], list[str]]:
        """The answers and the "not sure" ids a state stands for; BadState if forged."""
        # The ids are the same in every language: any one's questions check them.
        entries = by_language[next(iter(by_language))]
        answers = _plain_answers(state.start)
        unknown = list(state.unknown)
        for question_id in unknown:
            if question_id not in entries:
                raise BadState("state.unknown", N_("{id!r} is not a question id"), id=question_id)
        seen: set[str] = set()
        for number, step in enumerate(state.steps):
            for question_id, value in step.items():
                where = f"state.steps[{number}]"
                if question_id not in entries:
                    raise BadState(where, N_("{id!r} is not a question id"), id=question_id)
                if question_id in seen:
                    raise BadState(where, N_("{id!r} is answered twice"), id=question_id)
                seen.add(question_id)
                if value is None:
                    unknown.append(question_id)
                else:
                    set_answer(answers, question_id, value)
        try:
            Answers.model_validate(answers)
        except ValidationError as error:
            raise BadState.from_invalid("state", error) from error
        return answers, unknown

    def screen(
        request: Request,
        state: InterviewState,
        chosen: dict[str, list[str]] | None = None,
        problems: dict[str, str] | None = None,
    ) -> HTMLResponse:
        """The next screen of questions for a state, or the result page when none is left."""
        language = language_of(request)
        engine = engines[language]
        answers, unknown = replay(state)
        group = next_group(answers, unknown, language=language)
        result = engine.assess(answers)
        if not group:
            return render_result(templates, request, engine.knowledge, answers, result)
        asked = sum(len(step) for step in state.steps)
        screens, _ = screens_left(answers, unknown)
        label, action = triage_banner(result, engine.knowledge)
        return render(
            templates,
            request,
            "interview.html",
            422 if problems else 200,
            **contexts[language],
            title=group[0].text if len(group) == 1 else group[0].section_title,
            group=group,
            state_json=state.dump(),
            chosen=chosen or {},
            problems=problems or {},
            number=asked + 1,
            screen_number=len(state.steps) + 1,
            done=len(state.steps),
            more=max(screens - 1, 0),
            total=len(state.steps) + max(screens, 1),
            emergency=(label, action) if result.triage.level == "emergency" else None,
            none_of_these=NONE_OF_THESE,
        )

    def bad_state(request: Request, error: BadState) -> HTMLResponse:
        language = language_of(request)
        _ = gettext_for(language)
        return render(
            templates,
            request,
            "error.html",
            422,
            **contexts[language],
            title=_("These answers could not be read"),
            detail=_("{field}: {message}. Please start the check again.").format(
                field=error.field, message=error.told(language)
            ),
        )

    @router.get("/check", response_class=HTMLResponse)
    async def start(request: Request) -> HTMLResponse:
        return start_page(request)

    def understood(
        request: Request,
        text: str,
        parsed: Parsed,
        chosen: dict[str, list[str]] | None = None,
        problems: dict[str, str] | None = None,
    ) -> HTMLResponse:
        """The description with what was understood marked, and each answer to correct."""
        found = _found(parsed, by_language[language_of(request)])
        shown = chosen if chosen is not None else _proposed(parsed, found)
        pieces = marked(text, parsed.findings)
        return understood_page(request, parsed.answers, found, shown, problems, text, pieces)

    def kept(
        request: Request,
        state: InterviewState,
        chosen: dict[str, list[str]] | None = None,
        problems: dict[str, str] | None = None,
    ) -> HTMLResponse:
        """Back from the first question: the answers taken from the description, to correct
        again (the description itself was not kept)."""
        fields = _given(state, by_language[language_of(request)])
        shown = chosen if chosen is not None else _chosen_from(state, fields)
        found: dict[str, list[Finding]] = {field: [] for field in fields}
        return understood_page(request, state.start, found, shown, problems, state=state)

    def understood_page(
        request: Request,
        answers: Answers,
        found: dict[str, list[Finding]],
        chosen: dict[str, list[str]],
        problems: dict[str, str] | None,
        text: str = "",
        pieces: list[tuple[str, str | None]] | None = None,
        state: InterviewState | None = None,
    ) -> HTMLResponse:
        language = language_of(request)
        engine = engines[language]
        _ = gettext_for(language)
        result = engine.assess(answers)
        label, action = triage_banner(result, engine.knowledge)
        return render(
            templates,
            request,
            "understood.html",
            422 if problems else 200,
            **contexts[language],
            title=_("What we understood"),
            text=text,
            pieces=pieces or [],
            state_json=state.dump() if state is not None else None,
            found=found,
            questions=by_language[language],
            chosen=chosen,
            problems=problems or {},
            emergency=(label, action) if result.triage.level == "emergency" else None,
            none_of_these=NONE_OF_THESE,
            ask_later=ASK_LATER,
        )

    def read_text(request: Request, form: FormData) -> str:
        _ = gettext_for(language_of(request))
        text = form.get("text", "")
        if not isinstance(text, str):
            raise BadText(_("text: expected text"))
        if len(text) > MAX_TEXT:
            raise BadText(
                _("text: too long: at most {most} characters (this one has {length})").format(
                    most=MAX_TEXT, length=len(text)
                )
            )
        return text

    @router.post("/check/start", response_class=HTMLResponse)
    async def start_with_text(request: Request) -> Response:
        form = await request.form()
        try:
            text = read_text(request, form)
        except BadText as error:
            return start_page(request, 422, problems={"text": str(error)})
        if not text.strip():
            return await run_in_threadpool(screen, request, InterviewState())
        parsed = await run_in_threadpool(_parse, text, _text_language(request))
        return understood(request, text, parsed)

    @router.post("/check/understood", response_class=HTMLResponse)
    async def corrected(request: Request) -> Response:
        form = await request.form()
        language = language_of(request)
        entries = by_language[language]
        if "state" in form:
            try:
                before = read_state(form)
                replay(before)
            except BadState as error:
                return bad_state(request, error)
            fields = _given(before, entries)
            answers: dict[str, Any] = _plain_answers(before.start)
        else:
            try:
                text = read_text(request, form)
            except BadText as error:
                return start_page(request, 422, problems={"text": str(error)})
            parsed = await run_in_threadpool(_parse, text, _text_language(request))
            fields = list(_found(parsed, entries))
            answers = _plain_answers(parsed.answers)
        unknown: list[str] = []
        problems: dict[str, str] = {}
        for field in fields:
            replies = _strings(form, field)
            set_answer(answers, field, UNKNOWN)
            if ASK_LATER in replies:
                continue
            try:
                value = read_replies(entries[field], replies, language)
            except ValueError as error:
                problems[field] = str(error)
                continue
            if value is UNKNOWN and entries[field].type in {"yes_no", "choice"}:
                unknown.append(field)
            elif value is not UNKNOWN:
                set_answer(answers, field, value)
        if problems:
            shown = {field: _strings(form, field) for field in fields}
            if "state" in form:
                return kept(request, before, chosen=shown, problems=problems)
            return understood(request, text, parsed, chosen=shown, problems=problems)
        state = InterviewState(start=Answers.model_validate(answers), unknown=unknown)
        return await run_in_threadpool(screen, request, state)

    @router.post("/check/next", response_class=HTMLResponse)
    async def next_screen(request: Request) -> Response:
        form = await request.form()
        try:
            state = read_state(form)
            action = read_action(form)
            return await run_in_threadpool(step, request, form, state, action)
        except BadState as error:
            return bad_state(request, error)

    def step(
        request: Request, form: FormData, state: InterviewState, action: Action
    ) -> HTMLResponse:
        language = language_of(request)
        entries = by_language[language]
        if action == "back":
            # The screen taken off is shown again: it is read as strictly as the rest.
            replay(state)
            if not state.steps and _given(state, entries):
                return kept(request, state)
            if not state.steps:
                return start_page(request)
            last = state.steps.pop()
            return screen(request, state, chosen=_as_form(last))
        answers, unknown = replay(state)
        group = next_group(answers, unknown, language=language)
        if not group:
            return screen(request, state)
        replies: Replies = {}
        problems: dict[str, str] = {}
        for question in group:
            try:
                value = read_replies(entries[question.id], _strings(form, question.id), language)
            except ValueError as error:
                problems[question.id] = str(error)
                continue
            replies[question.id] = None if value is UNKNOWN else value
        if problems:
            shown = {q.id: _strings(form, q.id) for q in group}
            return screen(request, state, chosen=shown, problems=problems)
        state.steps.append(replies)
        return screen(request, state)

    return router


def read_state(form: FormData) -> InterviewState:
    """The hidden state of a submitted screen; BadState naming the field if it is not one
    this server wrote (too long, not JSON, not the shape)."""
    raw = form.get("state", "")
    if not isinstance(raw, str):
        raise BadState("state", N_("expected text"))
    if len(raw) > MAX_STATE:
        raise BadState("state", N_("too long: at most {most} characters"), most=MAX_STATE)
    try:
        return InterviewState.model_validate_json(raw or "{}")
    except ValidationError as error:
        raise BadState.from_invalid("state", error) from error


def read_action(form: FormData) -> Action:
    action = _ACTIONS.get(str(form.get("action", "next")))
    if action is None:
        raise BadState("action", N_("expected next or back"))
    return action


def _text_language(request: Request) -> str:
    """A description is read in the language the person chose for the pages (the switch,
    else the browser's), where the reader knows it; else in English."""
    from ..freetext import LANGUAGES

    return page_language(request, LANGUAGES)


def _parse(text: str, language: str) -> Parsed:
    from ..freetext import parse

    return parse(text, language=language)


def marked(text: str, findings: list[Finding]) -> list[tuple[str, str | None]]:
    """The text in pieces, each with the field of the finding that covers it (None for words
    not understood). Where findings overlap, the one that starts first (the longer at a tie)
    marks the piece; neighbouring pieces of one field are joined."""
    cuts = sorted(
        {0, len(text)} | {min(max(n, 0), len(text)) for f in findings for n in (f.start, f.end)}
    )
    ordered = sorted(findings, key=lambda f: (f.start, -f.end))
    pieces: list[tuple[str, str | None]] = []
    for left, right in pairwise(cuts):
        field = next((f.field for f in ordered if f.start <= left and right <= f.end), None)
        if pieces and pieces[-1][1] == field:
            pieces[-1] = (pieces[-1][0] + text[left:right], field)
        else:
            pieces.append((text[left:right], field))
    return pieces


def _found(parsed: Parsed, entries: dict[str, Question]) -> dict[str, list[Finding]]:
    """The findings by question id, in the order the text first mentions each."""
    found: dict[str, list[Finding]] = {}
    for finding in sorted(parsed.findings, key=lambda f: f.start):
        if finding.field in entries:
            found.setdefault(finding.field, []).append(finding)
    return found


def _proposed(parsed: Parsed, found: dict[str, list[Finding]]) -> dict[str, list[str]]:
    """What the correction controls show chosen at first: the answer the text gives, or
    "ask me" where it gives none (a hedged warning sign is asked, never guessed)."""
    answers = _plain_answers(parsed.answers)
    shown: dict[str, list[str]] = {}
    for field in found:
        value = _value_at(answers, field)
        shown[field] = [ASK_LATER] if value is None else _as_form({field: value})[field]
    return shown


def _given(state: InterviewState, entries: dict[str, Question]) -> list[str]:
    """The questions answered (or "not sure") before the questions, in the form's order."""
    answers = _plain_answers(state.start)
    return [
        field
        for field in entries
        if field in state.unknown or _value_at(answers, field) is not None
    ]


def _chosen_from(state: InterviewState, fields: list[str]) -> dict[str, list[str]]:
    """The correction controls chosen as the state's answers before the questions."""
    answers = _plain_answers(state.start)
    return _as_form({field: _value_at(answers, field) for field in fields})


def _value_at(answers: dict[str, Any], field: str) -> Any:
    group, _, name = field.rpartition(".")
    return (answers.get(group) or {} if group else answers).get(name)


def _plain_answers(answers: Answers) -> dict[str, Any]:
    """Answers in the contract's shape, without the groups that hold nothing."""
    dumped: dict[str, Any] = answers.model_dump(mode="json", exclude_none=True)
    return {key: value for key, value in dumped.items() if value != {}}


def _strings(form: FormData, name: str) -> list[str]:
    return [value for value in form.getlist(name) if isinstance(value, str)]


def _as_form(replies: Replies) -> dict[str, list[str]]:
    """A screen's answers as the values its controls send, to show them chosen again."""
    shown: dict[str, list[str]] = {}
    for question_id, value in replies.items():
        if value is None:
            shown[question_id] = [""]
        elif isinstance(value, bool):
            shown[question_id] = ["yes" if value else "no"]
        elif isinstance(value, list):
            shown[question_id] = [str(item) for item in value] or [NONE_OF_THESE]
        else:
            shown[question_id] = [_plain(value)]
    return shown


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
