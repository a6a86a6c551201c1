"""Crash safety of the diary: SIGKILL the real server in the middle of a stream of writes.

Every write the server acknowledged (a 201 with the new id) must be there after a restart on
the same database, exactly once and unchanged. Writes in flight at the kill may or may not be
there, but nothing may be duplicated or corrupted. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import random
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest

from .servers import Server, running_server, signed_in

API = "/api/v1/diary"
WRITERS = 3
STREAM_TIMEOUT_S = 8.0


def csrf_token(client: httpx2.Client) -> str:
    response = client.get(f"{API}/session")
    assert response.status_code == 200, response.text
    token: str = response.json()["csrf_token"]
    return token


def episode_body(sequence: int) -> dict[str, Any]:
    """A write whose every field tells which one it was."""
    return {
        "at": f"2026-11-{1 + sequence % 28:02d}T{sequence % 24:02d}:{sequence % 60:02d}:00+01:00",
        "kind": "twitch" if sequence % 2 else "spasm",
        "regions": ["eyelid"] if sequence % 3 else ["calf", "foot"],
        "intensity": sequence % 11,
        "duration_s": sequence,
        "note": f"write {sequence}: {'x' * (sequence % 50)}",
    }


@dataclass
class WriteLog:
    """What was sent and what the server acknowledged, shared by the writer threads."""

    sent: dict[int, dict[str, Any]] = field(default_factory=dict)
    acknowledged: dict[int, int] = field(default_factory=dict)  # sequence -> episode id
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    next_sequence: int = 0

    def claim(self) -> tuple[int, dict[str, Any]]:
        with self.lock:
            sequence = self.next_sequence
            self.next_sequence += 1
            body = episode_body(sequence)
            self.sent[sequence] = body
            return sequence, body

    def acknowledge(self, sequence: int, episode_id: int) -> None:
        with self.lock:
            self.acknowledged[sequence] = episode_id

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged)


def keep_writing(client: httpx2.Client, token: str, log: WriteLog) -> None:
    """POST episodes until told to stop or the server is gone; record every 201."""
    while not log.stop.is_set():
        sequence, body = log.claim()
        try:
            response = client.post(f"{API}/episodes", json=body, headers={"X-CSRF-Token": token})
        except httpx2.TransportError:
            return  # the server died with this write in flight
        if response.status_code != 201:
            with log.lock:
                log.unexpected.append(f"{response.status_code}: {response.text[:200]}")
            return
        log.acknowledge(sequence, response.json()["id"])


def writer_clients(server: Server, session_cookie: str, count: int) -> list[httpx2.Client]:
    clients = []
    for _ in range(count):
        client = httpx2.Client(base_url=server.base_url, timeout=10)
        client.cookies.set("myoguide_session", session_cookie)
        clients.append(client)
    return clients


def write_until_killed(server: Server, client: httpx2.Client, kill_after: int) -> WriteLog:
    """Several threads write; after `kill_after` acknowledged writes the server gets SIGKILL."""
    token = csrf_token(client)
    cookie = client.cookies["myoguide_session"]
    log = WriteLog()
    clients = writer_clients(server, cookie, WRITERS)
    threads = [threading.Thread(target=keep_writing, args=(c, token, log)) for c in clients]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + STREAM_TIMEOUT_S
        while log.count() < kill_after and time.monotonic() < deadline:
            if log.unexpected or not any(thread.is_alive() for thread in threads):
                break
            time.sleep(0.001)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
    finally:
        log.stop.set()
        for thread in threads:
            thread.join(timeout=15)
        for writer in clients:
            writer.close()
    assert not log.unexpected, log.unexpected
    assert log.count() >= kill_after, f"only {log.count()} writes before the deadline"
    return log


def assert_survived(episodes: list[dict[str, Any]], log: WriteLog) -> None:
    """Every acknowledged write once and unchanged; anything else is an intact sent write."""
    by_note: dict[str, list[dict[str, Any]]] = {}
    for episode in episodes:
        by_note.setdefault(episode["note"], []).append(episode)
    ids = [episode["id"] for episode in episodes]
    assert len(ids) == len(set(ids)), "an id appears twice"
    sent_by_note = {body["note"]: body for body in log.sent.values()}
    for note, found in by_note.items():
        assert note in sent_by_note, f"an episode nobody wrote: {found}"
        assert len(found) == 1, f"stored {len(found)} times: {found}"
        assert same_content(found[0], sent_by_note[note]), (found[0], sent_by_note[note])
    for sequence, episode_id in log.acknowledged.items():
        body = log.sent[sequence]
        found = by_note.get(body["note"])
        assert found, f"acknowledged write {sequence} (id {episode_id}) is lost"
        assert found[0]["id"] == episode_id, (found[0], episode_id)


def same_content(stored: dict[str, Any], sent: dict[str, Any]) -> bool:
    import datetime as dt

    return (
        dt.datetime.fromisoformat(stored["at"]) == dt.datetime.fromisoformat(sent["at"])
        and stored["at"][-6:] == sent["at"][-6:]
        and all(stored[key] == sent[key] for key in sent if key != "at")
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "crash.sqlite3")
    url: str = request.getfixturevalue("postgres_database")
    return url


def test_acknowledged_writes_survive_sigkill(database_url: str, tmp_path: Path) -> None:
    name = f"crash-{uuid.uuid4().hex[:10]}"
    backend_name = "postgresql" if "://" in database_url else "sqlite"
    kill_after = random.Random(f"crash:{backend_name}").randint(40, 160)
    log_file = tmp_path / "server.log"

    with running_server(database_url, log_file) as server:
        with signed_in(server, name, register=True) as client:
            log = write_until_killed(server, client, kill_after)
        assert server.process.returncode == -signal.SIGKILL

    with (
        running_server(database_url, log_file) as server,
        signed_in(server, name, register=False) as client,
    ):
        response = client.get(f"{API}/export")
        assert response.status_code == 200, response.text
        episodes: list[dict[str, Any]] = response.json()["episodes"]
        assert_survived(episodes, log)
        unacknowledged = len(episodes) - len(log.acknowledged)
        assert 0 <= unacknowledged <= WRITERS, f"{unacknowledged} unacknowledged writes kept"

        # The database takes new writes after the crash, with ids never handed out before.
        after = client.post(
            f"{API}/episodes",
            json=episode_body(10_000),
            headers={"X-CSRF-Token": csrf_token(client)},
        )
        assert after.status_code == 201, after.text
        assert after.json()["id"] not in {episode["id"] for episode in episodes}
