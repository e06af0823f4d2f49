"""The filing form on a monitor's phone (issue 12): one plain error summary listing every
problem at once, a form that files once however often it is posted, each role's own
landing page, and drafts named by date and words."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from complaints.lifecycle import State
from complaints.models import Complaint
from tests.test_filing import demo, form_data  # noqa: F401 (the fixture is used by name)


def summary_items(html: str) -> list[str]:
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert block, "no error summary"
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", block.group(0), re.S)]


def test_every_problem_at_once_in_plain_words_each_linked(client, auth, demo):  # noqa: F811
    auth.login("monitor")
    data = form_data(demo, submit="1", summary="", region_id="", awareness_at="", on_behalf="y",
                     **{"respondents-0-respondent_id": "", "allegations-0-category_id": "",
                        "filer-kind": "observer", "filer-name": "Aida"})
    response = client.post("/complaints/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    items = summary_items(html)
    text = " | ".join(items)
    for expected in ("Respondent 1, respondent: Name at least one respondent",
                     "Allegation 1, category: Choose a category.",
                     "Filer, accreditation number (observers): An observer gives the accreditation number.",
                     "Summary: Summarise the complaint.", "Region: Choose the region.",
                     "Say when you learned of it."):
        assert expected in text, text
    assert "{" not in text and "[" not in text and "_id" not in text and "accreditation_number" not in text
    for target in ("respondents-0-respondent_id", "allegations-0-category_id", "filer-accreditation_number",
                   "summary", "region_id", "awareness_at"):
        assert f'href="#{target}"' in html and f'id="{target}"' in html, target
    assert "There are 6 problems to fix" in html


def test_same_form_posted_twice_files_one_case(client, auth, session, users, demo):  # noqa: F811
    auth.login("monitor")
    page = client.get("/complaints/new").get_data(as_text=True)
    key = re.search(r'name="form_key" type="hidden" value="([0-9a-f]+)"', page).group(1)
    before = session.scalar(select(func.count()).select_from(Complaint)
                            .where(Complaint.created_by_id == users["monitor"].id))
    data = form_data(demo, submit="1", form_key=key)
    first = client.post("/complaints/new", data=data)
    second = client.post("/complaints/new", data=form_data(demo, submit="1", form_key=key))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    after = session.scalar(select(func.count()).select_from(Complaint)
                           .where(Complaint.created_by_id == users["monitor"].id))
    assert after == before + 1
    # The retry shows the receipt with the tracking code: the first answer may never have arrived.
    receipt = client.get(second.headers["Location"]).get_data(as_text=True)
    assert 'id="tracking-code"' in receipt
    # Another form (another key) is another complaint.
    third = client.post("/complaints/new", data=form_data(demo, submit="1"))
    assert third.headers["Location"] != first.headers["Location"]


def test_failed_then_corrected_post_of_one_form_files_once(client, auth, session, users, demo):  # noqa: F811
    auth.login("monitor")
    key = "a" * 32
    bad = client.post("/complaints/new", data=form_data(demo, submit="1", summary="", form_key=key))
    assert bad.status_code == 422
    good = client.post("/complaints/new", data=form_data(demo, submit="1", form_key=key))
    assert good.status_code == 302 and "/receipt" in good.headers["Location"]
    again = client.post("/complaints/new", data=form_data(demo, submit="1", form_key=key))
    assert again.headers["Location"] == good.headers["Location"]
    filed = session.scalars(select(Complaint).where(Complaint.created_by_id == users["monitor"].id,
                                                    Complaint.status != State.DRAFT)
                            .order_by(Complaint.id.desc())).first()
    assert good.headers["Location"].endswith(f"/cases/{filed.registration_number}/receipt")


def test_each_role_lands_on_its_own_work(client, auth):
    homes = {"monitor": "/complaints/mine", "clerk": "/cases", "investigator": "/cases?mine=1",
             "commissioner": "/cases?escalated=1"}
    for username, home in homes.items():
        response = auth.login(username)
        assert response.headers["Location"] == home, username
        auth.logout()
    response = auth.login("admin")
    assert response.headers["Location"] in ("/admin", "/admin/", "/dashboard")


def test_monitor_menu_has_no_api_link(client, auth):
    auth.login("monitor")
    html = client.get("/complaints/mine").get_data(as_text=True)
    nav = re.search(r'<nav aria-label="Main">.*?</nav>', html, re.S).group(0)
    assert ">API<" not in nav and "Track a complaint" not in nav and "My complaints" in nav
    auth.logout()
    auth.login("clerk")
    nav = re.search(r'<nav aria-label="Main">.*?</nav>', client.get("/cases").get_data(as_text=True), re.S).group(0)
    assert ">API<" in nav


def test_drafts_are_named_by_date_and_words(client, auth, session, users, demo):  # noqa: F811
    auth.login("monitor")
    client.post("/complaints/new", data=form_data(demo, save_draft="1", summary="Ballots carried out of PS 1012"))
    html = client.get("/complaints/mine?status=draft").get_data(as_text=True)
    draft = session.scalars(select(Complaint).where(Complaint.created_by_id == users["monitor"].id,
                                                    Complaint.status == State.DRAFT)
                            .order_by(Complaint.id.desc())).first()
    assert "Draft of " in html and "“Ballots carried out of PS 1012”" in html
    assert f">Draft {draft.id}<" not in html


def test_installable_manifest_and_service_worker_from_our_origin(client, auth):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    body = manifest.get_json()
    assert body["display"] == "standalone" and body["start_url"] == "/"
    assert {i["sizes"] for i in body["icons"]} == {"192x192", "512x512"}
    for icon in body["icons"]:
        with client.get(icon["src"]) as response:
            assert response.data[:8] == b"\x89PNG\r\n\x1a\n"
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/" and "no-cache" in worker.headers["Cache-Control"]
    assert "default-src 'self'" in worker.headers["Content-Security-Policy"]
    # The outbox script and its sentences come with every signed-in page; never inline code.
    auth.login("monitor")
    html = client.get("/complaints/new").get_data(as_text=True)
    assert 'rel="manifest"' in html and "offline.js" in html and 'data-user="monitor"' in html
    assert "1 complaint waiting to be sent" in html and "2 complaints waiting to be sent" in html
    assert re.search(r"<script>(?!</script>)", html) is None


def test_filer_and_public_read_steps_as_sentences_staff_keep_action_names(client, auth, session, users,
                                                                         demo):  # noqa: F811
    from complaints.models import CaseHistory

    auth.login("monitor")
    receipt = client.post("/complaints/new", data=form_data(demo, submit="1"))
    number = receipt.headers["Location"].split("/")[2]
    html = client.get(f"/cases/{number}").get_data(as_text=True)
    assert "Your complaint was received." in html and "You started a draft." in html
    assert "draft → submitted" not in html and ">submit<" not in html
    auth.logout()
    # A hearing, scheduled by the commission, reads with its date in the public register.
    hearing = session.scalars(select(CaseHistory).where(CaseHistory.action == "schedule_hearing")
                              .order_by(CaseHistory.seq)).first()
    case = session.get(Complaint, hearing.complaint_id)
    public = client.get(f"/public/cases/{case.registration_number}").get_data(as_text=True)
    assert "The commission scheduled a hearing." in public or "The commission scheduled a hearing for" in public
    assert "The complaint was received." in public
    auth.login("clerk")
    staff = client.get(f"/cases/{number}").get_data(as_text=True)
    assert "<td>submit</td>" in staff and "Your complaint was received." not in staff


def test_confirmation_is_a_sentence(client, auth, session, demo):  # noqa: F811
    from complaints.models import CaseHistory
    from tests.workflow_helpers import post_action, text_of

    submitted = session.scalars(select(Complaint).where(Complaint.status == State.SUBMITTED)
                                .order_by(Complaint.id)).first()
    auth.login("clerk")
    response = post_action(client, submitted, "accept")
    assert response.status_code == 302, text_of(response)[:1000]
    page = text_of(client.get(response.headers["Location"]))
    assert "Done. The commission accepted the complaint for examination. The case is now" in page
    assert session.scalar(select(CaseHistory).where(CaseHistory.complaint_id == submitted.id,
                                                    CaseHistory.action == "accept")) is not None


def test_photo_capture_time_and_place_shown_as_the_filers_claim(client, auth, demo):  # noqa: F811
    import io

    from tests import evidence_files as ef

    auth.login("monitor")
    data = form_data(demo, submit="1")
    data["evidence_files"] = [(io.BytesIO(ef.jpeg()), "banner.jpg"), (io.BytesIO(ef.pdf()), "protocol.pdf")]
    response = client.post("/complaints/new", data=data, content_type="multipart/form-data")
    number = response.headers["Location"].split("/")[2]
    for path in (response.headers["Location"], f"/cases/{number}"):
        html = client.get(path).get_data(as_text=True)
        assert html.count("The photo's own data says (the filer's claim):") == 1, path  # the photo, not the PDF
        assert "at 42.87500, " in html and "taken " in html
    assert "Received by the commission" in html


def test_a_failed_submit_leaves_no_draft_behind(client, auth, session, users, demo):  # noqa: F811
    auth.login("monitor")
    mine = select(func.count()).select_from(Complaint).where(Complaint.created_by_id == users["monitor"].id)
    before = session.scalar(mine)
    response = client.post("/complaints/new", data=form_data(demo, submit="1", summary="", region_id=""))
    assert response.status_code == 422 and "There are 2 problems to fix" in response.get_data(as_text=True)
    assert session.scalar(mine) == before
