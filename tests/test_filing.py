"""The monitors' filing form, drafts, receipt, "my complaints", tracking and the
clerk's intake form (issue 3)."""
from __future__ import annotations

import hashlib
import io
import re

import pytest
from sqlalchemy import select

from complaints.lifecycle import Action, State
from complaints.models import CaseHistory, Category, Complaint, Election, Evidence, Filer, Precinct, Respondent
from complaints.services import cases as svc
from tests import evidence_files as ef


@pytest.fixture()
def demo(session):
    election = session.scalar(select(Election).where(Election.code == "KG2017P"))
    cats = {c.code: c for c in session.scalars(select(Category).where(Category.election_id == election.id))}
    babanov = session.scalar(select(Respondent).where(Respondent.name.like("%Бабанов%"),
                                                      Respondent.kind == "candidate"))
    precinct = session.scalars(select(Precinct).order_by(Precinct.id)).first()
    return {"election": election, "cats": cats, "babanov": babanov, "precinct": precinct,
            "district": precinct.district, "region": precinct.district.region}


def form_data(demo, **over):
    data = {
        "election_id": str(demo["election"].id), "kind": "violation",
        "respondents-0-respondent_id": str(demo["babanov"].id),
        "allegations-0-category_id": str(demo["cats"]["vote_buying"].id),
        "allegations-0-legal_provision": "art. 22",
        "allegations-0-facts": "Money handed out at the school gate.",
        "incident_at": "2017-10-15T09:00", "awareness_at": "2017-10-15T09:30",
        "region_id": str(demo["region"].id), "district_id": str(demo["district"].id),
        "precinct_id": str(demo["precinct"].id),
        "summary": "Vote buying outside the polling station.", "remedy_sought": "Investigate.",
        "language": "ru", "late_reason": "Reported late because of intimidation.",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def newest_case(session, user) -> Complaint:
    return session.scalars(select(Complaint).where(Complaint.created_by_id == user.id)
                           .order_by(Complaint.id.desc())).first()


def test_form_renders_for_monitor_only(client, auth):
    assert client.get("/complaints/new").status_code == 302  # log in first
    auth.login("monitor")
    page = client.get("/complaints/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'id="filer-details"' in html
    for name in ("respondents-0-respondent_id", "allegations-0-facts", "awareness_at", "evidence_files",
                 "region_id", "precinct_id", "late_reason", "on_behalf"):
        assert f'name="{name}"' in html, name
    assert 'data-region="' in html and 'data-district="' in html
    assert "style=" not in html and "onclick" not in html
    auth.logout()
    auth.login("clerk")
    assert client.get("/complaints/new").status_code == 403


def test_submit_with_files_gives_receipt_with_hashes(client, auth, session, users, demo, app):
    auth.login("monitor")
    photo1, photo2, doc = ef.jpeg(), ef.png(), ef.pdf()
    data = form_data(demo, submit="1")
    data["evidence_files"] = [(io.BytesIO(photo1), "banner.jpg"), (io.BytesIO(photo2), "banner2.png"),
                              (io.BytesIO(doc), "protocol.pdf")]
    data["evidence_links"] = "https://24.kg/example-article"
    response = client.post("/complaints/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    case = newest_case(session, users["monitor"])
    assert case.status == State.SUBMITTED and case.registration_number
    assert response.headers["Location"].endswith(f"/cases/{case.registration_number}/receipt")
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    for content in (photo1, photo2, doc):
        assert hashlib.sha256(content).hexdigest() in receipt
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', receipt).group(1)
    assert svc.tracking_code_matches(case, code)
    assert case.registration_number in receipt and "Deadlines that now run" in receipt
    # The tracking code is shown once, never again.
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert code not in again and hashlib.sha256(doc).hexdigest() in again
    # The photo's EXIF is recorded as a claim; the filer is the monitor's own record.
    photo = session.scalar(select(Evidence).where(Evidence.complaint_id == case.id, Evidence.media_type == "image/jpeg"))
    assert photo.gps_lat == pytest.approx(42.875) and photo.captured_at is not None and photo.confidential
    assert case.filer.user_id == users["monitor"].id
    assert [r.id for r in case.respondents] == [demo["babanov"].id]
    actions = session.scalars(select(CaseHistory.action).where(CaseHistory.complaint_id == case.id)
                              .order_by(CaseHistory.seq)).all()
    assert actions.count("add_evidence") == 4 and actions[-1] == "submit"


@pytest.mark.parametrize("field,value,message", [
    ("election_id", "", "Choose the election."),
    ("incident_at", "yesterday", "Not a valid datetime"),
    ("awareness_at", "2099-01-01T10:00", "in the future"),
    ("awareness_at", "2017-10-14T09:00", "before it happened"),
    ("latitude", "123", "between -90"),
    ("allegations-0-category_id", "", "Choose a category."),
    ("allegations-0-facts", "", "State the facts."),
    ("summary", "", "Summarise the complaint."),
    ("region_id", "", "Choose the region."),
    ("respondents-0-new_name", "Someone New", "not both"),
    ("evidence_links", "javascript:alert(1)", "not a web address"),
    ("district_id", "999999", "Not a valid choice"),
])
def test_field_validation_keeps_input(client, auth, demo, field, value, message):
    auth.login("monitor")
    data = form_data(demo, submit="1", summary="My typed summary that must survive.")
    data[field] = value
    if field == "summary":
        data["remedy_sought"] = "My typed remedy."
    response = client.post("/complaints/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'aria-invalid="true"' in html and "error-summary" in html
    if field != "summary":
        assert "My typed summary that must survive." in html
    else:
        assert "My typed remedy." in html
    assert "Money handed out at the school gate." in html or field == "allegations-0-facts"


def staged_token(html: str) -> str:
    return re.search(r'name="staged_evidence" type="hidden" value="([^"]+)"', html).group(1)


def test_uploads_survive_errors_and_are_not_asked_twice(client, auth, session, users, demo):
    auth.login("monitor")
    before = newest_case(session, users["monitor"])
    photo = ef.jpeg(salt=b"survive")
    data = form_data(demo, submit="1", summary="")
    data["evidence_files"] = [(io.BytesIO(photo), "gate.jpg")]
    first = client.post("/complaints/new", data=data, content_type="multipart/form-data")
    assert first.status_code == 422
    html = first.get_data(as_text=True)
    # Nothing is written by a refused POST; the file waits in the store, named by the form.
    assert newest_case(session, users["monitor"]) is before
    assert session.scalar(select(Evidence.id).where(Evidence.sha256 == hashlib.sha256(photo).hexdigest())) is None
    assert "gate.jpg" in html and hashlib.sha256(photo).hexdigest() in html
    # Fix the summary and send again without the file: the form still carries it.
    data = form_data(demo, submit="1", staged_evidence=staged_token(html))
    second = client.post("/complaints/new", data=data)
    assert second.status_code == 302
    case = newest_case(session, users["monitor"])
    assert case.status == State.SUBMITTED
    assert session.scalar(select(Evidence.sha256).where(Evidence.complaint_id == case.id)) == \
        hashlib.sha256(photo).hexdigest()


def test_refused_file_is_reported_and_good_ones_kept(client, auth, session, users, demo):
    auth.login("monitor")
    data = form_data(demo, save_draft="1")
    data["evidence_files"] = [(io.BytesIO(ef.pdf()), "fake.jpg"), (io.BytesIO(ef.png()), "ok.png")]
    before = newest_case(session, users["monitor"])
    response = client.post("/complaints/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "fake.jpg" in html and "its content is PDF" in html
    assert newest_case(session, users["monitor"]) is before
    # The good file is kept by the form; saving again attaches it alone.
    assert "ok.png" in html
    again = client.post("/complaints/new", data=form_data(demo, save_draft="1", staged_evidence=staged_token(html)))
    assert again.status_code == 302
    case = newest_case(session, users["monitor"])
    names = session.scalars(select(Evidence.original_name).where(Evidence.complaint_id == case.id)).all()
    assert names == ["ok.png"]


def test_staged_files_are_bound_to_the_user(client, auth, session, users, demo):
    auth.login("monitor")
    data = form_data(demo, submit="1", summary="")
    data["evidence_files"] = [(io.BytesIO(ef.png(b"mine")), "mine.png")]
    token = staged_token(client.post("/complaints/new", data=data, content_type="multipart/form-data")
                         .get_data(as_text=True))
    auth.logout()
    auth.login("monitor2")
    assert client.post("/complaints/new", data=form_data(demo, submit="1", staged_evidence=token)).status_code == 302
    case = newest_case(session, users["monitor2"])
    assert session.scalar(select(Evidence.id).where(Evidence.complaint_id == case.id)) is None


def test_save_draft_and_come_back(client, auth, session, users, demo):
    auth.login("monitor")
    data = form_data(demo, save_draft="1", summary="Half written", **{"allegations-0-facts": "Draft facts"})
    response = client.post("/complaints/new", data=data)
    assert response.status_code == 302
    case = newest_case(session, users["monitor"])
    assert case.status == State.DRAFT and case.registration_number is None
    assert response.headers["Location"].endswith(f"/complaints/{case.id}/edit")
    page = client.get(f"/complaints/{case.id}/edit").get_data(as_text=True)
    assert "Half written" in page and "Draft facts" in page and "2017-10-15T09:30" in page
    mine = client.get("/complaints/mine").get_data(as_text=True)
    assert f"/complaints/{case.id}/edit" in mine
    # An empty draft (only the election) may be saved too.
    bare = client.post("/complaints/new", data={"election_id": str(demo["election"].id), "save_draft": "1",
                                                "kind": "violation"})
    assert bare.status_code == 302
    # Submit the draft from its edit page.
    done = client.post(f"/complaints/{case.id}/edit", data=form_data(demo, submit="1", draft_id=str(case.id),
                                                                     version=str(case.version)))
    assert done.status_code == 302 and "/receipt" in done.headers["Location"]


def test_new_respondent_and_add_row_without_js(client, auth, session, users, demo):
    auth.login("monitor")
    data = form_data(demo, add_respondent="1")
    response = client.post("/complaints/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="respondents-1-respondent_id"' in html
    data = form_data(demo, submit="1", **{"respondents-1-new_kind": "media", "respondents-1-new_name": "Example TV"})
    assert client.post("/complaints/new", data=data).status_code == 302
    case = newest_case(session, users["monitor"])
    assert [r.name for r in case.respondents] == [demo["babanov"].name, "Example TV"]
    assert case.respondents[1].kind.value == "media"


def test_on_behalf_of_another_filer(client, auth, session, users, demo):
    auth.login("monitor")
    data = form_data(demo, submit="1", on_behalf="y", **{"filer-kind": "observer", "filer-name": "Nurlan Observer"})
    response = client.post("/complaints/new", data=data)
    assert response.status_code == 422 and "accreditation number" in response.get_data(as_text=True)
    data["filer-accreditation_number"] = "OBS-77"
    assert client.post("/complaints/new", data=data).status_code == 302
    case = newest_case(session, users["monitor"])
    assert case.filer.name == "Nurlan Observer" and case.filer.accreditation_number == "OBS-77"
    assert case.status == State.SUBMITTED


def test_late_filing_warns_then_files(client, auth, session, users, demo):
    auth.login("monitor")
    data = form_data(demo, submit="1", late_reason="")
    first = client.post("/complaints/new", data=data)
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "past the filing deadline" in html
    assert 'name="confirm_late" type="hidden" value="1"' in html
    data.update(confirm_late="1")
    assert client.post("/complaints/new", data=data).status_code == 302
    case = newest_case(session, users["monitor"])
    assert case.status == State.SUBMITTED and case.late


def test_appeal_cannot_be_anonymous_in_intake(client, auth, session, users, demo):
    auth.login("clerk")
    assert client.get("/complaints/intake").status_code == 200
    data = form_data(demo, submit="1", kind="appeal", act_date="2017-10-19T10:00", channel="paper",
                     **{"filer-kind": "anonymous"})
    response = client.post("/complaints/intake", data=data)
    assert response.status_code == 422 and "cannot be anonymous" in response.get_data(as_text=True)


def test_clerk_intake_paper_complaint(client, auth, session, users, demo):
    auth.login("clerk")
    data = form_data(demo, submit="1", channel="phone", received_at="2017-10-15T11:00",
                     **{"filer-kind": "voter", "filer-name": "Aigul Voter", "filer-phone": "+996 555 123 456",
                        "filer-identity_number": "AN123", "filer-consent_to_contact": "y"})
    response = client.post("/complaints/intake", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = newest_case(session, users["clerk"])
    assert case.channel.value == "phone" and case.status == State.SUBMITTED
    assert case.received_at.isoformat().startswith("2017-10-15T05:00")
    assert case.filer.name == "Aigul Voter" and case.filer.user_id is None and case.filer.consent_to_contact
    assert not case.late
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'id="tracking-code">([A-Z0-9-]+)<', receipt)
    auth.logout()
    auth.login("monitor")
    assert client.get("/complaints/intake").status_code == 403


def test_mine_lists_own_cases_with_badges(client, auth, session, users, demo):
    auth.login("monitor")
    page = client.get("/complaints/mine")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    own = session.scalars(select(Complaint).where(Complaint.filer_id.in_(
        select(Filer.id).where(Filer.user_id == users["monitor"].id)))).all()
    other = session.scalars(select(Complaint).where(Complaint.filer_id.in_(
        select(Filer.id).where(Filer.user_id == users["monitor2"].id)))).all()
    assert own
    for c in own[:5]:
        assert (c.registration_number or f"/complaints/{c.id}/edit") in html
    for c in other:
        assert c.registration_number not in html
    waiting = client.get("/complaints/mine?status=waiting").get_data(as_text=True)
    for c in own:
        if c.status == State.DEFICIENT:
            assert c.registration_number in waiting
    submitted = client.get("/complaints/mine?status=submitted").get_data(as_text=True)
    assert "status-closed" not in submitted


def test_track_identical_answers(client, session, users, demo):
    case = session.scalars(select(Complaint).where(Complaint.status != State.DRAFT)).first()
    wrong = client.post("/track", data={"registration_number": case.registration_number,
                                        "tracking_code": "AAAA-BBBB-CCCC"})
    unknown = client.post("/track", data={"registration_number": "KG2017P-999999",
                                          "tracking_code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == unknown.status_code == 200

    def result(r):
        return re.search(r'id="track-result">(.*?)</p>', r.get_data(as_text=True), re.S).group(1)
    assert result(wrong) == result(unknown)
    # The right pair shows the status and the public history, no internal rows.
    code = svc.new_tracking_code()
    case.tracking_code_hash = svc.hash_tracking_code(code)
    svc.apply_action(session, case, Action.ADD_NOTE, users["clerk"], {"note": "secret internal remark"}) \
        if case.status in (State.SUBMITTED, State.UNDER_EXAMINATION) else None
    session.commit()
    ok = client.post("/track", data={"registration_number": case.registration_number.lower(),
                                     "tracking_code": code.lower()})
    html = ok.get_data(as_text=True)
    assert case.registration_number in html and "submit" in html
    assert "secret internal remark" not in html and "add note" not in html


def test_respondent_search(client, auth, demo):
    assert client.get("/complaints/respondents?q=bab").status_code == 302
    auth.login("monitor")
    rows = client.get(f"/complaints/respondents?q=bab&election={demo['election'].id}").get_json()
    assert any(r["id"] == demo["babanov"].id for r in rows)
    assert client.get("/complaints/respondents?q=").get_json() == []
    assert client.get("/complaints/respondents?q=%25").status_code == 200


def test_deficient_case_edit_corrects_content(client, auth, session, users, demo):
    auth.login("monitor")
    client.post("/complaints/new", data=form_data(demo, submit="1"))
    case = newest_case(session, users["monitor"])
    svc.apply_action(session, case, Action.MARK_DEFICIENT, users["clerk"], {"defects": "Give the precinct"})
    session.commit()
    page = client.get(f"/complaints/{case.id}/edit").get_data(as_text=True)
    assert "Give the precinct" in page and "Save the corrections" in page
    data = form_data(demo, save_draft="1", summary="Corrected summary", version=str(case.version))
    response = client.post(f"/complaints/{case.id}/edit", data=data)
    assert response.status_code == 302 and case.registration_number in response.headers["Location"]
    session.refresh(case)
    assert case.summary == "Corrected summary" and case.status == State.DEFICIENT
    # A submitted case is not editable any more.
    svc.apply_action(session, case, Action.CURE, users["monitor"], {"note": "fixed"})
    session.commit()
    assert client.get(f"/complaints/{case.id}/edit").status_code == 302


def test_new_respondent_in_another_script_names_the_registry_record(client, auth, session, users, demo):
    """Typing "Jeenbekov Sooronbai" as a new candidate offers, and uses, the registry's
    "Сооронбай Жээнбеков": one record, counted once."""
    existing = session.scalar(select(Respondent).where(Respondent.name == "Сооронбай Жээнбеков"))
    assert existing is not None
    auth.login("monitor")
    data = form_data(demo, submit="1", **{"respondents-1-new_kind": "candidate",
                                          "respondents-1-new_name": "Jeenbekov  Sooronbai"})
    response = client.post("/complaints/new", data=data)
    assert response.status_code == 302
    case = newest_case(session, users["monitor"])
    assert [r.id for r in case.respondents] == [demo["babanov"].id, existing.id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "already in the registry as “Сооронбай Жээнбеков”" in page
