"""The laptop's replica: one SQLite file per profile.

Opening a replica migrates it to the current schema, turns on WAL, foreign
keys and a busy timeout, and makes sure the full-text index exists.
"""

from __future__ import annotations

import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import platformdirs
from sqlalchemy import create_engine, event, select
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from fieldcrm.storage import capture, maintenance
from fieldcrm.storage.local import SyncState

REPLICA_FILE = "replica.sqlite"


class LocalEditSession(Session):
    """A session whose flushes write the outbox (see ``capture``)."""


capture.install(LocalEditSession)


def default_profile_dir() -> Path:
    return Path(platformdirs.user_data_dir("fieldcrm", appauthor=False))


def _set_pragmas(engine: Engine, *, mmap_bytes: int = 0, wal_autocheckpoint: int = 0) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not the driver, issue BEGIN (so savepoints and
        # BEGIN IMMEDIATE work as written).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA synchronous=NORMAL")
        if mmap_bytes:
            cur.execute(f"PRAGMA mmap_size={int(mmap_bytes)}")
        if wal_autocheckpoint:
            cur.execute(f"PRAGMA wal_autocheckpoint={int(wal_autocheckpoint)}")
        cur.close()


def _configure_sqlite(engine: Engine, *, mmap_bytes: int = 0) -> None:
    """Pragmas, and BEGIN (IMMEDIATE under the ``sqlite_immediate`` option) from an engine event."""
    _set_pragmas(engine, mmap_bytes=mmap_bytes)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("sqlite_immediate"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class ReplicaDialect(SQLiteDialect_pysqlite):
    """SQLite through pysqlite, issuing BEGIN itself.

    With the driver's transaction handling off, something must emit BEGIN.
    Doing it here rather than in an engine ``begin`` event matters: any
    engine event makes SQLAlchemy dispatch events around every statement,
    about a fifth of the CPU time of a local write. Inside ``immediate()``
    (per thread) a transaction starts with BEGIN IMMEDIATE.
    """

    supports_statement_cache = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._begin = threading.local()

    @contextmanager
    def immediate(self) -> Iterator[None]:
        self._begin.immediate = True
        try:
            yield
        finally:
            self._begin.immediate = False

    def do_begin(self, dbapi_connection) -> None:
        immediate = getattr(self._begin, "immediate", False)
        dbapi_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


registry.register("sqlite.fieldcrm_replica", __name__, "ReplicaDialect")


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite+fieldcrm_replica:///{path}", future=True)
    # Checkpoints are done when idle (``maintenance``), not by whichever edit
    # fills the log: the automatic one stays only as a bound on its size.
    _set_pragmas(engine, wal_autocheckpoint=maintenance.WAL_AUTOCHECKPOINT_PAGES)
    return engine


class Replica:
    """One profile's replica: engine, session factories and small state."""

    def __init__(self, path: Path, *, migrate: bool = True):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(self.path)
        if migrate:
            from fieldcrm.storage.migrate import upgrade_replica
            from fieldcrm.storage.search import ensure_search_index

            upgrade_replica(self.engine)
            ensure_search_index(self.engine)
        self._edit_sessions = sessionmaker(self.engine, class_=LocalEditSession, expire_on_commit=False)
        self._sync_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._user_id: Optional[str] = None
        self._user_id_loaded = False
        self._edited = threading.Event()  # set by an edit, cleared by ``maintain``
        self._last_edit = 0.0

    @classmethod
    def open(cls, profile_dir: Optional[Path] = None) -> "Replica":
        folder = Path(profile_dir) if profile_dir else default_profile_dir()
        return cls(folder / REPLICA_FILE)

    @property
    def profile_dir(self) -> Path:
        return self.path.parent

    @contextmanager
    def _write(self, sessions: sessionmaker) -> Iterator[Session]:
        # Writers take the write lock at BEGIN so two writers never deadlock
        # upgrading a read lock; readers use a plain BEGIN.
        with sessions() as session, session.begin():
            with self.engine.dialect.immediate():
                session.connection()
            yield session

    @contextmanager
    def edit(self) -> Iterator[Session]:
        """A transaction for a user's edit: rows and outbox commit together."""
        with self._write(self._edit_sessions) as session:
            session.info[capture.CAPTURE] = True
            session.info[capture.USER_ID] = self._signed_in_user(session)
            yield session
        self._wrote()

    @contextmanager
    def edit_statements(self) -> Iterator[tuple[Connection, Optional[str]]]:
        """A transaction for a user's edit written as Core statements (the
        record services' creates and updates, ``capture.insert_row`` /
        ``update_row``), without an ORM session: (connection, editing user).

        The same write lock from BEGIN as ``edit``; rows and outbox commit together.
        """
        with self.engine.connect() as conn:
            with self.engine.dialect.immediate():
                transaction = conn.begin()
            with transaction:
                yield conn, self._signed_in_user(conn)
        self._wrote()

    @contextmanager
    def sync_write(self) -> Iterator[Session]:
        """A transaction for the sync engine: server rows, no outbox capture."""
        with self._write(self._sync_sessions) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session, session.begin():
            yield session

    def _signed_in_user(self, session: Session | Connection) -> Optional[str]:
        # Read once: it only changes at sign-in, through set_state.
        if not self._user_id_loaded:
            self._user_id = self.get_state("user_id", session)
            self._user_id_loaded = True
        return self._user_id

    # -- small key/value state -------------------------------------------
    def get_state(self, key: str, session: Optional[Session | Connection] = None) -> Optional[str]:
        if session is None:
            with self.read() as s:
                return self.get_state(key, s)
        return session.execute(select(SyncState.value).where(SyncState.key == key)).scalar_one_or_none()

    def set_state(self, key: str, value: Optional[str], session: Optional[Session] = None) -> None:
        if session is None:
            with self.sync_write() as s:
                return self.set_state(key, value, s)
        if key == "user_id":
            self._user_id_loaded = False
        row = session.get(SyncState, key)
        if row is None:
            session.add(SyncState(key=key, value=value))
        else:
            row.value = value

    def client_id(self) -> str:
        """This replica's own id, made once; the server keys its sequence on it."""
        value = self.get_state("client_id")
        if value is None:
            with self.sync_write() as s:
                value = self.get_state("client_id", s)
                if value is None:
                    value = str(uuid.uuid4())
                    self.set_state("client_id", value, s)
        return value

    # -- upkeep ---------------------------------------------------------------
    def note_sync_writes(self) -> None:
        """A sync round wrote rows (on its own connection): the idle upkeep
        merges what they added to the full-text indexes, as after an edit."""
        self._wrote()

    def _wrote(self) -> None:
        self._last_edit = time.monotonic()
        self._edited.set()

    def upkeep_pending(self) -> bool:
        """Writes since the upkeep last finished (it runs once the app is idle)."""
        return self._edited.is_set()

    def maintain(self, *, quiet_for: float = 3.0, steps: int = 1) -> bool:
        """Merge full-text segments and checkpoint the log, once no edit has
        been made for ``quiet_for`` seconds and only if there were edits since
        the work was last finished (otherwise no database access at all).
        True when work is left for another call."""
        if not self._edited.is_set() or time.monotonic() - self._last_edit < quiet_for:
            return False
        self._edited.clear()
        with self.engine.dialect.immediate():
            more = maintenance.tidy_up(self.engine, steps=steps)
        if more:
            self._edited.set()
        return more

    def close(self) -> None:
        self.engine.dispose()
