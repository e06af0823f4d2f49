"""Evidence intake rules, storage, audit, download and upload; and that another
monitor gets 404 for every page and file of a monitor's case."""
from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from complaints.lifecycle import Action, State, TransitionError
from complaints.models import CaseHistory, Complaint, Evidence, Filer
from complaints.services import cases as svc
from complaints.services import evidence_audit, media
from complaints.services import evidence_store as es
from tests import evidence_files as ef

MB = 1024 * 1024


@pytest.fixture()
def store(app, tmp_path):
    return {"evidence_dir": str(tmp_path / "store"), "max_file": MB, "max_case": 3 * MB}


@pytest.fixture()
def own_case(session, users):
    """A submitted case of `monitor`."""
    return session.scalars(select(Complaint).join(Filer, Complaint.filer_id == Filer.id)
                           .where(Filer.user_id == users["monitor"].id, Complaint.status == State.SUBMITTED)
                           .order_by(Complaint.id)).first() or _file_one(session, users)


def _file_one(session, users):
    seed_case = session.scalars(select(Complaint).where(Complaint.status != State.DRAFT)).first()
    data = svc.ComplaintInput(election_id=seed_case.election_id, summary="s",
                              respondent_ids=[seed_case.respondents[0].id],
                              allegations=[svc.AllegationInput(category_id=seed_case.allegations[0].category_id,
                                                               facts="f")],
                              awareness_at=seed_case.awareness_at, region_id=seed_case.region_id)
    case, _code = svc.file_complaint(session, data, filer=svc.resolve_filer_for(session, users["monitor"]),
                                     actor=users["monitor"])
    return case


@pytest.mark.parametrize("content,name,mime,kind", [
    (ef.jpeg(), "photo.JPG", "image/jpeg", "photo"),
    (ef.jpeg(with_exif=False), "photo.jpeg", "image/jpeg", "photo"),
    (ef.png(), "shot.png", "image/png", "photo"),
    (ef.pdf(), "protocol.pdf", "application/pdf", "document"),
    (ef.mp3(), "speech.mp3", "audio/mpeg", "audio"),
    (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64, "clip.mp4", "video/mp4", "video"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 64, "clip.mov", "video/quicktime", "video"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "img.heic", "image/heic", "photo"),
    (b"OggS\x00\x02" + b"\x00" * 22 + b"\x01vorbis" + b"\x00" * 64, "voice.ogg", "audio/ogg", "audio"),
    (ef.png(), "no-extension", "image/png", "photo"),
])
def test_allowed_types(session, users, own_case, store, content, name, mime, kind):
    ev = es.intake_file(session, own_case, io.BytesIO(content), name, actor=users["monitor"], **store)
    assert (ev.media_type, ev.kind.value, ev.size) == (mime, kind, len(content))
    assert ev.sha256 == hashlib.sha256(content).hexdigest() and ev.confidential
    stored = es.path_for(ev, store["evidence_dir"])
    assert stored == Path(store["evidence_dir"]) / ev.sha256[:2] / ev.sha256[2:4] / ev.sha256
    assert stored.read_bytes() == content
    assert not list((Path(store["evidence_dir"]) / "tmp").iterdir())
    row = session.scalars(select(CaseHistory).where(CaseHistory.complaint_id == own_case.id)
                          .order_by(CaseHistory.seq.desc())).first()
    assert row.action == "add_evidence" and row.payload["evidence"]["sha256"] == ev.sha256


@pytest.mark.parametrize("content,name,status,words", [
    (ef.pdf(), "photo.jpg", 415, "its content is PDF"),
    (ef.HTML, "image.png", 415, "not a type we accept"),
    (b"MZ\x90\x00" + b"\x00" * 100, "tool.pdf", 415, "not a type we accept"),
    (ef.jpeg(), "photo.png", 415, "its content is JPEG"),
    (b"", "empty.jpg", 422, "is empty"),
    (b"\xff\xd8\xff" + b"\x00" * (MB + 10), "huge.jpg", 413, "larger than 1 MB"),
])
def test_refused_files(session, users, own_case, store, content, name, status, words):
    before = session.scalar(select(CaseHistory.seq).order_by(CaseHistory.seq.desc()).limit(1))
    with pytest.raises(es.EvidenceRejected) as info:
        es.intake_file(session, own_case, io.BytesIO(content), name, actor=users["monitor"], **store)
    assert info.value.status == status and words in info.value.message and info.value.fields
    assert session.scalar(select(CaseHistory.seq).order_by(CaseHistory.seq.desc()).limit(1)) == before
    stored = [p for p in Path(store["evidence_dir"]).rglob("*") if p.is_file()]
    assert stored == []


def test_oversize_is_refused_without_reading_everything(session, users, own_case, store):
    class Endless(io.RawIOBase):
        read_bytes = 0

        def read(self, n=-1):
            self.read_bytes += n
            return b"\xff" * n

    stream = Endless()
    with pytest.raises(es.EvidenceRejected) as info:
        es.intake_file(session, own_case, stream, "x.jpg", actor=users["monitor"], **store)
    assert info.value.status == 413 and stream.read_bytes <= MB + es.CHUNK


def test_duplicate_and_case_total(session, users, own_case, store):
    es.intake_file(session, own_case, io.BytesIO(ef.png()), "a.png", actor=users["monitor"], **store)
    with pytest.raises(es.EvidenceRejected) as info:
        es.intake_file(session, own_case, io.BytesIO(ef.png()), "again.png", actor=users["monitor"], **store)
    assert info.value.status == 422 and "already attached" in info.value.message
    small = dict(store, max_case=len(ef.png()) + 10)
    with pytest.raises(es.EvidenceRejected) as info:
        es.intake_file(session, own_case, io.BytesIO(ef.pdf()), "b.pdf", actor=users["monitor"], **small)
    assert info.value.status == 413 and "in all" in info.value.message


def test_same_file_on_two_cases_shares_one_stored_copy(session, users, own_case, store):
    other = _file_one(session, users)
    a = es.intake_file(session, own_case, io.BytesIO(ef.pdf("shared")), "a.pdf", actor=users["monitor"], **store)
    path = es.path_for(a, store["evidence_dir"])
    mtime = os.stat(path).st_mtime_ns
    b = es.intake_file(session, other, io.BytesIO(ef.pdf("shared")), "b.pdf", actor=users["monitor"], **store)
    assert a.storage_key == b.storage_key and os.stat(path).st_mtime_ns == mtime


def test_links(session, users, own_case):
    ev = es.add_link(session, own_case, " https://24.kg/news/1 ", actor=users["monitor"], description="article")
    assert ev.url == "https://24.kg/news/1" and ev.kind.value == "link"
    for bad in ("javascript:alert(1)", "ftp://x.org/a", "https://", "data:text/html,hi"):
        with pytest.raises(es.EvidenceRejected):
            es.add_link(session, own_case, bad, actor=users["monitor"])


def test_evidence_refused_when_lifecycle_does_not_allow(session, users, own_case, store):
    svc.apply_action(session, own_case, Action.WITHDRAW, users["monitor"], {})
    with pytest.raises(TransitionError):
        es.intake_file(session, own_case, io.BytesIO(ef.png()), "a.png", actor=users["monitor"], **store)
    assert session.scalar(select(Evidence.id).where(Evidence.complaint_id == own_case.id,
                                                    Evidence.sha256.is_not(None))) is None


def test_verify_all_and_cli(session, users, own_case, store, runner, app):
    ev = es.intake_file(session, own_case, io.BytesIO(ef.png()), "a.png", actor=users["monitor"], **store)
    ev2 = es.intake_file(session, own_case, io.BytesIO(ef.pdf()), "b.pdf", actor=users["monitor"], **store)
    assert evidence_audit.verify_all(session, store["evidence_dir"]) == []
    path = es.path_for(ev, store["evidence_dir"])
    os.chmod(path, 0o644)
    path.write_bytes(b"tampered")
    es.path_for(ev2, store["evidence_dir"]).unlink()
    problems = evidence_audit.verify_all(session, store["evidence_dir"])
    assert len(problems) == 2
    assert any("SHA-256 is" in p and str(ev.id) in p for p in problems)
    assert any("missing" in p and str(ev2.id) in p for p in problems)
    app.config["EVIDENCE_DIR"] = store["evidence_dir"]
    session.commit()
    result = runner.invoke(args=["audit", "verify", "--evidence"])
    assert result.exit_code == 1 and "BROKEN evidence" in result.output


def test_exif_claim_with_offset_and_without_exif(tmp_path):
    p = tmp_path / "a.jpg"
    p.write_bytes(ef.jpeg(when="2017:10:15 12:00:00"))
    claim = media.exif_claim(p)
    assert claim.captured_at.isoformat() == "2017-10-15T06:00:00+00:00"
    assert (claim.lat, claim.lon) == (42.875, 74.6)
    p.write_bytes(ef.jpeg(with_exif=False))
    assert media.exif_claim(p) == media.ExifClaim()
    p.write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00\xff\xff")
    assert media.exif_claim(p) == media.ExifClaim()


# --------------------------------------------------------------------------- web

def _upload(client, case, *files, links=""):
    return client.post(f"/cases/{case.registration_number}/evidence",
                       data={"files": [(io.BytesIO(c), n) for c, n in files], "links": links,
                             "version": str(case.version)},
                       content_type="multipart/form-data")


def test_upload_and_download_from_case_page(client, auth, session, users, own_case):
    session.commit()
    auth.login("monitor")
    page = client.get(f"/cases/{own_case.registration_number}").get_data(as_text=True)
    assert "Add evidence" in page and f"/cases/{own_case.registration_number}/evidence" in page
    photo = ef.jpeg(salt=b"web")
    response = _upload(client, own_case, (photo, "scene.jpg"), links="https://example.org/a")
    assert response.status_code == 302
    ev = session.scalar(select(Evidence).where(Evidence.complaint_id == own_case.id,
                                               Evidence.sha256 == hashlib.sha256(photo).hexdigest()))
    assert client.get(f"/cases/{own_case.registration_number}/evidence/{ev.id}").status_code == 405
    download = client.post(f"/cases/{own_case.registration_number}/evidence/{ev.id}")
    assert download.status_code == 200 and download.data == photo
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "sandbox"
    download.close()
    rows = session.scalars(select(CaseHistory).where(CaseHistory.complaint_id == own_case.id,
                                                     CaseHistory.action == "evidence_downloaded")).all()
    assert len(rows) == 1 and rows[0].payload["evidence_id"] == ev.id and rows[0].actor_id == users["monitor"].id
    # A disguised file is refused with a readable message; nothing is stored.
    bad = _upload(client, own_case, (ef.HTML, "cute.png"))
    assert bad.status_code == 415 and "not a type we accept" in bad.get_data(as_text=True)
    # Staff who may see the case download too.
    auth.logout()
    auth.login("clerk")
    staff = client.post(f"/cases/{own_case.registration_number}/evidence/{ev.id}")
    assert staff.status_code == 200
    staff.close()


def test_upload_refused_when_lifecycle_does_not_allow(client, auth, session, users, own_case):
    svc.apply_action(session, own_case, Action.WITHDRAW, users["monitor"], {})
    session.commit()
    auth.login("monitor")
    page = client.get(f"/cases/{own_case.registration_number}").get_data(as_text=True)
    assert "Add evidence" not in page
    assert _upload(client, own_case, (ef.png(), "a.png")).status_code == 409
    auth.logout()
    auth.login("commissioner")
    svc_case = session.get(Complaint, own_case.id)
    assert _upload(client, svc_case, (ef.png(), "a.png")).status_code in (403, 409)


def test_other_monitor_gets_404_everywhere(client, auth, session, users, own_case, app, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "ev")
    ev = es.intake_file(session, own_case, io.BytesIO(ef.png(b"private")), "p.png", actor=users["monitor"],
                        evidence_dir=str(tmp_path / "ev"), max_file=MB, max_case=MB)
    draft = svc.create_complaint(session, svc.ComplaintInput(election_id=own_case.election_id),
                                 filer=svc.resolve_filer_for(session, users["monitor"]), actor=users["monitor"])
    session.commit()
    number = own_case.registration_number
    auth.login("monitor2")
    for url in (f"/cases/{number}", f"/cases/{number}/receipt", f"/complaints/{own_case.id}/edit",
                f"/complaints/{draft.id}/edit", "/complaints/99999999/edit"):
        assert client.get(url).status_code == 404, url
    for url in (f"/cases/{number}/evidence/{ev.id}", f"/cases/{number}/evidence/999999999"):
        assert client.post(url).status_code == 404, url
    assert _upload(client, own_case, (ef.pdf(), "x.pdf")).status_code == 404
    assert client.post(f"/complaints/{draft.id}/edit", data={"save_draft": "1"}).status_code == 404
    assert client.post("/complaints/new", data={"draft_id": str(draft.id), "election_id": str(draft.election_id),
                                                "save_draft": "1"}).status_code == 404
    mine = client.get("/complaints/mine").get_data(as_text=True)
    assert number not in mine and f"/complaints/{draft.id}/edit" not in mine
    # Nothing was added by the attempts.
    assert session.scalar(select(CaseHistory.action).where(CaseHistory.complaint_id == own_case.id)
                          .order_by(CaseHistory.seq.desc()).limit(1)) == "add_evidence"
    # The owner sees them all.
    auth.logout()
    auth.login("monitor")
    for url in (f"/cases/{number}", f"/cases/{number}/receipt", f"/complaints/{draft.id}/edit"):
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()
    response = client.post(f"/cases/{number}/evidence/{ev.id}")
    assert response.status_code == 200
    response.close()


def test_request_too_large_gets_readable_page(connection, tmp_path, users):
    from tests.conftest import TEST_PASSWORD, make_app

    app = make_app(connection, tmp_path, MAX_CONTENT_LENGTH=2000)
    client = app.test_client()
    client.post("/login", data={"username": "monitor", "password": TEST_PASSWORD})
    response = client.post("/complaints/new", data={"evidence_files": [(io.BytesIO(b"x" * 5000), "big.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "too large" in html and "<html" in html and re.search(r"\d+ MB a file", html)
