"""Bulk writing for the generator: primary keys handed out ahead, rows written with COPY
on PostgreSQL (multi-row INSERTs elsewhere), counter increments applied once per batch."""
from __future__ import annotations

import json
from enum import Enum
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from complaints.services import counters


def is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def ids(session: Session, table: Any, n: int) -> list[int]:
    """`n` fresh primary keys for `table` (PostgreSQL: from its sequence; SQLite: after the max,
    which is safe because SQLite has a single writer)."""
    if is_pg(session):
        return list(session.execute(text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) "
                                         "FROM generate_series(1, :n)"), {"t": table.name, "n": n}).scalars())
    top = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
    return list(range(top + 1, top + n + 1))


def plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows: COPY on PostgreSQL, multi-row INSERTs elsewhere."""
    if not rows:
        return
    if not is_pg(session):
        for start in range(0, len(rows), 2000):
            session.execute(insert(table), rows[start:start + 2000])
        return
    names = list(rows[0])
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]  # a psycopg connection
        with cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([plain(row[k]) for k in names])


def bump_counters(session: Session, totals: dict[counters.Cell, int]) -> None:
    if not is_pg(session):
        counters.upsert(session, totals)
        return
    session.execute(text("CREATE TEMP TABLE IF NOT EXISTS stat_delta (election_id int, metric varchar(24), "
                         "day date, region_id int, category_id int, key varchar(64), n bigint) "
                         "ON COMMIT DELETE ROWS"))
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]  # a psycopg connection
        with cur.copy("COPY stat_delta (election_id, metric, day, region_id, category_id, key, n) "
                      "FROM STDIN") as copy:
            for cell, n in totals.items():
                copy.write_row([*cell, n])
    session.execute(text(
        "INSERT INTO stat_counters (election_id, metric, day, region_id, category_id, key, n) "
        "SELECT election_id, metric, day, region_id, category_id, key, n FROM stat_delta "
        "ORDER BY election_id, day, region_id, category_id, metric, key "
        "ON CONFLICT (election_id, day, region_id, category_id, metric, key) "
        "DO UPDATE SET n = stat_counters.n + excluded.n"))
    session.execute(text("DELETE FROM stat_delta"))
