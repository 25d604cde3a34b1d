"""The database: engine per app, one scoped session per app context, the model base.

One place commits or rolls back a request's work: ``Database._commit_or_roll_back``, after
the view. Views and services never commit, with these exceptions, each named here:

- ``write_after_reads``: a label visit writes its scan in the transaction that read the
  page, and commits it there (retrying apart when SQLite refuses the upgrade);
- ``commit_before_rendering``: a print download commits the codes it issued before its
  file is drawn, which takes seconds the write lock must not be held for;
- ``commit_before_mailing``: an account link is mailed only once the account it opens is
  committed, and the mail server's seconds are not spent holding the write lock;
- ``write_apart``: bookkeeping (a token's last use, the clone rules after new scans) in a
  short transaction of its own once the request is done, so a read stays read-only.

A GET writes nothing else, but for the views marked ``@writes``: those that hand out a
batch's label code issue one when the batch has none that still holds (its expiry changed,
or the key that signed it was revoked), a serialised print run issues unit codes, and the
API's run of more labels than the job threshold records its job. A
request that writes takes SQLite's write lock when its transaction begins: every POST, PUT,
PATCH and DELETE, and a GET whose view is marked ``@writes``.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar, cast

from flask import Flask, Response, current_app, has_request_context, request
from flask.globals import app_ctx
from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import Enum, TypeDecorator

log = logging.getLogger(__name__)

# Set before the first migration: every constraint gets a stable, predictable name, so
# later migrations can drop or alter it on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware, also on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: store aware UTC datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def value_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """A column type that stores an enum by its value, checked by the database."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(str(member.value)) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """The base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
    }


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


# Requests with these methods write: on SQLite their transactions take the write lock when
# they begin. SQLite refuses at once (no busy wait) to turn a transaction that has read into
# a writer after another connection committed; one that begins as a writer waits its turn.
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# An execution option: the engine's "begin" event then emits BEGIN IMMEDIATE on SQLite.
BEGIN_IMMEDIATE = "trace_begin_immediate"
_WRITES_APART = "trace_writes_apart"  # a key of Session.info: what waits for the context's end

WriteApart = Callable[[Session], object]


@dataclass
class _AppDatabase:
    """What one app holds: its engine, one beginning as a writer, what sessions bind to."""

    engine: Engine
    bind: Engine | Connection
    writer: Engine

    def bind_for(self, writes: bool) -> Engine | Connection:
        # A test's outer connection has begun already: sessions join it with savepoints.
        return self.writer if writes and self.bind is self.engine else self.bind


def writer_engine(engine: Engine) -> Engine:
    """The engine whose transactions begin as writers: BEGIN IMMEDIATE on SQLite, which takes
    the write lock at once, so concurrent writers wait within the busy timeout."""
    if engine.dialect.name != "sqlite":
        return engine  # PostgreSQL locks rows as it writes them: nothing to take up front
    return engine.execution_options(**{BEGIN_IMMEDIATE: True})


ViewT = TypeVar("ViewT", bound=Callable[..., Any])
_WRITING_VIEW = "trace_writes"  # an attribute of a view function marked @writes


def writes(view: ViewT) -> ViewT:
    """Mark a GET view that writes (a serialised print run issues codes): its transaction
    takes the write lock when it begins, as a POST's does. Put it nearest the function."""
    setattr(view, _WRITING_VIEW, True)
    return view


def _view_writes(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, _WRITING_VIEW, False)


def commit_before_rendering(session: Session) -> None:
    """Commit the codes a print download issued, before its file is drawn: drawing thousands
    of labels takes seconds, which the write lock must not be held for, and the codes stay
    issued even if the download is abandoned."""
    session.commit()


def commit_before_mailing(session: Session) -> None:
    """Commit the accounts and links just made before mailing them: a mail must never carry
    a link that a failed commit leaves opening nothing, and a slow mail server must not keep
    other writers waiting."""
    session.commit()


def _app_context_id() -> int:
    return id(cast(Any, app_ctx)._get_current_object())


class Database:
    """Binds an engine to each app and hands out one session per app context.

    A request that writes (by its method) gets a session whose transactions begin as
    writers. Tests swap ``bind`` for a connection holding an open transaction: sessions then
    join it with savepoints, and rolling it back undoes everything the test did.
    """

    def __init__(self) -> None:
        self._sessions: scoped_session[Session] = scoped_session(
            sessionmaker(join_transaction_mode="create_savepoint", expire_on_commit=False),
            scopefunc=_app_context_id,
        )

    @property
    def session(self) -> Session:
        """The session of the current app context, created on first use."""
        if self._sessions.registry.has():
            return self._sessions()
        writes = has_request_context() and (
            request.method in WRITING_METHODS or _view_writes(request.endpoint)
        )
        return self._sessions(bind=self._state().bind_for(writes), info={_WRITES_APART: []})

    def begin_writing(self) -> None:
        """Make this context's transactions begin as writers from the next one on (all of
        them, if none has begun): for a command that writes, so it waits its turn."""
        session = self.session
        if not session.in_transaction():
            session.bind = self._state().bind_for(writes=True)

    def begin_reading(self) -> None:
        """Make this context's transactions begin as readers again, from the next one on:
        for a job that reads and checks for seconds before it writes (on SQLite a reader
        holds no lock that keeps writers waiting). Its writing then begins with
        ``begin_writing``, in a transaction of its own."""
        session = self.session
        if not session.in_transaction():
            session.bind = self._state().bind_for(writes=False)

    def init_app(self, app: Flask) -> None:
        engine = make_engine(
            app.config["TRACE_DATABASE_URL"], int(app.config["TRACE_SQLITE_BUSY_TIMEOUT_MS"])
        )
        app.extensions["trace.db"] = _AppDatabase(
            engine=engine, bind=engine, writer=writer_engine(engine)
        )
        app.after_request(self._commit_or_roll_back)
        app.teardown_appcontext(self._remove_session)

    @property
    def engine(self) -> Engine:
        return self._state().engine

    def _state(self) -> _AppDatabase:
        state: _AppDatabase = current_app.extensions["trace.db"]
        return state

    def bind_to(self, app: Flask, bind: Engine | Connection) -> None:
        """Make the app's new sessions use ``bind`` (a test's outer transaction)."""
        app.extensions["trace.db"].bind = bind

    def _commit_or_roll_back(self, response: Response) -> Response:
        """The one place a request's work is committed: only when it succeeded.

        A view that committed its own work (a label page's scan) leaves nothing to end.
        """
        if self._sessions.registry.has() and self.session.in_transaction():
            if response.status_code < 400:
                self.session.commit()
            else:
                self.session.rollback()
        return response

    def _remove_session(self, exc: BaseException | None) -> None:
        writes: list[WriteApart] = []
        if self._sessions.registry.has():
            writes = self._sessions().info.get(_WRITES_APART, [])
        self._sessions.remove()
        for write in writes:
            self._write_apart(write)

    def _write_apart(self, write: WriteApart) -> None:
        """A short transaction of its own, beginning as a writer. Only bookkeeping is written
        this way, and the request's work is committed already: a failure is logged, not
        raised, so it cannot turn an answer the client may have been given into an error."""
        with Session(
            self._state().bind_for(writes=True),
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        ) as session:
            try:
                write(session)
                session.commit()
            except SQLAlchemyError:
                session.rollback()
                log.warning("a write apart from the request failed", exc_info=True)


def make_engine(url: str, sqlite_busy_timeout_ms: int = 15000) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and real savepoints."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url)
    _configure_sqlite(engine, sqlite_busy_timeout_ms)
    return engine


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    is_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT; we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        if not is_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            # No memory map, whatever the build's default: SQLite unmaps the whole file
            # whenever another connection has committed, which every visit's scan does, and
            # the next reads fault each page back in. With two workers recording scans, a
            # label page cost 15% more worker time with a 1 GiB map than with reads.
            cursor.execute("PRAGMA mmap_size = 0")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
        # SQLite's own lower() folds only A-Z; searches must fold Vietnamese (Đ, Ặ) too.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # On the driver's connection: through SQLAlchemy's execution path (events, result
        # object) each transaction's BEGIN cost about ten microseconds more.
        driver_connection: Any = connection.connection.driver_connection
        immediate = connection.get_execution_options().get(BEGIN_IMMEDIATE, False)
        driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


WrittenT = TypeVar("WrittenT")
SQLITE_BUSY = 5  # the primary result code; SQLITE_BUSY_SNAPSHOT is 5 + (2 << 8)


def write_after_reads(session: Session, write: Callable[[], WrittenT]) -> WrittenT:
    """Run ``write`` in the transaction that did the reads, and commit.

    SQLite refuses a write in a transaction that began reading before another connection
    committed or while it is writing ("database is locked", at once: waiting would not
    help). Then the reads end and ``write`` runs in a transaction of its own, which waits
    its turn. Most of the time one transaction does both, one BEGIN and one COMMIT fewer.
    """
    try:
        written = write()
    except OperationalError as error:
        code = getattr(error.orig, "sqlite_errorcode", None)
        if code is None or code & 0xFF != SQLITE_BUSY:
            raise
        session.rollback()
        written = write()
    session.commit()
    return written


def write_apart(session: Session, write: WriteApart) -> None:
    """Have ``write`` run in a short transaction of its own, beside ``session``'s.

    For bookkeeping beside a request's work (a token's last use): the request's transaction
    stays read-only when the request only reads. The write runs once the session's app
    context ends, after the request's transaction (which, on SQLite, may hold the write lock
    that another transaction would wait for in vain); for a session the app did not make,
    at once.
    """
    pending: list[WriteApart] | None = session.info.get(_WRITES_APART)
    if pending is not None:
        pending.append(write)
        return
    with Session(session.get_bind(), join_transaction_mode="create_savepoint") as own:
        write(own)
        own.commit()


def _unicode_lower(text: str | None) -> str | None:
    return text.lower() if isinstance(text, str) else text


db = Database()
