"""Administrative changes are rows of the same hash chain: `audit verify` covers them."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from complaints.models import CaseHistory, Complaint, TransferTarget
from complaints.services import history


def test_admin_row_is_in_the_chain_and_verified(session, users):
    before = history.verify(session)
    row = history.append_admin(session, users["admin"], "user_disabled", f"user:{users['clerk'].id}",
                               {"is_active": [True, False]})
    assert row.complaint_id is None and row.subject == f"user:{users['clerk'].id}" and row.internal
    after = history.verify(session)
    assert after.ok and after.rows == before.rows + 1
    # Editing the subject (the only field a case row does not have) breaks the chain.
    session.execute(text("DROP TRIGGER IF EXISTS case_history_no_update")) if session.bind.dialect.name == "sqlite" \
        else session.execute(text("ALTER TABLE case_history DISABLE TRIGGER case_history_no_update"))
    session.execute(text("UPDATE case_history SET subject = 'user:1' WHERE id = :id"), {"id": row.id})
    session.expire_all()
    broken = history.verify(session)
    assert not broken.ok and broken.first_bad_seq == row.seq


def test_a_row_is_about_a_case_or_a_subject(session, users):
    case = session.scalar(select(Complaint).where(Complaint.registration_number.is_not(None)).limit(1))
    with pytest.raises(ValueError):
        history.append(session, case, actor=None, action="x", from_state=None, to_state="x", subject="user:1")
    with pytest.raises(ValueError):
        history.append(session, None, actor=None, action="x", from_state=None, to_state="x")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(CaseHistory(seq=10**9, complaint_id=None, subject=None, actor_name="x", actor_role="x",
                                at=case.created_at, action="x", to_state=None, payload={}, internal=True,
                                prev_hash="0" * 64, hash="f" * 64))
        session.flush()


def test_old_transfer_values_are_configured_bodies(session):
    codes = set(session.scalars(select(TransferTarget.code)))
    assert {"lower_commission", "higher_commission", "police", "prosecutor", "court", "state_security"} <= codes
    body = session.scalar(select(TransferTarget).where(TransferTarget.code == "state_security"))
    assert body.name_in("ru").startswith("Государственный") and body.name_in("en").startswith("State")
    assert body.name_in("uz") == body.name


def test_audit_verify_passes_with_admin_rows_and_delivery_rows(session, users, runner, tmp_path):
    from complaints.lifecycle import State
    from complaints.services import mailer
    from complaints.services.cases import resolve_filer_for
    from tests.workflow_helpers import case_in_state

    filer = resolve_filer_for(session, users["monitor"])
    filer.email, filer.consent_to_contact = "m@example.org", True
    history.append_admin(session, users["admin"], "election_changed", "election:1", {"changes": {}})
    case_in_state(session, State.SUBMITTED)
    mailer.send_due(session, mailer.Settings(smtp_url=f"file://{tmp_path / 'mail.txt'}", mail_from="a@b.c"))
    session.commit()
    assert session.scalar(select(CaseHistory).where(CaseHistory.action == "notice_sent").limit(1)) is not None
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
