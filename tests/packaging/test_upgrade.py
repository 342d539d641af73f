"""Installing a new version over an old one: the replica migrates itself at start and the
changes a rep made offline before the upgrade are all still there, unchanged, and are
the ones the next sync sends."""

from __future__ import annotations

from fieldcrm.services.status import replica_status
from fieldcrm.storage.migrate import current_revision, head_revision
from fieldcrm.storage.replica import Replica
from fieldcrm.sync.apply import ReplicaWriter
from fieldcrm.sync.outbox import next_batch
from tests.packaging.old_replica import OUTBOX, PENDING, ROWS, make_old_replica, outbox_snapshot, read_table


def test_upgrade_keeps_every_outbox_entry_identical(tmp_path):
    path = make_old_replica(tmp_path)
    before = outbox_snapshot(path)
    assert [entry["mutation_id"] for entry in before] == [e["mutation_id"] for e in OUTBOX]

    replica = Replica.open(tmp_path)
    assert current_revision(replica.engine) == head_revision()
    replica.close()

    after = outbox_snapshot(path)
    old_columns = before[0].keys()
    assert [{k: row[k] for k in old_columns} for row in after] == before


def test_upgrade_keeps_synced_and_offline_rows(tmp_path):
    path = make_old_replica(tmp_path)
    before = {table: read_table(path, table, "id") for table in ROWS}

    Replica.open(tmp_path).close()

    for table, rows in before.items():
        old_columns = rows[0].keys()
        assert [{k: row[k] for k in old_columns} for row in read_table(path, table, "id")] == rows
    from fieldcrm.services.records import RecordService

    replica = Replica.open(tmp_path)
    records = RecordService(replica)
    assert records.get("account", "acc-new-2")["name"] == "Offline Prospect Ltd"
    assert records.get("contact", "con-kept-1")["last_name"] == "Keller"
    assert [hit.id for hit in records.search("maschinenbau", entities={"account"})] == ["acc-kept-1"]
    replica.close()


def test_after_upgrade_the_rep_sees_the_same_waiting_changes(tmp_path):
    make_old_replica(tmp_path)
    replica = Replica.open(tmp_path)
    status = replica_status(replica)
    replica.close()
    assert status["pending"] == PENDING
    assert status["parked"] == 1
    assert status["last_sync"] == "2026-01-05T07:00:00Z"


def test_first_sync_after_upgrade_sends_the_old_changes_unchanged(tmp_path):
    path = make_old_replica(tmp_path)
    Replica.open(tmp_path).close()

    writer = ReplicaWriter(path)
    try:
        batch = next_batch(writer, after_seq=0)
    finally:
        writer.close()
    pending = [e for e in OUTBOX if e["state"] == "pending"]
    assert [m["mutation_id"] for m in batch] == [e["mutation_id"] for e in pending]
    assert [(m["entity"], m["row_id"], m["op"], m["base_version"]) for m in batch] == [
        (e["entity"], e["row_id"], e["op"], e["base_version"]) for e in pending]
    assert batch[0]["changes"] == {"name": "Kept Maschinenbau GmbH"}
    assert batch[0]["base"] == {"name": "Kept GmbH"}


def test_opening_an_upgraded_replica_again_changes_nothing(tmp_path):
    path = make_old_replica(tmp_path)
    Replica.open(tmp_path).close()
    once = outbox_snapshot(path), read_table(path, "account", "id")
    Replica.open(tmp_path).close()
    assert (outbox_snapshot(path), read_table(path, "account", "id")) == once
