"""The tests keep to a temporary data folder: they never write to the person's own diary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from platformdirs import user_data_path

from myoguide.diary.store import database_url
from myoguide.web import create_app

from .servers import MYOGUIDE, PASSWORD

ACCOUNT = "/api/v1/diary/account"
SESSION = "/api/v1/diary/session"


def folder_state(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's size and modification time: what changes when a diary is written."""
    if not folder.is_dir():
        return {}
    return {
        path.name: (path.stat().st_size, path.stat().st_mtime_ns)
        for path in folder.iterdir()
        if path.is_file()
    }


def register_and_log_in(app_store: str | None) -> str:
    """Register a new name in an app over `app_store` (None: the app's default diary)."""
    name = f"isolation-{uuid.uuid4().hex[:8]}"
    with TestClient(create_app(store=app_store)) as client:
        response = client.post(ACCOUNT, json={"name": name, "password": PASSWORD})
        assert response.status_code == 201, response.text
    return name


def can_log_in(store: Path, name: str) -> bool:
    with TestClient(create_app(store=str(store))) as client:
        response = client.post(SESSION, json={"name": name, "password": PASSWORD})
    return response.status_code == 201


def test_the_diary_defaults_to_the_temporary_folder(data_folder: Path) -> None:
    assert Path(os.environ["MYOGUIDE_DATABASE_URL"]).is_relative_to(data_folder)
    assert database_url() == f"sqlite:///{data_folder / 'diary.sqlite3'}"


@pytest.mark.skipif(
    sys.platform != "linux", reason="platformdirs follows XDG_DATA_HOME on Linux only"
)
def test_the_data_folder_is_the_temporary_one(data_folder: Path) -> None:
    assert user_data_path("myoguide", appauthor=False).is_relative_to(data_folder)


def test_an_app_built_without_a_database_writes_to_the_temporary_one(
    data_folder: Path, real_data: Path
) -> None:
    before = folder_state(real_data)
    name = register_and_log_in(None)
    assert folder_state(real_data) == before, f"the app wrote to {real_data}"
    assert can_log_in(data_folder / "diary.sqlite3", name)


@pytest.mark.skipif(
    sys.platform != "linux", reason="platformdirs follows XDG_DATA_HOME on Linux only"
)
def test_without_the_variable_the_default_file_is_in_the_temporary_folder(
    data_folder: Path, real_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MYOGUIDE_DATABASE_URL")
    before = folder_state(real_data)
    name = register_and_log_in(None)
    assert folder_state(real_data) == before, f"the app wrote to {real_data}"
    assert can_log_in(data_folder / "data" / "myoguide" / "diary.sqlite3", name)


def myoguide(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MYOGUIDE), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_command_without_db_writes_to_the_temporary_diary(data_folder: Path) -> None:
    logged = myoguide("diary", "day", "2001-02-03", "--sleep", "6.5")
    assert logged.returncode == 0, logged.stderr
    listed = myoguide(
        "diary", "--db", str(data_folder / "diary.sqlite3"), "list", "--format", "json"
    )
    assert listed.returncode == 0, listed.stderr
    days = {day["date"]: day["sleep_hours"] for day in json.loads(listed.stdout)["days"]}
    assert days["2001-02-03"] == 6.5
