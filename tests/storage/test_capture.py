"""Every local edit and its outbox entry commit together, in order, squashed
only while never sent."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select

from fieldcrm.storage.capture import ReadOnlyError
from fieldcrm.storage.local import OutboxEntry
from fieldcrm.storage.reference import Product
from fieldcrm.storage.validation import ValidationError


def outbox(replica):
    with replica.read() as s:
        return [
            {"seq": e.seq, "entity": e.entity, "row_id": e.row_id, "op": e.op,
             "changes": json.loads(e.changes), "base": json.loads(e.base),
             "base_version": e.base_version, "mutation_id": e.mutation_id}
            for e in s.execute(select(OutboxEntry).order_by(OutboxEntry.seq)).scalars()
        ]


def mark_sent(replica, *, version=None):
    """What the sync engine does before a push: the entries become frozen."""
    with replica.sync_write() as s:
        for e in s.execute(select(OutboxEntry)).scalars():
            e.sent_count += 1


def synced_account(replica, **values):
    """An account as it arrives from the server (version > 0, no outbox entry)."""
    from fieldcrm.storage.sales import Account

    with replica.sync_write() as s:
        s.add(Account(id="acc-1", version=7, name="Acme", city="Lyon", **values))
    return "acc-1"


def test_create_records_all_stored_values(records, replica):
    row = records.create("account", {"name": "Acme", "city": "Berlin"})
    [entry] = outbox(replica)
    assert entry["op"] == "create" and entry["row_id"] == row["id"]
    assert entry["changes"]["name"] == "Acme" and entry["changes"]["type"] == "prospect"
    assert "credit_limit" not in entry["changes"]  # ERP-owned, never sent from a laptop
    assert entry["base"] == {} and entry["base_version"] == 0


def test_edits_before_sending_squash_into_one_entry(records, replica):
    row = records.create("account", {"name": "Acme"})
    records.update("account", row["id"], {"phone": "1"})
    records.update("account", row["id"], {"phone": "2", "city": "Graz"})
    [entry] = outbox(replica)
    assert entry["op"] == "create"
    assert entry["changes"]["phone"] == "2" and entry["changes"]["city"] == "Graz"


def test_update_of_synced_row_carries_base_and_version(records, replica):
    row_id = synced_account(replica)
    records.update("account", row_id, {"city": "Paris"})
    records.update("account", row_id, {"city": "Nice", "name": "Acme SA"})
    [entry] = outbox(replica)
    assert entry["op"] == "update" and entry["base_version"] == 7
    assert entry["changes"] == {"city": "Nice", "name": "Acme SA"}
    # The base is what the server had: the oldest unsent value, not the last local one.
    assert entry["base"] == {"city": "Lyon", "name": "Acme"}


def test_a_sent_entry_is_frozen_and_the_next_edit_gets_its_own(records, replica):
    row_id = synced_account(replica)
    records.update("account", row_id, {"city": "Paris"})
    first = outbox(replica)[0]
    mark_sent(replica)
    records.update("account", row_id, {"city": "Nice"})
    entries = outbox(replica)
    assert entries[0] == first  # untouched: a retry sends exactly the same mutation
    assert entries[1]["changes"] == {"city": "Nice"}
    assert entries[1]["base"] == {"city": "Paris"}  # what the server has once the first applies
    assert entries[1]["seq"] > entries[0]["seq"]


def test_deleting_an_unsent_row_leaves_nothing_to_send(records, replica):
    account = records.create("account", {"name": "Temp"})
    records.create("contact", {"account_id": account["id"], "last_name": "Short"})
    records.delete("account", account["id"])
    assert outbox(replica) == []
    assert records.list("contact") == []


def test_deleting_a_synced_row_records_its_base(records, replica):
    row_id = synced_account(replica)
    records.update("account", row_id, {"city": "Paris"})
    records.delete("account", row_id)
    [entry] = outbox(replica)
    assert entry["op"] == "delete" and entry["base_version"] == 7
    assert entry["base"]["city"] == "Lyon" and entry["base"]["name"] == "Acme"


def test_reference_and_erp_owned_data_is_read_only(records, replica):
    with replica.sync_write() as s:
        s.add(Product(id="p1", version=1, name="Pump", list_price=10))
    with pytest.raises(ValidationError) as err:
        records.update("product", "p1", {"name": "Cheap pump"})
    assert err.value.errors == {"name": "comes from the server and is read-only here"}
    row_id = synced_account(replica)
    with pytest.raises(ValidationError) as err:
        records.update("account", row_id, {"credit_limit": "1000000"})
    assert err.value.errors == {"credit_limit": "comes from the ERP and is read-only here"}
    # The capture layer refuses even when a caller bypasses the services.
    with pytest.raises(ReadOnlyError):
        with replica.edit() as s:
            s.get(Product, "p1").name = "Hacked"
    assert records.get("product", "p1")["name"] == "Pump"
    assert outbox(replica) == []


CRASH_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from sqlalchemy import event
    from fieldcrm.storage.replica import Replica
    from fieldcrm.services.records import RecordService

    replica = Replica.open(sys.argv[1])
    crash_at = int(sys.argv[2])  # the n-th write statement of the edit
    seen = []
    @event.listens_for(replica.engine, "before_cursor_execute")
    def crash(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "COMMIT")):
            seen.append(statement)
            if len(seen) == crash_at:
                os.kill(os.getpid(), signal.SIGKILL)
    @event.listens_for(replica.engine, "commit")
    def crash_at_commit(conn):
        seen.append("COMMIT")
        if len(seen) == crash_at:
            os.kill(os.getpid(), signal.SIGKILL)
    RecordService(replica).create("account", {"name": "Half written"})
""")


@pytest.mark.parametrize("crash_at", [2, 3], ids=["after-first-insert", "at-commit"])
def test_a_crash_between_row_and_outbox_write_leaves_neither(replica, records, tmp_path, crash_at):
    """The edit writes two rows (account and outbox entry) then commits: a
    crash after the first write or at the commit leaves neither."""
    replica.close()
    proc = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, str(tmp_path), str(crash_at)],
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert records.list("account") == []
    assert outbox(replica) == []


def test_the_crash_harness_sees_a_completed_edit(replica, records, tmp_path):
    """Control for the crash test: the same edit, not interrupted, leaves both."""
    replica.close()
    proc = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, str(tmp_path), "99"], capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()
    assert [a["name"] for a in records.list("account")] == ["Half written"]
    assert [e["op"] for e in outbox(replica)] == ["create"]
