"""Issued documents: the published decision and the respondent's notice as PDFs in the
case's language, their SHA-256 in the history, on the public page and in the proof."""
from __future__ import annotations

import hashlib
import io
import json
import re

from pypdf import PdfReader
from sqlalchemy import select

from complaints.enums import Language
from complaints.lifecycle import Action, State
from complaints.models import CaseHistory
from complaints.services import cases as svc
from complaints.services import documents, transparency
from tests.workflow_helpers import case_in_state, demo, new_case


def _documents(session, case, action):
    return [r for r in session.scalars(select(CaseHistory).where(CaseHistory.complaint_id == case.id,
                                                                 CaseHistory.action == action)
                                       .order_by(CaseHistory.seq))]


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_published_decision_pdf_in_kyrgyz_hash_in_history_public_page_and_proof(app, client, session, tmp_path,
                                                                                monkeypatch):
    encoded = []
    real_make = documents.segno.make
    monkeypatch.setattr(documents.segno, "make", lambda content, **kw: encoded.append(content) or real_make(
        content, **kw))
    case = new_case(session)
    case.language = Language.KY
    users = demo(session)["users"]
    svc.apply_action(session, case, Action.ACCEPT, users["clerk"], {})
    svc.apply_action(session, case, Action.DECIDE, users["commissioner"], {
        "outcome": "upheld", "reasons": "Үгүт шайлоо участогунда жүргүзүлгөнү далилденди.",
        "legal_basis": "43-берене", "votes_for": 9, "votes_against": 2, "votes_abstain": 1})
    # The reasons name nobody private here, so the redacted text is the same words.
    svc.apply_action(session, case, Action.PUBLISH, users["clerk"],
                     {"public_text": "Үгүт шайлоо участогунда жүргүзүлгөнү далилденди."})
    session.commit()
    rows = _documents(session, case, "decision_document")
    assert len(rows) == 1
    doc = rows[0].payload["document"]
    assert doc["kind"] == "decision" and doc["language"] == "ky"
    pdf = documents.path_for(app.config["EVIDENCE_DIR"], doc["sha256"]).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == doc["sha256"]
    text = _text(pdf)
    assert case.registration_number in text
    assert "Чечим" in text and "Үгүт шайлоо участогунда" in text, text
    assert "жактады 9" in text and "каршы 2" in text and "калыс калды 1" in text
    assert "даттануу канааттандырылды" in text
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {f["/BaseFont"] for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("DejaVu" in str(f) for f in fonts), fonts
    assert all("/FontFile2" in f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
               for p in reader.pages for f in p["/Resources"]["/Font"].values()), "fonts are embedded"
    # The QR code's address, the public page, shows the same hash and serves the same bytes.
    page = client.get(f"/public/cases/{case.registration_number}").get_data(as_text=True)
    assert doc["sha256"] in page
    link = re.search(r'href="([^"]+\.pdf)"', page).group(1)
    with client.get(link) as served:
        assert served.status_code == 200 and served.mimetype == "application/pdf"
        assert served.data == pdf
    assert encoded == [f"{app.config['PUBLIC_BASE_URL']}/public/cases/{case.registration_number}"], \
        "the QR code leads to the public page"
    assert len(reader.pages[-1].images) == 1, "the QR code is drawn on the document"
    # ... and its inclusion proof carries the hash in a signed leaf.
    key = transparency.generate_key(tmp_path / "k.pem")
    del key
    transparency.make_checkpoint(session, transparency.load_key(tmp_path / "k.pem"))
    session.commit()
    proof = client.get(f"/public/cases/{case.registration_number}/proof.json").get_json()
    leaves = [json.loads(e["leaf"]) for e in proof["entries"]]
    assert doc["sha256"] in [leaf["document"] for leaf in leaves]


def test_respondent_notice_pdf_in_russian(app, session):
    case = case_in_state(session, State.UNDER_EXAMINATION)
    assert case.language == Language.RU
    users = demo(session)["users"]
    svc.apply_action(session, case, Action.NOTIFY_RESPONDENT, users["investigator"],
                     {"respondent_id": case.respondents[0].id})
    session.commit()
    (row,) = _documents(session, case, "notice_document")
    doc = row.payload["document"]
    pdf = documents.path_for(app.config["EVIDENCE_DIR"], doc["sha256"]).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == doc["sha256"]
    text = _text(pdf)
    assert "Уведомление" in text and "Срок для объяснения" in text and case.registration_number in text
    assert row.internal is False, "the notice's hash is on the public page, its content is not"


def test_a_notice_is_not_downloadable_by_the_public(app, client, session):
    case = case_in_state(session, State.UNDER_EXAMINATION)
    users = demo(session)["users"]
    svc.apply_action(session, case, Action.NOTIFY_RESPONDENT, users["investigator"],
                     {"respondent_id": case.respondents[0].id})
    session.commit()
    (row,) = _documents(session, case, "notice_document")
    sha = row.payload["document"]["sha256"]
    assert sha in client.get(f"/public/cases/{case.registration_number}").get_data(as_text=True)
    assert client.get(f"/public/cases/{case.registration_number}/documents/{sha}.pdf").status_code == 404
