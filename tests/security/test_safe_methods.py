"""No GET writes history (finding 22): a link on another site must not create entries."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from complaints.lifecycle import State
from complaints.models import CaseHistory, Complaint, Filer, RespondentNotice
from complaints.services import evidence_store as es
from tests import evidence_files as ef


def _rows(session, case) -> int:
    return session.scalar(select(func.count()).select_from(CaseHistory).where(CaseHistory.complaint_id == case.id))


def test_an_evidence_download_is_a_post_and_a_get_writes_nothing(app, client, auth, session, users):
    case = session.scalars(select(Complaint).join(Filer, Complaint.filer_id == Filer.id)
                           .where(Filer.user_id == users["monitor"].id, Complaint.status == State.SUBMITTED)).first()
    ev = es.intake_file(session, case, io.BytesIO(ef.png(salt=b"get")), "g.png", actor=users["monitor"],
                        evidence_dir=app.config["EVIDENCE_DIR"], max_file=10**6, max_case=10**8)
    auth.login("clerk")
    before = _rows(session, case)
    assert client.get(f"/cases/{case.registration_number}/evidence/{ev.id}").status_code == 405
    assert _rows(session, case) == before
    response = client.post(f"/cases/{case.registration_number}/evidence/{ev.id}")
    assert response.status_code == 200
    response.close()
    assert _rows(session, case) == before + 1


def test_reading_a_printable_notice_writes_nothing(client, auth, session):
    notice = session.scalars(select(RespondentNotice)).first()
    assert notice is not None
    case = session.get(Complaint, notice.complaint_id)
    auth.login("investigator")
    before = _rows(session, case)
    response = client.get(f"/cases/{case.registration_number}/notice/{notice.respondent_id}")
    assert response.status_code == 200
    assert _rows(session, case) == before


def test_the_case_page_offers_downloads_as_forms(app, client, auth, session, users):
    case = session.scalars(select(Complaint).join(Filer, Complaint.filer_id == Filer.id)
                           .where(Filer.user_id == users["monitor"].id, Complaint.status == State.SUBMITTED)).first()
    ev = es.intake_file(session, case, io.BytesIO(ef.png(salt=b"form")), "form.png", actor=users["monitor"],
                        evidence_dir=app.config["EVIDENCE_DIR"], max_file=10**6, max_case=10**8)
    auth.login("monitor")
    page = client.get(f"/cases/{case.registration_number}").get_data(as_text=True)
    assert f'<form method="post" action="/cases/{case.registration_number}/evidence/{ev.id}"' in page
    assert f'href="/cases/{case.registration_number}/evidence/{ev.id}"' not in page
