"""The command line: start-up time and a 10,000-line JSON Lines batch.

Each figure is the median of several runs of the installed `myoguide` script as a real
process; `python -c pass` is measured in the same run as the baseline for start-up.
Run: .venv/bin/python benchmarks/bench_cli.py
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _cases import vignette_answers

LINES = 10_000
HELP_TARGET = 0.300
BATCH_TARGET = 3.0


def script() -> str:
    local = Path(sys.executable).parent / "myoguide"
    found = str(local) if local.exists() else shutil.which("myoguide")
    if found is None:
        sys.exit("myoguide is not installed: run `make install` first")
    return found


def timed(command: list[str], runs: int, stdin: Path | None = None) -> float:
    times = []
    for _ in range(runs):
        with open(stdin or os.devnull, "rb") as source:
            start = time.perf_counter()
            subprocess.run(command, stdin=source, stdout=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    myoguide = script()
    answers = vignette_answers()
    with tempfile.TemporaryDirectory() as folder:
        batch = Path(folder) / "batch.jsonl"
        with batch.open("w", encoding="utf-8") as out:
            for number in range(LINES):
                out.write(json.dumps(answers[number % len(answers)]) + "\n")
        baseline = timed([sys.executable, "-c", "pass"], runs=15)
        help_time = timed([myoguide, "--help"], runs=15)
        batch_time = timed([myoguide, "check", "--answers", str(batch), "--format", "json"], 3)
    print(f"python -c pass (baseline)           {baseline * 1000:7.0f} ms")
    print(
        f"myoguide --help                     {help_time * 1000:7.0f} ms  "
        f"({help_time / baseline:.1f}x baseline; target < {HELP_TARGET * 1000:.0f} ms)"
    )
    print(
        f"check, {LINES:,}-line JSONL, json     {batch_time:7.2f} s   "
        f"({LINES / batch_time:,.0f} lines/s; target < {BATCH_TARGET:.0f} s)"
    )


if __name__ == "__main__":
    main()
