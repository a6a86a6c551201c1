"""Clinical vignettes: per-case safety checks and a suite-level quality report.

The expectations in vignettes/cases.yaml, cases_more.yaml and cases_safety.yaml were judged by a
clinician's standard, independently of the engine; cases_safety.yaml cites the guideline behind
each case in `sources`. Run with
``pytest -s tests/test_vignettes.py`` to see the report.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from myoguide import Answers, assess

from .contract_ids import FACTORS as FACTOR_IDS
from .contract_ids import RULE_OUTS as RULE_OUT_IDS

VIGNETTES_DIR = Path(__file__).parent / "vignettes"
SOURCED_CASES_PATH = VIGNETTES_DIR / "cases_safety.yaml"
CASES_PATHS = [VIGNETTES_DIR / "cases.yaml", VIGNETTES_DIR / "cases_more.yaml", SOURCED_CASES_PATH]
MIN_CASES = 40

TRIAGE_LEVELS = ("self_care", "see_doctor", "see_doctor_soon", "emergency")
KINDS = frozenset({"twitch", "spasm", "both", "unclear"})
CASE_KEYS = frozenset({"id", "description", "rationale", "answers", "expect"})
OPTIONAL_CASE_KEYS = frozenset({"sources", "text"})
SOURCE_KEYS = frozenset({"title", "url"})
EXPECT_KEYS = frozenset({"kind", "triage", "top3_factors", "rule_out", "benign"})
# What a doctor would not check first for this case (a sudden cause explains the weakness).
OPTIONAL_EXPECT_KEYS = frozenset({"rule_out_absent"})
CASE_ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

MIN_TRIAGE_ACCURACY = 0.90
MIN_KIND_ACCURACY = 0.95
MIN_FACTOR_RECALL = 0.90
MIN_RULE_OUT_RECALL = 0.90

Case = dict[str, Any]


def load_cases(paths: Iterable[Path]) -> list[Case]:
    cases: list[Case] = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            cases.extend(yaml.safe_load(handle))
    return cases


CASES = load_cases(CASES_PATHS)
SOURCED_IDS = frozenset(case["id"] for case in load_cases([SOURCED_CASES_PATH]))
CASES_BY_ID = {case["id"]: case for case in CASES}


def severity(level: str) -> int:
    return TRIAGE_LEVELS.index(level)


def minimum_level(accepted: Iterable[str]) -> str:
    return min(accepted, key=severity)


@cache
def outcome(case_id: str) -> dict[str, Any]:
    answers = copy.deepcopy(CASES_BY_ID[case_id]["answers"])
    return assess(answers).model_dump(mode="json")


def triage_level(result: dict[str, Any]) -> str:
    return result["triage"]["level"]


def rule_out_ids(result: dict[str, Any]) -> list[str]:
    return [item["id"] for item in result["rule_out"]]


def top_factor_ids(result: dict[str, Any], n: int = 3) -> list[str]:
    return [item["id"] for item in result["factors"][:n]]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case_is_safe(case: Case) -> None:
    expect = case["expect"]
    result = outcome(case["id"])
    level = triage_level(result)
    minimum = minimum_level(expect["triage"])
    assert severity(level) >= severity(minimum), (
        f"{case['id']}: under-triaged: got {level!r}, minimum safe level is {minimum!r} "
        f"(accepted {expect['triage']})"
    )
    if expect["benign"]:
        alarms = rule_out_ids(result)
        assert not alarms, f"{case['id']}: benign case must have no rule-outs, got {alarms}"
    listed = set(rule_out_ids(result)) & set(expect.get("rule_out_absent", []))
    assert not listed, f"{case['id']}: {sorted(listed)} should not be listed for this case"


@dataclass
class Score:
    name: str
    hits: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 1.0

    def record(self, hits: int, total: int, miss: str | None = None) -> None:
        self.hits += hits
        self.total += total
        if miss is not None and hits < total:
            self.misses.append(miss)

    def line(self) -> str:
        return f"  {self.name:<34} {self.rate:7.1%}  ({self.hits}/{self.total})"


@dataclass
class Report:
    cases: int
    safety: Score
    triage: Score
    kind: Score
    factors: Score
    rule_out: Score
    alarmed_benign: list[str]

    def scores(self) -> list[Score]:
        return [self.safety, self.triage, self.kind, self.factors, self.rule_out]

    def render(self) -> str:
        lines = [f"Vignette report: {self.cases} cases"]
        lines += [score.line() for score in self.scores()]
        lines.append(f"  {'benign cases with any rule-out':<34} {len(self.alarmed_benign):7d}")
        misses = [(score.name, miss) for score in self.scores() for miss in score.misses]
        misses += [("benign with rule-outs", miss) for miss in self.alarmed_benign]
        if misses:
            lines.append("Misses:")
            lines += [f"  [{name}] {miss}" for name, miss in misses]
        return "\n".join(lines)


def build_report(cases: list[Case]) -> Report:
    report = Report(
        cases=len(cases),
        safety=Score("safety (not under-triaged)"),
        triage=Score("triage accuracy"),
        kind=Score("kind accuracy"),
        factors=Score("top-3 factor recall"),
        rule_out=Score("rule-out recall"),
        alarmed_benign=[],
    )
    for case in cases:
        case_id, expect = case["id"], case["expect"]
        result = outcome(case_id)
        level = triage_level(result)
        accepted = expect["triage"]
        minimum = minimum_level(accepted)
        report.safety.record(
            int(severity(level) >= severity(minimum)),
            1,
            f"{case_id}: got {level}, minimum {minimum}",
        )
        report.triage.record(
            int(level in accepted), 1, f"{case_id}: got {level}, accepted {accepted}"
        )
        report.kind.record(
            int(result["kind"] == expect["kind"]),
            1,
            f"{case_id}: got {result['kind']}, expected {expect['kind']}",
        )
        top3 = top_factor_ids(result)
        wanted = expect["top3_factors"]
        report.factors.record(
            sum(factor in top3 for factor in wanted),
            len(wanted),
            f"{case_id}: expected {wanted} in top 3, got {top3}",
        )
        found = rule_out_ids(result)
        required = expect["rule_out"]
        report.rule_out.record(
            sum(condition in found for condition in required),
            len(required),
            f"{case_id}: expected {required}, got {found}",
        )
        if expect["benign"] and found:
            report.alarmed_benign.append(f"{case_id}: got {found}")
    return report


def test_vignette_suite_report() -> None:
    report = build_report(CASES)
    print()
    print(report.render())
    thresholds = [
        (report.safety, 1.0),
        (report.triage, MIN_TRIAGE_ACCURACY),
        (report.kind, MIN_KIND_ACCURACY),
        (report.factors, MIN_FACTOR_RECALL),
        (report.rule_out, MIN_RULE_OUT_RECALL),
    ]
    failures = [
        f"{score.name} {score.rate:.1%} < {minimum:.0%}"
        for score, minimum in thresholds
        if score.rate < minimum
    ]
    if report.alarmed_benign:
        failures.append(f"{len(report.alarmed_benign)} benign case(s) with rule-outs")
    assert not failures, "; ".join(failures) + "\n" + report.render()


def case_problems(case: Any) -> list[str]:
    if not isinstance(case, dict):
        return [f"not a mapping: {case!r}"]
    label = case.get("id", "<no id>")
    problems = []
    if not CASE_KEYS <= set(case) <= CASE_KEYS | OPTIONAL_CASE_KEYS:
        problems.append(
            f"{label}: keys {sorted(case)} != {sorted(CASE_KEYS)} (+ optional sources, text)"
        )
        return problems
    if "sources" in case or label in SOURCED_IDS:
        problems += sources_problems(label, case.get("sources"))
    if not isinstance(case["id"], str) or not CASE_ID_PATTERN.match(case["id"]):
        problems.append(f"{label}: id is not snake_case")
    for text_key in ("description", "rationale", "text"):
        if text_key not in case:
            continue
        if not isinstance(case[text_key], str) or not case[text_key].strip():
            problems.append(f"{label}: {text_key} must be a non-empty string")
    problems += answers_problems(label, case["answers"])
    problems += expect_problems(label, case["expect"])
    return problems


def sources_problems(label: str, sources: Any) -> list[str]:
    if not isinstance(sources, list) or not sources:
        return [f"{label}: sources must be a non-empty list of {{title, url}}"]
    problems = []
    for source in sources:
        if not isinstance(source, dict) or set(source) != SOURCE_KEYS:
            problems.append(f"{label}: a source needs exactly title and url: {source!r}")
        elif not isinstance(source["title"], str) or not source["title"].strip():
            problems.append(f"{label}: a source title must be a non-empty string")
        elif not isinstance(source["url"], str) or not source["url"].startswith("https://"):
            problems.append(f"{label}: a source url must be an https URL: {source['url']!r}")
    return problems


def answers_problems(label: str, answers: Any) -> list[str]:
    if not isinstance(answers, dict):
        return [f"{label}: answers must be a mapping"]
    try:
        Answers.model_validate(answers)
    except ValidationError as error:
        return [f"{label}: answers do not validate: {error}"]
    return []


def expect_problems(label: str, expect: Any) -> list[str]:
    if not isinstance(expect, dict) or not EXPECT_KEYS <= set(expect) <= (
        EXPECT_KEYS | OPTIONAL_EXPECT_KEYS
    ):
        return [
            f"{label}: expect must have the keys {sorted(EXPECT_KEYS)} (and may have"
            f" {sorted(OPTIONAL_EXPECT_KEYS)})"
        ]
    absent = expect.get("rule_out_absent", [])
    if not isinstance(absent, list) or not set(absent) <= RULE_OUT_IDS:
        return [f"{label}: rule_out_absent must be a list of contract rule-out ids"]
    problems = []
    if expect["kind"] not in KINDS:
        problems.append(f"{label}: unknown kind {expect['kind']!r}")
    triage = expect["triage"]
    if not isinstance(triage, list) or not triage:
        problems.append(f"{label}: triage must be a non-empty list")
    elif unknown := [level for level in triage if level not in TRIAGE_LEVELS]:
        problems.append(f"{label}: unknown triage levels {unknown}")
    elif len(set(triage)) != len(triage):
        problems.append(f"{label}: duplicate triage levels {triage}")
    for key, known, limit in (
        ("top3_factors", FACTOR_IDS, 3),
        ("rule_out", RULE_OUT_IDS, len(RULE_OUT_IDS)),
    ):
        ids = expect[key]
        if not isinstance(ids, list) or len(ids) > limit or len(set(ids)) != len(ids):
            problems.append(f"{label}: {key} must be a list of at most {limit} distinct ids")
        elif unknown := sorted(set(ids) - known):
            problems.append(f"{label}: {key} has non-contract ids {unknown}")
    if not isinstance(expect["benign"], bool):
        problems.append(f"{label}: benign must be true or false")
    elif expect["benign"] and (triage != ["self_care"] or expect["rule_out"]):
        problems.append(f"{label}: a benign case must accept only self_care and expect no rule-out")
    return problems


def test_cases_file_is_well_formed() -> None:
    assert isinstance(CASES, list), "the vignette files must hold lists of cases"
    problems = [problem for case in CASES for problem in case_problems(case)]
    duplicates = [case_id for case_id, n in Counter(c.get("id") for c in CASES).items() if n > 1]
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    if len(CASES) < MIN_CASES:
        problems.append(f"only {len(CASES)} cases, need at least {MIN_CASES}")
    assert not problems, "\n".join(problems)

    minimum_levels = {minimum_level(case["expect"]["triage"]) for case in CASES}
    assert minimum_levels == set(TRIAGE_LEVELS), f"minimum levels covered: {minimum_levels}"
    kinds = {case["expect"]["kind"] for case in CASES}
    assert KINDS - {"unclear"} <= kinds, f"kinds covered: {kinds}"
