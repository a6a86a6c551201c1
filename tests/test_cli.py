"""The `myoguide` command as a user meets it: a real process, real input, nothing mocked."""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from myoguide import Knowledge, __version__, assess, load_knowledge
from myoguide.cli import main
from myoguide.freetext import parse
from myoguide.interview import Question, next_question, questions_left
from myoguide.questionnaire import UNKNOWN, applies, parse_reply, set_answer, walk

from .contract_ids import ASSESSMENT_KEYS

EMERGENCY: dict[str, Any] = {"medical": {"breathing_difficulty": True}}
EYELID_TWITCH: dict[str, Any] = {
    "sensation": "jumping",
    "locations": ["eyelid"],
    "factors": {"caffeine_cups_per_day": 6},
}
NIGHT_CRAMP: dict[str, Any] = {
    "sensation": "cramping",
    "locations": ["calf"],
    "when": ["at_night"],
    "factors": {"water_glasses_per_day": 3},
}
CASES = [EMERGENCY, EYELID_TWITCH, NIGHT_CRAMP]
CONTRACT_KEYS = ASSESSMENT_KEYS
ENTRY_IDS = load_knowledge().entry_ids()
QUESTIONS = {question.id: question for question in load_knowledge().questions.questions}
_COLOUR_FORCING = ("FORCE_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


@functools.cache
def myoguide_command() -> str:
    """The installed console script: beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "myoguide"
    if beside.is_file():
        return str(beside)
    found = shutil.which("myoguide")
    if found is None:
        pytest.fail("the myoguide command is not installed (pip install -e .)")
    return found


def _environment() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in _COLOUR_FORCING}
    # Strict UTF-8 on stdin, as in most terminals: undecodable input must not crash.
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run_cli(*args: str, input: str | bytes | None = None) -> subprocess.CompletedProcess[str]:
    data = input.encode() if isinstance(input, str) else input
    done = subprocess.run(
        [myoguide_command(), *args],
        input=data,
        stdin=subprocess.DEVNULL if data is None else None,
        capture_output=True,
        env=_environment(),
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def expected_json(answers: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = assess(answers).model_dump(mode="json")
    return result


def words(text: str) -> str:
    return " ".join(text.split())


def assert_no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr
    assert "Traceback" not in done.stdout


# --- help and version ---


def test_version_prints_the_version() -> None:
    done = run_cli("--version")
    assert done.returncode == 0
    assert __version__ in done.stdout


def test_help_lists_the_commands() -> None:
    done = run_cli("--help")
    assert done.returncode == 0
    for command in ("check", "topics", "explain"):
        assert re.search(rf"^\s+{command}\b", done.stdout, re.MULTILINE), command


def test_check_help_names_its_options() -> None:
    done = run_cli("check", "--help")
    assert done.returncode == 0
    assert "--answers" in done.stdout
    assert "--format" in done.stdout


# --- check --answers: one result ---


def test_json_result_has_the_contract_shape(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(EYELID_TWITCH), encoding="utf-8")
    done = run_cli("check", "--answers", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) >= CONTRACT_KEYS
    assert {"level", "reasons"} <= set(result["triage"])
    assert result["factors"]
    assert all({"id", "score", "why", "sources"} <= set(f) for f in result["factors"])
    assert result["care_plan"]
    assert all("for" in item for item in result["care_plan"])
    assert all({"id", "title"} <= set(source) for source in result["sources"])


@pytest.mark.parametrize("answers", CASES, ids=["emergency", "eyelid-twitch", "night-cramp"])
def test_json_result_is_what_assess_returns(answers: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    done = run_cli("check", "--answers", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected_json(answers)


def test_dash_reads_standard_input() -> None:
    done = run_cli("check", "--answers", "-", "--format", "json", input=json.dumps(NIGHT_CRAMP))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected_json(NIGHT_CRAMP)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "saved-by-notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(NIGHT_CRAMP).encode())
    done = run_cli("check", "--answers", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected_json(NIGHT_CRAMP)


def test_one_object_over_several_lines_is_one_answer_set() -> None:
    text = json.dumps(NIGHT_CRAMP, indent=2)
    done = run_cli("check", "--answers", "-", "--format", "json", input=text)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected_json(NIGHT_CRAMP)


# --- check --answers: a batch ---


@pytest.mark.parametrize("source", ["answers.jsonl", "-"], ids=["jsonl-file", "stdin"])
def test_batch_gives_one_result_a_line_in_order(source: str, tmp_path: Path) -> None:
    text = "\n\n".join(json.dumps(answers) for answers in CASES) + "\n\n"
    if source == "-":
        done = run_cli("check", "--answers", "-", "--format", "json", input=text)
    else:
        path = tmp_path / source
        path.write_text(text, encoding="utf-8")
        done = run_cli("check", "--answers", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["triage"]["level"] for r in results[:2]] == ["emergency", "self_care"]
    assert results == [expected_json(answers) for answers in CASES]


# --- readable formats ---


@pytest.mark.parametrize("output_format", ["markdown", "text"])
def test_readable_result_shows_triage_sources_and_disclaimer(output_format: str) -> None:
    answers = {**EYELID_TWITCH, **EMERGENCY}
    done = run_cli("check", "--answers", "-", "--format", output_format, input=json.dumps(answers))
    assert done.returncode == 0, done.stderr
    expected = expected_json(answers)
    shown = words(done.stdout)
    assert "EMERGENCY" in shown
    assert "Sources" in shown
    assert expected["sources"]
    for source in expected["sources"]:
        assert words(source["title"]) in shown
    assert words(expected["disclaimer"]) in shown
    assert "\x1b[" not in done.stdout


@pytest.mark.parametrize("output_format", ["markdown", "text"])
def test_causes_say_in_words_how_strongly_the_answers_point(output_format: str) -> None:
    answers = {"sensation": "jumping", "factors": {"caffeine_cups_per_day": 6, "sleep_hours": 6.5}}
    done = run_cli("check", "--answers", "-", "--format", output_format, input=json.dumps(answers))
    assert done.returncode == 0, done.stderr
    shown = words(done.stdout).replace("*", "")
    scores = [factor["score"] for factor in expected_json(answers)["factors"]]
    assert len(scores) == 2
    for score in scores:
        assert f"{score:.2f}" not in shown and f"{round(score * 100)}%" not in shown
    assert "score" not in shown.lower()
    assert "Too much caffeine, likely: your answers point clearly to it" in shown
    assert "Not enough sleep, possible: some of your answers point to it" in shown
    assert "about 6.5 hours" in shown


# --- bad input ---


def _lines(*lines: str) -> str:
    return "\n".join(lines) + "\n"


BAD_INPUT = [
    pytest.param("-", '{"sensation": "jumping",', ("--answers", "not valid JSON"), id="malformed"),
    pytest.param("-", '{"colour": "red"}', ("colour:", "unknown field"), id="unknown-field"),
    pytest.param(
        "-", '{"factors": {"foo": 1}}', ("factors.foo:", "unknown field"), id="unknown-nested"
    ),
    pytest.param(
        "-", '{"factors": {"nicotine": "yes"}}', ("factors.nicotine:", "'yes'"), id="bool-as-text"
    ),
    pytest.param("-", '{"age": 3.5}', ("age:", "integer"), id="fractional-age"),
    pytest.param("-", '{"locations": "calf"}', ("locations:", "list"), id="list-as-text"),
    pytest.param("-", '{"age": 200}', ("age:", "120"), id="age-out-of-range"),
    pytest.param("-", '{"history_days": -1}', ("history_days:", "0"), id="negative-days"),
    pytest.param(
        "-", '{"factors": {"sleep_hours": 25}}', ("factors.sleep_hours:", "24"), id="sleep-over-24"
    ),
    pytest.param("-", '{"pain": "terrible"}', ("pain:", "'terrible'"), id="unknown-pain"),
    pytest.param("-", '{"locations": ["tail"]}', ("locations[0]:", "'tail'"), id="unknown-region"),
    pytest.param("-", '[{"age": 30}]', ("expected an object", "a list"), id="top-level-array"),
    pytest.param("-", '"calf cramp"', ("expected an object", "text"), id="top-level-string"),
    pytest.param("-", "", ("--answers",), id="empty"),
    pytest.param("-", "\n  \n", ("--answers",), id="blank-lines-only"),
    pytest.param("-", b'{"pain": "\xff"}', ("--answers", "utf-8"), id="not-utf8-stdin"),
    pytest.param("answers.json", b"\xff\xfe{}", ("--answers", "utf-8"), id="not-utf8-file"),
    pytest.param("missing.json", None, ("--answers", "missing.json"), id="missing-file"),
    pytest.param(".", None, ("--answers",), id="directory"),
    pytest.param(
        "answers.jsonl",
        _lines('{"age": 30}', '{"age": 40}', '{"factors": {"stress": "extreme"}}', '{"age": 50}'),
        ("nothing was assessed", "line 3", "factors.stress:", "'extreme'"),
        id="jsonl-line-3-bad",
    ),
    pytest.param(
        "-",
        _lines('{"age": 30}', '{"age": 40}', '{"factors": {"stress": "extreme"}}', '{"age": 50}'),
        ("nothing was assessed", "line 3", "factors.stress:"),
        id="stdin-batch-line-3-bad",
    ),
    pytest.param(
        "answers.jsonl",
        _lines('{"age": 30}', "{bad", '{"age": 40}', '{"pain": 2}'),
        ("line 2", "not valid JSON", "line 4", "pain:"),
        id="jsonl-every-bad-line-reported",
    ),
]


@pytest.mark.parametrize(("source", "content", "expected"), BAD_INPUT)
def test_bad_input_is_rejected_naming_the_field(
    source: str, content: str | bytes | None, expected: tuple[str, ...], tmp_path: Path
) -> None:
    if source == "-":
        done = run_cli("check", "--answers", "-", input=content)
    else:
        path = tmp_path / source
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        elif isinstance(content, bytes):
            path.write_bytes(content)
        done = run_cli("check", "--answers", str(path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("myoguide: error:")
    for fragment in expected:
        assert fragment in done.stderr
    assert_no_traceback(done)


def test_unknown_format_is_a_usage_error() -> None:
    done = run_cli("check", "--answers", "-", "--format", "xml", input=json.dumps(EMERGENCY))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Usage:" in done.stderr
    assert "--format" in done.stderr
    assert "'xml'" in done.stderr
    assert_no_traceback(done)


@pytest.mark.parametrize(
    ("entry_id", "suggested"),
    [("no_such_id", ()), ("caffein", ("caffeine",))],
)
def test_explain_unknown_id_fails_with_suggestions(
    entry_id: str, suggested: tuple[str, ...]
) -> None:
    done = run_cli("explain", entry_id)
    assert done.returncode == 2
    assert done.stdout == ""
    assert repr(entry_id) in done.stderr
    assert "myoguide topics" in done.stderr
    for close_id in suggested:
        assert close_id in done.stderr
    assert_no_traceback(done)


# --- topics and explain ---


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_topics_lists_every_topic_and_factor(output_format: str, knowledge: Knowledge) -> None:
    done = run_cli("topics", "--format", output_format)
    assert done.returncode == 0, done.stderr
    for entry in [*knowledge.topics, *knowledge.factors]:
        assert re.search(rf"(?<!\w){re.escape(entry.id)}(?!\w)", done.stdout), entry.id


def test_topics_json_lists_every_topic_and_factor(knowledge: Knowledge) -> None:
    done = run_cli("topics", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [t["id"] for t in data["topics"]] == [t.id for t in knowledge.topics]
    assert [f["id"] for f in data["factors"]] == [f.id for f in knowledge.factors]


@pytest.mark.parametrize("entry_id", ENTRY_IDS)
def test_explain_reads_every_entry(entry_id: str) -> None:
    # In-process: a process for each of the ids would add most of a minute to the suite.
    result = CliRunner().invoke(main, ["explain", entry_id, "--format", "markdown"])
    assert result.exit_code == 0, f"{result.output}{result.exception!r}"
    assert result.output.strip()


def test_explain_text_is_plain_when_piped() -> None:
    done = run_cli("explain", "twitches_and_spasms")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert "\x1b[" not in done.stdout


def test_explain_json_has_citations() -> None:
    done = run_cli("explain", "caffeine", "--format", "json")
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stdout)
    assert entry["id"] == "caffeine"
    assert entry["citations"]


# --- the interactive check ---


def interview_input(knowledge: Knowledge, replies: Mapping[str, str]) -> str:
    """What a person types: the reply to each question as it is asked, Enter (not sure) for
    the others. A reply of several lines is refused attempts followed by the accepted one."""
    answers: dict[str, Any] = {}
    asked: set[str] = set()
    lines: list[str] = []
    for _section, questions in walk(knowledge):
        for question in questions:
            if not applies(question, answers):
                continue
            reply = replies.get(question.id, "")
            asked.add(question.id)
            lines.append(reply)
            set_answer(answers, question.id, parse_reply(question, reply.rsplit("\n", 1)[-1]))
    assert set(replies) <= asked, f"never asked: {sorted(set(replies) - asked)}"
    return "".join(f"{line}\n" for line in lines)


def interview(knowledge: Knowledge, replies: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """The whole questionnaire, in order (``--all-questions``)."""
    typed = interview_input(knowledge, replies)
    done = run_cli("check", "--all-questions", "--format", "json", input=typed)
    assert done.returncode == 0, done.stderr
    return done


def final_json(output: str) -> dict[str, Any]:
    """The result: the questions go to standard error, so standard output is the JSON alone."""
    result: dict[str, Any] = json.loads(output)
    return result


def test_interview_recognises_a_twitch(knowledge: Knowledge) -> None:
    replies = {
        "sensation": "jumping",
        "locations": "eyelid",
        "pain": "none",
        "episode_length": "seconds",
        "factors.caffeine_cups_per_day": "6",
    }
    result = final_json(interview(knowledge, replies).stdout)
    assert result["kind"] == "twitch"
    assert "caffeine" in [factor["id"] for factor in result["factors"]]
    assert result == expected_json(
        {
            "sensation": "jumping",
            "locations": ["eyelid"],
            "pain": "none",
            "episode_length": "seconds",
            "factors": {"caffeine_cups_per_day": 6.0},
        }
    )


def test_interview_breathing_difficulty_is_an_emergency(knowledge: Knowledge) -> None:
    done = interview(knowledge, {"medical.breathing_difficulty": "y"})
    result = final_json(done.stdout)
    assert result["triage"]["level"] == "emergency"
    assert "breathing_difficulty" in [reason["id"] for reason in result["triage"]["reasons"]]
    assert "EMERGENCY" in done.stderr


def test_interview_asks_again_after_an_invalid_reply(knowledge: Knowledge) -> None:
    replies = {"sensation": "99\njumping", "medical.breathing_difficulty": "maybe\ny"}
    done = interview(knowledge, replies)
    assert done.stderr.count("Sorry") == 2
    assert final_json(done.stdout) == expected_json(
        {"sensation": "jumping", "medical": {"breathing_difficulty": True}}
    )


def test_interview_not_sure_everywhere_leaves_warning_signs_unknown(knowledge: Knowledge) -> None:
    result = final_json(interview(knowledge, {}).stdout)
    always_asked = {
        q.id for q in knowledge.questions.questions if q.warning_sign and q.ask_if is None
    }
    assert always_asked & set(result["triage"]["unanswered"])
    assert result == expected_json({})


@pytest.mark.parametrize(
    ("reply", "medications"),
    [
        pytest.param("0", [], id="none-of-these"),
        pytest.param("none", [], id="none-typed"),
        pytest.param("4", ["statin"], id="a-statin"),
        pytest.param("", None, id="enter-is-not-sure"),
    ],
)
def test_interview_medicines_offer_none_and_enter_stays_not_sure(
    knowledge: Knowledge, reply: str, medications: list[str] | None
) -> None:
    done = interview(knowledge, {"factors.medications": reply})
    asked = done.stderr[done.stderr.index("Do you take any of these medicines?") :]
    asked = asked[: asked.index("(numbers")]
    assert "0. None of these" in asked
    assert "leave empty" not in asked.lower()
    assert "0 for none of these, or Enter if not sure" in done.stderr
    answers = {"factors": {"medications": medications}} if medications is not None else {}
    assert final_json(done.stdout) == expected_json(answers)


def test_interview_undecodable_reply_is_asked_again(knowledge: Knowledge) -> None:
    typed = b"\xff\n" + interview_input(knowledge, {}).encode()
    done = run_cli("check", "--all-questions", "--format", "json", input=typed)
    assert done.returncode == 0, done.stderr
    assert "Sorry" in done.stderr
    assert final_json(done.stdout) == expected_json({})


@pytest.mark.parametrize("mode", [[], ["--all-questions"]], ids=["one-by-one", "all-questions"])
@pytest.mark.parametrize("typed", ["", "jumping\n"], ids=["no-input", "ends-after-one-reply"])
def test_interview_input_ending_early_is_not_a_crash(typed: str, mode: list[str]) -> None:
    done = run_cli("check", *mode, "--format", "json", input=typed)
    assert done.returncode != 0
    assert done.stdout == ""
    assert_no_traceback(done)


# --- the interview: one question at a time ---

EYELID_TEXT = "my left eyelid has been jumping for five days, I'm on six coffees a day, no weakness"


def no_to_warning_signs(question: Question) -> str:
    """A person who answers no to each yes/no question and is not sure of the others."""
    return "n" if question.type == "yes_no" else ""


@dataclass
class Walk:
    typed: str
    asked: list[str]
    answers: dict[str, Any]


def one_by_one(
    replies: Mapping[str, str],
    start: Mapping[str, Any] | None = None,
    others: Callable[[Question], str] = lambda question: "",
) -> Walk:
    """What a person types when the interview asks each question next_question() picks: the
    reply in ``replies``, else ``others(question)``. A reply of several lines is ones the
    interview asks again after (a refused reply, "?") followed by the answer."""
    answers = copy.deepcopy(dict(start or {}))
    unknown: list[str] = []
    asked: list[str] = []
    lines: list[str] = []
    while (question := next_question(answers, unknown)) is not None:
        reply = replies.get(question.id, others(question))
        asked.append(question.id)
        lines.append(reply)
        value = parse_reply(QUESTIONS[question.id], reply.rsplit("\n", 1)[-1])
        if value is UNKNOWN:
            unknown.append(question.id)
        else:
            set_answer(answers, question.id, value)
    assert set(replies) <= set(asked), f"never asked: {sorted(set(replies) - set(asked))}"
    return Walk("".join(f"{line}\n" for line in lines), asked, answers)


def test_interview_asks_a_handful_and_gives_the_result() -> None:
    replies = {"locations": "eyelid", "sensation": "jumping", "factors.caffeine_cups_per_day": "6"}
    walk = one_by_one(replies, others=no_to_warning_signs)
    done = run_cli("check", "--format", "json", input=walk.typed)
    assert done.returncode == 0, done.stderr
    result = final_json(done.stdout)
    assert result == expected_json(walk.answers)
    assert result["triage"]["level"] == "self_care"
    assert result["kind"] == "twitch"
    assert "caffeine" in [factor["id"] for factor in result["factors"]]
    assert f"Question 1, about {questions_left({}) - 1} more ·" in done.stderr
    full = interview_input(load_knowledge(), {})
    assert walk.typed.count("\n") < full.count("\n")


def test_interview_enter_is_not_sure_and_stays_unknown() -> None:
    replies = {"locations": "eyelid", "medical.weakness": ""}
    walk = one_by_one(replies, others=no_to_warning_signs)
    done = run_cli("check", "--format", "json", input=walk.typed)
    assert done.returncode == 0, done.stderr
    result = final_json(done.stdout)
    assert "weakness" not in walk.answers.get("medical", {})
    assert "medical.weakness" in result["triage"]["unanswered"]
    assert result == expected_json(walk.answers)


def test_interview_question_mark_shows_why_it_is_asked() -> None:
    first = next_question({})
    assert first is not None
    walk = one_by_one({first.id: "?\neyelid"}, others=no_to_warning_signs)
    done = run_cli("check", "--format", "json", input=walk.typed)
    assert done.returncode == 0, done.stderr
    assert first.why.startswith("We ask because")
    assert words(first.why) in words(done.stderr)
    assert "Sorry" not in done.stderr
    assert final_json(done.stdout) == expected_json(walk.answers)


def test_interview_b_goes_back_and_changes_the_answer() -> None:
    first = next_question({})
    assert first is not None and first.id == "locations"
    walk = one_by_one({"locations": "eyelid"}, others=no_to_warning_signs)
    typed = "calf\nb\n" + walk.typed  # "calf", then back at question 2, then "eyelid"
    done = run_cli("check", "--format", "json", input=typed)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Question 1,") == 2
    result = final_json(done.stdout)
    assert result == expected_json(walk.answers)
    assert walk.answers["locations"] == ["eyelid"]


def test_interview_b_at_the_first_question_stays_there() -> None:
    walk = one_by_one({}, others=no_to_warning_signs)
    done = run_cli("check", "--format", "json", input="b\n" + walk.typed)
    assert done.returncode == 0, done.stderr
    assert "This is the first question." in done.stderr
    assert final_json(done.stdout) == expected_json(walk.answers)


def test_interview_emergency_answer_shows_the_banner_at_once() -> None:
    walk = one_by_one({"medical.breathing_difficulty": "y"})
    done = run_cli("check", "--format", "json", input=walk.typed)
    assert done.returncode == 0, done.stderr
    number = walk.asked.index("medical.breathing_difficulty") + 1
    banner = done.stderr.index("EMERGENCY")
    assert done.stderr.index(f"Question {number},") < banner
    assert banner < done.stderr.index(f"Question {number + 1},")
    assert done.stderr.count("EMERGENCY") == 1
    assert final_json(done.stdout)["triage"]["level"] == "emergency"


def test_text_is_understood_and_fewer_questions_are_asked() -> None:
    text = EYELID_TEXT + ", maybe a bit short of breath"
    parsed = parse(text)
    start = parsed.answers.model_dump(mode="json", exclude_none=True)
    assert start["sensation"] == "jumping" and "breathing_difficulty" not in start["medical"]
    with_text = one_by_one({}, start=start, others=no_to_warning_signs)
    without = one_by_one({}, others=no_to_warning_signs)
    assert len(with_text.asked) < len(without.asked)
    assert "medical.breathing_difficulty" in with_text.asked  # hedged: asked, not guessed
    assert "sensation" not in with_text.asked
    done = run_cli("check", "--text", text, "--format", "json", input=with_text.typed)
    assert done.returncode == 0, done.stderr
    shown = words(done.stderr)
    assert "What we understood" in shown
    assert '"eyelid"' in shown and '"six coffees"' in shown
    assert '"short of breath" — Do you have any trouble breathing? not sure — we will ask' in shown
    assert f"Question {len(with_text.asked)}," in done.stderr
    assert f"Question {len(with_text.asked) + 1}," not in done.stderr
    assert final_json(done.stdout) == expected_json(with_text.answers)


@pytest.mark.parametrize(
    ("extra", "named"),
    [(["--answers", "-"], "--answers"), (["--all-questions"], "--all-questions")],
    ids=["answers", "all-questions"],
)
def test_text_with_answers_or_all_questions_is_an_error(extra: list[str], named: str) -> None:
    done = run_cli("check", "--text", EYELID_TEXT, *extra, input=json.dumps(EYELID_TWITCH))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("myoguide: error:")
    assert "--text" in done.stderr and named in done.stderr
    assert_no_traceback(done)


STARTUP_PROBE = """
import sys
from myoguide.cli import main
try:
    main(sys.argv[1:], prog_name="myoguide")
except SystemExit:
    pass
loaded = sorted(
    name for name in ("pydantic", "yaml", "rich", "fhir", "fhirpathpy") if name in sys.modules
)
sys.exit(f"imported at start-up: {loaded}" if loaded else 0)
"""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["check", "--help"]], ids=" ".join)
def test_start_up_does_not_import_heavy_modules(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", STARTUP_PROBE, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout


def test_text_with_an_emergency_shows_the_banner_before_any_question() -> None:
    text = "my calf cramps and I can't breathe properly"
    start = parse(text).answers.model_dump(mode="json", exclude_none=True)
    walk = one_by_one({}, start=start)
    done = run_cli("check", "--text", text, "--format", "json", input=walk.typed)
    assert done.returncode == 0, done.stderr
    assert done.stderr.index("EMERGENCY") < done.stderr.index("Question 1,")
    assert final_json(done.stdout) == expected_json(walk.answers)
    assert final_json(done.stdout)["triage"]["level"] == "emergency"
