"""The 2017 Kyrgyz presidential election as demo data (DOMAIN.md section 7): its
places, candidates and other respondents, the demo accounts, the complaints of the
seed article in plausible states with their histories, and generated cases.

Everything goes through the services, so the demo's histories are real histories."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.demo.base import (
    ELECTION_CODE,
    LENINSKY,
    NOOKAT,
    Builder,
    Demo,
    seed_election,
    seed_filers,
    seed_places,
    seed_respondents,
    seed_users,
    t,
)
from complaints.demo.cases_2017 import seed_article_cases, seed_generated, seed_late_case
from complaints.enums import (
    Language,
)
from complaints.models import (
    District,
    Election,
    Precinct,
    Region,
)


def seed_open_demo_cases(b: Builder) -> None:
    """Cases received recently, so the work queue has live clocks to show."""
    d = b.d
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    b.file(filer=d.filers["monitor"], respondents=["jeenbekov"], actor="monitor",
           allegations=[("vote_buying", "На агитационной встрече избирателям раздавали продуктовые наборы.", None)],
           summary="Продуктовые наборы раздавались на агитационной встрече в Ноокате.", region="OS", district=NOOKAT,
           received=now - dt.timedelta(hours=5), awareness=now - dt.timedelta(hours=20))
    b.file(filer=d.filers["monitor2"], respondents=["pec_1052"], actor="monitor2",
           allegations=[("election_day", "Участкалык комиссия байкоочуларды добуштарды эсептөөгө киргизген жок.",
                         None)],
           summary="1052-участокто байкоочулар добуштарды эсептөөгө киргизилген жок.", language=Language.KY,
           region="BI", district=LENINSKY,
           precinct=0, received=now - dt.timedelta(hours=30), awareness=now - dt.timedelta(hours=40))


def seed_demo(session: Session, password: str, generated: int = 300, live: bool = False) -> bool:
    """Load the demo once; return False (and change nothing) if it is already there.
    `live`: settle the 2017 cases as of the end of 2017 (closed when their appeal window ran
    out, marked overdue then) and add an election whose voting day is today."""
    if session.scalar(select(Election).where(Election.code == ELECTION_CODE)) is not None:
        return False
    from complaints.services.history import ensure_head
    ensure_head(session)
    seed_places(session)
    election = seed_election(session)
    resp = seed_respondents(session, election)
    users = seed_users(session, password)
    filers = seed_filers(session, resp, users)
    regions = {r.code: r for r in session.scalars(select(Region))}
    districts = {dd.name: dd for dd in session.scalars(select(District))}
    precincts = list(session.scalars(select(Precinct).order_by(Precinct.number)))
    precincts.insert(0, precincts.pop(next(i for i, p in enumerate(precincts) if p.district.name == LENINSKY)))
    cats = {c.code: c for c in election.categories}
    d = Demo(election, cats, regions, districts, precincts, resp, users, filers)
    b = Builder(session, d)
    seed_article_cases(b)
    rng = random.Random(2017)
    # Generated cases fill the register up to No. 102, so the late appeal is No. 103 as in the real register.
    before_late = max(0, 102 - (election.case_seq or 0))
    seed_generated(b, min(before_late, generated), rng)
    if election.case_seq < 102:
        election.case_seq = 102
        session.flush()
    seed_late_case(b)
    seed_generated(b, max(0, generated - before_late), rng)
    seed_open_demo_cases(b)
    if live:
        from complaints.seed_live import seed_live_election

        settle_2017(session)
        seed_live_election(b)
    session.flush()
    return True


def settle_2017(session: Session) -> None:
    """Run the deadline sweep as it would have run at the end of 2017, so the 2017 cases
    are not closed (in bulk, dated today) by the first sweep of a fresh demo."""
    from complaints.services.cases import sweep

    while any(sweep(session, now=t(12, 31, 23, 0)).values()):
        pass
