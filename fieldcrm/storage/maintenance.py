"""Upkeep of the replica kept off a person's edits.

Two kinds of work SQLite would otherwise do inside some unlucky edit:

- FTS5 merges the segments of a full-text index as they pile up
  (``automerge``), a few milliseconds added to whichever write crosses the
  threshold. The replica's indexes are made with ``automerge`` off
  (``search.ensure_search_index``; ``keep_merges_off_edits`` for older
  replicas, in their migration); FTS5 still merges by itself once a level holds
  16 segments (``crisismerge``), which bounds the index, and ``merge_search``
  does the merging in small steps when the app is idle.
- A WAL checkpoint copies the write-ahead log back into the database file.
  The replica's connections checkpoint by themselves only once the log is
  large (``WAL_AUTOCHECKPOINT_PAGES``, a bound, not the everyday case);
  ``checkpoint`` does it passively when idle, and the last connection to
  close does it too.

``tidy_up`` runs both; ``Replica.maintain`` runs it only after edits.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from fieldcrm.storage import search

# The replica's connections checkpoint automatically once the log holds this
# many pages (40 MB at 4 KiB pages), instead of SQLite's 1,000: an idle app
# or the end of a sync checkpoints long before that.
WAL_AUTOCHECKPOINT_PAGES = 10_000

# How many pages of merge work one step does (FTS5 pages are 4 KiB): a few
# milliseconds, so a step never holds the write lock for long.
MERGE_PAGES = 64


def _index_names() -> list[str]:
    return [cls.__tablename__ + search._SUFFIX for cls in search.SEARCHABLE]


def _existing_indexes(conn: Connection) -> list[str]:
    names = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [f for f in _index_names() if f in names and f + "_config" in names]


def keep_merges_off_edits(conn: Connection) -> bool:
    """Turn FTS5's merge-on-write off for every full-text index that has it
    on; True when something was changed (reads only when nothing needs it)."""
    changed = False
    for f in _existing_indexes(conn):
        value = conn.exec_driver_sql(f"SELECT v FROM {f}_config WHERE k = 'automerge'").scalar()
        if value != 0:
            conn.exec_driver_sql(f"INSERT INTO {f}({f}, rank) VALUES ('automerge', 0)")
            changed = True
    return changed


def automerge_settings(conn: Connection) -> dict[str, Optional[int]]:
    """Each full-text index's ``automerge`` (None: FTS5's default, 4)."""
    return {f: conn.exec_driver_sql(f"SELECT v FROM {f}_config WHERE k = 'automerge'").scalar()
            for f in _existing_indexes(conn)}


def _total_changes(conn: Connection) -> int:
    return conn.exec_driver_sql("SELECT total_changes()").scalar()


def merge_search(conn: Connection, pages: int = MERGE_PAGES) -> bool:
    """One step of merging full-text segments, at most ``pages`` pages per
    index; True when an index had merge work left (another step helps).

    Runs in the caller's transaction: commit it soon, it holds the write lock.
    """
    worked = False
    for f in _existing_indexes(conn):
        before = _total_changes(conn)
        conn.exec_driver_sql(f"INSERT INTO {f}({f}, rank) VALUES ('merge', {int(pages)})")
        # FTS5 writes fewer than two pages when there was nothing to merge.
        if _total_changes(conn) - before >= 2:
            worked = True
    return worked


def checkpoint(engine: Engine) -> tuple[int, int]:
    """Copy what it can of the write-ahead log into the database without
    waiting for readers or writers; (log pages, pages copied).

    Outside any transaction (inside one SQLite would refuse it).
    """
    dbapi = engine.raw_connection()
    try:
        _busy, log, copied = dbapi.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        dbapi.close()
    return log, copied


def tidy_up(engine: Engine, *, steps: int = 1, pages: int = MERGE_PAGES) -> bool:
    """Up to ``steps`` merge steps, each its own short transaction, then a
    passive checkpoint; True when work is left for another call.

    Never waits: when another writer (a sync) holds the replica, it leaves
    the work for later instead of blocking its caller (the app's UI thread).
    """
    more = False
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        waits = driver.execute("PRAGMA busy_timeout").fetchone()[0]
        driver.execute("PRAGMA busy_timeout=0")
        try:
            for _ in range(steps):
                with conn.begin():
                    more = merge_search(conn, pages)
                if not more:
                    break
        except OperationalError:  # the replica is busy: another time
            return True
        finally:
            driver.execute(f"PRAGMA busy_timeout={int(waits)}")
    checkpoint(engine)
    return more
