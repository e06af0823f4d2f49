"""Replay each case's history and compare it with the case as stored: the chain covers
history rows only, so a status, decision outcome, evidence row or filer identity number
changed directly in its table would otherwise go unnoticed (`flask audit verify`)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.models import CaseHistory, Complaint, Decision, Evidence, Filer
from complaints.services.history import filer_identity


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


def check_cases(session: Session, batch: int = 1000) -> Iterator[str]:
    """One line per disagreement between a case and its history, naming the case."""
    last_id = 0
    while True:
        cases = session.execute(
            select(Complaint.id, Complaint.registration_number, Complaint.status, Complaint.filer_id)
            .where(Complaint.id > last_id).order_by(Complaint.id).limit(batch)).all()
        if not cases:
            return
        ids = [c.id for c in cases]
        last_id = ids[-1]
        rows: dict[int, list[Any]] = defaultdict(list)
        for r in session.execute(select(CaseHistory.complaint_id, CaseHistory.seq, CaseHistory.action,
                                        CaseHistory.to_state, CaseHistory.payload)
                                 .where(CaseHistory.complaint_id.in_(ids))
                                 .order_by(CaseHistory.complaint_id, CaseHistory.seq)):
            rows[r.complaint_id].append(r)
        decisions: dict[int, Any] = {}
        for d in session.execute(select(Decision.complaint_id, Decision.id, Decision.outcome)
                                 .where(Decision.complaint_id.in_(ids)).order_by(Decision.id)):
            decisions[d.complaint_id] = d
        evidence: dict[int, set[tuple[int, str, str | None, str | None]]] = defaultdict(set)
        for e in session.execute(select(Evidence.complaint_id, Evidence.id, Evidence.kind, Evidence.sha256,
                                        Evidence.url).where(Evidence.complaint_id.in_(ids))):
            evidence[e.complaint_id].add((e.id, _value(e.kind), e.sha256, e.url))
        filer_ids = {c.filer_id for c in cases if c.filer_id is not None}
        filers = {f.id: f for f in session.execute(select(Filer.id, Filer.identity_number)
                                                   .where(Filer.id.in_(filer_ids)))} if filer_ids else {}
        for c in cases:
            yield from _compare(c, rows.get(c.id, []), decisions.get(c.id), evidence.get(c.id, set()),
                                filers.get(c.filer_id) if c.filer_id is not None else None)


def _compare(case: Any, rows: list[Any], decision: Any, evidence: set[tuple[int, str, str | None, str | None]],
             filer: Any) -> Iterator[str]:
    name = f"case {case.registration_number or '(draft)'} (id {case.id})"
    if not rows:
        yield f"{name}: has no history"
        return
    status = _value(case.status)
    if rows[-1].to_state != status:
        yield (f"{name}: status is {status} but its history (last row seq {rows[-1].seq}) leaves it "
               f"{rows[-1].to_state}")
    decided = [r for r in rows if r.action == "decide"]
    if decided and "outcome" not in (decided[-1].payload or {}):
        pass  # a row written without its outcome (by an older case generator): nothing to compare
    elif decided:
        outcome = (decided[-1].payload or {}).get("outcome")
        stored = _value(decision.outcome) if decision is not None else None
        if stored != outcome:
            yield f"{name}: decision outcome is {stored} but the history (seq {decided[-1].seq}) recorded {outcome}"
    elif decision is not None:
        yield f"{name}: has a decision ({_value(decision.outcome)}) that no history row records"
    recorded: dict[int, tuple[Any, ...]] = {}
    for r in rows:
        info = (r.payload or {}).get("evidence") if r.action == "add_evidence" else None
        if isinstance(info, dict) and isinstance(info.get("id"), int):
            recorded[info["id"]] = (info["id"], info.get("kind"), info.get("sha256"), info.get("url"))
    stored_ids = {e[0]: e for e in evidence}
    for ev_id in sorted(set(recorded) | set(stored_ids)):
        if ev_id not in stored_ids:
            yield f"{name}: evidence {ev_id} recorded in the history is gone from the evidence table"
        elif ev_id not in recorded:
            yield f"{name}: evidence {ev_id} is in the evidence table but no history row records it"
        elif stored_ids[ev_id] != recorded[ev_id]:
            yield f"{name}: evidence {ev_id} differs from what the history recorded (kind, SHA-256 or link)"
    identities = [(r.seq, (r.payload or {}).get("filer")) for r in rows
                  if r.action in ("create", "edit") and "filer" in (r.payload or {})]
    if identities:
        seq, expected = identities[-1]
        actual = filer_identity(filer)
        if expected != actual:
            yield (f"{name}: the filer or the filer's identity number differs from what the history recorded "
                   f"(seq {seq})")
