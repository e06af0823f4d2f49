"""The history: append-only in the database, hash-chained, verified by recomputation."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from complaints.audit_cli import audit_verify_command
from complaints.lifecycle import Action
from complaints.models import CaseHistory, Complaint
from complaints.services import cases as svc
from complaints.services import history


def _case(session, number="KG2017P-000001") -> Complaint:
    return session.scalar(select(Complaint).where(Complaint.registration_number == number))


def test_seeded_chain_verifies(session):
    result = history.verify(session)
    assert result.ok, result.reason
    assert result.rows > 100


def test_every_action_appends_one_linked_row(session, users):
    case = _case(session)
    before = session.scalar(select(CaseHistory).order_by(CaseHistory.seq.desc()).limit(1))
    result = svc.apply_action(session, case, Action.ADD_NOTE, users["investigator"], {"note": "Called the filer."})
    row = result.history
    assert row.seq == before.seq + 1
    assert row.prev_hash == before.hash
    assert row.hash == history.chain_hash(before.hash, row)
    assert row.internal is True
    assert (row.actor_name, row.actor_role, row.action) == (users["investigator"].display_name, "investigator",
                                                            "add_note")
    assert history.verify(session).ok


@pytest.mark.parametrize("statement", [
    "UPDATE case_history SET note = 'rewritten' WHERE seq = 3",
    "DELETE FROM case_history WHERE seq = 3",
])
def test_database_refuses_update_and_delete(session, statement):
    with pytest.raises(DatabaseError) as info:
        with session.begin_nested():
            session.execute(text(statement))
    assert "append-only" in str(info.value)


def _drop_guards(session):
    if session.bind.dialect.name == "postgresql":
        session.execute(text("ALTER TABLE case_history DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER case_history_no_update"))
        session.execute(text("DROP TRIGGER case_history_no_delete"))


def test_edited_row_is_named(session):
    _drop_guards(session)
    session.execute(text("UPDATE case_history SET note = 'quietly rewritten' WHERE seq = 7"))
    session.expire_all()
    result = history.verify(session)
    assert not result.ok
    assert result.first_bad_seq == 7
    assert "altered" in result.reason


def test_deleted_row_is_found(session):
    _drop_guards(session)
    session.execute(text("DELETE FROM case_history WHERE seq = 12"))
    result = history.verify(session)
    assert not result.ok
    assert result.first_bad_seq == 13
    assert "missing or reordered" in result.reason


def test_reordered_rows_are_found(session):
    _drop_guards(session)
    # Swap two rows' places in the chain.
    session.execute(text("UPDATE case_history SET seq = -1 WHERE seq = 20"))
    session.execute(text("UPDATE case_history SET seq = 20 WHERE seq = 21"))
    session.execute(text("UPDATE case_history SET seq = 21 WHERE seq = -1"))
    result = history.verify(session)
    assert not result.ok
    assert result.first_bad_seq == 20


def test_truncated_tail_is_found(session):
    _drop_guards(session)
    last = session.scalar(select(CaseHistory.seq).order_by(CaseHistory.seq.desc()).limit(1))
    session.execute(text("DELETE FROM case_history WHERE seq = :s"), {"s": last})
    result = history.verify(session)
    assert not result.ok
    assert "removed from the end" in result.reason


def test_audit_verify_command(session, runner):
    ok = runner.invoke(audit_verify_command, [])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    _drop_guards(session)
    session.execute(text("UPDATE case_history SET note = 'forged' WHERE seq = 5"))
    session.expire_all()
    broken = runner.invoke(audit_verify_command, [])
    assert broken.exit_code == 1
    assert "seq 5" in broken.output


def test_payload_round_trips_to_the_same_hash(session, users):
    case = _case(session)
    result = svc.apply_action(session, case, Action.ADD_NOTE, users["clerk"], {"note": "Ünïcödé — кыргызча 🗳"})
    session.expire_all()
    row = session.get(CaseHistory, result.history.id)
    assert history.chain_hash(row.prev_hash, row) == row.hash
