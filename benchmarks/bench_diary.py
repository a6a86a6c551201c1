"""Load on the diary API over PostgreSQL: inserts and lists, with /healthz as the baseline.

Creates a fresh database (`myoguide_bench_<random>`, dropped at the end), seeds 1,000
people with 100 episodes and 30 days each through SQLAlchemy bulk inserts, starts
`myoguide serve` (one worker) on it, logs in a sample of people, and drives it from a
second process with wrk (Debian package `wrk`) on loopback: every request carries one of
the sampled sessions' cookie, and the POSTs its X-CSRF-Token and a JSON episode.

Loads, each on every endpoint:
- people: 50 connections, each a person who waits a random while between requests
  (exponential, mean --think ms: a Poisson stream of about 50 / think requests a second).
  Latency is measured from when a request is sent, so the wait is not counted. The p99
  target is judged at these loads: by default a mean pause of 500 ms (about 100 requests
  a second, as if each of the 1,000 people sent one every 10 s without end) and 250 ms
  (about 200 a second). /healthz under the same load is the baseline.
- saturation: the same 50 connections with no wait, for the most the server can do.
  With every connection always waiting, its latency is 50 / throughput (Little's law): a
  measure of capacity, not of a request's latency.
Run: .venv/bin/python benchmarks/bench_diary.py [--seconds 10] [--connections 50]
     [--think 500,250] [--workers 1] [--url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from bench_web import free_port, load
from myoguide.diary.store import DiaryStore
from myoguide.diary.tables import DayRow, EpisodeRow, User

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PEOPLE = 1_000
EPISODES_EACH = 100
DAYS_EACH = 30
SAMPLE = 50
PAGE = 50
PASSWORD = "benchmark password"
TARGET_P99_MS = 30.0
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
REGIONS = ["eyelid", "calf", "foot", "thigh", "hand", "face"]

# Each request takes the next session (cookie and CSRF token) from sessions.tsv.
SESSIONS_LUA = """
local sessions = {}
for line in io.lines("%(sessions)s") do
  local cookie, csrf = line:match("([^\\t]+)\\t([^\\t]+)")
  sessions[#sessions + 1] = {cookie = cookie, csrf = csrf}
end
local n = 0
local think = %(think)s
math.randomseed(os.time())
-- The person's pause before the next request: exponential with the given mean (ms).
function delay()
  if think <= 0 then return 0 end
  return math.floor(-math.log(1 - math.random()) * think)
end
local function next_session()
  n = n %% #sessions + 1
  return sessions[n]
end
"""
LIST_LUA = """
request = function()
  local s = next_session()
  return wrk.format("GET", "%(path)s", {["Cookie"] = "myoguide_session=" .. s.cookie})
end
"""
INSERT_LUA = """
request = function()
  local s = next_session()
  local headers = {
    ["Cookie"] = "myoguide_session=" .. s.cookie,
    ["X-CSRF-Token"] = s.csrf,
    ["Content-Type"] = "application/json",
  }
  local body = string.format(
    '{"at": "2026-11-%02dT%02d:%02d:00+01:00", "kind": "twitch", "regions": ["eyelid"], ' ..
    '"intensity": %d, "duration_s": %d, "note": "wrk insert %d"}',
    n % 28 + 1, n % 24, n % 60, n % 11, n % 600, n)
  return wrk.format("POST", "/api/v1/diary/episodes", headers, body)
end
"""


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the admin URL's server, dropped afterwards."""
    name = f"myoguide_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def episode_rows(user_id: int, rng: random.Random, now: dt.datetime) -> list[dict[str, Any]]:
    rows = []
    for index in range(EPISODES_EACH):
        at = now - dt.timedelta(days=index, minutes=rng.randrange(24 * 60))
        rows.append(
            {
                "user_id": user_id,
                "at_utc": at,
                "utc_offset_s": 3600,
                "kind": rng.choice(("twitch", "spasm")),
                "regions": [rng.choice(REGIONS)],
                "intensity": rng.randrange(11),
                "duration_s": rng.randrange(1, 600),
                "note": f"seeded {index}",
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def day_rows(user_id: int, rng: random.Random, today: dt.date, now: dt.datetime) -> list[Any]:
    return [
        {
            "user_id": user_id,
            "date": today - dt.timedelta(days=index),
            "caffeine_cups": rng.randrange(7),
            "sleep_hours": rng.choice((5.0, 6.5, 7.0, 8.0)),
            "stress": rng.randrange(11),
            "medications": [],
            "custom": {},
            "updated_at": now,
        }
        for index in range(DAYS_EACH)
    ]


def seed(url: str) -> None:
    """1,000 people with one shared argon2 hash, their episodes and days, in bulk."""
    started = time.perf_counter()
    DiaryStore(url).close()  # creates the schema (migrations)
    engine: Engine = create_engine(url)
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    password_hash = PasswordHasher().hash(PASSWORD)
    users = [
        {"name": f"person{i:04d}", "password_hash": password_hash, "created_at": now}
        for i in range(PEOPLE)
    ]
    with engine.begin() as connection:
        ids = connection.execute(insert(User).returning(User.id), users).scalars().all()
        for start in range(0, len(ids), 100):
            batch = ids[start : start + 100]
            episodes = [row for user_id in batch for row in episode_rows(user_id, rng, now)]
            days = [row for user_id in batch for row in day_rows(user_id, rng, now.date(), now)]
            connection.execute(insert(EpisodeRow), episodes)
            connection.execute(insert(DayRow), days)
        connection.execute(text("ANALYZE"))
    with engine.connect() as connection:
        # Write the seeded pages out now, so that a checkpoint flushing them does not stall
        # the commits being measured (the seeding is not the workload).
        connection.execute(text("CHECKPOINT"))
    engine.dispose()
    print(
        f"seeded {PEOPLE:,} people, {PEOPLE * EPISODES_EACH:,} episodes and "
        f"{PEOPLE * DAYS_EACH:,} days in {time.perf_counter() - started:.1f} s"
    )


@contextmanager
def server_on(url: str, port: int, workers: int = 1) -> Iterator[str]:
    script = Path(sys.executable).parent / "myoguide"
    env = {**os.environ, "MYOGUIDE_DATABASE_URL": url, "MYOGUIDE_INSECURE_COOKIES": "1"}
    command = [str(script), "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("the server did not start")
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def log_in(base: str, name: str) -> tuple[str, str]:
    """The session cookie and CSRF token of a login through the form."""
    import httpx2

    with httpx2.Client(base_url=base, timeout=30, follow_redirects=False) as client:
        found = CSRF_INPUT.search(client.get("/diary/login").text)
        assert found
        fields = {"csrf_token": found.group(1), "name": name, "password": PASSWORD}
        response = client.post("/diary/login", data=fields)
        assert response.status_code == 303, response.text
        csrf: str = client.get("/api/v1/diary/session").json()["csrf_token"]
        return client.cookies["myoguide_session"], csrf


def report(name: str, figures: dict[str, float]) -> None:
    print(
        f"{name:36s} {figures['rps']:8,.0f} req/s   p50 {figures['p50']:6.2f} ms   "
        f"p99 {figures['p99']:6.2f} ms   errors {figures['errors']:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--think", default="500,250", help="mean pauses, ms, of the people loads (comma list)"
    )
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--url", default=ADMIN_URL, help="admin URL of the PostgreSQL server")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    list_path = f"/api/v1/diary/episodes?limit={PAGE}"
    results: dict[str, dict[str, dict[str, float]]] = {}
    with fresh_database(args.url) as url, tempfile.TemporaryDirectory() as folder:
        seed(url)
        with server_on(url, free_port(), args.workers) as base:
            names = random.Random(11).sample(range(PEOPLE), SAMPLE)
            sessions = [log_in(base, f"person{i:04d}") for i in names]
            tsv = Path(folder) / "sessions.tsv"
            tsv.write_text("".join(f"{c}\t{t}\n" for c, t in sessions), encoding="utf-8")
            thinks = [int(value) for value in args.think.split(",")]
            loads = [(f"people-{think}", think) for think in thinks] + [("saturation", 0)]
            for load_name, think in loads:
                prelude = SESSIONS_LUA % {"sessions": tsv, "think": think}
                scripts = {}
                for name, body in (
                    ("health", ""),
                    ("list", LIST_LUA % {"path": list_path}),
                    ("insert", INSERT_LUA),
                ):
                    scripts[name] = Path(folder) / f"{name}-{load_name}.lua"
                    scripts[name].write_text(prelude + body, encoding="utf-8")
                load(f"{base}/healthz", 2, args.connections, scripts["health"])  # warm-up
                load(f"{base}{list_path}", 2, args.connections, scripts["list"])
                results[load_name] = {
                    "health": load(
                        f"{base}/healthz", args.seconds, args.connections, scripts["health"]
                    ),
                    "insert": load(base, args.seconds, args.connections, scripts["insert"]),
                    "list": load(
                        f"{base}{list_path}", args.seconds, args.connections, scripts["list"]
                    ),
                }
    print(
        f"{args.connections} connections, {args.seconds} s a run, {args.workers} server worker(s), "
        f"{SAMPLE} sessions in rotation, {PEOPLE * EPISODES_EACH:,} episodes stored"
    )
    for load_name, think in loads:
        if think:
            print(f"people: a pause of {think} ms on average between requests")
        else:
            print("saturation: no pause (capacity; latency here is 50 / throughput)")
        figures = results[load_name]
        report("  GET /healthz", figures["health"])
        report("  POST /api/v1/diary/episodes", figures["insert"])
        report(f"  GET {list_path}", figures["list"])
    for load_name, think in loads[:-1]:
        people = results[load_name]
        for name in ("insert", "list"):
            p99 = people[name]["p99"]
            verdict = "met" if p99 < TARGET_P99_MS else "MISSED"
            print(
                f"{name} p99 {p99:.1f} ms at {people[name]['rps']:,.0f} req/s (pause {think} ms;"
                f" target < {TARGET_P99_MS:.0f} ms; /healthz p99 {people['health']['p99']:.1f} ms"
                f" under the same load): {verdict}"
            )


if __name__ == "__main__":
    main()
