"""`myoguide serve` as a process: whose address a login comes from behind a reverse proxy, and
what it says when it cannot listen."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import httpx2

from myoguide.diary.accounts import MAX_FAILED_LOGINS

from .servers import MYOGUIDE, PASSWORD, Server, free_port, running_server, signed_in

API = "/api/v1/diary"


def login_from(server: Server, address: str, password: str) -> int:
    """The status of an API login that a proxy forwarded for `address`."""
    response = httpx2.post(
        f"{server.base_url}{API}/session",
        json={"name": "proxied", "password": password},
        headers={"X-Forwarded-For": address},
        timeout=10,
    )
    return response.status_code


def lock_out_one_address(server: Server) -> int:
    """Fail the login from one address until it is refused; then the right password from
    another. The answer to that: 201 when addresses count apart, 429 when they do not."""
    for _ in range(MAX_FAILED_LOGINS):
        assert login_from(server, "203.0.113.7", "wrong password!") == 401
    assert login_from(server, "203.0.113.7", PASSWORD) == 429
    return login_from(server, "198.51.100.20", PASSWORD)


def test_behind_a_trusted_proxy_each_person_has_their_own_login_limit(tmp_path: Path) -> None:
    database = str(tmp_path / "diary.sqlite3")
    log = tmp_path / "serve.log"
    with running_server(database, log, "--trusted-proxy", "127.0.0.1") as server:
        with signed_in(server, "proxied", register=True):
            pass
        assert lock_out_one_address(server) == 201


def test_without_it_forwarded_addresses_are_not_believed(tmp_path: Path) -> None:
    # Anyone could send the header: believed, it would let one try every password by
    # changing it for each attempt. Unasked, every login counts as the proxy's own.
    database = str(tmp_path / "diary.sqlite3")
    with running_server(database, tmp_path / "serve.log") as server:
        with signed_in(server, "proxied", register=True):
            pass
        assert lock_out_one_address(server) == 429


def test_a_trusted_proxy_must_be_an_address() -> None:
    result = subprocess.run(
        [str(MYOGUIDE), "serve", "--trusted-proxy", "proxy.example.org"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--trusted-proxy" in result.stderr and "not an IP address" in result.stderr
    assert "Traceback" not in result.stderr


def serve_on(port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(MYOGUIDE), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def taken_port() -> socket.socket:
    """A port another program listens on."""
    rival = socket.socket()
    rival.bind(("127.0.0.1", 0))
    rival.listen()
    return rival


def test_a_port_in_use_is_one_line_and_status_1() -> None:
    with taken_port() as rival:
        port = rival.getsockname()[1]
        process = serve_on(port)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stdout == ""
    assert stderr.splitlines() == [
        f"myoguide serve: port {port} on 127.0.0.1 is already in use; choose another with --port"
    ]


def test_a_port_taken_while_starting_is_reported_too() -> None:
    # Another program takes the port between the check and uvicorn's own bind.
    port = free_port()
    process = serve_on(port)
    assert process.stdout is not None
    assert "serving at" in process.stdout.readline()
    with socket.socket() as rival:
        rival.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        rival.bind(("127.0.0.1", port))
        rival.listen()
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == (
        f"myoguide serve: port {port} on 127.0.0.1 is already in use; choose another with --port"
    )


def test_an_address_that_is_not_this_machines_is_one_line() -> None:
    result = subprocess.run(
        [str(MYOGUIDE), "serve", "--host", "192.0.2.1", "--port", "8000"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("myoguide serve: cannot listen on 192.0.2.1 port 8000")
    assert len(result.stderr.splitlines()) == 1
