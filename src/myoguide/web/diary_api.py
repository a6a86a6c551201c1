"""The diary as JSON under /api/v1/diary, over the same accounts and store as the pages.

Authentication is the session cookie of /diary/login; a request that changes something also
sends the session's CSRF token in `X-CSRF-Token` (from GET /api/v1/diary/session), so another
site cannot make a signed-in browser write.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, Security
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyCookie, APIKeyHeader
from pydantic import BaseModel, ConfigDict

from ..diary.accounts import LoginSession
from ..diary.analysis import TriggerFinding
from ..diary.models import Day, DayIn, DiaryKind, Episode, EpisodeIn
from ..diary.store import Diary
from .diary_pages import export_data
from .problems import Problem, ValidationProblem
from .sessions import CSRF_HEADER, SESSION_COOKIE, backend, check_csrf, require_login

_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="The session cookie set by logging in at /diary/login.",
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


class SessionInfo(BaseModel):
    """Who is logged in, and the token to send as X-CSRF-Token when changing data."""

    model_config = ConfigDict(extra="forbid")

    user: str
    csrf_token: str
    expires_at: dt.datetime


class AccountName(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str


class DiaryExport(BaseModel):
    """Everything kept about the person."""

    model_config = ConfigDict(extra="forbid")

    account: AccountName
    episodes: list[Episode]
    days: list[Day]


def _reader(request: Request, _: Annotated[str | None, Security(_cookie)]) -> LoginSession:
    return require_login(request)


def _writer(
    login: Annotated[LoginSession, Depends(_reader)],
    token: Annotated[str | None, Security(_csrf)],
) -> LoginSession:
    check_csrf(token, login.csrf_token)
    return login


Reader = Annotated[LoginSession, Depends(_reader)]
Writer = Annotated[LoginSession, Depends(_writer)]


def build_diary_api() -> APIRouter:
    router = APIRouter(prefix="/api/v1/diary", tags=["diary"], responses=ERRORS)

    def diary_of(request: Request, login: LoginSession) -> Diary:
        return backend(request).diary(login.account)

    def missing(episode_id: int) -> HTTPException:
        return HTTPException(404, f"There is no episode {episode_id} in your diary.")

    @router.get("/session", response_model=SessionInfo, summary="Who is logged in")
    def session(login: Reader) -> SessionInfo:
        """The logged-in user and the CSRF token that writes must send as X-CSRF-Token."""
        return SessionInfo(
            user=login.account.name,
            csrf_token=login.csrf_token,
            expires_at=login.expires_at.replace(tzinfo=dt.UTC),
        )

    @router.get("/episodes", response_model=list[Episode], summary="Your episodes")
    def list_episodes(
        request: Request,
        login: Reader,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[Episode]:
        """Newest first."""
        return diary_of(request, login).episodes(limit=limit, offset=offset, newest_first=True)

    @router.post(
        "/episodes",
        response_model=Episode,
        status_code=201,
        responses=FORBIDDEN,
        summary="Log an episode",
    )
    def add_episode(request: Request, login: Writer, episode: EpisodeIn) -> Episode:
        return diary_of(request, login).add_episode(episode)

    @router.get(
        "/episodes/{episode_id}",
        response_model=Episode,
        responses=NOT_FOUND,
        summary="One episode",
    )
    def get_episode(request: Request, login: Reader, episode_id: int) -> Episode:
        found = diary_of(request, login).episode(episode_id)
        if found is None:
            raise missing(episode_id)
        return found

    @router.put(
        "/episodes/{episode_id}",
        response_model=Episode,
        responses={**FORBIDDEN, **NOT_FOUND},
        summary="Change an episode",
    )
    def update_episode(
        request: Request, login: Writer, episode_id: int, episode: EpisodeIn
    ) -> Episode:
        found = diary_of(request, login).update_episode(episode_id, episode)
        if found is None:
            raise missing(episode_id)
        return found

    @router.delete(
        "/episodes/{episode_id}",
        status_code=204,
        response_class=Response,
        responses={**FORBIDDEN, **NOT_FOUND},
        summary="Delete an episode",
    )
    def delete_episode(request: Request, login: Writer, episode_id: int) -> Response:
        if diary_of(request, login).delete_episode(episode_id) is None:
            raise missing(episode_id)
        return Response(status_code=204)

    @router.get("/days/{date}", response_model=Day, responses=NOT_FOUND, summary="One day")
    def get_day(request: Request, login: Reader, date: dt.date) -> Day:
        found = diary_of(request, login).day(date)
        if found is None:
            raise HTTPException(404, f"Nothing is logged for {date.isoformat()}.")
        return found

    @router.put(
        "/days/{date}",
        response_model=Day,
        responses=FORBIDDEN,
        summary="Set a day's factors",
    )
    def put_day(request: Request, login: Writer, date: dt.date, day: DayIn) -> Day:
        """Replaces the day's factors: a factor left out is "not logged". The body's `date`
        must be the path's."""
        if day.date != date:
            problem = {
                "loc": ("body", "date"),
                "msg": "differs from the path's date",
                "type": "value_error",
            }
            raise RequestValidationError([problem])
        return diary_of(request, login).set_day(day, merge=False)

    @router.get(
        "/triggers",
        response_model=list[TriggerFinding],
        summary="What goes with your episodes",
    )
    def triggers(
        request: Request, login: Reader, kind: DiaryKind | None = None
    ) -> list[TriggerFinding]:
        """The same findings as `myoguide diary triggers --format json`."""
        from ..diary.analysis import find_triggers

        book = diary_of(request, login)
        return find_triggers(book.days(), book.episodes(), kind=kind)

    @router.get("/export", response_model=DiaryExport, summary="Everything in your diary")
    def export(request: Request, login: Reader) -> dict[str, Any]:
        return export_data(diary_of(request, login), login)

    return router
