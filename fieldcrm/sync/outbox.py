"""The push side of a sync round: outbox batches out, the server's answers in.

Order of every batch, and why:
1. Pick the oldest pending entries (``seq`` order, at most one batch).
2. In a committed transaction, add one to each entry's ``sent_count``. From
   then on change capture never squashes or changes them, so whatever the
   server may already have received is exactly what a retry sends again.
3. Send. The server records each mutation id with its result, so a resent
   batch (after a crash, a cut connection, a server restart) is answered
   from that record and applied once.
4. In one transaction, act on each result: applied → entry removed, version
   stored; merged → entry removed, the server's row written (pending local
   values kept on top); conflict / rejected → entry parked with the server's
   message and the row shows the server's values again (a conflict record
   keeps base / mine / theirs for the user). A parked entry blocks nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Optional

import orjson

from fieldcrm.storage.registry import ENTITIES
from fieldcrm.sync.apply import ReplicaWriter, deleted_row_fields
from fieldcrm.sync.wire import MAX_PUSH_MUTATIONS, PROTOCOL_VERSION


@dataclass
class PushTally:
    pushed: int = 0
    applied: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    parked_messages: list[str] = field(default_factory=list)

    def add(self, other: "PushTally") -> None:
        self.pushed += other.pushed
        self.applied += other.applied
        self.merged += other.merged
        self.conflicts += other.conflicts
        self.rejected += other.rejected
        self.parked_messages += other.parked_messages


_COLUMNS = "seq, mutation_id, entity, row_id, op, changes, base, base_version"


def next_batch(writer: ReplicaWriter, after_seq: int, limit: int = MAX_PUSH_MUTATIONS) -> list[dict[str, Any]]:
    """The oldest pending entries after ``after_seq``, marked sent in a committed transaction."""
    with writer.transaction() as conn:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
            (after_seq, limit),
        ).fetchall()
        conn.executemany("UPDATE outbox SET sent_count = sent_count + 1 WHERE seq = ?",
                         [(r[0],) for r in rows])
    return [
        {"seq": seq, "mutation_id": mid, "entity": entity, "row_id": row_id, "op": op,
         "changes": orjson.loads(changes or "{}"), "base": orjson.loads(base or "{}"),
         "base_version": base_version or 0}
        for seq, mid, entity, row_id, op, changes, base, base_version in rows
    ]


def push_request(client_id: str, batch: list[dict[str, Any]]) -> dict[str, Any]:
    return {"protocol": PROTOCOL_VERSION, "client_id": client_id, "mutations": batch}


def _server_row_back(writer: ReplicaWriter, sent: dict[str, Any], row: Optional[dict[str, Any]],
                     pending) -> None:
    """Show the server's values for a row whose local change did not go through."""
    entity, row_id = sent["entity"], sent["row_id"]
    if row is not None:
        writer.upsert_dict(entity, row)
    elif sent["op"] == "update":
        writer.update_fields(entity, row_id, sent["base"])
    elif sent["op"] == "delete" and sent["base_version"] > 0:
        # The delete did not happen on the server: the row comes back as it was.
        writer.upsert_dict(entity, {**sent["base"], "id": row_id, "version": sent["base_version"]})
    writer.overlay_pending(entity, [row_id], pending)


def _park(writer: ReplicaWriter, sent: dict[str, Any], status: str, message: str) -> None:
    writer.conn.execute(
        "UPDATE outbox SET state = 'parked', result = ?, message = ? WHERE mutation_id = ?",
        (status, message, sent["mutation_id"]),
    )


def _record_conflict(writer: ReplicaWriter, sent: dict[str, Any], result: dict[str, Any], message: str) -> None:
    kind = result.get("conflict_kind") or "field"
    fields = result.get("fields") or {}
    if kind == "deleted":
        # The server deleted the row: keep every local value so "keep mine" can restore it.
        local = writer.fetch_row(sent["entity"], sent["row_id"]) or {}
        fields = deleted_row_fields(local, sent["base"], sent["changes"])
    writer.conn.execute(
        "INSERT OR REPLACE INTO conflict (id, mutation_id, entity, row_id, kind, fields, message, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))",
        (result.get("conflict_id") or str(uuid.uuid4()), sent["mutation_id"], sent["entity"],
         sent["row_id"], kind, orjson.dumps(fields).decode(), message),
    )


def _conflict_message(sent: dict[str, Any], result: dict[str, Any]) -> str:
    if result.get("message"):
        return result["message"]
    kind = result.get("conflict_kind") or "field"
    what = sent["entity"].replace("_", " ")
    if kind == "deleted":
        return f"this {what} was deleted on the server while you changed it"
    if kind == "delete":
        return f"this {what} was changed on the server while you deleted it"
    names = ", ".join(sorted(result.get("fields") or {})) or "a field"
    return f"{names} of this {what} changed on the server too; the server kept its value"


def apply_results(writer: ReplicaWriter, batch: list[dict[str, Any]], response: dict[str, Any]) -> PushTally:
    """Act on the server's answer to one batch, in one transaction."""
    by_id = {m["mutation_id"]: m for m in batch}
    tally = PushTally(pushed=len(batch))
    with writer.transaction() as conn:
        outcomes = []
        for result in response.get("results", []):
            sent = by_id.get(result.get("mutation_id"))
            if sent is None or sent["entity"] not in ENTITIES:
                continue
            status = result.get("status")
            if status in ("applied", "merged"):
                conn.execute("DELETE FROM outbox WHERE mutation_id = ?", (sent["mutation_id"],))
            elif status in ("conflict", "rejected"):
                _park(writer, sent, status, "")
            outcomes.append((sent, result, status))
        # Pending values are read once the answered entries left the pending state.
        pending = writer.pending_changes()
        for sent, result, status in outcomes:
            entity, row_id = sent["entity"], sent["row_id"]
            if status == "applied":
                tally.applied += 1
                if sent["op"] != "delete" and result.get("version"):
                    writer.set_version(entity, row_id, int(result["version"]))
            elif status == "merged":
                tally.merged += 1
                if result.get("row"):
                    writer.upsert_dict(entity, result["row"])
                    writer.overlay_pending(entity, [row_id], pending)
                elif result.get("version"):
                    writer.set_version(entity, row_id, int(result["version"]))
            elif status == "conflict":
                tally.conflicts += 1
                message = _conflict_message(sent, result)
                _record_conflict(writer, sent, result, message)
                _park(writer, sent, "conflict", message)
                if (result.get("conflict_kind") or "field") == "deleted":
                    writer.remove_rows(entity, [row_id])
                else:
                    _server_row_back(writer, sent, result.get("row"), pending)
                tally.parked_messages.append(f"{entity} {row_id}: {message}")
            elif status == "rejected":
                tally.rejected += 1
                message = result.get("message") or "the server did not accept this change"
                _park(writer, sent, "rejected", message)
                if sent["op"] != "create":
                    _server_row_back(writer, sent, result.get("row"), pending)
                tally.parked_messages.append(f"{entity} {row_id}: {message}")
    return tally
