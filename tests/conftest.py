from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from myoguide import Knowledge, load_knowledge

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DATA_FOLDER = pytest.StashKey[Path]()
REAL_DATA = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Point the diary, in this process and every process a test starts, at a temporary
    folder: before collection, since some modules build the app when they are imported."""
    from platformdirs import user_data_path

    config.stash[REAL_DATA] = user_data_path("myoguide", appauthor=False)
    folder = Path(tempfile.mkdtemp(prefix="myoguide-tests-"))
    config.stash[DATA_FOLDER] = folder
    os.environ["XDG_DATA_HOME"] = str(folder / "data")
    os.environ["MYOGUIDE_DATABASE_URL"] = str(folder / "diary.sqlite3")
    # The terminal's language decides the CLI's: the tests expect English unless they ask.
    os.environ["LANGUAGE"] = "en"


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(DATA_FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def data_folder(pytestconfig: pytest.Config) -> Path:
    """The temporary folder that stands in for the person's data folder during the tests."""
    return pytestconfig.stash[DATA_FOLDER]


@pytest.fixture(scope="session")
def real_data(pytestconfig: pytest.Config) -> Path:
    """The person's own data folder, as it would be outside the tests."""
    return pytestconfig.stash[REAL_DATA]


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def seed_texts(knowledge: Knowledge) -> dict[str, str]:
    """The seed documents' text by source id, read from ../shared/seeds/."""
    texts = {}
    for source in knowledge.sources:
        if source.type != "seed":
            continue
        assert source.file is not None
        path = SEEDS_DIR / source.file
        if not path.exists():
            if os.environ.get("CI"):
                pytest.fail(f"seed document {path} is missing in CI")
            pytest.skip(f"seed documents not present at {SEEDS_DIR}")
        texts[source.id] = normalise(path.read_text(encoding="utf-8"))
    return texts


PG_ADMIN_URL = os.environ.get(
    "MYOGUIDE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_or_skip() -> str:
    """The admin URL of the test PostgreSQL server. Unreachable: a skip with the reason,
    except in CI (CI=true), where it is a failure."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        reason = f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error.orig}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    finally:
        engine.dispose()
    return PG_ADMIN_URL


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test session, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = postgres_or_skip()
    name = f"myoguide_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """One Playwright driver for every browser test module (a second one cannot start)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    from .test_browser import CHROMIUM, CHROMIUM_ARGS, require

    chromium = require(CHROMIUM, "Chromium")
    launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
    yield launched
    launched.close()
