"""Browser tests: the app served by waitress on a free 127.0.0.1 port, backed by a fresh
migrated and seeded database, driven by Playwright through the system's Chromium.

CSRF is on (real forms), rate limits are off. On a failing test every page it opened is
saved under test-artifacts/browser/ as a screenshot and its HTML."""
from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.browser.helpers import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    Pages,
    save_artifacts,
)
from tests.conftest import fresh_database_url, migrate, seed


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    from waitress import create_server

    from complaints import create_app
    from complaints.db import db

    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # only this run's failures are kept
    workdir = Path(tempfile.mkdtemp(prefix="aryz-browser-"))
    url = fresh_database_url("browser")
    engine = migrate(url)
    seed(engine)
    engine.dispose()
    app = create_app({
        "SECRET_KEY": "browser-test-secret",
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_CHEAP": True,
        "EVIDENCE_DIR": str(workdir / "evidence"),
    })
    app_engine = db.engine  # the global session is reconfigured by every create_app()
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, name="aryz-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.effective_port}", app, workdir / "evidence")
    finally:
        server.close()
        thread.join(timeout=5)
        if app_engine is not None:
            app_engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture()
def pages(browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Pages]:
    opened = Pages(browser, live_server)
    yield opened
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        save_artifacts(request.node.nodeid, opened.pages)
    opened.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
