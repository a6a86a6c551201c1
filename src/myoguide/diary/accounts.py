"""Accounts on a shared server: registration, passwords, login sessions and the login limits.

Passwords are hashed with argon2id and checked against a list of common and leaked passwords
(NIST SP 800-63B); a session token is random and only its SHA-256 is stored. Every login is
counted before its password is checked, in a transaction that the database serialises, so
parallel guesses cannot slip past the limits. Nothing here logs names, passwords or tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any, Protocol, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, and_, bindparam, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from ..i18n import N_, Said
from .store import DiaryStore
from .tables import DayRow, EpisodeRow, LoginAttemptRow, LoginSessionRow, User

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")
# The command line's own diary lives under this name and has no password.
RESERVED_NAMES = frozenset({"local", "admin", "root"})
# OWASP ASVS 4.0 level 2 (3.3.2): log in again after 12 hours, or 30 minutes unused.
SESSION_LIFETIME = dt.timedelta(hours=12)
SESSION_IDLE = dt.timedelta(minutes=30)
SESSION_TOUCH = dt.timedelta(minutes=1)
"""How stale `last_seen_at` may get before a request writes it again."""

FAILED_LOGIN_WINDOW = dt.timedelta(minutes=15)
MAX_FAILED_LOGINS = 5
"""Failed logins to one account from one address, within FAILED_LOGIN_WINDOW."""
MAX_FAILED_BY_ADDRESS = 20
"""Failed logins from one address, to any name (known or not), within FAILED_LOGIN_WINDOW."""
ACCOUNT_WINDOW = dt.timedelta(hours=1)
MAX_FAILED_BY_ACCOUNT = 10
"""Failed logins to one account from addresses it has never logged in from, within
ACCOUNT_WINDOW: at most this many guesses an hour, however many addresses try."""
KNOWN_ADDRESS_FOR = dt.timedelta(days=30)
"""An address the account logged in from is known for this long after its last login."""
MAX_REGISTRATIONS = 10
"""New accounts from one address within ACCOUNT_WINDOW."""

_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the name is unknown, so that a wrong name takes as long as a wrong
# password and the timing does not tell which names exist.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
_POSTGRES_LOCK = 7310520  # the advisory lock that serialises admissions (migrations use ...519)
_EDGES = string.digits + string.punctuation + string.whitespace


T = TypeVar("T")


class HashRunner(Protocol):
    """Runs a password hash (`work`) and returns what it returns: where and when is the
    caller's choice (the web app runs it at the lowest CPU priority)."""

    def __call__(self, work: Callable[[], T]) -> T: ...


def _here(work: Callable[[], T]) -> T:
    return work()


class AccountError(ValueError):
    """Something about an account that the person can act on; the message says what (in
    English; `said.translated` in another language)."""

    def __init__(self, said: Said | str) -> None:
        self.said = said if isinstance(said, Said) else Said(said)
        super().__init__(str(self.said))


class InvalidRegistration(AccountError):
    def __init__(self, said: Said | str, field: str) -> None:
        super().__init__(said)
        self.field = field  # "name" or "password": which one to change


class NameTaken(AccountError):
    field = "name"


class LoginFailed(AccountError):
    def __init__(self) -> None:
        super().__init__(N_("That name and password do not match an account."))


# What was tried too often, and how long to wait: one minute, or more.
_TOO_MANY = {
    ("failed logins", False): N_("Too many failed logins. Wait {minutes} minute and try again."),
    ("failed logins", True): N_("Too many failed logins. Wait {minutes} minutes and try again."),
    ("new accounts", False): N_("Too many new accounts. Wait {minutes} minute and try again."),
    ("new accounts", True): N_("Too many new accounts. Wait {minutes} minutes and try again."),
}


class TooManyAttempts(AccountError):
    def __init__(
        self, retry_after_s: int, what: str = "failed logins", whole_address: bool = False
    ) -> None:
        minutes = max(1, -(-retry_after_s // 60))
        super().__init__(Said(_TOO_MANY[what, minutes > 1], {"minutes": minutes}))
        self.retry_after_s = retry_after_s
        self.whole_address = whole_address  # refused whatever name it tries next


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class LoginSession:
    """A signed-in browser: whose it is and the token its forms must carry (CSRF)."""

    account: Account
    csrf_token: str
    expires_at: dt.datetime
    id: int


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One of a person's live sessions, as listed to them."""

    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    """A login let through the limits: it counts as failed until it succeeds."""

    id: int
    user_id: int | None
    ip: str


def normalise_name(name: str) -> str:
    return name.strip().lower()


def clean_password(password: str) -> str:
    """Spaces around a password are not part of it: the pages and the API alike drop them."""
    return password.strip()


def check_registration(name: str, password: str) -> str:
    """The name as it will be stored; raises InvalidRegistration saying what to change."""
    clean = normalise_name(name)
    if not NAME_PATTERN.fullmatch(clean):
        raise InvalidRegistration(
            N_(
                "A user name has 3 to 40 characters: letters, digits, dots, dashes or"
                " underscores, starting with a letter or digit."
            ),
            "name",
        )
    if clean in RESERVED_NAMES:
        raise NameTaken(Said(N_("The name {name!r} is reserved; choose another."), {"name": clean}))
    problem = password_problem(password, clean)
    if problem:
        raise InvalidRegistration(problem, "password")
    return clean


def password_problem(password: str, name: str) -> Said | None:
    """Why this password is too easy to guess for the account `name`, or None (NIST SP
    800-63B 5.1.1.2: a minimum length, no common or leaked password, nothing trivial)."""
    typed = clean_password(password)
    if len(typed) < MIN_PASSWORD:
        return Said(
            N_(
                "A password needs at least {minimum} characters"
                " (spaces at the start and end do not count)."
            ),
            {"minimum": MIN_PASSWORD},
        )
    if len(typed) > MAX_PASSWORD:
        return Said(
            N_("A password can have at most {maximum} characters."), {"maximum": MAX_PASSWORD}
        )
    lower = typed.lower()
    if name and name in lower:
        return Said(N_("A password must not contain your user name."))
    if _trivial(lower):
        return Said(N_("That password is a simple pattern (like aaaa or 1234) and easy to guess."))
    if _common(lower):
        return Said(
            N_(
                "That password is on a list of common or leaked passwords."
                " A few words you will remember work well."
            )
        )
    return None


def _taken(name: str) -> Said:
    return Said(N_("The name {name!r} is taken; choose another."), {"name": name})


def _trivial(lower: str) -> bool:
    """One short piece over and over (aaaa, abab, 12341234), or a run like 1234 or zyxw."""
    compact = lower.replace(" ", "")
    if len(compact) < 2:
        return True
    if any(
        compact == compact[:size] * (len(compact) // size) + compact[: len(compact) % size]
        for size in range(1, 5)
    ):
        return True
    steps = {_step(a, b) for a, b in pairwise(compact)}
    return steps in ({1}, {-1})


def _step(a: str, b: str) -> int:
    """From one character to the next; digits go round (7890, 3210987)."""
    step = ord(b) - ord(a)
    if a.isdigit() and b.isdigit() and abs(step) == 9:
        return -step // 9
    return step


def _common(lower: str) -> bool:
    """On the list, as typed or without the digits and signs around it (password2024!)."""
    listed = _common_passwords()
    bare = lower.strip(_EDGES)
    return any(form in listed for form in {lower, bare, bare.replace(" ", "")} if form)


@cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 passwords seen most in leaks (zxcvbn's list, shipped in its package)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


# Looked up on every request of the API: built once, with bound parameters.
_LIVE_SESSION = (
    select(
        LoginSessionRow.user_id,
        User.name,
        LoginSessionRow.csrf_token,
        LoginSessionRow.expires_at,
        LoginSessionRow.id,
        LoginSessionRow.last_seen_at,
    )
    .join(User, User.id == LoginSessionRow.user_id)
    .where(LoginSessionRow.token_sha256 == bindparam("b_digest"))
    .where(LoginSessionRow.expires_at > bindparam("b_now"))
    .where(LoginSessionRow.last_seen_at > bindparam("b_idle"))
)
_TOUCH_SESSION = (
    update(LoginSessionRow)
    .where(LoginSessionRow.id == bindparam("b_id"))
    .values(last_seen_at=bindparam("b_now"))
)
_FAILED = and_(LoginAttemptRow.kind == "login", LoginAttemptRow.succeeded.is_(False))


class Accounts:
    """The accounts kept in one diary store."""

    def __init__(self, store: DiaryStore, hashing: HashRunner = _here) -> None:
        self.store = store
        self._hashing = hashing

    # Registration

    def admit_registration(self, name: str, password: str, ip: str) -> str:
        """The name to register, once the name and password are acceptable and the address
        has not made too many accounts lately; hashing comes after (`create`)."""
        clean = check_registration(name, password)
        with self.store.session() as session:
            if session.scalar(select(User.id).where(User.name == clean)) is not None:
                raise NameTaken(_taken(clean))
        now = _now()
        with self.store.transaction() as connection:
            self._serialise(connection)
            _sweep(connection, now)
            connection.execute(
                insert(LoginAttemptRow).values(
                    kind="register", user_id=None, ip=ip[:64], at=now, succeeded=True
                )
            )
            since = now - ACCOUNT_WINDOW
            count, oldest = connection.execute(
                select(func.count(), func.min(LoginAttemptRow.at)).where(
                    LoginAttemptRow.kind == "register",
                    LoginAttemptRow.ip == ip[:64],
                    LoginAttemptRow.at > since,
                )
            ).one()
            if count > MAX_REGISTRATIONS:
                # Raising rolls the insert back: a refused registration is not counted.
                raise TooManyAttempts(_wait(oldest, ACCOUNT_WINDOW, now), "new accounts")
        return clean

    def create(self, name: str, password: str) -> Account:
        """A new account for a name `admit_registration` let through (this hashes)."""
        password_hash = self._hash(password)
        try:
            with self.store.session() as session:
                user = User(name=name, password_hash=password_hash, created_at=_now())
                session.add(user)
                session.flush()
                return Account(user.id, user.name)
        except IntegrityError:
            raise NameTaken(_taken(name)) from None

    def register(self, name: str, password: str, ip: str) -> Account:
        return self.create(self.admit_registration(name, password, ip), password)

    # Logging in

    def admit(self, name: str, ip: str) -> Attempt:
        """Count a login before its password is checked, or refuse it (TooManyAttempts).

        The attempt is written first and the limits counted after it, in one transaction
        that the database serialises (PostgreSQL: an advisory lock; SQLite: the write lock
        its first statement takes), so of any number of parallel guesses only as many as
        the limits allow get through to the password check."""
        clean = normalise_name(name)[:200]
        now = _now()
        with self.store.transaction() as connection:
            self._serialise(connection)
            _sweep(connection, now)
            account = select(User.id).where(User.name == clean).scalar_subquery()
            row = connection.execute(
                insert(LoginAttemptRow)
                .values(kind="login", user_id=account, ip=ip[:64], at=now, succeeded=False)
                .returning(LoginAttemptRow.id, LoginAttemptRow.user_id)
            ).one()
            attempt = Attempt(row.id, row.user_id, ip[:64])
            wait, whole_address = _over_limit(connection, attempt, now)
            if wait:
                # Raising rolls the attempt back: a refusal is not counted.
                raise TooManyAttempts(wait, whole_address=whole_address)
        return attempt

    def verify(self, attempt: Attempt, password: str) -> Account:
        """The account, if the password is right (this hashes); else LoginFailed, and the
        attempt stays counted as failed (as it does if the process dies meanwhile)."""
        found = None
        if attempt.user_id is not None:
            with self.store.transaction() as connection:
                found = connection.execute(
                    select(User.id, User.name, User.password_hash).where(User.id == attempt.user_id)
                ).first()
        stored = found.password_hash if found is not None else None
        typed = clean_password(password)[:MAX_PASSWORD]
        verified = self._hashing(lambda: _verify(stored or _DUMMY_HASH, typed))
        if found is None or stored is None or not verified:
            raise LoginFailed
        with self.store.transaction() as connection:
            # This address is now known to the account; its failures there are forgiven.
            connection.execute(
                delete(LoginAttemptRow).where(
                    LoginAttemptRow.kind == "login",
                    LoginAttemptRow.user_id == attempt.user_id,
                    LoginAttemptRow.ip == attempt.ip,
                    LoginAttemptRow.id != attempt.id,
                )
            )
            connection.execute(
                update(LoginAttemptRow)
                .where(LoginAttemptRow.id == attempt.id)
                .values(succeeded=True, at=_now())
            )
        return Account(found.id, found.name)

    def authenticate(self, name: str, password: str, ip: str) -> Account:
        """The account for this name and password, else LoginFailed (or TooManyAttempts)."""
        return self.verify(self.admit(name, ip), password)

    def change_password(self, login: LoginSession, new_password: str) -> None:
        """Set a new password (checked like a new account's) and end every other session.
        The current password must have been confirmed first (`verify`)."""
        problem = password_problem(new_password, login.account.name)
        if problem:
            raise InvalidRegistration(problem, "new_password")
        password_hash = self._hash(new_password)
        with self.store.transaction() as connection:
            connection.execute(
                update(User).where(User.id == login.account.id).values(password_hash=password_hash)
            )
            _end_others(connection, login)

    # Sessions

    def start_session(self, account: Account) -> tuple[str, LoginSession]:
        """A new session: the token for the cookie (never stored) and the session. Expired
        and idle sessions of everyone are swept away here, so the table holds live ones."""
        token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = _now()
        expires_at = now + SESSION_LIFETIME
        values = {
            "token_sha256": _digest(token),
            "user_id": account.id,
            "csrf_token": csrf_token,
            "created_at": now,
            "last_seen_at": now,
            "expires_at": expires_at,
        }
        with self.store.transaction() as connection:
            connection.execute(
                delete(LoginSessionRow).where(
                    (LoginSessionRow.expires_at <= now)
                    | (LoginSessionRow.last_seen_at <= now - SESSION_IDLE)
                )
            )
            session_id = connection.execute(
                insert(LoginSessionRow).values(values).returning(LoginSessionRow.id)
            ).scalar_one()
        return token, LoginSession(account, csrf_token, expires_at, session_id)

    def session(self, token: str, connection: Connection | None = None) -> LoginSession | None:
        """The live session for a cookie's token, or None (unknown, expired or left unused
        too long); using it keeps it alive. With a connection, the lookup joins the
        transaction open on it."""
        if connection is None:
            with self.store.transaction() as own:
                return _live_session(own, token)
        return _live_session(connection, token)

    def sessions(self, account: Account) -> list[SessionSummary]:
        """The person's live sessions, newest first."""
        now = _now()
        with self.store.transaction() as connection:
            rows = connection.execute(
                select(
                    LoginSessionRow.id,
                    LoginSessionRow.created_at,
                    LoginSessionRow.last_seen_at,
                    LoginSessionRow.expires_at,
                )
                .where(
                    LoginSessionRow.user_id == account.id,
                    LoginSessionRow.expires_at > now,
                    LoginSessionRow.last_seen_at > now - SESSION_IDLE,
                )
                .order_by(LoginSessionRow.created_at.desc(), LoginSessionRow.id.desc())
            ).all()
        return [SessionSummary(*row) for row in rows]

    def end_other_sessions(self, login: LoginSession) -> int:
        """End every session of the person but this one; how many ended."""
        with self.store.transaction() as connection:
            return _end_others(connection, login)

    def end_session(self, token: str) -> None:
        with self.store.session() as session:
            session.execute(
                delete(LoginSessionRow).where(LoginSessionRow.token_sha256 == _digest(token))
            )

    # The account as a whole

    def delete_account(self, account: Account) -> None:
        """Erase the person: episodes, days, sessions, login records and the account. On
        SQLite the write-ahead log is then emptied into the file, whose deleted pages
        `secure_delete` has overwritten, so the erased rows are gone from both."""
        with self.store.session() as session:
            for table in (EpisodeRow, DayRow, LoginSessionRow, LoginAttemptRow):
                session.execute(delete(table).where(table.user_id == account.id))
            session.execute(delete(User).where(User.id == account.id))
        if self.store.engine.dialect.name == "sqlite":
            with self.store.autocommit() as connection:
                connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    def _hash(self, password: str) -> str:
        typed = clean_password(password)
        return self._hashing(lambda: _HASHER.hash(typed))

    def _serialise(self, connection: Connection) -> None:
        """Admissions one at a time. SQLite needs nothing: the transaction's first statement
        is a write, which waits for the database's single write lock."""
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_POSTGRES_LOCK})"))


def records(connection: Connection, account: Account) -> dict[str, Any]:
    """What is kept about the person beyond their entries: when the account was made, when
    each entry was made and changed, the live sessions and the login records."""
    created = connection.execute(select(User.created_at).where(User.id == account.id)).scalar()
    episodes = connection.execute(
        select(EpisodeRow.id, EpisodeRow.created_at, EpisodeRow.updated_at).where(
            EpisodeRow.user_id == account.id
        )
    ).all()
    days = connection.execute(
        select(DayRow.date, DayRow.updated_at).where(DayRow.user_id == account.id)
    ).all()
    sessions = connection.execute(
        select(LoginSessionRow.created_at, LoginSessionRow.last_seen_at, LoginSessionRow.expires_at)
        .where(LoginSessionRow.user_id == account.id)
        .order_by(LoginSessionRow.created_at)
    ).all()
    logins = connection.execute(
        select(LoginAttemptRow.at, LoginAttemptRow.ip, LoginAttemptRow.succeeded)
        .where(LoginAttemptRow.user_id == account.id)
        .order_by(LoginAttemptRow.at)
    ).all()
    return {
        "created_at": _iso(created),
        "episodes": {row.id: (_iso(row.created_at), _iso(row.updated_at)) for row in episodes},
        "days": {row.date.isoformat(): _iso(row.updated_at) for row in days},
        "sessions": [
            {
                "created_at": _iso(row.created_at),
                "last_seen_at": _iso(row.last_seen_at),
                "expires_at": _iso(row.expires_at),
            }
            for row in sessions
        ],
        "logins": [
            {"at": _iso(row.at), "address": row.ip, "succeeded": row.succeeded} for row in logins
        ],
    }


def _over_limit(connection: Connection, attempt: Attempt, now: dt.datetime) -> tuple[int, bool]:
    """Seconds to wait if this attempt (already written) breaks a limit, else 0; and whether
    the limit is the address's own (any name)."""
    since = now - FAILED_LOGIN_WINDOW
    by_address = select(func.count(), func.min(LoginAttemptRow.at)).where(
        _FAILED, LoginAttemptRow.ip == attempt.ip, LoginAttemptRow.at > since
    )
    count, oldest = connection.execute(by_address).one()
    if count > MAX_FAILED_BY_ADDRESS:
        return _wait(oldest, FAILED_LOGIN_WINDOW, now), True
    if attempt.user_id is None:
        return 0, False
    mine = LoginAttemptRow.user_id == attempt.user_id
    count, oldest = connection.execute(by_address.where(mine)).one()
    if count > MAX_FAILED_LOGINS:
        return _wait(oldest, FAILED_LOGIN_WINDOW, now), False
    known = select(LoginAttemptRow.ip).where(
        LoginAttemptRow.kind == "login", mine, LoginAttemptRow.succeeded.is_(True)
    )
    addresses = set(connection.execute(known).scalars())
    if attempt.ip in addresses:
        return 0, False  # the owner's own address: strangers' guesses elsewhere do not lock it
    strangers = select(func.count(), func.min(LoginAttemptRow.at)).where(
        _FAILED,
        mine,
        LoginAttemptRow.at > now - ACCOUNT_WINDOW,
        LoginAttemptRow.ip.not_in(sorted(addresses)),
    )
    count, oldest = connection.execute(strangers).one()
    if count > MAX_FAILED_BY_ACCOUNT:
        return _wait(oldest, ACCOUNT_WINDOW, now), False
    return 0, False


def _sweep(connection: Connection, now: dt.datetime) -> None:
    """Drop the records no limit needs any more: failures and registrations after the
    longest window, a known address a while after its last login."""
    connection.execute(
        delete(LoginAttemptRow).where(
            (
                ((LoginAttemptRow.kind == "register") | LoginAttemptRow.succeeded.is_(False))
                & (LoginAttemptRow.at < now - ACCOUNT_WINDOW)
            )
            | (LoginAttemptRow.at < now - KNOWN_ADDRESS_FOR)
        )
    )


def _live_session(connection: Connection, token: str) -> LoginSession | None:
    now = _now()
    values = {"b_digest": _digest(token), "b_now": now, "b_idle": now - SESSION_IDLE}
    found = connection.execute(_LIVE_SESSION, values).first()
    if found is None:
        return None
    user_id, name, csrf_token, expires_at, session_id, last_seen_at = found
    if last_seen_at < now - SESSION_TOUCH:
        connection.execute(_TOUCH_SESSION, {"b_id": session_id, "b_now": now})
    return LoginSession(Account(user_id, name), csrf_token, expires_at, session_id)


def _end_others(connection: Connection, login: LoginSession) -> int:
    ended = connection.execute(
        delete(LoginSessionRow).where(
            LoginSessionRow.user_id == login.account.id, LoginSessionRow.id != login.id
        )
    )
    return int(ended.rowcount or 0)


def _wait(oldest: dt.datetime | None, window: dt.timedelta, now: dt.datetime) -> int:
    if oldest is None:
        return 1
    return max(1, int((oldest + window - now).total_seconds()) + 1)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_HASHER.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.replace(tzinfo=dt.UTC).isoformat() if moment is not None else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
