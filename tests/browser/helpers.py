"""What the browser tests share: the live server's handle, pages per person, logging in,
typing dates, the axe-core check, and saving a failed test's pages.

One module (imported as tests.browser.helpers by the conftest and the tests alike),
so that state such as the CSP refusals seen is not split between two copies."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.conftest import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE = ROOT / "tests" / "vendor" / "axe-4.14.1.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BISHKEK = ZoneInfo("Asia/Bishkek")


# --------------------------------------------------------------------------- the live server

class LiveServer:
    def __init__(self, url: str, app: Any, evidence_dir: Path) -> None:
        self.url = url
        self.app = app
        self.evidence_dir = evidence_dir

    def has(self, endpoint: str) -> bool:
        return endpoint in self.app.view_functions

    def need(self, *endpoints: str) -> None:
        """Skip (naming what is missing) until the app has these endpoints."""
        missing = [e for e in endpoints if not self.has(e)]
        if missing:
            pytest.skip("the app has no endpoint " + ", ".join(missing) + " yet")


# --------------------------------------------------------------------------- the browser

class Pages:
    """Opens pages (one browser context per person) and remembers them for the failure hook."""

    def __init__(self, browser: Browser, server: LiveServer) -> None:
        self.browser = browser
        self.server = server
        self.contexts: list[BrowserContext] = []
        self.pages: list[tuple[str, Page]] = []
        #: The browser's language (its Accept-Language): what a new visitor's pages are in.
        self.locale = "en-US"

    def open(self, name: str, viewport: dict[str, int] | None = None,
             context: BrowserContext | None = None) -> Page:
        if context is None:
            context = self.browser.new_context(base_url=self.server.url, viewport=viewport or DESKTOP,
                                               locale=self.locale, accept_downloads=True)
            context.set_default_timeout(10_000)
            self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: _note_csp(page, message))
        self.pages.append((name, page))
        return page

    def as_user(self, username: str | None, viewport: dict[str, int] | None = None) -> Page:
        page = self.open(username or "anonymous", viewport)
        if username:
            login(page, username)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


#: Per page: console messages saying the CSP refused a script, style or handler.
CSP_REFUSALS: dict[Page, list[str]] = {}


def _note_csp(page: Page, message: Any) -> None:
    if "Content Security Policy" in message.text:
        CSP_REFUSALS.setdefault(page, []).append(message.text[:300])


def login(page: Page, username: str, password: str = TEST_PASSWORD) -> None:
    # By the fields' names, not their labels: the page may be in any language.
    page.goto("/login")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name=re.compile(rf"\({re.escape(username)}\)$")).count() == 1, \
        f"{username} could not log in: {page.url}"


def save_artifacts(nodeid: str, opened: list[tuple[str, Page]]) -> None:
    """A screenshot and the HTML of every page the failed test still has open."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:120]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for index, (name, page) in enumerate(opened):
        if page.is_closed():
            continue
        base = ARTIFACTS / f"{stem}-{index}-{re.sub(r'[^A-Za-z0-9]+', '_', name)}"
        try:
            page.screenshot(path=str(base.with_suffix(".png")), full_page=True)
            base.with_suffix(".html").write_text(f"<!-- {page.url} -->\n" + page.content(), encoding="utf-8")
        except Exception as exc:  # a crashed page must not hide the test's own failure
            base.with_suffix(".txt").write_text(f"could not save {page.url}: {exc}\n", encoding="utf-8")


def type_datetime(page: Page, when: dt.datetime) -> None:
    """Type `when` into the focused datetime-local input of Chromium (en-US: mm dd yyyy, hh mm AM/PM),
    key by key as a keyboard user does. The year segment takes six digits, so move on by hand."""
    hour = when.hour % 12 or 12
    page.keyboard.type(f"{when:%m%d%Y}")
    page.keyboard.press("ArrowRight")
    page.keyboard.type(f"{hour:02d}{when:%M}{'A' if when.hour < 12 else 'P'}")


def local_value(when: dt.datetime) -> str:
    """`when` as a datetime-local input's value, for Locator.fill()."""
    return f"{when:%Y-%m-%dT%H:%M}"


# --------------------------------------------------------------------------- accessibility

def axe_violations(page: Page) -> list[dict[str, Any]]:
    # Not add_script_tag: the app's CSP (rightly) refuses inline scripts, and the check
    # must not switch the CSP off. evaluate() runs outside the page's CSP.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                      summary: n.failureSummary}))}));
    }""", WCAG_TAGS)


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['html']}")
            for detail in (node["summary"] or "").splitlines():
                lines.append(f"      {detail}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """No WCAG 2.1 A/AA violation on the page as it is now, and nothing the CSP refused."""
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)
    refused = CSP_REFUSALS.pop(page, [])
    assert not refused, f"the Content-Security-Policy refused something on {page.url}: {refused}"
