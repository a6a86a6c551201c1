"""Schemathesis over the diary's API while logged in, against the real server on SQLite and on
PostgreSQL: every phase (the schema's examples, its boundaries, fuzzing, and stateful
sequences that feed one answer's ids into the next call), with the session cookie and the
CSRF token on every call. Not one answer may be a server error.

It runs `st run`, as someone testing the server would, and counts what the server answered
from the HAR file it writes. test_openapi.py covers the whole API without a session (where
logging in, registering and logging out are tried); here those four are left out, since each
would end or change the session the rest needs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest

from .servers import running_server, signed_in

ST = Path(sys.executable).parent / "st"
SESSION_ENDS = ("POST", "DELETE")
MAX_EXAMPLES = 40
# Schema-valid input is still refused (422) when it names a time in the future or a body
# date that differs from the path's: rules no schema can state.
LEFT_OUT_CHECKS = "positive_data_acceptance"


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_diary_api_logged_in_gives_no_server_error(
    database: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = (
        str(tmp_path / "diary.sqlite3")
        if database == "sqlite"
        else request.getfixturevalue("postgres_database")
    )
    with (
        running_server(url, tmp_path / "server.log") as server,
        signed_in(server, f"fuzz-{uuid.uuid4().hex[:8]}", register=True) as client,
    ):
        csrf = client.get("/api/v1/diary/session").json()["csrf_token"]
        cookie = client.cookies["myoguide_session"]
        har = tmp_path / "run.har"
        done = subprocess.run(
            [
                str(ST),
                "run",
                f"{server.base_url}/openapi.json",
                "--header",
                f"Cookie: myoguide_session={cookie}",
                "--header",
                f"X-CSRF-Token: {csrf}",
                # The session is sent as above, never left out or made up by the generator.
                "--generation-with-security-parameters",
                "false",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--max-examples",
                str(MAX_EXAMPLES),
                "--exclude-checks",
                LEFT_OUT_CHECKS,
                "--include-path-regex",
                "^/api/v1/diary/",
                *[
                    argument
                    for method in SESSION_ENDS
                    for path in ("/api/v1/diary/session", "/api/v1/diary/account")
                    for argument in ("--exclude-name", f"{method} {path}")
                ],
                "--workers",
                "1",
                "--seed",
                "20261201",
                "--report",
                "har",
                "--report-har-path",
                str(har),
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=tmp_path,
        )
        statuses = Counter(
            entry["response"]["status"] for entry in json.loads(har.read_text())["log"]["entries"]
        )
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    by_status = dict(sorted(statuses.items()))
    print(f"\n{database}: {sum(statuses.values())} requests, by status {by_status}")
    assert done.returncode == 0, done.stdout[-6000:]
    assert server_errors == 0
    assert statuses[201] > 0, "no episode was ever saved: the session did not work"
