"""The real `myoguide serve` in a process of its own, for the tests that need one."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

PASSWORD = "correct horse battery"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
START_TIMEOUT_S = 15.0
MYOGUIDE = Path(sys.executable).parent / "myoguide"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]


def wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the server exited with {server.process.returncode}:\n{server.output()}")
        try:
            if httpx2.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the server did not start within {START_TIMEOUT_S} s:\n{server.output()}")


@contextmanager
def running_server(database_url: str, log: Path, *options: str) -> Iterator[Server]:
    """`myoguide serve` on a free port over this database; killed when the block ends."""
    port = free_port()
    env = {**os.environ, "MYOGUIDE_DATABASE_URL": database_url, "MYOGUIDE_INSECURE_COOKIES": "1"}
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [str(MYOGUIDE), "serve", "--host", "127.0.0.1", "--port", str(port), *options],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        wait_until_up(server)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def form_token(client: httpx2.Client, path: str) -> str:
    found = CSRF_INPUT.search(client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


@contextmanager
def signed_in(server: Server, name: str, *, register: bool) -> Iterator[httpx2.Client]:
    """A client with a live session (registering the name first if asked)."""
    with httpx2.Client(base_url=server.base_url, timeout=10, follow_redirects=False) as client:
        path = "/diary/register" if register else "/diary/login"
        fields = {"csrf_token": form_token(client, path), "name": name, "password": PASSWORD}
        response = client.post(path, data=fields)
        assert response.status_code == 303, response.text
        yield client
