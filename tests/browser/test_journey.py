"""A complaint's whole journey in a real browser, from a monitor's phone to the public
register, with axe (WCAG 2.1 A/AA) on every page it passes through.

The steps are tests in file order sharing one `journey` record: a step whose
predecessor failed is skipped (saying so); a step whose page the app does not have
yet is skipped naming the missing endpoint."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from babel.support import Translations
from playwright.sync_api import Locator, Page, expect

from complaints.i18n import TRANSLATIONS
from tests.browser.helpers import BISHKEK, PHONE, LiveServer, Pages, assert_accessible, local_value

pytestmark = pytest.mark.browser

CANDIDATE = "Өмүрбек Бабанов"  # the demo's official Cyrillic name
FILER_NAME = "Aida Monitor"  # the demo monitor's filer record (seed)
SUMMARY = "Campaign posters of a candidate were put up inside polling station 1052 on the eve of the vote."
PUBLIC_DASHBOARD = ("public.dashboard", "/public")
STAFF_DASHBOARD = ("dashboard.staff", "/dashboard")


#: The journey runs once in each language; Playwright's locale is the browser's Accept-Language.
LANGUAGES = {"ru": "ru-RU", "ky": "ky-KG"}
#: The demo's configured names the journey picks, in each language (data, not messages).
CATEGORY = {"ru": "запрещённых местах", "ky": "Тыюу салынган жерлерде"}
REGION = "Бишкек"
_translations: dict[str, Any] = {}


@pytest.fixture(scope="module", params=list(LANGUAGES))
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def journey(lang: str) -> dict[str, Any]:
    return {"lang": lang}


@pytest.fixture(autouse=True)
def in_language(pages: Pages, lang: str) -> None:
    """Every browser context of the step speaks the journey's language; t() says a message in it."""
    pages.locale = LANGUAGES[lang]
    _translations["current"] = Translations.load(str(TRANSLATIONS), [lang])


def t(message: str) -> str:
    """A message of the app in the journey's language (as the pages say it)."""
    return str(_translations["current"].gettext(message))


def needs(journey: dict[str, Any], *keys: str) -> None:
    missing = [k for k in keys if k not in journey]
    if missing:
        pytest.skip("an earlier step of the journey did not get this far (" + ", ".join(missing) + ")")


# --------------------------------------------------------------------------- helpers

def choose_option(select: Locator, contains: str) -> str:
    """Select the option whose text contains `contains`; return its value."""
    value = select.evaluate("""(el, text) => {
        const opt = [...el.options].find(o => o.textContent.includes(text));
        return opt ? opt.value : null; }""", contains)
    assert value, f"no option containing {contains!r}"
    select.select_option(value)
    return value


def make_files(pages: Pages) -> list[dict[str, Any]]:
    """Two real photos (JPEG, PNG) and a real PDF, made by the browser itself."""
    page = pages.open("file-maker", {"width": 320, "height": 240})
    page.set_content("<body style='margin:0;background:#fde68a'><h1 style='color:#1e3a8a'>"
                     "Poster at polling station 1052</h1><p>15 Oct 2017, 09:40</p></body>")
    jpeg = page.screenshot(type="jpeg", quality=85)
    page.set_content("<body style='margin:0;background:#bfdbfe'><h1>Queue outside PS 1052</h1></body>")
    png = page.screenshot(type="png")
    page.set_content("<h1>Statement of a witness</h1><p>I saw the posters at 09:40 on 15 October 2017.</p>")
    pdf = page.pdf(format="A4")
    page.close()
    assert jpeg[:3] == b"\xff\xd8\xff" and png[:8] == b"\x89PNG\r\n\x1a\n" and pdf[:5] == b"%PDF-"
    return [{"name": "poster.jpg", "mimeType": "image/jpeg", "buffer": jpeg},
            {"name": "queue.png", "mimeType": "image/png", "buffer": png},
            {"name": "witness-statement.pdf", "mimeType": "application/pdf", "buffer": pdf}]


def stat_numbers(page: Page) -> dict[str, int]:
    """Every labelled whole number on a dashboard: definition lists, table rows, and
    elements marked data-stat. Keys are the labels, lower-cased."""
    return page.evaluate("""() => {
        const out = {};
        const num = t => { const m = (t || '').replace(/[\\s\\u00a0,]/g, '').match(/^(\\d+)$/); return m ? +m[1] : null; };
        const put = (label, value) => { label = (label || '').trim().toLowerCase().replace(/\\s+/g, ' ');
            if (label && value !== null && !(label in out)) out[label] = value; };
        document.querySelectorAll('[data-stat]').forEach(el => put(el.dataset.stat, num(el.textContent)));
        document.querySelectorAll('main dt').forEach(dt => { const dd = dt.nextElementSibling;
            if (dd && dd.tagName === 'DD') put(dt.textContent, num(dd.textContent)); });
        document.querySelectorAll('main tr').forEach(tr => { const cells = tr.querySelectorAll('th, td');
            if (cells.length === 2) put(cells[0].textContent, num(cells[1].textContent)); });
        return out; }""")


def total_of(numbers: dict[str, int], where: str) -> int:
    if "total" in numbers:
        return numbers["total"]
    for label, value in numbers.items():
        if re.search(r"\btotal\b|all (cases|complaints)|complaints (received|filed)|cases (received|filed)", label):
            return value
    raise AssertionError(f"no total count found on {where}: {numbers}")


def read_dashboards(server: LiveServer, pages: Pages) -> dict[str, dict[str, int]]:
    """The numbers on the public and the staff dashboard, for those the app has."""
    out: dict[str, dict[str, int]] = {}
    if server.has(PUBLIC_DASHBOARD[0]):
        page = pages.as_user(None)
        page.goto(PUBLIC_DASHBOARD[1])
        out["public"] = stat_numbers(page)
    if server.has(STAFF_DASHBOARD[0]):
        page = pages.as_user("clerk")
        page.goto(STAFF_DASHBOARD[1])
        out["staff"] = stat_numbers(page)
    return out


def menu(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=name)


def case_page(page: Page, number: str) -> None:
    response = page.goto(f"/cases/{number}")
    assert response is not None and response.status == 200, f"/cases/{number}: HTTP {response and response.status}"


def open_action(page: Page, action: str) -> Locator:
    """The action's form on the case page (opened), scoped for label look-ups."""
    box = page.locator(f"details#act-{action}")
    expect(box, f"the action {action} is not offered on {page.url}").to_have_count(1)
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box.locator("form")


def submit_action(form: Locator) -> None:
    page = form.page
    with page.expect_navigation():
        form.get_by_role("button").last.click()


def expect_done(page: Page, status: str) -> None:
    expect(page.locator(".flash-success")).to_contain_text(t("Done. The case is now “%(status)s”.").split(".")[0])
    expect(page.locator("hgroup .badge").first).to_have_text(status)


# --------------------------------------------------------------------------- the steps

def test_dashboards_before(live_server: LiveServer, pages: Pages, journey: dict[str, Any]) -> None:
    journey["before"] = read_dashboards(live_server, pages)


def test_monitor_files_from_a_phone(live_server: LiveServer, pages: Pages, journey: dict[str, Any]) -> None:
    live_server.need("monitor.new_complaint", "monitor.receipt")
    files = make_files(pages)
    page = pages.open("monitor", PHONE)
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name=t("Log in")).click()
    assert_accessible(page)
    page.get_by_label(t("Username")).fill("monitor")
    page.get_by_label(t("Password")).fill("test-password-123")
    page.get_by_role("button", name=t("Log in")).click()
    menu(page, t("New complaint")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("File a complaint"))
    assert_accessible(page)

    page.get_by_label(t("A report of a violation")).check()
    # The optional parts start folded: this monitor fills them too.
    page.locator("form.filing-form details:not([open]) > summary").evaluate_all("els => els.forEach(s => s.click())")
    choose_option(page.get_by_label(t("Respondent"), exact=True), CANDIDATE)
    choose_option(page.get_by_label(t("Category")), CATEGORY[journey["lang"]])
    page.get_by_label(t("Legal provision (article)")).fill("Constitutional Law on Elections, art. 22")
    page.get_by_label(t("Facts")).fill("Two posters of the candidate hung inside the voting room at 09:40.")
    now = dt.datetime.now(BISHKEK).replace(tzinfo=None)
    page.get_by_label(t("When it happened (Bishkek time)")).fill(local_value(now - dt.timedelta(hours=3)))
    page.get_by_label(t("When you learned of it (Bishkek time)")).fill(local_value(now - dt.timedelta(hours=2)))
    choose_option(page.get_by_label(t("Region")), REGION)
    page.get_by_label(t("Place: address or description")).fill("Polling station 1052, school No. 5")
    page.get_by_label(t("Summary")).fill(SUMMARY)
    page.get_by_label(t("Remedy sought")).fill("Remove the posters and warn the candidate.")
    page.get_by_label(t("Evidence files")).set_input_files(files)
    page.get_by_label(t("What the files and links show")).fill("Photos of the posters; a witness statement")
    assert_accessible(page)
    page.get_by_role("button", name=t("Submit the complaint")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Receipt for complaint"))
    heading = page.get_by_role("heading", level=1).inner_text()
    number = re.search(r"[A-Z0-9]+-\d{6}", heading).group(0)
    code = page.locator("#tracking-code").inner_text().strip()
    assert code, "no tracking code on the receipt"
    # The receipt's fingerprints are those of the files as sent.
    rows = page.locator("table.evidence-hashes tbody tr")
    shown = {rows.nth(i).locator("td").nth(0).inner_text().strip(): rows.nth(i).locator("code").inner_text().strip()
             for i in range(rows.count())}
    expected = {f["name"]: hashlib.sha256(f["buffer"]).hexdigest() for f in files}
    assert shown == expected
    filer = page.locator(f"dt:has-text('{t('Filer')}') + dd").inner_text()
    assert FILER_NAME in filer
    assert_accessible(page)
    journey.update(number=number, code=code, hashes=expected)

    page.get_by_role("button", name=t("Open the case")).click()  # a link styled (and announced) as a button
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    links = page.locator("form[action*='/evidence/']")
    assert links.count() == 3
    journey["evidence_urls"] = [links.nth(i).get_attribute("action") for i in range(3)]
    with page.expect_download() as download_info:
        page.get_by_role("button", name=t("witness-statement.pdf")).click()
    downloaded = Path(download_info.value.path()).read_bytes()
    assert hashlib.sha256(downloaded).hexdigest() == expected["witness-statement.pdf"]
    assert_accessible(page)

    menu(page, t("My complaints")).click()
    expect(page.get_by_role("link", name=number, exact=True)).to_be_visible()
    assert_accessible(page)


def test_other_monitor_cannot_open_the_case(pages: Pages, journey: dict[str, Any]) -> None:
    needs(journey, "number", "evidence_urls")
    page = pages.as_user("monitor2", PHONE)
    response = page.goto(f"/cases/{journey['number']}")
    assert response is not None and response.status == 404
    assert SUMMARY not in page.content()
    assert_accessible(page)
    page.goto("/complaints/mine")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.content())
    assert token, "no CSRF token on the page"
    for url in journey["evidence_urls"]:
        response = page.request.post(url, form={"csrf_token": token.group(1)})
        assert response.status == 404, f"monitor2 got {response.status} for {url}"
    response = page.goto(f"/cases/{journey['number']}/receipt")
    assert response is not None and response.status == 404


def test_clerk_accepts_and_assigns_a_stale_tab_is_refused(live_server: LiveServer, pages: Pages,
                                                          journey: dict[str, Any]) -> None:
    needs(journey, "number")
    live_server.need("workflow.queue", "workflow.act")
    number = journey["number"]
    page = pages.as_user("clerk")
    menu(page, t("Work queue")).click()
    page.get_by_label(t("Status")).select_option("submitted")
    choose_option(page.get_by_label(t("Respondent")), CANDIDATE)
    page.get_by_role("button", name=t("Filter")).click()
    assert_accessible(page)
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    assert_accessible(page)

    form = open_action(page, "accept")
    assert_accessible(page)
    submit_action(form)
    expect_done(page, t("under examination"))

    # Two tabs on the same case: assign in one, then act in the other, which is stale.
    stale = pages.open("clerk-stale-tab", context=page.context)
    case_page(stale, number)
    form = open_action(page, "assign")
    choose_option(form.get_by_label(t("Assignee")), "investigator")
    submit_action(form)
    expect_done(page, t("under examination"))
    expect(page.locator("section[aria-labelledby=h-parties]")).to_contain_text(t("Assignee"))

    note = "Called the polling station chair; the posters are still up."
    stale_form = open_action(stale, "add_note")
    stale_form.get_by_label(re.compile(re.escape(t("Internal note (never shown to the filer or the public)")[:12]))).fill(note)
    with stale.expect_response(re.compile(r"/actions/add_note$")) as refused:
        submit_action(stale_form)
    assert refused.value.status == 409
    alert = stale.locator("#action-refusal")
    expect(alert).to_be_visible()
    changed_by = t("This case was changed by %(who)s at %(when)s.").split("%(when)s")[0] % {"who": "Cholpon Clerk"}
    expect(alert).to_contain_text(changed_by.strip())  # the demo clerk, in the other tab
    expect(alert).to_contain_text(t("Nothing was saved."))
    assert stale.locator("#action-refusal").get_attribute("role") == "alert"
    expect(stale.locator("textarea[name='add_note-note']")).to_have_value(note)  # what was typed is kept
    assert_accessible(stale)
    case_page(page, number)
    assert note not in page.content(), "the stale tab's note was saved"
    journey["accepted"] = True


def test_investigator_notifies_and_records_the_reply(pages: Pages, journey: dict[str, Any]) -> None:
    needs(journey, "accepted")
    number = journey["number"]
    page = pages.as_user("investigator")
    menu(page, t("Work queue")).click()
    page.get_by_label(t("My cases")).check()
    page.get_by_role("button", name=t("Filter")).click()
    page.get_by_role("link", name=number, exact=True).click()
    assert_accessible(page)

    form = open_action(page, "notify_respondent")
    choose_option(form.get_by_label(t("Respondent")), CANDIDATE)
    submit_action(form)
    expect_done(page, t("under examination"))
    expect(page.locator("section[aria-labelledby=h-notices]")).to_contain_text(t("No reply yet."))

    form = open_action(page, "record_reply")
    choose_option(form.get_by_label(t("Respondent")), CANDIDATE)
    form.get_by_label(t("The reply")).fill("The posters were put up by unknown persons and removed at noon.")
    assert_accessible(page)
    submit_action(form)
    expect_done(page, t("under examination"))
    expect(page.locator("section[aria-labelledby=h-notices]")).to_contain_text(t("Replied"))
    assert_accessible(page)
    journey["replied"] = True


def test_commissioner_schedules_the_hearing_and_decides(pages: Pages, journey: dict[str, Any]) -> None:
    needs(journey, "replied")
    page = pages.as_user("commissioner")
    case_page(page, journey["number"])

    form = open_action(page, "schedule_hearing")
    hearing = (dt.datetime.now(BISHKEK) + dt.timedelta(days=1)).replace(hour=10, minute=0, tzinfo=None)
    form.get_by_label(t("Date and time (Bishkek time)")).fill(local_value(hearing))
    form.get_by_label(t("Place")).fill("CEC building, hall 2")
    assert_accessible(page)
    submit_action(form)
    expect_done(page, t("hearing scheduled"))
    expect(page.get_by_text("CEC building, hall 2")).to_be_visible()

    form = open_action(page, "decide")
    form.get_by_label(t("Outcome")).select_option("upheld")
    form.get_by_label(t("Reasons")).fill("The posters were inside the voting room, where campaigning is prohibited.")
    form.get_by_label(t("Legal basis")).fill("Constitutional Law on Elections, art. 22(6)")
    form.get_by_label(t("Votes for")).fill("9")
    form.get_by_label(t("Votes against")).fill("2")
    row = form.locator(".sanction-row").first
    row.get_by_label(t("Sanction"), exact=True).select_option("warning")
    choose_option(row.get_by_label(t("On respondent"), exact=True), CANDIDATE)
    row.get_by_label(t("Note"), exact=True).fill("A warning to the candidate.")
    assert_accessible(page)
    submit_action(form)
    expect_done(page, t("decided"))
    decision = page.locator("section[aria-labelledby^=h-decision-]")
    expect(decision).to_contain_text(t("upheld"))
    expect(decision).to_contain_text(f"{t('warning')}: {CANDIDATE}")
    assert_accessible(page)
    journey["decided"] = True


def test_clerk_publishes(pages: Pages, journey: dict[str, Any]) -> None:
    needs(journey, "decided")
    page = pages.as_user("clerk")
    case_page(page, journey["number"])
    form = open_action(page, "publish")
    # Nothing is pre-filled: only a redacted text the clerk writes reaches the register.
    form.get_by_label(t("Redacted text for the public register")).fill("The commission upheld the complaint and warned the candidate.")
    assert_accessible(page)
    submit_action(form)
    expect_done(page, t("published"))
    assert_accessible(page)
    # The printable documents reached from the case page.
    page.get_by_role("button", name=t("Decision document")).click()
    expect(page.locator("main")).to_contain_text(t("upheld"))
    assert_accessible(page)
    # The notice to a respondent is printed during the examination only (access.may_print_notice).
    journey["published"] = True


def test_anyone_tracks_it_with_the_code(live_server: LiveServer, pages: Pages, journey: dict[str, Any]) -> None:
    needs(journey, "number", "code")
    live_server.need("monitor.track")
    page = pages.as_user(None, PHONE)
    page.goto("/")
    menu(page, t("Track a complaint")).click()
    page.get_by_label(t("Registration number")).fill(journey["number"])
    page.get_by_label(t("Tracking code")).fill("WRONG-CODE-1234")
    page.get_by_role("button", name=t("Show the status")).click()
    expect(page.get_by_role("alert").filter(has_text=t("No complaint matches this registration number and tracking code. Check both and try again."))).to_be_visible()
    assert_accessible(page)
    page.get_by_label(t("Tracking code")).fill(journey["code"])
    page.get_by_role("button", name=t("Show the status")).click()
    result = page.locator("#track-result")
    expect(result).to_contain_text(journey["number"])
    expect(result.locator(".badge")).to_have_text(t("published") if "published" in journey else re.compile(r"\w"))
    assert FILER_NAME not in result.inner_text()
    assert_accessible(page)


def test_anyone_finds_it_in_the_public_register(live_server: LiveServer, pages: Pages,
                                                journey: dict[str, Any]) -> None:
    needs(journey, "published")
    live_server.need("public.register")
    number = journey["number"]
    page = pages.as_user(None, PHONE)
    page.goto("/")
    menu(page, t("Public register")).click()
    assert_accessible(page)
    entry = page.get_by_role("link", name=number, exact=True)
    if entry.count() == 0:  # not on the first page: look it up
        search = page.get_by_role("searchbox").or_(page.get_by_label(t("Registration number or respondent")))
        search.first.fill(number)
        search.first.press("Enter")
        page.wait_for_load_state()
    assert FILER_NAME not in page.content()
    page.get_by_role("link", name=number, exact=True).first.click()
    expect(page.locator("main")).to_contain_text(number)
    expect(page.locator("main")).to_contain_text(CANDIDATE)  # a candidate is a public figure
    expect(page.locator("main")).to_contain_text(t("upheld"))
    body = page.content()
    assert FILER_NAME not in body and "ID-DEMO-MON-1" not in body and "monitor@example.org" not in body
    assert_accessible(page)


@pytest.mark.parametrize("which", ["public", "staff"])
def test_dashboard_counts_moved_by_one(live_server: LiveServer, pages: Pages, journey: dict[str, Any],
                                       which: str) -> None:
    needs(journey, "published", "before")
    endpoint, path = PUBLIC_DASHBOARD if which == "public" else STAFF_DASHBOARD
    live_server.need(endpoint)
    before = journey["before"].get(which)
    assert before is not None, f"{path} was not read before the journey"
    page = pages.as_user(None if which == "public" else "clerk")
    page.goto(path)
    after = stat_numbers(page)
    assert total_of(after, path) == total_of(before, path) + 1, (before, after)
    assert_accessible(page)
