"""When the diary's database is down or cut off: a calm 503 with Retry-After, never a hang,
never a traceback, never a person's words in the log; and a readiness check that says so.

Liveness (/healthz) says the process answers; readiness (/readyz) says the database does too.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..diary.store import database_timeout
from ..i18n import N_, gettext_for
from .language import page_language, request_language
from .security import ASGIApp, Message, Receive, Scope, Send

RETRY_AFTER_S = 15
READY_TIMEOUT_S = 3.0
LOG_EVERY_S = 30.0
DIARY_PATHS = ("/diary", "/api/v1/diary")
DOWN_TITLE = N_("The diary is not available just now")
DOWN_DETAIL = N_(
    "We cannot reach the place where diaries are kept. What you saved before is safe."
    " Please try again in a minute."
)
log = logging.getLogger("myoguide.web")


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` means the database is down, cut off or too slow (not a bad request)."""
    if isinstance(error, OperationalError | InterfaceError | PoolTimeout | TimeoutError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


@dataclass
class ErrorLog:
    """One line per kind of error at most every `every_s` seconds: an outage of a thousand
    requests writes a few lines, each with how many it stands for. A line names the error's
    type and the route's template, never the message (it may quote a query's values) nor
    the path (it may hold what someone typed)."""

    every_s: float = LOG_EVERY_S
    _last: dict[str, tuple[float, int]] = field(default_factory=dict)

    def error(self, error: BaseException, scope: Scope, status: int) -> None:
        kind = type(error).__name__
        now = time.monotonic()
        logged_at, unlogged = self._last.get(kind, (-self.every_s, 0))
        if now - logged_at < self.every_s:
            self._last[kind] = (logged_at, unlogged + 1)
            return
        self._last[kind] = (now, 0)
        route = f"{scope.get('method', '')} {_route(scope)}"
        more = f" ({unlogged} more since the last line)" if unlogged else ""
        log.warning("database unavailable: %s on %s -> %d%s", kind, route, status, more)


def _route(scope: Scope) -> str:
    route = scope.get("route")
    return str(getattr(route, "path", "(no route)"))


class DatabaseOutages:
    """Answers 503 with Retry-After when the database fails a request, and when a diary
    request has waited longer than the database timeout (a partition hangs reads for as
    long as it lasts: the request is answered, and its work finishes or fails on its own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.deadline_s = database_timeout()
        self.errors = ErrorLog()
        self._running: set[asyncio.Task[BaseException | None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        answered = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if answered:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        if not scope["path"].startswith(DIARY_PATHS):
            failure = await self._guarded(scope, receive, tracking_send)
        else:
            work = asyncio.ensure_future(self._guarded(scope, receive, tracking_send))
            await asyncio.wait({work}, timeout=self.deadline_s)
            if not work.done() and started:  # already answering: let it finish
                await asyncio.wait({work})
            if work.done():
                failure = work.result()
            else:
                self._running.add(work)
                work.add_done_callback(self._finished_late)
                failure = TimeoutError()
        if failure is None:
            return
        if started:
            raise failure
        answered = True
        self.errors.error(failure, scope, 503)
        await self._unavailable(scope, receive, send)

    def _finished_late(self, work: asyncio.Task[BaseException | None]) -> None:
        """A request answered 503 at its deadline whose work has now ended: its outcome
        is no longer anyone's (and an unread exception would print a traceback)."""
        self._running.discard(work)
        if not work.cancelled():
            work.exception()

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> BaseException | None:
        """Run the app: the database failure it raised, if any (anything else raises)."""
        try:
            await self.app(scope, receive, send)
        except Exception as error:
            if not database_unavailable(error):
                raise
            return error
        return None

    async def _unavailable(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        headers = {"Retry-After": str(RETRY_AFTER_S)}
        response: Response
        if scope["path"].startswith("/api/") or scope["path"] == "/readyz":
            language = request_language(request, request.app.state.engines)
            headers.update({"Content-Language": language, "Vary": "Accept-Language"})
            detail = gettext_for(language)(DOWN_DETAIL)
            response = JSONResponse({"detail": detail}, 503, headers=headers)
        else:
            language = page_language(request, request.app.state.engines)
            _ = gettext_for(language)
            headers.update({"Content-Language": language, "Vary": "Accept-Language, Cookie"})
            context = {"title": _(DOWN_TITLE), "status": 503, "detail": _(DOWN_DETAIL)}
            response = request.app.state.templates.TemplateResponse(
                request,
                "error.html",
                {**context, "language": language},
                status_code=503,
                headers=headers,
            )
        await response(scope, receive, send)


def _ping(connection: Connection) -> None:
    connection.execute(text("SELECT 1"))


async def readiness(request: Request) -> Response:
    """200 when the diary's database answers within a few seconds, else 503."""
    backend = request.app.state.diary

    async def check() -> None:
        store = await backend.opened()
        await store.run(_ping)

    if await _within(check, min(READY_TIMEOUT_S, database_timeout())):
        return JSONResponse({"status": "ok", "database": "ok"})
    return JSONResponse(
        {"status": "unavailable", "database": "not answering"},
        503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


async def _within(check: Callable[[], Awaitable[Any]], seconds: float) -> bool:
    """Whether `check` succeeds within `seconds`; a late one is left to finish on its own."""
    work = asyncio.ensure_future(check())
    done, _ = await asyncio.wait({work}, timeout=seconds)
    if not done:
        work.add_done_callback(_quietly)
        return False
    error = work.exception()
    if error is None:
        return True
    if database_unavailable(error):
        return False
    raise error


def _quietly(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()
