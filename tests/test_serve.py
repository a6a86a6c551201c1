"""`myoguide serve` as a process: whose address a login comes from, behind a reverse proxy."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx2

from myoguide.diary.accounts import MAX_FAILED_LOGINS

from .servers import MYOGUIDE, PASSWORD, Server, running_server, signed_in

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
