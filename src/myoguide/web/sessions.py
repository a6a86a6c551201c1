"""Who is signed in: the diary store behind the web app, session cookies and CSRF tokens,
and logging in, registering and confirming a password, which the pages and the API share.

The store opens on the first diary request, so the check (which stores nothing) never
touches a database.
"""

from __future__ import annotations

import asyncio
import gc
import os
import secrets
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection

from ..i18n import N_

if TYPE_CHECKING:
    from ..diary.accounts import Account, Accounts, LoginSession, TooManyAttempts
    from ..diary.store import Diary, DiaryStore

# `__Host-`: the browser keeps the cookie to this exact site, over HTTPS, for every path. A
# browser refuses such a name without `Secure`, so plain-HTTP development keeps the bare one.
SESSION_COOKIE = "__Host-myoguide_session"
FORM_COOKIE = "__Host-myoguide_form"  # CSRF for the forms shown before logging in
DEV_PREFIX = "__Host-"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
INSECURE_COOKIES_ENV = "MYOGUIDE_INSECURE_COOKIES"
CSRF_REFUSED = N_(
    "This form has expired or did not come from this site. Go back, reload, try again."
)


T = TypeVar("T")
MAX_HASHES = max(1, (os.cpu_count() or 2) // 2)
"""Passwords hashed at once by one process (each takes a core and 64 MiB for about 0.3 s)."""
HASH_WAIT_S = 2.0
"""How long a login waits for its turn to hash before the answer is 503."""
BUSY_RETRY_S = 5


class LoginRequired(Exception):
    """Raised when a diary page or endpoint is asked for without a live session."""


class ServerBusy(Exception):
    """Too many passwords are being checked at once: try again in `retry_after_s`."""

    retry_after_s = BUSY_RETRY_S

    def __init__(self) -> None:
        super().__init__(
            N_("The server is busy checking other passwords. Try again in a few seconds.")
        )


class LowPriorityHashing:
    """Runs password hashes in threads of their own at the lowest CPU priority (Linux), so
    that a flood of logins takes only the CPU that signed-in people leave free."""

    def __init__(self, size: int = MAX_HASHES) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(size, "myoguide-hash", initializer=_lowest_priority)

    def __call__(self, work: Callable[[], T]) -> T:
        return self._pool.submit(work).result()


def _lowest_priority() -> None:
    if sys.platform == "linux":  # each thread is a task of its own there
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class RefusedAddresses:
    """Addresses the database refused whatever name they try, until when: the next try
    from one is refused at once, without a thread, a query or a turn behind others'
    hashing. The database stays the judge; this only remembers its answer."""

    MAX_KEPT = 10_000

    def __init__(self) -> None:
        self._until: dict[str, float] = {}

    def check(self, address: str) -> None:
        from ..diary.accounts import TooManyAttempts

        until = self._until.get(address)
        if until is not None:
            left = until - time.monotonic()
            if left > 0:
                raise TooManyAttempts(int(left) + 1, whole_address=True)
            del self._until[address]

    def note(self, address: str, error: TooManyAttempts) -> None:
        if not error.whole_address:
            return
        if len(self._until) >= self.MAX_KEPT:
            now = time.monotonic()
            self._until = {key: until for key, until in self._until.items() if until > now}
        if len(self._until) < self.MAX_KEPT:  # else the database answers, as it would anyway
            self._until[address] = time.monotonic() + error.retry_after_s


class HashGate:
    """Lets at most `size` logins (each hashing a password) run at once in this process. The
    others wait in the event loop, holding no thread and no connection, and give up after
    HASH_WAIT_S with ServerBusy."""

    def __init__(self, size: int = MAX_HASHES) -> None:
        self.size = size
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._gates = weakref.WeakKeyDictionary()

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` in a worker thread, in its turn."""
        loop = asyncio.get_running_loop()
        gate = self._gates.setdefault(loop, asyncio.Semaphore(self.size))
        try:
            await asyncio.wait_for(gate.acquire(), HASH_WAIT_S)
        except TimeoutError:
            raise ServerBusy from None
        try:
            return await run_in_threadpool(work)
        finally:
            gate.release()


class DiaryBackend:
    """The store and accounts of the web app, opened once, on first use."""

    def __init__(self, store: DiaryStore | str | None = None) -> None:
        self._given = store
        self._store: DiaryStore | None = None
        self._accounts: Accounts | None = None
        self._lock = threading.Lock()
        self.secure_cookies = os.environ.get(INSECURE_COOKIES_ENV, "") not in {"1", "true", "yes"}
        self.hashes = HashGate()
        self.refused = RefusedAddresses()

    def cookie(self, name: str) -> str:
        """The cookie's name: without `__Host-` when cookies are not `Secure`."""
        return name if self.secure_cookies else name.removeprefix(DEV_PREFIX)

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

            self._accounts = Accounts(self.store, LowPriorityHashing())
        return self._accounts

    def diary(self, account: Account) -> Diary:
        from ..diary.store import Diary

        return Diary(self.store, account.id)


def backend(request: HTTPConnection) -> DiaryBackend:
    found: DiaryBackend = request.app.state.diary
    return found


def session_token(request: HTTPConnection) -> str | None:
    token = request.cookies.get(backend(request).cookie(SESSION_COOKIE))
    return token if token and len(token) <= 200 else None


def current_login(request: Request) -> LoginSession | None:
    token = session_token(request)
    return backend(request).accounts.session(token) if token else None


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
        backend(request).cookie(SESSION_COOKIE),
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        secure=backend(request).secure_cookies,
        samesite="lax",
        path="/",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        backend(request).cookie(SESSION_COOKIE),
        httponly=True,
        secure=backend(request).secure_cookies,
        samesite="lax",
        path="/",
    )


def form_token(request: Request) -> str:
    """The CSRF token for a form shown before logging in: the cookie's, or a new one."""
    token = request.cookies.get(backend(request).cookie(FORM_COOKIE))
    return token if token and len(token) <= 100 else secrets.token_urlsafe(32)


def posted_form_token(request: Request) -> str:
    """The pre-login form's token as its cookie carries it ("" when there is none)."""
    return request.cookies.get(backend(request).cookie(FORM_COOKIE)) or ""


def set_form_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        backend(request).cookie(FORM_COOKIE),
        token,
        httponly=True,
        secure=backend(request).secure_cookies,
        samesite="strict",
        path="/",
    )


def client_address(request: Request) -> str:
    """The address the limits count: the client's, or what a trusted proxy forwarded."""
    return request.client.host if request.client else "unknown"


async def log_in(request: Request, name: str, password: str) -> tuple[str, LoginSession]:
    """Log in: the limits first (no hashing for a refused attempt), then the password, in
    its turn. Raises TooManyAttempts, ServerBusy or LoginFailed."""
    from ..diary.accounts import TooManyAttempts

    diaries = backend(request)
    await diaries.opened()
    accounts, address = diaries.accounts, client_address(request)
    diaries.refused.check(address)

    def work() -> tuple[str, LoginSession]:
        account = accounts.verify(accounts.admit(name, address), password)
        return accounts.start_session(account)

    try:
        return await diaries.hashes.run(work)
    except TooManyAttempts as error:
        diaries.refused.note(address, error)
        raise


async def register(request: Request, name: str, password: str) -> tuple[str, LoginSession]:
    """Create an account and log it in. Raises InvalidRegistration, NameTaken,
    TooManyAttempts or ServerBusy."""
    from ..diary.accounts import check_registration

    diaries = backend(request)
    await diaries.opened()
    accounts, address = diaries.accounts, client_address(request)
    check_registration(name, password)  # no turn to wait for a refusal

    def work() -> tuple[str, LoginSession]:
        return accounts.start_session(accounts.register(name, password, address))

    return await diaries.hashes.run(work)


async def confirm_password(request: Request, login: LoginSession, password: str) -> None:
    """The signed-in person's password, asked again before something that cannot be undone;
    counted by the same limits as a login. Raises LoginFailed, TooManyAttempts or
    ServerBusy."""
    diaries = backend(request)
    accounts, address = diaries.accounts, client_address(request)
    await diaries.hashes.run(
        lambda: accounts.verify(accounts.admit(login.account.name, address), password)
    )


async def change_password(request: Request, login: LoginSession, current: str, new: str) -> None:
    """Confirm the current password, then set the new one (which ends the other sessions)."""
    from ..diary.accounts import InvalidRegistration, password_problem

    # A new password that would be refused is told before the current one is checked.
    problem = password_problem(new, login.account.name)
    if problem:
        raise InvalidRegistration(problem, "new_password")
    diaries = backend(request)
    accounts, address = diaries.accounts, client_address(request)

    def work() -> None:
        accounts.verify(accounts.admit(login.account.name, address), current)
        accounts.change_password(login, new)

    await diaries.hashes.run(work)
