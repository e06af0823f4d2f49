"""Synthetic cases in bulk, for load and benchmark runs (`flask --app app generate-cases N`).

Rows go in with multi-row INSERTs, a batch at a time, not through the services (which
would take hours at a million cases). What the services guarantee is derived from the
same sources, not copied: every step of a case's path is a rule of the lifecycle table
and passes its guard at the time it is dated (`lifecycle.check`), the running clock is
`lifecycle.running_clock`, the deadlines come from `services.deadlines`, the
dashboard counters from `services.stats` and the search rows from `services.search`.
Registration numbers come from the election's sequence; the history rows extend the
single hash chain (the head row is locked and moved per batch, so `audit verify`
passes). Every case is marked `is_generated`."""
from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from complaints import lifecycle
from complaints.db import utcnow
from complaints.demo import bulk
from complaints.enums import (
    AppealBody,
    AppealOutcome,
    Appellant,
    Channel,
    ComplaintKind,
    FilerKind,
    Language,
    Outcome,
    ReceivingBody,
    RespondentKind,
    SanctionKind,
    TransferBody,
)
from complaints.lifecycle import Action, State
from complaints.models import (
    Allegation,
    Appeal,
    CaseHistory,
    Category,
    Complaint,
    ComplaintRespondent,
    Decision,
    District,
    Election,
    Filer,
    HistoryHead,
    Respondent,
    Sanction,
)
from complaints.models.election import election_zone
from complaints.models.stats import StatCaseKeys
from complaints.services import counters, deadlines, history, search

#: (final path, weight). Each path is the list of actions taken after submission.
PATHS: list[tuple[tuple[str, ...], float]] = [
    ((), 0.015),
    (("accept",), 0.015),
    (("transfer",), 0.03),
    (("accept", "withdraw"), 0.03),
    (("declare_inadmissible", "confirm_inadmissibility", "close"), 0.08),
    (("accept", "decide"), 0.005),
    (("accept", "decide", "publish"), 0.01),
    (("accept", "decide", "publish", "file_appeal"), 0.02),
    (("accept", "decide", "publish", "file_appeal", "record_appeal_outcome"), 0.02),
    (("accept", "decide", "close"), 0.15),
    (("accept", "decide", "publish", "close"), 0.625),
]
#: Who takes the generated steps: the commission's staff and the system.
ACTORS = frozenset({lifecycle.CLERK, lifecycle.COMMISSIONER, lifecycle.SYSTEM})
#: The case's fields the guards and the clock read, before a path sets them.
UNSET = ("inadmissible_confirmed_at", "appeal_due_at", "cure_due_at", "due_at", "overdue_since", "decision")
SUMMARY = "[generated case] {}: a synthetic complaint for load testing."


@dataclass
class Pools:
    """Plain copies of what cases are drawn from (election, categories, districts, parties)."""

    election: Any
    categories: list[Any]
    districts: list[Any]
    respondents: list[Any]
    candidates: list[Any]
    filers: list[Any]


def _pools(session: Session, election: Election, rng: random.Random) -> Pools:
    categories = list(session.scalars(select(Category).where(Category.election_id == election.id)
                                      .order_by(Category.position)))
    districts = list(session.scalars(select(District).order_by(District.id)))
    respondents = list(session.scalars(select(Respondent).order_by(Respondent.id)))
    if not categories or not districts or not respondents:
        raise ValueError("The election needs categories, districts and respondents first (seed-demo).")
    filers = list(session.scalars(select(Filer).where(Filer.represents_id.is_not(None)).order_by(Filer.id)))
    pool = list(session.scalars(select(Filer).where(Filer.name.like("Generated voter %")).order_by(Filer.id)))
    for i in range(len(pool), 200):
        filer = Filer(kind=FilerKind.VOTER, name=f"Generated voter {i:03d}", identity_number=f"GEN{i:07d}",
                      phone=f"+996 555 {i:06d}", email=f"voter{i:03d}@generated.invalid", consent_to_contact=False)
        session.add(filer)
        pool.append(filer)
    session.flush()
    filers = pool + filers * 20  # most filers are private voters
    candidates = [r for r in respondents if r.kind in (RespondentKind.CANDIDATE, RespondentKind.PARTY)]

    def plain(objs: list[Any], *names: str) -> list[Any]:
        # Plain copies: they outlive the per-batch commits without reloading.
        return [SimpleNamespace(**{k: getattr(o, k) for k in names}) for o in objs]

    return Pools(plain([election], "id", "code", "timezone", "election_day", "filing_days", "decision_days",
                       "election_day_decision_hours", "appeal_days")[0],
                 plain(categories, "id", "name"), plain(districts, "id", "region_id"),
                 plain(respondents, "id", "kind"), plain(candidates or respondents, "id", "kind"),
                 plain(filers, "id", "represents_id"))


def _pick_path(rng: random.Random) -> tuple[str, ...]:
    roll = rng.random()
    acc = 0.0
    for path, weight in PATHS:
        acc += weight
        if roll < acc:
            return path
    return PATHS[-1][0]


_COMPLAINT_COLUMNS = [c.name for c in Complaint.__table__.columns if c.name != "id"]


def generate(session: Session, count: int, *, election: Election, seed: int | None = None, batch: int = 2000,
             progress: Callable[[int], None] | None = None, commit: bool = True) -> int:
    """Add `count` synthetic cases to `election`. Commits per batch unless `commit` is
    False (a bulk tool: a million cases are not one transaction)."""
    rng = random.Random(seed)
    pools = _pools(session, election, rng)
    history.ensure_head(session)
    done = 0
    while done < count:
        n = min(batch, count - done)
        _batch(session, pools, n, rng)
        if commit:
            session.commit()
        else:
            session.flush()
        done += n
        if progress is not None:
            progress(n)
    return done


def _batch(session: Session, pools: Pools, n: int, rng: random.Random) -> None:
    election = pools.election
    zone = election_zone(election)
    eday = dt.datetime.combine(election.election_day, dt.time(8), zone).astimezone(dt.UTC)
    last_seq = session.execute(update(Election).where(Election.id == election.id)
                               .values(case_seq=Election.case_seq + n).returning(Election.case_seq)).scalar_one()
    first_seq = last_seq - n + 1
    plans: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for i in range(n):
        # Filings build up towards election day and peak on it (hours 08-20), then tail off.
        if rng.random() < 0.15:
            received = eday + dt.timedelta(minutes=rng.randrange(0, 12 * 60))
        else:
            received = eday + dt.timedelta(days=-rng.triangular(0, 60, 1) if rng.random() < 0.8
                                           else rng.triangular(0, 15, 0), minutes=rng.randrange(0, 600))
        received = received.replace(microsecond=0, second=0)
        category = rng.choice(pools.categories)
        district = rng.choice(pools.districts)
        respondent = rng.choice(pools.candidates) if rng.random() < 0.7 else rng.choice(pools.respondents)
        filer = rng.choice(pools.filers)
        path = _pick_path(rng)
        seq = first_seq + i
        row = dict.fromkeys(_COMPLAINT_COLUMNS)
        decision_due = deadlines.decision_due(election, received)
        row.update(
            election_id=election.id, registration_number=f"{election.code}-{seq:06d}", seq=seq,
            kind=ComplaintKind.VIOLATION, channel=rng.choice(list(Channel)), receiving_body=ReceivingBody.CEC,
            language=rng.choice([Language.RU, Language.KY]), received_at=received,
            incident_at=received - dt.timedelta(hours=rng.randrange(3, 48)),
            awareness_at=received - dt.timedelta(hours=rng.randrange(1, 3)), region_id=district.region_id,
            district_id=district.id, filer_id=filer.id, summary=SUMMARY.format(category.name), late=False,
            primary_category_id=category.id, primary_respondent_id=respondent.id,
            filing_due_at=deadlines.filing_due(election, received), decision_due_at=decision_due,
            submitted_at=received, created_at=received, updated_at=received, is_generated=True, version=1,
            status=State.SUBMITTED)
        plan = {"row": row, "path": path, "category": category, "respondent": respondent, "filer": filer,
                "events": [("create", None, State.DRAFT, received), ("submit", State.DRAFT, State.SUBMITTED,
                                                                   received)]}
        when = received
        state = State.SUBMITTED
        facts = SimpleNamespace(**dict.fromkeys(UNSET), appeal=None)
        for name in path:
            action = Action(name)
            when = when + dt.timedelta(minutes=rng.randrange(30, 60 * 30))
            if action == Action.CLOSE and facts.appeal_due_at is not None:
                # Closed once the appeal window has run out (the rule's guard); not yet, if that is ahead.
                when = max(when, facts.appeal_due_at + dt.timedelta(minutes=rng.randrange(1, 60 * 12)))
                if when > now:
                    break
            facts.status = state
            rule = lifecycle.check(state, action, ACTORS, facts, when)
            nxt = rule.next_state
            if action == "decide":
                outcome = rng.choice([Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.REJECTED, Outcome.REJECTED])
                plan["decision"] = {"outcome": outcome, "decided_at": when}
                if outcome != Outcome.REJECTED and rng.random() < 0.4:
                    plan["sanction"] = rng.choice([SanctionKind.WARNING, SanctionKind.WARNING, SanctionKind.FINE])
                row["decided_at"] = when
                row["appeal_due_at"] = deadlines.appeal_due(election, when)
            elif action == "publish":
                row["published_at"] = when
                plan["decision"]["published_at"] = when
            elif action == "transfer":
                row["transferred_to"] = rng.choice(list(TransferBody)).value
            elif action == "withdraw":
                row["withdrawn_at"] = when
            elif action == "declare_inadmissible":
                row.update(inadmissible_grounds=["late"], inadmissible_reasons="Filed after the deadline.",
                           inadmissible_basis="Constitutional law on elections, art. 44",
                           how_to_appeal="To the court within three days.")
                row["appeal_due_at"] = None
            elif action == "confirm_inadmissibility":
                row["inadmissible_confirmed_at"] = when
                row["appeal_due_at"] = deadlines.appeal_due(election, when)
            elif action == "file_appeal":
                plan["appeal"] = {"filed_at": when}
            elif action == "record_appeal_outcome":
                plan["appeal"]["outcome"] = rng.choice(list(AppealOutcome))
                plan["appeal"]["outcome_at"] = when
            elif action == "close":
                row["closed_at"] = when
            plan["events"].append((action.value, state, nxt, when))
            facts.__dict__.update(row)
            facts.decision = plan.get("decision")
            facts.appeal = SimpleNamespace(outcome=plan["appeal"].get("outcome")) if "appeal" in plan else None
            state = nxt
        row["status"] = state
        row["updated_at"] = when
        row["version"] = len(plan["events"])
        _clock(row, state)
        plans.append(plan)
        rows.append(row)

    ids = bulk.ids(session, Complaint.__table__, n)
    for plan, row, cid in zip(plans, rows, ids, strict=True):
        plan["id"] = row["id"] = cid
    bulk.bulk_insert(session, Complaint.__table__, rows)
    bulk.bulk_insert(session, ComplaintRespondent.__table__,
                 [{"complaint_id": p["id"], "respondent_id": p["respondent"].id, "position": 0} for p in plans])
    aids = bulk.ids(session, Allegation.__table__, n)
    bulk.bulk_insert(session, Allegation.__table__,
                 [{"id": aid, "complaint_id": p["id"], "category_id": p["category"].id, "legal_provision": None,
                   "facts": p["row"]["summary"], "position": 0} for p, aid in zip(plans, aids, strict=True)])
    decided = [p for p in plans if "decision" in p]
    if decided:
        dids = bulk.ids(session, Decision.__table__, len(decided))
        drows = [{"id": did, "complaint_id": p["id"], "outcome": p["decision"]["outcome"],
                  "reasons": "Reasons stated in the session.", "legal_basis": "Constitutional law on elections",
                  "remedy": None, "votes_for": 9, "votes_against": 2, "votes_abstain": 0, "dissent": None,
                  "decided_at": p["decision"]["decided_at"], "decided_by_id": None,
                  "public_text": "Reasons stated in the session." if "published_at" in p["decision"] else None,
                  "published_at": p["decision"].get("published_at")} for p, did in zip(decided, dids, strict=True)]
        bulk.bulk_insert(session, Decision.__table__, drows)
        sanctioned = [(p, did) for p, did in zip(decided, dids, strict=True) if "sanction" in p]
        sids = bulk.ids(session, Sanction.__table__, len(sanctioned)) if sanctioned else []
        srows = [{"id": sid, "decision_id": did, "kind": p["sanction"], "respondent_id": p["respondent"].id,
                  "amount": 10000 if p["sanction"] == SanctionKind.FINE else None, "note": None}
                 for (p, did), sid in zip(sanctioned, sids, strict=True)]
        bulk.bulk_insert(session, Sanction.__table__, srows)
    appealed = [p for p in plans if "appeal" in p]
    if appealed:
        apids = bulk.ids(session, Appeal.__table__, len(appealed))
        bulk.bulk_insert(session, Appeal.__table__,
                        [{"id": apid, "complaint_id": p["id"], "appellant": Appellant.RESPONDENT,
                          "body": AppealBody.FIRST_INSTANCE_COURT, "case_number": None,
                          "filed_at": p["appeal"]["filed_at"], "outcome": p["appeal"].get("outcome"),
                          "outcome_at": p["appeal"].get("outcome_at"), "note": None, "recorded_by_id": None}
                         for p, apid in zip(appealed, apids, strict=True)])
    _history(session, plans)
    _counters(session, plans, election)
    search.index_cases(session, [p["id"] for p in plans])


def _clock(row: dict[str, Any], state: State) -> None:
    """The running clock for the state (lifecycle.running_clock, as deadlines.refresh_clock sets it)."""
    facts = SimpleNamespace(**{**dict.fromkeys(UNSET), **row})
    facts.status = state
    row["due_clock"], row["due_at"] = lifecycle.running_clock(facts)


def _history(session: Session, plans: list[dict[str, Any]]) -> None:
    events = [(p["id"], *e) for p in plans for e in p["events"]]
    bumped = session.execute(update(HistoryHead).where(HistoryHead.id == 1)
                             .values(seq=HistoryHead.seq + len(events))
                             .returning(HistoryHead.seq, HistoryHead.last_hash)).one()
    seq = bumped.seq - len(events)
    prev = bumped.last_hash
    rows = []
    hids = bulk.ids(session, CaseHistory.__table__, len(events))
    # What `audit verify` replays against the stored case: the decision's outcome.
    outcomes = {p["id"]: p["decision"]["outcome"].value for p in plans if "decision" in p}
    for (cid, action, from_state, to_state, at), hid in zip(events, hids, strict=True):
        seq += 1
        payload: dict[str, Any] = {"generated": True}
        if action == "decide" and cid in outcomes:
            payload["outcome"] = outcomes[cid]
        row = SimpleNamespace(id=hid, seq=seq, complaint_id=cid, actor_id=None, actor_name="generator",
                              actor_role="system", at=at, action=action,
                              from_state=from_state.value if from_state else None,
                              to_state=to_state.value, note=None, payload=payload, internal=False,
                              prev_hash=prev, salt=secrets.token_hex(16))
        row.hash = history.chain_hash(prev, row)
        prev = row.hash
        rows.append(vars(row))
    bulk.bulk_insert(session, CaseHistory.__table__, rows)
    session.execute(update(HistoryHead).where(HistoryHead.id == 1).values(last_hash=prev))


def _counters(session: Session, plans: list[dict[str, Any]], election: Any) -> None:
    zone = election_zone(election)
    totals: Counter[counters.Cell] = Counter()
    snaps = []
    for p in plans:
        row = p["row"]
        local = row["received_at"].astimezone(zone)
        resp = p["respondent"]
        is_party = resp.kind in counters.PARTY_KINDS
        facts = counters.CaseFacts(
            election_id=election.id, day=local.date(), hour=local.hour, region_id=row["region_id"] or 0,
            category_id=row["primary_category_id"] or 0, status=row["status"].value,
            election_day=election.election_day, respondent_ids=[resp.id],
            party_respondent_ids=[resp.id] if is_party else [], filer_party_id=p["filer"].represents_id)
        if "decision" in p:
            decided_at = p["decision"]["decided_at"]
            facts.outcome = p["decision"]["outcome"].value
            facts.decision_hours = counters.decision_hours(row["received_at"], decided_at)
            facts.within_deadline = decided_at <= row["decision_due_at"]
            facts.sanctions = [p["sanction"].value] if "sanction" in p else []
        if "appeal" in p:
            outcome = p["appeal"].get("outcome")
            facts.appeal = outcome.value if outcome else "pending"
        keys = counters.case_keys(facts)
        totals.update(counters.cells(facts.election_id, facts.day, facts.region_id, facts.category_id, keys))
        snaps.append({"complaint_id": p["id"], "election_id": election.id, "day": facts.day,
                      "region_id": facts.region_id, "category_id": facts.category_id, "keys": keys})
    bulk.bulk_insert(session, StatCaseKeys.__table__, snaps)
    bulk.bump_counters(session, dict(totals))
