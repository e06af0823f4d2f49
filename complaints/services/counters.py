"""The dashboard counters, maintained on write.

Every change to a case (the `ON_CHANGE` hook of `complaints.services.cases`) recomputes
what that case contributes ("status|submitted", "respondent|7", "dtime|30", ...) and
applies the difference to `stat_counters` with upserts (`n = n + delta`) in the same
transaction. Each contribution is counted on twelve rows, one per combination of (local
received day, its month, or all days) x (region, or any) x (category, or any), so every
combination of filters reads the coarsest rows that answer it exactly (`services.stats`
reads them). `rebuild` recomputes everything from the cases (`flask --app app stats rebuild`)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from complaints.enums import Outcome, RespondentKind
from complaints.lifecycle import OPEN_STATES, State
from complaints.models import Complaint, ComplaintRespondent, Decision, Election
from complaints.models.election import election_zone
from complaints.models.stats import ALL_DAYS, ANY, StatCaseKeys, StatCounter

#: Time to decision is kept as a histogram of whole hours, capped here (30 days).
MAX_HOURS = 720
PARTY_KINDS = frozenset({RespondentKind.CANDIDATE, RespondentKind.PARTY})
UPHELD = frozenset({Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value})
#: The dashboard's status groups, in the order shown.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": tuple(s.value for s in State if s in OPEN_STATES),
    "inadmissible": (State.INADMISSIBLE.value,),
    "transferred": (State.TRANSFERRED.value,),
    "decided": (State.DECIDED.value,),
    "published": (State.PUBLISHED.value,),
    "appealed": (State.APPEALED.value, State.APPEAL_DECIDED.value),
    "withdrawn": (State.WITHDRAWN.value,),
    "closed": (State.CLOSED.value,),
}


# --------------------------------------------------------------------------- what a case contributes

@dataclass
class CaseFacts:
    """What the counters need to know about one received case."""

    election_id: int
    day: dt.date
    hour: int
    region_id: int
    category_id: int
    status: str
    election_day: dt.date
    respondent_ids: list[int] = field(default_factory=list)
    party_respondent_ids: list[int] = field(default_factory=list)
    filer_party_id: int | None = None
    outcome: str | None = None
    decision_hours: int | None = None
    within_deadline: bool | None = None
    sanctions: list[str] = field(default_factory=list)
    appeal: str | None = None


#: Lower edges (hours) of the time-to-decision histogram: fine where deadlines fall
#: (24 h on election day, 3 days otherwise), coarse beyond, so the counters stay few.
#: Every metric of `case_keys` (the dashboard reads them by name, through the index).
METRICS = ("status", "hour", "respondent", "resp_case", "filer_case", "outcome", "resp_outcome", "filer_outcome",
           "dtime", "within", "resp_dtime", "filer_dtime", "sanction", "appeal")
#: The suffix of the month roll-up metrics ("status/m": cases by status in one month).
MONTH = "/m"
HOUR_BUCKETS = (0, 1, 2, 3, 4, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72, 96, 120, 168, 240, 336, MAX_HOURS)


def decision_hours(received_at: dt.datetime, decided_at: dt.datetime) -> int:
    """The histogram bucket (its lower edge, in hours) of a time to decision."""
    hours = (decided_at - received_at).total_seconds() / 3600
    return max(edge for edge in HOUR_BUCKETS if edge <= max(0.0, hours))


def case_keys(f: CaseFacts) -> list[str]:
    """The keys ("metric|key") one case counts towards."""
    keys = [f"status|{f.status}"]
    if f.day == f.election_day:
        keys.append(f"hour|{f.hour:02d}")
    keys += [f"respondent|{rid}" for rid in f.respondent_ids]
    keys += [f"resp_case|{rid}" for rid in f.party_respondent_ids]
    if f.filer_party_id is not None:
        keys.append(f"filer_case|{f.filer_party_id}")
    if f.outcome is not None:
        keys.append(f"outcome|{f.outcome}")
        keys += [f"resp_outcome|{rid}|{f.outcome}" for rid in f.party_respondent_ids]
        if f.filer_party_id is not None:
            keys.append(f"filer_outcome|{f.filer_party_id}|{f.outcome}")
    if f.decision_hours is not None:
        keys.append(f"dtime|{f.decision_hours}")
        keys.append(f"within|{'yes' if f.within_deadline else 'no'}")
        keys += [f"resp_dtime|{rid}|{f.decision_hours}" for rid in f.party_respondent_ids]
        if f.filer_party_id is not None:
            keys.append(f"filer_dtime|{f.filer_party_id}|{f.decision_hours}")
    keys += [f"sanction|{kind}" for kind in f.sanctions]
    if f.appeal is not None:
        keys.append(f"appeal|{f.appeal}")
    return keys


Cell = tuple[int, str, dt.date, int, int, str]  # election, metric, day, region, category, key


def cells(election_id: int, day: dt.date, region_id: int, category_id: int, keys: Iterable[str]) -> Iterator[Cell]:
    """Every counter cell that the keys of one case count towards: the detail row, its
    seven roll-ups (all days, any region, any category, and their combinations), and the
    four month rows (metric + MONTH, `day` = the first of the month, region or ANY,
    category or ANY) that let a period read its whole months as one row per key."""
    levels = [(m, d, r, c) for m, d in (("", day), ("", ALL_DAYS), (MONTH, day.replace(day=1)))
              for r in (region_id, ANY) for c in (category_id, ANY)]
    for k in keys:
        metric, _, key = k.partition("|")
        for m, d, r, c in levels:
            yield (election_id, metric + m, d, r, c, key)


def facts_of(case: Complaint, election: Election | None = None) -> CaseFacts | None:
    """The facts of an ORM case (None for a draft: it is not received yet)."""
    if case.received_at is None or case.status == State.DRAFT:
        return None
    election = election or case.election
    when = case.received_at.astimezone(election_zone(election))
    respondents = [link.respondent for link in case.respondent_links]
    decisions = sorted(case.decisions, key=lambda d: (d.decided_at, d.id or 0))
    facts = CaseFacts(
        election_id=case.election_id, day=when.date(), hour=when.hour, region_id=case.region_id or 0,
        category_id=case.primary_category_id or 0, status=State(case.status).value,
        election_day=election.election_day,
        respondent_ids=[r.id for r in respondents],
        party_respondent_ids=[r.id for r in respondents if r.kind in PARTY_KINDS],
        filer_party_id=case.filer.represents_id if case.filer is not None else None,
    )
    if decisions:
        from complaints.services import deadlines

        first, last = decisions[0], decisions[-1]
        facts.outcome = Outcome(last.outcome).value
        facts.decision_hours = decision_hours(case.received_at, first.decided_at)
        facts.within_deadline = first.decided_at <= deadlines.decision_due(election, case.received_at)
        facts.sanctions = sorted(s.kind.value for d in decisions for s in d.sanctions)
    if case.appeals:
        appeal = sorted(case.appeals, key=lambda a: (a.filed_at, a.id or 0))[-1]
        facts.appeal = appeal.outcome.value if appeal.outcome is not None else "pending"
    return facts


# --------------------------------------------------------------------------- writing

def upsert(session: Session, deltas: dict[Cell, int]) -> None:
    rows = [{"election_id": c[0], "metric": c[1], "day": c[2], "region_id": c[3], "category_id": c[4],
             "key": c[5], "n": n} for c, n in sorted(deltas.items()) if n]
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    table = StatCounter.__table__
    stmt = insert(table)  # type: ignore[arg-type]  # a Table
    stmt = stmt.on_conflict_do_update(
        index_elements=["election_id", "day", "region_id", "category_id", "metric", "key"],
        set_={"n": table.c.n + stmt.excluded.n})
    # Sorted rows: concurrent writers lock counter rows in the same order (no deadlock).
    for start in range(0, len(rows), 1000):
        session.execute(stmt, rows[start:start + 1000])


def _snapshot_cells(snap: StatCaseKeys | None) -> Counter[Cell]:
    if snap is None:
        return Counter()
    return Counter(cells(snap.election_id, snap.day, snap.region_id, snap.category_id, snap.keys))


def record(session: Session, case: Complaint) -> None:
    """Bring the counters in line with `case` as it is now."""
    snap = session.get(StatCaseKeys, case.id)
    facts = facts_of(case)
    old = _snapshot_cells(snap)
    new: Counter[Cell] = Counter()
    keys: list[str] = []
    if facts is not None:
        keys = case_keys(facts)
        new = Counter(cells(facts.election_id, facts.day, facts.region_id, facts.category_id, keys))
    deltas: dict[Cell, int] = {}
    for cell in old.keys() | new.keys():
        if new[cell] != old[cell]:
            deltas[cell] = new[cell] - old[cell]
    upsert(session, deltas)
    if facts is None:
        if snap is not None:
            session.delete(snap)
    elif snap is None:
        session.add(StatCaseKeys(complaint_id=case.id, election_id=facts.election_id, day=facts.day,
                                 region_id=facts.region_id, category_id=facts.category_id, keys=keys))
    elif deltas:
        snap.election_id, snap.day, snap.region_id, snap.category_id = (
            facts.election_id, facts.day, facts.region_id, facts.category_id)
        snap.keys = keys
    session.flush()


def on_change(session: Session, case: Complaint, action: str, from_state: str | None, to_state: str) -> None:
    """The ON_CHANGE listener. Actions that keep the state change nothing counted,
    except an edit (of a deficient case: its region or category may change)."""
    if from_state == to_state and action != "edit":
        return
    record(session, case)


def rebuild(session: Session, batch: int = 2000, progress: Any = None) -> int:
    """Recompute every counter from the cases. Returns the number of cases counted."""
    session.execute(delete(StatCounter))
    session.execute(delete(StatCaseKeys))
    elections = {e.id: e for e in session.scalars(select(Election))}
    totals: Counter[Cell] = Counter()
    last_id = 0
    count = 0
    while True:
        cases = session.scalars(
            select(Complaint).where(Complaint.id > last_id, Complaint.status != State.DRAFT)
            .order_by(Complaint.id).limit(batch)
            .options(selectinload(Complaint.respondent_links).selectinload(ComplaintRespondent.respondent),
                     selectinload(Complaint.decisions).selectinload(Decision.sanctions),
                     selectinload(Complaint.appeals), selectinload(Complaint.filer))).all()
        if not cases:
            break
        snaps = []
        for case in cases:
            facts = facts_of(case, elections[case.election_id])
            if facts is None:
                continue
            keys = case_keys(facts)
            totals.update(cells(facts.election_id, facts.day, facts.region_id, facts.category_id, keys))
            snaps.append({"complaint_id": case.id, "election_id": facts.election_id, "day": facts.day,
                          "region_id": facts.region_id, "category_id": facts.category_id, "keys": keys})
            count += 1
        if snaps:
            session.execute(StatCaseKeys.__table__.insert(), snaps)  # type: ignore[attr-defined]
        last_id = cases[-1].id
        session.expunge_all()
        if progress is not None:
            progress(len(cases))
    _insert(session, totals)
    session.flush()
    return count


def _insert(session: Session, totals: Counter[Cell]) -> None:
    """Write counters into the emptied table: COPY on PostgreSQL (millions of cells at a
    million cases), multi-row INSERTs elsewhere."""
    names = ("election_id", "metric", "day", "region_id", "category_id", "key", "n")
    if session.get_bind().dialect.name != "postgresql":
        rows = [dict(zip(names, (*cell, n), strict=True)) for cell, n in sorted(totals.items()) if n]
        for start in range(0, len(rows), 2000):
            session.execute(StatCounter.__table__.insert(), rows[start:start + 2000])  # type: ignore[attr-defined]
        return
    raw = session.connection().connection.driver_connection
    copy_sql = f"COPY stat_counters ({', '.join(names)}) FROM STDIN"
    with raw.cursor() as cur, cur.copy(copy_sql) as copy:  # type: ignore[union-attr]  # a psycopg connection
        for cell, n in totals.items():
            if n:
                copy.write_row((*cell, n))


