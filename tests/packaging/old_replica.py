"""A replica as the previous release left it: the first schema revision, rows and an outbox
with changes waiting to be sent, written with plain SQL so today's models play no part."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.script import ScriptDirectory

from fieldcrm.storage.migrate import alembic_config, upgrade_replica
from fieldcrm.storage.replica import REPLICA_FILE, make_engine

ROWS = {
    "account": [
        {"id": "acc-kept-1", "version": 3, "name": "Kept Maschinenbau GmbH", "type": "customer", "erp_blocked": 0},
        {"id": "acc-new-2", "version": 0, "name": "Offline Prospect Ltd", "type": "prospect", "erp_blocked": 0},
    ],
    "contact": [
        {"id": "con-kept-1", "version": 3, "account_id": "acc-kept-1", "last_name": "Keller", "is_primary": 1},
    ],
}

OUTBOX = [
    # an edit of a synced account, never sent
    {"mutation_id": "m-0001", "entity": "account", "row_id": "acc-kept-1", "op": "update",
     "changes": '{"name":"Kept Maschinenbau GmbH"}', "base": '{"name":"Kept GmbH"}', "base_version": 3,
     "created_at": "2026-01-05 08:15:00.000000", "state": "pending", "sent_count": 0},
    # an account made offline, never sent
    {"mutation_id": "m-0002", "entity": "account", "row_id": "acc-new-2", "op": "create",
     "changes": '{"name":"Offline Prospect Ltd","type":"prospect"}', "base": "{}", "base_version": 0,
     "created_at": "2026-01-05 08:20:00.000000", "state": "pending", "sent_count": 0},
    # sent once, no answer yet: must be retried identically
    {"mutation_id": "m-0003", "entity": "contact", "row_id": "con-kept-1", "op": "update",
     "changes": '{"phone":"+49 89 1234"}', "base": '{"phone":null}', "base_version": 3,
     "created_at": "2026-01-05 08:25:00.000000", "state": "pending", "sent_count": 1},
    # refused by the server, kept for the user to settle
    {"mutation_id": "m-0004", "entity": "account", "row_id": "acc-kept-1", "op": "update",
     "changes": '{"credit_limit":"90000"}', "base": '{"credit_limit":"50000"}', "base_version": 3,
     "created_at": "2026-01-05 08:30:00.000000", "state": "parked", "sent_count": 1,
     "result": "rejected", "message": "credit_limit is owned by the ERP"},
]

PENDING = sum(1 for entry in OUTBOX if entry["state"] == "pending")


def first_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config(None))
    return list(script.walk_revisions())[-1].revision


def make_old_replica(profile: Path) -> Path:
    """Write the previous release's replica into ``profile``; return its path."""
    path = Path(profile) / REPLICA_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    upgrade_replica(engine, first_revision())
    engine.dispose()
    db = sqlite3.connect(path)
    with db:
        for table, rows in {**ROWS, "outbox": OUTBOX}.items():
            for row in rows:
                columns = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))
        db.execute("INSERT INTO sync_state (key, value) VALUES ('last_sync_at', '2026-01-05T07:00:00Z')")
    db.close()
    return path


def read_table(path: Path, table: str, order_by: str) -> list[dict[str, object]]:
    """Every row of ``table`` as a dict, read with plain SQL."""
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in db.execute(f"SELECT * FROM {table} ORDER BY {order_by}")]
    finally:
        db.close()


def outbox_snapshot(path: Path) -> list[dict[str, object]]:
    return read_table(path, "outbox", "seq")
