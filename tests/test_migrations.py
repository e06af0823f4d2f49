"""Migrations and models agree: one head, upgrade from empty, no drift, down and up again."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from complaints.db import make_engine
from complaints.models import Base
from complaints.models.search import include_name
from tests.conftest import alembic_config, fresh_database_url


@pytest.fixture(scope="module")
def empty_url():
    return fresh_database_url("migrations")


def test_single_head():
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1, script.get_heads()


def test_revisions_are_documented_and_dated():
    script = ScriptDirectory.from_config(alembic_config())
    for rev in script.walk_revisions():
        assert rev.doc and rev.doc.strip(), f"revision {rev.revision} has no docstring"
        name = rev.path.rsplit("/", 1)[-1]
        assert name[:8].isdigit() and name[8] == "_", f"{name} is not a dated file name"
        source = Path(rev.path).read_text()
        assert "auto generated" not in source, f"{name} still has autogenerate markers"
        assert "from complaints" not in source and "import complaints" not in source, \
            f"{name} imports application code"


def test_upgrade_from_empty_matches_models_then_round_trips(empty_url):
    engine = make_engine(empty_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                 "include_name": include_name}), Base.metadata)
            assert diff == [], diff
            tables = set(inspect(conn).get_table_names())
            assert set(Base.metadata.tables) <= tables
            assert conn.execute(text("SELECT seq FROM history_head WHERE id = 1")).scalar_one() == 0
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        with engine.connect() as conn:
            left = set(inspect(conn).get_table_names()) - {"alembic_version"}
            assert left == set(), left
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                 "include_name": include_name}), Base.metadata)
            assert diff == [], diff
    finally:
        engine.dispose()


def test_history_guards_exist_after_migration(engine):
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            names = set(conn.execute(text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'case_history'::regclass AND NOT tgisinternal"
            )).scalars())
            assert {"case_history_no_update", "case_history_no_truncate"} <= names
        else:
            names = set(conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'case_history'")).scalars())
            assert {"case_history_no_update", "case_history_no_delete"} <= names
