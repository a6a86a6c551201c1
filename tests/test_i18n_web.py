"""The web pages in Spanish: chosen by the switch (a link and a cookie holding only the
language) or by Accept-Language, `<html lang>` right, no English sentence left on the reading
pages, the full form and its results; English as before."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from myoguide import Knowledge, load_knowledge
from myoguide.engine import default_engine
from myoguide.web import create_app

from .test_i18n import english_sentences
from .test_safety import form_of
from .test_vignettes import CASES

SPANISH = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}
READING_PAGES = [
    "/",
    "/topics",
    "/sources",
    "/check/all",
    "/docs",
    "/no-such-page",
    "/topics/no-such-topic",
]
HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


class _Text(HTMLParser):
    """A page's readable text, leaving out what is marked as another language (verbatim
    English quotes, the switch's "English") and what is not read (scripts, styles)."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.skipping: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "input", "meta", "link", "img", "hr"}:
            return
        lang = dict(attrs).get("lang")
        if self.skipping or tag in {"script", "style"} or (lang and lang != self.language):
            self.skipping.append(tag)
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def page_text(page: str, language: str = "es") -> str:
    parser = _Text(language)
    parser.feed(page)
    return "".join(parser.parts)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture(scope="module")
def spanish() -> Knowledge:
    return load_knowledge(language="es")


def topics_ids(knowledge: Knowledge) -> set[str]:
    return {topic.id for topic in knowledge.topics}


def _paths(spanish: Knowledge) -> list[str]:
    topics = [f"/topics/{topic.id}" for topic in spanish.topics]
    entries = [f"/knowledge/{i}" for i in spanish.entry_ids() if i not in topics_ids(spanish)]
    return READING_PAGES + topics + entries


def test_every_reading_page_is_in_spanish_by_accept_language(
    client: TestClient, spanish: Knowledge
) -> None:
    found: list[tuple[str, str]] = []
    for path in _paths(spanish):
        response = client.get(path, headers=SPANISH)
        assert response.status_code in {200, 404}, path
        assert HTML_LANG.search(response.text)[1] == "es", path  # type: ignore[index]
        assert response.headers["content-language"] == "es", path
        assert "Accept-Language" in response.headers["vary"], path
        found += [(path, s) for s in english_sentences(page_text(response.text), spanish)]
    assert found == []


def test_the_check_finds_english_on_the_english_pages(client: TestClient) -> None:
    """The check above is not vacuous: the same pages in English are flagged."""
    english = load_knowledge()
    for path in READING_PAGES[:4]:
        page = client.get(path).text
        assert len(english_sentences(page_text(page, "en"), english)) >= 3, path


@pytest.mark.parametrize("case", CASES[::6], ids=[case["id"] for case in CASES[::6]])
def test_results_of_the_full_form_are_in_spanish(
    client: TestClient, spanish: Knowledge, case: dict[str, object]
) -> None:
    answers = case["answers"]
    assert isinstance(answers, dict)
    response = client.post("/check", data=form_of(answers), headers=SPANISH)
    assert response.status_code == 200
    assert HTML_LANG.search(response.text)[1] == "es"  # type: ignore[index]
    assert english_sentences(page_text(response.text), spanish) == []
    result = default_engine("es").assess(answers)
    assert html.escape(result.triage.action, quote=False) in response.text
    if result.triage.level == "emergency":
        assert "112" in response.text and "911" in response.text


def test_a_reply_that_cannot_be_read_is_named_in_spanish(client: TestClient) -> None:
    response = client.post("/check", data={"sensation": "jumping", "age": "old"}, headers=SPANISH)
    assert response.status_code == 422
    assert "Revisa estas respuestas" in response.text
    problem = re.search(r'<p class="error" id="error-age">([^<]*)</p>', response.text)
    assert problem and english_sentences(problem[1], load_knowledge(language="es")) == []


def test_the_switch_is_a_plain_link_that_sets_a_cookie_holding_only_the_language() -> None:
    client = TestClient(create_app(), base_url="https://testserver")
    home = client.get("/")
    assert HTML_LANG.search(home.text)[1] == "en"  # type: ignore[index]
    switch = re.search(r'<a href="(\?lang=es)" hreflang="es" lang="es">Español</a>', home.text)
    assert switch, "the switch is a link, no script needed"
    chosen = client.get("/" + switch[1])
    assert HTML_LANG.search(chosen.text)[1] == "es"  # type: ignore[index]
    cookie = chosen.headers["set-cookie"]
    name, _, rest = cookie.partition(";")
    assert name == "__Host-myoguide_lang=es"
    attributes = {a.strip().split("=")[0].lower() for a in rest.split(";") if a.strip()}
    assert attributes == {"httponly", "max-age", "path", "samesite", "secure"}
    assert "Path=/" in cookie and "SameSite=lax" in cookie
    # Remembered: the next page, with no header and no query, is in Spanish...
    assert HTML_LANG.search(client.get("/sources").text)[1] == "es"  # type: ignore[index]
    # ...over what the browser asks for, and back to English by the same switch.
    assert 'lang="es"' in client.get("/topics", headers={"Accept-Language": "en"}).text[:40]
    english = client.get("/?lang=en")
    assert HTML_LANG.search(english.text)[1] == "en"  # type: ignore[index]
    assert english.headers["set-cookie"].startswith("__Host-myoguide_lang=en;")


def test_a_language_we_do_not_have_is_ignored(client: TestClient) -> None:
    for query, cookie in [("?lang=fr", None), ("", "xx")]:
        fresh = TestClient(create_app(), base_url="https://testserver") if cookie else client
        if cookie:
            fresh.cookies.set("__Host-myoguide_lang", cookie)
        response = fresh.get("/" + query)
        assert HTML_LANG.search(response.text)[1] == "en"  # type: ignore[index]
        assert "set-cookie" not in response.headers


def test_english_pages_are_as_before(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["content-language"] == "en"
    assert "Muscle twitches and spasms, explained" in page.text
    assert "In an emergency call 999 (UK), 911 (US) or 112 (EU)." in page.text
    assert "set-cookie" not in page.headers


def test_seed_quotes_stay_verbatim_and_marked(client: TestClient) -> None:
    page = client.get("/knowledge/caffeine", headers=SPANISH).text
    quotes = re.findall(r'<blockquote lang="en">(.*?)</blockquote>', page, re.S)
    assert quotes and all("(cita en inglés)" in quote for quote in quotes)


# --- the diary ---

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def diary(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """A person with a diary, reading it in Spanish (the switch's cookie)."""
    from myoguide.diary.store import DiaryStore

    store = DiaryStore.open(str(tmp_path_factory.mktemp("diary") / "es.sqlite3"))
    client = TestClient(create_app(store=store), base_url="https://testserver")
    client.get("/?lang=es")
    token = CSRF_INPUT.search(client.get("/diary/register").text)[1]  # type: ignore[index]
    form = {"csrf_token": token, "name": "ana", "password": "caballo correcto batería"}
    assert client.post("/diary/register", data=form).status_code == 200
    token = CSRF_INPUT.search(client.get("/diary").text)[1]  # type: ignore[index]
    episode = {
        "csrf_token": token,
        "kind": "twitch",
        "regions": ["eyelid"],
        "intensity": "4",
        "at": "2026-11-20T08:30",
        "duration_min": "1.5",
        "warning_signs": ["weakness"],
    }
    assert client.post("/diary/episodes", data=episode).status_code == 200
    day = {"csrf_token": token, "sleep_hours": "6,5", "caffeine_cups": "5", "exercise": "light"}
    assert client.post("/diary/days/2026-11-20", data=day).status_code == 200
    client.headers["x-csrf"] = token
    return client


DIARY_PAGES = [
    "/diary",
    "/diary/triggers",
    "/diary/episodes",
    "/diary/days/2026-11-20",
    "/diary/account",
    "/diary/episodes/1/edit",
    "/diary/episodes/1/delete",
    "/diary/episodes/999/edit",
]


@pytest.mark.parametrize("path", DIARY_PAGES)
def test_diary_pages_are_in_spanish(diary: TestClient, spanish: Knowledge, path: str) -> None:
    response = diary.get(path)
    assert response.status_code in {200, 404}
    assert HTML_LANG.search(response.text)[1] == "es"  # type: ignore[index]
    assert response.headers["content-language"] == "es"
    assert english_sentences(page_text(response.text), spanish) == []


def test_the_diary_writes_dates_and_numbers_the_spanish_way(diary: TestClient) -> None:
    day = diary.get("/diary/days/2026-11-20").text
    assert "20 de noviembre de 2026" in day
    assert "Tu día" in day
    episodes = diary.get("/diary/episodes").text
    assert "1 episodio anotado." in episodes
    assert "vie 20 nov 2026, 08:30" in episodes
    assert "1,5 min" in episodes and "debilidad muscular" in episodes


def test_the_triage_of_a_diary_episode_is_in_spanish(diary: TestClient, spanish: Knowledge) -> None:
    page = diary.get("/diary?saved=episode&episode=1").text
    banner = page.split('id="triage"', 1)[1].split("</div>", 1)[0]
    assert "Anotaste:" in banner
    assert english_sentences(page_text(banner), spanish) == []


def test_a_diary_forms_problems_are_in_spanish(diary: TestClient) -> None:
    token = diary.headers["x-csrf"]
    form = {"csrf_token": token, "regions": ["eyelid"], "intensity": "4"}
    response = diary.post("/diary/episodes", data=form)
    assert response.status_code == 422
    assert "Elige sacudida o espasmo." in response.text
    response = diary.post("/diary/episodes", data={**form, "kind": "twitch", "duration_min": "x"})
    assert "Escribe la duración en minutos, con un número." in response.text


@pytest.mark.parametrize("path", ["/diary/register", "/diary/login"])
def test_the_diarys_account_forms_are_in_spanish(spanish: Knowledge, path: str) -> None:
    client = TestClient(create_app(), base_url="https://testserver")
    page = client.get(path, headers=SPANISH)
    assert HTML_LANG.search(page.text)[1] == "es"  # type: ignore[index]
    assert english_sentences(page_text(page.text), spanish) == []


def _account_form(client: TestClient, path: str) -> dict[str, str]:
    token = CSRF_INPUT.search(client.get(path).text)[1]  # type: ignore[index]
    return {"csrf_token": token}


@pytest.mark.parametrize(
    ("path", "sent", "status", "spanish_message", "english_message"),
    [
        (
            "/diary/register",
            {"name": "ana", "password": "caballo correcto batería"},
            422,
            "El nombre &#39;ana&#39; ya está en uso; elige otro.",
            "The name &#39;ana&#39; is taken; choose another.",
        ),
        (
            "/diary/register",
            {"name": "admin", "password": "caballo correcto batería"},
            422,
            "El nombre &#39;admin&#39; está reservado; elige otro.",
            "The name &#39;admin&#39; is reserved; choose another.",
        ),
        (
            "/diary/register",
            {"name": "x", "password": "caballo correcto batería"},
            422,
            "El nombre de usuario tiene de 3 a 40 caracteres",
            "A user name has 3 to 40 characters",
        ),
        (
            "/diary/register",
            {"name": "berta", "password": "corta"},
            422,
            "La contraseña necesita al menos 10 caracteres",
            "A password needs at least 10 characters",
        ),
        (
            "/diary/register",
            {"name": "berta", "password": "berta caballo azul"},
            422,
            "La contraseña no puede llevar dentro tu nombre de usuario.",
            "A password must not contain your user name.",
        ),
        (
            "/diary/register",
            {"name": "berta", "password": "1234567890"},
            422,
            "Esa contraseña es un patrón sencillo (como aaaa o 1234)",
            "That password is a simple pattern (like aaaa or 1234)",
        ),
        (
            "/diary/register",
            {"name": "berta", "password": "password2024!"},
            422,
            "Esa contraseña está en una lista de contraseñas comunes o filtradas.",
            "That password is on a list of common or leaked passwords.",
        ),
        (
            "/diary/login",
            {"name": "ana", "password": "no es la buena"},
            401,
            "Ese nombre y esa contraseña no coinciden con ninguna cuenta.",
            "That name and password do not match an account.",
        ),
        (
            "/diary/login",
            {"name": "an\x00a", "password": "no es la buena"},
            422,
            "El nombre de usuario: tiene un carácter NUL",
            "The user name holds a NUL character",
        ),
    ],
)
def test_an_account_refused_is_told_why_in_spanish(
    diary: TestClient,
    spanish: Knowledge,
    path: str,
    sent: dict[str, str],
    status: int,
    spanish_message: str,
    english_message: str,
) -> None:
    """A name taken, a weak password, a failed login: said in the page's language, and in
    English as before."""
    for language, message in [("es", spanish_message), ("en", english_message)]:
        client = TestClient(diary.app, base_url="https://testserver")
        client.get(f"/?lang={language}")
        response = client.post(path, data={**_account_form(client, path), **sent})
        assert response.status_code == status
        assert message in response.text
        if language == "es":
            assert english_sentences(page_text(response.text), spanish) == []


def test_too_many_attempts_is_said_in_spanish_in_minutes() -> None:
    from myoguide.diary.accounts import TooManyAttempts
    from myoguide.i18n import gettext_for

    for error, english, spanish_text in [
        (
            TooManyAttempts(30),
            "Too many failed logins. Wait 1 minute and try again.",
            "Demasiados intentos fallidos de entrar. Espera 1 minuto y vuelve a intentarlo.",
        ),
        (
            TooManyAttempts(130, "new accounts"),
            "Too many new accounts. Wait 3 minutes and try again.",
            "Demasiadas cuentas nuevas. Espera 3 minutos y vuelve a intentarlo.",
        ),
    ]:
        assert str(error) == english
        assert error.said.translated(gettext_for("es")) == spanish_text
        assert error.said.translated(gettext_for("en")) == english


def test_a_day_number_that_cannot_be_read_is_named_in_spanish(diary: TestClient) -> None:
    token = diary.headers["x-csrf"]
    form = {"csrf_token": token, "sleep_hours": "mucho", "stress": "alto"}
    response = diary.post("/diary/days/2026-11-21", data=form)
    assert response.status_code == 422
    assert "Escribe un número, por ejemplo 3 o 6,5." in response.text
    assert "Escribe un número entero del 0 al 10, por ejemplo 7." in response.text


# --- the PDF report for a doctor ---


def test_the_report_for_a_doctor_in_spanish(spanish: Knowledge) -> None:
    from myoguide.diary.report import doctor_report

    from .test_diary_report import make_diary, pdf_text

    days, episodes = make_diary(120, start=dt.date(2026, 7, 1))
    signed = [episodes[0].model_copy(update={"warning_signs": ["weakness"]}), *episodes[1:]]
    pages, text = pdf_text(doctor_report(days, signed, language="es"))
    text = re.sub(r"\s+", " ", text)
    assert 1 <= pages <= 2
    for label in [
        "Diario de sacudidas y espasmos musculares",
        "Resumen para el médico, del 1 de julio de 2026 al 28 de octubre de 2026 (120 días",
        "Tendencia",
        "Intensidad (de 0 a 10)",
        "Medicamentos anotados",
        "Señales de alarma anotadas",
        "Debilidad muscular",
        "Desencadenantes probables",
        f"Página 1 de {pages}",
    ]:
        assert label in text, label
    # Decimals with a comma ("1,5 a la semana"), and no English label or date left.
    assert re.search(r"Episodios por zona, de \d+ episodios", text), "the body map's caption"
    # The charts drawn in the PDF speak Spanish too: titles, legends, month ticks, axes.
    for label in ["Episodios por día", "1 jul 2026", "Razón de tasas", "sin diferencia"]:
        assert label in text, label
    for english in ["Episodes per day", "left scale", "Rate ratio", "no difference", "Jul"]:
        assert english not in text, english
    assert re.search(r"Párpado \d+ \(\d+ %\)", text), "the body map's bars, Spanish percent"
    per_week = re.search(r"(\d+,\d) a la semana de media", text)
    assert per_week, "episodes a week, with a decimal comma"
    for english in ["Summary for a doctor", "Trend", "Where", "October", "Page 1 of", " a week"]:
        assert english not in text, english
    assert "veces más" in text, "a likely trigger told in Spanish"
    assert english_sentences(text, spanish) == []


def test_the_diarys_charts_are_in_spanish(diary: TestClient, spanish: Knowledge) -> None:
    page = diary.get("/diary/triggers?factor=caffeine_cups").text
    charts = re.findall(r'<figure class="chart"[^>]*>(.*?)</figure>', page, re.S)
    assert len(charts) >= 3
    text = " ".join(page_text(chart) for chart in charts)
    assert "Episodios por día" in text and "Cafeína (tazas)" in text and "Párpado" in text
    assert english_sentences(text, spanish) == []


def test_the_apis_trigger_findings_follow_accept_language(
    diary: TestClient, spanish: Knowledge
) -> None:
    english = diary.get("/api/v1/diary/triggers")
    assert english.status_code == 200
    assert english.headers["content-language"] == "en"
    response = diary.get("/api/v1/diary/triggers", headers=SPANISH)
    assert response.status_code == 200
    assert response.headers["content-language"] == "es"
    assert "Accept-Language" in response.headers["vary"]
    findings = response.json()
    assert findings and len(findings) == len(english.json())
    for found, before in zip(findings, english.json(), strict=True):
        assert {**found, "text": "", "note": ""} == {**before, "text": "", "note": ""}
        assert found["text"] != before["text"]
        said = " ".join(filter(None, [found["text"], found["note"]]))
        assert english_sentences(said, spanish) == [], said
