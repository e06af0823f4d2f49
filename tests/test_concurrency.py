"""Concurrent writers: a stale change fails instead of overwriting, and the history
chain never forks. Real commits on a database of its own, from 20 threads."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from complaints import lifecycle
from complaints.lifecycle import Action
from complaints.models import CaseHistory, Complaint, User
from complaints.services import cases as svc
from complaints.services import history
from complaints.services.errors import ConflictError
from tests.conftest import fresh_database_url, migrate, seed

THREADS = 20
NOTE_STATES = [rule.state for rule in lifecycle.RULES if rule.action == Action.ADD_NOTE]


@pytest.fixture(scope="module")
def live_engine():
    engine = migrate(fresh_database_url("concurrency"))
    seed(engine, generated=10)
    yield engine
    engine.dispose()


def _run_threads(target) -> list[object]:
    results: list[object] = [None] * THREADS
    barrier = threading.Barrier(THREADS)

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _state(engine, number):
    with Session(engine) as s:
        case = s.scalar(select(Complaint).where(Complaint.registration_number == number))
        rows = s.scalar(select(func.count()).select_from(CaseHistory).where(CaseHistory.complaint_id == case.id))
        return case.version, case.status, rows


def _add_note(engine, number: str, i: int, expected_version) -> str:
    """One clerk's note on case `number`, against the version `expected_version(case)` names."""
    with Session(engine) as s:
        case = s.scalar(select(Complaint).where(Complaint.registration_number == number))
        clerk = s.scalar(select(User).where(User.username == "clerk"))
        try:
            svc.apply_action(s, case, Action.ADD_NOTE, clerk, {"note": f"note {i}"},
                             expected_version=expected_version(case))
            s.commit()
            return "applied"
        except ConflictError:
            s.rollback()
            return "conflict"


def test_same_version_exactly_one_wins(live_engine):
    number = "KG2017P-000001"
    version, _status, rows = _state(live_engine, number)

    def act(i: int) -> str:
        return _add_note(live_engine, number, i, lambda case: version)

    results = _run_threads(act)
    assert results.count("applied") == 1, results
    assert results.count("conflict") == THREADS - 1, results
    new_version, _status, new_rows = _state(live_engine, number)
    assert new_version == version + 1
    assert new_rows == rows + 1
    with Session(live_engine) as s:
        assert history.verify(s).ok


def test_racing_loads_never_lose_an_update(live_engine):
    """Each thread loads the case and acts on what it loaded: every success bumps the
    version by exactly one, and every success has its history row."""
    number = "KG2017P-000002"
    version, _status, rows = _state(live_engine, number)

    def act(i: int) -> str:
        return _add_note(live_engine, number, i, lambda case: case.version)

    results = _run_threads(act)
    applied = results.count("applied")
    assert applied >= 1
    assert applied + results.count("conflict") == THREADS, results
    new_version, _status, new_rows = _state(live_engine, number)
    assert new_version == version + applied
    assert new_rows == rows + applied
    with Session(live_engine) as s:
        assert history.verify(s).ok


def test_concurrent_writers_on_different_cases_share_one_chain(live_engine):
    with Session(live_engine) as s:
        numbers = s.scalars(select(Complaint.registration_number)
                            .where(Complaint.status.in_(NOTE_STATES))
                            .order_by(Complaint.id).limit(THREADS)).all()
    assert len(numbers) == THREADS

    def act(i: int) -> str:
        with Session(live_engine) as s:
            case = s.scalar(select(Complaint).where(Complaint.registration_number == numbers[i]))
            clerk = s.scalar(select(User).where(User.username == "clerk"))
            svc.apply_action(s, case, Action.ADD_NOTE, clerk, {"note": "parallel"})
            s.commit()
            return "applied"

    results = _run_threads(act)
    assert results == ["applied"] * THREADS
    with Session(live_engine) as s:
        result = history.verify(s)
        assert result.ok, result.reason
        seqs = s.scalars(select(CaseHistory.seq).order_by(CaseHistory.seq)).all()
        assert seqs == list(range(1, len(seqs) + 1))
