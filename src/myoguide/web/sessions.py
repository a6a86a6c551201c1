"""Who is signed in: the diary store behind the web app, session cookies and CSRF tokens.

The store opens on the first diary request, so the check (which stores nothing) never
touches a database.
"""

from __future__ import annotations

import gc
import os
import secrets
import threading
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

if TYPE_CHECKING:
    from ..diary.accounts import Account, Accounts, LoginSession
    from ..diary.store import Diary, DiaryStore

SESSION_COOKIE = "myoguide_session"
FORM_COOKIE = "myoguide_form"  # CSRF for the forms shown before logging in (double submit)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
INSECURE_COOKIES_ENV = "MYOGUIDE_INSECURE_COOKIES"
CSRF_REFUSED = "This form has expired or did not come from this site. Go back, reload, try again."


class LoginRequired(Exception):
    """Raised when a diary page or endpoint is asked for without a live session."""


class DiaryBackend:
    """The store and accounts of the web app, opened once, on first use."""

    def __init__(self, store: DiaryStore | str | None = None) -> None:
        self._given = store
        self._store: DiaryStore | None = None
        self._accounts: Accounts | None = None
        self._lock = threading.Lock()
        self.secure_cookies = os.environ.get(INSECURE_COOKIES_ENV, "") not in {"1", "true", "yes"}

    @property
    def store(self) -> DiaryStore:
        with self._lock:
            if self._store is None:
                from ..diary.store import DiaryStore

                given = self._given
                self._store = given if isinstance(given, DiaryStore) else DiaryStore.open(given)
                # What opening it loaded (SQLAlchemy, the driver) lives as long as the
                # process too: out of the garbage collector's sight (see app._lifespan).
                gc.freeze()
            return self._store

    async def opened(self) -> DiaryStore:
        """The store for async code: opened in a worker thread the first time (opening may
        migrate the schema), so the event loop never waits on it."""
        if self._store is None:
            from starlette.concurrency import run_in_threadpool

            return await run_in_threadpool(lambda: self.store)
        return self._store

    @property
    def accounts(self) -> Accounts:
        if self._accounts is None:
            from ..diary.accounts import Accounts

            self._accounts = Accounts(self.store)
        return self._accounts

    def diary(self, account: Account) -> Diary:
        from ..diary.store import Diary

        return Diary(self.store, account.id)


def backend(request: Request) -> DiaryBackend:
    found: DiaryBackend = request.app.state.diary
    return found


def current_login(request: Request) -> LoginSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 200:
        return None
    return backend(request).accounts.session(token)


def require_login(request: Request) -> LoginSession:
    """The signed-in session (a sync dependency: FastAPI runs it off the event loop)."""
    login = current_login(request)
    if login is None:
        raise LoginRequired
    return login


def check_csrf(sent: object, expected: str) -> None:
    if not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise HTTPException(403, CSRF_REFUSED)


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    from ..diary.accounts import SESSION_LIFETIME

    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        secure=backend(request).secure_cookies,
        samesite="lax",
        path="/",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        httponly=True,
        secure=backend(request).secure_cookies,
        samesite="lax",
        path="/",
    )


def form_token(request: Request) -> str:
    """The CSRF token for a form shown before logging in: the cookie's, or a new one."""
    token = request.cookies.get(FORM_COOKIE)
    return token if token and len(token) <= 100 else secrets.token_urlsafe(32)


def set_form_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        FORM_COOKIE,
        token,
        httponly=True,
        secure=backend(request).secure_cookies,
        samesite="strict",
        path="/diary",
    )
