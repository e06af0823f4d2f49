"""The public register (DOMAIN.md section 5) and the case exports.

`public_entry` is the single definition of what the public may know about a case:
number, dates, category, region, respondents that are public figures or bodies,
the filer only when a public body, status, and, once the decision is published, its
outcome, public reasons and sanctions. Pages, exports and the API all go through it.

Exports stream: cases are read in keyset batches (by id) and written row by row,
so a million rows take bounded memory. Public exports come in parts of a bounded number
of rows (`export_window`), each part pointing to the next. CSV cells that a spreadsheet would run as a
formula are escaped."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session, selectinload

from complaints.enums import PUBLIC_FILER_KINDS
from complaints.lifecycle import State
from complaints.models import Complaint, ComplaintRespondent, Decision, Election, Sanction
from complaints.models.election import election_zone

PAGE_SIZE = 50
BATCH = 1000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A cell as text; one that starts like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


@dataclass
class RegisterFilters:
    election_id: int | None = None
    q: str = ""
    status: str | None = None
    category_id: int | None = None
    region_id: int | None = None
    outcome: str | None = None
    day_from: dt.date | None = None
    day_to: dt.date | None = None

    @classmethod
    def from_args(cls, args: Any) -> RegisterFilters:
        """Lenient: anything malformed is ignored rather than refused."""
        def number(name: str) -> int | None:
            raw = (args.get(name) or "").strip()
            return int(raw) if raw.isdigit() and len(raw) < 10 else None

        def day(name: str) -> dt.date | None:
            try:
                value = dt.date.fromisoformat((args.get(name) or "").strip())
            except ValueError:
                return None
            # No election lies outside these years; beyond them date arithmetic overflows.
            return value if 1990 <= value.year <= 2200 else None

        status = (args.get("status") or "").strip()
        outcome = (args.get("outcome") or "").strip()
        from complaints.enums import Outcome
        return cls(election_id=number("election"), q=(args.get("q") or "").strip()[:100],
                   status=status if status in {s.value for s in State} - {"draft"} else None,
                   category_id=number("category"), region_id=number("region"),
                   outcome=outcome if outcome in {o.value for o in Outcome} else None,
                   day_from=day("from"), day_to=day("to"))

    def args(self, **changes: Any) -> dict[str, Any]:
        values = {"election": self.election_id, "q": self.q, "status": self.status, "category": self.category_id,
                  "region": self.region_id, "outcome": self.outcome,
                  "from": self.day_from.isoformat() if self.day_from else None,
                  "to": self.day_to.isoformat() if self.day_to else None}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def register_query(session: Session, f: RegisterFilters) -> Select[Complaint]:
    """Received cases matching the filters (drafts are never public)."""
    query = select(Complaint).where(Complaint.status != State.DRAFT)
    if f.election_id is not None:
        query = query.where(Complaint.election_id == f.election_id)
    if f.status:
        query = query.where(Complaint.status == f.status)
    if f.category_id is not None:
        query = query.where(Complaint.primary_category_id == f.category_id)
    if f.region_id is not None:
        query = query.where(Complaint.region_id == f.region_id)
    if f.outcome:
        published = select(Decision.complaint_id).where(Decision.outcome == f.outcome,
                                                        Decision.published_at.is_not(None))
        query = query.where(Complaint.id.in_(published))
    election = session.get(Election, f.election_id) if f.election_id else None
    zone = election_zone(election)
    if f.day_from:
        query = query.where(Complaint.received_at >= dt.datetime.combine(f.day_from, dt.time(), zone))
    if f.day_to:
        query = query.where(Complaint.received_at < dt.datetime.combine(f.day_to + dt.timedelta(days=1),
                                                                        dt.time(), zone))
    if f.q:
        q = f.q.strip()
        if q.upper().replace(" ", "").count("-") == 1 and any(ch.isdigit() for ch in q):
            query = query.where(Complaint.registration_number == q.upper().replace(" ", ""))
        else:
            # What the register shows, and nothing else (complaints.services.search).
            from complaints.services import search

            found = search.match(session, q, public=True)
            query = query.where(found.condition() if found is not None else false())
    return query


_EAGER = (selectinload(Complaint.primary_category), selectinload(Complaint.region),
          selectinload(Complaint.election), selectinload(Complaint.filer),
          selectinload(Complaint.respondent_links).selectinload(ComplaintRespondent.respondent),
          selectinload(Complaint.decisions).selectinload(Decision.sanctions).selectinload(Sanction.respondent),
          selectinload(Complaint.appeals))


def register_page(session: Session, f: RegisterFilters, before: int | None = None,
                  limit: int = PAGE_SIZE) -> tuple[list[Complaint], int | None]:
    """Newest first, keyset on id; returns the cases and the id to continue before."""
    query = register_query(session, f)
    if before is not None:
        query = query.where(Complaint.id < before)
    rows = list(session.scalars(query.options(*_EAGER).order_by(Complaint.id.desc()).limit(limit + 1)))
    page = rows[:limit]
    return page, (page[-1].id if len(rows) > limit else None)


def export_window(session: Session, query: Select[Complaint], after: int,
                  rows: int) -> tuple[Select[Complaint], int | None]:
    """One part of an export: the cases of `query` with an id above `after`, at most `rows`
    of them, and the id the next part starts after (None on the last part). Each part costs
    the same whatever the register's size, so no export holds a worker for long."""
    query = query.where(Complaint.id > after)
    ids = query.with_only_columns(Complaint.id).order_by(Complaint.id)
    last = session.scalar(ids.offset(rows - 1).limit(1))
    if last is None:
        return query, None
    more = session.scalar(ids.where(Complaint.id > last).limit(1))
    return query.where(Complaint.id <= last), (last if more is not None else None)


def iter_batches(session: Session, query: Select[Complaint], options: Iterable[Any] = _EAGER,
                 batch: int = BATCH) -> Iterator[Complaint]:
    """Every case of `query` by id, a batch at a time; the session is emptied between
    batches so memory stays flat."""
    last = 0
    while True:
        rows = list(session.scalars(query.where(Complaint.id > last).options(*options)
                                    .order_by(Complaint.id).limit(batch)))
        if not rows:
            return
        last = rows[-1].id
        yield from rows
        session.expunge_all()


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def public_decision(case: Complaint) -> Decision | None:
    """The latest decision, once published."""
    published = [d for d in case.decisions if d.published_at is not None]
    return published[-1] if published else None


def public_entry(case: Complaint) -> dict[str, Any]:
    """What the public may know about one received case."""
    decision = public_decision(case)
    respondents = []
    for link in case.respondent_links:
        r = link.respondent
        respondents.append({"name": r.name, "kind": r.kind.value} if r.is_public
                           else {"name": "private person", "kind": r.kind.value})
    filer = case.filer
    public_filer = None
    if filer is not None and filer.kind in PUBLIC_FILER_KINDS:
        public_filer = {"kind": filer.kind.value, "name": filer.organisation or filer.name}
    appeal = case.appeals[-1] if case.appeals else None
    return {
        "registration_number": case.registration_number,
        "election": case.election.code,
        "status": case.status.value,
        "received_at": _iso(case.received_at),
        "decided_at": _iso(decision.decided_at) if decision else None,
        "published_at": _iso(decision.published_at) if decision else None,
        "category": case.primary_category.name if case.primary_category else None,
        # The category in each UI language, for pages and readers in Russian or Kyrgyz.
        "category_names": ({"en": case.primary_category.name, "ru": case.primary_category.name_in("ru"),
                            "ky": case.primary_category.name_in("ky")} if case.primary_category else None),
        "region": case.region.name if case.region else None,
        "respondents": respondents,
        "filer": public_filer,
        "outcome": decision.outcome.value if decision else None,
        "reasons": (decision.public_text or "") if decision else None,
        "sanctions": [{"kind": s.kind.value,
                       "respondent": (s.respondent.name if s.respondent and s.respondent.is_public
                                      else ("private person" if s.respondent else None))}
                      for s in decision.sanctions] if decision else [],
        "appeal": ({"body": appeal.body.value, "outcome": appeal.outcome.value if appeal.outcome else None}
                   if appeal and decision else None),
    }


PUBLIC_CSV_COLUMNS = ("registration_number", "election", "status", "received_at", "decided_at", "published_at",
                      "category", "region", "respondents", "filer", "outcome", "reasons", "sanctions", "appeal")


def public_csv_row(entry: dict[str, Any]) -> list[str]:
    flat = dict(entry)
    flat["respondents"] = "; ".join(r["name"] for r in entry["respondents"])
    flat["filer"] = entry["filer"]["name"] if entry["filer"] else ""
    flat["sanctions"] = "; ".join(s["kind"] + (f" ({s['respondent']})" if s["respondent"] else "")
                                  for s in entry["sanctions"])
    flat["appeal"] = (f"{entry['appeal']['body']}: {entry['appeal']['outcome'] or 'pending'}"
                      if entry["appeal"] else "")
    return [csv_safe(flat[c]) for c in PUBLIC_CSV_COLUMNS]


def staff_entry(case: Complaint) -> dict[str, Any]:
    """A case as staff export it: the public fields plus the working ones (no contacts
    or identity numbers: those stay in the case file)."""
    entry = public_entry(case)
    decision = case.decision
    entry.update({
        "respondents": [{"name": link.respondent.name, "kind": link.respondent.kind.value}
                        for link in case.respondent_links],
        "filer": ({"kind": case.filer.kind.value, "name": case.filer.name} if case.filer else None),
        "outcome": decision.outcome.value if decision else None,
        "decided_at": _iso(decision.decided_at) if decision else None,
        "due_at": _iso(case.due_at), "due_clock": case.due_clock.value if case.due_clock else None,
        "overdue_since": _iso(case.overdue_since), "assignee_id": case.assignee_id,
        "channel": case.channel.value, "late": case.late, "summary": case.summary,
    })
    return entry


STAFF_CSV_COLUMNS = ("registration_number", "election", "status", "received_at", "due_at", "due_clock",
                     "overdue_since", "assignee_id", "channel", "late", "category", "region", "respondents",
                     "filer", "outcome", "decided_at", "summary")


def staff_csv_row(entry: dict[str, Any]) -> list[str]:
    flat = dict(entry)
    flat["respondents"] = "; ".join(r["name"] for r in entry["respondents"])
    flat["filer"] = f"{entry['filer']['name'] or ''} ({entry['filer']['kind']})" if entry["filer"] else ""
    return [csv_safe(flat[c]) for c in STAFF_CSV_COLUMNS]


#: The byte order mark that tells spreadsheet programs (Excel above all) the file is
#: UTF-8, so Cyrillic names open readable; other readers skip it.
CSV_BOM = "\ufeff"


def stream_csv(columns: Iterable[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """The CSV text, UTF-8 with a byte order mark, in chunks."""
    yield CSV_BOM
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(list(columns))
    for i, row in enumerate(rows, 1):
        writer.writerow(row)
        if i % 200 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def stream_json(entries: Iterable[dict[str, Any]], meta: dict[str, Any] | None = None) -> Iterator[str]:
    """`{"meta": ..., "items": [...]}` written item by item."""
    yield '{"meta": ' + json.dumps(meta or {}) + ', "items": ['
    first = True
    for entry in entries:
        yield ("" if first else ",\n") + json.dumps(entry, ensure_ascii=False)
        first = False
    yield "]}\n"


def entries(session: Session, query: Select[Complaint],
            shape: Callable[[Complaint], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for case in iter_batches(session, query):
        yield shape(case)
