"""Evidence custody: a request that fails after storing a file removes what it alone
added; files no row references are listed and, on request, moved aside."""
from __future__ import annotations

import io
import os
import time
from pathlib import Path

from sqlalchemy import select

from complaints.audit_cli import audit_group
from complaints.lifecycle import State
from complaints.models import Complaint, Filer
from complaints.services import evidence_audit
from complaints.services import evidence_store as es
from tests import evidence_files

MB = 1024 * 1024


def _case(session, users):
    return session.scalars(select(Complaint).join(Filer, Complaint.filer_id == Filer.id)
                           .where(Filer.user_id == users["monitor"].id, Complaint.status == State.SUBMITTED)
                           .order_by(Complaint.id)).first()


def test_a_failed_request_removes_the_file_it_alone_stored(session, users, tmp_path):
    store = {"evidence_dir": str(tmp_path / "store"), "max_file": MB, "max_case": 3 * MB}
    case = _case(session, users)
    kept = es.intake_file(session, case, io.BytesIO(evidence_files.png(b"kept")), "a.png", actor=users["monitor"],
                          **store)
    session.commit()
    kept_path = Path(store["evidence_dir"]) / kept.storage_key
    ev = es.intake_file(session, case, io.BytesIO(evidence_files.png(b"lost")), "b.png", actor=users["monitor"],
                        **store)
    lost_path = Path(store["evidence_dir"]) / ev.storage_key
    assert lost_path.is_file()
    session.rollback()  # the request failed after the file was stored
    assert not lost_path.exists(), "the file of the rolled-back request is gone"
    assert kept_path.is_file(), "a committed file stays"
    assert evidence_audit.unreferenced(session, store["evidence_dir"]) == []


def test_unreferenced_files_are_listed_and_quarantined(app, session, runner, tmp_path):
    root = Path(app.config["EVIDENCE_DIR"])
    stray = root / "ab" / "cd" / ("ab" + "cd" + "0" * 60)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left by a failed request")
    young = root / "tmp" / "upload-young"
    old = root / "tmp" / "upload-old"
    young.parent.mkdir(parents=True)
    young.write_bytes(b"in flight")
    old.write_bytes(b"abandoned")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    listed = evidence_audit.unreferenced(session, root)
    assert listed == sorted([stray.relative_to(root).as_posix(), "tmp/upload-old"])
    out = runner.invoke(audit_group, ["verify", "--evidence"])
    assert "Unreferenced file in the evidence store: ab/cd/" in out.output
    assert stray.exists(), "listing moves nothing"
    out = runner.invoke(audit_group, ["verify", "--evidence", "--quarantine"])
    assert "Moved 2 unreferenced file(s)" in out.output, out.output
    assert not stray.exists() and young.exists() and not old.exists()
    moved = list((root / es.QUARANTINE).rglob("*"))
    assert any(p.name == stray.name for p in moved)
    assert evidence_audit.unreferenced(session, root) == []
