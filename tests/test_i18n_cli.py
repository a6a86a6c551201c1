"""The terminal in Spanish: every --help page, click's own words, every error message and the
diary's questions and replies; English stays as it was."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_file
from click.testing import CliRunner, Result

from myoguide import Knowledge, load_knowledge
from myoguide.cli import main
from myoguide.cli.diary import WARNING_SIGNS
from myoguide.cli.doc import commands
from myoguide.diary.replies import (
    ReplyError,
    places,
    read_amount,
    read_exercise,
    read_kind,
    read_region,
    read_regions,
    read_scale,
    read_yes_no,
)
from myoguide.i18n import languages, translations
from myoguide.knowledge import languages as knowledge_languages

from .test_cli import STARTUP_PROBE
from .test_diary_cli import run_at_terminal
from .test_i18n import LOCALE_DIR, _read, english_sentences

SPANISH_ENV = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "es_ES.UTF-8"}
ENGLISH_ENV = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
COMMANDS = [name.split()[1:] for name, _, _ in commands()]


@pytest.fixture(scope="module")
def spanish() -> Knowledge:
    return load_knowledge(language="es")


def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    return CliRunner().invoke(
        main, list(args), env=env or ENGLISH_ENV, input=input, prog_name="myoguide"
    )


def prose(text: str) -> str:
    """The words of a help page or message, without what is typed as it is in any language:
    option names, ids (``muscle_wasting``), an option's values (``[twitch|spasm]``), the
    metavars and the program's names."""
    text = re.sub(r"\[[^\]\s]*\|[^\]\s]*\]", " ", text)  # [text|markdown|json]
    text = re.sub(r"\S*_\S*|--?[a-z][\w-]*", " ", text)  # ids, --options, -h
    text = re.sub(r"\b[A-Z][A-Z|=\]\[.]+\b", " ", text)  # FILE, PATH|URL, NAME=VALUE
    return text.replace("myoguide", " ")


# --- help ---


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "myoguide")
def test_every_help_page_reads_in_spanish(command: list[str], spanish: Knowledge) -> None:
    done = invoke("--lang", "es", *command, "--help")
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Uso: ")
    assert "\nOpciones:\n" in done.output
    assert "Muestra este mensaje y termina." in done.output
    assert english_sentences(prose(done.output), spanish) == []
    # The check is not vacuous: the same page in English is flagged.
    english = invoke(*command, "--help").output
    assert english_sentences(prose(english), spanish) != []


def test_help_follows_the_environment_and_lang_in_any_order() -> None:
    first = invoke("--lang", "es", "--help").output
    assert "Comandos:" in first and "Muestra la versión y termina." in first
    assert invoke("--help", "--lang", "es").output == first
    assert invoke("--help", env=SPANISH_ENV).output == first
    assert invoke("check", "--help", env=SPANISH_ENV).output == (
        invoke("--lang", "es", "check", "--help").output
    )
    # --lang outranks the environment; LC_ALL=C is English, as for the results.
    assert invoke("--lang", "en", "--help", env=SPANISH_ENV).output == invoke("--help").output
    assert "Options:" in invoke("--help", env={**SPANISH_ENV, "LC_ALL": "C"}).output


def test_english_help_is_as_it_was() -> None:
    shown = invoke("--help").output
    assert shown.startswith("Usage: myoguide [OPTIONS] COMMAND [ARGS]...\n\n  myoguide explains")
    assert "\nOptions:\n  -V, --version  Show the version and exit.\n  --lang CODE  " in shown
    assert "  -h, --help     Show this message and exit.\n\nCommands:\n  check    Check" in shown
    add = invoke("diary", "add", "--help").output
    assert "  --intensity INTEGER RANGE  How strong, 0 to 10.  [0<=x<=10]\n" in add
    assert "A warning sign noticed with it (repeat for more):\n" in add
    report = invoke("diary", "report", "--help").output
    assert "From this day (YYYY-MM-DD); default the first entry." in " ".join(report.split())


def test_the_languages_are_the_knowledges() -> None:
    assert languages() == tuple(knowledge_languages()) == ("en", "es")


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--lang", "es", "--help"], ENGLISH_ENV), (["diary", "add", "--help"], SPANISH_ENV)],
    ids=["--lang es", "LANG=es"],
)
def test_spanish_help_does_not_import_heavy_modules(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", STARTUP_PROBE, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Uso: " in done.stdout


def test_the_version_in_spanish() -> None:
    assert invoke("--version").output.startswith("myoguide, version ")
    assert invoke("--lang", "es", "--version").output.startswith("myoguide, versión ")


# --- click's own words ---


def test_a_required_option_says_so_in_spanish() -> None:
    """click says "[required]" through a variable, which no extraction sees."""
    assert "[required]" in invoke("diary", "report", "--help").output
    spanish = invoke("--lang", "es", "diary", "report", "--help").output
    assert "[obligatorio]" in spanish and "required" not in spanish


CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")
"""The modules whose sentences a person can meet at the terminal (not shell completion, the
editor or Windows consoles, which myoguide does not use)."""
FOR_DEVELOPERS = {
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Unknown color {colour!r}",
    "Choice({choices})",
}
"""click's sentences about mistakes in a program's own code, never shown for what is typed."""


def _click_sentences() -> set[str | tuple[str, ...]]:
    folder = Path(click.__file__).parent
    found: set[str | tuple[str, ...]] = set()
    for module in CLICK_MODULES:
        for _line, message, _comments, _context in extract_from_file(
            "python", str(folder / f"{module}.py")
        ):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_sentence_click_can_show_is_in_the_catalogue() -> None:
    found = _click_sentences()
    assert len(found) > 50, "Babel found too few of click's sentences: has click changed?"
    wanted = {
        key for key in found if (key if isinstance(key, str) else key[0]) not in FOR_DEVELOPERS
    }
    template = {
        m.id if isinstance(m.id, str) else tuple(m.id) for m in _read(LOCALE_DIR / "myoguide.pot")
    }
    assert wanted - template == set(), "list them in src/myoguide/cli/click_words.py"
    spanish = translations("es")
    for key in wanted:
        if isinstance(key, str):
            assert spanish.gettext(key) != key or key == "Error: {message}", key
        else:
            assert spanish.ngettext(key[0], key[1], 2) != key[1], key


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["chek"], "No existe el comando 'chek'. ¿Querías decir 'check'?"),
        (["check", "--formt", "json"], "No existe la opción '--formt'. ¿Querías decir '--format'?"),
        (["check", "--format", "pdf"], "Valor no válido para '--format': 'pdf' no es ninguno de"),
        (["explain"], "Falta un argumento 'ID'."),
        (["explain", "a", "b"], "Sobra un argumento (b)"),
        (["diary", "add", "--intensity", "11"], "11 no está en el intervalo 0<=x<=10."),
        (["diary", "add", "--intensity", "x"], "'x' no es un número válido (integer range)."),
        (["check", "--answers"], "La opción '--answers' necesita un argumento."),
        (["serve", "--trusted-proxy", "nowhere"], "'nowhere' no es una dirección IP ni una red"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_clicks_errors_in_spanish(args: list[str], shown: str, spanish: Knowledge) -> None:
    done = invoke("--lang", "es", *args)
    assert done.exit_code == invoke(*args).exit_code == 2
    assert shown in done.output
    assert "Error: " in done.output
    assert english_sentences(prose(done.output), spanish) == []


def test_clicks_usage_and_hint_in_spanish() -> None:
    assert invoke("--lang", "es", "check", "--formt", "json").output == (
        "Uso: myoguide check [OPTIONS]\nPrueba 'myoguide check --help' para ver la ayuda.\n\n"
        "Error: No existe la opción '--formt'. ¿Querías decir '--format'?\n"
    )


def test_english_errors_are_clicks_own() -> None:
    done = invoke("check", "--formt", "json")
    assert done.output == (
        "Usage: myoguide check [OPTIONS]\nTry 'myoguide check --help' for help.\n\n"
        "Error: No such option '--formt'. Did you mean '--format'?\n"
    )


def test_another_click_program_keeps_its_own_words() -> None:
    """Importing myoguide's commands, even running them in Spanish, leaves another click
    program in click's English: myoguide speaks through click only while it runs."""

    @click.command()
    @click.argument("name")
    def other(name: str) -> None:
        """Not myoguide."""

    assert "Falta un argumento 'ID'." in invoke("--lang", "es", "explain").output
    done = CliRunner().invoke(other, [], env={"LANGUAGE": "es", "LC_ALL": "es_ES.UTF-8"})
    assert done.exit_code == 2
    assert "Usage: other [OPTIONS] NAME" in done.output
    assert "Error: Missing argument 'NAME'." in done.output


# --- myoguide's own errors ---


FHIR_DIARY = "https://myoguide.org/fhir/CodeSystem/diary"
BAD_FILES: dict[str, str] = {
    "episodes.csv": "timestamp,kind,regions,intensity,duration_s,note\n"
    "2026-11-20T08:00+01:00,wiggle,calf,30,,\n2026-11-20,x\n",
    "days.csv": "date,caffeine_cups,sleep_hours,stress,water_glasses,exercise,nicotine,"
    "alcohol_units,custom\n2026-11-20,3,,,,,,,{bad\n2026-11-20,1,,,,,,,\n",
    "header.csv": "date,sleep\n",
    "columns.csv": "date,caffeine_cups,sleep_hours,stress,water_glasses,exercise,nicotine,"
    "alcohol_units,colour\n",
    "bundle.json": json.dumps(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"resource": {"resourceType": "Patient"}},
                {
                    "resource": {
                        "resourceType": "Observation",
                        "status": "preliminary",
                        "code": {"coding": [{"system": FHIR_DIARY, "code": "day"}]},
                        "effectiveDateTime": "2026-11-20T08:00:00+01:00",
                        "note": [{"text": "x"}],
                        "component": [
                            {"code": {"text": "x"}},
                            {"code": {"coding": [{"system": FHIR_DIARY, "code": "custom"}]}},
                        ],
                    }
                },
                {"resource": {"resourceType": "Observation", "status": 5, "code": {}}},
                {},
            ],
        }
    ),
    "not-bundle.json": '{"resourceType": "Patient"}',
    "broken-bundle.json": '{"resourceType": "Bundle", "entry": [}',
    "response.json": json.dumps(
        {
            "resourceType": "QuestionnaireResponse",
            "status": 5,
            "item": [{"linkId": "nope"}],
            "answers": 1,
        }
    ),
    "response-items.json": json.dumps(
        {
            "resourceType": "QuestionnaireResponse",
            "status": "finished",
            "item": [{"linkId": "nope"}, {"linkId": "age", "answer": [{"valueString": "x"}]}],
        }
    ),
    "responses.jsonl": json.dumps({"resourceType": "QuestionnaireResponse", "status": 5})
    + "\n"
    + json.dumps({"resourceType": "QuestionnaireResponse", "status": "x"})
    + "\n",
}
IMPORTS = [
    ("--episodes", "episodes.csv"),
    ("--days", "days.csv"),
    ("--days", "header.csv"),
    ("--days", "columns.csv"),
    ("--fhir", "bundle.json"),
    ("--fhir", "not-bundle.json"),
    ("--fhir", "broken-bundle.json"),
]
ANSWERS = ["response.json", "response-items.json", "responses.jsonl"]
BAD_JSON: dict[str, str] = {
    "Expecting value": "[1, ]",
    "Expecting property name enclosed in double quotes": "{a: 1}",
    "Expecting ':' delimiter": '{"a" 1}',
    "Expecting ',' delimiter": "[1 2]",
    "Unterminated string starting at": '{"a": "x',
    "Invalid control character at": '{"a": "\x01"}',
    "Invalid \\escape": '["\\q"]',
    "Invalid \\uXXXX escape": '["\\u12"]',
    "Extra data": "{} {}",
}
"""Text that is not JSON, by the json module's reason for it."""


def _bad_files(tmp: Path) -> dict[str, Path]:
    for name, text in BAD_FILES.items():
        (tmp / name).write_text(text, encoding="utf-8")
    return {name: tmp / name for name in BAD_FILES}


def _bad_json(tmp: Path) -> dict[str, Path]:
    paths = {}
    for number, (reason, text) in enumerate(BAD_JSON.items()):
        path = tmp / f"not-json-{number}.json"
        path.write_text(text, encoding="utf-8")
        paths[reason] = path
    return paths


def _error_cases(tmp: Path) -> list[tuple[list[str], str | None]]:
    empty = tmp / "empty.json"
    empty.write_text("  \n", encoding="utf-8")
    broken = tmp / "broken.jsonl"
    broken.write_text('{"sensation": "cramping"}\n{"resourceType": oops}\n', encoding="utf-8")
    bad_json = tmp / "bad.json"
    bad_json.write_text("{", encoding="utf-8")
    invalid = tmp / "invalid.json"
    invalid.write_text('{"sensation": "jumpy", "age": -3, "colour": 1}', encoding="utf-8")
    invalid_line = tmp / "invalid.jsonl"
    invalid_line.write_text('{"sensation": "jumping"}\n{"sensation": 5}\n', encoding="utf-8")
    fhir = tmp / "fhir.json"
    fhir.write_text(
        '{"resourceType": "QuestionnaireResponse", "status": "completed",'
        ' "item": [{"linkId": "nope"}, {"linkId": "age", "answer": [{"valueString": "x"}]}]}',
        encoding="utf-8",
    )
    fhir_model = tmp / "fhir-model.json"
    fhir_model.write_text('{"resourceType": "QuestionnaireResponse", "status": 5}', "utf-8")
    fhir_lines = tmp / "fhir.jsonl"
    fhir_lines.write_text(
        fhir.read_text(encoding="utf-8") + "\n" + fhir_model.read_text(encoding="utf-8") + "\n",
        encoding="utf-8",
    )
    db = ["diary", "--db", str(tmp / "diary.sqlite3")]
    files = _bad_files(tmp)
    not_a_database = tmp / "not-a-database.sqlite3"
    not_a_database.write_bytes(b"this is no SQLite file, " * 100)
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/diary"
    return [
        (["diary", "--db", str(not_a_database), "list"], None),
        (["diary", "--db", unreachable, "list"], None),
        *[([*db, "import", option, str(files[name])], None) for option, name in IMPORTS],
        *[(["check", "--answers", str(files[name])], None) for name in ANSWERS],
        *[(["check", "--answers", str(path)], None) for path in _bad_json(tmp).values()],
        (["check", "--answers", str(tmp / "missing.json")], None),
        (["check", "--answers", str(tmp)], None),
        ([*db, "export", "--episodes", str(tmp)], None),
        ([*db, "report", "--pdf", str(tmp / "empty.json" / "r.pdf")], None),
        (["check", "--answers", str(fhir)], None),
        (["check", "--answers", str(fhir_model)], None),
        (["check", "--answers", str(fhir_lines)], None),
        (["check", "--answers", str(invalid)], None),
        (["check", "--answers", str(invalid_line)], None),
        (
            [
                *db,
                "add",
                "--kind",
                "spasm",
                "--where",
                "calf",
                "--intensity",
                "3",
                "--note",
                "x" * 5000,
            ],
            None,
        ),
        (["check", "--text", "a", "--answers", "b"], None),
        (["check", "--text", "a", "--all-questions"], None),
        (["check", "--answers", str(empty)], None),
        (["check", "--answers", str(bad_json)], None),
        (["check", "--answers", str(broken)], None),
        (["parse"], None),
        (["parse", "--text", "x" * 20_000], None),
        (["parse", "--text", "cramp", "--today", "Tuesday"], None),
        (["parse", "--file", str(empty)], None),
        (["explain", "cafeine"], None),
        (["explain", "nothing-like-it"], None),
        ([*db, "edit", "99", "--note", "x"], None),
        ([*db, "delete", "99"], None),
        ([*db, "erase"], None),
        ([*db, "day"], None),
        ([*db, "day", "someday", "--sleep", "7"], None),
        ([*db, "day", "2999-01-01", "--sleep", "7"], None),
        ([*db, "day", "--custom", "screen_hours"], None),
        ([*db, "day", "--custom", "screen_hours=lots"], None),
        ([*db, "add"], None),
        ([*db, "add", "--kind", "spasm", "--intensity", "3"], None),
        ([*db, "add", "--where", "leg", "--kind", "spasm", "--intensity", "3"], None),
        ([*db, "add", "--where", "elbow", "--kind", "spasm", "--intensity", "3"], None),
        ([*db, "add", "--duration", "long"], None),
        ([*db, "add", "--at", "soon"], None),
        ([*db, "add", "--at", "2999-01-01T08:00+00:00"], None),
        ([*db, "edit", "1", "--no-warning-signs", "--warning-sign", "fever"], None),
        ([*db, "list", "--from", "0001-01-01"], None),
        ([*db, "import"], None),
        ([*db, "export"], None),
        (
            [
                *db,
                "report",
                "--pdf",
                str(tmp / "r.pdf"),
                "--from",
                "2026-02-01",
                "--to",
                "2026-01-01",
            ],
            None,
        ),
        ([*db, "report", "--pdf", str(tmp / "no" / "r.pdf")], None),
        (["--lang", "xx", "topics"], None),
    ]


def test_every_error_of_ours_in_spanish(tmp_path: Path, spanish: Knowledge) -> None:
    db = tmp_path / "diary.sqlite3"
    assert (
        invoke(
            "diary",
            "--db",
            str(db),
            "add",
            "--kind",
            "twitch",
            "--where",
            "calf",
            "--intensity",
            "2",
        ).exit_code
        == 0
    )
    for args, typed in _error_cases(tmp_path):
        english = invoke(*args, input=typed)
        done = invoke(*args, input=typed, env=SPANISH_ENV)
        assert english.exit_code == done.exit_code == 2, (args, english.output, done.output)
        assert "Traceback" not in done.output
        assert done.output != english.output, args
        assert english_sentences(prose(done.output), spanish) == [], (args, done.output)


def test_errors_name_the_same_things_in_both_languages(tmp_path: Path) -> None:
    english = invoke("explain", "cafeine").output
    spanish = invoke("--lang", "es", "explain", "cafeine").output
    assert english == (
        "myoguide: error: ID: no knowledge entry is called 'cafeine'. Did you mean: caffeine, "
        "mayo_caffeine, limit_caffeine? "
        "Run 'myoguide topics' to list them.\n"
    )
    assert spanish == (
        "myoguide: error: ID: no hay ninguna entrada llamada 'cafeine'. ¿Querías decir: caffeine, "
        "mayo_caffeine, limit_caffeine? "
        "Usa 'myoguide topics' para verlas todas.\n"
    )
    both = invoke("check", "--text", "a", "--answers", "b").output
    assert (
        both == "myoguide: error: --text and --answers cannot be used together: give one of them\n"
    )


def test_the_json_modules_reasons_in_spanish(tmp_path: Path) -> None:
    """English keeps the json module's own words; Spanish says each in its own."""
    spanish_reasons = set()
    for reason, path in _bad_json(tmp_path).items():
        english = invoke("check", "--answers", str(path))
        spanish = invoke("--lang", "es", "check", "--answers", str(path))
        assert english.output == f"myoguide: error: --answers: not valid JSON: {reason} (line 1)\n"
        assert spanish.output.startswith("myoguide: error: --answers: no es JSON válido: ")
        assert reason.split()[0] not in spanish.output, spanish.output
        spanish_reasons.add(spanish.output)
    assert len(spanish_reasons) == len(BAD_JSON)
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"sensation": "jumping"}\n{"resourceType": oops}\n', encoding="utf-8")
    said = invoke("--lang", "es", "check", "--answers", str(batch)).output
    assert "línea 2: no es JSON válido: aquí falta un valor" in said
    bundle = invoke("--lang", "es", "diary", "--db", str(tmp_path / "d"), "import", "--fhir", "-")
    assert "Expecting" not in bundle.output


def test_a_reason_the_json_module_may_give_one_day_is_said_in_general() -> None:
    from myoguide.errors import json_reason

    error = json.JSONDecodeError("Something new", '{"a": 1', 3)
    assert json_reason(error) == "Something new"
    assert json_reason(error, "es") == "no es JSON válido en la línea 1, columna 4"
    python_decoder = json.JSONDecodeError("Invalid \\escape: 'q'", '["\\q"]', 2)
    assert json_reason(python_decoder, "es").startswith("un texto entre comillas")


def test_the_systems_reasons_in_spanish(tmp_path: Path) -> None:
    """The operating system's words (strerror) stay in English, and are said in Spanish."""
    missing, folder, file = str(tmp_path / "missing.json"), str(tmp_path), tmp_path / "a-file"
    file.write_text("", encoding="utf-8")
    cases = [
        (["check", "--answers", missing], "No such file or directory", "no existe ese archivo"),
        (["check", "--answers", folder], "Is a directory", "es una carpeta, no un archivo"),
        (["check", "--answers", f"{missing}/x"], "No such file or directory", "no existe"),
        (["check", "--answers", "x" * 300], "File name too long", "demasiado largo"),
    ]
    db = ["diary", "--db", str(tmp_path / "diary.sqlite3")]
    cases += [
        ([*db, "import", "--days", missing], "No such file or directory", "no existe ese"),
        ([*db, "export", "--days", folder], "Is a directory", "es una carpeta, no un archivo"),
        ([*db, "report", "--pdf", f"{file}/r.pdf"], "Not a directory", "no es una carpeta"),
    ]
    for args, english, spanish in cases:
        said = invoke(*args)
        assert said.exit_code == 2 and english in said.output, (args, said.output)
        said = invoke("--lang", "es", *args)
        assert said.exit_code == 2 and spanish in said.output, (args, said.output)
        assert english not in said.output
    not_utf8 = tmp_path / "latin1.json"
    not_utf8.write_bytes(b'{"note": "\xe9"}')
    said = invoke("--lang", "es", "check", "--answers", str(not_utf8)).output
    assert said.endswith(": no es texto UTF-8\n") and "codec" not in said


def test_an_error_number_without_words_of_ours_is_still_said_in_spanish() -> None:
    import errno

    from myoguide.errors import os_reason

    error = OSError(errno.ENOLINK, os.strerror(errno.ENOLINK))
    assert os_reason(error) == os.strerror(errno.ENOLINK)
    assert os_reason(error, "es") == "el sistema no lo permitió (ENOLINK)"


def test_import_problems_in_spanish_name_the_same_places(
    tmp_path: Path, spanish: Knowledge
) -> None:
    files = _bad_files(tmp_path)
    db = ["diary", "--db", str(tmp_path / "diary.sqlite3")]
    for option, name in IMPORTS:
        english = invoke(*db, "import", option, str(files[name])).output.splitlines()
        said = invoke("--lang", "es", *db, "import", option, str(files[name])).output.splitlines()
        assert len(said) == len(english) > 1
        for line, meant in zip(said[1:], english[1:], strict=True):
            assert line != meant
            assert (
                line.split(":")[0].replace("línea", "line").replace("columna", "column")
                == (meant.split(":")[0])
            )
        assert english_sentences(prose("\n".join(said)), spanish) == [], said
    csv = invoke("--lang", "es", *db, "import", "--days", str(files["days.csv"])).output
    assert "línea 2, columna custom: no es un objeto JSON" in csv
    assert "línea 3, columna date: 2026-11-20 ya está en la línea 2" in csv


def test_erase_counts_in_both_languages(tmp_path: Path) -> None:
    db = ["diary", "--db", str(tmp_path / "diary.sqlite3")]
    for language, none, one in [
        ("en", "Erased 0 episodes and 0 days.", "Erased 1 episode and 1 day."),
        ("es", "Has borrado 0 episodios y 0 días.", "Has borrado 1 episodio y 1 día."),
    ]:
        assert invoke("--lang", language, *db, "erase", "--yes").output == none + "\n"
        invoke(*db, "add", "--kind", "twitch", "--where", "calf", "--intensity", "2")
        invoke(*db, "day", "2026-11-20", "--sleep", "7")
        assert invoke("--lang", language, *db, "erase", "--yes").output == one + "\n"
    invoke(*db, "day", "2026-11-20", "--sleep", "7")
    invoke(*db, "day", "2026-11-21", "--sleep", "7")
    assert invoke(*db, "erase", "--yes").output == "Erased 0 episodes and 2 days.\n"


def test_a_factor_of_your_own_is_said_as_the_built_in_ones(tmp_path: Path) -> None:
    db = ["diary", "--db", str(tmp_path / "diary.sqlite3")]
    custom = ["--custom", "period=yes", "--custom", "gym=no", "--custom", "screen_hours=6.5"]
    saved = invoke(*db, "day", "2026-11-20", "--nicotine", *custom).output
    assert saved == ("Saved 2026-11-20: nicotine yes, period yes, gym no, screen_hours 6.5\n"), (
        saved
    )
    listed = invoke("--lang", "es", *db, "list").output
    assert "2026-11-20  nicotina sí, period sí, gym no, screen_hours 6,5" in listed
    assert "True" not in listed and "False" not in listed


# --- the diary's replies ---


def test_replies_read_spanish_words_and_still_english_ones() -> None:
    assert read_kind("Calambre", "es") == read_kind("cramp", "es") == "spasm"
    assert read_kind("sacudida", "es") == "twitch"
    assert read_region("pantorrilla izquierda", "es") == "calf"
    assert read_region("Párpado", "es") == read_region("parpado", "es") == "eyelid"
    assert read_region("la zona lumbar", "es") == "lower_back"
    assert read_region("left calf", "es") == "calf"
    assert read_regions("pantorrilla y pies, muslo", "es") == ["calf", "foot", "thigh"]
    assert read_scale("7 de 10", "es") == read_scale("7 Sobre 10", "es") == 7
    assert read_scale("7 out of 10", "es") == read_scale("7/10", "es") == 7
    assert read_amount("6,5", most=24, language="es") == 6.5
    assert read_exercise("mucho", "es") == read_exercise("a lot", "es") == "heavy"
    assert read_yes_no("Sí", "es") is True and read_yes_no("no", "es") is False
    assert places("es")[:2] == ["párpado", "cara"]


def test_a_score_in_english_takes_the_english_words() -> None:
    assert read_scale("7 out of 10") == read_scale("7 of 10") == read_scale("7 / 10") == 7
    with pytest.raises(ReplyError, match="give a whole number from 0 to 10"):
        read_scale("7 de 10")


def test_the_diary_takes_now_in_spanish(tmp_path: Path) -> None:
    db = str(tmp_path / "diary.sqlite3")
    added = ["diary", "--db", db, "add", "--kind", "spasm", "--where", "calf", "--intensity", "3"]
    assert invoke("--lang", "es", *added, "--at", "ahora").exit_code == 0
    assert invoke(*added, "--at", "now").exit_code == 0
    refused = invoke("--lang", "es", *added, "--at", "luego")
    assert refused.exit_code == 2 and "'ahora'" in refused.output


def test_a_reply_that_cannot_be_read_says_why_in_its_language() -> None:
    with pytest.raises(ReplyError, match=r"^'pierna': ¿qué parte\? Escribe muslo, rodilla"):
        read_region("pierna", "es")
    with pytest.raises(ReplyError, match=r"^'codo' no es un sitio de la lista: párpado, cara"):
        read_region("codo", "es")
    with pytest.raises(ReplyError, match=r"^escribe sacudida o espasmo"):
        read_kind("algo", "es")
    # In English, Spanish words are not taken and the reasons stay as they were (the web
    # forms translate these messages themselves).
    with pytest.raises(ReplyError, match=r"^'calambre' is not a place on the list: eyelid"):
        read_region("calambre")
    with pytest.raises(ReplyError, match=r"^type twitch, or spasm"):
        read_kind("calambre")
    with pytest.raises(ReplyError, match=r"^give a whole number from 0 to 10, for example 7$"):
        read_scale("siete")


def _at_terminal(db: Path, *args: str, typed: str) -> subprocess.CompletedProcess[str]:
    """`myoguide diary` in Spanish with a terminal as its standard input."""
    return run_at_terminal(db, *args, typed=typed, env=SPANISH_ENV)


def _listed(db: Path) -> dict[str, list[dict[str, object]]]:
    done = invoke("diary", "--db", str(db), "list", "--format", "json")
    assert done.exit_code == 0, done.output
    listed: dict[str, list[dict[str, object]]] = json.loads(done.output)
    return listed


def test_the_diary_asks_in_spanish_and_takes_spanish_replies(
    tmp_path: Path, spanish: Knowledge
) -> None:
    db = tmp_path / "diary.sqlite3"
    typed = "calambre\npierna\npantorrilla izquierda y pie\nsiete\n7 de 10\n2, 99\n12\n"
    added = _at_terminal(db, "add", typed=typed)
    assert added.returncode == 0, added.stderr
    asked = added.stdout
    assert "¿Sacudida o espasmo (un calambre es un espasmo)?" in asked
    assert "Sitios: párpado, cara, cuello" in asked
    assert "'pierna': ¿qué parte? Escribe muslo, rodilla, pantorrilla o pie" in asked
    assert "'99' no está en la lista: escribe números del 1 al 13" in asked
    assert "  12. Fiebre" in asked
    assert "Episodio 1 añadido: " in asked and "espasmo en pantorrilla, pie, intensidad 7" in asked
    assert "Por qué:" in asked  # a fever: the check's triage, in Spanish too
    assert english_sentences(prose(asked), spanish) == []
    [episode] = _listed(db)["episodes"]
    assert (episode["kind"], episode["regions"], episode["intensity"]) == (
        "spasm",
        ["calf", "foot"],
        7,
    )
    assert episode["warning_signs"] == ["fever"]

    day = _at_terminal(db, "day", "2026-11-01", typed="6,5\n3 tazas\n4\n\nmucho\nsí\n\n\n")
    assert day.returncode == 0, day.stderr
    assert "¿Horas de sueño anoche?" in day.stdout and "¿Nicotina (sí o no)?" in day.stdout
    [logged] = _listed(db)["days"]
    assert (logged["sleep_hours"], logged["caffeine_cups"], logged["stress"]) == (6.5, 3, 4)
    assert (logged["exercise"], logged["nicotine"], logged["water_glasses"]) == (
        "heavy",
        True,
        None,
    )

    assert english_sentences(prose(day.stdout), spanish) == []
    listed = invoke("--lang", "es", "diary", "--db", str(db), "list").output
    assert "2026-11-01  cafeína 3, sueño 6,5, estrés 4, ejercicio intenso, nicotina sí" in listed
    assert english_sentences(prose(listed), spanish) == []

    kept = _at_terminal(db, "delete", "1", typed="quizá\nno\n")
    assert "[s/N]: Error: respuesta no válida" in kept.stdout
    assert kept.returncode == 1 and "¡Cancelado!" in kept.stderr
    deleted = _at_terminal(db, "delete", "1", typed="s\n")
    assert deleted.returncode == 0, deleted.stderr
    assert _listed(db)["episodes"] == []


def test_warning_sign_ids_in_help_are_the_models() -> None:
    """The help lists the ids as they are typed, in every language."""
    shown = " ".join(invoke("--lang", "es", "diary", "add", "--help").output.split())
    assert ", ".join(WARNING_SIGNS) in shown


def test_a_file_that_is_not_json_is_said_without_the_parser_s_english(tmp_path: Path) -> None:
    """Python's JSON parser words its reason in English ("Expecting property name…"):
    another language says the same reason in its own words."""
    broken = tmp_path / "broken.json"
    broken.write_text('{"sensation": "jumping", oops}', encoding="utf-8")
    english = invoke("check", "--answers", str(broken))
    assert english.output == (
        "myoguide: error: --answers: not valid JSON: Expecting property name enclosed in"
        " double quotes (line 1)\n"
    )
    spanish = invoke("--lang", "es", "check", "--answers", str(broken))
    assert spanish.exit_code == 2
    assert spanish.output == (
        "myoguide: error: --answers: no es JSON válido: aquí debería ir el nombre de un campo"
        " entre comillas dobles (línea 1)\n"
    )
