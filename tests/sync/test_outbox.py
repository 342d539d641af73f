"""The outbox side of a round: batches marked sent first, the server's answers acted on.

The server's answers here are written out by hand in the protocol's shape (the
answer handling needs no network); tests/sync/test_rounds.py runs the same
code against a real server process.
"""

from __future__ import annotations

import sqlite3

import orjson

from fieldcrm.services.conflicts import ConflictService
from fieldcrm.services.records import RecordService
from fieldcrm.sync.apply import ReplicaWriter
from fieldcrm.sync.outbox import apply_results, next_batch


def outbox(replica):
    conn = sqlite3.connect(replica.path)
    try:
        return conn.execute(
            "SELECT entity, row_id, op, state, sent_count, result, message, changes FROM outbox ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()


def synced_account(replica, writer, server_row, **values):
    row = server_row("account", 5, **values)
    with writer.transaction():
        writer.upsert_dict("account", row)
    return row


def result(sent, status, **extra):
    return {"mutation_id": sent["mutation_id"], "seq": sent["seq"], "status": status, **extra}


def test_entries_are_marked_sent_before_the_request_and_then_frozen(replica):
    records = RecordService(replica)
    acc = records.create("account", {"name": "Fabrikam"})
    writer = ReplicaWriter(replica.path)
    batch = next_batch(writer, 0)
    assert [m["op"] for m in batch] == ["create"]
    assert outbox(replica)[0][4] == 1  # committed before anything is sent
    # An edit made while the batch is out does not touch the sent entry.
    records.update("account", acc["id"], {"city": "Oslo"})
    rows = outbox(replica)
    assert [(r[2], r[4]) for r in rows] == [("create", 1), ("update", 0)]
    assert "city" not in orjson.loads(rows[0][7]) or orjson.loads(rows[0][7])["city"] is None
    # A resend after a crash is identical.
    again = next_batch(writer, 0)
    assert again[0]["mutation_id"] == batch[0]["mutation_id"] and again[0]["changes"] == batch[0]["changes"]
    writer.close()


def test_batches_follow_seq_order_in_bounded_sizes(replica):
    records = RecordService(replica)
    for n in range(7):
        records.create("account", {"name": f"A{n}"})
    writer = ReplicaWriter(replica.path)
    first = next_batch(writer, 0, limit=3)
    second = next_batch(writer, first[-1]["seq"], limit=3)
    third = next_batch(writer, second[-1]["seq"], limit=3)
    seqs = [m["seq"] for m in first + second + third]
    assert seqs == sorted(seqs) and len(seqs) == 7 and len(third) == 1
    writer.close()


def test_applied_entries_leave_and_the_row_gets_its_version(replica):
    records = RecordService(replica)
    acc = records.create("account", {"name": "Tailspin"})
    writer = ReplicaWriter(replica.path)
    batch = next_batch(writer, 0)
    tally = apply_results(writer, batch, {"results": [result(batch[0], "applied", version=42)]})
    writer.close()
    assert (tally.pushed, tally.applied) == (1, 1)
    assert outbox(replica) == []
    assert records.get("account", acc["id"])["version"] == 42


def test_merged_row_is_written_with_newer_local_edits_on_top(replica, server_row):
    writer = ReplicaWriter(replica.path)
    acc = synced_account(replica, writer, server_row, name="Litware", phone="1")
    records = RecordService(replica)
    records.update("account", acc["id"], {"phone": "2"})
    batch = next_batch(writer, 0)
    records.update("account", acc["id"], {"city": "Porto"})  # after the batch went out
    merged_row = {**acc, "version": 9, "phone": "2", "industry": "Retail"}
    apply_results(writer, batch, {"results": [result(batch[0], "merged", version=9, row=merged_row)]})
    writer.close()
    row = records.get("account", acc["id"])
    assert (row["version"], row["phone"], row["industry"], row["city"]) == (9, "2", "Retail", "Porto")
    assert [(r[2], r[3]) for r in outbox(replica)] == [("update", "pending")]


def test_conflict_is_parked_with_a_record_and_the_row_shows_the_server_value(replica, server_row):
    writer = ReplicaWriter(replica.path)
    acc = synced_account(replica, writer, server_row, name="Adatum", phone="1")
    records = RecordService(replica)
    records.update("account", acc["id"], {"phone": "mine"})
    other = records.create("account", {"name": "Unrelated"})
    batch = next_batch(writer, 0)
    answer = {"results": [
        result(batch[0], "conflict", version=7, conflict_id="c-1", conflict_kind="field",
               row={**acc, "version": 7, "phone": "theirs"},
               fields={"phone": {"base": "1", "mine": "mine", "theirs": "theirs"}}),
        result(batch[1], "applied", version=8),
    ]}
    tally = apply_results(writer, batch, answer)
    writer.close()
    assert (tally.conflicts, tally.applied) == (1, 1)
    assert records.get("account", acc["id"])["phone"] == "theirs"
    assert records.get("account", other["id"])["version"] == 8  # nothing blocked behind it
    [parked] = ConflictService(replica).list_open()
    assert (parked.id, parked.kind, parked.fields["phone"]["mine"]) == ("c-1", "conflict", "mine")
    assert "phone" in parked.message


def test_keep_mine_goes_through_the_outbox_over_the_server_value(replica, server_row):
    writer = ReplicaWriter(replica.path)
    acc = synced_account(replica, writer, server_row, name="Adatum", phone="1")
    records = RecordService(replica)
    records.update("account", acc["id"], {"phone": "mine"})
    batch = next_batch(writer, 0)
    apply_results(writer, batch, {"results": [result(
        batch[0], "conflict", version=7, conflict_id="c-2", row={**acc, "version": 7, "phone": "theirs"},
        fields={"phone": {"base": "1", "mine": "mine", "theirs": "theirs"}})]})
    ConflictService(replica).resolve("c-2", "mine")
    assert records.get("account", acc["id"])["phone"] == "mine"
    [entry] = outbox(replica)
    assert entry[2:5] == ("update", "pending", 0)
    assert orjson.loads(entry[7]) == {"phone": "mine"}
    resend = next_batch(writer, 0)
    writer.close()
    assert resend[0]["base"] == {"phone": "theirs"} and resend[0]["base_version"] == 7
    assert ConflictService(replica).list_open() == []


def test_take_theirs_drops_my_change(replica, server_row):
    writer = ReplicaWriter(replica.path)
    acc = synced_account(replica, writer, server_row, phone="1")
    records = RecordService(replica)
    records.update("account", acc["id"], {"phone": "mine"})
    batch = next_batch(writer, 0)
    apply_results(writer, batch, {"results": [result(
        batch[0], "conflict", version=7, conflict_id="c-3", row={**acc, "version": 7, "phone": "theirs"},
        fields={"phone": {"base": "1", "mine": "mine", "theirs": "theirs"}})]})
    writer.close()
    ConflictService(replica).resolve("c-3", "theirs")
    assert outbox(replica) == []
    assert records.get("account", acc["id"])["phone"] == "theirs"


def test_rejected_update_is_parked_and_the_row_goes_back_to_the_server_value(replica, server_row):
    writer = ReplicaWriter(replica.path)
    acc = synced_account(replica, writer, server_row, name="Proseware")
    records = RecordService(replica)
    records.update("account", acc["id"], {"name": "Not allowed"})
    batch = next_batch(writer, 0)
    apply_results(writer, batch, {"results": [result(batch[0], "rejected", message="name: not yours to change")]})
    writer.close()
    assert records.get("account", acc["id"])["name"] == "Proseware"
    [parked] = ConflictService(replica).list_open()
    assert (parked.kind, parked.message, parked.fields["name"]["mine"]) == ("rejected", "name: not yours to change", "Not allowed")
    # fix and retry: a new entry with the fixed value, the parked one gone
    ConflictService(replica).retry(parked.id, {"name": "Proseware Ltd"})
    assert records.get("account", acc["id"])["name"] == "Proseware Ltd"
    assert [(r[2], r[3], orjson.loads(r[7])) for r in outbox(replica)] == [
        ("update", "pending", {"name": "Proseware Ltd"})]


def test_rejected_new_record_can_be_fixed_and_sent_again_or_discarded(replica):
    records = RecordService(replica)
    acc = records.create("account", {"name": "Blocked Inc"})
    second = records.create("account", {"name": "Blocked Too"})
    writer = ReplicaWriter(replica.path)
    batch = next_batch(writer, 0)
    apply_results(writer, batch, {"results": [result(m, "rejected", message="territory_id: required")
                                              for m in batch]})
    writer.close()
    service = ConflictService(replica)
    first, other = service.list_open()
    service.retry(first.id, {"territory_id": "t-9"})
    [(op, state, sent, changes)] = [(r[2], r[3], r[4], orjson.loads(r[7])) for r in outbox(replica)
                                    if r[3] == "pending"]
    assert (op, state, sent) == ("create", "pending", 0)
    assert changes["name"] == "Blocked Inc" and changes["territory_id"] == "t-9"
    service.discard(other.id)
    assert [r["id"] for r in records.list("account")] == [acc["id"]]
    assert records.count("account") == 1 and second["id"] not in [r[1] for r in outbox(replica)]


def test_keep_mine_brings_back_a_row_the_server_removed_while_its_field_conflict_waited(replica, server_row):
    writer = ReplicaWriter(replica.path)
    acc = synced_account(replica, writer, server_row, name="Litware", city="Oslo", phone="1")
    records = RecordService(replica)
    records.update("account", acc["id"], {"phone": "mine"})
    batch = next_batch(writer, 0)
    apply_results(writer, batch, {"results": [result(
        batch[0], "conflict", version=7, conflict_id="c-5", row={**acc, "version": 7, "phone": "theirs"},
        fields={"phone": {"base": "1", "mine": "mine", "theirs": "theirs"}})]})
    # A later pull takes the row away (deleted on the server, or out of this laptop's scope).
    with writer.transaction():
        writer.remove_rows("account", [acc["id"]])
    [parked] = ConflictService(replica).list_open()
    assert parked.conflict_kind == "deleted" and "removed on the server" in parked.message
    assert parked.fields["phone"]["mine"] == "mine" and parked.fields["name"]["mine"] == "Litware"
    ConflictService(replica).resolve("c-5", "mine")
    restored = records.get("account", acc["id"])
    assert (restored["name"], restored["city"], restored["phone"]) == ("Litware", "Oslo", "mine")
    resend = next_batch(writer, 0)
    writer.close()
    assert [m["op"] for m in resend] == ["create"] and resend[0]["changes"]["name"] == "Litware"
    assert ConflictService(replica).list_open() == []


def test_retry_brings_back_a_row_the_server_removed_while_its_rejected_change_waited(replica, server_row):
    writer = ReplicaWriter(replica.path)
    acc = synced_account(replica, writer, server_row, name="Northwind", city="Bergen")
    records = RecordService(replica)
    records.update("account", acc["id"], {"city": "Tromsø"})
    batch = next_batch(writer, 0)
    apply_results(writer, batch, {"results": [result(
        batch[0], "rejected", message="city: not in your territory", row={**acc, "version": 6})]})
    with writer.transaction():
        writer.remove_rows("account", [acc["id"]])
    [parked] = ConflictService(replica).list_open()
    assert parked.kind == "rejected" and parked.fields["city"] == {"base": "Bergen", "mine": "Tromsø",
                                                                   "theirs": "Bergen"}
    ConflictService(replica).retry(parked.id, {"city": "Narvik"})
    restored = records.get("account", acc["id"])
    assert (restored["name"], restored["city"]) == ("Northwind", "Narvik")
    writer.close()
    assert ConflictService(replica).list_open() == []
