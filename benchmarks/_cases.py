"""Realistic answers for the benchmarks: the clinical vignettes from the test suite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

VIGNETTES = Path(__file__).resolve().parents[1] / "tests" / "vignettes"


def vignette_answers() -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    for path in sorted(VIGNETTES.glob("*.yaml")):
        answers += [case["answers"] for case in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return answers


def vignette_texts() -> list[tuple[str, dict[str, Any]]]:
    """The vignettes written in the person's own words: each text with the full answers."""
    texts: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(VIGNETTES.glob("*.yaml")):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [(case["text"], case["answers"]) for case in cases if "text" in case]
    return texts
