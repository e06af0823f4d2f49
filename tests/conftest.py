"""Test fixtures: one migrated and seeded database per run (SQLite by default,
TEST_DATABASE_URL when set); each test runs inside a transaction rolled back at the end."""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select, text, update
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session

from complaints import create_app
from complaints.db import db, make_engine
from complaints.models import User

ROOT = Path(__file__).resolve().parent.parent
TEST_PASSWORD = "test-password-123"


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["configure_logger"] = False
    if connection is not None:
        cfg.attributes["connection"] = connection
    if url is not None:
        cfg.attributes["url"] = url
    return cfg


def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def fresh_database_url(suffix: str) -> str:
    """A new empty database for tests that need real commits (SQLite file or a PostgreSQL database)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        path = Path(tempfile.mkdtemp(prefix="aryz-")) / f"{suffix}.db"
        return f"sqlite:///{path}"
    url = make_url(base)
    name = f"{url.database}_{suffix}"
    admin = make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def migrate(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return engine


def seed(engine: Engine, generated: int = 20) -> None:
    from complaints.security import _cheap
    from complaints.seed import seed_demo

    with Session(engine) as session:
        seed_demo(session, TEST_PASSWORD, generated=generated)
        # Cheap hashes keep hundreds of test logins fast; production cost is tested in test_auth.
        cheap = _cheap.hash(TEST_PASSWORD)
        session.execute(update(User).values(password_hash=cheap))
        session.commit()


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset_postgres(url)
        return url
    path = Path(tempfile.mkdtemp(prefix="aryz-")) / "test.db"
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = migrate(database_url)
    seed(engine)
    yield engine
    engine.dispose()


@pytest.fixture()
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


def make_app(connection: Connection, tmp_path: Path, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_BIND": connection,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_CHEAP": True,
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture()
def app(connection: Connection, tmp_path: Path) -> Iterator[Flask]:
    application = make_app(connection, tmp_path)
    with application.app_context():
        yield application
    db.session.remove()


@pytest.fixture()
def session(app: Flask) -> Session:
    return db.session()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


class Auth:
    """Log a test client in as one of the demo accounts."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str, password: str = TEST_PASSWORD) -> Any:
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture()
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture()
def users(session: Session) -> dict[str, User]:
    return {u.username: u for u in session.scalars(select(User))}


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)
