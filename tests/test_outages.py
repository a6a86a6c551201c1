"""The real server when its database fails: a stopped server, a network partition, a
statement that waits too long. Every request is answered 503 with Retry-After within the
database timeout (never a hang, never a 500), /healthz stays up while /readyz says the
database is down, the app recovers without a restart, nothing acknowledged is lost, and the
log holds a few lines, never a traceback and never what a person wrote.

PostgreSQL here is a private server of the test's own (initdb into a temporary folder, run
as the postgres user when the tests run as root), reached through a TCP proxy in the test
that can cut the network; the machine's shared server is never stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2
import pytest

from .servers import Server, free_port, running_server, signed_in

TIMEOUT_S = 2.0  # MYOGUIDE_DATABASE_TIMEOUT for these servers
ANSWERED_WITHIN_S = TIMEOUT_S + 1.5
MARKER = "zq-private-words-7731"
API = "/api/v1/diary"
EPISODE = {"at": "2026-01-20T08:30:00+00:00", "kind": "twitch", "regions": ["eyelid"]}


class PrivatePostgres:
    """A PostgreSQL server of the test's own, in a temporary folder, that it may stop."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            if os.environ.get("CI"):
                pytest.fail("PostgreSQL's initdb is missing in CI")
            pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.bin = Path(found[-1]).parent
        self.folder = Path(tempfile.mkdtemp(prefix="myoguide-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:  # postgres refuses to run as root
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, program: str, *arguments: str) -> None:
        command = [*self.as_postgres, str(self.bin / program), *arguments]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, f"{program} failed:\n{done.stdout}\n{done.stderr}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        import psycopg

        url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def remove(self) -> None:
        with contextlib.suppress(AssertionError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class Proxy:
    """A TCP proxy whose network can be cut: while cut, bytes wait and new connections are
    held, as in a partition where nothing answers and nothing is refused."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.open = asyncio.Event()
        self.ready = threading.Event()
        self.server: asyncio.Server | None = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        assert self.ready.wait(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.open.set()

        async def listen() -> None:
            self.server = await asyncio.start_server(self._client, "127.0.0.1", self.port)
            self.ready.set()

        self.loop.run_until_complete(listen())
        self.loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Cancelled only when the proxy closes: the connection just ends.
        with contextlib.suppress(asyncio.CancelledError):
            await self.open.wait()
            try:
                upstream = await asyncio.open_connection("127.0.0.1", self.target_port)
            except OSError:
                writer.close()
                return
            await asyncio.gather(self._pump(reader, upstream[1]), self._pump(upstream[0], writer))

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                await self.open.wait()
                writer.write(data)
                await writer.drain()
        writer.close()

    def cut(self) -> None:
        self.loop.call_soon_threadsafe(self.open.clear)

    def mend(self) -> None:
        self.loop.call_soon_threadsafe(self.open.set)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shut(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    async def _shut(self) -> None:
        if self.server is not None:
            self.server.close()
        this = asyncio.current_task()
        others = [task for task in asyncio.all_tasks() if task is not this]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    server.start()
    try:
        server.create_database("diary")
        yield server
    finally:
        server.remove()


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYOGUIDE_DATABASE_TIMEOUT", str(TIMEOUT_S))


def timed(request: Callable[[], httpx2.Response]) -> tuple[httpx2.Response, float]:
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def csrf(client: httpx2.Client) -> dict[str, str]:
    return {"X-CSRF-Token": client.get(f"{API}/session").json()["csrf_token"]}


def assert_unavailable(response: httpx2.Response, elapsed: float) -> None:
    assert response.status_code == 503, response.text[:300]
    assert response.headers["retry-after"].isdigit()
    assert response.headers["cache-control"] == "no-store"
    assert "content-security-policy" in response.headers
    assert elapsed < ANSWERED_WITHIN_S, f"answered after {elapsed:.1f} s"
    if response.request.url.path == "/readyz":
        assert response.json() == {"status": "unavailable", "database": "not answering"}
    elif response.request.url.path.startswith("/api/"):
        assert "try again" in response.json()["detail"]
    else:
        assert "text/html" in response.headers["content-type"]
        assert "The diary is not available just now" in response.text


def attempts(client: httpx2.Client, token: dict[str, str]) -> list[Callable[[], httpx2.Response]]:
    """A reader's and a writer's requests, on the API and the pages."""
    note = {**EPISODE, "intensity": 5, "note": f"{MARKER} after coffee"}
    return [
        lambda: client.get(f"{API}/episodes"),
        lambda: client.post(f"{API}/episodes", json=note, headers=token),
        lambda: client.get("/diary"),
        lambda: client.get("/diary/triggers"),
    ]


def all_at_once(requests: list[Callable[[], Any]]) -> list[Any]:
    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(lambda request: request(), requests))


def assert_quiet_log(server: Server, requests: int) -> None:
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert MARKER not in log
    assert "Traceback" not in log
    lines = [line for line in log.splitlines()[1:] if line.strip()]  # after "serving at"
    assert len(lines) <= max(2, requests // 10), log[-3000:]


def wait_ready(server: Server, within_s: float = 20) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within_s:
        if httpx2.get(f"{server.base_url}/readyz", timeout=5).status_code == 200:
            return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"/readyz was not ready {within_s} s after the database came back")


@pytest.mark.usefixtures("short_timeout")
def test_stopped_database_and_network_partition(postgres: PrivatePostgres, tmp_path: Path) -> None:
    proxy = Proxy(postgres.port)
    url = f"postgresql://postgres@127.0.0.1:{proxy.port}/diary"
    sent = 0
    try:
        with (
            running_server(url, tmp_path / "server.log") as server,
            signed_in(server, "outage", register=True) as client,
        ):
            token = csrf(client)
            saved = [
                client.post(f"{API}/episodes", json={**EPISODE, "intensity": 2}, headers=token)
            ]
            assert saved[0].status_code == 201
            assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}

            postgres.stop()
            for _ in range(10):
                for request in attempts(client, token):
                    assert_unavailable(*timed(request))
                    sent += 1
            assert client.get("/healthz").status_code == 200
            assert_unavailable(*timed(lambda: client.get("/readyz")))
            postgres.start()
            wait_ready(server)
            saved.append(
                client.post(f"{API}/episodes", json={**EPISODE, "intensity": 3}, headers=token)
            )
            assert saved[-1].status_code == 201

            proxy.cut()
            for response, elapsed in all_at_once(
                [lambda r=r: timed(r) for r in attempts(client, token) * 2]
            ):
                assert_unavailable(response, elapsed)
                sent += 1
            healthz, elapsed = timed(lambda: client.get("/healthz"))
            assert healthz.status_code == 200 and elapsed < 1
            assert_unavailable(*timed(lambda: client.get("/readyz")))
            proxy.mend()
            wait_ready(server)

            stored = client.get(f"{API}/episodes").json()
            ids = {episode["id"] for episode in stored}
            assert {response.json()["id"] for response in saved} <= ids
            assert client.get("/diary").status_code == 200
            assert server.process.poll() is None
        assert_quiet_log(server, sent)
    finally:
        proxy.close()


@pytest.mark.usefixtures("short_timeout")
def test_a_statement_that_waits_too_long_is_a_503(
    postgres: PrivatePostgres, tmp_path: Path
) -> None:
    """A table locked by someone else: the write waits for the statement timeout, then 503;
    the log never holds the note the person typed."""
    import psycopg

    url = f"postgresql://postgres@127.0.0.1:{postgres.port}/diary"
    with (
        running_server(url, tmp_path / "server.log") as server,
        signed_in(server, "locked-out", register=True) as client,
    ):
        token = csrf(client)
        with psycopg.connect(url) as holder:
            holder.execute("LOCK TABLE episodes IN ACCESS EXCLUSIVE MODE")
            write = attempts(client, token)[1]
            for response, elapsed in all_at_once([lambda: timed(write)] * 4):
                assert_unavailable(response, elapsed)
            holder.rollback()
        assert write().status_code == 201
    assert_quiet_log(server, 4)


@pytest.mark.usefixtures("short_timeout")
def test_a_locked_sqlite_file_is_a_503(tmp_path: Path) -> None:
    path = tmp_path / "diary.sqlite3"
    with (
        running_server(str(path), tmp_path / "server.log") as server,
        signed_in(server, "sqlite-locked", register=True) as client,
    ):
        token = csrf(client)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        write = attempts(client, token)[1]
        requests = 16
        for response, elapsed in all_at_once([lambda: timed(write)] * requests):
            assert_unavailable(response, elapsed)
        holder.execute("ROLLBACK")
        holder.close()
        assert write().status_code == 201
        assert MARKER in client.get(f"{API}/episodes").text
    assert_quiet_log(server, requests)
    line = r"WARNING: +database unavailable: \w+ on POST /api/v1/diary/episodes -> 503"
    assert re.search(line, server.log.read_text())


def test_the_proxy_cuts_the_network() -> None:
    """The partition above is real: while cut, nothing comes back; once mended, it flows."""
    with socket.create_server(("127.0.0.1", 0)) as upstream:
        proxy = Proxy(upstream.getsockname()[1])
        try:
            with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as client:
                served, _ = upstream.accept()
                client.sendall(b"ping")
                assert served.recv(4) == b"ping"
                proxy.cut()
                time.sleep(0.1)
                client.sendall(b"lost")
                served.settimeout(0.5)
                with pytest.raises(TimeoutError):
                    served.recv(4)
                proxy.mend()
                served.settimeout(5)
                assert served.recv(4) == b"lost"
                served.close()
        finally:
            proxy.close()
