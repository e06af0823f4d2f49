"""WCAG 2.1 A/AA (axe-core) on every page reachable from the menu, for each role, and on
the error pages; keyboard-only filing: tab order, visible focus, errors announced."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import BISHKEK, PHONE, Pages, assert_accessible, type_datetime

pytestmark = pytest.mark.browser

ROLES = ["monitor", "clerk", "investigator", "commissioner", "admin"]


def menu_links(page: Page) -> list[str]:
    """The paths the main menu offers (the brand link and log in/out included)."""
    nav = page.get_by_role("navigation", name="Main")
    hrefs = nav.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(urlsplit(h).path for h in hrefs if h))


def visit_and_check(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    assert_accessible(page)


def first_case_link(page: Page) -> str | None:
    links = page.locator("main a[href^='/cases/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    for href in links:
        if re.fullmatch(r"/cases/[A-Z0-9]+-\d{6}", urlsplit(href).path):
            return urlsplit(href).path
    return None


def test_anonymous_menu_pages(pages: Pages) -> None:
    page = pages.as_user(None)
    page.goto("/")
    paths = menu_links(page)
    assert "/login" in paths
    for path in paths:
        visit_and_check(page, path)


@pytest.mark.parametrize("role", ROLES)
def test_menu_pages_for_each_role(pages: Pages, role: str) -> None:
    page = pages.as_user(role)
    assert_accessible(page)  # where logging in lands
    paths = [p for p in menu_links(page) if p != "/logout"]
    assert len(paths) >= 2, f"{role} sees almost nothing in the menu: {paths}"
    case_path = None
    for path in paths:
        visit_and_check(page, path)
        case_path = case_path or first_case_link(page)
    if role != "admin":
        assert case_path, f"no case reachable from {role}'s menu pages"
    if case_path:
        visit_and_check(page, case_path)
        # The case page's action forms are in closed <details>: open them all and check again.
        page.locator("details:not([open]) > summary").evaluate_all("els => els.forEach(s => s.click())")
        assert_accessible(page)
    visit_and_check(page, "/logout")


def test_error_pages(pages: Pages) -> None:
    page = pages.as_user(None)
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.goto("/cases/KG2017P-999999")
    assert urlsplit(page.url).path == "/login", "an anonymous visitor is not sent to log in"

    monitor = pages.as_user("monitor")
    response = monitor.goto("/cases")
    assert response is not None and response.status == 403
    expect(monitor.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(monitor)


def test_login_errors_are_announced(pages: Pages) -> None:
    page = pages.as_user(None, PHONE)
    page.goto("/login")
    page.get_by_label("Username").fill("monitor")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)


# --------------------------------------------------------------------------- keyboard only

def focused(page: Page) -> dict[str, str]:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {tag: el.tagName.toLowerCase(), id: el.id || '', name: el.getAttribute('name') || '',
                text: (el.innerText || el.value || '').trim().slice(0, 60),
                outline: style.outlineStyle, outlineWidth: style.outlineWidth,
                boxShadow: style.boxShadow, visible: el.matches(':focus-visible')};
    }""")


def tab_to(page: Page, predicate, limit: int = 200) -> list[dict[str, str]]:
    """Press Tab until `predicate(focused)` holds; return every element focused on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        seen.append(now)
        if predicate(now):
            return seen
    raise AssertionError("never reached the element by Tab; focused: "
                         + ", ".join(f"{s['tag']}#{s['id'] or s['name'] or s['text']}" for s in seen[-30:]))


def assert_focus_visible(state: dict[str, str]) -> None:
    shown = (state["outline"] not in ("none", "") and state["outlineWidth"] not in ("0px", "")) or \
        state["boxShadow"] not in ("none", "")
    assert state["visible"] and shown, f"focus is not visible on {state}"


def test_keyboard_only_filing(pages: Pages, live_server) -> None:
    live_server.need("monitor.new_complaint")
    page = pages.as_user("monitor", PHONE)
    page.goto("/complaints/new")
    # The stylesheet marks keyboard focus.
    has_rule = page.evaluate("""() => [...document.styleSheets].some(sheet => {
        try { return [...sheet.cssRules].some(r => (r.selectorText || '').includes(':focus-visible')
                                               && /outline|box-shadow/.test(r.cssText)); }
        catch (e) { return false; } })""")
    assert has_rule, "no :focus-visible rule with an outline in the stylesheets"

    # Tab order: the skip link first, then the menu, then the form in reading order.
    page.locator("body").focus()
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["tag"] == "a" and "Skip to content" in first["text"], first
    assert_focus_visible(first)
    page.keyboard.press("Enter")
    order = tab_to(page, lambda s: s["name"] == "election_id")
    assert not any(s["tag"] == "a" and s["text"].startswith("Log out") for s in order), \
        "skip link did not skip the menu"
    assert_focus_visible(order[-1])
    ids = [s["name"] for s in tab_to(page, lambda s: s["name"] == "summary")]
    expected = ["kind", "language", "respondents-0-respondent_id", "allegations-0-category_id",
                "allegations-0-facts", "awareness_at", "region_id", "summary"]
    positions = [ids.index(n) for n in expected if n in ids]
    assert len(positions) == len(expected), f"fields missing from the tab order: {set(expected) - set(ids)}"
    assert positions == sorted(positions), f"tab order does not follow the form: {ids}"

    # Submit the empty form with the keyboard: the errors are announced and tied to fields.
    tab_to(page, lambda s: s["tag"] in ("input", "button") and "Submit the complaint" in s["text"])
    assert_focus_visible(focused(page))
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    assert summary.get_attribute("role") == "alert" or summary.get_attribute("aria-live") in ("assertive", "polite")
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 2, "no field is marked aria-invalid"
    for i in range(invalid.count()):
        field = invalid.nth(i)
        described = (field.get_attribute("aria-describedby") or "").split()
        if field.evaluate("el => el.tagName") == "FIELDSET":
            continue
        assert any(d.endswith("-error") for d in described), f"{field.get_attribute('name')} has no error tied to it"
        error_id = next(d for d in described if d.endswith("-error"))
        expect(page.locator(f"#{error_id}")).not_to_be_empty()
    # The error summary's links move focus to the field.
    link = summary.get_by_role("link").first
    target = link.get_attribute("href").lstrip("#")
    link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == target
    assert_accessible(page)

    # Fill what is needed with the keyboard alone and submit.
    page.locator("[name=summary]").focus()
    page.keyboard.type("Keyboard-only filing: campaign leaflets handed out inside the polling station.")
    page.locator("[name='allegations-0-facts']").focus()
    page.keyboard.type("Leaflets were handed to voters in the queue.")
    category = page.locator("[name='allegations-0-category_id']")
    category.focus()
    page.keyboard.press("ArrowDown")  # a closed <select> takes arrow keys
    respondent = page.locator("[name='respondents-0-respondent_id']")
    respondent.focus()
    page.keyboard.press("ArrowDown")
    region = page.locator("[name=region_id]")
    region.focus()
    page.keyboard.press("ArrowDown")
    awareness = page.locator("[name=awareness_at]")
    awareness.focus()
    type_datetime(page, dt.datetime.now(BISHKEK) - dt.timedelta(hours=1))
    assert category.input_value() and respondent.input_value() and region.input_value(), \
        "arrow keys did not choose in the selects"
    assert awareness.input_value(), "typing did not fill the date and time"
    page.get_by_role("button", name="Submit the complaint").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Receipt")
    assert_accessible(page)


def test_the_check_itself_finds_violations(pages: Pages) -> None:
    """Guard against a silently broken check: a page with known faults must fail it."""
    page = pages.as_user(None)
    page.goto("/login")
    page.evaluate("""() => { const img = document.createElement('img'); img.src = '/static/app.css';
        document.querySelector('main').append(img);
        document.querySelector('label[for=username]').remove(); }""")
    with pytest.raises(AssertionError) as caught:
        assert_accessible(page)
    assert "image-alt" in str(caught.value) and "label" in str(caught.value)


def test_the_check_itself_catches_what_the_csp_refuses(pages: Pages) -> None:
    page = pages.as_user(None)
    page.goto("/login")
    page.evaluate("""() => { document.querySelector('main').insertAdjacentHTML('beforeend',
        '<p style="color: #111">inline style</p>'); }""")
    page.wait_for_timeout(200)
    with pytest.raises(AssertionError, match="Content-Security-Policy refused"):
        assert_accessible(page)
