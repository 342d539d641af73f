"""Pull and verify: pages of ops per bucket, as list-of-lists JSON.

A first sync moves hundreds of thousands of rows, so no Python code touches a
row on this path: the database aggregates each entity's rows of a page into
one JSON array of arrays (SQLite ``json_group_array``, PostgreSQL
``json_agg``), and orjson embeds it as a fragment next to the column names,
which go once per entity per bucket page.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from typing import Any, Iterable, Sequence

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcrm.server.db import Database
from fieldcrm.server.oplog import PUT, REMOVE
from fieldcrm.server.scope import CallerOf
from fieldcrm.server.tables import BucketCounter, ClientBucket
from fieldcrm.storage.registry import ENTITIES, ENTITY_CLASSES, fields_of
from fieldcrm.sync.wire import PROTOCOL_VERSION, PullRequest


class _Sql:
    """Writes driver-level SQL for one dialect (placeholders, value casts)."""

    def __init__(self, dialect: str):
        self.pg = dialect == "postgresql"
        self.params: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s" if self.pg else f":{name}"

    def bind_list(self, values: Iterable[Any]) -> str:
        return ", ".join(self.bind(v) for v in values)


@lru_cache(maxsize=None)
def _rows_json(entity: str, pg: bool) -> str:
    """SQL that aggregates the selected rows into one JSON array of arrays.

    The database writes the JSON (booleans as true/false, amounts as decimal
    strings with the column's scale), so no Python code touches each row.
    """
    parts = []
    for name, info in fields_of(entity).items():
        col = f't."{name}"'
        if info.kind == "decimal":
            scale = ENTITIES[entity].__table__.c[name].type.scale or 0
            col = (f"CAST({col} AS TEXT)" if pg
                   else f"CASE WHEN {col} IS NULL THEN NULL ELSE printf('%.{scale}f', {col}) END")
        elif info.kind == "bool" and not pg:
            col = f"CASE WHEN {col} IS NULL THEN NULL WHEN {col} THEN json('true') ELSE json('false') END"
        parts.append(col)
    if pg:
        return f"COALESCE(json_agg(json_build_array({', '.join(parts)}))::text, '[]')"
    return f"json_group_array(json_array({', '.join(parts)}))"


def _fetch(session: Session, sql: _Sql, text: str) -> list[tuple]:
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        cursor.execute(text, sql.params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _bucket_page(session: Session, pg: bool, bucket: str, lo: int, budget: int,
                 subscriptions: Sequence[str]) -> tuple[int, int, bool, dict, dict]:
    """(new cursor, ops read, has_more, puts, removes) for one bucket."""
    sql = _Sql("postgresql" if pg else "sqlite")
    q = (f"SELECT seq FROM bucket_op WHERE bucket = {sql.bind(bucket)} AND seq > {sql.bind(lo)} "
         f"ORDER BY seq LIMIT 2 OFFSET {sql.bind(budget - 1)}")
    edge = [r[0] for r in _fetch(session, sql, q)]
    if edge:
        hi, more, read = edge[0], len(edge) > 1, budget
    else:
        sql = _Sql("postgresql" if pg else "sqlite")
        q = (f"SELECT COALESCE(MAX(seq), {sql.bind(lo)}), COUNT(*) FROM bucket_op "
             f"WHERE bucket = {sql.bind(bucket)} AND seq > {sql.bind(lo)}")
        hi, read = _fetch(session, sql, q)[0]
        more = False
    puts: dict[str, dict] = {}
    removes: dict[str, list[str]] = {}
    if read == 0:
        return lo, 0, False, puts, removes
    sql = _Sql("postgresql" if pg else "sqlite")
    where = f"o.bucket = {sql.bind(bucket)} AND o.seq > {sql.bind(lo)} AND o.seq <= {sql.bind(hi)}"
    params = dict(sql.params)
    entities = {r[0] for r in _fetch(session, sql, f"SELECT DISTINCT o.entity FROM bucket_op o WHERE {where} AND o.op = 'put'")}
    for cls in ENTITY_CLASSES:
        entity = cls.__entity__
        if entity not in entities:
            continue
        sql.params = dict(params)
        rows = _fetch(session, sql, (
            f"SELECT {_rows_json(entity, pg)} FROM bucket_op o JOIN {cls.__tablename__} t ON t.id = o.row_id "
            f"WHERE {where} AND o.entity = {sql.bind(entity)} AND o.op = 'put'"
        ))[0][0]
        if rows != "[]":
            puts[entity] = {"columns": list(fields_of(entity)), "rows": orjson.Fragment(rows)}
    sql.params = dict(params)
    others = sql.bind_list(subscriptions)
    for entity, row_id in _fetch(session, sql, (
        f"SELECT o.entity, o.row_id FROM bucket_op o WHERE {where} AND o.op = '{REMOVE}' "
        f"AND NOT EXISTS (SELECT 1 FROM bucket_op h WHERE h.entity = o.entity AND h.row_id = o.row_id "
        f"AND h.op = '{PUT}' AND h.bucket IN ({others}))"
    )):
        removes.setdefault(entity, []).append(row_id)
    return hi, read, more, puts, removes


def _dropped(session: Session, pg: bool, buckets: Sequence[str], subscriptions: Sequence[str]) -> dict[str, list[str]]:
    """Rows of buckets that left the scope and that no current bucket holds."""
    out: dict[str, list[str]] = {}
    if not buckets:
        return out
    sql = _Sql("postgresql" if pg else "sqlite")
    q = (f"SELECT DISTINCT o.entity, o.row_id FROM bucket_op o WHERE o.bucket IN ({sql.bind_list(buckets)}) "
         f"AND o.op = '{PUT}' AND NOT EXISTS (SELECT 1 FROM bucket_op h WHERE h.entity = o.entity "
         f"AND h.row_id = o.row_id AND h.op = '{PUT}' AND h.bucket IN ({sql.bind_list(subscriptions)}))")
    for entity, row_id in _fetch(session, sql, q):
        out.setdefault(entity, []).append(row_id)
    return out


def ordered(subscriptions: Iterable[str]) -> list[str]:
    """global first, then personal buckets, then territories."""
    return sorted(subscriptions, key=lambda b: (b != "global", not b.startswith("user:"), b))


def pull(db: Database, caller_of: CallerOf, request: PullRequest) -> bytes:
    """One page of the caller's changes, as the JSON bytes of a PullResponse.

    ``caller_of`` signs the request in (or refuses it) as the first statement
    of the page's snapshot.
    """
    pg = not db.is_sqlite
    with db.read() as session:
        caller = caller_of(session)
        subscriptions = ordered(caller.subscriptions)
        served = set(session.execute(
            select(ClientBucket.bucket).where(
                ClientBucket.user_id == caller.id, ClientBucket.client_id == request.client_id
            )
        ).scalars())
        counters = {
            c.bucket: c for c in session.execute(
                select(BucketCounter).where(BucketCounter.bucket.in_(list(subscriptions)))
            ).scalars()
        }
        budget, has_more, pages = request.limit, False, []
        for bucket in subscriptions:
            cursor = max(0, request.cursors.get(bucket, 0))
            counter = counters.get(bucket)
            reset = counter is not None and 0 < cursor < counter.horizon
            if reset:
                cursor = 0
            if budget <= 0:
                has_more = True
                break
            hi, read, more, puts, removes = (
                _bucket_page(session, pg, bucket, cursor, budget, subscriptions)
                if counter is not None and counter.seq > cursor else (cursor, 0, False, {}, {})
            )
            if read or reset or bucket not in request.cursors:
                pages.append({"bucket": bucket, "cursor": hi, "has_more": more, "reset": reset,
                              "puts": puts, "removes": removes})
            budget -= read
            if more:
                has_more = True
                break
        left = [b for b in request.cursors if b not in subscriptions and b in served]
        dropped = _dropped(session, pg, left, subscriptions)
    new = [p["bucket"] for p in pages if p["bucket"] not in served]
    if new:
        with db.write() as session:
            for bucket in new:
                session.merge(ClientBucket(user_id=caller.id, client_id=request.client_id, bucket=bucket))
    return orjson.dumps({
        "protocol": PROTOCOL_VERSION, "subscriptions": list(subscriptions), "buckets": pages,
        "dropped": dropped, "has_more": has_more,
    })


def checksum(pairs: Iterable[tuple[str, int]]) -> str:
    total = sum(zlib.crc32(f"{row_id}:{version}".encode()) for row_id, version in pairs)
    return format(total % 2**64, "016x")


def verify(db: Database, caller_of: CallerOf) -> dict[str, dict[str, Any]]:
    """Per entity: count and checksum of the distinct rows in the caller's scope."""
    pg = not db.is_sqlite
    out: dict[str, dict[str, Any]] = {}
    with db.read() as session:
        subscriptions = ordered(caller_of(session).subscriptions)
        for cls in ENTITY_CLASSES:
            sql = _Sql("postgresql" if pg else "sqlite")
            rows = _fetch(session, sql, (
                f"SELECT t.id, t.version FROM {cls.__tablename__} t JOIN (SELECT DISTINCT row_id FROM bucket_op "
                f"WHERE entity = {sql.bind(cls.__entity__)} AND op = '{PUT}' "
                f"AND bucket IN ({sql.bind_list(subscriptions)})) o ON o.row_id = t.id"
            ))
            out[cls.__entity__] = {"count": len(rows), "checksum": checksum(rows)}
    return out
