"""Writing server rows into the replica: pulled pages, push results, removals.

The sync engine writes through its own SQLite connection (``ReplicaWriter``),
opened with ``PRAGMA foreign_keys=OFF`` set outside any transaction. Why:

- The pull log keeps the latest op per row, so a child (a contact) can arrive
  in an earlier page than its parent (its account). With foreign keys on, the
  deferred check would fail the page's commit; with them off the child waits
  for its parent, which the same pull delivers.
- ``ON DELETE CASCADE`` does not fire with foreign keys off, so removing a row
  removes its children explicitly (``remove_rows``), down every composition
  level (account → opportunity → opportunity line, service job → parts ...).
- Server rows are stored as they come: the wire form is the stored form
  (timestamps and dates as text, amounts as decimal text), so a page goes in
  with one ``executemany`` per entity.

Every upsert keeps the newer version (``WHERE excluded.version >= version``),
so a page applied twice, or a row arriving through two buckets at different
versions, never moves a row back in time. Rows with pending local changes get
those values laid back on top after each write (``overlay_pending``): local
edits stay visible until the server acknowledges them.
"""

from __future__ import annotations

import sqlite3
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

import orjson

from fieldcrm.storage import search
from fieldcrm.storage.registry import ENTITIES, ENTITY_CLASSES, fields_of

_CHUNK = 500  # ids per IN (...) list
# Page cache while a fresh replica is loaded: the random-UUID primary-key
# B-trees stay in memory instead of being re-read from the file for every
# insert (~25% less CPU for the load; RSS stays well under 250 MB).
BULK_CACHE_KIB = 64 * 1024
# Next to the replica while a first sync's full-text indexes are built.
SEARCH_BUILD_SUFFIX = "-search-build"


def _children_of() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {name: [] for name in ENTITIES}
    for cls in ENTITY_CLASSES:
        if cls.__parent__:
            column, parent = cls.__parent__
            out[parent].append((cls.__entity__, column))
    # Reference children (territory members) are composition links too.
    for cls in ENTITY_CLASSES:
        for fk in cls.__table__.foreign_keys:
            parent_cls = next((c for c in ENTITY_CLASSES if c.__tablename__ == fk.column.table.name), None)
            if parent_cls is None:
                continue
            link = (cls.__entity__, fk.parent.name)
            if link not in out[parent_cls.__entity__]:
                out[parent_cls.__entity__].append(link)
    return out


CHILDREN = _children_of()


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _DriverSql:
    """Lets the storage helpers that speak ``exec_driver_sql`` run on this connection."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    def exec_driver_sql(self, sql: str, params: Sequence[Any] = ()):
        return self._conn.execute(sql, params)


def deleted_row_fields(local: dict[str, Any], base: dict[str, Any],
                       changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Conflict fields for a row the server no longer has: every local value as
    "mine" (my changed values over the rest), nothing as "theirs"."""
    fields = {name: {"base": base.get(name), "mine": value, "theirs": None}
              for name, value in local.items() if name not in ("id", "version")}
    for name, value in changes.items():
        fields[name] = {"base": base.get(name), "mine": value, "theirs": None}
    return fields


class ReplicaWriter:
    """The sync engine's connection to the replica (foreign keys off, see above)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.conn = self._connect()
        self._upsert_sql: dict[tuple[str, tuple[str, ...]], tuple[str, list[int]]] = {}

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=30.0)
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.create_function("fieldcrm_crc32", 1, lambda s: zlib.crc32(s.encode()), deterministic=True)
        return conn

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self, *, immediate: bool = True) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- small state --------------------------------------------------------
    def get_state(self, key: str) -> Optional[str]:
        row = self.conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: Optional[str]) -> None:
        if value is None:
            self.conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
        else:
            self.conn.execute("INSERT OR REPLACE INTO sync_state(key, value) VALUES (?, ?)", (key, value))

    def cursors(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT bucket, cursor FROM bucket_cursor").fetchall())

    def save_cursors(self, cursors: dict[str, int], subscriptions: Optional[Iterable[str]] = None) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO bucket_cursor(bucket, cursor) VALUES (?, ?)",
                              list(cursors.items()))
        if subscriptions is not None:
            keep = set(subscriptions)
            gone = [b for b in self.cursors() if b not in keep]
            self.conn.executemany("DELETE FROM bucket_cursor WHERE bucket = ?", [(b,) for b in gone])

    # -- rows ---------------------------------------------------------------
    def _upsert_statement(self, entity: str, columns: tuple[str, ...]) -> tuple[str, list[int]]:
        key = (entity, columns)
        cached = self._upsert_sql.get(key)
        if cached is None:
            known = fields_of(entity)
            keep = [i for i, c in enumerate(columns) if c in known]
            names = [columns[i] for i in keep]
            if "id" not in names or "version" not in names:
                raise ValueError(f"rows of {entity} arrived without id and version")
            table = ENTITIES[entity].__tablename__
            updates = ", ".join(f"{c} = excluded.{c}" for c in names if c != "id")
            sql = (f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
                   f"ON CONFLICT(id) DO UPDATE SET {updates} WHERE excluded.version >= {table}.version")
            cached = self._upsert_sql[key] = (sql, keep if len(keep) < len(columns) else [])
        return cached

    def upsert_rows(self, entity: str, columns: Sequence[str], rows: list[list[Any]]) -> int:
        """Insert or refresh server rows (newer versions only); returns the row count."""
        if entity not in ENTITIES or not rows:
            return 0
        sql, keep = self._upsert_statement(entity, tuple(columns))
        if keep:
            rows = [[row[i] for i in keep] for row in rows]
        self.conn.executemany(sql, rows)
        return len(rows)

    def upsert_dict(self, entity: str, row: dict[str, Any]) -> None:
        columns = tuple(row)
        self.upsert_rows(entity, columns, [[row[c] for c in columns]])

    def set_version(self, entity: str, row_id: str, version: int) -> None:
        table = ENTITIES[entity].__tablename__
        self.conn.execute(f"UPDATE {table} SET version = ? WHERE id = ? AND version < ?",
                          (version, row_id, version))

    def fetch_row(self, entity: str, row_id: str) -> Optional[dict[str, Any]]:
        table = ENTITIES[entity].__tablename__
        cur = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row)) if row else None

    def update_fields(self, entity: str, row_id: str, values: dict[str, Any]) -> None:
        known = fields_of(entity)
        values = {k: v for k, v in values.items() if k in known and k != "id"}
        if values:
            table = ENTITIES[entity].__tablename__
            sets = ", ".join(f"{k} = ?" for k in values)
            self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*values.values(), row_id))

    def remove_rows(self, entity: str, ids: Sequence[str]) -> int:
        """Delete rows and, explicitly, every row that belongs to them."""
        if entity not in ENTITIES or not ids:
            return 0
        removed = 0
        for child, column in CHILDREN[entity]:
            child_table = ENTITIES[child].__tablename__
            child_ids: list[str] = []
            for chunk in _chunks(list(ids)):
                marks = ", ".join("?" * len(chunk))
                child_ids += [r[0] for r in self.conn.execute(
                    f"SELECT id FROM {child_table} WHERE {column} IN ({marks})", tuple(chunk))]
            removed += self.remove_rows(child, child_ids)
        table = ENTITIES[entity].__tablename__
        self._keep_parked_rows(entity, ids)
        for chunk in _chunks(list(ids)):
            marks = ", ".join("?" * len(chunk))
            removed += self.conn.execute(f"DELETE FROM {table} WHERE id IN ({marks})", tuple(chunk)).rowcount
        return removed

    def _keep_parked_rows(self, entity: str, ids: Sequence[str]) -> None:
        """Before the server takes away a row whose change waits in the sync center,
        keep every local value with that change, so "keep mine" / "retry" can bring
        the whole row back (a field conflict alone only names the clashing fields).

        A field conflict becomes a ``deleted`` one (the row is gone from the server's
        view of this laptop); a rejected change keeps the row's last values under its
        ``base``, whose own entries (the values it was made over) stay as they were.
        """
        parked = self.conn.execute(
            "SELECT mutation_id, row_id, op, base, changes FROM outbox "
            "WHERE state = 'parked' AND entity = ? AND op != 'delete'", (entity,)).fetchall()
        if not parked:
            return
        wanted = set(ids)
        what = entity.replace("_", " ")
        for mutation_id, row_id, _op, base_text, changes_text in parked:
            if row_id not in wanted:
                continue
            local = self.fetch_row(entity, row_id)
            if local is None:
                continue
            base = orjson.loads(base_text) if base_text else {}
            changes = orjson.loads(changes_text) if changes_text else {}
            conflict = self.conn.execute(
                "SELECT id, kind FROM conflict WHERE mutation_id = ? AND resolved_at IS NULL",
                (mutation_id,)).fetchone()
            if conflict is None:
                kept = {k: v for k, v in local.items() if k not in ("id", "version")}
                self.conn.execute("UPDATE outbox SET base = ? WHERE mutation_id = ?",
                                  (orjson.dumps({**kept, **base}).decode(), mutation_id))
            elif conflict[1] == "field":
                message = f"this {what} was removed on the server while your change waited"
                self.conn.execute("UPDATE conflict SET kind = 'deleted', fields = ?, message = ? WHERE id = ?",
                                  (orjson.dumps(deleted_row_fields(local, base, changes)).decode(),
                                   message, conflict[0]))
                self.conn.execute("UPDATE outbox SET message = ? WHERE mutation_id = ?", (message, mutation_id))

    # -- local changes on top -------------------------------------------------
    def pending_changes(self) -> dict[tuple[str, str], Optional[dict[str, Any]]]:
        """(entity, row id) → the pending local values, or None for a pending delete."""
        out: dict[tuple[str, str], Optional[dict[str, Any]]] = {}
        for entity, row_id, op, changes in self.conn.execute(
            "SELECT entity, row_id, op, changes FROM outbox WHERE state = 'pending' ORDER BY seq"
        ):
            key = (entity, row_id)
            if op == "delete":
                out[key] = None
            else:
                merged = out.get(key) or {}
                merged.update(orjson.loads(changes) if changes else {})
                out[key] = merged
        return out

    def overlay_pending(self, entity: str, ids: Iterable[str],
                        pending: dict[tuple[str, str], Optional[dict[str, Any]]]) -> int:
        """Lay pending local values back over freshly written server rows."""
        merged = 0
        for row_id in ids:
            key = (entity, row_id)
            if key not in pending:
                continue
            values = pending[key]
            if values is None:
                self.remove_rows(entity, [row_id])
            else:
                self.update_fields(entity, row_id, values)
            merged += 1
        return merged

    # -- verify ---------------------------------------------------------------
    def checksums(self) -> dict[str, tuple[int, str]]:
        """Per entity (count, checksum) over rows the server has (version > 0)."""
        out = {}
        for cls in ENTITY_CLASSES:
            count, total = self.conn.execute(
                f"SELECT count(*), coalesce(sum(fieldcrm_crc32(id || ':' || version)), 0) "
                f"FROM {cls.__tablename__} WHERE version > 0"
            ).fetchone()
            out[cls.__entity__] = (count, format(total % 2**64, "016x"))
        return out

    def server_row_ids(self, entity: str) -> list[str]:
        table = ENTITIES[entity].__tablename__
        return [r[0] for r in self.conn.execute(f"SELECT id FROM {table} WHERE version > 0")]

    # -- bulk load on a fresh replica ----------------------------------------
    def is_fresh(self) -> bool:
        if self.conn.execute("SELECT 1 FROM bucket_cursor LIMIT 1").fetchone():
            return False
        return not any(
            self.conn.execute(f"SELECT 1 FROM {c.__tablename__} WHERE version > 0 LIMIT 1").fetchone()
            for c in ENTITY_CLASSES
        )

    def begin_bulk_load(self) -> None:
        """Drop secondary indexes and search triggers; their SQL is kept in sync_state.

        Saved first, in the same transaction, so a load interrupted at any point
        is finished (and the indexes rebuilt) by the next sync.
        """
        self.conn.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")  # until finish_bulk_load reconnects
        tables = {c.__tablename__ for c in ENTITY_CLASSES}
        with self.transaction():
            if self.get_state("bulk_load_indexes") is not None:
                return
            indexes = [(name, sql) for name, tbl, sql in self.conn.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            ) if tbl in tables]
            self.set_state("bulk_load_indexes", orjson.dumps(indexes).decode())
            for name, _ in indexes:
                self.conn.execute(f"DROP INDEX IF EXISTS {name}")
            search.drop_triggers(_DriverSql(self.conn))

    def in_bulk_load(self) -> bool:
        return self.get_state("bulk_load_indexes") is not None

    def finish_bulk_load(self) -> None:
        """Build the indexes and the full-text index once, after the load.

        Two cores share the work: a second connection on another thread
        builds full-text indexes (costliest first) from the committed rows
        into a scratch file, while this connection builds the B-tree indexes
        and then rebuilds in place, cheapest first and one at a time, the
        full-text indexes nobody took yet; the scratch ones are copied in;
        all in the one transaction that ends the bulk load, so an
        interruption leaves the saved state for the next sync to do it again.
        """
        saved = self.get_state("bulk_load_indexes")
        if saved is None:
            return
        build_path = self.path.with_name(self.path.name + SEARCH_BUILD_SUFFIX)
        build_path.unlink(missing_ok=True)
        work = search.costliest_first(_DriverSql(self.conn))
        self.conn.execute("ATTACH DATABASE ? AS search_build", (str(build_path),))
        try:
            # A deferred BEGIN: an immediate one would also lock the attached
            # build file, which the other connection is about to write.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-build") as pool, \
                    self.transaction(immediate=False):
                # The replica's write lock is held from this first write to the
                # commit, so the rows the build reads are the rows committed.
                self.set_state("bulk_load_indexes", saved)
                detached = pool.submit(search.build_detached, self.path, build_path, work)
                for name, sql in orjson.loads(saved):
                    self.conn.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                                      .replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX IF NOT EXISTS ", 1))
                search.rebuild_taken(_DriverSql(self.conn), work)
                search.adopt_built(_DriverSql(self.conn), "search_build", detached.result())
                self.set_state("bulk_load_indexes", None)
        finally:
            self.conn.execute("DETACH DATABASE search_build")
            build_path.unlink(missing_ok=True)
        # FTS5 caches an index's structure per connection: rather than rely on
        # it noticing the direct writes, start afresh (the cache size too).
        self.conn.close()
        self.conn = self._connect()
