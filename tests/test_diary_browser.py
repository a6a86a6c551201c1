"""The diary as a person uses it: `myoguide serve` on a temporary SQLite file, in Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_browser import (
    AXE,
    NO_HORIZONTAL_SCROLL,
    SERIOUS_VIOLATIONS,
    free_port,
    require,
    wait_until_healthy,
)

PASSWORD = "correct horse battery"
DIARY_PAGES = [
    "/diary",
    "/diary/episodes",
    "/diary/triggers",
    "/diary/account",
    "/diary/days/2026-11-20",
]


@pytest.fixture(scope="module")
def diary_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`myoguide serve` with its diary in a fresh SQLite file, on a free port."""
    folder = tmp_path_factory.mktemp("diary-server")
    log = folder / "serve.log"
    port = free_port()
    env = {**os.environ, "MYOGUIDE_DATABASE_URL": str(folder / "diary.sqlite3")}
    env.pop("MYOGUIDE_INSECURE_COOKIES", None)
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "myoguide"), "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def signed_in(browser: Browser, diary_url: str) -> Iterator[Page]:
    """A phone-sized page of a newly registered person."""
    context = browser.new_context(
        base_url=diary_url, viewport={"width": 375, "height": 800}, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/diary")
    expect(page).to_have_url(f"{diary_url}/diary/login")
    page.get_by_role("link", name="Create a diary").click()
    page.get_by_label("User name").fill(f"p-{uuid.uuid4().hex[:8]}")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my diary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your diary")
    yield page
    context.close()


def test_register_log_an_episode_by_tapping_and_see_it(signed_in: Page) -> None:
    page = signed_in
    quick = page.locator("form[action='/diary/episodes']")
    quick.get_by_label("Calf", exact=True).check()
    quick.get_by_role("button", name="Save episode").click()

    expect(page.get_by_role("status")).to_have_text("Episode saved.")
    expect(page.get_by_role("alert")).to_have_count(0)  # an everyday twitch: no alarm
    expect(page.locator(".episode-list li").first).to_contain_text("calf")
    page.get_by_role("link", name="Episodes", exact=True).click()
    expect(page.locator("[data-episode]")).to_have_count(1)
    expect(page.locator("[data-episode]")).to_contain_text("Twitch")


def test_a_warning_sign_noted_with_an_episode_brings_the_advice(signed_in: Page) -> None:
    page = signed_in
    quick = page.locator("form[action='/diary/episodes']")
    quick.get_by_label("Calf", exact=True).check()
    quick.get_by_text("Anything else with it?").click()  # the folded warning signs
    quick.get_by_label("Trouble breathing").check()
    quick.get_by_role("button", name="Save episode").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Emergency")
    expect(alert).to_contain_text("emergency number")
    expect(page.get_by_role("link", name="take the full check")).to_be_visible()


@pytest.mark.parametrize("path", DIARY_PAGES)
def test_diary_pages_are_accessible_and_fit_a_phone(signed_in: Page, path: str) -> None:
    axe = require(AXE, "axe-core (run `make e2e-deps`)")
    page = signed_in
    page.goto(path)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), f"horizontal scroll on {path}"
    page.add_script_tag(path=axe)
    violations = page.evaluate(SERIOUS_VIOLATIONS)
    assert violations == [], f"{path}:\n" + "\n".join(
        f"  {v['id']} ({v['impact']}): {', '.join(v['targets'])}" for v in violations
    )


@pytest.mark.parametrize("path", ["/diary/login", "/diary/register"])
def test_login_pages_are_accessible(browser: Browser, diary_url: str, path: str) -> None:
    axe = require(AXE, "axe-core (run `make e2e-deps`)")
    context = browser.new_context(
        base_url=diary_url, viewport={"width": 375, "height": 800}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(path)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), f"horizontal scroll on {path}"
    page.add_script_tag(path=axe)
    assert page.evaluate(SERIOUS_VIOLATIONS) == [], path
    context.close()


def test_triggers_of_twitches_and_spasms_apart_are_accessible(signed_in: Page) -> None:
    axe = require(AXE, "axe-core (run `make e2e-deps`)")
    page = signed_in
    for kind in ("Twitch", "Spasm or cramp"):
        quick = page.locator("form[action='/diary/episodes']")
        quick.get_by_label(kind, exact=True).check()
        quick.get_by_label("Calf", exact=True).check()
        quick.get_by_role("button", name="Save episode").click()
        expect(page.get_by_role("status")).to_have_text("Episode saved.")
    page.goto("/diary/triggers")
    expect(page.get_by_role("heading", level=2, name="Twitches")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Spasms and cramps")).to_be_visible()
    expect(page.locator("ul.findings")).to_have_count(2)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), "horizontal scroll on /diary/triggers"
    page.add_script_tag(path=axe)
    violations = page.evaluate(SERIOUS_VIOLATIONS)
    assert violations == [], "\n".join(
        f"  {v['id']} ({v['impact']}): {', '.join(v['targets'])}" for v in violations
    )
