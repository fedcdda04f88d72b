"""The web page in a real browser: Debian's chromium driven by Playwright, against ``stancewire serve``.

Playwright never downloads a browser here: it launches /usr/bin/chromium (apt package
``chromium``). Without it the test is skipped on a developer's machine and fails in CI.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.evaluation import SEED_ARTICLE_PATH
from tests.support import Server, running_server

pytestmark = [pytest.mark.server, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "screenshot.png"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MAX_TEXT_CHARS = 20_000

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: CI must `apt-get install -y chromium`", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server(max_text_chars=str(MAX_TEXT_CHARS), log_level="error") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + "/")
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_page_and_its_files_are_served_offline(server: Server) -> None:
    page = httpx.get(server.url + "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "http://" not in page.text and "https://" not in page.text  # no CDN
    for path in ("/static/app.js", "/static/style.css", "/static/vendor/cytoscape/cytoscape.min.js"):
        assert httpx.get(server.url + path).status_code == 200, path
    assert httpx.get(server.url + "/static/../app/main.py").status_code == 404


def test_seed_article_shows_the_request_row_the_graph_and_actor_details(page: Page, tmp_path: Path) -> None:
    page.get_by_label("Article text").fill(SEED_ARTICLE_PATH.read_text("utf-8"))
    page.get_by_role("button", name="Analyse").click()

    row = page.locator('#stances tbody tr[data-holder="United States"][data-event="REQUEST"][data-target="China"]')
    expect(row.first).to_be_visible(timeout=60_000)
    expect(page.locator("#status")).to_contain_text("actors")

    graph = page.locator("#graph")
    assert int(graph.get_attribute("data-nodes") or 0) >= 4
    assert page.evaluate("window.stancewireGraph.nodes().length") >= 4
    assert page.locator("#graph-list li.graph-node").count() >= 4

    # The event cell says, on hover, which rule coded the stance.
    event_cell = row.first.locator("td.event")
    assert (event_cell.get_attribute("data-rule") or "").startswith("lexicon.yaml:")
    assert "Rule (lexicon) lexicon.yaml:" in (event_cell.get_attribute("title") or "")

    # Hovering a mention of the United States shows its name, kind and country.
    united_states = page.locator("#article mark.mention", has_text="United States").first
    united_states.hover()
    tooltip = page.locator("#tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("United States")
    expect(tooltip).to_contain_text("state")
    expect(tooltip).to_contain_text("USA")

    # Choosing the row (by keyboard) highlights its evidence: the sentence with its trigger.
    row.first.focus()
    page.keyboard.press("Enter")
    expect(row.first).to_have_attribute("aria-current", "true")
    evidence = page.locator("#evidence-highlight")
    expect(evidence).to_contain_text("is urging China")

    # Saved for every run; docs/screenshot.png (the README's picture) only when asked to refresh it.
    page.mouse.move(0, 0)
    screenshot = SCREENSHOT if os.environ.get("STANCEWIRE_UPDATE_SCREENSHOT") else tmp_path / "screenshot.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000


def test_stance_table_shows_place_and_date_and_the_text_frames_the_place(page: Page) -> None:
    page.get_by_label("Article text").fill(
        "Russian forces shelled Kherson overnight, killing a woman. Iran denied supplying drones to Russia."
    )
    page.get_by_label("Article date (optional)").fill("2024-03-14")
    page.get_by_role("button", name="Analyse").click()

    row = page.locator('#stances tbody tr[data-event="ASSAULT"]').first
    expect(row).to_be_visible(timeout=60_000)
    expect(row.locator("td.place-cell")).to_have_text("Kherson (UKR)")
    expect(row.locator("td.date-cell")).to_have_text("2024-03-13/2024-03-14")
    assert "GeoNames 706448" in (row.locator("td.place-cell").get_attribute("title") or "")
    # The stance that names no place or date says so rather than borrowing the actors' country.
    denied = page.locator('#stances tbody tr[data-event="REJECT"]').first
    expect(denied.locator("td.place-cell")).to_have_text("—")
    expect(denied.locator("td.date-cell")).to_have_text("—")

    place = page.locator("#article span.place", has_text="Kherson")
    expect(place).to_have_count(1)
    expect(place).to_have_attribute("data-country", "UKR")
    row.click()
    expect(page.locator("#article span.place.selected")).to_have_text("Kherson")


def test_api_errors_are_shown_as_readable_messages(page: Page) -> None:
    text_box = page.get_by_label("Article text")
    button = page.get_by_role("button", name="Analyse")
    error = page.get_by_role("alert")

    text_box.fill("Russia " * (MAX_TEXT_CHARS // 4))
    button.click()
    expect(error).to_contain_text("Error 413: Text too long")
    expect(error).to_contain_text(f"longer than {MAX_TEXT_CHARS} characters")

    text_box.fill("   ")
    button.click()
    expect(error).to_contain_text("Error 422")
    expect(error).to_contain_text("blank")


# Emoji before every span (two UTF-16 units each in the browser, one code point in the API), a flag,
# combining marks and right-to-left script: the highlights must still cover exactly the API's spans.
UNICODE_ARTICLE = (
    "😀😀 The United States is urging China to press Russia to halt its aggression in Ukraine. "
    "Ira\u0301n\u0308 said 🇺🇸 officials met. הממשלה הודיעה על הסכם. "
    "👩‍👩‍👧 Egypt hosted talks between Israel and Hamas. طالبت الولايات المتحدة 😀 Iran accused Israel."
)


# Per character of the article as shown (code points, in order): the actor of the innermost mention and
# the trigger it lies in, read off the DOM.
_SHOWN_SPANS = """article => {
  const out = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const mark = node.parentElement.closest("mark.mention");
    const trigger = node.parentElement.closest("span.trigger");
    for (const char of node.data) out.push([char, mark ? mark.dataset.actor : null, Boolean(trigger)]);
  }
  return out;
}"""


def _innermost(spans: list[tuple[int, int, str]], at: int) -> str | None:
    covering = [(end - start, label) for start, end, label in spans if start <= at < end]
    return min(covering)[1] if covering else None


def test_highlights_are_exact_after_emoji_combining_marks_and_right_to_left_text(page: Page, server: Server) -> None:
    expected = httpx.post(server.url + "/v1/analyze", json={"text": UNICODE_ARTICLE}, timeout=60).json()
    mentions = [(m["start"], m["end"], actor["id"]) for actor in expected["actors"] for m in actor["mentions"]]
    triggers = [(s["trigger"]["start"], s["trigger"]["end"], "trigger") for s in expected["stances"]]
    assert len(mentions) >= 8 and len(triggers) >= 5, (mentions, triggers)
    want = [
        [char, _innermost(mentions, i), _innermost(triggers, i) is not None] for i, char in enumerate(UNICODE_ARTICLE)
    ]

    page.get_by_label("Article text").fill(UNICODE_ARTICLE)
    page.get_by_role("button", name="Analyse").click()
    expect(page.locator("#status")).to_contain_text("actors", timeout=60_000)
    shown = page.eval_on_selector("#article", _SHOWN_SPANS)
    wrong = [(i, got, exp) for i, (got, exp) in enumerate(zip(shown, want, strict=True)) if got != exp]
    assert not wrong, wrong[:5]

    # The evidence of the stance chosen last (after every emoji) is highlighted exactly.
    last = max(expected["stances"], key=lambda s: s["evidence"]["start"])
    page.locator(f'#stances tbody tr[data-stance="{last["id"]}"]').click()
    expect(page.locator("#evidence-highlight")).to_have_text(last["evidence"]["text"])
