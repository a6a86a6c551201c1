"""Load on the web server: requests a second and p50/p99 latency, assessments vs /healthz.

Starts `myoguide serve` (one worker) and drives it from a second process with wrk
(Debian package `wrk`) on loopback, 50 concurrent connections. /healthz, measured in the
same run, is the baseline: both endpoints are warmed up, then measured in interleaved pairs
of short loads, so that a burst of other work on a shared machine falls on both alike; the
median pair's ratios count.
Run: .venv/bin/python benchmarks/bench_web.py [--seconds 4] [--pairs 3] [--connections 50]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _cases import vignette_answers

TARGET_RATIO = 0.60
TARGET_P99_RATIO = 1.5

POST_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {}
for line in io.lines("%s") do bodies[#bodies + 1] = line end
local n = 0
request = function()
  n = n %% #bodies + 1
  return wrk.format(nil, nil, nil, bodies[n])
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(port: int) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).parent / "myoguide"
    server = subprocess.Popen(
        [str(script), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("the server did not start")


def milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used so far (user and system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(
    url: str, seconds: int, connections: int, script: Path | None, server: int
) -> dict[str, float]:
    """wrk's figures for one load, and the server's own CPU time per request: the figure
    that other programs on a shared machine disturb least."""
    used = cpu_seconds(server)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    used = cpu_seconds(server) - used
    requests = float(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "cpu_us": used / requests * 1e6,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": milliseconds(percentiles["50"]),
        "p99": milliseconds(percentiles["99"]),
        "errors": float(errors.group(1) if errors else 0)
        + float(sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=4, help="each load of each pair")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    pairs: list[tuple[dict[str, float], dict[str, float]]] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            bodies = Path(folder) / "bodies.jsonl"
            bodies.write_text(
                "".join(json.dumps(a) + "\n" for a in vignette_answers()), encoding="utf-8"
            )
            script = Path(folder) / "post.lua"
            script.write_text(POST_SCRIPT % bodies, encoding="utf-8")
            health_url, assess_url = f"{base}/healthz", f"{base}/api/v1/assessments"
            load(health_url, 2, args.connections, None, server.pid)  # warm-up, both
            load(assess_url, 2, args.connections, script, server.pid)
            for _ in range(args.pairs):
                health = load(health_url, args.seconds, args.connections, None, server.pid)
                assess = load(assess_url, args.seconds, args.connections, script, server.pid)
                pairs.append((health, assess))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"{args.connections} concurrent connections, one server worker, {args.pairs} pairs "
        f"of {args.seconds} s loads (healthz, then assessments)"
    )
    for health, assess in pairs:
        for name, figures in (("GET /healthz", health), ("POST /api/v1/assessments", assess)):
            print(
                f"{name:26s} {figures['rps']:8,.0f} req/s   p50 {figures['p50']:6.2f} ms   "
                f"p99 {figures['p99']:6.2f} ms   server CPU {figures['cpu_us']:4.0f} us/request   "
                f"errors {figures['errors']:.0f}"
            )
    ratio = statistics.median(assess["rps"] / health["rps"] for health, assess in pairs)
    cpu = statistics.median(assess["cpu_us"] / health["cpu_us"] for health, assess in pairs)
    p99_ratios = [assess["p99"] / health["p99"] for health, assess in pairs]
    print(
        f"assessments keep {ratio:.0%} of the /healthz throughput "
        f"(target >= {TARGET_RATIO:.0%}); their p99 is {statistics.median(p99_ratios):.2f}x "
        f"the /healthz p99 (pairs: {', '.join(f'{r:.2f}' for r in p99_ratios)}; "
        f"target <= {TARGET_P99_RATIO}x); an assessment costs the server {cpu:.2f}x "
        f"the CPU time of a /healthz request"
    )


if __name__ == "__main__":
    main()
