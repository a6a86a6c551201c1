"""A third language is a translation away, not a rewrite: a copy of the installed package
given a pseudo language, "fr" made of the Spanish files (knowledge overlay, catalogue,
lexicon and grammar), speaks it in the command line, the pages, the JSON API (its errors
too), FHIR and the diary's replies with no change to the code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import myoguide
from myoguide.knowledge import data_dir

EYELID_TWITCH = {
    "sensation": "jumping",
    "locations": ["eyelid"],
    "factors": {"caffeine_cups_per_day": 6},
}
NEW = "fr"
MODEL = "es"
TEXT = "Me tiembla el párpado desde hace dos semanas y tomo seis cafés al día"
TODAY = "2026-12-01"
READ = {
    "sensation": "jumping",
    "locations": ["eyelid"],
    "history_days": 14,
    "factors": {"caffeine_cups_per_day": 6.0},
    "medical": {},
}
"""What the Spanish reader reads in TEXT, so what the pseudo language's reader must."""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a copy of the package with the pseudo language added: files only."""
    root = tmp_path_factory.mktemp("third-language")
    copy = root / "myoguide"
    shutil.copytree(Path(myoguide.__file__).parent, copy)
    data = copy / data_dir().relative_to(Path(myoguide.__file__).parent)
    shutil.copytree(data / MODEL, data / NEW)
    # A page of the overlay's own is a page in its language: here, the Spanish ones are "fr".
    sources = data / NEW / "sources.yaml"
    said = sources.read_text(encoding="utf-8")
    sources.write_text(said.replace(f"language: {MODEL}", f"language: {NEW}"), "utf-8")
    for kind in ("lexicon", "grammar"):
        shutil.copyfile(data / f"{kind}.{MODEL}.yaml", data / f"{kind}.{NEW}.yaml")
    messages = copy / "locale" / NEW / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = copy / "locale" / MODEL / "LC_MESSAGES" / "myoguide.po"
    with po.open("rb") as source:
        catalogue = read_po(source, locale=NEW)
    with (messages / "myoguide.mo").open("wb") as target:
        write_mo(target, catalogue)
    return root


def run(package: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, PYTHONPATH=str(package), PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


VERSION = re.compile(r"\b\d+\.\d+\.\d+\+[0-9a-f]{8}\b")
CLI = "from myoguide.cli import main; main(prog_name='myoguide')"


def test_the_command_line_speaks_the_new_language(package: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(EYELID_TWITCH), encoding="utf-8")
    said = {
        code: run(package, "-c", CLI, "--lang", code, "check", "--answers", str(answers))
        for code in ("en", MODEL, NEW)
    }
    for done in said.values():
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    # The same words; the knowledge version differs, as the sources' languages do.
    text = {code: VERSION.sub("VERSION", done.stdout) for code, done in said.items()}
    assert text[NEW] == text[MODEL] != text["en"]
    parsed = run(package, "-c", CLI, "parse", "--language", NEW, "--text", TEXT, "--today", TODAY)
    assert parsed.returncode == 0, parsed.stderr
    assert json.loads(parsed.stdout)["answers"] == READ


WEB = """
import json, re, sys
from fastapi.testclient import TestClient
import myoguide
from myoguide.diary.replies import read_scale
from myoguide.web.app import create_app

given = json.loads(sys.argv[1])
assert myoguide.__file__.startswith(given["package"]), myoguide.__file__
client = TestClient(create_app(), base_url="https://testserver")
out = {}
for code in given["languages"]:
    asked = {"Accept-Language": code}
    home = client.get("/", headers=asked)
    switch = re.search(r'<nav class="language-switch".*?</nav>', home.text, re.S)
    result = client.post("/api/v1/assessments", json=given["answers"], headers=asked)
    text = {"text": given["text"], "today": given["today"], "language": code}
    parsed = client.post("/api/v1/parse", json=text)
    wrong = client.post("/api/v1/assessments", json=given["wrong"], headers=asked)
    fhir = client.get("/fhir/Questionnaire/myoguide", headers=asked)
    out[code] = {
        "home": [home.status_code, home.headers.get("content-language"),
                 re.search(r'<html lang="([a-z]+)">', home.text)[1],
                 switch[0] if switch else ""],
        "result": [result.status_code, result.headers.get("content-language"), result.json()],
        "parsed": [parsed.status_code, parsed.json()],
        "wrong": [wrong.status_code, wrong.headers.get("content-language"), wrong.json()],
        "fhir": [fhir.status_code, fhir.headers.get("content-language"), fhir.json()],
        "scale": read_scale(given["scale"], code),
    }
schema = client.get("/openapi.json").json()["components"]["schemas"]["ParseIn"]
out["enum"] = schema["properties"]["language"]["enum"]
print(json.dumps(out))
"""
"""Asks the app of the package on PYTHONPATH for its home page, an assessment, a parse, a
refused assessment and the FHIR Questionnaire in each language given, reads a diary score
in it, and prints what it answered."""


def words(value: object) -> object:
    """What a result says, the knowledge version and the pages' language code left aside."""
    said = VERSION.sub("VERSION", json.dumps(value, ensure_ascii=False))
    return json.loads(said.replace(f'"language": "{NEW}"', f'"language": "{MODEL}"'))


def test_the_pages_and_the_api_speak_the_new_language(package: Path) -> None:
    given = {
        "package": str(package),
        "languages": [MODEL, NEW],
        "answers": EYELID_TWITCH,
        "text": TEXT,
        "today": TODAY,
        "wrong": {"sensation": "wiggly"},
        "scale": "7 de 10",
    }
    done = run(package, "-c", WEB, json.dumps(given))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["enum"] == ["en", MODEL, NEW]
    status, content_language, html_lang, switch = out[NEW]["home"]
    assert (status, content_language, html_lang) == (200, NEW, NEW)
    assert '<span aria-current="true" lang="fr">Français</span>' in switch
    assert 'hreflang="es" lang="es">Español</a>' in switch
    assert 'hreflang="en" lang="en">English</a>' in switch
    status, content_language, result = out[NEW]["result"]
    assert (status, content_language) == (200, NEW)
    assert words(result) == words(out[MODEL]["result"][2]), "the Spanish words, as the new one"
    assert out[NEW]["parsed"] == out[MODEL]["parsed"]
    assert out[NEW]["parsed"][0] == 200
    assert out[NEW]["parsed"][1]["answers"] == READ
    status, content_language, refused = out[NEW]["wrong"]
    assert (status, content_language) == (422, NEW)
    assert refused == out[MODEL]["wrong"][2] != {}, "the Spanish reason, as the new one's"
    assert refused["detail"][0]["field"] == "sensation"
    status, content_language, questionnaire = out[NEW]["fhir"]
    assert (status, content_language, questionnaire["language"]) == (200, NEW, NEW)
    assert words(questionnaire) == words(out[MODEL]["fhir"][2])
    assert out[NEW]["scale"] == out[MODEL]["scale"] == 7


def test_without_the_files_the_language_is_not_offered() -> None:
    done = run(Path(myoguide.__file__).parent.parent, "-c", CLI, "--lang", NEW, "check")
    assert done.returncode == 2
    assert "--lang" in done.stderr and "Traceback" not in done.stderr
