"""Hostile uploads: unusual EXIF (finding 9), a lost upload race (16), and what a killed
worker leaves behind (17)."""
from __future__ import annotations

import io
import os
import struct
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from complaints.lifecycle import State
from complaints.models import Complaint, Evidence, Filer
from complaints.services import evidence_store as es
from complaints.services import media
from complaints.services.errors import ConflictError
from tests import evidence_files as ef


def _jpeg_with(ifd0_entries, gps_entries=None, salt=b"") -> bytes:
    """A JPEG whose IFD0 has `ifd0_entries`; a GPS IFD (if given) is placed after it and
    any 0x8825 entry whose value is None points there."""
    ifd0_at = 8
    ifd0_size = 2 + 12 * len(ifd0_entries) + 4
    extra = sum(len(v) + len(v) % 2 for _t, _y, _n, v in ifd0_entries if v is not None and len(v) > 4)
    gps_at = ifd0_at + ifd0_size + extra
    entries = [(t, y, n, struct.pack("<I", gps_at) if v is None else v) for t, y, n, v in ifd0_entries]
    ifd0, data0 = ef._ifd(entries, ifd0_at)
    gps_ifd, gps_data = ef._ifd(gps_entries or [], gps_at) if gps_entries else (b"", b"")
    tiff = b"II*\x00" + struct.pack("<I", ifd0_at) + ifd0 + data0 + gps_ifd + gps_data
    app1 = b"Exif\x00\x00" + tiff
    comment = b"hostile" + salt
    return (b"\xff\xd8\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + b"\xff\xfe"
            + struct.pack(">H", len(comment) + 2) + comment + b"\xff\xd9")


def _longs(*values: int) -> bytes:
    return b"".join(struct.pack("<I", v) for v in values)


HOSTILE_JPEGS = {
    "rational exif pointer": _jpeg_with([(0x8769, 5, 1, ef._rationals((26, 1)))]),
    "rational gps pointer": _jpeg_with([(0x8825, 5, 1, ef._rationals((26, 1)))]),
    "long gps values": _jpeg_with([(0x8825, 4, 1, None)],
                                  [(1, 2, 2, b"N\x00"), (2, 4, 3, _longs(42, 52, 30)),
                                   (3, 2, 2, b"E\x00"), (4, 4, 3, _longs(74, 36, 0))]),
    "short gps values": _jpeg_with([(0x8825, 4, 1, None)], [(2, 3, 3, struct.pack("<HHH", 1, 2, 3) + b"\x00\x00")]),
    "two exif pointers": _jpeg_with([(0x8769, 4, 2, _longs(8, 8))]),
    "pointer past the end": _jpeg_with([(0x8769, 4, 1, _longs(10**6))]),
    "zero denominators": _jpeg_with([(0x8825, 4, 1, None)],
                                    [(2, 5, 3, ef._rationals((1, 0), (1, 0), (1, 0))),
                                     (4, 5, 3, ef._rationals((1, 0), (1, 0), (1, 0)))]),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_JPEGS))
def test_unusual_exif_is_no_claim(tmp_path, name):
    path = tmp_path / "x.jpg"
    path.write_bytes(HOSTILE_JPEGS[name])
    assert media.exif_claim(path) == media.ExifClaim()


@pytest.fixture()
def own_case(session, users):
    return session.scalars(select(Complaint).join(Filer, Complaint.filer_id == Filer.id)
                           .where(Filer.user_id == users["monitor"].id, Complaint.status == State.SUBMITTED)
                           .order_by(Complaint.id)).first()


def _store_files(app) -> set[str]:
    root = Path(app.config["EVIDENCE_DIR"])
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _upload(client, case, content, name="photo.jpg"):
    return client.post(f"/cases/{case.registration_number}/evidence",
                       data={"files": [(io.BytesIO(content), name)], "version": str(case.version)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("name", sorted(HOSTILE_JPEGS))
def test_unusual_exif_uploads_on_the_web_and_the_api(app, client, auth, session, own_case, name):
    auth.login("monitor")
    content = HOSTILE_JPEGS[name]
    assert _upload(client, own_case, content).status_code == 302
    keys = set(session.scalars(select(Evidence.storage_key).where(Evidence.complaint_id == own_case.id,
                                                                  Evidence.storage_key.is_not(None))))
    assert _store_files(app) == keys
    from complaints.services import tokens
    _token, secret = tokens.create_token(session, _user(session, "monitor"), "t")
    other = content[:-2] + b"api\xff\xd9"
    response = client.post(f"/api/v1/complaints/{own_case.registration_number}/evidence",
                           data={"file": (io.BytesIO(other), "p.jpg")}, content_type="multipart/form-data",
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    keys = set(session.scalars(select(Evidence.storage_key).where(Evidence.storage_key.is_not(None))))
    assert _store_files(app) <= keys


def _user(session, username):
    from complaints.models import User
    return session.scalar(select(User).where(User.username == username))


def test_the_loser_of_an_upload_race_gets_409_and_leaves_no_file(app, client, auth, session, own_case, monkeypatch):
    auth.login("monitor")

    def lost(*_args, **_kwargs):
        raise ConflictError("the case changed meanwhile")

    monkeypatch.setattr(es, "_record", lost)
    before = _store_files(app)
    response = _upload(client, own_case, ef.jpeg(salt=b"race"))
    assert response.status_code == 409
    assert "Send them again" in response.get_data(as_text=True)
    assert _store_files(app) == before


def test_sweep_removes_stale_temporary_and_orphaned_files_only(app, session, own_case, users):
    root = Path(app.config["EVIDENCE_DIR"])
    kept = es.intake_file(session, own_case, io.BytesIO(ef.png(salt=b"kept")), "k.png", actor=users["monitor"],
                          evidence_dir=root, max_file=10**6, max_case=10**7)
    old = time.time() - 2 * 3600
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    stale_tmp, young_tmp = root / "tmp" / "upload-stale", root / "tmp" / "upload-young"
    orphan = root / "ab" / "cd" / ("ab" + "cd" + "0" * 60)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    for path in (stale_tmp, young_tmp, orphan):
        path.write_bytes(b"x")
    for path in (stale_tmp, orphan, root / kept.storage_key):
        os.utime(path, (old, old))
    assert es.sweep_orphans(session, root) == 2
    assert not stale_tmp.exists() and not orphan.exists()
    assert young_tmp.exists() and (root / kept.storage_key).exists()
