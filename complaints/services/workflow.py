"""What the commission's staff look at before they act: the work queue (filters,
counts, keyset pagination on (due_at, id)), the admissibility checklist, suggested
duplicates, and who may be assigned. Read-only: changes go through `cases.apply_action`."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select, tuple_, union_all
from sqlalchemy.orm import Session, selectinload

from complaints import access, lifecycle
from complaints.db import utcnow
from complaints.lifecycle import State
from complaints.models import Complaint, ComplaintRespondent, User
from complaints.services import search

#: What the queue shows unless a status is chosen: cases somebody still has to act on.
ACTIVE_STATES = frozenset(lifecycle.OPEN_STATES | lifecycle.DECIDED_STATES | {State.INADMISSIBLE})
#: Every state but draft (as a list of values, so an index on status serves it).
RECEIVED_STATES = frozenset(s for s in State if s != State.DRAFT)
PAGE_SIZE = 50
#: A search in the queue ranks the newest this many matching cases (with its filters):
#: a word found in most cases costs no more than this.
SEARCH_WINDOW = 1000
#: Counts per filter stop here: an exact count of a million rows costs a full scan.
COUNT_CAP = 1000
#: Suggested duplicates: filed within this many days of each other.
DUPLICATE_WINDOW = dt.timedelta(days=3)
#: Suggested duplicates: each signal reads at most this many cases of the window.
DUPLICATE_CANDIDATES = 200
#: Suggested duplicates: the score a case needs (a shared respondent 2, the same
#: precinct 3, region 0.5, category 1, shared words up to 2).
DUPLICATE_THRESHOLD = 3.0


from complaints.services.admissibility import (  # noqa: E402,F401  (part of this module's interface)
    CheckItem,
    admissibility_checklist,
    assignable_staff,
    suggested_duplicates,
    transfer_targets,
)

# --------------------------------------------------------------------------- the queue

@dataclass
class QueueFilters:
    election_id: int | None = None
    #: "" (active cases), "all", or a State value.
    status: str = ""
    category_id: int | None = None
    region_id: int | None = None
    #: None (anyone), "me", "none" or a user id as text.
    assignee: str | None = None
    respondent_id: int | None = None
    overdue: bool = False
    due24: bool = False
    mine: bool = False
    escalated: bool = False
    #: Full-text search (complaints.services.search); `match` is set from it by `prepare`.
    q: str = ""
    match: search.Match | None = field(default=None, compare=False, repr=False)

    QUICK = ("overdue", "due24", "mine", "escalated")

    @classmethod
    def from_args(cls, args: Any) -> QueueFilters:
        def number(name: str) -> int | None:
            raw = (args.get(name) or "").strip()
            return int(raw) if raw.isdigit() and len(raw) < 10 else None

        status = (args.get("status") or "").strip()
        if status not in {"", "all"} and status not in {s.value for s in State}:
            status = ""
        assignee = (args.get("assignee") or "").strip() or None
        if assignee not in (None, "me", "none") and not (assignee.isdigit() and len(assignee) < 10):
            assignee = None
        flag = lambda name: (args.get(name) or "") in {"1", "on", "true", "yes"}  # noqa: E731
        return cls(election_id=number("election"), status=status, category_id=number("category"),
                   region_id=number("region"), assignee=assignee, respondent_id=number("respondent"),
                   overdue=flag("overdue"), due24=flag("due24"), mine=flag("mine"), escalated=flag("escalated"),
                   q=" ".join((args.get("q") or "").split())[:200])

    def prepare(self, session: Session) -> QueueFilters:
        """Look up the search words of `q` (once)."""
        if self.q and self.match is None:
            self.match = search.match(session, self.q, public=False)
        return self

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query-string form of these filters, with `changes` applied (for links)."""
        values = {"election": self.election_id, "status": self.status, "category": self.category_id,
                  "region": self.region_id, "assignee": self.assignee, "respondent": self.respondent_id,
                  "overdue": self.overdue, "due24": self.due24, "mine": self.mine, "escalated": self.escalated,
                  "q": self.q}
        values.update(changes)
        out: dict[str, Any] = {}
        for key, value in values.items():
            if value is True:
                out[key] = "1"
            elif value not in (None, "", False):
                out[key] = value
        return out


def _base(user: User, f: QueueFilters, *, with_status: bool = True, quick: bool = True,
          now: dt.datetime, with_search: bool = True) -> Select[Complaint]:
    # Staff may see every received case (access.can_view); drafts are never in the queue.
    query = select(Complaint) if access.is_staff(user) else access.visible_cases(user)
    if f.election_id is not None:
        query = query.where(Complaint.election_id == f.election_id)
    if with_status:
        query = query.where(_status_condition(f))
    if f.category_id is not None:
        query = query.where(Complaint.primary_category_id == f.category_id)
    if f.region_id is not None:
        query = query.where(Complaint.region_id == f.region_id)
    if f.assignee == "me":
        query = query.where(Complaint.assignee_id == user.id)
    elif f.assignee == "none":
        query = query.where(Complaint.assignee_id.is_(None))
    elif f.assignee:
        query = query.where(Complaint.assignee_id == int(f.assignee))
    if f.respondent_id is not None:
        query = query.where(Complaint.id.in_(select(ComplaintRespondent.complaint_id)
                                             .where(ComplaintRespondent.respondent_id == f.respondent_id)))
    if f.q and with_search:
        query = query.where(f.match.condition() if f.match is not None else false())
    if quick:
        for name in QueueFilters.QUICK:
            if getattr(f, name):
                query = query.where(_quick_condition(name, user, now))
    return query


def _status_condition(f: QueueFilters) -> Any:
    if f.status == "":
        return Complaint.status.in_(sorted(ACTIVE_STATES))
    if f.status != "all":
        return Complaint.status == f.status
    return Complaint.status.in_(sorted(RECEIVED_STATES))


def _quick_condition(name: str, user: User, now: dt.datetime) -> Any:
    if name == "overdue":
        return Complaint.is_overdue(now)
    if name == "due24":
        return Complaint.is_due_within(now, dt.timedelta(hours=24))
    if name == "mine":
        return Complaint.assignee_id == user.id
    return Complaint.escalated_to == user.role.value


def encode_cursor(case: Complaint) -> str:
    raw = json.dumps([case.due_at.isoformat() if case.due_at else None, case.id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[dt.datetime | None, int] | None:
    """(due_at, id) of the last row of the previous page; None when absent or malformed."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        due, last_id = json.loads(raw)
        when = dt.datetime.fromisoformat(due) if due is not None else None
        if when is not None and when.tzinfo is None or not isinstance(last_id, int) or not 0 <= last_id < 2**31:
            return None
        if when is not None and not 1990 <= when.year <= 2200:
            return None
        return when, last_id
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        return None


@dataclass
class QueuePage:
    cases: list[Complaint]
    next_cursor: str | None
    status_counts: dict[str, int] = field(default_factory=dict)
    quick_counts: dict[str, int] = field(default_factory=dict)
    #: The counts are lower bounds (a search counts within its window of matches).
    counts_partial: bool = False


def queue_page(session: Session, user: User, f: QueueFilters, cursor: str | None = None,
               limit: int = PAGE_SIZE, now: dt.datetime | None = None) -> QueuePage:
    """One page of the queue, by next due time (overdue first, no running clock last),
    then id. Keyset pagination: two index range scans, never an OFFSET. With a search
    (`f.q`), by rank, best first, then newest."""
    now = now or utcnow()
    f.prepare(session)
    if f.q:
        return _search_page(session, user, f, cursor, limit, now)
    base = _base(user, f, now=now)
    after = decode_cursor(cursor)
    eager = (selectinload(Complaint.assignee), selectinload(Complaint.region),
             selectinload(Complaint.primary_category), selectinload(Complaint.primary_respondent))
    rows: list[Complaint] = []
    if after is None or after[0] is not None:
        ids = _timed_ids(session, user, f, after, limit + 1, now)
        if ids:
            rows = list(session.scalars(select(Complaint).where(Complaint.id.in_(ids)).options(*eager)
                                        .order_by(Complaint.due_at, Complaint.id)))
    if len(rows) <= limit:
        untimed = base.where(Complaint.due_at.is_(None))
        if after is not None and after[0] is None:
            untimed = untimed.where(Complaint.id > after[1])
        rows += list(session.scalars(untimed.options(*eager).order_by(Complaint.id).limit(limit + 1 - len(rows))))
    page = rows[:limit]
    next_cursor = encode_cursor(page[-1]) if len(rows) > limit else None
    return QueuePage(page, next_cursor, *queue_counts(session, user, f, now))


def _search_page(session: Session, user: User, f: QueueFilters, cursor: str | None, limit: int,
                 now: dt.datetime) -> QueuePage:
    """A page of search results with the queue's filters, best first: keyset on (rank, id) over the
    newest SEARCH_WINDOW matching cases."""
    eager = (selectinload(Complaint.assignee), selectinload(Complaint.region),
             selectinload(Complaint.primary_category), selectinload(Complaint.primary_respondent))
    if f.match is None:
        return QueuePage([], None, *queue_counts(session, user, f, now))
    ranked = f.match.rank_window(_base(user, f, now=now, with_search=False), SEARCH_WINDOW)
    query = select(Complaint, ranked.c.rank).join(ranked, ranked.c.complaint_id == Complaint.id)
    after = decode_rank_cursor(cursor)
    if after is not None:
        query = query.where(or_(ranked.c.rank < after[0], and_(ranked.c.rank == after[0], Complaint.id < after[1])))
    rows = session.execute(query.options(*eager).order_by(ranked.c.rank.desc(), Complaint.id.desc())
                           .limit(limit + 1)).all()
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last_case, last_rank = page[-1]
        raw = json.dumps(["r", int(last_rank), last_case.id])
        next_cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    status_counts, quick_counts, partial = _search_counts(session, user, f, now)
    return QueuePage([c for c, _rank in page], next_cursor, status_counts, quick_counts, partial)


def _search_counts(session: Session, user: User, f: QueueFilters,
                   now: dt.datetime) -> tuple[dict[str, int], dict[str, int], bool]:
    """The queue's counts for a search, in one query over the newest SEARCH_WINDOW + 1
    matching cases (the other filters applied): every count reads the same bounded
    window. When more cases match, the counts are lower bounds (`partial`)."""
    assert f.match is not None
    window = (f.match.rank_window(_base(user, f, with_status=False, quick=False, now=now, with_search=False),
                                  SEARCH_WINDOW + 1))
    columns: dict[str, Any] = {}
    for s in State:
        if s != State.DRAFT:
            columns[f"s:{s.value}"] = func.count().filter(Complaint.status == s)
    columns["s:all"] = func.count().filter(Complaint.status.in_(sorted(RECEIVED_STATES)))
    columns["s:"] = func.count().filter(Complaint.status.in_(sorted(ACTIVE_STATES)))
    for name in QueueFilters.QUICK:
        conds = [_status_condition(f)] + [_quick_condition(other, user, now) for other in QueueFilters.QUICK
                                          if other == name or getattr(f, other)]
        columns[f"q:{name}"] = func.count().filter(and_(*conds))
    columns["total"] = func.count()
    row = session.execute(select(*(c.label(k.replace(":", "_") or "x") for k, c in columns.items()))
                          .select_from(Complaint).where(Complaint.id.in_(select(window.c.complaint_id)))).one()
    values = dict(zip(columns, row, strict=True))
    partial = values["total"] > SEARCH_WINDOW
    status_counts = {k[2:]: int(v) for k, v in values.items() if k.startswith("s:")}
    quick_counts = {k[2:]: int(v) for k, v in values.items() if k.startswith("q:")}
    return status_counts, quick_counts, partial


def decode_rank_cursor(cursor: str | None) -> tuple[int, int] | None:
    """(rank, id) of the last search result of the previous page; None when absent or malformed."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        tag, rank, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error):
        return None
    if tag != "r" or not isinstance(rank, int) or not isinstance(last_id, int):
        return None
    return rank, last_id


def _timed_ids(session: Session, user: User, f: QueueFilters, after: tuple[dt.datetime | None, int] | None,
               limit: int, now: dt.datetime) -> list[int]:
    """The first `limit` cases with a running clock, by (due_at, id): the first `limit` of
    each status (a short range of the (status, due_at, id) index each), merged. One scan in
    due order with a status filter would read every overdue case at a million cases."""
    states = sorted(ACTIVE_STATES if f.status == "" else RECEIVED_STATES if f.status == "all" else {State(f.status)})
    base = _base(user, f, with_status=False, now=now).where(Complaint.due_at.is_not(None))
    if after is not None:
        base = base.where(tuple_(Complaint.due_at, Complaint.id) > tuple_(after[0], after[1]))
    parts = [base.where(Complaint.status == s).with_only_columns(Complaint.id, Complaint.due_at)
             .order_by(Complaint.due_at, Complaint.id).limit(limit).subquery() for s in states]
    merged = union_all(*(select(p.c.id, p.c.due_at) for p in parts)).subquery()
    return list(session.scalars(select(merged.c.id).order_by(merged.c.due_at, merged.c.id).limit(limit)))


def _capped_count(session: Session, query: Select[Complaint]) -> int:
    """How many rows `query` has, counting no further than COUNT_CAP + 1: a bounded
    index scan, so a count stays cheap at a million cases."""
    sub = query.with_only_columns(Complaint.id).order_by(None).limit(COUNT_CAP + 1).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def queue_counts(session: Session, user: User, f: QueueFilters,
                 now: dt.datetime) -> tuple[dict[str, int], dict[str, int]]:
    """Cases per status (the other filters applied) and per quick filter (all filters
    applied, that one toggled on); each capped at COUNT_CAP + 1 (shown as "1000+")."""
    f.prepare(session)
    no_status = _base(user, f, with_status=False, now=now)
    status_counts = {s.value: _capped_count(session, no_status.where(Complaint.status == s))
                     for s in State if s != State.DRAFT}
    status_counts["all"] = _capped_count(session, no_status.where(Complaint.status.in_(sorted(RECEIVED_STATES))))
    status_counts[""] = _capped_count(session, no_status.where(Complaint.status.in_(sorted(ACTIVE_STATES))))
    no_quick = _base(user, f, quick=False, now=now)
    quick_counts = {}
    for name in QueueFilters.QUICK:
        query = no_quick
        for other in QueueFilters.QUICK:
            if other == name or getattr(f, other):
                query = query.where(_quick_condition(other, user, now))
        quick_counts[name] = _capped_count(session, query)
    return status_counts, quick_counts


def count_label(n: int, partial: bool = False) -> str:
    """A count as shown: capped counts and lower bounds get a "+"."""
    if n > COUNT_CAP:
        return f"{COUNT_CAP}+"
    return f"{n}+" if partial and n else str(n)
