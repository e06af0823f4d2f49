"""Filing without a network (issue 12): the form filled offline with two photos is kept
on the phone, sent once when the network returns (same files, same SHA-256), and still
sent once when the tab was closed while offline and opened again later."""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests import evidence_files as ef
from tests.browser.helpers import BISHKEK, PHONE, LiveServer, Pages, assert_accessible, local_value
from tests.browser.test_journey import choose_option

pytestmark = pytest.mark.browser


def photos() -> list[dict[str, Any]]:
    return [{"name": "ballot-box.jpg", "mimeType": "image/jpeg", "buffer": ef.jpeg()},
            {"name": "queue.png", "mimeType": "image/png", "buffer": ef.png()}]


def fill(page: Page, summary: str, files: list[dict[str, Any]]) -> None:
    choose_option(page.get_by_label("Respondent", exact=True), "Бабанов")
    choose_option(page.get_by_label("Category"), "Vote buying")
    page.get_by_label("Facts").fill("Envelopes were handed to voters at the entrance.")
    now = dt.datetime.now(BISHKEK).replace(tzinfo=None)
    page.get_by_label("When you learned of it (Bishkek time)").fill(local_value(now - dt.timedelta(hours=1)))
    choose_option(page.get_by_label("Region"), "Бишкек")
    page.get_by_label("Summary").fill(summary)
    page.get_by_label("Evidence files").set_input_files(files)


def cases_with(live_server: LiveServer, summary: str) -> list[Any]:
    from complaints.db import db
    from complaints.models import Complaint, Evidence

    with live_server.app.app_context():
        try:
            cases = db.session.scalars(select(Complaint).where(Complaint.summary == summary)).all()
            return [(c.registration_number, c.status.value,
                     sorted(e.sha256 for e in db.session.scalars(
                         select(Evidence).where(Evidence.complaint_id == c.id, Evidence.sha256.is_not(None)))))
                    for c in cases]
        finally:
            db.session.remove()


def outbox_count(page: Page) -> int:
    return page.evaluate("""() => new Promise((resolve) => {
        const req = indexedDB.open('aryz-outbox', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('outbox', {keyPath: 'key'});
        req.onsuccess = () => { const db = req.result;
            const r = db.transaction('outbox').objectStore('outbox').count();
            r.onsuccess = () => { db.close(); resolve(r.result); }; };
    })""")


def test_filed_offline_with_two_photos_is_sent_once_when_back_online(live_server: LiveServer, pages: Pages) -> None:
    live_server.need("offline.service_worker")
    page = pages.as_user("monitor", PHONE)
    page.goto("/complaints/new")
    assert page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    files = photos()
    summary = "Offline filing: envelopes at the entrance of PS 1012"
    page.context.set_offline(True)
    fill(page, summary, files)
    page.get_by_role("button", name="Submit the complaint").click()
    expect(page.locator("#outbox")).to_contain_text("1 complaint waiting to be sent")
    assert outbox_count(page) == 1
    assert cases_with(live_server, summary) == []
    assert_accessible(page)

    page.context.set_offline(False)
    expect(page.locator("#outbox .outbox-sent")).to_contain_text("Sent: complaint", timeout=20_000)
    found = cases_with(live_server, summary)
    assert len(found) == 1, found
    number, status, hashes = found[0]
    assert status == "submitted" and number in page.locator("#outbox").inner_text()
    assert hashes == sorted(hashlib.sha256(f["buffer"]).hexdigest() for f in files)
    assert outbox_count(page) == 0  # nothing kept on the phone once it is sent
    assert_accessible(page)


def test_tab_closed_offline_sends_once_when_opened_again(live_server: LiveServer, pages: Pages) -> None:
    live_server.need("offline.service_worker")
    page = pages.as_user("monitor2", PHONE)
    context = page.context
    page.goto("/complaints/new")
    assert page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    summary = "Offline filing: observers kept away, tab closed"
    context.set_offline(True)
    fill(page, summary, photos())
    page.get_by_role("button", name="Submit the complaint").click()
    expect(page.locator("#outbox")).to_contain_text("1 complaint waiting to be sent")
    page.close()

    # Opened again while still offline: the filing form comes from the phone, the complaint waits.
    again = pages.open("monitor2-again", PHONE, context=context)
    again.goto("/complaints/new")
    expect(again.locator("#outbox")).to_contain_text("1 complaint waiting to be sent")
    assert cases_with(live_server, summary) == []
    context.set_offline(False)
    expect(again.locator("#outbox .outbox-sent")).to_contain_text("Sent: complaint", timeout=20_000)
    # Another tab opened afterwards sends nothing more.
    third = pages.open("monitor2-third", PHONE, context=context)
    third.goto("/complaints/mine")
    third.wait_for_load_state("networkidle")
    found = cases_with(live_server, summary)
    assert len(found) == 1 and len(found[0][2]) == 2, found
    assert outbox_count(third) == 0
