"""Where diaries are kept: SQLite by default, PostgreSQL for a shared server.

Every read and write names the person it is for; no query can reach another person's rows.
Nothing here logs what people write.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .models import Day, DayIn, Episode, EpisodeIn
from .tables import DayRow, EpisodeRow, User

ENV_VAR = "MYOGUIDE_DATABASE_URL"
UTC = dt.UTC


def default_path() -> Path:
    """The SQLite file in the person's data directory (platform conventions)."""
    from platformdirs import user_data_path

    return user_data_path("myoguide", appauthor=False) / "diary.sqlite3"


def database_url(db: str | None = None) -> str:
    """The database to use: `db` (a path or a URL), else $MYOGUIDE_DATABASE_URL, else the
    default SQLite file."""
    chosen = db or os.environ.get(ENV_VAR) or str(default_path())
    if "://" not in chosen:
        path = Path(chosen).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    url = make_url(chosen)
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL keeps every committed write through a crash of the process; readers never block.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Every connection stays open: an overflow connection is closed when it is returned, and
    # under load (40 request threads) that meant a new PostgreSQL connection for about a third
    # of the requests. Same cap as before (30 a process); a request beyond it waits its turn.
    return create_engine(url, pool_pre_ping=True, pool_size=30, max_overflow=0)


HEAD_REVISION = "0002"
"""The newest migration in migrations/versions (a test checks they agree)."""


def migrate(engine: Engine) -> None:
    """Bring the schema up to date (Alembic). Safe when several processes start at once."""
    with engine.connect() as connection:
        try:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            current = None
    if current == HEAD_REVISION:
        return  # the common case, without loading Alembic at all
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(7310519)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@dataclass(frozen=True, slots=True)
class Diary:
    """One person's diary in a store."""

    store: DiaryStore
    user_id: int

    def add_episode(self, episode: EpisodeIn) -> Episode:
        now = _now()
        with self.store.session() as session:
            row = EpisodeRow(user_id=self.user_id, created_at=now, updated_at=now)
            _fill_episode(row, episode)
            session.add(row)
            session.flush()
            return _episode(row)

    def episode(self, episode_id: int) -> Episode | None:
        with self.store.session() as session:
            row = self._episode_row(session, episode_id)
            return _episode(row) if row else None

    def update_episode(self, episode_id: int, episode: EpisodeIn) -> Episode | None:
        with self.store.session() as session:
            row = self._episode_row(session, episode_id)
            if row is None:
                return None
            _fill_episode(row, episode)
            row.updated_at = _now()
            session.flush()
            return _episode(row)

    def delete_episode(self, episode_id: int) -> Episode | None:
        """Delete one episode; returns what was deleted (None if there was none)."""
        with self.store.session() as session:
            row = self._episode_row(session, episode_id)
            if row is None:
                return None
            gone = _episode(row)
            session.delete(row)
            return gone

    def episodes(
        self,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Episode]:
        query = select(EpisodeRow).where(EpisodeRow.user_id == self.user_id)
        if start is not None:
            query = query.where(EpisodeRow.at_utc >= _utc(start))
        if end is not None:
            query = query.where(EpisodeRow.at_utc < _utc(end))
        order = EpisodeRow.at_utc.desc() if newest_first else EpisodeRow.at_utc
        query = query.order_by(order, EpisodeRow.id).offset(offset).limit(limit)
        with self.store.session() as session:
            return [_episode(row) for row in session.scalars(query)]

    def count_episodes(self) -> int:
        query = select(func.count()).where(EpisodeRow.user_id == self.user_id)
        with self.store.session() as session:
            return int(session.scalar(query) or 0)

    def set_day(self, day: DayIn, merge: bool = True) -> Day:
        """Save a day's factors. With `merge`, only the fields given in `day` change."""
        with self.store.session() as session:
            row = session.scalar(
                select(DayRow).where(DayRow.user_id == self.user_id, DayRow.date == day.date)
            )
            if row is None:
                row = DayRow(user_id=self.user_id, date=day.date, medications=[], custom={})
                session.add(row)
                merge = False
            given = day.model_fields_set - {"date"} if merge else set(DayIn.model_fields) - {"date"}
            for name in given:
                value = getattr(day, name)
                if name == "custom" and merge:
                    value = {**row.custom, **value}
                setattr(row, name, value)
            row.updated_at = _now()
            session.flush()
            return _day(row)

    def day(self, date: dt.date) -> Day | None:
        with self.store.session() as session:
            row = session.scalar(
                select(DayRow).where(DayRow.user_id == self.user_id, DayRow.date == date)
            )
            return _day(row) if row else None

    def delete_day(self, date: dt.date) -> Day | None:
        with self.store.session() as session:
            row = session.scalar(
                select(DayRow).where(DayRow.user_id == self.user_id, DayRow.date == date)
            )
            if row is None:
                return None
            gone = _day(row)
            session.delete(row)
            return gone

    def days(self, start: dt.date | None = None, end: dt.date | None = None) -> list[Day]:
        query = select(DayRow).where(DayRow.user_id == self.user_id)
        if start is not None:
            query = query.where(DayRow.date >= start)
        if end is not None:
            query = query.where(DayRow.date <= end)
        with self.store.session() as session:
            return [_day(row) for row in session.scalars(query.order_by(DayRow.date))]

    def replace_all(self, episodes: Sequence[EpisodeIn], days: Sequence[DayIn]) -> None:
        """Add these episodes and days in one transaction: all of them, or none."""
        now = _now()
        with self.store.session() as session:
            for episode in episodes:
                row = EpisodeRow(user_id=self.user_id, created_at=now, updated_at=now)
                _fill_episode(row, episode)
                session.add(row)
            for day in days:
                existing = session.scalar(
                    select(DayRow).where(DayRow.user_id == self.user_id, DayRow.date == day.date)
                )
                row_day = existing or DayRow(user_id=self.user_id, date=day.date)
                for name in set(DayIn.model_fields) - {"date"}:
                    setattr(row_day, name, getattr(day, name))
                row_day.updated_at = now
                if existing is None:
                    session.add(row_day)

    def erase(self) -> tuple[int, int]:
        """Delete every episode and day of this person; returns how many of each."""
        with self.store.session() as session:
            episodes: Any = session.execute(
                delete(EpisodeRow).where(EpisodeRow.user_id == self.user_id)
            )
            days: Any = session.execute(delete(DayRow).where(DayRow.user_id == self.user_id))
            return int(episodes.rowcount or 0), int(days.rowcount or 0)

    def _episode_row(self, session: Session, episode_id: int) -> EpisodeRow | None:
        return session.scalar(
            select(EpisodeRow).where(
                EpisodeRow.id == episode_id, EpisodeRow.user_id == self.user_id
            )
        )


class DiaryStore:
    """A database of diaries."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def open(cls, db: str | None = None) -> DiaryStore:
        return cls(database_url(db))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as session:
            yield session

    def diary(self, user_name: str) -> Diary:
        """The diary of the person with this name, creating the person when new."""
        with self.session() as session:
            user_id = session.scalar(select(User.id).where(User.name == user_name))
            if user_id is None:
                user = User(name=user_name, created_at=_now())
                session.add(user)
                session.flush()
                user_id = user.id
        return Diary(self, user_id)

    def local_diary(self) -> Diary:
        """The diary of the person using the command line on this computer."""
        return self.diary("local")

    def close(self) -> None:
        self.engine.dispose()


def _now() -> dt.datetime:
    return dt.datetime.now(UTC).replace(tzinfo=None)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _fill_episode(row: EpisodeRow, episode: EpisodeIn) -> None:
    offset = episode.at.utcoffset()
    assert offset is not None
    row.at_utc = _utc(episode.at)
    row.utc_offset_s = int(offset.total_seconds())
    row.kind = episode.kind
    row.regions = list(episode.regions)
    row.intensity = episode.intensity
    row.duration_s = episode.duration_s
    row.note = episode.note


def _episode(row: EpisodeRow) -> Episode:
    zone = dt.timezone(dt.timedelta(seconds=row.utc_offset_s))
    return Episode(
        id=row.id,
        at=row.at_utc.replace(tzinfo=UTC).astimezone(zone),
        kind=row.kind,
        regions=row.regions,
        intensity=row.intensity,
        duration_s=row.duration_s,
        note=row.note,
    )


def _day(row: DayRow) -> Day:
    return Day(
        date=row.date,
        caffeine_cups=row.caffeine_cups,
        sleep_hours=row.sleep_hours,
        stress=row.stress,
        water_glasses=row.water_glasses,
        exercise=row.exercise,
        nicotine=row.nicotine,
        alcohol_units=row.alcohol_units,
        medications=list(row.medications or []),
        custom=dict(row.custom or {}),
    )
