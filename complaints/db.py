"""The database: declarative base with a constraint naming convention, the engine
factory (SQLite tuned for concurrent writers), and the request-scoped session."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC timestamps on every backend.

    SQLite has no time zone type: values are stored as naive UTC and handed back aware.
    A naive value given to us is refused rather than guessed at."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`. SQLite gets WAL, foreign keys, a busy timeout and
    BEGIN IMMEDIATE, so concurrent writers queue instead of failing mid-transaction."""
    if url.startswith("sqlite"):
        connect_args = kwargs.pop("connect_args", {})
        connect_args.setdefault("check_same_thread", False)
        connect_args.setdefault("timeout", 30)
        engine = create_engine(url, connect_args=connect_args, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide when a transaction begins.
            dbapi_connection.isolation_level = None
            cur = dbapi_connection.cursor()
            if ":memory:" not in url and "mode=memory" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


if TYPE_CHECKING:
    class ScopedSession(Session):
        """How the type checker sees `db.session`: the scoped proxy stands for the
        current Session (it forwards every Session method), plus its own two."""

        def __call__(self) -> Session: ...

        def remove(self) -> None: ...
else:
    ScopedSession = scoped_session


class Database:
    """Holds the engine and a scoped session; one per application."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session_factory: sessionmaker[Session] | None = None
        self.session: ScopedSession = scoped_session(self._make_session)  # type: ignore[assignment,arg-type]

    def _make_session(self) -> Session:
        if self.session_factory is None:
            raise RuntimeError("database not configured: call init_app first")
        return self.session_factory()

    def configure(self, engine: Engine, **session_kwargs: Any) -> None:
        self.session.remove()
        self.engine = engine
        session_kwargs.setdefault("expire_on_commit", False)
        self.session_factory = sessionmaker(bind=engine, **session_kwargs)

    def init_app(self, app: Any) -> None:
        if app.config.get("DATABASE_BIND") is not None:
            # Tests: every session joins the test's outer transaction through savepoints.
            self.session.remove()
            self.engine = app.config["DATABASE_BIND"].engine
            self.session_factory = sessionmaker(bind=app.config["DATABASE_BIND"], expire_on_commit=False,
                                                join_transaction_mode="create_savepoint")
        elif app.config.get("DATABASE_ENGINE") is not None:
            self.configure(app.config["DATABASE_ENGINE"], **app.config.get("SESSION_OPTIONS", {}))
        else:
            self.configure(make_engine(app.config["DATABASE_URL"]))

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            self.session.remove()


db = Database()
