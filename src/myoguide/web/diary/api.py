"""The diary as JSON under /api/v1/diary, over the same accounts and store as the pages.

Authentication is the session cookie of /diary/login; a request that changes something also
sends the session's CSRF token in `X-CSRF-Token` (from GET /api/v1/diary/session), so another
site cannot make a signed-in browser write.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response, Security
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyCookie, APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from ...diary.accounts import MAX_PASSWORD, MIN_PASSWORD, LoginSession
from ...diary.analysis import TriggerFinding
from ...diary.models import (
    NO_NUL_PATTERN,
    Day,
    DayIn,
    DiaryKind,
    Episode,
    EpisodeIn,
    IsoDate,
    IsoDateTime,
    Text,
    future_time_said,
)
from ...diary.safety import EpisodeTriage, episode_triage
from ...diary.store import MAX_ID, Diary
from ...i18n import ENGLISH, N_, Said, format_date
from ..api import language_headers
from ..language import request_language
from ..problems import Problem, ValidationProblem
from ..sessions import (
    CSRF_HEADER,
    SESSION_COOKIE,
    LoginRequired,
    ServerBusy,
    backend,
    change_password,
    check_csrf,
    clear_session_cookie,
    confirm_password,
    log_in,
    register,
    session_token,
    set_session_cookie,
)
from .pages import export_data


class SessionCookie(APIKeyCookie):
    """The session cookie, under the name this server gives it (`__Host-` unless cookies
    are not `Secure`)."""

    async def __call__(self, request: HTTPConnection) -> str | None:
        return session_token(request)


_cookie = SessionCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description=(
        "The session cookie set by logging in at /diary/login (myoguide_session when the"
        " server runs with MYOGUIDE_INSECURE_COOKIES)."
    ),
)
_csrf = APIKeyHeader(
    name=CSRF_HEADER,
    auto_error=False,
    description="The session's CSRF token (GET /api/v1/diary/session); needed to change data.",
)

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Not logged in (no live session cookie)."},
    413: {"model": Problem, "description": "The request body is too large."},
    422: {"model": ValidationProblem, "description": "The input was not valid."},
}
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"model": Problem, "description": "The X-CSRF-Token header is missing or wrong."}
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "Not in your diary."}
}
LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"model": Problem, "description": "Too many tries: wait for Retry-After seconds."},
    503: {
        "model": Problem,
        "description": "Too many passwords being checked at once: retry after Retry-After.",
    },
}


class SessionInfo(BaseModel):
    """Who is logged in, and the token to send as X-CSRF-Token when changing data."""

    model_config = ConfigDict(extra="forbid")

    user: str
    csrf_token: str
    expires_at: dt.datetime


class SavedEpisode(Episode):
    """The episode as saved, with what to do about it when it needs more than self-care."""

    triage: EpisodeTriage | None = Field(
        None,
        description=(
            "The check's triage of what the episode tells (its kind, places, length and the"
            " warning signs noted), when it needs more than self-care; null otherwise."
        ),
    )


# A person's data as sent is taken at its JSON type: `true` is not an intensity of 1, nor
# "yes" a yes (a JSON integer is still a number of cups). Times and dates are strings in JSON.
_AS_SENT = ConfigDict(strict=True)


def _whole(value: Any) -> Any:
    """3.0 as 3: JSON Schema's integer is any number without a fraction."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class EpisodeBody(EpisodeIn):
    """An episode as sent. Its time is held against the clock after the login check
    (`_happened`), so a request without a live session is a 401 whatever its body."""

    model_config = _AS_SENT
    checks_the_clock: ClassVar[bool] = False

    at: IsoDateTime = Field(strict=False, description="When it happened, with its UTC offset.")

    _whole_numbers = field_validator("intensity", "duration_s", mode="before")(_whole)


class DayBody(DayIn):
    """A day's factors; the date is the path's. A `date` here, as older clients send it, must
    be the same."""

    model_config = _AS_SENT
    checks_the_clock: ClassVar[bool] = False

    # Optional here only, where the path gives the date: a narrowing mypy cannot see.
    date: IsoDate | None = Field(None, strict=False, description="Optional; the path's date.")  # type: ignore[assignment]

    _whole_numbers = field_validator("stress", mode="before")(_whole)


class KeptSession(BaseModel):
    model_config = ConfigDict(extra="forbid")

    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime


class KeptLogin(BaseModel):
    """A login the limits still count: a failed one for an hour, the last one from each
    address for 30 days (the owner's own addresses are not locked out by strangers)."""

    model_config = ConfigDict(extra="forbid")

    at: dt.datetime
    address: str
    succeeded: bool


class AccountRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    created_at: dt.datetime
    sessions: list[KeptSession]
    logins: list[KeptLogin]


class ExportedEpisode(Episode):
    created_at: dt.datetime | None
    updated_at: dt.datetime | None


class ExportedDay(Day):
    updated_at: dt.datetime | None


class DiaryExport(BaseModel):
    """Everything kept about the person."""

    model_config = ConfigDict(extra="forbid")

    account: AccountRecord
    episodes: list[ExportedEpisode]
    days: list[ExportedDay]


class SessionListed(BaseModel):
    """One of your live sessions."""

    model_config = ConfigDict(extra="forbid")

    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    current: bool = Field(description="Whether it is the session of this request.")


class EndedSessions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ended: int = Field(description="How many other sessions ended.")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(max_length=MAX_PASSWORD)
    new_password: str = Field(
        max_length=MAX_PASSWORD, json_schema_extra={"minLength": MIN_PASSWORD}
    )


class PasswordConfirmation(BaseModel):
    """The account's password, asked again before it is deleted."""

    model_config = ConfigDict(extra="forbid")

    password: str = Field(max_length=MAX_PASSWORD)


class NewAccount(BaseModel):
    """The name and password of a new account. The rules are in the schema for clients to
    check first; the server checks them itself, with messages that say what to change."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(
        max_length=200,
        json_schema_extra={"pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$"},
        description="3 to 40 letters, digits, dots, dashes or underscores (kept in lower case).",
    )
    password: Text = Field(
        max_length=MAX_PASSWORD,
        json_schema_extra={"minLength": MIN_PASSWORD, "pattern": NO_NUL_PATTERN},
    )


class Credentials(BaseModel):
    """A name and password, as registered at /diary/register."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(max_length=200, json_schema_extra={"pattern": NO_NUL_PATTERN})
    password: Text = Field(max_length=MAX_PASSWORD, json_schema_extra={"pattern": NO_NUL_PATTERN})


Token = Annotated[str | None, Security(_cookie)]
Csrf = Annotated[str | None, Security(_csrf)]
T = TypeVar("T")
READ_ONLY = object()
"""In place of a CSRF token: the work only reads, so none is needed."""

_EPISODES: TypeAdapter[list[Episode]] = TypeAdapter(list[Episode])
_FINDINGS: TypeAdapter[list[TriggerFinding]] = TypeAdapter(list[TriggerFinding])
_SESSIONS: TypeAdapter[list[SessionListed]] = TypeAdapter(list[SessionListed])


async def in_diary(
    request: Request,
    token: str | None,
    csrf: object,
    work: Callable[[Diary, LoginSession], T],
    atomic: bool = False,
) -> T:
    """Check the session (and, for a write, its CSRF token) and do the work on one pooled
    connection: on PostgreSQL in the event loop itself, on SQLite in one trip to a worker
    thread (`DiaryStore.run`). This is the hot path of the API: each step it saves is a
    round trip to the database or a thread switch, per request.

    Work that is one statement (a read, an insert, an update or a delete) runs without
    BEGIN and COMMIT: the statement is its own transaction. `atomic` work (more than one
    statement that must hold together) runs in a transaction."""
    if not token or len(token) > 200:
        raise LoginRequired
    diaries = backend(request)
    store = await diaries.opened()
    accounts = diaries.accounts

    def run(connection: Connection) -> T:
        login = accounts.session(token, connection)
        if login is None:
            raise LoginRequired
        if csrf is not READ_ONLY:
            check_csrf(csrf, login.csrf_token)
        return work(Diary(store, login.account.id, connection), login)

    return await store.run(run, atomic=atomic)


def _happened(episode: EpisodeIn) -> EpisodeIn:
    """The episode, unless its time lies in the future (the rule of `EpisodeIn`)."""
    said = future_time_said(episode.at, dt.datetime.now(dt.UTC))
    if said:
        raise RequestValidationError(
            [{"loc": ("body", "at"), "msg": said, "type": "in_the_future"}]
        )
    return episode


def _saved(request: Request, episode: Episode, status_code: int = 200) -> Response:
    """The saved episode and, when it needs one, the advice the pages and the CLI give."""
    triage = episode_triage(episode, request.app.state.engine)
    saved = SavedEpisode(**dict(episode), triage=triage)
    return _json(saved.model_dump_json().encode(), status_code)


def _limited(error: Exception) -> HTTPException:
    """429 or 503 with Retry-After, for a refused login or a busy server."""
    from ...diary.accounts import TooManyAttempts

    assert isinstance(error, TooManyAttempts | ServerBusy)
    status = 429 if isinstance(error, TooManyAttempts) else 503
    # A Said, or (a busy server) a sentence of the catalogue: said in the request's language.
    detail = error.said if isinstance(error, TooManyAttempts) else str(error)
    return HTTPException(status, detail, headers={"Retry-After": str(error.retry_after_s)})


NOT_YOUR_PASSWORD = Said(N_("is not your password"))


def _wrong_password(field: str, message: Said) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "msg": message, "type": "value_error"}])


FHIR_JSON = "application/fhir+json"


def _fhir_bundle(episodes: list[Episode], days: list[Day], language: str) -> bytes:
    """The episodes and days as a FHIR Bundle in ``language``, in a worker thread: building
    it takes a while for a long diary, and the event loop serves other requests meanwhile."""
    from ...fhir.diary import bundle_json, diary_bundle

    return bundle_json(diary_bundle(episodes, days, language), indent=None).encode()


def _json(body: bytes, status_code: int = 200) -> Response:
    """Already validated models, serialised once (FastAPI would validate them again)."""
    return Response(body, status_code=status_code, media_type="application/json")


def build_diary_api(languages: Sequence[str] = (ENGLISH,)) -> APIRouter:
    """The diary's routes; the findings are worded in the request's language, one of
    `languages` (the first when none asked for is there)."""
    available = dict.fromkeys(languages)
    router = APIRouter(prefix="/api/v1/diary", tags=["diary"], responses=ERRORS)

    def missing(episode_id: int) -> HTTPException:
        return HTTPException(
            404, Said(N_("There is no episode {id} in your diary."), {"id": episode_id})
        )

    def session_info(login: LoginSession) -> SessionInfo:
        return SessionInfo(
            user=login.account.name,
            csrf_token=login.csrf_token,
            expires_at=login.expires_at.replace(tzinfo=dt.UTC),
        )

    @router.get("/session", response_model=SessionInfo, summary="Who is logged in")
    async def session(request: Request, token: Token) -> Response:
        """The logged-in user and the CSRF token that writes must send as X-CSRF-Token."""
        login = await in_diary(request, token, READ_ONLY, lambda _, login: login)
        return _json(session_info(login).model_dump_json().encode())

    @router.post(
        "/session",
        response_model=SessionInfo,
        status_code=201,
        responses={
            401: {"model": Problem, "description": "The name and password do not match."},
            **LIMITED,
        },
        summary="Log in",
    )
    async def log_in_api(request: Request, credentials: Credentials) -> Response:
        """Log in with a name and password: sets the session cookie, and answers with the
        CSRF token to send as X-CSRF-Token. Each try counts before the password is checked:
        5 failed in 15 minutes for one account from one address, 20 from one address to any
        names, or 10 in an hour to one account from addresses it never logged in from, and
        the next is refused (429 with Retry-After), even with the right password."""
        from ...diary.accounts import LoginFailed, TooManyAttempts

        try:
            token, login = await log_in(request, credentials.name, credentials.password)
        except (TooManyAttempts, ServerBusy) as error:
            raise _limited(error) from None
        except LoginFailed as error:
            raise HTTPException(401, error.said) from None
        response = _json(session_info(login).model_dump_json().encode(), 201)
        set_session_cookie(response, request, token)
        return response

    @router.post(
        "/account",
        response_model=SessionInfo,
        status_code=201,
        responses={
            409: {"model": Problem, "description": "The name is taken or reserved."},
            **LIMITED,
        },
        summary="Create an account",
    )
    async def register_api(request: Request, credentials: NewAccount) -> Response:
        """Create an account (a name of 3 to 40 letters, digits, `.`, `-` or `_`; a password
        of at least 10 characters, not a common or leaked one, without the name) and log it
        in, as `POST /session` does. One address can make 10 accounts an hour."""
        from ...diary.accounts import InvalidRegistration, NameTaken, TooManyAttempts

        try:
            token, login = await register(request, credentials.name, credentials.password)
        except InvalidRegistration as error:
            raise _wrong_password(error.field, error.said) from None
        except NameTaken as error:
            raise HTTPException(409, error.said) from None
        except (TooManyAttempts, ServerBusy) as error:
            raise _limited(error) from None
        response = _json(session_info(login).model_dump_json().encode(), 201)
        set_session_cookie(response, request, token)
        return response

    @router.delete(
        "/account",
        status_code=204,
        response_class=Response,
        responses={**FORBIDDEN, **LIMITED},
        summary="Delete your account and everything in it",
    )
    async def delete_account(
        request: Request, token: Token, csrf: Csrf, confirmation: PasswordConfirmation
    ) -> Response:
        """Erases the account, its episodes, days, sessions and login records, for good,
        once `password` is the account's (else 422 naming it). Export first (`GET /export`)
        to keep a copy."""
        from ...diary.accounts import LoginFailed, TooManyAttempts

        accounts = backend(request).accounts
        login = await in_diary(request, token, csrf, lambda _, login: login)
        try:
            await confirm_password(request, login, confirmation.password)
        except LoginFailed:
            raise _wrong_password("password", NOT_YOUR_PASSWORD) from None
        except (TooManyAttempts, ServerBusy) as error:
            raise _limited(error) from None
        await run_in_threadpool(accounts.delete_account, login.account)
        response = Response(status_code=204)
        clear_session_cookie(response, request)
        return response

    @router.put(
        "/account/password",
        status_code=204,
        response_class=Response,
        responses={**FORBIDDEN, **LIMITED},
        summary="Change your password",
    )
    async def new_password(
        request: Request, token: Token, csrf: Csrf, change: PasswordChange
    ) -> Response:
        """Sets `new_password` (the rules of a new account's) once `current_password` is
        right (else 422 naming the field), and ends every other session."""
        from ...diary.accounts import InvalidRegistration, LoginFailed, TooManyAttempts

        login = await in_diary(request, token, csrf, lambda _, login: login)
        try:
            await change_password(request, login, change.current_password, change.new_password)
        except LoginFailed:
            raise _wrong_password("current_password", NOT_YOUR_PASSWORD) from None
        except InvalidRegistration as error:
            raise _wrong_password("new_password", error.said) from None
        except (TooManyAttempts, ServerBusy) as error:
            raise _limited(error) from None
        return Response(status_code=204)

    @router.get("/sessions", response_model=list[SessionListed], summary="Your sessions")
    async def list_sessions(request: Request, token: Token) -> Response:
        """Every live session of your account, newest first; `current` marks this one."""
        accounts = backend(request).accounts
        login = await in_diary(request, token, READ_ONLY, lambda _, login: login)
        listed = [
            SessionListed(
                id=one.id,
                created_at=one.created_at.replace(tzinfo=dt.UTC),
                last_seen_at=one.last_seen_at.replace(tzinfo=dt.UTC),
                expires_at=one.expires_at.replace(tzinfo=dt.UTC),
                current=one.id == login.id,
            )
            for one in await run_in_threadpool(accounts.sessions, login.account)
        ]
        return _json(_SESSIONS.dump_json(listed))

    @router.delete(
        "/sessions",
        response_model=EndedSessions,
        responses=FORBIDDEN,
        summary="Log out everywhere else",
    )
    async def end_other_sessions(request: Request, token: Token, csrf: Csrf) -> Response:
        """Ends every session of your account but this one."""
        accounts = backend(request).accounts
        login = await in_diary(request, token, csrf, lambda _, login: login)
        ended = await run_in_threadpool(accounts.end_other_sessions, login)
        return _json(EndedSessions(ended=ended).model_dump_json().encode())

    @router.delete(
        "/session",
        status_code=204,
        response_class=Response,
        responses=FORBIDDEN,
        summary="Log out",
    )
    async def log_out(request: Request, token: Token, csrf: Csrf) -> Response:
        """Ends this session; the cookie no longer opens the diary."""
        accounts = backend(request).accounts
        await in_diary(request, token, csrf, lambda _, __: None)
        await run_in_threadpool(accounts.end_session, token or "")
        response = Response(status_code=204)
        clear_session_cookie(response, request)
        return response

    @router.get("/episodes", response_model=list[Episode], summary="Your episodes")
    async def list_episodes(
        request: Request,
        token: Token,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    ) -> Response:
        """Newest first."""

        def work(book: Diary, _: LoginSession) -> list[Episode]:
            return book.episodes(limit=limit, offset=offset, newest_first=True)

        return _json(_EPISODES.dump_json(await in_diary(request, token, READ_ONLY, work)))

    @router.post(
        "/episodes",
        response_model=SavedEpisode,
        status_code=201,
        responses=FORBIDDEN,
        summary="Log an episode",
    )
    async def add_episode(
        request: Request, token: Token, csrf: Csrf, episode: EpisodeBody
    ) -> Response:
        """Saves the episode. When what it tells needs more than self-care (a warning sign
        noted, a cramp in the chest, one over 10 minutes), `triage` says what to do. A time
        in the future (beyond a few minutes of clock difference) is refused."""

        def work(book: Diary, _: LoginSession) -> Episode:
            return book.add_episode(_happened(episode))

        added = await in_diary(request, token, csrf, work)
        return _saved(request, added, 201)

    @router.get(
        "/episodes/{episode_id}",
        response_model=Episode,
        responses=NOT_FOUND,
        summary="One episode",
    )
    async def get_episode(request: Request, token: Token, episode_id: int) -> Response:
        found = await in_diary(request, token, READ_ONLY, lambda book, _: book.episode(episode_id))
        if found is None:
            raise missing(episode_id)
        return _json(found.model_dump_json().encode())

    @router.put(
        "/episodes/{episode_id}",
        response_model=SavedEpisode,
        responses={**FORBIDDEN, **NOT_FOUND},
        summary="Change an episode",
    )
    async def update_episode(
        request: Request, token: Token, csrf: Csrf, episode_id: int, episode: EpisodeBody
    ) -> Response:
        def work(book: Diary, _: LoginSession) -> Episode | None:
            return book.update_episode(episode_id, _happened(episode))

        found = await in_diary(request, token, csrf, work)
        if found is None:
            raise missing(episode_id)
        return _saved(request, found)

    @router.delete(
        "/episodes/{episode_id}",
        status_code=204,
        response_class=Response,
        responses={**FORBIDDEN, **NOT_FOUND},
        summary="Delete an episode",
    )
    async def delete_episode(
        request: Request, token: Token, csrf: Csrf, episode_id: int
    ) -> Response:
        def work(book: Diary, _: LoginSession) -> Episode | None:
            return book.delete_episode(episode_id)

        if await in_diary(request, token, csrf, work) is None:
            raise missing(episode_id)
        return Response(status_code=204)

    @router.get("/days/{date}", response_model=Day, responses=NOT_FOUND, summary="One day")
    async def get_day(request: Request, token: Token, date: IsoDate) -> Response:
        found = await in_diary(request, token, READ_ONLY, lambda book, _: book.day(date))
        if found is None:
            # The day as people write it; English as it always was, in ISO.
            language = request_language(request, available)
            day = date.isoformat() if language == ENGLISH else format_date(date, language)
            raise HTTPException(404, Said(N_("Nothing is logged for {date}."), {"date": day}))
        return _json(found.model_dump_json().encode())

    @router.put(
        "/days/{date}",
        response_model=Day,
        responses=FORBIDDEN,
        summary="Set a day's factors",
    )
    async def put_day(
        request: Request, token: Token, csrf: Csrf, date: IsoDate, day: DayBody
    ) -> Response:
        """Replaces the day's factors: a factor left out is "not logged". The day is the
        path's; the body needs no `date`, and one that differs is refused."""

        def work(book: Diary, _: LoginSession) -> Day:
            # After the login check: a stranger learns nothing from these.
            if day.date is not None and day.date != date:
                problem = {
                    "loc": ("body", "date"),
                    "msg": Said(
                        N_("differs from the path's date {date}"), {"date": date.isoformat()}
                    ),
                    "type": "value_error",
                }
                raise RequestValidationError([problem])
            try:
                factors = DayIn.model_validate({**dict(day), "date": date})
            except ValidationError as error:
                raise RequestValidationError(
                    [{**item, "loc": ("path", *item["loc"])} for item in error.errors()]
                ) from None
            return book.set_day(factors, merge=False)

        saved = await in_diary(request, token, csrf, work, atomic=True)
        return _json(saved.model_dump_json().encode())

    @router.get(
        "/triggers",
        response_model=list[TriggerFinding],
        summary="What goes with your episodes",
    )
    async def triggers(
        request: Request,
        token: Token,
        kind: DiaryKind | None = None,
        accept_language: Annotated[
            str | None,
            Header(
                alias="Accept-Language",
                description="The language of each finding's `text` and `note`, e.g. `es`"
                " (Spanish); English when none of those asked for is available. The"
                " response's Content-Language says which one it is.",
            ),
        ] = None,
    ) -> Response:
        """The same findings as `myoguide diary triggers --format json`: without `kind`,
        twitches and spasms apart when both are logged, each finding with its `kind`."""
        from ...diary.analysis import every_finding, triggers_by_kind

        language = request_language(accept_language, available)

        def work(book: Diary, _: LoginSession) -> list[TriggerFinding]:
            days, episodes = book.days(), book.episodes()
            return every_finding(triggers_by_kind(days, episodes, kind=kind, language=language))

        response = _json(_FINDINGS.dump_json(await in_diary(request, token, READ_ONLY, work)))
        response.headers.update(language_headers(language))
        return response

    @router.get(
        "/export",
        response_model=DiaryExport,
        responses={
            200: {
                "content": {
                    FHIR_JSON: {
                        "schema": {
                            "type": "object",
                            "description": "With format=fhir: a FHIR R4 Bundle (type"
                            " collection) of Observations, one for each episode and each day.",
                        }
                    }
                }
            }
        },
        summary="Everything in your diary",
    )
    async def export(
        request: Request,
        token: Token,
        output_format: Annotated[Literal["json", "fhir"], Query(alias="format")] = "json",
        accept_language: Annotated[
            str | None,
            Header(
                alias="Accept-Language",
                description="With format=fhir: the language of the codes' displays, e.g. `es`"
                " (Spanish); English when none of those asked for is available. The codes are"
                " the same in every language.",
            ),
        ] = None,
    ) -> Response:
        """Everything kept about you, as JSON; with `format=fhir`, your episodes and days as a
        FHIR R4 Bundle of Observations (what `myoguide diary import --fhir` reads)."""
        if output_format == "fhir":
            language = request_language(accept_language, available)

            def entries(book: Diary, _: LoginSession) -> tuple[list[Episode], list[Day]]:
                return book.episodes(), book.days()

            episodes, days = await in_diary(request, token, READ_ONLY, entries, atomic=True)
            body = await run_in_threadpool(_fhir_bundle, episodes, days, language)
            return Response(body, media_type=FHIR_JSON, headers=language_headers(language))
        data = await in_diary(request, token, READ_ONLY, export_data, atomic=True)
        return _json(json.dumps(data, ensure_ascii=False).encode())

    return router
