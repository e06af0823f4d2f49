"""The dashboard counters: every figure against a direct count of the cases, the
counters maintained on write equal to a rebuild, and the staff dashboard's page."""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from complaints.demo import generate
from complaints.enums import RespondentKind
from complaints.lifecycle import Action, State
from complaints.models import (
    Appeal,
    Complaint,
    ComplaintRespondent,
    Decision,
    Election,
    Filer,
    Respondent,
    User,
)
from complaints.models.stats import StatCounter
from complaints.services import cases as svc
from complaints.services import counters as counting
from complaints.services import deadlines, history, stats


def counters(session: Session) -> list[tuple[Any, ...]]:
    return sorted((c.election_id, c.metric, c.day, c.region_id, c.category_id, c.key, c.n)
                  for c in session.scalars(select(StatCounter)) if c.n)


def election(session: Session) -> Election:
    found = stats.default_election(session)
    assert found is not None
    return found


def file_on(session: Session, el: Election, when: dt.datetime, *, region_id: int | None = None) -> Complaint:
    """A case received at `when` through the services (so the ON_CHANGE hook counts it)."""
    cat = el.categories[0]
    resp = session.scalar(select(Respondent).where(Respondent.kind == RespondentKind.CANDIDATE).limit(1))
    region = region_id or session.scalar(select(Complaint.region_id).where(Complaint.region_id.is_not(None))
                                         .limit(1))
    filer = Filer(kind="voter", name="Test voter", identity_number="T-1")
    session.add(filer)
    data = svc.ComplaintInput(election_id=el.id, summary="Test case", respondent_ids=[resp.id],
                              allegations=[svc.AllegationInput(category_id=cat.id, facts="Facts.")],
                              awareness_at=when - dt.timedelta(hours=1), region_id=region)
    case, _code = svc.file_complaint(session, data, filer=filer, actor=None, received_at=when)
    return case


@pytest.fixture()
def dataset(session: Session) -> Election:
    """The seeded demo, plus election-day filings at known hours and 150 generated cases."""
    el = election(session)
    zone = ZoneInfo(el.timezone)
    for hour in (0, 7, 7, 13, 23):
        file_on(session, el, dt.datetime.combine(el.election_day, dt.time(hour, 30), zone))
    generate.generate(session, 150, election=el, seed=7, batch=60, commit=False)
    session.flush()
    return el


# --------------------------------------------------------------------------- direct counts

def percentile(values: list[int], q: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def direct(session: Session, el: Election, now: dt.datetime, *, region_id: int | None = None,
           category_id: int | None = None, day_from: dt.date | None = None,
           day_to: dt.date | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, counted from the case tables without the counters."""
    zone = ZoneInfo(el.timezone)
    q = select(Complaint).where(Complaint.election_id == el.id, Complaint.status != State.DRAFT)
    if region_id:
        q = q.where(Complaint.region_id == region_id)
    if category_id:
        q = q.where(Complaint.primary_category_id == category_id)
    cases = [c for c in session.scalars(q)
             if (day_from is None or c.received_at.astimezone(zone).date() >= day_from)
             and (day_to is None or c.received_at.astimezone(zone).date() <= day_to)]
    ids = {c.id for c in cases}
    out: dict[str, Any] = {"total": len(cases), "by_status": Counter(c.status.value for c in cases)}
    out["per_day"] = Counter(c.received_at.astimezone(zone).date().isoformat() for c in cases)
    out["hours"] = Counter(c.received_at.astimezone(zone).hour for c in cases
                           if c.received_at.astimezone(zone).date() == el.election_day)
    out["by_category"] = Counter(c.primary_category_id or 0 for c in cases)
    out["by_region"] = Counter(c.region_id or 0 for c in cases)
    out["overdue"] = sum(1 for c in cases if c.due_at is not None and c.due_at < now)
    out["due24"] = sum(1 for c in cases if c.due_at is not None and now <= c.due_at < now + dt.timedelta(hours=24))
    decisions: dict[int, list[Decision]] = {}
    for d in session.scalars(select(Decision).order_by(Decision.decided_at, Decision.id)):
        if d.complaint_id in ids:
            decisions.setdefault(d.complaint_id, []).append(d)
    by_id = {c.id: c for c in cases}
    out["outcomes"] = Counter(ds[-1].outcome.value for ds in decisions.values())
    out["sanctions"] = Counter(s.kind.value for ds in decisions.values() for d in ds for s in d.sanctions)
    appeals: dict[int, Appeal] = {}
    for a in session.scalars(select(Appeal).order_by(Appeal.filed_at, Appeal.id)):
        if a.complaint_id in ids:
            appeals[a.complaint_id] = a
    out["appeals"] = Counter(a.outcome.value if a.outcome else "pending" for a in appeals.values())
    hours = {cid: counting.decision_hours(by_id[cid].received_at, ds[0].decided_at) for cid, ds in decisions.items()}
    out["median"] = percentile(list(hours.values()), 0.5)
    out["p90"] = percentile(list(hours.values()), 0.9)
    out["within"] = sum(1 for cid, ds in decisions.items()
                        if ds[0].decided_at <= deadlines.decision_due(el, by_id[cid].received_at))
    out["decided"] = len(decisions)
    links = [(cid, rid) for cid, rid in session.execute(select(ComplaintRespondent.complaint_id,
                                                               ComplaintRespondent.respondent_id)) if cid in ids]
    out["respondents"] = Counter(rid for _cid, rid in links)
    parties = {r.id for r in session.scalars(select(Respondent).where(
        Respondent.kind.in_([RespondentKind.CANDIDATE, RespondentKind.PARTY])))}
    resp_side: dict[int, list[int]] = {}
    for cid, rid in links:
        if rid in parties:
            resp_side.setdefault(rid, []).append(cid)
    filer_side: dict[int, list[int]] = {}
    filers = {f.id: f.represents_id for f in session.scalars(select(Filer))}
    for c in cases:
        rep = filers.get(c.filer_id) if c.filer_id else None
        if rep is not None:
            filer_side.setdefault(rep, []).append(c.id)

    def side(cids: list[int]) -> dict[str, Any]:
        decided = [cid for cid in cids if cid in decisions]
        upheld = [cid for cid in decided if decisions[cid][-1].outcome.value in ("upheld", "partly_upheld")]
        return {"cases": len(cids), "decided": len(decided), "upheld": len(upheld),
                "median_hours": percentile([hours[cid] for cid in decided], 0.5)}

    out["equal"] = {rid: {"as_respondent": side(resp_side.get(rid, [])), "as_filer": side(filer_side.get(rid, []))}
                    for rid in set(resp_side) | set(filer_side)}
    return out


def check(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["total"] == want["total"]
    assert got["by_status"] == dict(want["by_status"])
    assert {d["day"]: d["cases"] for d in got["per_day"]} == dict(want["per_day"])
    assert {h["hour"]: h["cases"] for h in got["election_day_hours"] if h["cases"]} == dict(want["hours"])
    assert {c["id"]: c["cases"] for c in got["by_category"]} == dict(want["by_category"])
    assert {r["id"]: r["cases"] for r in got["by_region"]} == dict(want["by_region"])
    assert got["overdue"] == want["overdue"]
    assert got["due_within_24h"] == want["due24"]
    assert got["decisions_by_outcome"] == dict(want["outcomes"])
    assert got["sanctions"] == dict(want["sanctions"])
    assert got["appeals"] == dict(want["appeals"])
    t = got["time_to_decision"]
    assert (t["decided"], t["median_hours"], t["p90_hours"], t["within_deadline"]) == (
        want["decided"], want["median"], want["p90"], want["within"])
    top = {r["id"]: r["cases"] for r in got["top_respondents"]}
    assert len(top) == min(10, len(want["respondents"]))
    assert all(want["respondents"][rid] == n for rid, n in top.items())
    assert sorted(top.values(), reverse=True) == [n for _r, n in want["respondents"].most_common(len(top))]
    assert {r["id"]: r["cases"] for r in got["repeat_respondents"]} == {
        rid: n for rid, n in want["respondents"].items() if n > 1}
    equal = {p["id"]: {"as_respondent": {k: p["as_respondent"][k] for k in ("cases", "decided", "upheld",
                                                                             "median_hours")},
                       "as_filer": {k: p["as_filer"][k] for k in ("cases", "decided", "upheld", "median_hours")}}
             for p in got["equal_treatment"]}
    assert equal == want["equal"]


def test_every_figure_matches_a_direct_count(session: Session, dataset: Election) -> None:
    now = dt.datetime(2017, 10, 16, 12, tzinfo=dt.UTC)
    got = stats.summary(session, stats.Filters(election_id=dataset.id), public=False, now=now)
    want = direct(session, dataset, now)
    assert want["hours"][7] >= 2 and want["hours"][23] >= 1  # the known election-day filings are there
    assert want["overdue"] > 0 and want["decided"] > 0 and want["equal"]
    check(got, want)


def test_overdue_and_due_soon_follow_the_clock(session: Session, dataset: Election) -> None:
    due = sorted(d for d in session.scalars(select(Complaint.due_at).where(Complaint.due_at.is_not(None))))
    for now in (due[0] - dt.timedelta(hours=1), due[len(due) // 2], dt.datetime.now(dt.UTC)):
        got = stats.summary(session, stats.Filters(election_id=dataset.id), public=True, now=now)
        want = direct(session, dataset, now)
        assert (got["overdue"], got["due_within_24h"]) == (want["overdue"], want["due24"])


@pytest.mark.parametrize("which", ["region", "category", "period", "all", "region+period", "category+period",
                                   "region+category", "months", "region+months", "all+months"])
def test_filtered_figures_match_direct_counts(session: Session, dataset: Election, which: str) -> None:
    now = dt.datetime(2017, 10, 16, 12, tzinfo=dt.UTC)
    region = session.scalar(select(Complaint.region_id).where(Complaint.election_id == dataset.id)
                            .group_by(Complaint.region_id).order_by(func.count().desc()).limit(1))
    kw: dict[str, Any] = {}
    category = dataset.categories[0].id
    if which in ("all", "region+category", "all+months"):  # a combination that holds at least one case
        sample = session.scalars(select(Complaint).where(
            Complaint.election_id == dataset.id, Complaint.status != State.DRAFT,
            Complaint.received_at >= dt.datetime.combine(dataset.election_day - dt.timedelta(days=4), dt.time(),
                                                         dt.UTC),
            Complaint.received_at < dt.datetime.combine(dataset.election_day, dt.time(), dt.UTC))).first()
        assert sample is not None
        region, category = sample.region_id, sample.primary_category_id
    if which in ("region", "all", "region+period", "region+category", "region+months", "all+months"):
        kw["region_id"] = region
    if which in ("category", "all", "category+period", "region+category", "all+months"):
        kw["category_id"] = category
    if which in ("period", "all", "region+period", "category+period"):
        kw["day_from"], kw["day_to"] = dataset.election_day - dt.timedelta(days=5), dataset.election_day
    if which.endswith("months"):  # whole months (the month roll-ups) and days at both edges
        kw["day_from"] = dataset.election_day.replace(day=1) - dt.timedelta(days=45)
        kw["day_to"] = dataset.election_day
        assert kw["day_from"].day != 1 and stats._periods(stats.Filters(**kw))[0][0]
    got = stats.summary(session, stats.Filters(election_id=dataset.id, **kw), public=False, now=now)
    want = direct(session, dataset, now, **kw)
    assert want["total"] > 0
    check(got, want)


def test_maintained_counters_equal_a_rebuild(session: Session, dataset: Election, users: dict[str, User]) -> None:
    # Move some cases through the lifecycle, including an edit that changes region and category.
    el = dataset
    case = file_on(session, el, dt.datetime(2017, 10, 10, 9, tzinfo=dt.UTC))
    svc.apply_action(session, case, Action.MARK_DEFICIENT, users["clerk"], {"defects": ["Signature missing."]})
    other_region = session.scalar(select(Complaint.region_id).where(Complaint.region_id != case.region_id,
                                                                    Complaint.region_id.is_not(None)).limit(1))
    data = svc.ComplaintInput(election_id=el.id, summary="Corrected", respondent_ids=[case.respondents[0].id],
                              allegations=[svc.AllegationInput(category_id=el.categories[2].id, facts="More.")],
                              awareness_at=case.awareness_at, region_id=other_region)
    svc.update_draft(session, case, data, actor=users["clerk"])
    svc.apply_action(session, case, Action.CURE, users["clerk"], {"note": "Signed."})
    svc.apply_action(session, case, Action.ACCEPT, users["clerk"], {})
    svc.apply_action(session, case, Action.DECIDE, users["commissioner"],
                     {"outcome": "upheld", "reasons": "R.", "legal_basis": "B.", "votes_for": 8, "votes_against": 1,
                      "sanctions": [{"kind": "warning", "respondent_id": case.respondents[0].id}]})
    svc.apply_action(session, case, Action.PUBLISH, users["clerk"], {})
    session.flush()
    maintained = counters(session)
    assert counting.rebuild(session) >= dataset_size(session, el)
    session.flush()
    assert counters(session) == maintained


def dataset_size(session: Session, el: Election) -> int:
    return session.scalar(select(func.count()).select_from(Complaint).where(Complaint.election_id == el.id,
                                                                           Complaint.status != State.DRAFT)) or 0


def test_generated_cases_keep_the_history_chain_and_the_counters(session: Session, dataset: Election) -> None:
    assert history.verify(session).ok
    generated = session.scalar(select(func.count()).select_from(Complaint).where(Complaint.is_generated.is_(True)))
    assert generated and generated >= 150
    maintained = counters(session)
    counting.rebuild(session)
    session.flush()
    assert counters(session) == maintained


def test_commands(runner: Any, session: Session) -> None:
    result = runner.invoke(args=["generate-cases", "25", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Added 25 generated case(s)" in result.output
    result = runner.invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Counted" in result.output
    assert history.verify(session).ok
    result = runner.invoke(args=["generate-cases", "5", "--election", "NOPE"])
    assert result.exit_code != 0 and "No such election" in result.output


def test_public_stats_is_plain_json(session: Session) -> None:
    import json

    data = stats.public_stats(session)
    assert json.loads(json.dumps(data)) == data
    assert data["total"] > 0 and data["election"]["code"]


# --------------------------------------------------------------------------- the page

def test_dashboard_is_for_staff_only(client: Any, auth: Any) -> None:
    assert client.get("/dashboard").status_code in (302, 401)
    auth.login("monitor")
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard/data.json").status_code == 403
    assert client.get("/dashboard/export/cases.csv").status_code == 403


def test_dashboard_numbers_link_to_the_queue(client: Any, auth: Any, session: Session) -> None:
    el = election(session)
    auth.login("commissioner")
    page = client.get("/dashboard").get_data(as_text=True)
    data = stats.summary(session, stats.Filters(election_id=el.id), public=False)
    assert page.index("Needs attention now") < page.index("Cases by status")
    assert f'href="/cases?election={el.id}&amp;overdue=1">{data["overdue"]}</a>' in page
    assert f'href="/cases?election={el.id}&amp;due24=1">{data["due_within_24h"]}</a>' in page
    submitted = data["by_status"]["submitted"]
    assert f'href="/cases?election={el.id}&amp;status=submitted">{submitted}</a>' in page
    # Each chart has a label and a table with the same figures.
    assert 'role="img"' in page and 'aria-labelledby="chart-days-title"' in page and 'id="chart-days-table"' in page
    assert "<script>" not in page and "style=" not in page


def test_dashboard_filters_and_their_errors(client: Any, auth: Any, session: Session) -> None:
    auth.login("clerk")
    r = client.get("/dashboard?start=2017-10-20&end=2017-10-01")
    assert r.status_code == 200
    assert "The end of the period is before its start." in r.get_data(as_text=True)
    r = client.get("/dashboard?start=notadate&region=abc&category=99999999&election=x")
    assert r.status_code == 200
    region = session.scalar(select(Complaint.region_id).where(Complaint.region_id.is_not(None)).limit(1))
    r = client.get(f"/dashboard/data.json?region={region}&start=2017-09-01&end=2017-10-31")
    body = r.get_json()
    assert body["filters"] == {"from": "2017-09-01", "to": "2017-10-31", "region_id": region, "category_id": None}


def test_linked_numbers_equal_what_the_queue_counts(session: Session, dataset: Election,
                                                    users: dict[str, User]) -> None:
    """Each dashboard number links to the queue with these arguments; the queue must count the same."""
    from complaints.services import workflow as wf

    now = dt.datetime.now(dt.UTC)
    clerk = users["clerk"]
    got = stats.summary(session, stats.Filters(election_id=dataset.id), public=False, now=now)

    def queue_total(**args: Any) -> int:
        f = wf.QueueFilters.from_args({k: str(v) for k, v in {"election": dataset.id, **args}.items()})
        by_status, quick = wf.queue_counts(session, clerk, f, now)
        if "overdue" in args:
            return quick["overdue"]
        if "due24" in args:
            return quick["due24"]
        return by_status["all"] if args.get("status") == "all" else by_status.get(args["status"], 0)

    assert got["overdue"] == queue_total(overdue=1)
    assert got["due_within_24h"] == queue_total(due24=1)
    for status, n in got["by_status"].items():
        assert n == queue_total(status=status), status
    for r in got["top_respondents"]:
        assert r["cases"] == queue_total(status="all", respondent=r["id"])
    for c in got["by_category"]:
        assert c["cases"] == queue_total(status="all", category=c["id"])
    for r in got["by_region"]:
        assert r["cases"] == queue_total(status="all", region=r["id"])
