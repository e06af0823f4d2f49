"""Idempotent filing under real concurrency: several threads, real commits, a fresh database."""
from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from complaints import create_app
from complaints.db import db
from complaints.models import Category, Complaint, Election, IdempotencyKey, Region, Respondent, User
from complaints.services import tokens
from tests.conftest import TEST_PASSWORD, fresh_database_url, migrate


def test_concurrent_requests_with_one_key_make_one_case(tmp_path: Path) -> None:
    from complaints.seed import seed_demo

    url = fresh_database_url("api_idem")
    engine = migrate(url)
    try:
        with Session(engine) as s:
            seed_demo(s, TEST_PASSWORD, generated=0)
            monitor = s.scalar(select(User).where(User.username == "monitor"))
            _record, tok = tokens.create_token(s, monitor)
            election = s.scalar(select(Election).order_by(Election.id))
            body = {
                "election_id": election.id, "summary": "Concurrent retry",
                "respondent_ids": [s.scalar(select(Respondent.id).where(Respondent.is_public.is_(True))
                                            .order_by(Respondent.id))],
                "region_id": s.scalar(select(Region.id).order_by(Region.id)),
                "awareness_at": "2017-10-10T09:00:00+06:00",
                "allegations": [{"category_id": s.scalar(select(Category.id).where(
                    Category.election_id == election.id).order_by(Category.id)), "facts": "Same request."}]}
            s.commit()
        app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": url, "RATELIMIT_ENABLED": False,
                          "PASSWORD_HASH_CHEAP": True, "EVIDENCE_DIR": str(tmp_path / "evidence")})
        headers = {"Authorization": f"Bearer {tok}", "Idempotency-Key": "same-key-at-once"}
        n = 4
        barrier = threading.Barrier(n)
        results: list[tuple[int, dict, str | None]] = []
        lock = threading.Lock()

        def worker() -> None:
            client = app.test_client()
            barrier.wait()
            resp = client.post("/api/v1/complaints", json=body, headers=headers)
            with lock:
                results.append((resp.status_code, resp.get_json(), resp.headers.get("Idempotent-Replayed")))

        threads = [threading.Thread(target=worker) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(results) == n
        assert all(status == 201 for status, _b, _r in results), results
        assert len({b["registration_number"] for _s, b, _r in results}) == 1
        assert sorted(r or "" for _s, _b, r in results) == [""] + ["true"] * (n - 1)
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(Complaint)
                            .where(Complaint.summary == "Concurrent retry")) == 1
            assert s.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
    finally:
        db.session.remove()
        if db.engine is not None and db.engine is not engine:
            db.engine.dispose()
        engine.dispose()
