"""Search, bulk actions and the respondent merge page in a real browser: accessible,
and a bulk assignment from the queue reports what changed."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Pages, assert_accessible

pytestmark = pytest.mark.browser


def test_queue_search_highlights_and_is_accessible(pages: Pages) -> None:
    page = pages.as_user("clerk")
    response = page.goto("/cases?q=Жээнбеков&status=all")
    assert response is not None and response.status == 200
    expect(page.locator("mark").first).to_be_visible()
    assert_accessible(page)


def test_bulk_assignment_from_the_queue(pages: Pages) -> None:
    page = pages.as_user("clerk")
    page.goto("/cases?status=under_examination")
    boxes = page.locator("input[type=checkbox][name=case]")
    assert boxes.count() >= 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.select_option("#bulk-action", "assign")
    page.select_option("#bulk-assignee_id", index=1)
    page.get_by_role("button", name="Apply to the selected cases").click()
    expect(page.get_by_text("cases changed;")).to_be_visible()
    assert_accessible(page)


def test_merge_page_is_accessible(pages: Pages) -> None:
    page = pages.as_user("admin")
    response = page.goto("/admin/respondents/merge?q=Jeenbekov")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name="Merge respondent records")).to_be_visible()
    assert_accessible(page)
