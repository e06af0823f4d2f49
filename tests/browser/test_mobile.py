"""The monitor's phone (issue 12): every page of every role fits a 360 px screen, lists
become cards that show the deadline without scrolling, the filing form's errors come as
one summary with every problem linked, and a double submit files one case."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import BISHKEK, PHONE, LiveServer, Pages, assert_accessible, local_value
from tests.browser.test_accessibility import first_case_link, menu_links

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}
ROLES = ["monitor", "clerk", "investigator", "commissioner", "admin"]


def overflow(page: Page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def assert_fits(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 400, f"{path}: HTTP {response and response.status}"
    # Folded parts count too: open them.
    page.locator("details:not([open]) > summary").evaluate_all("els => els.forEach(s => s.click())")
    width, inner = overflow(page)
    if width > inner:
        culprits = page.evaluate("""(inner) => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > inner + 1)
            .slice(0, 5).map(el => el.tagName + '.' + el.className + '#' + el.id + ' ' + Math.round(el.getBoundingClientRect().right))""",
                                 inner)
        raise AssertionError(f"{path} scrolls sideways at {inner} px: {width} px wide; {culprits}")


def pages_of(page: Page, role: str | None) -> list[str]:
    page.goto("/")
    paths = [p for p in menu_links(page) if p != "/logout"]
    extra = ["/", "/login", "/track", "/public/register", "/public"]
    for path in list(paths):
        page.goto(path)
        case = first_case_link(page)
        if case:
            extra.append(case)
    return list(dict.fromkeys(paths + extra))


@pytest.mark.parametrize("role", [None, *ROLES])
def test_no_page_scrolls_sideways_at_360(pages: Pages, role: str | None) -> None:
    page = pages.as_user(role, NARROW)
    for path in pages_of(page, role):
        assert_fits(page, path)


def assert_deadlines_in_view(page: Page) -> int:
    """Every case card's deadline lies within the screen's width; returns how many were checked."""
    boxes = page.locator("table.cards td.card-due").evaluate_all(
        "cells => cells.map(c => { const r = c.getBoundingClientRect(); return [r.left, r.right, c.innerText]; })")
    inner = page.evaluate("() => window.innerWidth")
    for left, right, text in boxes:
        assert 0 <= left and right <= inner, f"a deadline is off screen ({left}-{right} of {inner}): {text}"
    return len(boxes)


def test_queue_and_my_complaints_show_the_deadline_on_a_phone(pages: Pages) -> None:
    clerk = pages.as_user("clerk", PHONE)
    clerk.goto("/cases?status=all")
    assert assert_deadlines_in_view(clerk) >= 5
    expect(clerk.locator("td.card-due", has_text=re.compile(r"\d{4}")).first).to_be_visible()
    overdue = clerk.locator("td.card-due .overdue-badge").first
    expect(overdue).to_be_visible()
    # A card is short: number, status and deadline in a few lines, not a column per line.
    height = clerk.locator("table.cards tbody tr").first.evaluate("r => r.getBoundingClientRect().height")
    assert height < 160, f"a queue card is {height} px tall"
    assert_accessible(clerk)

    monitor = pages.as_user("monitor", PHONE)
    monitor.goto("/complaints/mine")
    assert assert_deadlines_in_view(monitor) >= 1
    assert_accessible(monitor)


def test_wide_queue_fits_1280(pages: Pages) -> None:
    page = pages.as_user("clerk", {"width": 1280, "height": 900})
    page.goto("/cases?status=all")
    table, wrap = page.evaluate("""() => { const t = document.querySelector('table.queue');
        return [t.getBoundingClientRect().right, t.parentElement.getBoundingClientRect().right]; }""")
    assert table <= wrap + 1, f"the queue table is cut off at 1280 px: {table} > {wrap}"
    expect(page.locator("table.queue thead th").last).to_be_in_viewport()


# --------------------------------------------------------------------------- the filing form

def summary_targets(page: Page) -> list[str]:
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    assert page.locator(".error-summary").count() == 1, "more than one error summary"
    text = summary.inner_text()
    assert "{" not in text and "_id" not in text, f"a Python structure or field name in the summary: {text}"
    targets = summary.locator("li a").evaluate_all("links => links.map(a => a.getAttribute('href').slice(1))")
    assert len(targets) == summary.locator("li").count(), "a problem without a link to its field"
    for target in targets:
        assert page.locator(f"[id='{target}']").count() == 1, f"the summary links to #{target}, which is not there"
    return targets


def open_form(pages: Pages, who: str = "monitor") -> Page:
    page = pages.as_user(who, PHONE)
    page.goto("/complaints/new")
    return page


def test_each_kind_of_mistake_gives_one_summary_with_every_error_linked(pages: Pages) -> None:
    page = open_form(pages)
    # Nothing filled: respondents, allegations, when, where and what, all at once.
    page.get_by_role("button", name="Submit the complaint").click()
    targets = summary_targets(page)
    for expected in ("respondents-0-respondent_id", "allegations-0-category_id", "awareness_at", "region_id",
                     "summary"):
        assert expected in targets, targets
    # The page is scrolled to the summary, and its links put the cursor in the field.
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert page.locator("#error-summary").evaluate("el => el.getBoundingClientRect().top") < 844
    page.locator("#error-summary a[href='#region_id']").click()
    assert page.evaluate("() => document.activeElement.id") == "region_id"
    assert_accessible(page)

    # A new respondent without its kind, an allegation without facts, a filer without standing,
    # a file that is no photo: each named and linked.
    page.locator("details:has(#respondents-0-new_name) > summary").click()
    page.locator("#respondents-0-new_name").fill("A market owner")
    choose = page.locator("#allegations-0-category_id")
    choose.select_option(index=1)
    page.get_by_label("I file on behalf of another filer").check()
    page.get_by_label("Filer's standing").select_option("observer")
    page.get_by_label("Evidence files").set_input_files(
        [{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"MZ\x90\x00 not a photo at all" * 20}])
    page.get_by_role("button", name="Submit the complaint").click()
    targets = summary_targets(page)
    for expected in ("respondents-0-new_kind", "allegations-0-facts", "filer-name", "filer-accreditation_number",
                     "evidence_files"):
        assert expected in targets, targets
    assert_accessible(page)


def test_late_reason_appears_only_when_the_dates_make_it_late(pages: Pages) -> None:
    page = open_form(pages)
    box = page.locator("#late-box")
    expect(box).to_be_hidden()
    awareness = page.get_by_label("When you learned of it (Bishkek time)")
    now = dt.datetime.now(BISHKEK).replace(tzinfo=None)
    awareness.fill(local_value(now - dt.timedelta(hours=2)))
    expect(box).to_be_hidden()
    awareness.fill(local_value(now - dt.timedelta(days=9)))
    expect(box).to_be_visible()
    expect(page.get_by_label("Why it is filed after the deadline")).to_be_visible()
    # Optional parts start folded: the form is short on a phone.
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 3600, f"the filing form is {height} px tall"


def test_double_submit_makes_one_case(live_server: LiveServer, pages: Pages) -> None:
    from tests.browser.test_offline import cases_with, fill, photos

    page = open_form(pages, "monitor2")
    summary = "Double tap: one complaint however often it is posted"
    fill(page, summary, photos())
    # Two posts of the same form at once, as a double tap (or a retry) sends them.
    urls = page.evaluate("""() => { const f = document.querySelector('form.filing-form');
        const b = f.querySelector('[name=submit]');
        const post = () => fetch(f.action, {method: 'POST', body: new FormData(f, b), credentials: 'same-origin'});
        return Promise.all([post(), post()]).then(rs => rs.map(r => [r.status, new URL(r.url).pathname])); }""")
    assert urls[0] == urls[1] and urls[0][0] == 200 and urls[0][1].endswith("/receipt"), urls
    found = cases_with(live_server, summary)
    assert len(found) == 1 and len(found[0][2]) == 2, found
    # And the form's own button, tapped twice.
    page.goto("/complaints/new")
    again = "Double tap on the button: still one complaint"
    fill(page, again, photos())
    page.evaluate("""() => { const f = document.querySelector('form.filing-form');
        const b = f.querySelector('[name=submit]'); f.requestSubmit(b); f.requestSubmit(b); }""")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Receipt for complaint")
    assert len(cases_with(live_server, again)) == 1
