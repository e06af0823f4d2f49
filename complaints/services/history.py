"""The case history: one hash chain through every row, appended under a lock on
the chain's head, and verified by recomputation."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from complaints.db import utcnow
from complaints.models import CaseHistory, Complaint, HistoryHead, User

GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    """Turn a payload into plain JSON values, so it hashes the same after a round trip."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _ts(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(row: Any) -> str:
    content = {
        "seq": row.seq, "complaint_id": row.complaint_id, "actor_id": row.actor_id,
        "actor_name": row.actor_name, "actor_role": row.actor_role, "at": _ts(row.at),
        "action": row.action, "from_state": row.from_state, "to_state": row.to_state,
        "note": row.note, "payload": row.payload or {}, "internal": bool(row.internal),
    }
    subject = getattr(row, "subject", None)
    if subject is not None:
        # Only administrative rows carry a subject; case rows hash as they always have.
        content["subject"] = subject
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, row: Any) -> str:
    return hashlib.sha256((prev_hash + canonical(row)).encode()).hexdigest()


def ensure_head(session: Session) -> None:
    if session.get(HistoryHead, 1) is None:
        session.add(HistoryHead(id=1, seq=0, last_hash=GENESIS))
        session.flush()


def append(session: Session, complaint: Complaint | None, *, actor: User | None, action: str,
           from_state: str | None, to_state: str | None, note: str | None = None,
           payload: dict[str, Any] | None = None, internal: bool = False,
           at: dt.datetime | None = None, actor_role: str | None = None,
           subject: str | None = None) -> CaseHistory:
    """Append one row for `complaint` (or, with `subject` and no complaint, an
    administrative row). The UPDATE on the head row takes the write lock first (row
    lock on PostgreSQL, the database lock on SQLite), so concurrent appenders queue
    and the chain never forks."""
    if (complaint is None) == (subject is None):
        raise ValueError("a history row is about a case or (administrative) a subject, not both")
    if complaint is not None and complaint.id is None:
        session.flush()
    bumped = session.execute(
        update(HistoryHead).where(HistoryHead.id == 1).values(seq=HistoryHead.seq + 1)
        .returning(HistoryHead.seq, HistoryHead.last_hash)
    ).one_or_none()
    if bumped is None:
        ensure_head(session)
        return append(session, complaint, actor=actor, action=action, from_state=from_state, to_state=to_state,
                      note=note, payload=payload, internal=internal, at=at, actor_role=actor_role,
                      subject=subject)
    seq, prev_hash = bumped
    row = CaseHistory(
        seq=seq, complaint_id=complaint.id if complaint is not None else None, subject=subject,
        actor_id=actor.id if actor else None,
        actor_name=actor.display_name if actor else "system",
        actor_role=actor_role or (actor.role.value if actor else "system"),
        at=(at or utcnow()), action=action, from_state=from_state, to_state=to_state,
        note=note or None, payload=jsonable(payload or {}), internal=internal, prev_hash=prev_hash,
        salt=secrets.token_hex(16),
    )
    row.hash = chain_hash(prev_hash, row)
    session.add(row)
    session.execute(update(HistoryHead).where(HistoryHead.id == 1).values(last_hash=row.hash))
    session.flush()
    return row


def append_admin(session: Session, actor: User | None, action: str, subject: str,
                 payload: dict[str, Any] | None = None, note: str | None = None) -> CaseHistory:
    """An administrative change (an election, a category, an account, a token...) in the
    same chain as the cases' history: `audit verify` covers it. Staff-only."""
    return append(session, None, actor=actor, action=action, from_state=None, to_state=None, note=note,
                  payload=payload, internal=True, subject=subject)


def filer_identity(filer: Any) -> dict[str, Any] | None:
    """What a history row records of a case's filer, so that `audit verify` notices a filer
    swapped or an identity number changed behind the history's back. The number itself is
    not written into the history, only its SHA-256 bound to the filer record's id."""
    if filer is None:
        return None
    number = (filer.identity_number or "").strip()
    digest = hashlib.sha256(f"{filer.id}:{number}".encode()).hexdigest()
    return {"id": filer.id, "identity_sha256": digest}


@dataclass
class VerifyResult:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    reason: str | None = None


_COLUMNS = (CaseHistory.id, CaseHistory.seq, CaseHistory.complaint_id, CaseHistory.subject, CaseHistory.actor_id,
            CaseHistory.actor_name, CaseHistory.actor_role, CaseHistory.at, CaseHistory.action,
            CaseHistory.from_state, CaseHistory.to_state, CaseHistory.note, CaseHistory.payload,
            CaseHistory.internal, CaseHistory.prev_hash, CaseHistory.hash, CaseHistory.salt)


def iter_rows(session: Session, batch: int = 5000) -> Iterator[Any]:
    """Every history row in chain order, as plain rows (nothing piles up in the session)."""
    last = 0
    while True:
        rows = session.execute(select(*_COLUMNS).where(CaseHistory.seq > last)
                               .order_by(CaseHistory.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(session: Session) -> VerifyResult:
    """Recompute the chain from the first row. Catches an edited row (its hash no
    longer matches), a deleted or reordered row (a gap in seq, or prev_hash not the
    previous row's hash) and a truncated tail (the head disagrees)."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for row in iter_rows(session):
        count += 1
        if row.seq != expected_seq:
            return VerifyResult(False, count, row.seq, row.id,
                                f"row seq {row.seq} follows seq {expected_seq - 1}: rows are missing or reordered")
        if row.prev_hash != prev:
            return VerifyResult(False, count, row.seq, row.id,
                                f"row seq {row.seq} does not point at the previous row's hash")
        if chain_hash(prev, row) != row.hash:
            return VerifyResult(False, count, row.seq, row.id,
                                f"row seq {row.seq} (id {row.id}) was altered: its content no longer matches its hash")
        prev = row.hash
        expected_seq += 1
    head = session.get(HistoryHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.last_hash != prev):
        return VerifyResult(False, count, head.seq, None,
                            f"the chain ends at seq {expected_seq - 1} but its head says seq {head.seq}: "
                            "rows were removed from the end")
    return VerifyResult(True, count)
