"""The web site as a person uses it: the real server, driven in Chromium through Playwright."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from myoguide import load_knowledge

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = Path(__file__).parent / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "artifacts" / "screenshots"

KNOWLEDGE = load_knowledge()
TOPICS = {topic.id: topic for topic in KNOWLEDGE.topics}

# A scenario maps a question id to the label to pick, the labels to tick, or a number to type.
Answer = str | list[str] | int
Scenario = Mapping[str, Answer]
# The core warning signs, asked of everyone (follow-ups appear only when they concern you).
NOT_WARNED: Scenario = {
    q.id: "No" for q in KNOWLEDGE.questions.questions if q.warning_sign and q.ask_if is None
}
# What a self-care result needs besides the warning signs: every answer that could still
# raise the level (how long, how old, medicines, chemicals…), or it says what was not checked.
CHECKED_IN_FULL: Scenario = {
    "pain": "Not at all",
    "history_days": 4,
    "episode_length": "Seconds",
    "frequency": "Many times a day",
    "age": 28,
    "factors.chemical_exposure": "No",
    "factors.medications": ["None of these"],
    "medical.conditions": ["None of these"],
    "medical.family_history": ["None of these"],
}
EYELID_TWITCH: Scenario = {
    "sensation": "Jumping or flickering (a twitch)",
    "locations": ["Eyelid"],
    "factors.caffeine_cups_per_day": 6,
    "factors.stress": "A lot",
    "factors.sleep_hours": 5,
    **CHECKED_IN_FULL,
    **NOT_WARNED,
}
TINGLING_TWITCH: Scenario = {
    "sensation": "Jumping or flickering (a twitch)",
    "locations": ["Thumb"],
    "medical.numbness_or_tingling": "Yes",
}
SWOLLEN_CALF: Scenario = {
    "sensation": "Tight, hard and locked (a cramp or spasm)",
    "locations": ["Calf"],
    "medical.calf_swelling_redness_warmth": "Yes",
}
BREATHLESS: Scenario = {"medical.breathing_difficulty": "Yes"}
RESULTS: dict[str, Scenario] = {
    "self_care": EYELID_TWITCH,
    "see_doctor": TINGLING_TWITCH,
    "see_doctor_soon": SWOLLEN_CALF,
    "emergency": BREATHLESS,
}
PAGES: dict[str, str] = {
    "home": "/",
    "topics": "/topics",
    **{f"topic {topic_id}": f"/topics/{topic_id}" for topic_id in TOPICS},
    "check": "/check",
    "full form": "/check/all",
    "entry": "/knowledge/deep_vein_thrombosis",
    "sources": "/sources",
}

DESCRIBED = "my left eyelid has been jumping for five days, six coffees a day, no weakness"
# Screens of the interview, each reached by ticking these labels on the screens before it.
INTERVIEW_SCREENS: dict[str, list[str]] = {
    "question": [],
    "question group": ["Calf"],
}

STATE_CHANGED = """(shown) => {
  const state = document.querySelector("input[name=state]");
  return document.readyState === "complete" && (state === null || state.value !== shown);
}"""
FOCUS_IS_VISIBLE = """() => {
  const style = getComputedStyle(document.activeElement);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return outlined || style.boxShadow !== "none";
}"""
NO_HORIZONTAL_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
SERIOUS_VIOLATIONS = """async () => {
  const { violations } = await axe.run(document, { resultTypes: ["violations"] });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(" ")) }));
}"""


def require(path: Path, what: str) -> Path:
    """The path, else skip with the reason; in CI (CI set) a missing tool fails instead."""
    if path.exists():
        return path
    reason = f"{what} not found at {path}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; the browser tests must run in CI")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            fail_with_log("the server exited while starting", log)
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    fail_with_log("the server did not answer /healthz within 20 s", log)


def fail_with_log(message: str, log: Path) -> NoReturn:
    pytest.fail(f"{message}:\n{log.read_text(encoding='utf-8', errors='replace')}")


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`myoguide serve` as a separate process on a free port, stopped at the end."""
    command = Path(sys.executable).parent / "myoguide"
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(command), "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def new_page(browser: Browser, base_url: str) -> Iterator[Callable[..., Page]]:
    """Opens a page in a fresh browser context (its options as for `Browser.new_context`)."""
    contexts = []

    def open_page(**options: Any) -> Page:
        context = browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


def question(page: Page, question_id: str) -> Locator:
    return page.locator(f'[data-question="{question_id}"]')


def fill_in(page: Page, scenario: Scenario) -> None:
    """Answers as a person would: click the labels, type the numbers."""
    for question_id, answer in scenario.items():
        box = question(page, question_id)
        if isinstance(answer, int):
            box.get_by_role("spinbutton").press_sequentially(str(answer))
        else:
            for label in [answer] if isinstance(answer, str) else answer:
                box.get_by_label(label, exact=True).check()


def submit(page: Page, scenario: Scenario) -> None:
    page.goto("/check/all")
    fill_in(page, scenario)
    page.get_by_role("button", name="See my result").click()
    expect(page.locator("#triage")).to_be_visible()


def start_interview(page: Page) -> None:
    page.goto("/check")
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator("[data-question]").first).to_be_visible()


def describe(page: Page, text: str) -> None:
    page.goto("/check")
    page.get_by_label("Describe it in your own words (optional)").fill(text)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What we understood")


def next_screen(page: Page) -> None:
    """Submits a screen of the interview and waits for the next one (or the result)."""
    shown = page.locator("input[name=state]").get_attribute("value")
    page.get_by_role("button", name="Next", exact=True).click()
    page.wait_for_function(STATE_CHANGED, arg=shown)


def show(page: Page, name: str) -> None:
    """Opens one of PAGES, a screen of INTERVIEW_SCREENS, or the result page of one of
    RESULTS (`result <level>`)."""
    level = name.removeprefix("result ")
    if name == "understood":
        describe(page, DESCRIBED)
    elif name == "understood again":
        describe(page, DESCRIBED)
        page.get_by_role("button", name="Continue to the questions").click()
        page.get_by_role("button", name="Back", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("What we understood")
    elif name in INTERVIEW_SCREENS:
        start_interview(page)
        for label in INTERVIEW_SCREENS[name]:
            page.get_by_label(label, exact=True).check()
            next_screen(page)
    elif level in RESULTS:
        submit(page, RESULTS[level])
        expect(banner(page)).to_have_class(re.compile(rf"\bbanner-{level}\b"))
    else:
        page.goto(PAGES[name])


def open_docs(page: Page) -> None:
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible()


def banner(page: Page) -> Locator:
    return page.locator("#triage")


def test_home_to_topic_shows_cited_sections(page: Page) -> None:
    topic = TOPICS["common_causes"]
    page.goto("/")
    page.get_by_role("link", name=topic.title).click()

    expect(page).to_have_url(re.compile(f"/topics/{topic.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(topic.title)
    sources = page.locator("details.sources-box").first
    sources.get_by_text("Sources for this section").click()
    expect(sources).to_have_attribute("open", "")
    quoted = [c for c in topic.sections[0].citations if c.quote]
    linked = [KNOWLEDGE.entry(c.source) for c in topic.sections[0].citations if not c.quote]
    expect(sources.locator("blockquote").first).to_contain_text(quoted[0].quote or "")
    guideline = linked[0]
    expect(sources.get_by_role("link", name=guideline.title)).to_have_attribute(
        "href", guideline.url
    )


def test_eyelid_twitch_is_self_care_with_its_causes(page: Page) -> None:
    page.goto("/check/all")
    page.get_by_label("Jumping or flickering (a twitch)").check()
    page.get_by_label("Eyelid", exact=True).check()
    page.get_by_label("How many cups of coffee").press_sequentially("6")
    question(page, "factors.stress").get_by_label("A lot").check()
    page.get_by_label("How many hours do you usually sleep").press_sequentially("5")
    fill_in(page, {**CHECKED_IN_FULL, **NOT_WARNED})
    page.get_by_role("button", name="See my result").click()

    expect(banner(page).get_by_role("heading", level=1)).to_have_text("Look after it at home")
    expect(page.locator("#kind-heading")).to_contain_text("twitch")
    causes = page.locator("#causes")
    expect(causes.locator("[data-factor]")).to_have_count(3)
    for factor, reason in {
        "caffeine": "about 6 cups of coffee",
        "stress_anxiety": "a lot of stress",
        "sleep_deprivation": "about 5 hours a night",
    }.items():
        expect(causes.locator(f'[data-factor="{factor}"]')).to_contain_text(reason)


def test_swollen_calf_needs_a_doctor_soon_and_no_massage(page: Page) -> None:
    submit(page, SWOLLEN_CALF)

    expect(banner(page)).to_contain_text("See a doctor within a day or two")
    expect(page.locator("#rule-out")).to_contain_text("blood clot")
    care = page.locator("#care-plan h3")
    expect(care.first).to_be_visible()
    expect(care.filter(has_text="Massage")).to_have_count(0)


def test_breathing_difficulty_is_an_emergency_alert_first_in_main(page: Page) -> None:
    submit(page, BREATHLESS)

    expect(banner(page)).to_have_attribute("role", "alert")
    expect(banner(page)).to_have_class(re.compile(r"\bbanner-emergency\b"))
    expect(banner(page)).to_contain_text(re.compile(r"call your local emergency number", re.I))
    expect(page.get_by_role("alert")).to_contain_text("999")


def test_skip_logic_hides_only_what_does_not_apply(page: Page) -> None:
    page.goto("/check/all")
    stretching = question(page, "relieved_by_stretching")
    warnings_shown = page.locator(".question.warning:visible")
    expect(stretching).to_be_visible()

    cramp_follow_ups = [
        question(page, "medical.fluid_loss"),
        question(page, "medical.recent_wound"),
    ]
    page.get_by_label("Jumping or flickering (a twitch)").check()
    expect(stretching).to_be_hidden()
    for follow_up in cramp_follow_ups:
        expect(follow_up).to_be_hidden()
    # Every core warning sign stays, with the follow-ups that still could matter.
    expect(warnings_shown).to_have_count(len(NOT_WARNED) + 2)

    question(page, "sensation").get_by_label("I'm not sure").check()
    expect(stretching).to_be_visible()
    for follow_up in cramp_follow_ups:
        expect(follow_up).to_be_visible()
    expect(warnings_shown).to_have_count(len(NOT_WARNED) + 4)


def test_without_javascript_every_question_shows_and_the_form_works(
    new_page: Callable[..., Page],
) -> None:
    page = new_page(java_script_enabled=False)
    page.goto("/check/all")
    expect(page.locator("[data-question]:visible")).to_have_count(
        len(KNOWLEDGE.questions.questions)
    )

    submit(page, {"sensation": "Jumping or flickering (a twitch)", "locations": ["Eyelid"]})
    expect(page.locator("#kind-heading")).to_contain_text("twitch")


def answer_no_to_every_warning_sign(page: Page) -> None:
    """Answers each screen: "No" to a yes-or-no question, nothing (not sure) to the rest,
    until the result shows."""
    for _ in range(len(KNOWLEDGE.questions.questions)):
        if page.locator("#triage").count():
            return
        boxes = page.locator('[data-type="yes_no"]')
        for index in range(boxes.count()):
            boxes.nth(index).get_by_label("No", exact=True).check()
        next_screen(page)
    pytest.fail("the interview did not end")


def test_without_javascript_the_interview_reaches_a_result_and_goes_back(
    new_page: Callable[..., Page],
) -> None:
    page = new_page(java_script_enabled=False)
    start_interview(page)
    expect(page.locator("progress")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Screen 1, about \d+ more"))).to_be_visible()
    page.get_by_label("Eyelid", exact=True).check()
    next_screen(page)
    first = page.locator("[data-question]").first.get_attribute("data-question")
    page.get_by_role("button", name="Back", exact=True).click()
    expect(page.get_by_label("Eyelid", exact=True)).to_be_checked()
    next_screen(page)
    expect(page.locator("[data-question]").first).to_have_attribute("data-question", first or "")
    page.locator("details.why summary").first.click()
    expect(page.locator("details.why p").first).to_be_visible()

    answer_no_to_every_warning_sign(page)
    expect(banner(page)).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download this result (JSON)").click()
    result = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    expect(banner(page)).to_contain_text(
        KNOWLEDGE.meta.triage_levels[result["triage"]["level"]].label
    )


def test_an_emergency_shows_its_banner_while_the_questions_go_on(page: Page) -> None:
    start_interview(page)
    for _ in range(len(KNOWLEDGE.questions.questions)):
        breathing = question(page, "medical.breathing_difficulty")
        if breathing.count():
            break
        next_screen(page)
    breathing.get_by_label("Yes", exact=True).check()
    next_screen(page)
    alert = page.locator("#triage-now")
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text(KNOWLEDGE.meta.triage_levels["emergency"].label)
    expect(page.locator("[data-question]").first).to_be_visible()


def test_the_interview_asks_nothing_of_another_origin(page: Page, base_url: str) -> None:
    errors: list[str] = []
    requested: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requested.append(request.url))
    start_interview(page)
    page.get_by_label("Calf", exact=True).check()
    next_screen(page)
    answer_no_to_every_warning_sign(page)
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert [url for url in requested if not url.startswith(f"{base_url}/")] == []


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_description_is_shown_understood_corrected_and_asked_on(
    new_page: Callable[..., Page], javascript: bool
) -> None:
    page = new_page(java_script_enabled=javascript)
    describe(page, DESCRIBED)
    marked = page.locator("mark a.found")
    expect(marked.filter(has_text="jumping")).to_have_count(1)
    expect(marked.filter(has_text="eyelid")).to_have_count(1)
    marked.filter(has_text="jumping").click()
    sensation = page.locator("#fix-sensation")
    if javascript:  # focus moves to the answer; without JavaScript the link goes there
        expect(sensation.get_by_label("Jumping or flickering (a twitch)")).to_be_focused()
    else:
        expect(page).to_have_url(re.compile("#fix-sensation$"))
    expect(sensation.get_by_label("Jumping or flickering (a twitch)")).to_be_checked()
    sensation.get_by_label("Both, at different times").check()
    page.get_by_role("button", name="Continue to the questions").click()
    expect(page.locator("[data-question]").first).to_be_visible()
    expect(page.locator('[data-question="sensation"]')).to_have_count(0)
    expect(page.locator('[data-question="locations"]')).to_have_count(0)

    answer_no_to_every_warning_sign(page)
    answers = json.loads(page.locator("input[name=answers]").get_attribute("value") or "")
    assert answers["sensation"] == "both"
    assert answers["locations"] == ["eyelid"]
    assert answers["medical"]["weakness"] is False


def test_back_from_the_first_question_keeps_the_description_s_answers(page: Page) -> None:
    show(page, "understood again")
    expect(
        page.locator("#fix-sensation").get_by_label("Jumping or flickering (a twitch)")
    ).to_be_checked()
    places = page.locator("#fix-locations")
    expect(places.get_by_label("Eyelid", exact=True)).to_be_checked()
    # The other places wait, folded, under "More places"; the keyboard opens them.
    calf = places.get_by_label("Calf", exact=True)
    expect(calf).to_be_hidden()
    places.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(calf).to_be_visible()
    calf.check()
    page.get_by_role("button", name="Continue to the questions").click()
    expect(page.locator("[data-question]").first).to_be_visible()
    start = json.loads(page.locator("input[name=state]").get_attribute("value") or "")["start"]
    assert start["locations"] == ["eyelid", "calf"] and start["sensation"] == "jumping"


@pytest.mark.parametrize("width", [375, 320])
def test_no_page_scrolls_sideways(new_page: Callable[..., Page], width: int) -> None:
    page = new_page(viewport={"width": width, "height": 800})
    overflowing = []
    for name in [
        *PAGES,
        *INTERVIEW_SCREENS,
        "understood",
        "understood again",
        "result self_care",
        "docs",
    ]:
        if name == "docs":
            open_docs(page)
        else:
            show(page, name)
        if not page.evaluate(NO_HORIZONTAL_SCROLL):
            overflowing.append(name)
    assert overflowing == [], f"horizontal scroll at {width} px"


def press_until_focused(page: Page, selector: str, key: str = "Tab", limit: int = 300) -> None:
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"{key} never reached {selector}")


def assert_focus_visible(page: Page) -> None:
    focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
    assert page.evaluate(FOCUS_IS_VISIBLE), f"no visible focus on {focused}"


def test_keyboard_alone_reaches_a_result_through_the_interview(page: Page) -> None:
    page.goto("/")
    press_until_focused(page, ".skip-link")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    press_until_focused(page, "main a.button")
    expect(page.locator(":focus")).to_have_text("Start the check")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/check$"))
    press_until_focused(page, "form.start button[type=submit]")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("[data-question]").first).to_be_visible()

    press_until_focused(page, '[data-question="locations"] input[value=calf]')
    assert_focus_visible(page)
    page.keyboard.press("Space")
    expect(page.get_by_label("Calf", exact=True)).to_be_checked()
    for _ in range(len(KNOWLEDGE.questions.questions)):
        if page.locator("#triage").count():
            break
        shown = page.locator("input[name=state]").get_attribute("value")
        breathing = page.locator('[data-question="medical.breathing_difficulty"] input')
        if breathing.count():
            press_until_focused(page, '[data-question="medical.breathing_difficulty"] input')
            page.keyboard.press("Space")
            expect(breathing.first).to_be_checked()
        press_until_focused(page, "button[value=next]")
        assert_focus_visible(page)
        page.keyboard.press("Enter")
        page.wait_for_function(STATE_CHANGED, arg=shown)
    expect(banner(page)).to_have_class(re.compile(r"\bbanner-emergency\b"))


def test_keyboard_alone_sends_the_full_form(page: Page) -> None:
    page.goto("/check")
    press_until_focused(page, 'a[href="/check/all"]')
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/check/all$"))

    press_until_focused(page, '[data-question="sensation"] input')
    assert_focus_visible(page)
    for _ in range(4):
        page.keyboard.press("ArrowUp")
    expect(page.get_by_label("Jumping or flickering (a twitch)")).to_be_checked()

    breathing = question(page, "medical.breathing_difficulty")
    press_until_focused(page, '[data-question="medical.breathing_difficulty"] input')
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(breathing.get_by_label("Yes", exact=True)).to_be_checked()

    press_until_focused(page, "button[type=submit]")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(banner(page)).to_have_class(re.compile(r"\bbanner-emergency\b"))


# /docs is left out: it is Swagger UI's own markup, which this project does not write.
@pytest.mark.parametrize(
    "name",
    [
        *PAGES,
        *INTERVIEW_SCREENS,
        "understood",
        "understood again",
        *(f"result {level}" for level in RESULTS),
        "not found",
    ],
)
def test_no_serious_accessibility_violations(new_page: Callable[..., Page], name: str) -> None:
    axe = require(AXE, "axe-core (run `make e2e-deps`)")
    page = new_page(bypass_csp=True)
    if name == "not found":
        response = page.goto("/no-such-page")
        assert response is not None and response.status == 404
    else:
        show(page, name)
    page.add_script_tag(path=axe)
    violations = page.evaluate(SERIOUS_VIOLATIONS)
    assert violations == [], f"{name}:\n" + "\n".join(
        f"  {v['id']} ({v['impact']}): {', '.join(v['targets'])}" for v in violations
    )


def test_download_holds_the_result_shown(page: Page) -> None:
    submit(page, SWOLLEN_CALF)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download this result (JSON)").click()
    download = info.value

    assert download.suggested_filename.endswith(".json")
    result = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    level = result["triage"]["level"]
    expect(banner(page)).to_have_class(re.compile(rf"\bbanner-{level}\b"))
    expect(banner(page)).to_contain_text(KNOWLEDGE.meta.triage_levels[level].label)


def test_no_console_errors_and_no_requests_elsewhere(page: Page, base_url: str) -> None:
    errors: list[str] = []
    requested: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/")
    submit(page, EYELID_TWITCH)
    open_docs(page)
    page.wait_for_load_state("networkidle")

    assert errors == []
    assert [url for url in requested if not url.startswith(f"{base_url}/")] == []


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_key_pages(new_page: Callable[..., Page], width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport={"width": width, "height": 800})
    shots: dict[str, Callable[[], object]] = {
        "home": lambda: page.goto("/"),
        "topic": lambda: page.goto("/topics/twitches_and_spasms"),
        "check": lambda: page.goto("/check"),
        "question": lambda: show(page, "question"),
        "question-group": lambda: show(page, "question group"),
        "full-form": lambda: page.goto("/check/all"),
        "understood": lambda: show(page, "understood"),
        "understood-again": lambda: show(page, "understood again"),
        "self-care": lambda: submit(page, EYELID_TWITCH),
        "see-doctor-soon": lambda: submit(page, SWOLLEN_CALF),
        "emergency": lambda: submit(page, BREATHLESS),
        "docs": lambda: open_docs(page),
    }
    for name, visit in shots.items():
        visit()
        path = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=path, full_page=True)
        assert path.stat().st_size > 0
