"""Free text (CONTRACT.md §7): phrasings in many voices, read field by field.

Field precision is the share of the answers read that are right, recall the share of the
answers written that were read. Warning signs must all be right: stated yes, denied no,
hedged unknown and flagged uncertain.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from myoguide import parse
from myoguide.answers import Answers, Medical
from myoguide.freetext import LANGUAGES
from myoguide.freetext.grammar import load_grammar
from myoguide.i18n import languages
from myoguide.knowledge import KnowledgeError, data_dir, load_knowledge, load_lexicon

PHRASINGS = yaml.safe_load(
    (Path(__file__).parent / "freetext" / "phrasings.yaml").read_text(encoding="utf-8")
)
TODAY: date = PHRASINGS["today"]
CASES: list[dict[str, Any]] = PHRASINGS["phrasings"]
PHRASINGS_ES = yaml.safe_load(
    (Path(__file__).parent / "freetext" / "phrasings_es.yaml").read_text(encoding="utf-8")
)
CASES_ES: list[dict[str, Any]] = PHRASINGS_ES["phrasings"]
# Yes-or-no answers about the body that a doctor acts on: every one must be read right.
WARNING_SIGNS = {
    f"medical.{name}"
    for name, info in Medical.model_fields.items()
    if info.annotation == bool | None
}


def flat(answers: Answers) -> dict[str, Any]:
    """Answers as dotted paths to the values given."""
    out: dict[str, Any] = {}
    for name, value in answers.model_dump(exclude_none=True).items():
        if isinstance(value, dict):
            out |= {f"{name}.{inner}": v for inner, v in value.items()}
        else:
            out[name] = value
    return out


def same(read: Any, written: Any) -> bool:
    if isinstance(written, list):
        return isinstance(read, list) and sorted(read) == sorted(written)
    if isinstance(written, bool) or isinstance(read, bool):
        return read is written
    if isinstance(written, int | float):
        return isinstance(read, int | float) and abs(read - written) < 1e-9
    return bool(read == written)


def score(
    cases: list[dict[str, Any]], language: str = "en", today: date = TODAY
) -> tuple[int, int, int, list[str], list[str]]:
    right = read_count = written_count = 0
    misses: list[str] = []
    warning_misses: list[str] = []
    for case in cases:
        parsed = parse(case["text"], today=today, language=language)
        got, want = flat(parsed.answers), case["expect"]
        read_count += len(got)
        written_count += len(want)
        for field, value in want.items():
            if field in got and same(got[field], value):
                right += 1
            else:
                misses.append(f"{case['text']!r}: {field} want {value!r} got {got.get(field)!r}")
        misses += [
            f"{case['text']!r}: {f} read {v!r}, not said" for f, v in got.items() if f not in want
        ]
        for field in WARNING_SIGNS & set(want):
            if not (field in got and got[field] is want[field]):
                warning_misses.append(f"{case['text']!r}: {field} {got.get(field)!r}")
        for field in case.get("hedged", []):
            flagged = any(f.field == field and f.uncertain for f in parsed.findings)
            if field in got or not flagged:
                warning_misses.append(f"{case['text']!r}: hedged {field} {got.get(field)!r}")
    return right, read_count, written_count, misses, warning_misses


def test_phrasings_are_read_with_high_precision_and_recall() -> None:
    assert len(CASES) >= 120
    assert_figures(CASES, "en", TODAY)


def test_spanish_phrasings_are_held_to_the_same_figures() -> None:
    assert len(CASES_ES) >= 40
    assert_figures(CASES_ES, "es", PHRASINGS_ES["today"])


def test_spanish_phrasings_state_deny_and_hedge_every_warning_sign() -> None:
    stated = {f for c in CASES_ES for f, v in c["expect"].items() if v is True}
    denied = {f for c in CASES_ES for f, v in c["expect"].items() if v is False}
    hedged = {f for c in CASES_ES for f in c.get("hedged", [])}
    for name, said in (("stated", stated), ("denied", denied), ("hedged", hedged)):
        assert said >= WARNING_SIGNS, f"{name}: {sorted(WARNING_SIGNS - said)}"


def assert_figures(cases: list[dict[str, Any]], language: str, today: date) -> None:
    right, read_count, written_count, misses, warning_misses = score(cases, language, today)
    precision, recall = right / read_count, right / written_count
    report = (
        f"{language}: {len(cases)} phrasings: "
        f"field precision {precision:.3f} ({right}/{read_count}), "
        f"recall {recall:.3f} ({right}/{written_count}), "
        f"warning-sign misses {len(warning_misses)}"
    )
    print(report, *misses, sep="\n  ")
    assert not warning_misses, "\n".join(warning_misses)
    assert precision >= 0.95, report
    assert recall >= 0.85, report


def test_every_phrasing_lists_only_fields_that_exist() -> None:
    for case in [*CASES, *CASES_ES]:
        for field in case["expect"]:
            *groups, name = field.split(".")
            model: Any = Answers
            for group in groups:
                model = model.model_fields[group].default_factory
            assert name in model.model_fields, field


def test_findings_point_at_the_words_understood() -> None:
    text = "my left eyelid has been jumping for five days, six coffees a day, no weakness"
    parsed = parse(text, today=date(2026, 12, 2))
    spans = {f.field: text[f.start : f.end] for f in parsed.findings}
    assert spans["locations"] == "eyelid"
    assert spans["sensation"] == "jumping"
    assert spans["history_days"] == "five days"
    assert spans["factors.caffeine_cups_per_day"] == "six coffees"
    (weakness,) = [f for f in parsed.findings if f.field == "medical.weakness"]
    assert text[weakness.start : weakness.end] == "weakness"
    assert weakness.negated and weakness.value is False and not weakness.uncertain
    assert json.loads(parsed.model_dump_json())["answers"]["medical"]["weakness"] is False


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("maybe a bit weaker?", "medical.weakness"),
        ("no weakness. Maybe a bit weaker on the left?", "medical.weakness"),
        ("could it be spreading?", "medical.spreading"),
        ("I don't think I have any weakness", "medical.weakness"),
        ("My mum says I'm slurring my words", "medical.speech_or_swallowing_difficulty"),
    ],
)
def test_a_hedged_warning_sign_stays_unknown_and_is_flagged(text: str, field: str) -> None:
    parsed = parse(text)
    assert field not in flat(parsed.answers)
    assert any(f.field == field and f.uncertain for f in parsed.findings)


def test_a_stated_warning_sign_wins_over_a_denial() -> None:
    parsed = parse("no weakness in the legs, but my hands are weak")
    assert parsed.answers.medical.weakness is True


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        ("my son gets leg cramps at night", {"sensation": "cramping", "locations": ["calf"]}),
        ("my dad is 72, his arm cramps", {"age": 72, "sensation": "cramping"}),
        ("my brother has muscular dystrophy", {"medical.family_history": ["muscular_dystrophy"]}),
        ("my mum gets cramps too, mine is a twitch", {"sensation": "jumping"}),
    ],
)
def test_a_text_about_someone_else_is_read_as_their_answers(
    text: str, answers: dict[str, Any]
) -> None:
    got = flat(parse(text).answers)
    assert {field: got.get(field) for field in answers} == answers
    assert "medical.conditions" not in got


def test_a_condition_of_someone_else_is_family_history() -> None:
    parsed = parse("My dad had ALS. My calf twitches.")
    assert parsed.answers.medical.family_history == ["als"]
    assert parsed.answers.medical.conditions is None


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("twitching since yesterday", 1),
        ("it started on Monday", 2),
        ("for a couple of weeks now", 14),
        ("started in March", 262),
        ("since last Tuesday", 8),
        ("since Tuesday", 1),
    ],
)
def test_dates_count_back_from_today(text: str, days: int) -> None:
    assert parse(text, today=date(2026, 12, 2)).answers.history_days == days


def test_spelling_slips_are_read_but_short_words_are_not_guessed() -> None:
    assert parse("twiching eyelied").answers.locations == ["eyelid"]
    assert parse("twiching eyelied").answers.sensation == "jumping"
    assert flat(parse("the cat sat on a mat").answers) == {}


def test_empty_and_unrelated_text_give_no_answers() -> None:
    for text in ["", "   ", "hello", "what is the weather like tomorrow?"]:
        parsed = parse(text)
        assert parsed.findings == []
        assert flat(parsed.answers) == {}


def test_the_lexicon_is_validated_on_load(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    lexicon = copy / "lexicon.yaml"
    original = lexicon.read_text(encoding="utf-8")
    lexicon.write_text(original.replace("field: sensation", "field: sensations", 1), "utf-8")
    with pytest.raises(KnowledgeError, match="sensations"):
        load_knowledge(directory=copy)
    lexicon.write_text(original.replace("value: jumping", "value: hopping", 1), "utf-8")
    with pytest.raises(KnowledgeError, match="hopping"):
        load_knowledge(directory=copy)
    lexicon.write_text(original.replace("value: diuretic", "value: aspirin", 1), "utf-8")
    with pytest.raises(KnowledgeError, match="aspirin"):
        load_knowledge(copy)
    lexicon.write_text(original.replace("unless: [thigh,", "unless: [thighs,", 1), "utf-8")
    with pytest.raises(KnowledgeError, match="thighs"):
        load_knowledge(copy)


def test_the_command_line_starts_without_the_nlp_libraries() -> None:
    heavy = "{'spacy', 'medspacy', 'rapidfuzz', 'thinc'}"
    code = (
        "import sys, myoguide, myoguide.cli, myoguide.freetext; myoguide.parse; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_parsing_reaches_nothing_on_the_network() -> None:
    code = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise SystemExit('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from myoguide import parse\n"
        "print(parse('no weakness, my dad had ALS').answers.medical.family_history)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['als']"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_findings_inside_it_and_valid_answers(text: str) -> None:
    parsed = parse(text)
    for finding in parsed.findings:
        assert 0 <= finding.start < finding.end <= len(text)
    assert Answers.model_validate(parsed.answers.model_dump()) == parsed.answers
    json.loads(parsed.model_dump_json())


def test_spanish_findings_point_at_the_words_as_written() -> None:
    text = (
        "el párpado me brinca desde hace un par de semanas, tomo tres cafés al día, sin debilidad"
    )
    parsed = parse(text, today=date(2026, 12, 2), language="es")
    spans = {f.field: text[f.start : f.end] for f in parsed.findings}
    assert spans["locations"] == "párpado"
    assert spans["sensation"] == "brinca"
    assert spans["history_days"] == "un par de semanas"
    assert spans["factors.caffeine_cups_per_day"] == "tres cafés"
    (weakness,) = [f for f in parsed.findings if f.field == "medical.weakness"]
    assert text[weakness.start : weakness.end] == "debilidad"
    assert weakness.negated and parsed.answers.medical.weakness is False
    assert parsed.answers.history_days == 14


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("calambres desde ayer", 1),
        ("me salta el ojo desde el lunes", 2),
        ("desde el martes pasado", 8),
        ("hace tres semanas que me salta el ojo", 21),
        ("el tic empezó en marzo", 262),
        ("llevo un mes con calambres", 30),
        ("empezó la semana pasada", 7),
    ],
)
def test_spanish_dates_count_back_from_today(text: str, days: int) -> None:
    assert parse(text, today=date(2026, 12, 2), language="es").answers.history_days == days


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("quizás tengo la pierna más débil", "medical.weakness"),
        ("a lo mejor me cuesta tragar", "medical.speech_or_swallowing_difficulty"),
        ("puede que se esté extendiendo", "medical.spreading"),
        ("creo que tengo algo de fiebre", "medical.fever"),
        ("mi madre dice que arrastro las palabras", "medical.speech_or_swallowing_difficulty"),
        ("tengo debilidad, creo", "medical.weakness"),
    ],
)
def test_a_hedged_spanish_warning_sign_stays_unknown_and_is_flagged(text: str, field: str) -> None:
    parsed = parse(text, language="es")
    assert field not in flat(parsed.answers)
    assert any(f.field == field and f.uncertain for f in parsed.findings)


def test_the_same_words_read_differently_in_each_language() -> None:
    assert parse("sin fiebre", language="es").answers.medical.fever is False
    assert parse("sin fiebre").answers.medical.fever is None
    assert parse("no fever", language="en").answers.medical.fever is False


def test_an_unknown_language_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="language"):
        parse("tic", language="fr")


def test_the_spanish_lexicon_is_validated_on_load(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    lexicon = copy / "lexicon.es.yaml"
    original = lexicon.read_text(encoding="utf-8")
    assert load_lexicon("es", copy).terms
    lexicon.write_text(original.replace("value: jumping", "value: saltando", 1), "utf-8")
    with pytest.raises(KnowledgeError, match="saltando"):
        load_lexicon("es", copy)
    lexicon.write_text(original.replace("value: diuretic", "value: aspirina", 1), "utf-8")
    with pytest.raises(KnowledgeError, match="aspirina"):
        load_lexicon("es", copy)
    with pytest.raises(KnowledgeError, match="'fr'"):
        load_lexicon("fr", copy)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_grammar_is_validated_on_load_naming_the_file_and_the_key(
    tmp_path: Path, language: str
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    name = "grammar.yaml" if language == "en" else f"grammar.{language}.yaml"
    path = copy / name
    original = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert load_grammar(language, copy) == load_grammar(language)

    def broken(change: Any) -> str:
        data = dict(original)
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        with pytest.raises(KnowledgeError) as caught:
            load_grammar(language, copy)
        return str(caught.value)

    assert f"{name}: negations: Field required" in broken(lambda d: d.pop("negations"))
    assert f"{name}: plural: Extra inputs" in broken(lambda d: d.update(plural=["s"]))
    assert f"{name}: months: Input should be a valid dictionary" in broken(
        lambda d: d.update(months=["one"])
    )
    assert f"{name}: weekdays.monday: Input should be a valid integer" in broken(
        lambda d: d.update(weekdays={"monday": "0"})
    )
    assert f"{name}: fold_accents: Input should be a valid boolean" in broken(
        lambda d: d.update(fold_accents="yes")
    )
    assert f"{name}: per_week: Value error, not a regular expression" in broken(
        lambda d: d.update(per_week="(week")
    )
    with pytest.raises(KnowledgeError, match="no free-text grammar in language 'xx'"):
        load_grammar("xx", copy)


def test_every_language_reads_free_text() -> None:
    """A language is a lexicon file and a grammar file for the reader too: each language of
    the knowledge has both, and a language needs both to be read."""
    assert tuple(languages()) == LANGUAGES
    for language in LANGUAGES:
        assert load_lexicon(language).terms and load_grammar(language).negations


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_spanish_text_gives_findings_inside_it_and_valid_answers(text: str) -> None:
    parsed = parse(text, language="es")
    for finding in parsed.findings:
        assert 0 <= finding.start < finding.end <= len(text)
    assert Answers.model_validate(parsed.answers.model_dump()) == parsed.answers


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("tengo 34 años y me salta el ojo", 34),
        ("soy una mujer de 45 años con tics", 45),
        ("Corredora, 45 años. Calambres", 45),
        ("a mi hijo de 8 años le dan calambres", 8),
        ("hace 2 años que tengo calambres", None),
        ("llevo 3 semanas con calambres", None),
    ],
)
def test_spanish_ages_are_years_had_not_years_ago(text: str, age: int | None) -> None:
    assert parse(text, language="es").answers.age == age
