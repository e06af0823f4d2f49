"""The dashboards in a real browser: the charts are drawn under the CSP, labelled, and the
pages pass the accessibility check with their charts in place."""
from __future__ import annotations

import pytest

from tests.browser.helpers import Pages, assert_accessible

pytestmark = pytest.mark.browser

CHARTS = ["chart-days", "chart-hours", "chart-categories", "chart-regions", "chart-outcomes"]


@pytest.mark.parametrize(("user", "path"), [("clerk", "/dashboard"), (None, "/public")])
def test_charts_are_drawn_with_their_tables(pages: Pages, user: str | None, path: str) -> None:
    page = pages.as_user(user)
    response = page.goto(path)
    assert response is not None and response.status == 200
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-days'))")
    for chart in CHARTS:
        drawn = page.evaluate(f"() => !!Chart.getChart(document.getElementById('{chart}'))")
        assert drawn, f"{chart} was not drawn on {path}"
        canvas = page.locator(f"#{chart}")
        assert canvas.get_attribute("role") == "img"
        assert page.locator(f"#{chart}-table tbody tr").count() > 0
    assert_accessible(page)
