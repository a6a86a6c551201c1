"""Languages: the gettext catalogues (complete, current, plural forms right), choosing a
language (Accept-Language, the terminal's environment), numbers and dates, and the CLI and
JSON API in Spanish with no English sentence left, while English stays as it was."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from click.testing import CliRunner
from fastapi.testclient import TestClient

from myoguide import Knowledge, load_knowledge
from myoguide.cli import main
from myoguide.engine import default_engine
from myoguide.i18n import (
    format_date,
    format_hours,
    format_number,
    from_accept_language,
    from_environment,
    languages,
    translations,
)
from myoguide.jsonout import assessment_json
from myoguide.knowledge.models import Question
from myoguide.questionnaire import UNKNOWN, parse_reply
from myoguide.render import assessment_markdown, entry_markdown, topics_markdown
from myoguide.web import create_app

from .test_knowledge_es import ENGLISH_STOP_WORDS, PROPER_NAMES
from .test_vignettes import CASES

ROOT = Path(__file__).resolve().parents[1]
LOCALE_DIR = ROOT / "src" / "myoguide" / "locale"
TRANSLATED = [code for code in languages() if code != "en"]
KEEP_AS_IS = ("myoguide", "Enter")
"""Words that stay as they are in every language: the program's name, a key's name."""


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(LOCALE_DIR / "myoguide.pot")


@pytest.fixture(scope="module", params=TRANSLATED)
def catalogue(request: pytest.FixtureRequest) -> Catalog:
    return _read(LOCALE_DIR / request.param / "LC_MESSAGES" / "myoguide.po", request.param)


@pytest.fixture(scope="module")
def spanish() -> Knowledge:
    return load_knowledge(language="es")


# --- the catalogues ---


def test_every_language_has_a_catalogue() -> None:
    assert TRANSLATED, "no translation to test"
    for code in TRANSLATED:
        assert (LOCALE_DIR / code / "LC_MESSAGES" / "myoguide.po").is_file(), code


def test_the_template_holds_every_sentence_the_code_marks(template: Catalog) -> None:
    """`make messages` was run after the last change to a marked sentence."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT),
            method_map,
            options_map,
            keywords={**DEFAULT_KEYWORDS, "N_": None, "NC_": ((1, "c"), 2)},
        )
        if message
    }
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    assert found - ids == set(), "run `make messages`"
    assert ids - found == set(), "the template holds sentences no longer in the code"


def test_every_sentence_is_translated(template: Catalog, catalogue: Catalog) -> None:
    # Keyed by context and id: "nicotine" as a subject and as what a day had are two sentences.
    wanted = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in template if m.id}
    have = {
        (m.context, m.id if isinstance(m.id, str) else tuple(m.id)): m for m in catalogue if m.id
    }
    assert wanted - have.keys() == set(), "run `make messages` and translate what is new"
    for key, message in have.items():
        assert key in wanted, f"obsolete: {key!r}"
        assert not message.fuzzy, f"fuzzy: {key!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {key!r}"
        # The same {placeholders}: a translation cannot lose or invent a value. A sentence
        # with a count may name a value in one form only (click's "Did you mean {possibility}?"
        # and "(Did you mean one of: {possibilities}?)"): every form keeps what both forms
        # name, and the forms together name all the rest.
        forms = [set(re.findall(r"{\w+}", source)) for source in _forms(key[1])]
        every, some = set.intersection(*forms), set.union(*forms)
        found = [set(re.findall(r"{\w+}", text)) for text in strings]
        assert all(every <= names <= some for names in found), key
        assert set.union(*found) == some, key
    assert [(message.id, errors) for message, errors in catalogue.check()] == []


def _forms(key: str | tuple[str, ...]) -> tuple[str, ...]:
    return key if isinstance(key, tuple) else (key,)


def test_plural_forms_are_the_languages_own(catalogue: Catalog) -> None:
    own = get_plural(str(catalogue.locale))
    assert (catalogue.num_plurals, catalogue.plural_expr) == (own.num_plurals, own.plural_expr)
    for message in catalogue:
        if message.id and message.pluralizable:
            assert len(message.string) == catalogue.num_plurals, message.id


def test_the_installed_catalogue_is_compiled_from_the_po(catalogue: Catalog) -> None:
    """The .mo that gettext reads says what the .po says (the build compiled the current one)."""
    compiled = translations(str(catalogue.locale))
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, str) and message.context:
            assert compiled.pgettext(message.context, message.id) == message.string, message.id
        elif isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, message.id
        else:
            assert compiled.ngettext(message.id[0], message.id[1], 1) == message.string[0]


def test_a_language_without_a_compiled_catalogue_is_an_error_not_english() -> None:
    with pytest.raises(LookupError, match="make translations"):
        translations("xx")


# --- plurals, numbers and dates ---


@pytest.mark.parametrize(
    ("hours", "language", "expected"),
    [
        (1, "en", "1 hour"),
        (2, "en", "2 hours"),
        (1.5, "en", "1.5 hours"),
        (1, "es", "1 hora"),
        (0, "es", "0 horas"),
        (2, "es", "2 horas"),
        (1.5, "es", "1,5 horas"),
        (1_000_000, "es", "1.000.000 de horas"),
    ],
)
def test_hours_take_the_right_plural(hours: float, language: str, expected: str) -> None:
    assert format_hours(hours, language) == expected


def test_numbers_and_dates_are_written_the_languages_way() -> None:
    day = dt.date(2026, 12, 3)
    assert format_date(day, "es") == "3 de diciembre de 2026"
    assert format_date(day, "en") == "3 December 2026"
    assert format_number(2.5, "es", signed=True) == "+2,5"
    assert format_number(-1, "es", signed=True) == "-1"
    assert format_number(2.5, "en", signed=True) == "+2.5"


def test_a_quoted_answer_is_written_with_the_languages_decimal_mark() -> None:
    answers = {"sensation": "jumping", "factors": {"caffeine_cups_per_day": 4.5}}
    spanish = default_engine("es").assess(answers)
    english = default_engine().assess(answers)
    caffeine = {f.id: f for f in spanish.factors}["caffeine"]
    assert any("4,5" in why for why in caffeine.why)
    assert any("4.5" in why for why in {f.id: f for f in english.factors}["caffeine"].why)


# --- choosing the language ---


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("es", "es"),
        ("ES", "es"),
        ("es-MX", "es"),
        ("es-419,es;q=0.9", "es"),
        ("en;q=0.5, es;q=0.9", "es"),
        ("es;q=0.4, en;q=0.8", "en"),
        ("fr, es;q=0.1", "es"),
        ("fr-CA, de", "en"),
        ("es;q=0", "en"),
        ("es;q=0, *", "en"),
        ("*", "en"),
        ("es;q=1.5", "en"),
        ("es;q=abc", "en"),
        ("not a tag!, es", "es"),
        (";;,,", "en"),
        ("en-GB, es", "en"),
    ],
)
def test_accept_language_chooses_by_q_value(header: str | None, expected: str) -> None:
    assert from_accept_language(header) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANG": "es_MX"}, "es"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:es:en", "LANG": "fr_FR.UTF-8"}, "es"),
        ({"LANGUAGE": "en", "LANG": "es_ES.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "es_ES.UTF-8"}, "en"),
        ({"LC_ALL": "C.UTF-8", "LANG": "es_ES.UTF-8"}, "en"),
        ({"LC_MESSAGES": "es_AR.UTF-8", "LANG": "en_GB.UTF-8"}, "es"),
        ({"LANGUAGE": "", "LANG": "es_ES@euro"}, "es"),
    ],
)
def test_the_terminal_environment_chooses(environ: dict[str, str], expected: str) -> None:
    assert from_environment(environ) == expected


# --- replies typed in Spanish ---


def _question(spanish: Knowledge, question_type: str) -> Question:
    return next(q for q in spanish.questions.questions if q.type == question_type)


def test_spanish_replies_read(spanish: Knowledge) -> None:
    yes_no = _question(spanish, "yes_no")
    for reply, value in [("s", True), ("Sí", True), ("si", True), ("n", False), ("no", False)]:
        assert parse_reply(yes_no, reply, "es") is value, reply
    for reply in ["", "no lo sé", "No sé", "ns"]:
        assert parse_reply(yes_no, reply, "es") is UNKNOWN, reply
    assert parse_reply(_question(spanish, "multi"), "Ninguna de estas", "es") == []
    assert parse_reply(_question(spanish, "number"), "1,5", "es") == 1.5
    with pytest.raises(ValueError, match="responde sí \\(«s»\\) o no"):
        parse_reply(yes_no, "quizás", "es")
    # English replies still read in a Spanish check; Spanish ones do not in an English one.
    assert parse_reply(yes_no, "yes", "es") is True
    with pytest.raises(ValueError, match="please answer yes"):
        parse_reply(yes_no, "sí", "en")


# --- no English left ---


LIBRARY_ENGLISH = (
    "expecting value",
    "expecting property",
    "input should",
    "value error",
    "field required",
    "extra inputs",
    "no such file",
    "permission denied",
    "is a directory",
    "not a directory",
    "traceback",
)
"""What Python, pydantic and the operating system say in English, in words too few for the
stop-word count below to notice."""


def english_sentences(text: str, knowledge: Knowledge) -> list[str]:
    """The sentences of a rendering (Markdown, or the terminal's text) that read as English,
    leaving out what is meant to stay as it is: code, addresses, English sources' titles and
    their verbatim quotes, names."""
    kept = [doc.title for doc in knowledge.sources if doc.language != knowledge.language]
    kept += [doc.publisher for doc in knowledge.sources]
    text = re.sub(r"[▌│─━╭╮╰╯┃•]", " ", text)  # the terminal's rules, bars and bullets
    text = re.sub(r"\s+", " ", text)  # the terminal wraps lines anywhere
    text = re.sub(r'"[^"]*" \(cita en inglés\)', " ", text)
    text = re.sub(r"`[^`]*`|<[^>]*>|https?://\S+", " ", text)
    for name in sorted([*kept, *PROPER_NAMES, *KEEP_AS_IS], key=len, reverse=True):
        text = text.replace(re.sub(r"\s+", " ", name), " ")
    # Libraries' own English is short and may hold one stop word or none ("Expecting value").
    found = [phrase for phrase in LIBRARY_ENGLISH if phrase in text.lower()]
    for sentence in re.split(r"(?<=[.!?:;])\s+|\s#+\s|\s-\s|\s\d+\.\s", text):
        words = re.findall(r"[^\W\d_]+", sentence.lower())
        stop = [w for w in words if w in ENGLISH_STOP_WORDS]
        if len(stop) >= 2 or (words and len(stop) / len(words) > 0.2):
            found.append(sentence.strip())
    return found


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_every_vignette_reads_in_spanish(case: dict[str, Any], spanish: Knowledge) -> None:
    result = default_engine("es").assess(case["answers"])
    markdown = assessment_markdown(result, spanish)
    assert english_sentences(markdown, spanish) == []
    if result.triage.level == "emergency":
        assert "112" in markdown and "911" in markdown


def test_the_check_finds_english_in_the_english_result(knowledge: Knowledge) -> None:
    """The check above is not vacuous: it flags the same results rendered in English."""
    flagged = 0
    for case in CASES[:10]:
        markdown = assessment_markdown(default_engine().assess(case["answers"]), knowledge)
        flagged += len(english_sentences(markdown, knowledge)) > 5
    assert flagged == 10


def test_topics_and_every_entry_read_in_spanish(spanish: Knowledge) -> None:
    found = english_sentences(topics_markdown(spanish), spanish)
    for entry_id in spanish.entry_ids():
        found += [
            (entry_id, s) for s in english_sentences(entry_markdown(entry_id, spanish), spanish)
        ]
    assert found == []


def test_seed_quotes_are_marked_as_english(spanish: Knowledge, knowledge: Knowledge) -> None:
    spanish_text = entry_markdown("caffeine", spanish)
    quotes = [line for line in spanish_text.splitlines() if line.lstrip().startswith(">")]
    assert quotes and all(line.endswith("(cita en inglés)") for line in quotes)
    assert "(quote in English)" not in entry_markdown("caffeine", knowledge)


def _cli(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, list(args), input=input, env=env)
    assert result.exit_code == 0, f"{result.output}{result.exception!r}"
    return result.output


@pytest.mark.parametrize(
    "case_id",
    ["eyelid_twitch_exam_stress", "statin_new_leg_cramps", "swollen_red_calf_after_flight"],
)
@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_cli_check_in_spanish(
    case_id: str, output_format: str, spanish: Knowledge, tmp_path: Path
) -> None:
    case = next((c for c in CASES if c["id"] == case_id), None)
    assert case is not None, f"no vignette {case_id}"
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(case["answers"]))
    shown = _cli("--lang", "es", "check", "--answers", str(path), "--format", output_format)
    assert english_sentences(shown, spanish) == []
    assert "Causas probables" in shown


def test_cli_follows_lang_in_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"sensation": "cramping", "locations": ["calf"]}))
    args = ["check", "--answers", str(path), "--format", "markdown"]
    spanish = _cli(*args, env={"LANGUAGE": "", "LANG": "es_ES.UTF-8"})
    assert "## ¿Qué es? Un espasmo (calambre)" in spanish
    english = _cli(*args, env={"LANGUAGE": "", "LANG": "es_ES.UTF-8", "LC_ALL": "C"})
    assert "## What it is: A spasm (cramp)" in english
    assert "## What it is" in _cli("--lang", "en", *args, env={"LANGUAGE": "es"})


def test_cli_refuses_a_language_it_does_not_have() -> None:
    result = CliRunner().invoke(main, ["--lang", "xx", "topics"])
    assert result.exit_code == 2
    assert "--lang" in result.output and "'xx'" in result.output


def test_cli_topics_and_explain_in_spanish(spanish: Knowledge) -> None:
    topics = _cli("--lang", "es", "topics", "--format", "markdown")
    assert topics.startswith("# Temas")
    assert english_sentences(topics, spanish) == []
    data = json.loads(_cli("--lang", "es", "topics", "--format", "json"))
    english = json.loads(_cli("topics", "--format", "json"))
    assert [t["id"] for t in data["topics"]] == [t["id"] for t in english["topics"]]
    assert data["factors"][0]["name"] != english["factors"][0]["name"]
    explained = _cli("--lang", "es", "explain", "caffeine")
    assert english_sentences(explained, spanish) == []


def test_the_interactive_check_asks_in_spanish(spanish: Knowledge) -> None:
    # Not sure to everything: every prompt, the hints and the result in Spanish.
    shown = _cli(
        "--lang", "es", "check", "--all-questions", "--format", "markdown", input="\n" * 200
    )
    assert "Pulsa Enter para saltarte cualquier pregunta que no sepas" in " ".join(shown.split())
    assert "(s / n / Enter si no lo sabes)" in shown
    assert "0. Ninguna de estas" in shown
    assert "## Sin comprobar" in shown
    assert english_sentences(shown, spanish) == []


def test_the_adaptive_check_answers_in_spanish() -> None:
    shown = _cli("--lang", "es", "check", "--format", "json", input="quizás\n" + "\n" * 100)
    assert re.search(r"Pregunta 1, unas \d+ más · Lo que notas", shown)
    assert "Perdona: elige un número del 1 al" in shown
    result = json.loads(shown[shown.index("\n{") :])
    assert result["triage"]["unanswered"]


def test_the_adaptive_check_says_why_in_spanish(spanish: Knowledge) -> None:
    from myoguide.interview import next_question

    first, english = next_question({}, language="es"), next_question({})
    assert first is not None and english is not None
    shown = " ".join(_cli("--lang", "es", "check", input="?\n" + "\n" * 100).split())
    assert " ".join(first.why.split()) in shown
    assert " ".join(english.why.split()) not in shown
    assert english_sentences(first.why, spanish) == []


# --- the JSON API ---


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


ANSWERS = {"sensation": "jumping", "locations": ["eyelid"], "factors": {"stress": "high"}}


def test_api_assesses_in_the_accept_language_language(client: TestClient) -> None:
    english = client.post("/api/v1/assessments", json=ANSWERS)
    spanish = client.post(
        "/api/v1/assessments", json=ANSWERS, headers={"Accept-Language": "es-MX,en;q=0.5"}
    )
    assert spanish.status_code == english.status_code == 200
    assert spanish.headers["content-language"] == "es"
    assert english.headers["content-language"] == "en"
    assert spanish.headers["vary"] == english.headers["vary"] == "Accept-Language"
    es, en = spanish.json(), english.json()
    assert [f["id"] for f in es["factors"]] == [f["id"] for f in en["factors"]]
    assert es["triage"]["level"] == en["triage"]["level"]
    assert es["factors"][0]["name"] != en["factors"][0]["name"]
    # English, as before, byte for byte; an unknown language is answered in English.
    assert english.content == assessment_json(default_engine().assess(ANSWERS))
    french = client.post("/api/v1/assessments", json=ANSWERS, headers={"Accept-Language": "fr"})
    assert french.content == english.content and french.headers["content-language"] == "en"


@pytest.mark.parametrize(
    "path", ["/api/v1/questions", "/api/v1/knowledge", "/api/v1/knowledge/factors/caffeine"]
)
def test_api_knowledge_in_spanish(client: TestClient, path: str, spanish: Knowledge) -> None:
    response = client.get(path, headers={"Accept-Language": "es"})
    assert response.status_code == 200
    assert response.headers["content-language"] == "es"
    assert response.headers["vary"] == "Accept-Language"
    english = client.get(path)
    assert english.headers["content-language"] == "en"
    assert _ids(response.json()) == _ids(english.json())
    assert response.json() != english.json()


def _ids(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [value["id"]] if isinstance(value.get("id"), str) else []
        return own + [i for key, item in value.items() if key != "id" for i in _ids(item)]
    if isinstance(value, list):
        return [i for item in value for i in _ids(item)]
    return []


def test_api_documents_accept_language(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, method in [("/api/v1/assessments", "post"), ("/api/v1/questions", "get")]:
        names = [p["name"].lower() for p in paths[path][method].get("parameters", [])]
        assert "accept-language" in names, path


def test_a_description_is_read_in_the_language_of_the_check() -> None:
    text = "el párpado izquierdo me brinca desde hace 3 días, sin debilidad"
    parsed = json.loads(_cli("--lang", "es", "parse", "--text", text))
    assert parsed["answers"]["locations"] == ["eyelid"]
    assert parsed["answers"]["medical"] == {"weakness": False}
    # --language says the text's own language, whatever the check's.
    english = json.loads(_cli("--lang", "es", "parse", "--language", "en", "--text", text))
    assert "eyelid" not in english["answers"].get("locations", [])
    shown = _cli("--lang", "es", "check", "--text", text, "--format", "json", input="\n" * 100)
    assert "Párpado" in shown
    result = json.loads(shown[shown.index("\n{") :])
    assert result["kind"] == "twitch"
