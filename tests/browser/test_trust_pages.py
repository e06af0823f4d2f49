"""The public record pages (signed checkpoints, a case's documents and proof link) pass
WCAG 2.1 A/AA, and the proof link serves JSON."""
from __future__ import annotations

import re

import pytest

from tests.browser.helpers import Pages, assert_accessible

pytestmark = pytest.mark.browser


def test_public_audit_and_case_record_pages(pages: Pages) -> None:
    page = pages.as_user(None)
    response = page.goto("/public/audit")
    assert response is not None and response.status == 200
    assert_accessible(page)
    page.goto("/public/register")
    href = page.locator("main a[href^='/public/cases/']").first.get_attribute("href")
    assert href and re.fullmatch(r"/public/cases/[A-Z0-9]+-\d{6}", href)
    page.goto(href)
    assert_accessible(page)
    proof = page.get_by_role("link", name="proof.json")
    response = page.goto(proof.get_attribute("href") or "")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("application/json")
