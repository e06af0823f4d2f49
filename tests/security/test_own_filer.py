"""An account's own filings carry its own name, even when its first filing was on behalf
of someone else (finding 4)."""
from __future__ import annotations

from complaints.enums import FilerKind, Role
from complaints.models import Filer, User
from complaints.services import cases as svc


def test_a_record_typed_for_someone_else_is_not_the_accounts_own(session):
    user = User(username="new-monitor", password_hash="x", role=Role.MONITOR, full_name="Nurlan New")
    session.add(user)
    session.flush()
    other = Filer(kind=FilerKind.VOTER, name="Someone Else", phone="+996 700 000 001", identity_number="ID-OTHER",
                  address="Osh", user_id=user.id)
    session.add(other)
    session.flush()
    own = svc.resolve_filer_for(session, user)
    assert own.id != other.id
    assert own.name == "Nurlan New" and own.phone != "+996 700 000 001"
    assert svc.resolve_filer_for(session, user).id == own.id  # and it is reused from then on
