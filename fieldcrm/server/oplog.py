"""The per-bucket op log: the latest op per row, appended in commit order.

A transaction collects its ops in an ``OpLog`` and writes them with
``flush()`` just before it commits. ``flush`` advances the counter row of
every bucket it appends to in one upsert, in sorted bucket order (so two
writers never deadlock), and numbers the ops up to the new counter. A second
writer of the same bucket waits on that row lock until the first commits, so
within a bucket sequence order is commit order and a reader that has seen
sequence ``n`` has seen every op numbered below ``n``. Writers of different buckets never contend.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fieldcrm.server.tables import BucketCounter, BucketOp
from fieldcrm.storage.types import utcnow

PUT = "put"
REMOVE = "remove"
# Ops upserted by one statement: 6 values each, well under SQLite's and
# PostgreSQL's limits on bound parameters.
OPS_PER_STATEMENT = 1000


def _dialect_insert(session: Session, table):
    name = session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(table)


def held_buckets(session: Session, entity: str, row_id: str) -> set[str]:
    """The buckets whose latest op for this row is a PUT (committed or flushed)."""
    rows = session.execute(
        select(BucketOp.bucket).where(
            BucketOp.entity == entity, BucketOp.row_id == row_id, BucketOp.op == PUT
        )
    ).scalars()
    return set(rows)


class OpLog:
    """The ops one transaction appends, written by ``flush`` before commit."""

    def __init__(self, session: Session):
        self.session = session
        self._pending: dict[str, dict[tuple[str, str], str]] = {}
        # Buckets each row is held by in the database, as read by this
        # transaction: only ``flush`` writes ops, so until then they stand.
        self._stored: dict[tuple[str, str], frozenset[str]] = {}

    def preload(self, keys: Iterable[tuple[str, str]]) -> None:
        """Read the stored buckets of many rows at once (one query per entity)."""
        by_entity: dict[str, set[str]] = {}
        for entity, row_id in keys:
            if (entity, row_id) not in self._stored:
                by_entity.setdefault(entity, set()).add(row_id)
        for entity, row_ids in by_entity.items():
            found: dict[str, set[str]] = {row_id: set() for row_id in row_ids}
            for row_id, bucket in self.session.execute(
                select(BucketOp.row_id, BucketOp.bucket).where(
                    BucketOp.entity == entity, BucketOp.row_id.in_(sorted(row_ids)), BucketOp.op == PUT
                )
            ):
                found[row_id].add(bucket)
            for row_id, buckets in found.items():
                self._stored[(entity, row_id)] = frozenset(buckets)

    def snapshot(self) -> dict[str, dict[tuple[str, str], str]]:
        """The unwritten ops so far, to go back to when a savepoint rolls back."""
        return {bucket: dict(ops) for bucket, ops in self._pending.items()}

    def restore(self, snapshot: dict[str, dict[tuple[str, str], str]]) -> None:
        self._pending = snapshot

    def put(self, entity: str, row_id: str, buckets: Iterable[str]) -> None:
        for bucket in buckets:
            self._pending.setdefault(bucket, {})[(entity, row_id)] = PUT

    def remove(self, entity: str, row_id: str, buckets: Iterable[str]) -> None:
        for bucket in buckets:
            self._pending.setdefault(bucket, {})[(entity, row_id)] = REMOVE

    def held(self, entity: str, row_id: str) -> set[str]:
        """Buckets holding the row, counting this transaction's unwritten ops."""
        stored = self._stored.get((entity, row_id))
        if stored is None:
            stored = self._stored[(entity, row_id)] = frozenset(held_buckets(self.session, entity, row_id))
        result = set(stored)
        for bucket, ops in self._pending.items():
            op = ops.get((entity, row_id))
            if op == PUT:
                result.add(bucket)
            elif op == REMOVE:
                result.discard(bucket)
        return result

    def place(self, entity: str, row_id: str, targets: set[str], *, changed: bool) -> None:
        """Make the row sit in exactly ``targets``.

        A changed row is PUT into every target; an unchanged one only into the
        buckets it newly enters. Buckets it leaves get a REMOVE.
        """
        current = self.held(entity, row_id)
        self.put(entity, row_id, targets if changed else targets - current)
        self.remove(entity, row_id, current - targets)

    def flush(self, *, all_new: bool = False) -> dict[str, int]:
        """Number and write the pending ops; returns each bucket's last sequence.

        ``all_new`` (bulk loads) inserts without looking for older ops.
        """
        self._stored.clear()
        if not self._pending:
            return {}
        session = self.session
        buckets = sorted(self._pending)
        now = utcnow()
        # One statement takes every counter row (created if new) in sorted
        # bucket order, moves it past this transaction's ops and returns where
        # it ends: this transaction numbers its ops up to there.
        counters = BucketCounter.__table__
        take = _dialect_insert(session, counters).values(
            [{"bucket": b, "seq": len(self._pending[b]), "horizon": 0} for b in buckets]
        )
        take = take.on_conflict_do_update(
            index_elements=["bucket"], set_={"seq": counters.c.seq + take.excluded.seq},
        ).returning(counters.c.bucket, counters.c.seq)
        # Core statements on the transaction's connection: no ORM step on the way.
        connection = session.connection()
        last = dict(connection.execute(take).all())
        rows = []
        for bucket in buckets:
            seq = last[bucket] - len(self._pending[bucket])
            for (entity, row_id), op in self._pending[bucket].items():
                seq += 1
                rows.append({"entity": entity, "row_id": row_id, "bucket": bucket, "seq": seq, "op": op, "at": now})
        if all_new:
            connection.execute(insert(BucketOp.__table__), rows)
        else:
            # The newer op replaces the row's older op in that bucket. A row's
            # op moves to the new sequence, so each (bucket, seq) stays unique.
            # One multi-row statement per chunk rather than one execution per
            # op (a row appears once per bucket, so no row is hit twice).
            for start in range(0, len(rows), OPS_PER_STATEMENT):
                stmt = _dialect_insert(session, BucketOp.__table__).values(rows[start:start + OPS_PER_STATEMENT])
                stmt = stmt.on_conflict_do_update(
                    index_elements=["entity", "row_id", "bucket"],
                    set_={"seq": stmt.excluded.seq, "op": stmt.excluded.op, "at": stmt.excluded.at},
                )
                connection.execute(stmt)
        self._pending.clear()
        return last


def compact(session: Session, older_than: dt.datetime) -> int:
    """Drop REMOVE ops older than ``older_than``; raise each bucket's horizon.

    A laptop whose cursor is below a bucket's horizon may have missed a
    REMOVE, so it is told to re-download that bucket (``reset``).
    """
    horizons = session.execute(
        select(BucketOp.bucket, func.max(BucketOp.seq))
        .where(BucketOp.op == REMOVE, BucketOp.at < older_than)
        .group_by(BucketOp.bucket)
    ).all()
    removed = 0
    for bucket, horizon in sorted(horizons):
        session.execute(
            select(BucketCounter.seq).where(BucketCounter.bucket == bucket).with_for_update()
        )
        removed += session.execute(
            delete(BucketOp).where(BucketOp.bucket == bucket, BucketOp.op == REMOVE, BucketOp.seq <= horizon)
        ).rowcount or 0
        session.execute(
            update(BucketCounter)
            .where(BucketCounter.bucket == bucket, BucketCounter.horizon < horizon)
            .values(horizon=horizon)
        )
    return removed


def counter(session: Session, bucket: str) -> Optional[BucketCounter]:
    return session.get(BucketCounter, bucket)
