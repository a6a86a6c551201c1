"""Accounts on a shared server: registration, passwords, login sessions and rate limiting.

Passwords are hashed with argon2id; a session token is random and only its SHA-256 is
stored; failed logins are counted in the database, so every app process sees them.
Nothing here logs names, passwords or tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, delete, func, select

from .store import DiaryStore
from .tables import DayRow, EpisodeRow, LoginAttemptRow, LoginSessionRow, User

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,39}")
# The command line's own diary lives under this name and has no password.
RESERVED_NAMES = frozenset({"local", "admin", "root"})
SESSION_LIFETIME = dt.timedelta(days=14)
MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW = dt.timedelta(minutes=15)

_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the name is unknown, so that a wrong name takes as long as a wrong
# password and the timing does not tell which names exist.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """Something about an account that the person can act on; the message says what."""


class InvalidRegistration(AccountError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field  # "name" or "password": which one to change


class NameTaken(AccountError):
    field = "name"


class LoginFailed(AccountError):
    def __init__(self) -> None:
        super().__init__("That name and password do not match an account.")


class TooManyAttempts(AccountError):
    def __init__(self, retry_after_s: int) -> None:
        minutes = max(1, -(-retry_after_s // 60))
        super().__init__(
            f"Too many failed logins. Wait {minutes} minute{'s' if minutes > 1 else ''}"
            " and try again."
        )
        self.retry_after_s = retry_after_s


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


def normalise_name(name: str) -> str:
    return name.strip().lower()


def check_registration(name: str, password: str) -> str:
    """The name as it will be stored; raises InvalidRegistration saying what to change."""
    clean = normalise_name(name)
    if not NAME_PATTERN.fullmatch(clean):
        raise InvalidRegistration(
            "A user name has 3 to 40 characters: letters, digits, dots, dashes or underscores,"
            " starting with a letter or digit.",
            "name",
        )
    if clean in RESERVED_NAMES:
        raise NameTaken(f"The name {clean!r} is reserved; choose another.")
    if len(password) < MIN_PASSWORD:
        raise InvalidRegistration(
            f"A password needs at least {MIN_PASSWORD} characters.", "password"
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidRegistration(
            f"A password can have at most {MAX_PASSWORD} characters.", "password"
        )
    return clean


# Looked up on every request of the API: built once, with bound parameters.
_LIVE_SESSION = (
    select(
        LoginSessionRow.user_id,
        User.name,
        LoginSessionRow.csrf_token,
        LoginSessionRow.expires_at,
    )
    .join(User, User.id == LoginSessionRow.user_id)
    .where(LoginSessionRow.token_sha256 == bindparam("b_digest"))
    .where(LoginSessionRow.expires_at > bindparam("b_now"))
)


class Accounts:
    """The accounts kept in one diary store."""

    def __init__(self, store: DiaryStore) -> None:
        self.store = store

    def register(self, name: str, password: str) -> Account:
        clean = check_registration(name, password)
        password_hash = _HASHER.hash(password)
        with self.store.session() as session:
            if session.scalar(select(User.id).where(User.name == clean)) is not None:
                raise NameTaken(f"The name {clean!r} is taken; choose another.")
            user = User(name=clean, password_hash=password_hash, created_at=_now())
            session.add(user)
            session.flush()
            return Account(user.id, user.name)

    def authenticate(self, name: str, password: str, ip: str) -> Account:
        """The account for this name and password, else LoginFailed (or TooManyAttempts)."""
        clean = normalise_name(name)[:200]
        self._check_rate(clean, ip)
        with self.store.session() as session:
            user = session.scalar(select(User).where(User.name == clean))
            stored = user.password_hash if user is not None else None
        verified = _verify(stored or _DUMMY_HASH, password[:MAX_PASSWORD])
        if user is None or stored is None or not verified:
            self._record_failure(clean, ip)
            raise LoginFailed
        self._clear_failures(clean, ip)
        return Account(user.id, user.name)

    def start_session(self, account: Account) -> tuple[str, LoginSession]:
        """A new session: the token for the cookie (never stored) and the session. Expired
        sessions of everyone are swept away here, so the table holds live ones only."""
        token = secrets.token_urlsafe(32)
        now = _now()
        row = LoginSessionRow(
            token_sha256=_digest(token),
            user_id=account.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
        with self.store.session() as session:
            session.execute(delete(LoginSessionRow).where(LoginSessionRow.expires_at <= now))
            session.add(row)
        return token, LoginSession(account, row.csrf_token, row.expires_at)

    def session(self, token: str, connection: Connection | None = None) -> LoginSession | None:
        """The live session for a cookie's token, or None (unknown or expired). With a
        connection, the lookup joins the transaction open on it."""
        values = {"b_digest": _digest(token), "b_now": _now()}
        if connection is None:
            with self.store.transaction() as own:
                found = own.execute(_LIVE_SESSION, values).first()
        else:
            found = connection.execute(_LIVE_SESSION, values).first()
        if found is None:
            return None
        user_id, name, csrf_token, expires_at = found
        return LoginSession(Account(user_id, name), csrf_token, expires_at)

    def end_session(self, token: str) -> None:
        with self.store.session() as session:
            session.execute(
                delete(LoginSessionRow).where(LoginSessionRow.token_sha256 == _digest(token))
            )

    def delete_account(self, account: Account) -> None:
        """Erase the person: episodes, days, sessions, login records and the account."""
        with self.store.session() as session:
            for table in (EpisodeRow, DayRow, LoginSessionRow):
                session.execute(delete(table).where(table.user_id == account.id))
            session.execute(
                delete(LoginAttemptRow).where(LoginAttemptRow.user_name == account.name)
            )
            session.execute(delete(User).where(User.id == account.id))

    def _check_rate(self, name: str, ip: str) -> None:
        since = _now() - FAILED_LOGIN_WINDOW
        query = select(func.count(), func.min(LoginAttemptRow.at)).where(
            LoginAttemptRow.user_name == name,
            LoginAttemptRow.ip == ip[:64],
            LoginAttemptRow.at > since,
        )
        with self.store.session() as session:
            count, oldest = session.execute(query).one()
        if count >= MAX_FAILED_LOGINS:
            wait = oldest + FAILED_LOGIN_WINDOW - _now()
            raise TooManyAttempts(max(1, int(wait.total_seconds())))

    def _record_failure(self, name: str, ip: str) -> None:
        now = _now()
        with self.store.session() as session:
            # Old records are of no more use; dropping them here keeps the table small.
            session.execute(
                delete(LoginAttemptRow).where(LoginAttemptRow.at < now - FAILED_LOGIN_WINDOW)
            )
            session.add(LoginAttemptRow(user_name=name, ip=ip[:64], at=now))

    def _clear_failures(self, name: str, ip: str) -> None:
        with self.store.session() as session:
            session.execute(
                delete(LoginAttemptRow).where(
                    LoginAttemptRow.user_name == name, LoginAttemptRow.ip == ip[:64]
                )
            )


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_HASHER.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
