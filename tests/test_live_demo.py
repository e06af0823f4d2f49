"""The live demo election (issue 12): a fresh `seed-demo` adds an election voting today
beside 2017, whose clocks are partly overdue, partly running out within hours, mostly on
time, with some cases decided and published; the first sweep leaves 2017 alone."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from complaints import create_app
from complaints.db import db
from complaints.lifecycle import State
from complaints.models import Complaint, Election
from tests.conftest import fresh_database_url, migrate


@pytest.fixture()
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COMPLAINTS_DEMO_PASSWORD", "live-demo-password")
    url = fresh_database_url("live_demo")
    engine = migrate(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": url, "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_CHEAP": True,
                      "EVIDENCE_DIR": str(tmp_path / "evidence")})
    try:
        yield app, engine
    finally:
        db.session.remove()
        if db.engine is not None and db.engine is not engine:
            db.engine.dispose()
        engine.dispose()


def test_fresh_demo_has_a_live_election_beside_2017(fresh) -> None:
    app, engine = fresh
    runner = app.test_cli_runner()
    out = runner.invoke(args=["seed-demo", "--generated", "40"])
    assert out.exit_code == 0, out.output
    assert "voting today" in out.output
    with app.app_context():  # as `flask` runs a command group
        swept = runner.invoke(args=["deadlines", "sweep"])
    assert swept.exit_code == 0, swept.output
    # 2017 was settled when it was loaded: the first sweep closes nothing from it.
    assert "closed 0 case(s)" in swept.output, swept.output
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as s:
        today = now.astimezone(ZoneInfo("Asia/Bishkek")).date()
        live = s.scalar(select(Election).where(Election.election_day == today))
        assert live is not None and s.scalar(select(Election).where(Election.code == "KG2017P")) is not None
        cases = s.scalars(select(Complaint).where(Complaint.election_id == live.id)).all()
        due = [c.due_at for c in cases if c.due_at is not None and c.status in (State.SUBMITTED,
                                                                                   State.UNDER_EXAMINATION)]
        overdue = [d for d in due if d < now]
        within_hours = [d for d in due if now <= d < now + dt.timedelta(hours=8)]
        on_time = [d for d in due if d >= now]
        assert overdue and within_hours and len(on_time) > len(overdue)
        assert {State.DECIDED, State.PUBLISHED} <= {c.status for c in cases}
        # Marked overdue by the sweep, as the queue shows them.
        assert s.scalar(select(func.count()).select_from(Complaint).where(
            Complaint.election_id == live.id, Complaint.overdue_since.is_not(None))) == len(overdue)
    # Running it twice changes nothing.
    again = runner.invoke(args=["seed-demo"])
    assert "nothing changed" in again.output
    client = app.test_client()
    client.post("/login", data={"username": "clerk", "password": "live-demo-password"})
    html = client.get("/dashboard").get_data(as_text=True)
    assert live.name in html and "Voting day is today" in html
    assert "Presidential election 2017" in html  # beside it
    overdue_shown = re.search(r'data-stat="overdue">(?:<a[^>]*>)?(\d+)', html).group(1)
    due_shown = re.search(r'data-stat="due24">(?:<a[^>]*>)?(\d+)', html).group(1)
    assert int(overdue_shown) == len(overdue) and int(due_shown) > 0
    # Election-day hours come first on voting day.
    assert html.index('id="chart-hours"') < html.index('id="chart-days"')
