"""The dashboard aggregates, maintained on write.

Every change to a case (the `ON_CHANGE` hook of `complaints.services.cases`) recomputes
what that case contributes ("status|submitted", "respondent|7", "dtime|30", ...) and
applies the difference to `stat_counters` with upserts (`n = n + delta`) in the same
transaction. Each contribution is counted on twelve rows, one per combination of (local
received day, its month, or all days) x (region, or any) x (category, or any), so every
combination of filters reads the coarsest rows that answer it exactly (a period: its
whole months from the month rows, the days at its edges from the day rows), a few
thousand rows at most whatever the number of cases. So a dashboard reads counters, never the cases themselves;
only the overdue / due-within-24-hours figures depend on the clock and are counted live
over the `due_at` index (they concern open cases only).

`rebuild` recomputes everything from the cases (`flask --app app stats rebuild`)."""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from complaints.db import utcnow
from complaints.enums import Outcome, RespondentKind
from complaints.lifecycle import OPEN_STATES, State
from complaints.models import Category, Complaint, ComplaintRespondent, Decision, Election, Region, Respondent
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

def _upsert(session: Session, deltas: dict[Cell, int]) -> None:
    rows = [{"election_id": c[0], "metric": c[1], "day": c[2], "region_id": c[3], "category_id": c[4],
             "key": c[5], "n": n} for c, n in sorted(deltas.items()) if n]
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    table = StatCounter.__table__
    stmt = insert(table)
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
    _upsert(session, deltas)
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
            session.execute(StatCaseKeys.__table__.insert(), snaps)
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
            session.execute(StatCounter.__table__.insert(), rows[start:start + 2000])
        return
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY stat_counters ({', '.join(names)}) FROM STDIN") as copy:
        for cell, n in totals.items():
            if n:
                copy.write_row((*cell, n))


# --------------------------------------------------------------------------- reading

@dataclass
class Filters:
    """What the staff dashboard and the public dashboard may be filtered by."""

    election_id: int | None = None
    day_from: dt.date | None = None
    day_to: dt.date | None = None
    region_id: int | None = None
    category_id: int | None = None

    @property
    def detailed(self) -> bool:
        return any(v is not None for v in (self.day_from, self.day_to, self.region_id, self.category_id))


def default_election(session: Session) -> Election | None:
    return session.scalar(select(Election).order_by(Election.is_active.desc(), Election.election_day.desc(),
                                                    Election.id.desc()).limit(1))


def _periods(f: Filters) -> list[tuple[bool, dt.date, dt.date]]:
    """The period filter as (month rows?, first day, last day) pieces: the whole months
    inside it read from the month roll-ups, the days at its edges from the day rows."""
    if f.day_from is None or f.day_to is None or f.day_from > f.day_to:
        return []
    start = f.day_from if f.day_from.day == 1 else (f.day_from.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    after = f.day_to + dt.timedelta(days=1)
    end = after.replace(day=1)  # the first day after the last whole month
    if start >= end:
        return [(False, f.day_from, f.day_to)]
    pieces = [(True, start, end - dt.timedelta(days=1))]
    if f.day_from < start:
        pieces.append((False, f.day_from, start - dt.timedelta(days=1)))
    if end <= f.day_to:
        pieces.append((False, end, f.day_to))
    return pieces


def _where(f: Filters, *, by: str | None = None, ids: list[int] | None = None) -> list[Any]:
    """The counter rows that answer `f` exactly: for each dimension, the filtered value or
    the roll-up over all of them. `by` ("day", "region", "category"): one row per value of
    that dimension (`ids`: the region or category ids to read), to break the figures down."""
    c = StatCounter
    out: list[Any] = []
    if f.election_id is not None:
        out.append(c.election_id == f.election_id)
    if by == "day" or f.day_from is not None or f.day_to is not None:
        out.append(c.day > ALL_DAYS)
        if f.day_from is not None:
            out.append(c.day >= f.day_from)
        if f.day_to is not None:
            out.append(c.day <= f.day_to)
    else:
        out.append(c.day == ALL_DAYS)
    for name, col, value in (("region", c.region_id, f.region_id), ("category", c.category_id, f.category_id)):
        if value is not None:
            out.append(col == value)
        elif by == name:
            out.append(col.in_(ids or [0]))
        else:
            out.append(col == ANY)
    return out


def _pieces(f: Filters, metrics: tuple[str, ...], by: str | None = None,
            ids: list[int] | None = None) -> list[list[Any]]:
    """The WHERE clauses whose rows, summed, answer `f` (one per period piece)."""
    c = StatCounter
    periods = _periods(f) if by != "day" else []
    if not periods:
        return [[*_where(f, by=by, ids=ids), c.metric.in_(metrics)]]
    out = []
    for months, first, last in periods:
        piece = Filters(f.election_id, first, last, f.region_id, f.category_id)
        out.append([*_where(piece, by=by, ids=ids),
                    c.metric.in_([m + MONTH for m in metrics] if months else metrics)])
    return out


def counts(session: Session, f: Filters) -> dict[str, Counter[str]]:
    """{metric: {key: n}} under the filters, for every metric kept per key, and cases
    ("status" rows) by day, region and category."""
    c = StatCounter
    out: dict[str, Counter[str]] = {}
    for where in _pieces(f, METRICS):
        for metric, key, n in session.execute(select(c.metric, c.key, func.sum(c.n)).where(*where)
                                              .group_by(c.metric, c.key)):
            if n:
                out.setdefault(metric.removesuffix(MONTH), Counter())[key] += int(n)
    region_ids = [0, *session.scalars(select(Region.id).order_by(Region.id))]
    cat_q = select(Category.id).order_by(Category.id)
    if f.election_id is not None:
        cat_q = cat_q.where(Category.election_id == f.election_id)
    category_ids = [0, *session.scalars(cat_q)]
    for name, col, ids in (("day", c.day, None), ("region", c.region_id, region_ids),
                           ("category", c.category_id, category_ids)):
        out[name] = Counter()
        for where in _pieces(f, ("status",), by=name, ids=ids):
            for k, n in session.execute(select(col, func.sum(c.n)).where(*where).group_by(col)):
                if n:
                    out[name][k.isoformat() if isinstance(k, dt.date) else str(k)] += int(n)
        out[name] = +out[name]
    return out


def percentile(hist: Counter[int], q: float) -> int | None:
    """The smallest value with at least ceil(q * total) values at or below it."""
    total = sum(hist.values())
    if not total:
        return None
    rank = max(1, math.ceil(q * total))
    running = 0
    for value in sorted(hist):
        running += hist[value]
        if running >= rank:
            return value
    return None


def _split(counter: Counter[str] | None) -> dict[int, Counter[str]]:
    """'7|upheld' -> {7: {'upheld': n}}."""
    out: dict[int, Counter[str]] = {}
    for key, n in (counter or {}).items():
        rid, _, rest = key.partition("|")
        out.setdefault(int(rid), Counter())[rest] = n
    return out


def _side(cases: int, outcomes: Counter[str], hours: Counter[str]) -> dict[str, Any]:
    decided = sum(outcomes.values())
    upheld = sum(n for k, n in outcomes.items() if k in UPHELD)
    hist = Counter({int(k): n for k, n in hours.items()})
    return {"cases": cases, "decided": decided, "upheld": upheld,
            "share_upheld": round(upheld / decided, 4) if decided else None,
            "median_hours": percentile(hist, 0.5)}


DAY = dt.timedelta(hours=24)


def live_counts(session: Session, f: Filters, election: Election | None,
                now: dt.datetime | None = None) -> dict[str, int]:
    """Overdue and due-within-24h, counted now (they change with the clock, not with
    writes). One pass over the cases whose clock ends before now + 24 h (the `due_at` index)."""
    now = now or utcnow()
    q = select(func.count(sql_case((Complaint.is_overdue(now), 1))),
               func.count(sql_case((Complaint.is_due_within(now, DAY), 1)))) \
        .select_from(Complaint).where(Complaint.due_at < now + dt.timedelta(hours=24))
    if f.election_id is not None:
        q = q.where(Complaint.election_id == f.election_id)
    if f.region_id is not None:
        q = q.where(Complaint.region_id == f.region_id)
    if f.category_id is not None:
        q = q.where(Complaint.primary_category_id == f.category_id)
    if election is not None and (f.day_from or f.day_to):
        zone = election_zone(election)
        if f.day_from:
            q = q.where(Complaint.received_at >= dt.datetime.combine(f.day_from, dt.time(), zone))
        if f.day_to:
            q = q.where(Complaint.received_at < dt.datetime.combine(f.day_to + dt.timedelta(days=1), dt.time(), zone))
    overdue, due24 = session.execute(q).one()
    return {"overdue": int(overdue or 0), "due24": int(due24 or 0)}


def _one_per_name(session: Session, counter: Counter[str]) -> Counter[str]:
    """Respondent counts with the records of one name (one name key: the same person or
    body spelled in two scripts) counted as one, under the oldest record."""
    ids = [int(k) for k in counter]
    keys: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        for rid, key in session.execute(select(Respondent.id, Respondent.name_key)
                                        .where(Respondent.id.in_(ids[start:start + 500]))):
            keys[rid] = key
    first: dict[str, int] = {}
    for rid in sorted(ids):
        key = keys.get(rid) or f"#{rid}"
        first.setdefault(key, rid)
    out: Counter[str] = Counter()
    for k, n in counter.items():
        rid = int(k)
        out[str(first[keys.get(rid) or f"#{rid}"])] += n
    return out


def summary(session: Session, f: Filters, *, public: bool, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the dashboards show, as plain JSON values. `public`: nothing personal
    (private persons among respondents are folded into one anonymous line)."""
    election = session.get(Election, f.election_id) if f.election_id is not None else None
    c = counts(session, f)
    status = c.get("status", Counter())
    total = sum(status.values())
    groups = {name: sum(status.get(s, 0) for s in members) for name, members in STATUS_GROUPS.items()}
    regions = {r.id: r for r in session.scalars(select(Region))}
    cat_ids = [int(k) for k in c.get("category", {}) if k != "0"]
    categories = {x.id: x for x in session.scalars(select(Category).where(Category.id.in_(cat_ids)))} \
        if cat_ids else {}
    by_category = [{"id": int(k), "code": categories[int(k)].code if int(k) in categories else None,
                    "name": categories[int(k)].name if int(k) in categories else "(none)", "cases": n,
                    **({"name_ru": categories[int(k)].name_in("ru"), "name_ky": categories[int(k)].name_in("ky")}
                       if int(k) in categories else {})}
                   for k, n in c.get("category", Counter()).most_common()]
    by_region = [{"id": int(k), "code": regions[int(k)].code if int(k) in regions else None,
                  "name": regions[int(k)].name if int(k) in regions else "(none)", "cases": n}
                 for k, n in c.get("region", Counter()).most_common()]
    per_day = [{"day": k, "cases": n} for k, n in sorted(c.get("day", Counter()).items())]
    hours = c.get("hour", Counter())
    per_hour = [{"hour": h, "cases": hours.get(f"{h:02d}", 0)} for h in range(24)]
    dtime = Counter({int(k): n for k, n in c.get("dtime", Counter()).items()})
    within = c.get("within", Counter())
    decided = sum(within.values())

    resp_counter = _one_per_name(session, c.get("respondent", Counter()))
    party_ids = {int(k.split("|")[0]) for m in ("resp_case", "filer_case") for k in c.get(m, {})}
    wanted = {int(k) for k, _ in resp_counter.most_common(10)} | {int(k) for k, n in resp_counter.items() if n > 1}
    wanted |= party_ids
    respondents = {r.id: r for r in session.scalars(select(Respondent).where(Respondent.id.in_(wanted)))} \
        if wanted else {}

    def who(rid: int) -> dict[str, Any]:
        r = respondents.get(rid)
        if r is None:
            return {"id": rid, "name": "(unknown)", "kind": None}
        if public and not r.is_public:
            return {"id": None, "name": "private person", "kind": r.kind.value}
        return {"id": r.id, "name": r.name, "kind": r.kind.value}

    def ranked(items: list[tuple[str, int]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        private = 0
        for k, n in items:
            entry = who(int(k))
            if entry["id"] is None and public:
                private += n
                continue
            out.append({**entry, "cases": n})
        if private:
            out.append({"id": None, "name": "private persons (together)", "kind": "private_person", "cases": private})
        return out

    top = ranked(resp_counter.most_common(10))
    repeat = ranked([(k, n) for k, n in resp_counter.most_common() if n > 1])

    resp_out, resp_hours = _split(c.get("resp_outcome")), _split(c.get("resp_dtime"))
    filer_out, filer_hours = _split(c.get("filer_outcome")), _split(c.get("filer_dtime"))
    resp_cases = {int(k): n for k, n in c.get("resp_case", Counter()).items()}
    filer_cases = {int(k): n for k, n in c.get("filer_case", Counter()).items()}
    equal = []
    for rid in sorted(party_ids, key=lambda i: (-(resp_cases.get(i, 0) + filer_cases.get(i, 0)), i)):
        equal.append({**who(rid),
                      "as_filer": _side(filer_cases.get(rid, 0), filer_out.get(rid, Counter()),
                                        filer_hours.get(rid, Counter())),
                      "as_respondent": _side(resp_cases.get(rid, 0), resp_out.get(rid, Counter()),
                                             resp_hours.get(rid, Counter()))})
    live = live_counts(session, f, election, now)
    return {
        "election": ({"id": election.id, "code": election.code, "name": election.name,
                      "name_ru": election.name_in("ru"), "name_ky": election.name_in("ky"),
                      "election_day": election.election_day.isoformat()} if election else None),
        "filters": {"from": f.day_from.isoformat() if f.day_from else None,
                    "to": f.day_to.isoformat() if f.day_to else None,
                    "region_id": f.region_id, "category_id": f.category_id},
        "total": total,
        "overdue": live["overdue"],
        "due_within_24h": live["due24"],
        "by_status": dict(sorted(status.items())),
        "status_groups": groups,
        "per_day": per_day,
        "election_day_hours": per_hour,
        "by_category": by_category,
        "by_region": by_region,
        "time_to_decision": {
            "decided": decided,
            "median_hours": percentile(dtime, 0.5),
            "p90_hours": percentile(dtime, 0.9),
            "within_deadline": within.get("yes", 0),
            "share_within_deadline": round(within.get("yes", 0) / decided, 4) if decided else None,
        },
        "top_respondents": top,
        "repeat_respondents": repeat,
        "equal_treatment": equal,
        "decisions_by_outcome": dict(sorted(c.get("outcome", Counter()).items())),
        "sanctions": dict(sorted(c.get("sanction", Counter()).items())),
        "appeals": dict(sorted(c.get("appeal", Counter()).items())),
    }


def public_stats(session: Session, *, election_id: int | None = None) -> dict[str, Any]:
    """The public aggregates (`GET /api/v1/stats`, `/public`): JSON-able, nothing personal.
    Without `election_id`: the current election (the active one with the latest election day)."""
    if election_id is None:
        election = default_election(session)
        if election is None:
            return {"election": None, "total": 0}
        election_id = election.id
    return summary(session, Filters(election_id=election_id), public=True)

