"""Full-text search over the replica (SQLite FTS5).

Each searchable entity gets an external-content FTS5 table over its own rows,
kept current by triggers. The index definition carries a signature: when the
searchable fields change, the index is rebuilt at the next start. Bulk loads
(first sync) can drop the triggers, load, and rebuild in one pass, which is
several times faster than maintaining the index row by row; a first sync
builds the indexes in a separate file on a second connection while the
replica's B-tree indexes are built (``build_detached`` / ``adopt_built``).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from fieldcrm.storage.base import Entity
from fieldcrm.storage.registry import ENTITY_CLASSES

SEARCHABLE: tuple[type[Entity], ...] = tuple(c for c in ENTITY_CLASSES if c.__search__)
_SUFFIX = "_fts"
_SIGNATURE_KEY = "search_signature"
# Every index is made with these options, here and in a detached build: the
# stored index format depends on them.
_OPTIONS = "tokenize='unicode61 remove_diacritics 2', prefix='2 3'"
# The tables FTS5 keeps an index in (an external-content table has no _content).
_SHADOW_PARTS = ("data", "idx", "docsize")


def is_search_table(name: str) -> bool:
    return any(name == c.__tablename__ + _SUFFIX or name.startswith(c.__tablename__ + _SUFFIX + "_")
               for c in SEARCHABLE)


def _signature() -> str:
    spec = ";".join(f"{c.__tablename__}:{','.join(c.__search__)}" for c in SEARCHABLE)
    return hashlib.sha1(spec.encode()).hexdigest()[:16]


def _trigger_sql(cls: type[Entity]) -> list[str]:
    t, f = cls.__tablename__, cls.__tablename__ + _SUFFIX
    cols = ", ".join(cls.__search__)
    new = ", ".join(f"new.{c}" for c in cls.__search__)
    old = ", ".join(f"old.{c}" for c in cls.__search__)
    return [
        f"CREATE TRIGGER IF NOT EXISTS {f}_ai AFTER INSERT ON {t} BEGIN "
        f"INSERT INTO {f}(rowid, {cols}) VALUES (new.rowid, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {f}_ad AFTER DELETE ON {t} BEGIN "
        f"INSERT INTO {f}({f}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {f}_au AFTER UPDATE ON {t} BEGIN "
        f"INSERT INTO {f}({f}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO {f}(rowid, {cols}) VALUES (new.rowid, {new}); END",
    ]


def drop_triggers(conn: Connection) -> None:
    """Stop maintaining the index row by row (before a bulk load)."""
    for cls in SEARCHABLE:
        f = cls.__tablename__ + _SUFFIX
        for suffix in ("ai", "ad", "au"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {f}_{suffix}")


# FTS5 keeps new terms in memory until this many bytes, then writes a segment
# and merges segments as they pile up. A rebuild of 200k contacts with the
# default 1 MB writes and re-merges dozens of segments; with 8 MB it does
# about a quarter less work. Set for the rebuild only: everyday edits keep the
# default. Each build ends with an 'optimize': one segment per index, so the
# crisis merges a run of edits sets off merge only the edits' own segments
# until hundreds of edits pile up with no idle moment (segments left half-way
# through a merge on a low level made one of the first saves after a first
# sync take up to a second on a 100,000-account replica).
_REBUILD_HASHSIZE = 8 * 1024 * 1024
_DEFAULT_HASHSIZE = 1024 * 1024


def rebuild(conn: Connection, classes: Optional[Iterable[type[Entity]]] = None) -> None:
    """Rebuild indexes (every one by default) from their tables and restore the triggers."""
    for cls in SEARCHABLE if classes is None else classes:
        f = cls.__tablename__ + _SUFFIX
        conn.exec_driver_sql(f"INSERT INTO {f}({f}, rank) VALUES ('hashsize', {_REBUILD_HASHSIZE})")
        conn.exec_driver_sql(f"INSERT INTO {f}({f}) VALUES ('rebuild')")
        conn.exec_driver_sql(f"INSERT INTO {f}({f}) VALUES ('optimize')")
        conn.exec_driver_sql(f"INSERT INTO {f}({f}, rank) VALUES ('hashsize', {_DEFAULT_HASHSIZE})")
        for sql in _trigger_sql(cls):
            conn.exec_driver_sql(sql)


class BuildWork:
    """The full-text indexes a first sync still has to build, costliest first.

    Two builders share them: the detached build takes from the costly end,
    the replica's own connection (free once its B-tree indexes are built)
    takes from the cheap end, one index at a time, so neither is left with
    a large index while the other idles.
    """

    def __init__(self, classes: Iterable[type[Entity]]):
        self._left = deque(classes)
        self._lock = threading.Lock()

    def take_costliest(self) -> type[Entity] | None:
        with self._lock:
            return self._left.popleft() if self._left else None

    def take_cheapest(self) -> type[Entity] | None:
        with self._lock:
            return self._left.pop() if self._left else None


def costliest_first(conn: Connection) -> BuildWork:
    """The searchable entities, the costliest index to build first: rows
    (the highest rowid, read off the table's B-tree) times searchable fields."""
    size = {cls: conn.exec_driver_sql(f"SELECT max(rowid) FROM {cls.__tablename__}").fetchone()[0] or 0
            for cls in SEARCHABLE}
    return BuildWork(sorted(SEARCHABLE, key=lambda cls: -size[cls] * len(cls.__search__)))


def _taken(take: Callable[[], type[Entity] | None]) -> Iterator[type[Entity]]:
    while (cls := take()) is not None:
        yield cls


def build_detached(replica_path: Path, build_path: Path, work: BuildWork) -> list[type[Entity]]:
    """Build indexes taken from ``work`` (costliest first) from the replica's
    committed rows into ``build_path``; returns the entities built.

    Its own connection, which only reads the replica: it runs on a second core
    while the replica's writer builds the B-tree indexes and then rebuilds, in
    place, indexes from the cheap end of ``work`` (``rebuild_taken``). The build
    file is scratch (no journal); ``adopt_built`` copies the result in.
    """
    built: list[type[Entity]] = []
    conn = sqlite3.connect(str(build_path), isolation_level=None, timeout=30.0)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("ATTACH DATABASE ? AS replica", (str(replica_path),))
        for cls in _taken(work.take_costliest):
            f, cols = cls.__tablename__ + _SUFFIX, ", ".join(cls.__search__)
            # Contentless here: the same index records as the replica's
            # external-content table, without a second copy of the rows.
            conn.execute(f"CREATE VIRTUAL TABLE {f} USING fts5({cols}, content='', {_OPTIONS})")
            conn.execute(f"INSERT INTO {f}({f}, rank) VALUES ('hashsize', {_REBUILD_HASHSIZE})")
            conn.execute("BEGIN")
            conn.execute(f"INSERT INTO {f}(rowid, {cols}) SELECT rowid, {cols} FROM replica.{cls.__tablename__}")
            conn.execute(f"INSERT INTO {f}({f}) VALUES ('optimize')")
            conn.execute("COMMIT")
            built.append(cls)
    finally:
        conn.close()
    return built


def rebuild_taken(conn: Connection, work: BuildWork) -> None:
    """Rebuild in place, one at a time, the cheapest indexes left in ``work``."""
    for cls in _taken(work.take_cheapest):
        rebuild(conn, [cls])


def adopt_built(conn: Connection, schema: str, built: Iterable[type[Entity]]) -> None:
    """Replace the indexes ``build_detached`` made (attached as ``schema``)
    and restore their triggers.

    Writes FTS5's own tables directly: the connection must not be used for
    full-text work afterwards without being reopened (FTS5 caches an index's
    structure per connection).
    """
    for cls in built:
        f = cls.__tablename__ + _SUFFIX
        for part in _SHADOW_PARTS:
            conn.exec_driver_sql(f"DELETE FROM {f}_{part}")
            conn.exec_driver_sql(f"INSERT INTO {f}_{part} SELECT * FROM {schema}.{f}_{part}")
        for sql in _trigger_sql(cls):
            conn.exec_driver_sql(sql)


def ensure_search_index(engine: Engine) -> None:
    signature = _signature()
    with engine.begin() as conn:
        current = conn.execute(
            text("SELECT value FROM sync_state WHERE key = :k"), {"k": _SIGNATURE_KEY}
        ).scalar_one_or_none()
        if current == signature:
            return
        for cls in SEARCHABLE:
            f = cls.__tablename__ + _SUFFIX
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {f}")
        drop_triggers(conn)
        for cls in SEARCHABLE:
            f = cls.__tablename__ + _SUFFIX
            cols = ", ".join(cls.__search__)
            conn.exec_driver_sql(
                f"CREATE VIRTUAL TABLE {f} USING fts5({cols}, content='{cls.__tablename__}', "
                f"content_rowid='rowid', {_OPTIONS})"
            )
            # No merging inside a person's edit: the idle upkeep merges
            # (``fieldcrm.storage.maintenance``); FTS5's crisis merge bounds it.
            conn.exec_driver_sql(f"INSERT INTO {f}({f}, rank) VALUES ('automerge', 0)")
        rebuild(conn)
        conn.execute(
            text("INSERT OR REPLACE INTO sync_state(key, value) VALUES (:k, :v)"),
            {"k": _SIGNATURE_KEY, "v": signature},
        )


_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(user_text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 prefix query (None if empty).

    One-letter Latin words are left out: the prefix index starts at two
    letters, "J Smi" is found by "Smi" alone at a fraction of the cost, and a
    lone "S" would match most of the replica. (A single CJK character is a
    word and is kept.)
    """
    tokens = [t for t in _TOKEN.findall(user_text) if len(t) > 1 or not t.isascii()]
    if not tokens:
        return None
    return " ".join(f'"{t}"*' for t in tokens)


# How many matches per entity are ranked. Ranking every match of a common
# prefix ("Sa") over 100k accounts costs tens of milliseconds; the first
# candidates ranked are what a search-as-you-type list can show anyway.
RANK_CANDIDATES = 200


def match_filter(cls: type[Entity], user_text: str):
    """A WHERE clause keeping the rows of ``cls`` that match ``user_text``
    (None when the text has no words), for lists filtered by a search."""
    query = fts_query(user_text)
    if query is None:
        return None
    if not cls.__search__:
        return text("1 = 0")
    t, f = cls.__tablename__, cls.__tablename__ + _SUFFIX
    return text(f"{t}.rowid IN (SELECT rowid FROM {f} WHERE {f} MATCH :fts_query)").bindparams(
        fts_query=query
    )


@dataclass(frozen=True)
class SearchHit:
    entity: str
    id: str
    title: str
    rank: float


def search(conn: Connection, user_text: str, *, entities=None, limit: int = 20) -> list[SearchHit]:
    """Best matches per entity, grouped by entity in SEARCHABLE order."""
    query = fts_query(user_text)
    if query is None:
        return []
    hits: list[SearchHit] = []
    for cls in SEARCHABLE:
        if entities and cls.__entity__ not in entities:
            continue
        t, f = cls.__tablename__, cls.__tablename__ + _SUFFIX
        label = " || ' ' || ".join(f"coalesce({t}.{c}, '')" for c in cls.__label__)
        rows = conn.exec_driver_sql(
            f"SELECT {t}.id, {label}, m.rank FROM "
            f"(SELECT rowid, rank FROM {f} WHERE {f} MATCH ? LIMIT ?) AS m "
            f"JOIN {t} ON {t}.rowid = m.rowid ORDER BY m.rank LIMIT ?",
            (query, max(RANK_CANDIDATES, limit), limit),
        ).all()
        hits.extend(SearchHit(cls.__entity__, r[0], (r[1] or "").strip(), r[2]) for r in rows)
    return hits
