"""Response times of the pages that must stay fast at a million cases.

Runs the app in-process against DATABASE_URL (Flask's test client: the whole Flask
stack, templates and database included, without the network) and prints p50 / p95 /
max per page over repeated requests, after a few warm-up requests.

    DATABASE_URL=postgresql+psycopg://... COMPLAINTS_DEMO_PASSWORD=... \\
        .venv/bin/python benchmarks/bench_pages.py --requests 40
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from complaints import create_app  # noqa: E402
from complaints.db import db  # noqa: E402
from complaints.models import CaseHistory, Category, Complaint, Region, User  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--user", default="clerk", help="staff account for the staff pages")
    parser.add_argument("--password", default=os.environ.get("COMPLAINTS_DEMO_PASSWORD"),
                        help="log in through /login; without it the user is put in the session directly "
                             "(what a login stores), which times the same pages")
    args = parser.parse_args()

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SECRET_KEY": "benchmark"})
    with app.app_context():
        session = db.session()
        cases = session.scalar(select(func.count()).select_from(Complaint))
        rows = session.scalar(select(func.count()).select_from(CaseHistory))
        region = session.scalar(select(Region.id).order_by(Region.id).limit(1))
        category = session.scalar(select(Category.id).order_by(Category.id).limit(1))
        user = session.scalar(select(User).where(User.username == args.user))
        user_id = user.get_id() if user is not None else None
        db.session.remove()
    client = app.test_client()
    if args.password:
        login = client.post("/login", data={"username": args.user, "password": args.password})
        if login.status_code not in (302, 303):
            print(f"login as {args.user} failed ({login.status_code})", file=sys.stderr)
            return 1
    elif user_id is None:
        print(f"no user {args.user}", file=sys.stderr)
        return 1
    else:  # what login_user() stores, identifier included (session protection is "strong")
        with app.test_request_context(environ_base=client.environ_base):
            identifier = app.login_manager._session_identifier_generator()  # type: ignore[attr-defined]
        with client.session_transaction() as sess:
            sess.update({"_user_id": user_id, "_fresh": True, "_id": identifier})

    pages = [("staff dashboard", "/dashboard"),
             ("staff dashboard, region + period", f"/dashboard?region={region}&start=2017-10-01&end=2017-10-31"),
             ("staff dashboard, category", f"/dashboard?category={category}"),
             ("staff dashboard, period (a month)", "/dashboard?start=2017-10-01&end=2017-10-31"),
             ("dashboard JSON", "/dashboard/data.json"),
             ("public dashboard", "/public"),
             ("public register", "/public/register"),
             ("public register, search", "/public/register?q=babanov"),
             ("public register, filtered", f"/public/register?region={region}&status=published")]
    if "workflow.queue" in app.view_functions:
        pages += [("work queue", "/cases"), ("work queue, overdue", "/cases?overdue=1"),
                  ("queue search, common word", "/cases?q=Jeenbekov&status=all"),
                  ("queue search, word in every case", "/cases?q=generated&status=all"),
                  ("queue search, rare word", "/cases?q=speech&status=all"),
                  ("queue search, misspelt words", "/cases?q=Nazarbaev+Bbanov&status=all")]
    if "api.stats" in app.view_functions or any(r.rule == "/api/v1/stats" for r in app.url_map.iter_rules()):
        pages.append(("API stats", "/api/v1/stats"))

    print(f"cases: {cases:,}   history rows: {rows:,}   database: {app.config['DATABASE_URL'].split('@')[-1]}")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpu(s)")
    print(f"{'page':<36}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'KiB':>8}")
    failed = False
    for name, url in pages:
        for _ in range(args.warmup):
            client.get(url).close()
        times = []
        size = 0
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            body = response.get_data()
            times.append((time.perf_counter() - start) * 1000)
            size = len(body)
            if response.status_code != 200:
                print(f"{url}: HTTP {response.status_code}", file=sys.stderr)
                failed = True
                break
        print(f"{name:<36}{statistics.median(times):>9.1f}{percentile(times, 0.95):>9.1f}{max(times):>9.1f}"
              f"{size / 1024:>8.0f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
