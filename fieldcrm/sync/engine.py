"""One sync round: push the outbox, pull every bucket, verify.

``SyncEngine.run_round`` is the whole round; the steps are public so tests and
the benchmarks can drive them one by one. The engine is Qt-free and
single-threaded except for one helper thread that fetches the next pull page
while the current one is written (see docs/sync-engine.md).
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import orjson

from fieldcrm.storage.blobs import BlobStore
from fieldcrm.storage.registry import ENTITIES
from fieldcrm.storage.types import format_timestamp, utcnow
from fieldcrm.sync.apply import ReplicaWriter
from fieldcrm.sync.blobs import ContentSync
from fieldcrm.sync.outbox import PushTally, apply_results, next_batch, push_request
from fieldcrm.sync.transport import Cancelled, ServerFault, SyncError, Transport
from fieldcrm.sync.wire import DEFAULT_PAGE_ROWS, PROTOCOL_VERSION

log = logging.getLogger(__name__)

REFETCH_STATE = "refetch_entities"
PAGE_ROWS = 5_000  # rows per pull page: as fast as 10,000, with half the memory per page


@contextmanager
def _collector_paused(paused: bool):
    """Python's cycle collector off for a first sync's pages.

    Decoded pages are lists of lists and strings, freed by reference counting
    as soon as a page is written; the collector's passes over them find
    nothing and cost about 0.5 s of a 100,000-account first sync. Switched
    back on afterwards (when it was on).
    """
    was_on = gc.isenabled()
    if paused and was_on:
        gc.disable()
    try:
        yield
    finally:
        if paused and was_on:
            gc.enable()


@dataclass(frozen=True)
class Progress:
    """Where a round is: ``phase`` is push, pull, verify or done."""

    phase: str
    done: int = 0
    total: Optional[int] = None


@dataclass
class SyncSummary:
    """What one round did, for the status bar, the CLI and the log."""

    pushed: int = 0
    applied: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled_rows: int = 0
    removed_rows: int = 0
    seconds: float = 0.0
    error: Optional[str] = None
    error_kind: Optional[str] = None  # unreachable, sign_in, rejected, upgrade, server, cancelled
    refetched: list[str] = field(default_factory=list)
    parked_messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


class CancelToken:
    """Checked by the engine between batches and pages; ``cancel()`` from any thread.

    The engine only reads ``cancelled``, so the UI runner's own token can be
    passed in place of this one.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()



def error_kind(exc: BaseException) -> str:
    from fieldcrm.sync import transport as t

    kinds = {t.ServerUnreachable: "unreachable", t.SignInNeeded: "sign_in", t.RequestRejected: "rejected",
             t.UpgradeNeeded: "upgrade", t.ServerFault: "server", t.Cancelled: "cancelled"}
    return next((v for k, v in kinds.items() if isinstance(exc, k)), "failed")


class SyncEngine:
    """Push, pull and verify for one replica against one server."""

    def __init__(
        self,
        replica_path: Path,
        transport: Transport,
        client_id: str,
        *,
        page_rows: int = PAGE_ROWS,
        progress: Optional[Callable[[Progress], None]] = None,
        cancel: Optional[CancelToken] = None,
    ):
        self.writer = ReplicaWriter(replica_path)
        self.transport = transport
        self.client_id = client_id
        self.page_rows = min(page_rows, DEFAULT_PAGE_ROWS * 2)
        self._progress = progress or (lambda p: None)
        self.cancel = cancel or CancelToken()
        # Attachment content lives beside the replica, in the profile folder.
        self.content = ContentSync(transport, BlobStore(Path(replica_path).parent), self.writer,
                                   lambda: self.cancel.cancelled)

    def close(self) -> None:
        self.writer.close()

    def _check_cancel(self) -> None:
        if self.cancel.cancelled:
            raise Cancelled("sync cancelled")

    # -- the round ----------------------------------------------------------
    def run_round(self, *, verify: bool = True) -> SyncSummary:
        started = time.monotonic()
        summary = SyncSummary()
        try:
            summary_push = self.push()
            for name in ("pushed", "applied", "merged", "conflicts", "rejected", "parked_messages"):
                setattr(summary, name, getattr(summary_push, name))
            first_load = self.writer.in_bulk_load() or self.writer.is_fresh()
            pulled, removed, reset = self.pull()
            summary.pulled_rows, summary.removed_rows = pulled, removed
            # A first load is every row the server just sent: comparing it costs a
            # full pass on both sides for nothing; the next round checks it.
            if reset or (verify and not first_load):
                refetched, pulled, removed = self.verify_scope()
                summary.refetched = refetched
                summary.pulled_rows += pulled
                summary.removed_rows += removed
            self.content.fetch_own_jobs(self.writer.get_state("user_id"))
            with self.writer.transaction():
                self.writer.set_state("last_sync_at", format_timestamp(utcnow()))
            self._progress(Progress("done"))
        except (SyncError, OSError) as exc:
            summary.error, summary.error_kind = str(exc), error_kind(exc)
            log.warning("sync round stopped: %s", exc)
        except sqlite3.OperationalError as exc:  # the replica stayed locked or the disk is full
            summary.error, summary.error_kind = f"the replica could not be written: {exc}", "failed"
            log.warning("sync round stopped: %s", exc)
        summary.seconds = round(time.monotonic() - started, 3)
        return summary

    # -- push ---------------------------------------------------------------
    def push(self) -> PushTally:
        """Send every pending entry in order, one batch at a time."""
        tally = PushTally()
        last_seq = 0
        total = self.writer.conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
        while True:
            self._check_cancel()
            batch = next_batch(self.writer, last_seq)
            if not batch:
                return tally
            self._progress(Progress("push", tally.pushed, total))
            self.content.upload_for(batch)
            response = self.transport.push(push_request(self.client_id, batch))
            answered = {r.get("mutation_id") for r in response.get("results", [])}
            if any(m["mutation_id"] not in answered for m in batch):
                # Resent next round, identical: the server answers from its record.
                raise ServerFault("the server's answer to the upload was incomplete")
            tally.add(apply_results(self.writer, batch, response))
            last_seq = batch[-1]["seq"]

    # -- pull ---------------------------------------------------------------
    def pull(self) -> tuple[int, int, bool]:
        """Pull every bucket until no page is left: (rows written, rows removed, a bucket was reset)."""
        refetch = self._refetch_entities()
        cursors = self.writer.cursors()
        if refetch:
            self._start_seen_tracking()
            cursors = {bucket: 0 for bucket in cursors}
        bulk = self.writer.in_bulk_load() or self.writer.is_fresh()
        if bulk:
            self.writer.begin_bulk_load()
        pulled = removed = 0
        any_reset = False
        with _collector_paused(bulk), \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-prefetch") as prefetch:
            future: Future = prefetch.submit(self.transport.pull, self._pull_request(cursors))
            while True:
                page = future.result()
                self._check_cancel()
                next_cursors = {b["bucket"]: int(b["cursor"]) for b in page.get("buckets", [])}
                follow = {**{k: v for k, v in cursors.items() if k in set(page.get("subscriptions", cursors))},
                          **next_cursors}
                if page.get("has_more"):
                    future = prefetch.submit(self.transport.pull, self._pull_request(follow))
                written, gone, reset = self._apply_page(page, follow, refetch)
                pulled, removed = pulled + written, removed + gone
                any_reset = any_reset or reset
                cursors = follow
                self._progress(Progress("pull", pulled, None))
                if not page.get("has_more"):
                    break
        if refetch:
            removed += self._sweep_unseen(refetch)
        if bulk:
            self._progress(Progress("index", pulled, pulled))
            self.writer.finish_bulk_load()
        return pulled, removed, any_reset

    def _pull_request(self, cursors: dict[str, int]) -> dict[str, Any]:
        return {"protocol": PROTOCOL_VERSION, "client_id": self.client_id,
                "cursors": cursors, "limit": self.page_rows}

    def _apply_page(self, page: dict[str, Any], cursors: dict[str, int], refetch: list[str]) -> tuple[int, int, bool]:
        """One response, with its cursors, in one transaction."""
        writer = self.writer
        written = removed = 0
        reset = False
        with writer.transaction() as conn:
            pending = writer.pending_changes()
            pending_ids: dict[str, set[str]] = {}
            for entity, row_id in pending:
                pending_ids.setdefault(entity, set()).add(row_id)
            for bucket in page.get("buckets", []):
                reset = reset or bool(bucket.get("reset"))
                for entity, block in (bucket.get("puts") or {}).items():
                    columns, rows = block["columns"], block["rows"]
                    written += writer.upsert_rows(entity, columns, rows)
                    if not rows or entity not in ENTITIES:
                        continue
                    id_at = columns.index("id")
                    if entity in pending_ids:
                        hit = [r[id_at] for r in rows if r[id_at] in pending_ids[entity]]
                        writer.overlay_pending(entity, hit, pending)
                    if entity in refetch:
                        conn.executemany("INSERT OR IGNORE INTO temp.sync_seen(entity, id) VALUES (?, ?)",
                                         [(entity, r[id_at]) for r in rows])
                for entity, ids in (bucket.get("removes") or {}).items():
                    removed += writer.remove_rows(entity, ids)
            for entity, ids in (page.get("dropped") or {}).items():
                removed += writer.remove_rows(entity, ids)
            writer.save_cursors(cursors, page.get("subscriptions"))
        return written, removed, reset

    # -- verify and re-fetch ---------------------------------------------------
    def _mismatches(self) -> list[str]:
        answer = self.transport.verify({"protocol": PROTOCOL_VERSION, "client_id": self.client_id})
        server = answer.get("entities", {})
        local = self.writer.checksums()
        out = []
        for entity, (count, checksum) in local.items():
            theirs = server.get(entity) or {"count": 0, "checksum": format(0, "016x")}
            if (theirs["count"], theirs["checksum"]) != (count, checksum):
                log.warning("verify: %s differs (laptop %d rows, server %d rows)", entity, count, theirs["count"])
                out.append(entity)
        return out

    def verify_scope(self) -> tuple[list[str], int, int]:
        """Compare per-entity counts and checksums; re-fetch what disagrees.

        A mismatch is first given one ordinary pull (others may have synced
        in between); what still disagrees is re-downloaded and the rows the
        server no longer gives this laptop are removed.
        """
        self._progress(Progress("verify"))
        self._check_cancel()
        differing = self._mismatches()
        pulled = removed = 0
        if differing:
            p, r, _ = self.pull()
            pulled, removed = pulled + p, removed + r
            differing = self._mismatches()
        if differing:
            log.warning("verify: re-fetching %s", ", ".join(differing))
            with self.writer.transaction():
                self.writer.set_state(REFETCH_STATE, orjson.dumps(differing).decode())
            p, r, _ = self.pull()
            pulled, removed = pulled + p, removed + r
        return differing, pulled, removed

    def _refetch_entities(self) -> list[str]:
        saved = self.writer.get_state(REFETCH_STATE)
        return orjson.loads(saved) if saved else []

    def _start_seen_tracking(self) -> None:
        self.writer.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS sync_seen (entity TEXT, id TEXT, PRIMARY KEY (entity, id)) WITHOUT ROWID")
        self.writer.conn.execute("DELETE FROM temp.sync_seen")

    def _sweep_unseen(self, entities: list[str]) -> int:
        """After a full re-download: remove server rows the server did not send again."""
        removed = 0
        with self.writer.transaction() as conn:
            for entity in entities:
                if entity not in ENTITIES:
                    continue
                table = ENTITIES[entity].__tablename__
                stale = [r[0] for r in conn.execute(
                    f"SELECT id FROM {table} WHERE version > 0 AND id NOT IN "
                    f"(SELECT id FROM temp.sync_seen WHERE entity = ?)", (entity,))]
                removed += self.writer.remove_rows(entity, stale)
            self.writer.set_state(REFETCH_STATE, None)
            conn.execute("DELETE FROM temp.sync_seen")
        return removed
