"""Backup then restore, on a fresh SQLite file and a fresh PostgreSQL database: the same
cases, history and evidence, verified against the last checkpoint; a backup with one
flipped evidence byte never reports success."""
from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from complaints import create_app
from complaints.backup_cli import backup_command, restore_command
from complaints.db import db, make_engine
from complaints.lifecycle import State
from complaints.models import Complaint, Filer, User
from complaints.services import evidence_store, transparency
from tests import evidence_files
from tests.conftest import fresh_database_url, migrate, seed

TABLES = ("complaints", "case_history", "evidence", "decisions", "audit_checkpoints", "merkle_nodes")


@pytest.fixture(params=["sqlite", "postgresql"])
def kind(request):
    if request.param == "postgresql" and not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL runs with TEST_DATABASE_URL")
    return request.param


def _url(kind, tmp_path, name):
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / (name + '.db')}"
    return fresh_database_url(name)


def _app(url, evidence, key):
    return create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": url, "EVIDENCE_DIR": str(evidence),
                       "AUDIT_SIGNING_KEY": str(key), "RATELIMIT_ENABLED": False, "PASSWORD_HASH_CHEAP": True})


def _counts(url):
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}  # noqa: S608
        out["last_hash"] = conn.execute(text("SELECT last_hash FROM history_head")).scalar()
    engine.dispose()
    return out


@pytest.fixture()
def source(kind, tmp_path):
    """A seeded database with one evidence file and a signed checkpoint, backed up."""
    url = _url(kind, tmp_path, "backup_src")
    engine = migrate(url)
    seed(engine, generated=3)
    engine.dispose()
    key = tmp_path / "k.pem"
    transparency.generate_key(key)
    app = _app(url, tmp_path / "ev_src", key)
    with app.app_context():
        session = db.session()
        monitor = session.scalar(select(User).where(User.username == "monitor"))
        case = session.scalars(select(Complaint).join(Filer, Complaint.filer_id == Filer.id)
                               .where(Filer.user_id == monitor.id, Complaint.status == State.SUBMITTED)).first()
        evidence_store.intake_file(session, case, io.BytesIO(evidence_files.png(b"backup")), "p.png", actor=monitor,
                                   evidence_dir=app.config["EVIDENCE_DIR"], max_file=10**6, max_case=10**7)
        session.commit()
        transparency.make_checkpoint(session, transparency.load_key(key))
        session.commit()
        out = app.test_cli_runner().invoke(backup_command, [str(tmp_path / "backup")])
        assert out.exit_code == 0, out.output
        assert "Last checkpoint:" in out.output
        db.session.remove()
        db.engine.dispose()
    return {"url": url, "key": key, "dir": tmp_path / "backup"}


def _restore(kind, tmp_path, name, backup_dir, key):
    url = _url(kind, tmp_path, name)
    app = _app(url, tmp_path / f"ev_{name}", key)
    with app.app_context():
        out = app.test_cli_runner().invoke(restore_command, [str(backup_dir)])
        db.session.remove()
        db.engine.dispose()
    return url, app, out


def test_backup_then_restore_gives_the_same_cases_history_and_evidence(kind, tmp_path, source):
    manifest = json.loads((source["dir"] / "manifest.json").read_text())
    assert manifest["database"]["kind"] == kind and len(manifest["evidence"]) == 1
    url, app, out = _restore(kind, tmp_path, "backup_dst", source["dir"], source["key"])
    assert out.exit_code == 0, out.output
    assert "Checkpoints: " in out.output and "Restore verified" in out.output
    assert _counts(url) == _counts(source["url"])
    (rel,) = manifest["evidence"]
    assert (Path(app.config["EVIDENCE_DIR"]) / rel).read_bytes() == (source["dir"] / "evidence" / rel).read_bytes()
    again = _restore(kind, tmp_path, "backup_dst", source["dir"], source["key"])[2]
    assert again.exit_code != 0 and "not empty" in again.output, "never over a database in use"


def test_a_flipped_evidence_byte_is_refused(kind, tmp_path, source):
    bad = tmp_path / "bad"
    shutil.copytree(source["dir"], bad)
    manifest = json.loads((bad / "manifest.json").read_text())
    (rel,) = manifest["evidence"]
    path = bad / "evidence" / rel
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    out = _restore(kind, tmp_path, "backup_bad", bad, source["key"])[2]
    assert out.exit_code != 0 and "differs from its hash in the manifest" in out.output
    assert "Restore verified" not in out.output
    # A manifest rewritten to match the flipped byte: restored, but verification refuses.
    manifest["evidence"][rel]["sha256"] = evidence_store.hashlib.sha256(bytes(data)).hexdigest()
    (bad / "manifest.json").write_text(json.dumps(manifest))
    out = _restore(kind, tmp_path, "backup_bad2", bad, source["key"])[2]
    assert out.exit_code == 1 and "RESTORE NOT VERIFIED" in out.output and "SHA-256 is" in out.output
    assert "Restore verified" not in out.output


def test_backup_refuses_a_directory_in_use(kind, tmp_path, source):
    app = _app(source["url"], tmp_path / "ev_src", source["key"])
    with app.app_context():
        out = app.test_cli_runner().invoke(backup_command, [str(source["dir"])])
        db.session.remove()
        db.engine.dispose()
    assert out.exit_code != 0 and "not empty" in out.output

