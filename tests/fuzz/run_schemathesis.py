"""Fuzz the JSON API with schemathesis against a live server.

Starts the app with waitress on a free 127.0.0.1 port, over a fresh migrated and seeded
SQLite database in a temporary directory, makes a monitor's and a clerk's token, and runs
schemathesis against /api/v1/openapi.json once with each. Exits non-zero on any server
error or any response that breaks the published schema.

    python tests/fuzz/run_schemathesis.py [--max-examples N] [--seed N]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "unsupported_method",
])


def prepare(workdir: Path) -> tuple[str, dict[str, str], dict[str, str]]:
    """A migrated, seeded database; returns its URL, a token per role, and for each role
    the number of a case it may see (so that fuzzing reaches past the 404)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from complaints import access
    from complaints.models import Complaint, User
    from complaints.seed import seed_demo
    from complaints.services import tokens
    from tests.conftest import TEST_PASSWORD, migrate

    url = f"sqlite:///{workdir / 'fuzz.db'}"
    engine = migrate(url)
    made: dict[str, str] = {}
    numbers: dict[str, str] = {}
    with Session(engine) as session:
        seed_demo(session, TEST_PASSWORD, generated=40)
        for username in ("monitor", "clerk"):
            user = session.scalar(select(User).where(User.username == username))
            assert user is not None, username
            _record, made[username] = tokens.create_token(session, user, "schemathesis")
            number = session.scalar(access.visible_cases(user).where(Complaint.status == "submitted")
                                    .order_by(Complaint.id).with_only_columns(Complaint.registration_number))
            assert number, f"no submitted case visible to {username}"
            numbers[username] = number
        session.commit()
    engine.dispose()
    return url, made, numbers


def serve(url: str, workdir: Path):  # type: ignore[no-untyped-def]
    from waitress import create_server

    from complaints import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "fuzz", "RATELIMIT_ENABLED": False,
                      "EVIDENCE_DIR": str(workdir / "evidence"), "PASSWORD_HASH_CHEAP": True})
    server = create_server(app, host="127.0.0.1", port=0, threads=4, expose_tracebacks=False)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server, thread


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("FUZZ_MAX_EXAMPLES", "25")))
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("FUZZ_TIMEOUT", "110")),
                        help="Seconds allowed for each run (one per token).")
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="aryz-fuzz-") as tmp:
        workdir = Path(tmp)
        url, made, numbers = prepare(workdir)
        server, _thread = serve(url, workdir)
        base = f"http://127.0.0.1:{server.effective_port}"
        print(f"Serving the API on {base} (database {url})", flush=True)
        failed = []
        try:
            for role, token in made.items():
                config = workdir / f"schemathesis-{role}.toml"
                config.write_text(f'[parameters]\n"path.registration_number" = "{numbers[role]}"\n')
                command = [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config), "run", f"{base}/api/v1/openapi.json",
                           "--url", base, "-H", f"Authorization: Bearer {token}", "--checks", CHECKS,
                           "--max-examples", str(args.max_examples), "--request-timeout", "20",
                           "--phases", "examples,coverage,fuzzing", "--suppress-health-check", "all",
                           "--workers", "1", "--no-shrink", "--output-sanitize", "true",
                           "--report", "junit", "--report-dir", str(workdir / f"report-{role}")]
                if args.seed is not None:
                    command += ["--seed", str(args.seed)]
                print(f"\n== schemathesis as {role}", flush=True)
                try:
                    result = subprocess.run(command, timeout=args.timeout, check=False,  # noqa: S603
                                            env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false", "NO_COLOR": "1"})
                except subprocess.TimeoutExpired:
                    print(f"schemathesis as {role} took longer than {args.timeout}s", flush=True)
                    failed.append(role)
                    continue
                if result.returncode != 0:
                    failed.append(role)
        finally:
            server.close()
        print(f"\nAPI fuzzing took {time.monotonic() - started:.0f}s; "
              + (f"FAILED for {', '.join(failed)}" if failed else "no server error, no schema violation"))
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
