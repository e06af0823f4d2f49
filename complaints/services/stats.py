"""The dashboard's reads: the counters (`services.counters`) for every combination of
filters: a period reads its whole months from the month rows and the days at its
edges from the day rows, a few thousand rows at most whatever the number of cases. So a
dashboard reads counters, never the cases themselves; only the overdue /
due-within-24-hours figures depend on the clock and are counted live over the `due_at`
index (they concern open cases only)."""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from complaints.db import utcnow
from complaints.models import Category, Complaint, Election, Region, Respondent
from complaints.models.election import election_zone
from complaints.models.stats import ALL_DAYS, ANY, StatCounter

#: Time to decision is kept as a histogram of whole hours, capped here (30 days).
from complaints.services.counters import METRICS, MONTH, STATUS_GROUPS, UPHELD

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

