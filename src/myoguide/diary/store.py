"""Where diaries are kept: SQLite by default, PostgreSQL for a shared server.

Every read and write names the person it is for; no query can reach another person's rows.
Nothing here logs what people write.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .models import Day, DayIn, Episode, EpisodeIn
from .tables import DayRow, EpisodeRow, User

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

ENV_VAR = "MYOGUIDE_DATABASE_URL"
T = TypeVar("T")
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
        _keep_private(path)
        return f"sqlite:///{path}"
    url = make_url(chosen)
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


TIMEOUT_ENV = "MYOGUIDE_DATABASE_TIMEOUT"
DEFAULT_TIMEOUT_S = 10.0


def database_timeout() -> float:
    """The longest the database may take to connect, to free a pooled connection, to run
    one statement, or to leave a lost connection unanswered (seconds, $MYOGUIDE_DATABASE_TIMEOUT);
    past it the work fails instead of hanging."""
    given = os.environ.get(TIMEOUT_ENV, "").strip()
    if not given:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(given)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise ValueError(f"{TIMEOUT_ENV} must be a number of seconds above 0, not {given!r}")
    return seconds


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL keeps every committed write through a crash of the process; readers never block.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        # What is deleted is overwritten with zeros, not left in free pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    return on_connect


SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""


def _keep_private(path: Path) -> None:
    """Only its owner may read a diary file; SQLite gives its -wal and -shm files the same
    mode. A file made by an older version is tightened too; a file that is not an SQLite
    database (``--db`` naming the wrong file) is left exactly as it is, mode and time, and
    opening it fails with "not a database"."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if not _is_sqlite(path):
            return
    else:
        os.close(descriptor)
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if each.exists() and each.stat().st_mode & 0o077 and each.stat().st_uid == os.getuid():
            each.chmod(0o600)


def _is_sqlite(path: Path) -> bool:
    """Whether a file is an SQLite database, or empty (SQLite makes an empty file one)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) in {b"", SQLITE_HEADER}
    except OSError:
        return False


POSTGRES_POOL: dict[str, Any] = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 0}
"""Each pool keeps its connections open (an overflow connection is closed when returned,
and under load that meant a new PostgreSQL connection for a third of the requests); a
request beyond the cap waits its turn. A web process has two pools, the pages' (threads)
and the API's (async), so it holds up to 20 connections: keep workers x 20 under the
server's max_connections (100 by default). pool_pre_ping replaces a connection that died
in an outage, so the app recovers without a restart."""


def _postgres_options(timeout_s: float) -> dict[str, Any]:
    """The pool and psycopg settings that bound every wait on the server: to connect, for a
    pooled connection, for a statement (the server cancels it), and for the network (the
    kernel drops a connection whose data goes unacknowledged, as in a partition)."""
    timeout_ms = int(timeout_s * 1000)
    return {
        **POSTGRES_POOL,
        "pool_timeout": timeout_s,
        "connect_args": {
            "connect_timeout": max(1, math.ceil(timeout_s)),
            "options": f"-c statement_timeout={timeout_ms}",
            "tcp_user_timeout": timeout_ms,
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        },
    }


def _json_options() -> dict[str, Any]:
    """orjson reads the JSON columns (regions, warning signs, medications, custom factors):
    a page of 50 episodes holds 100 of them, and the standard library took a tenth of the
    list endpoint's time to read them. It writes them too: what one encoder refuses to read
    (half a character, escaped) the other must never have written."""
    import orjson

    return {"json_serializer": _json_text, "json_deserializer": orjson.loads}


def _json_text(value: Any) -> str:
    import orjson

    return orjson.dumps(value).decode()


def _engine_options() -> dict[str, Any]:
    """What every engine shares: errors never quote a query's values (they are what people
    wrote), and orjson reads the JSON columns."""
    return {"hide_parameters": True, **_json_options()}


def make_engine(url: str) -> Engine:
    timeout_s = database_timeout()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": timeout_s}, **_engine_options())
        event.listen(engine, "connect", _sqlite_pragmas(int(timeout_s * 1000)))
        return engine
    return create_engine(url, **_postgres_options(timeout_s), **_engine_options())


MAX_ID = 2**31 - 1
"""The largest id an INTEGER column holds on PostgreSQL: a larger id names no row, and sent
to the database it would be an error rather than "not found"."""

HEAD_REVISION = "0004"
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


EPISODE_COLUMNS = (
    EpisodeRow.id,
    EpisodeRow.at_utc,
    EpisodeRow.utc_offset_s,
    EpisodeRow.kind,
    EpisodeRow.regions,
    EpisodeRow.intensity,
    EpisodeRow.duration_s,
    EpisodeRow.note,
    EpisodeRow.warning_signs,
)
# The statements of the hot paths are built once, with bound parameters: building one per
# request (and its cache key) cost about as much as running it.
_MINE = (EpisodeRow.id == bindparam("b_episode")) & (EpisodeRow.user_id == bindparam("b_owner"))
_ADD_EPISODE = insert(EpisodeRow).returning(*EPISODE_COLUMNS)
_GET_EPISODE = select(*EPISODE_COLUMNS).where(_MINE)
_UPDATE_EPISODE = update(EpisodeRow).where(_MINE).returning(*EPISODE_COLUMNS)
_DELETE_EPISODE = delete(EpisodeRow).where(_MINE).returning(*EPISODE_COLUMNS)


@cache
def _episodes_query(start: bool, end: bool, limited: bool, newest_first: bool) -> Any:
    """The statement for one shape of `Diary.episodes` (parameters b_owner, b_start, b_end,
    b_offset, b_limit)."""
    query = select(*EPISODE_COLUMNS).where(EpisodeRow.user_id == bindparam("b_owner"))
    if start:
        query = query.where(EpisodeRow.at_utc >= bindparam("b_start"))
    if end:
        query = query.where(EpisodeRow.at_utc < bindparam("b_end"))
    order = EpisodeRow.at_utc.desc() if newest_first else EpisodeRow.at_utc
    query = query.order_by(order, EpisodeRow.id).offset(bindparam("b_offset"))
    return query.limit(bindparam("b_limit")) if limited else query


_EPISODE_LIST: TypeAdapter[list[Episode]] = TypeAdapter(list[Episode])
DAY_FIELDS = tuple(name for name in DayIn.model_fields if name != "date")
DAY_COLUMNS = (DayRow.id, DayRow.date, *(getattr(DayRow, name) for name in DAY_FIELDS))


@dataclass(frozen=True, slots=True)
class Diary:
    """One person's diary in a store.

    Each method is one transaction of its own, unless the diary was opened on a connection
    (`DiaryStore.transaction`): then it works inside that transaction, so a web request can
    check its session and do its work in one round of the pool. The queries are SQLAlchemy
    Core: rows go straight into the validated models, with no ORM objects in between.
    """

    store: DiaryStore
    user_id: int
    connection: Connection | None = None

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        if self.connection is not None:
            yield self.connection
        else:
            with self.store.transaction() as connection:
                yield connection

    def _mine(self, episode_id: int) -> dict[str, int]:
        return {"b_episode": episode_id, "b_owner": self.user_id}

    @staticmethod
    def _can_exist(episode_id: int) -> bool:
        return 0 < episode_id <= MAX_ID

    def add_episode(self, episode: EpisodeIn) -> Episode:
        now = _now()
        values = {"user_id": self.user_id, "created_at": now, "updated_at": now}
        with self._transaction() as connection:
            row = connection.execute(_ADD_EPISODE, {**values, **_episode_values(episode)})
            return _episode(row.one())

    def episode(self, episode_id: int) -> Episode | None:
        if not self._can_exist(episode_id):
            return None
        with self._transaction() as connection:
            row = connection.execute(_GET_EPISODE, self._mine(episode_id)).first()
        return _episode(row) if row else None

    def update_episode(self, episode_id: int, episode: EpisodeIn) -> Episode | None:
        if not self._can_exist(episode_id):
            return None
        values = {"updated_at": _now(), **_episode_values(episode), **self._mine(episode_id)}
        with self._transaction() as connection:
            row = connection.execute(_UPDATE_EPISODE, values).first()
        return _episode(row) if row else None

    def delete_episode(self, episode_id: int) -> Episode | None:
        """Delete one episode; returns what was deleted (None if there was none)."""
        if not self._can_exist(episode_id):
            return None
        with self._transaction() as connection:
            row = connection.execute(_DELETE_EPISODE, self._mine(episode_id)).first()
        return _episode(row) if row else None

    def episodes(
        self,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Episode]:
        if offset > MAX_ID:
            return []  # past every row there can be; the database would refuse the number
        query = _episodes_query(start is not None, end is not None, limit is not None, newest_first)
        values: dict[str, Any] = {"b_owner": self.user_id, "b_offset": offset}
        if start is not None:
            values["b_start"] = _utc(start)
        if end is not None:
            values["b_end"] = _utc(end)
        if limit is not None:
            values["b_limit"] = min(limit, MAX_ID)
        with self._transaction() as connection:
            return _episodes(connection.execute(query, values).all())

    def count_episodes(self) -> int:
        query = select(func.count()).where(EpisodeRow.user_id == self.user_id)
        with self._transaction() as connection:
            return int(connection.execute(query).scalar() or 0)

    def set_day(self, day: DayIn, merge: bool = True) -> Day:
        """Save a day's factors. With `merge`, only the fields given in `day` change.

        The first statement writes (an upsert), so two requests saving the same new day at
        once both succeed, one after the other, instead of one breaking the unique key."""
        values = {name: getattr(day, name) for name in DAY_FIELDS}
        with self._transaction() as connection:
            if not merge:
                statement = _day_insert(connection, self.user_id, day.date, values)
                replaced = {name: statement.excluded[name] for name in (*DAY_FIELDS, "updated_at")}
                connection.execute(
                    statement.on_conflict_do_update(index_elements=_DAY_KEY, set_=replaced)
                )
                return _day_of(day.date, values)
            if self._insert_new_day(connection, day.date, values):
                return _day_of(day.date, values)
            row = connection.execute(self._day_query(day.date).with_for_update()).one()
            current = dict(row._mapping)
            changes: dict[str, Any] = {}
            for name in day.model_fields_set - {"date"}:
                value = getattr(day, name)
                if name == "custom":
                    value = {**(current["custom"] or {}), **value}
                changes[name] = value
            connection.execute(
                update(DayRow).where(DayRow.id == row.id).values(updated_at=_now(), **changes)
            )
            return _day_of(day.date, {**current, **changes})

    def _insert_new_day(
        self, connection: Connection, date: dt.date, values: Mapping[str, Any]
    ) -> bool:
        """Insert the day unless the diary has it already (then it is locked until the
        transaction ends); whether it was new."""
        statement = _day_insert(connection, self.user_id, date, values)
        new = statement.on_conflict_do_nothing(index_elements=_DAY_KEY).returning(DayRow.id)
        return connection.execute(new).first() is not None

    def day(self, date: dt.date) -> Day | None:
        with self._transaction() as connection:
            row = connection.execute(self._day_query(date)).first()
        return _day(row) if row else None

    def delete_day(self, date: dt.date) -> Day | None:
        query = (
            delete(DayRow)
            .where(DayRow.user_id == self.user_id, DayRow.date == date)
            .returning(*DAY_COLUMNS)
        )
        with self._transaction() as connection:
            row = connection.execute(query).first()
        return _day(row) if row else None

    def days(self, start: dt.date | None = None, end: dt.date | None = None) -> list[Day]:
        query = select(*DAY_COLUMNS).where(DayRow.user_id == self.user_id)
        if start is not None:
            query = query.where(DayRow.date >= start)
        if end is not None:
            query = query.where(DayRow.date <= end)
        with self._transaction() as connection:
            return [_day(row) for row in connection.execute(query.order_by(DayRow.date)).all()]

    def import_entries(self, episodes: Sequence[EpisodeIn], days: Sequence[DayIn]) -> Imported:
        """Add these episodes and set these days in one transaction: all of them, or none.

        An episode the diary already holds (the same in every field) is not added again, so
        importing a file twice changes nothing; as many copies are added as the file holds
        beyond those already stored."""
        now = _now()
        counts = Imported()
        with self._transaction() as connection:
            stored = self._stored_copies(connection, episodes)
            new = []
            for episode in episodes:
                key = _episode_key(_episode_values(episode))
                if stored[key] > 0:
                    stored[key] -= 1
                    counts.episodes_already_there += 1
                else:
                    new.append(episode)
            if new:
                connection.execute(
                    insert(EpisodeRow),
                    [
                        {
                            "user_id": self.user_id,
                            "created_at": now,
                            "updated_at": now,
                            **_episode_values(episode),
                        }
                        for episode in new
                    ],
                )
            counts.episodes_added = len(new)
            for day in days:
                values = {name: getattr(day, name) for name in DAY_FIELDS}
                if self._insert_new_day(connection, day.date, values):
                    counts.days_added += 1
                    continue
                existing = connection.execute(self._day_query(day.date).with_for_update()).one()
                if _day(existing) == Day(**dict(day)):
                    counts.days_already_there += 1
                else:
                    connection.execute(
                        update(DayRow)
                        .where(DayRow.id == existing.id)
                        .values(updated_at=now, **values)
                    )
                    counts.days_changed += 1
        return counts

    def _stored_copies(
        self, connection: Connection, episodes: Sequence[EpisodeIn]
    ) -> Counter[tuple[Any, ...]]:
        """How many copies of each of these episodes the diary holds already."""
        if not episodes:
            return Counter()
        moments = [_utc(episode.at) for episode in episodes]
        query = _episodes_query(True, True, False, False)
        values = {
            "b_owner": self.user_id,
            "b_offset": 0,
            "b_start": min(moments),
            "b_end": max(moments) + dt.timedelta(microseconds=1),
        }
        rows = connection.execute(query, values).all()
        return Counter(_episode_key(_episode_values(episode)) for episode in _episodes(rows))

    def erase(self) -> tuple[int, int]:
        """Delete every episode and day of this person; returns how many of each."""
        with self._transaction() as connection:
            episodes = connection.execute(
                delete(EpisodeRow).where(EpisodeRow.user_id == self.user_id)
            )
            days = connection.execute(delete(DayRow).where(DayRow.user_id == self.user_id))
            return int(episodes.rowcount or 0), int(days.rowcount or 0)

    def _day_query(self, date: dt.date) -> Any:
        return select(*DAY_COLUMNS).where(DayRow.user_id == self.user_id, DayRow.date == date)


class DiaryStore:
    """A database of diaries."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._async: tuple[object, AsyncEngine, AsyncEngine] | None = None

    @classmethod
    def open(cls, db: str | None = None) -> DiaryStore:
        return cls(database_url(db))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """An ORM session in a transaction: committed when the block ends, rolled back if
        it raises."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in a transaction (SQLAlchemy Core): committed when the block ends,
        rolled back if it raises."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """A connection on which each statement is its own transaction: for work of one
        write (or only reads), it saves the round trips of BEGIN and COMMIT."""
        with self._autocommit.connect() as connection:
            yield connection

    async def run(self, work: Callable[[Connection], T], atomic: bool = False) -> T:
        """`work(connection)` for async code, without blocking its event loop.

        On PostgreSQL the work runs in the loop itself over psycopg's async connections: its
        SQL is awaited (SQLAlchemy's greenlet bridge), so there is no thread to hand over
        to and no lock to wait for. On SQLite it runs in a worker thread. `atomic` work runs
        in a transaction; other work (one statement, or reads) in autocommit."""
        engines = self._async_engines()
        if engines is None:
            from anyio.to_thread import run_sync

            def in_thread() -> T:
                with self.transaction() if atomic else self.autocommit() as connection:
                    return work(connection)

            return await run_sync(in_thread)
        if atomic:
            async with engines[0].begin() as connection:
                return await connection.run_sync(work)
        async with engines[1].connect() as connection:
            return await connection.run_sync(work)

    def _async_engines(self) -> tuple[AsyncEngine, AsyncEngine] | None:
        """This event loop's async engine (PostgreSQL only). Pooled async connections
        belong to the loop that opened them, so a new loop (a test's) gets its own pool."""
        if self.engine.dialect.name != "postgresql":
            return None
        import asyncio

        loop = asyncio.get_running_loop()
        if self._async is None or self._async[0] is not loop:
            from sqlalchemy.ext.asyncio import create_async_engine

            options = _postgres_options(database_timeout())
            engine = create_async_engine(self.url, **options, **_engine_options())
            self._async = (loop, engine, engine.execution_options(isolation_level="AUTOCOMMIT"))
        return self._async[1], self._async[2]

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


_DAY_KEY = ("user_id", "date")
"""The unique key of a day (uq_days_user_date), where two saves of one new day meet."""


def _day_insert(
    connection: Connection, user_id: int, date: dt.date, values: Mapping[str, Any]
) -> Any:
    """An INSERT of a day in the database's own dialect, which can say what to do when the
    day is there already (ON CONFLICT: PostgreSQL, and SQLite since 3.24)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(DayRow).values(user_id=user_id, date=date, updated_at=_now(), **values)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


@dataclass(slots=True)
class Imported:
    """What an import did: how many entries were new, changed, or already in the diary."""

    episodes_added: int = 0
    episodes_already_there: int = 0
    days_added: int = 0
    days_changed: int = 0
    days_already_there: int = 0


def _episode_key(values: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two episodes the same: every field, the instant rather than its zone."""
    return (
        values["at_utc"],
        values["kind"],
        tuple(sorted(values["regions"])),
        values["intensity"],
        values["duration_s"],
        values["note"],
        tuple(sorted(values["warning_signs"])),
    )


def _episode_values(episode: EpisodeIn) -> dict[str, Any]:
    offset = episode.at.utcoffset()
    assert offset is not None
    return {
        "at_utc": _utc(episode.at),
        "utc_offset_s": int(offset.total_seconds()),
        "kind": episode.kind,
        "regions": list(episode.regions),
        "intensity": episode.intensity,
        "duration_s": episode.duration_s,
        "note": episode.note,
        "warning_signs": list(episode.warning_signs),
    }


@cache
def _zone(offset_s: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(seconds=offset_s))


def _episode_fields(row: Any) -> dict[str, Any]:
    """A row of EPISODE_COLUMNS as the fields of an Episode, in its own time zone."""
    number, at_utc, offset_s, kind, regions, intensity, duration_s, note, signs = row
    return {
        "id": number,
        "at": at_utc.replace(tzinfo=UTC).astimezone(_zone(offset_s)),
        "kind": kind,
        "regions": regions,
        "intensity": intensity,
        "duration_s": duration_s,
        "note": note,
        "warning_signs": signs or [],
    }


def _episode(row: Any) -> Episode:
    return Episode.model_validate(_episode_fields(row))


def _episodes(rows: Sequence[Any]) -> list[Episode]:
    """Many rows validated in one call (a page of the list endpoint)."""
    return _EPISODE_LIST.validate_python([_episode_fields(row) for row in rows])


def _day(row: Any) -> Day:
    return _day_of(row.date, row._mapping)


def _day_of(date: dt.date, values: Mapping[Any, Any]) -> Day:
    fields = {name: values[name] for name in DAY_FIELDS}
    fields["medications"] = list(fields["medications"] or [])
    fields["custom"] = dict(fields["custom"] or {})
    return Day(date=date, **fields)
