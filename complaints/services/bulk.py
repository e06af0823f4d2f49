"""Bulk actions in the queue: one lifecycle action on many cases at once.

Each case goes through `cases.apply_action` exactly as a single action would (the
lifecycle check, recusal, the version the user saw, the history row), inside its own
savepoint: a case that refuses is left as it was and the others still change. The
result says, case by case, which changed and why the others did not."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints import access
from complaints.lifecycle import Action, TransitionError
from complaints.models import Complaint, User
from complaints.services.cases import apply_action
from complaints.services.errors import ServiceError

__all__ = ["BULK_ACTIONS", "BulkItem", "MAX_CASES", "bulk_apply"]

#: What may be done to many cases at once.
BULK_ACTIONS = (Action.ASSIGN, Action.LINK_CASE, Action.SCHEDULE_HEARING, Action.TRANSFER)
#: At most this many cases in one request.
MAX_CASES = 200


@dataclass
class BulkItem:
    registration_number: str
    changed: bool
    #: Why the case was left unchanged (None when it changed).
    reason: str | None = None
    status: str | None = None


def bulk_apply(session: Session, selection: list[tuple[str, int | None]], action: Action | str, actor: User,
               data: dict[str, Any]) -> list[BulkItem]:
    """Apply `action` with `data` to each (registration number, version seen) of
    `selection`, in the caller's transaction. For LINK_CASE, `data["other_case"]` is the
    case the others are linked to (it is skipped if selected)."""
    action = Action(action)
    if action not in BULK_ACTIONS:
        raise ServiceError(f"{action.value.replace('_', ' ')} cannot be applied to several cases at once.")
    out: list[BulkItem] = []
    target = str(data.get("other_case") or "").strip().upper() if action == Action.LINK_CASE else ""
    seen: set[str] = set()
    for number, version in selection[:MAX_CASES]:
        number = number.strip().upper()
        if number in seen:
            continue
        seen.add(number)
        case = session.scalar(select(Complaint).where(Complaint.registration_number == number))
        if case is None or not access.can_view(actor, case):
            out.append(BulkItem(number, False, "No such case."))
            continue
        if target and number == target:
            out.append(BulkItem(number, False, "This is the case the others are linked to.", case.status.value))
            continue
        savepoint = session.begin_nested()
        try:
            apply_action(session, case, action, actor, dict(data), expected_version=version)
        except (TransitionError, ServiceError) as exc:
            savepoint.rollback()
            reason = str(exc)
            fields = getattr(exc, "fields", None)
            if fields:
                reason += " " + " ".join(str(v) for v in fields.values())
            out.append(BulkItem(number, False, reason, case.status.value))
            continue
        savepoint.commit()
        out.append(BulkItem(number, True, None, case.status.value))
    return out
