"""The pages in Spanish, in Chromium: the language switch by keyboard alone and without
JavaScript, no sideways scroll at 320 and 375 px (Spanish runs about 25% longer), and no
serious accessibility violation (axe-core)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_browser import (
    AXE,
    NO_HORIZONTAL_SCROLL,
    SERIOUS_VIOLATIONS,
    STATE_CHANGED,
    assert_focus_visible,
    base_url,
    press_until_focused,
    require,
)
from .test_diary_browser import PASSWORD, diary_url

__all__ = ["base_url", "diary_url"]  # fixtures, used by name

SPANISH = {"locale": "es-ES", "extra_http_headers": {"Accept-Language": "es-ES,es;q=0.9"}}
PAGES = {
    "inicio": "/",
    "temas": "/topics",
    "entrada": "/knowledge/deep_vein_thrombosis",
    "fuentes": "/sources",
    "formulario": "/check/all",
    "no encontrada": "/no-such-page",
}
# The full form, answered by value (the labels are the Spanish knowledge's).
RESULTS = {
    "autocuidado": {"sensation": "jumping", "locations": "eyelid"},
    "emergencia": {"sensation": "jumping", "medical.breathing_difficulty": "yes"},
}
DESCRIBED = "me tiembla el párpado izquierdo desde hace cinco días, tomo seis cafés al día"
# Screens of the interview, each reached by ticking these places on the screens before it.
INTERVIEW = {
    "entrevista: inicio": None,
    "entrevista: lo que entendimos": None,
    "entrevista: una pregunta": [],
    "entrevista: varias preguntas": ["calf"],
    "entrevista: resultado": ["calf", "*"],
}


@pytest.fixture
def spanish_page(browser: Browser, base_url: str) -> Iterator[Callable[..., Page]]:
    contexts = []

    def open_page(url: str = base_url, **options: Any) -> Page:
        context = browser.new_context(base_url=url, **SPANISH, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def next_screen(page: Page) -> None:
    shown = page.locator("input[name=state]").get_attribute("value")
    page.get_by_role("button", name="Siguiente", exact=True).click()
    page.wait_for_function(STATE_CHANGED, arg=shown)


def show(page: Page, name: str) -> None:
    if name == "entrevista: inicio":
        page.goto("/check")
    elif name == "entrevista: lo que entendimos":
        page.goto("/check")
        page.get_by_label("Cuéntalo con tus palabras (opcional)").fill(DESCRIBED)
        page.get_by_role("button", name="Empezar", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Lo que hemos entendido")
    elif name in INTERVIEW:
        page.goto("/check")
        page.get_by_role("button", name="Empezar", exact=True).click()
        for place in INTERVIEW[name] or []:
            if place == "*":
                # "Not sure" to the rest, screen after screen, to the result.
                while not page.locator("#triage").count():
                    next_screen(page)
                break
            page.locator(f'[data-question="locations"] input[value="{place}"]').check()
            next_screen(page)
        if name.endswith("varias preguntas"):
            expect(page.locator(".question-rows [data-question]").nth(1)).to_be_visible()
    elif name in RESULTS:
        page.goto("/check/all")
        for question_id, value in RESULTS[name].items():
            page.locator(f'[data-question="{question_id}"] input[value="{value}"]').check()
        page.get_by_role("button", name="Ver mi resultado").click()
        expect(page.locator("#triage")).to_be_visible()
    else:
        page.goto(PAGES[name])
    expect(page.locator("html")).to_have_attribute("lang", "es")


def assert_no_serious_violations(page: Page, name: str) -> None:
    page.add_script_tag(path=require(AXE, "axe-core (run `make e2e-deps`)"))
    violations = page.evaluate(SERIOUS_VIOLATIONS)
    assert violations == [], f"{name}:\n" + "\n".join(
        f"  {v['id']} ({v['impact']}): {', '.join(v['targets'])}" for v in violations
    )


@pytest.mark.parametrize("width", [375, 320])
def test_no_spanish_page_scrolls_sideways(spanish_page: Callable[..., Page], width: int) -> None:
    page = spanish_page(viewport={"width": width, "height": 800})
    overflowing = []
    for name in [*PAGES, *RESULTS, *INTERVIEW]:
        show(page, name)
        if not page.evaluate(NO_HORIZONTAL_SCROLL):
            overflowing.append(name)
    assert overflowing == [], f"horizontal scroll at {width} px"


@pytest.mark.parametrize("name", [*PAGES, *RESULTS, *INTERVIEW])
def test_spanish_pages_have_no_serious_accessibility_violations(
    spanish_page: Callable[..., Page], name: str
) -> None:
    page = spanish_page(bypass_csp=True)
    show(page, name)
    assert_no_serious_violations(page, name)


def test_the_switch_works_by_keyboard_alone_and_without_javascript(
    browser: Browser, base_url: str
) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/topics")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    press_until_focused(page, 'a[hreflang="es"]')
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Temas")
    cookies = [c for c in context.cookies() if "myoguide_lang" in c["name"]]
    assert [(c["value"], c["sameSite"], c["path"]) for c in cookies] == [("es", "Lax", "/")]
    # Remembered on the next page; and back to English the same way.
    page.goto("/sources")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    press_until_focused(page, 'a[hreflang="en"]')
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()


def test_keyboard_alone_reaches_a_result_through_the_spanish_interview(
    spanish_page: Callable[..., Page],
) -> None:
    page = spanish_page()
    page.goto("/check")
    press_until_focused(page, "form.start button[type=submit]")
    expect(page.locator(":focus")).to_have_text("Empezar")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("[data-question]").first).to_be_visible()
    press_until_focused(page, '[data-question="locations"] input[value=calf]')
    page.keyboard.press("Space")
    expect(page.get_by_label("Pantorrilla", exact=True)).to_be_checked()
    for _ in range(60):
        if page.locator("#triage").count():
            break
        expect(page.locator("html")).to_have_attribute("lang", "es")
        shown = page.locator("input[name=state]").get_attribute("value")
        press_until_focused(page, "button[value=next]")
        expect(page.locator(":focus")).to_have_text("Siguiente")
        page.keyboard.press("Enter")
        page.wait_for_function(STATE_CHANGED, arg=shown)
    expect(page.locator("#triage")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Empezar de nuevo")).to_be_visible()
    assert re.search(r"/check/next$", page.url)


@pytest.fixture
def spanish_diary(spanish_page: Callable[..., Page], diary_url: str) -> Page:
    """A phone-sized page of a person who just made a diary, in Spanish."""
    page = spanish_page(diary_url, viewport={"width": 375, "height": 800}, bypass_csp=True)
    page.goto("/diary/register")
    page.get_by_label("Nombre de usuario").fill(f"p-{uuid.uuid4().hex[:8]}")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Crear mi diario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tu diario")
    quick = page.locator("form[action='/diary/episodes']")
    quick.get_by_label("Pantorrilla", exact=True).check()
    quick.get_by_role("button", name="Guardar el episodio").click()
    expect(page.get_by_role("status")).to_contain_text("Episodio guardado.")
    return page


@pytest.mark.parametrize("path", ["/diary", "/diary/episodes", "/diary/triggers", "/diary/account"])
def test_spanish_diary_pages_fit_a_phone_and_are_accessible(spanish_diary: Page, path: str) -> None:
    page = spanish_diary
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    for width in (375, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate(NO_HORIZONTAL_SCROLL), f"horizontal scroll on {path} at {width}"
    assert_no_serious_violations(page, path)
