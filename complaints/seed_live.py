"""A live demo election beside the 2017 one: its voting day is today (in Bishkek) at the
time the demo is loaded, and its cases are spread over the last days, so that whenever
the demo is run some decision clocks run out within hours, some are overdue, most are on
time, and some cases are already decided and published: what election night looks like.

Built through the same services as the 2017 cases (every change in the history), with
times backdated relative to the moment of loading."""
from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.enums import Channel, ElectionKind, RespondentKind
from complaints.lifecycle import Action
from complaints.models import Complaint, Election

CODE_PREFIX = "KG"
ZONE = ZoneInfo("Asia/Bishkek")

#: (category, facts, summary): what election-day complaints are mostly about.
LIVE_TOPICS = [
    ("election_day", "Observers were kept two metres from the ballot box and could not see the voting.",
     "Observers kept away from the ballot box"),
    ("vote_buying", "Voters leaving the polling station were handed envelopes with money near the entrance.",
     "Envelopes with money handed to voters at the entrance"),
    ("voter_lists", "Several voters found that somebody had already signed for them in the voter list.",
     "Voters found their signatures already in the list"),
    ("prohibited_place", "Campaign posters of a party were hanging inside the polling station.",
     "Party posters inside the polling station"),
    ("admin_resources", "Employees of a state enterprise were brought to vote by bus and told to report back.",
     "State employees bussed in to vote"),
    ("counting", "The count started before all observers were let back into the room.",
     "Count started without the observers"),
    ("commission_act", "The precinct commission refused to register a complaint about the ballot box seals.",
     "Precinct commission refused to register a complaint"),
    ("media", "A television channel aired campaign material on the day of silence.",
     "Campaign material aired on the day of silence"),
]


def live_code(today: dt.date) -> str:
    return f"{CODE_PREFIX}{today:%Y}L"


def seed_live_election(b: object, *, now: dt.datetime | None = None, count: int = 48,
                       seed: int | None = None) -> Election | None:
    """Add the live election to a loaded demo (`b`: the 2017 demo's builder); None when it
    is there already. `count` cases, received over the five days before `now`."""
    from complaints.demo.base import Builder, Demo, add_categories

    assert isinstance(b, Builder)
    session: Session = b.s
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    today = now.astimezone(ZONE).date()
    code = live_code(today)
    if session.scalar(select(Election).where(Election.code == code)) is not None:
        return None
    election = Election(code=code, name=f"Parliamentary election {today:%Y} (live demo: voting day is today)",
                        kind=ElectionKind.PARLIAMENTARY, election_day=today, timezone="Asia/Bishkek")
    session.add(election)
    session.flush()
    add_categories(session, election)
    base = b.d
    respondents = {k: r for k, r in base.resp.items() if r.kind != RespondentKind.CANDIDATE}
    live = Builder(session, Demo(election, {c.code: c for c in election.categories}, base.regions, base.districts,
                                 base.precincts, respondents, base.users, base.filers))
    rng = random.Random(seed if seed is not None else today.toordinal())
    party_keys = [k for k, r in respondents.items() if r.kind == RespondentKind.PARTY]
    other_keys = [k for k, r in respondents.items() if r.kind in (RespondentKind.COMMISSION, RespondentKind.OFFICIAL,
                                                                  RespondentKind.MEDIA, RespondentKind.STATE_BODY)]
    filer_keys = ["monitor", "monitor2", "ngo", "anonymous"]
    region_keys = list(base.regions)
    for i in range(count):
        received = now - _age(i, count, rng)
        category, facts, summary = LIVE_TOPICS[i % len(LIVE_TOPICS)]
        region = region_keys[i % len(region_keys)]
        district = rng.choice(base.regions[region].districts)
        filer_key = filer_keys[i % len(filer_keys)]
        if category in ("counting", "commission_act") and filer_key == "anonymous":
            filer_key = "ngo"
        actor = filer_key if filer_key in ("monitor", "monitor2") else "clerk"
        respondent = rng.choice(other_keys) if category in ("commission_act", "counting", "media") \
            else rng.choice(party_keys)
        case = live.file(filer=base.filers[filer_key], respondents=[respondent], actor=actor,
                         channel=Channel.WEB if actor != "clerk" else rng.choice([Channel.PHONE, Channel.PAPER]),
                         allegations=[(category, facts, None)], summary=summary, region=region,
                         district=district.name, received=received,
                         awareness=received - dt.timedelta(minutes=rng.randrange(10, 30)),
                         incident=received - dt.timedelta(minutes=rng.randrange(30, 240)))
        _advance(live, case, rng, received, now)
    session.flush()
    return election


def _age(i: int, count: int, rng: random.Random) -> dt.timedelta:
    """How long before `now` case `i` came in: a third in the last 8 hours, a third in the
    16 hours before (their 24-hour clocks run out within hours), the rest over 5 days."""
    share = i / count
    if share < 0.34:
        return dt.timedelta(minutes=rng.randrange(10, 8 * 60))
    if share < 0.6:
        return dt.timedelta(minutes=rng.randrange(16 * 60, 23 * 60 + 30))
    return dt.timedelta(hours=rng.randrange(25, 5 * 24))


def _advance(b: object, case: Complaint, rng: random.Random, received: dt.datetime, now: dt.datetime) -> None:
    """Move a case on as the commission would have by `now`: old ones decided and
    published, some left waiting past their clock; recent ones accepted or still new."""
    from complaints.demo.base import Builder

    assert isinstance(b, Builder)
    age = now - received
    step = received + min(age / 3, dt.timedelta(hours=3))
    roll = rng.random()
    if age < dt.timedelta(hours=1) or roll < 0.25:
        return  # still waiting for intake: its decision clock runs
    b.act(case, Action.ACCEPT, "clerk", step, assignee_id=b.d.users["investigator"].id)
    if age < dt.timedelta(hours=30) or roll < 0.45:
        return  # under examination
    decided = received + age * 0.6
    b.act(case, Action.DECIDE, "commissioner", decided, outcome=rng.choice(["upheld", "rejected", "partly_upheld"]),
          reasons="Reasons stated in the session.", legal_basis="Constitutional law on elections",
          votes_for=rng.randrange(7, 12), votes_against=rng.randrange(0, 3), votes_abstain=rng.randrange(0, 2),
          sanctions=[])
    if roll < 0.6:
        return
    b.act(case, Action.PUBLISH, "clerk", decided + dt.timedelta(hours=2))
