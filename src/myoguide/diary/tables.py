"""The diary's tables (SQLAlchemy 2). Every row belongs to one person (`user_id`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())


class EpisodeRow(Base):
    __tablename__ = "episodes"
    __table_args__ = (
        Index("ix_episodes_user_at", "user_id", "at_utc"),
        CheckConstraint("intensity BETWEEN 0 AND 10", name="ck_episodes_intensity"),
        CheckConstraint("kind IN ('twitch', 'spasm')", name="ck_episodes_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The moment in UTC (stored without a zone), and the person's offset then, so the
    # original time comes back exactly.
    at_utc: Mapped[dt.datetime] = mapped_column(DateTime())
    utc_offset_s: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    regions: Mapped[list[str]] = mapped_column(JSON)
    intensity: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    # Warning signs noticed with the episode (ids of the contract's `medical` answers).
    warning_signs: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime())


class DayRow(Base):
    __tablename__ = "days"
    __table_args__ = (UniqueConstraint("user_id", "date", name="uq_days_user_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    caffeine_cups: Mapped[float | None] = mapped_column(Float)
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    stress: Mapped[int | None] = mapped_column(Integer)
    water_glasses: Mapped[float | None] = mapped_column(Float)
    exercise: Mapped[str | None] = mapped_column(String(10))
    nicotine: Mapped[bool | None] = mapped_column(Boolean)
    alcohol_units: Mapped[float | None] = mapped_column(Float)
    medications: Mapped[list[str]] = mapped_column(JSON, default=list)
    custom: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime())


class LoginSessionRow(Base):
    """A signed-in browser. Only a SHA-256 of its token is kept, so a copy of the database
    cannot be used to sign in."""

    __tablename__ = "login_sessions"
    __table_args__ = (
        Index("ix_login_sessions_user", "user_id"),
        Index("ix_login_sessions_expires", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())
    # When the session was last used (to the minute): it ends after a while unused.
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime())


class LoginAttemptRow(Base):
    """A login or registration as the limits count it, kept in the database so that every app
    process sees the same count. No name is kept: only the account it was for, if any."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_ip", "ip", "at"),
        Index("ix_login_attempts_user", "user_id", "at"),
        Index("ix_login_attempts_at", "at"),
        CheckConstraint("kind IN ('login', 'register')", name="ck_login_attempts_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime())
    # A login is counted as failed from the moment it is admitted until it succeeds.
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
