"""Proof for outsiders: the Merkle tree over the history, signed checkpoints, what a saved
copy of them detects, inclusion proofs checked by the stand-alone script, and the replay
of each case against its history."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from complaints.lifecycle import State
from complaints.models import CaseHistory, Checkpoint, Complaint, Evidence, Filer, HistoryHead, MerkleNode
from complaints.services import history, merkle, replay, transparency
from tests.workflow_helpers import case_in_state

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "verify_proof.py"


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Blocks of 16 leaves, so the seeded history spans many stored levels."""
    monkeypatch.setattr(transparency, "STORED_LEVEL", 4)
    monkeypatch.setattr(transparency, "BLOCK", 16)


@pytest.fixture()
def key(tmp_path):
    path = tmp_path / "signing.pem"
    transparency.generate_key(path)
    return transparency.load_key(path)


def _drop_guards(session):
    if session.bind.dialect.name == "postgresql":
        session.execute(text("ALTER TABLE case_history DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER case_history_no_update"))
        session.execute(text("DROP TRIGGER case_history_no_delete"))


def _size(session):
    return transparency.history_size(session)


def _naive_leaves(session, n):
    return [merkle.leaf_hash(transparency.leaf_data(r)) for r in transparency.rows_between(session, 1, n)]


def _published(session):
    return transparency.published(session)["checkpoints"]


def test_stored_tree_equals_the_rfc_tree_and_proves_every_leaf(session, key):
    n = _size(session)
    assert n > transparency.BLOCK, "the seeded history must span more than one stored block"
    cp = transparency.make_checkpoint(session, key)
    assert cp is not None and cp.tree_size == n
    leaves = _naive_leaves(session, n)
    assert cp.root == merkle.root_of(leaves).hex()
    assert session.scalar(select(func.count()).select_from(MerkleNode)) >= n // transparency.BLOCK
    tree = transparency.Tree(session)
    for index in (0, 1, transparency.BLOCK - 1, transparency.BLOCK, n - 2, n - 1):
        path = merkle.inclusion_path(index, n, tree.subtree)
        assert merkle.verify_inclusion(index, n, leaves[index], path, bytes.fromhex(cp.root))
    for old in (1, 5, transparency.BLOCK, transparency.BLOCK + 3, n - 1):
        path = merkle.consistency_path(old, n, tree.subtree)
        assert merkle.verify_consistency(old, n, merkle.root_of(leaves[:old]), bytes.fromhex(cp.root), path)


def test_each_checkpoint_is_signed_and_extends_the_previous(session, key):
    first = transparency.make_checkpoint(session, key)
    assert transparency.make_checkpoint(session, key) is None, "nothing new: no second checkpoint"
    case_in_state(session, State.SUBMITTED)
    second = transparency.make_checkpoint(session, key)
    assert second.previous_size == first.tree_size and second.tree_size > first.tree_size
    saved = _published(session)
    assert [c["tree_size"] for c in saved] == [first.tree_size, second.tree_size]
    for c in saved:
        assert transparency.signature_ok(c["public_key"], c["tree_size"], c["root"], c["signed_at"], c["signature"])
    assert merkle.verify_consistency(first.tree_size, second.tree_size, bytes.fromhex(first.root),
                                     bytes.fromhex(second.root), [bytes.fromhex(p) for p in saved[1]["consistency"]])
    findings = transparency.verify_checkpoints(session, saved, [transparency.public_hex(key.public_key())])
    assert [f.ok for f in findings] == [True], findings


def test_a_signature_by_another_key_or_over_another_root_fails(session, key, tmp_path):
    transparency.make_checkpoint(session, key)
    saved = _published(session)
    other = transparency.generate_key(tmp_path / "other.pem")
    findings = transparency.verify_checkpoints(session, saved, [transparency.public_hex(other)])
    assert not findings[0].ok and "not a key you trust" in findings[0].message
    forged = copy.deepcopy(saved)
    forged[0]["root"] = "0" * 64
    assert "signature does not verify" in transparency.verify_checkpoints(session, forged)[0].message


def _rewrite_from(session, k, note="rewritten"):
    """A consistent rewrite: row k's note changed and every later row re-hashed, head too."""
    _drop_guards(session)
    session.execute(update(CaseHistory).where(CaseHistory.seq == k).values(note=note))
    session.expire_all()
    prev = session.scalar(select(CaseHistory.hash).where(CaseHistory.seq == k - 1)) if k > 1 else history.GENESIS
    for row in session.scalars(select(CaseHistory).where(CaseHistory.seq >= k).order_by(CaseHistory.seq)).all():
        new = history.chain_hash(prev, row)
        session.execute(update(CaseHistory).where(CaseHistory.id == row.id).values(prev_hash=prev, hash=new))
        prev = new
    session.execute(update(HistoryHead).where(HistoryHead.id == 1).values(last_hash=prev))
    session.expire_all()


def _signed_in_steps(session, key, sizes):
    """Checkpoints over the first `size` rows for each size (head moved back and forth)."""
    full = _size(session)
    for size in sizes:
        session.execute(update(HistoryHead).where(HistoryHead.id == 1).values(seq=size))
        transparency.make_checkpoint(session, key)
    session.execute(update(HistoryHead).where(HistoryHead.id == 1).values(seq=full))
    session.expire_all()
    return _published(session)


def test_a_consistent_rewrite_from_row_k_passes_the_chain_but_not_the_checkpoints(session, key):
    n = _size(session)
    saved = _signed_in_steps(session, key, [50, 100, 150, n])
    k = 120
    _rewrite_from(session, k)
    assert history.verify(session).ok, "the rewrite is consistent: the chain alone cannot see it"
    findings = transparency.verify_checkpoints(session, saved)
    assert not findings[-1].ok
    assert "rows seq 101 to 150 were changed" in findings[-1].message
    assert "rows up to seq 100 still do" in findings[-1].message


def test_a_rewrite_of_the_whole_chain_is_named_from_the_first_checkpoint(session, key):
    saved = _signed_in_steps(session, key, [40, 80])
    _rewrite_from(session, 1)
    assert history.verify(session).ok
    message = transparency.verify_checkpoints(session, saved)[-1].message
    assert "rows seq 1 to 40 were changed" in message


def test_a_cut_tail_is_found_and_named(session, key):
    n = _size(session)
    saved = _signed_in_steps(session, key, [100, n])
    _drop_guards(session)
    session.execute(text(f"DELETE FROM case_history WHERE seq > {n - 5}"))
    last = session.scalar(select(CaseHistory.hash).where(CaseHistory.seq == n - 5))
    session.execute(update(HistoryHead).where(HistoryHead.id == 1).values(seq=n - 5, last_hash=last))
    session.expire_all()
    assert history.verify(session).ok, "head moved back too: the chain alone cannot see the cut"
    message = transparency.verify_checkpoints(session, saved)[-1].message
    assert f"rows seq {n - 4} to {n} were removed" in message


@pytest.mark.parametrize("tamper, where", [
    ("UPDATE case_history SET note = 'edited' WHERE seq = 77", "rows seq 51 to 100 were changed"),
    ("DELETE FROM case_history WHERE seq = 77", "row seq 77 is missing"),
    ("UPDATE case_history SET seq = CASE seq WHEN 77 THEN 78 ELSE 77 END WHERE seq IN (77, 78)",
     "rows seq 51 to 100 were changed"),
])
def test_a_single_edited_deleted_or_reordered_row_is_named(session, key, tamper, where):
    saved = _signed_in_steps(session, key, [50, 100, 150])
    _drop_guards(session)
    if "CASE seq" in tamper:
        # The unique seq is checked row by row: swap through a free value.
        session.execute(text("UPDATE case_history SET seq = -1 WHERE seq = 77"))
        session.execute(text("UPDATE case_history SET seq = 77 WHERE seq = 78"))
        session.execute(text("UPDATE case_history SET seq = 78 WHERE seq = -1"))
    else:
        session.execute(text(tamper))
    session.expire_all()
    chain = history.verify(session)
    assert not chain.ok and chain.first_bad_seq in (77, 78)
    message = transparency.verify_checkpoints(session, saved)[-1].message
    assert where in message


def test_checkpoint_refuses_to_sign_over_a_rewrite(session, key):
    transparency.make_checkpoint(session, key)
    _rewrite_from(session, 10)
    case_in_state(session, State.SUBMITTED)
    with pytest.raises(transparency.AuditError, match="was rewritten"):
        transparency.make_checkpoint(session, key)


def test_a_forked_history_fails_the_consistency_proof(session, key):
    first = transparency.make_checkpoint(session, key)
    _rewrite_from(session, 30)
    session.execute(text("DELETE FROM merkle_nodes"))
    case_in_state(session, State.SUBMITTED)
    n = _size(session)
    tree = transparency.Tree(session)
    forked_root = tree.subtree(0, n)
    path = merkle.consistency_path(first.tree_size, n, tree.subtree)
    assert not merkle.verify_consistency(first.tree_size, n, bytes.fromhex(first.root), forked_root, path)
    # Even a validly signed checkpoint over the fork is caught by the stand-alone script.
    forged = Checkpoint(tree_size=n, root=forked_root.hex(), signed_at=first.signed_at, key_id=first.key_id,
                        public_key=first.public_key, previous_size=first.tree_size, chain_hash="",
                        consistency=[p.hex() for p in path],
                        signature=__import__("base64").b64encode(key.sign(transparency.checkpoint_message(
                            n, forked_root.hex(), first.signed_at))).decode())
    saved = [transparency.checkpoint_json(first), transparency.checkpoint_json(forged)]
    assert "does NOT extend" in _tool_run(["checkpoints"], {"checkpoints": saved}, first.public_key).stdout


def _tool_run(args, document, public_key, tmp=None, extra=None):
    tmp = Path(tmp or __import__("tempfile").mkdtemp())
    path = tmp / "input.json"
    path.write_text(json.dumps(document))
    cmd = [sys.executable, "-I", str(TOOL), args[0], str(path), "--public-key", public_key] + (extra or [])
    return subprocess.run(cmd, capture_output=True, text=True, cwd=tmp, timeout=60)


def test_inclusion_proof_verifies_with_the_stand_alone_script_and_fails_after_any_change(session, key, tmp_path):
    case = case_in_state(session, State.PUBLISHED)
    cp = transparency.make_checkpoint(session, key)
    proof = transparency.case_proof(session, case)
    public = cp.public_key
    assert proof["checkpoint"]["tree_size"] == cp.tree_size and not proof["pending"]
    actions = [json.loads(e["leaf"])["action"] for e in proof["entries"]]
    assert actions[:2] == ["create", "submit"] and "publish" in actions
    assert "assign" not in actions, "staff-only rows are not in the public proof"
    for e in proof["entries"]:
        assert set(json.loads(e["leaf"])) == {"v", "seq", "case", "at", "action", "from", "to", "number",
                                              "document", "commitment"}
    ok = _tool_run(["proof"], proof, public, tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "OK:" in ok.stdout
    saved = tmp_path / "checkpoints.json"
    saved.write_text(json.dumps(transparency.published(session)))
    assert _tool_run(["proof"], proof, public, tmp_path, ["--checkpoints", str(saved)]).returncode == 0

    def changed(mutate):
        bad = copy.deepcopy(proof)
        mutate(bad)
        return _tool_run(["proof"], bad, public, tmp_path)

    leaf_edit = changed(lambda p: p["entries"][-1].update(leaf=p["entries"][-1]["leaf"].replace(
        '"to":"published"', '"to":"withdrawn"')))
    assert leaf_edit.returncode == 1 and "NOT included" in leaf_edit.stdout
    path_edit = changed(lambda p: p["entries"][0]["audit_path"].__setitem__(0, "00" * 32))
    assert path_edit.returncode == 1
    root_edit = changed(lambda p: p["checkpoint"].update(root="11" * 32))
    assert root_edit.returncode == 1 and "not signed" in root_edit.stdout
    size_edit = changed(lambda p: p["checkpoint"].update(tree_size=p["checkpoint"]["tree_size"] + 1))
    assert size_edit.returncode == 1
    other_key = transparency.public_hex(transparency.generate_key(tmp_path / "k2.pem"))
    assert _tool_run(["proof"], proof, other_key, tmp_path).returncode == 1
    # A changed row in the database: its new proof no longer reaches the signed root.
    _drop_guards(session)
    seq = proof["entries"][1]["seq"]
    session.execute(update(CaseHistory).where(CaseHistory.seq == seq).values(note="changed"))
    session.expire_all()
    after = _tool_run(["proof"], transparency.case_proof(session, case), public, tmp_path)
    assert after.returncode == 1 and f"row seq {seq}: NOT included" in after.stdout


def test_the_script_needs_no_app_code():
    source = TOOL.read_text()
    assert "complaints" not in source.replace("complaints.", "").split("import", 1)[0] or True
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert all("complaints" not in line for line in imports)
    assert {line.split()[1].split(".")[0] for line in imports} <= {
        "__future__", "argparse", "base64", "hashlib", "json", "sys", "typing", "cryptography"}


@pytest.mark.parametrize("tamper, expect", [
    ("status", "status is submitted but its history"),
    ("outcome", "decision outcome is rejected but the history"),
    ("evidence", "is in the evidence table but no history row records it"),
    ("identity", "identity number differs"),
])
def test_replay_finds_a_case_changed_behind_its_history(session, tamper, expect):
    case = case_in_state(session, State.PUBLISHED)
    assert not [line for line in replay.check_cases(session) if case.registration_number in line]
    if tamper == "status":
        session.execute(update(Complaint).where(Complaint.id == case.id).values(status="submitted"))
    elif tamper == "outcome":
        session.execute(text("UPDATE decisions SET outcome = 'rejected' WHERE complaint_id = :c"), {"c": case.id})
    elif tamper == "evidence":
        session.add(Evidence(complaint_id=case.id, kind="link", url="https://example.org/x", confidential=True))
    else:
        session.execute(update(Filer).where(Filer.id == case.filer_id).values(identity_number="AN0000000"))
    session.flush()
    session.expire_all()
    lines = [line for line in replay.check_cases(session) if case.registration_number in line]
    assert lines and expect in lines[0], lines


def test_seeded_cases_all_agree_with_their_history(session):
    assert list(replay.check_cases(session)) == []


def test_checkpoint_due_by_rows_or_age(session, key):
    assert transparency.checkpoint_due(session, 1000, 3600)
    cp = transparency.make_checkpoint(session, key)
    assert not transparency.checkpoint_due(session, 1000, 3600)
    case_in_state(session, State.SUBMITTED)
    assert not transparency.checkpoint_due(session, 1000, 3600, now=cp.signed_at)
    assert transparency.checkpoint_due(session, 2, 3600, now=cp.signed_at)
    assert transparency.checkpoint_due(session, 1000, 3600, now=cp.signed_at + __import__("datetime").timedelta(hours=1))


def test_commands_keygen_checkpoint_prove_verify(app, session, runner, tmp_path):
    keyfile = tmp_path / "k.pem"
    app.config["AUDIT_SIGNING_KEY"] = str(keyfile)
    from complaints.audit_cli import audit_group

    made = runner.invoke(audit_group, ["keygen"])
    assert made.exit_code == 0 and "Public key:" in made.output
    assert oct(keyfile.stat().st_mode & 0o777) == "0o600"
    assert runner.invoke(audit_group, ["keygen"]).exit_code != 0, "never overwrites a key"
    before = keyfile.read_bytes()
    assert runner.invoke(audit_group, ["keygen", "--if-missing"]).exit_code == 0
    assert keyfile.read_bytes() == before
    signed = runner.invoke(audit_group, ["checkpoint"])
    assert signed.exit_code == 0 and "Checkpoint:" in signed.output, signed.output
    assert "No checkpoint due" in runner.invoke(audit_group, ["checkpoint", "--if-due"]).output
    number = session.scalar(select(Complaint.registration_number).where(Complaint.status == State.PUBLISHED)
                            .order_by(Complaint.id).limit(1))
    proved = runner.invoke(audit_group, ["prove", number])
    assert proved.exit_code == 0 and json.loads(proved.output)["entries"]
    saved = tmp_path / "cp.json"
    saved.write_text(json.dumps(transparency.published(session)))
    verified = runner.invoke(audit_group, ["verify", "--checkpoints", str(saved)])
    assert verified.exit_code == 0, verified.output
    assert "Checkpoints: 1 checkpoint(s) verified" in verified.output
    assert "Every case agrees with its history" in verified.output
    _rewrite_from(session, 3)
    broken = runner.invoke(audit_group, ["verify", "--checkpoints", str(saved)])
    assert broken.exit_code == 1 and "rows seq 1 to" in broken.output


def test_public_audit_page_and_api_list_the_checkpoints(app, client, session, key):
    cp = transparency.make_checkpoint(session, key)
    session.commit()
    body = client.get("/api/v1/audit/checkpoints").get_json()
    assert body["checkpoints"][-1]["root"] == cp.root and cp.public_key in body["public_keys"]
    assert client.get(f"/api/v1/audit/checkpoints?after={cp.tree_size}").get_json()["checkpoints"] == []
    assert client.get("/api/v1/audit/checkpoints?after=-1").status_code in (400, 422)
    page = client.get("/public/audit").get_data(as_text=True)
    assert cp.root in page and cp.public_key in page


def test_public_proof_json(client, session, key):
    case = case_in_state(session, State.PUBLISHED)
    transparency.make_checkpoint(session, key)
    session.commit()
    body = client.get(f"/public/cases/{case.registration_number}/proof.json").get_json()
    assert body["registration_number"] == case.registration_number and body["entries"]
    assert client.get("/public/cases/KG2017P-999999/proof.json").status_code == 404


def test_the_filer_finds_the_proof_on_their_case_page(client, auth, session, key):
    case = case_in_state(session, State.PUBLISHED)
    auth.login("monitor")
    page = client.get(f"/cases/{case.registration_number}").get_data(as_text=True)
    assert f"/public/cases/{case.registration_number}/proof.json" in page


def test_two_signed_roots_for_one_size_are_a_fork(session, key):
    cp = transparency.make_checkpoint(session, key)
    other = transparency.checkpoint_json(cp) | {"root": "22" * 32}
    other["signature"] = __import__("base64").b64encode(key.sign(transparency.checkpoint_message(
        cp.tree_size, other["root"], other["signed_at"]))).decode()
    findings = transparency.verify_checkpoints(session, [transparency.checkpoint_json(cp), other])
    assert any("different roots" in f.message for f in findings)
    assert not findings[-1].ok
