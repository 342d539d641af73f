"""Pulled pages written into a replica: order, merge, removal, resumable cursors.

These tests feed the engine server-shaped pull answers directly (the page
writer and the pull loop need no network); the same paths run against a real
server process in tests/sync/test_rounds.py.
"""

from __future__ import annotations

import gc
import sqlite3
import uuid

import pytest

from fieldcrm.services.records import RecordService
from fieldcrm.sync.engine import SyncEngine
from fieldcrm.sync.transport import ServerUnreachable


class ScriptedServer:
    """Answers pull requests from a list of pages, keyed by the cursors asked for."""

    def __init__(self, pages_by_cursor, fail_at=None):
        self.pages = pages_by_cursor
        self.fail_at = fail_at
        self.asked = []

    def pull(self, body):
        key = tuple(sorted(body["cursors"].items()))
        self.asked.append(key)
        if self.fail_at is not None and key == self.fail_at:
            raise ServerUnreachable("the server at test cannot be reached (ConnectionError)")
        return self.pages[key]


def engine_for(replica, server) -> SyncEngine:
    return SyncEngine(replica.path, server, replica.client_id())


def fk_problems(replica) -> list:
    conn = sqlite3.connect(replica.path)
    try:
        return conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()


def test_child_arriving_before_its_parent_is_kept(replica, page, server_row):
    account = server_row("account", 5, name="Northwind")
    contact = server_row("contact", 4, account_id=account["id"], last_name="Lopez")
    server = ScriptedServer({
        (): page(("territory:t1", 1, {"contact": [contact]}, {}), has_more=True),
        (("territory:t1", 1),): page(("territory:t1", 2, {"account": [account]}, {})),
    })
    engine = engine_for(replica, server)
    pulled, removed, _ = engine.pull()
    engine.close()
    records = RecordService(replica)
    assert pulled == 2 and removed == 0
    assert records.get("contact", contact["id"])["account_id"] == account["id"]
    assert fk_problems(replica) == []
    assert [h.id for h in records.search("Lopez")] == [contact["id"]]


def test_removed_account_takes_every_child_along(replica, page, server_row):
    account = server_row("account", 5, name="Contoso")
    contact = server_row("contact", 6, account_id=account["id"], last_name="Schmidt")
    opp = server_row("opportunity", 7, account_id=account["id"], owner_id="u1")
    line = server_row("opportunity_line", 8, opportunity_id=opp["id"], product_id="p1",
                      quantity="1", unit_price="10.00")
    other = server_row("account", 9, name="Stays")
    server = ScriptedServer({
        (): page(("territory:t1", 4, {"account": [account, other], "contact": [contact],
                                      "opportunity": [opp], "opportunity_line": [line]}, {}), has_more=True),
        (("territory:t1", 4),): page(("territory:t1", 5, {}, {"account": [account["id"]]})),
    })
    engine = engine_for(replica, server)
    engine.pull()
    engine.close()
    records = RecordService(replica)
    assert [r["name"] for r in records.list("account")] == ["Stays"]
    for entity in ("contact", "opportunity", "opportunity_line"):
        assert records.count(entity) == 0, entity
    assert records.search("Schmidt") == []
    assert records.search("Contoso") == []


def test_pending_local_values_stay_on_top_of_pulled_rows(replica, page, server_row):
    account = server_row("account", 3, name="Old name", phone="111")
    first = ScriptedServer({(): page(("territory:t1", 1, {"account": [account]}, {}))})
    engine = engine_for(replica, first)
    engine.pull()
    records = RecordService(replica)
    records.update("account", account["id"], {"phone": "222"})
    newer = {**account, "version": 9, "name": "New name", "phone": "999"}
    engine.transport = ScriptedServer({(("territory:t1", 1),): page(("territory:t1", 2, {"account": [newer]}, {}))})
    engine.pull()
    engine.close()
    row = records.get("account", account["id"])
    assert (row["name"], row["phone"], row["version"]) == ("New name", "222", 9)
    assert replica_outbox(replica) == [("account", account["id"], "update", "pending")]


def test_pending_local_delete_is_not_undone_by_a_pull(replica, page, server_row):
    account = server_row("account", 3, name="Gone soon")
    engine = engine_for(replica, ScriptedServer({(): page(("territory:t1", 1, {"account": [account]}, {}))}))
    engine.pull()
    RecordService(replica).delete("account", account["id"])
    again = {**account, "version": 4, "name": "Changed on server"}
    engine.transport = ScriptedServer({(("territory:t1", 1),): page(("territory:t1", 2, {"account": [again]}, {}))})
    engine.pull()
    engine.close()
    assert RecordService(replica).count("account") == 0
    assert replica_outbox(replica) == [("account", account["id"], "delete", "pending")]


def test_an_older_version_never_replaces_a_newer_one(replica, page, server_row):
    account = server_row("account", 8, name="Newest")
    older = {**account, "version": 5, "name": "Older"}
    engine = engine_for(replica, ScriptedServer({
        (): page(("territory:t1", 3, {"account": [account]}, {}), ("user:u1", 1, {"account": [older]}, {})),
    }))
    engine.pull()
    engine.close()
    assert RecordService(replica).get("account", account["id"])["name"] == "Newest"


def test_interrupted_pull_resumes_at_the_last_page(replica, page, server_row):
    rows = [server_row("account", v, name=f"A{v}") for v in range(1, 7)]
    pages = {
        (): page(("territory:t1", 2, {"account": rows[0:2]}, {}), has_more=True),
        (("territory:t1", 2),): page(("territory:t1", 4, {"account": rows[2:4]}, {}), has_more=True),
        (("territory:t1", 4),): page(("territory:t1", 6, {"account": rows[4:6]}, {})),
    }
    engine = engine_for(replica, ScriptedServer(pages, fail_at=(("territory:t1", 4),)))
    with pytest.raises(ServerUnreachable):
        engine.pull()
    engine.close()
    assert RecordService(replica).count("account") == 4
    resumed = ScriptedServer(pages)
    engine = engine_for(replica, resumed)
    engine.pull()
    engine.close()
    assert resumed.asked[0] == (("territory:t1", 4),)  # not from zero
    assert RecordService(replica).count("account") == 6


def test_first_sync_builds_indexes_and_search_after_the_load_even_when_interrupted(replica, page, server_row):
    rows = [server_row("account", v, name=f"Company {v}", city="Lyon") for v in range(1, 5)]
    pages = {
        (): page(("territory:t1", 2, {"account": rows[:2]}, {}), has_more=True),
        (("territory:t1", 2),): page(("territory:t1", 4, {"account": rows[2:]}, {})),
    }
    before = index_names(replica)
    engine = engine_for(replica, ScriptedServer(pages, fail_at=(("territory:t1", 2),)))
    with pytest.raises(ServerUnreachable):
        engine.pull()
    engine.close()
    assert "ix_account_territory_id" not in index_names(replica)  # dropped for the load
    engine = engine_for(replica, ScriptedServer(pages))
    engine.pull()
    engine.close()
    assert index_names(replica) == before
    assert len(RecordService(replica).search("Lyon")) == 4
    # and search keeps up with later edits (triggers are back)
    RecordService(replica).update("account", rows[0]["id"], {"city": "Grenoble"})
    assert [h.id for h in RecordService(replica).search("Grenoble")] == [rows[0]["id"]]


class CollectorWatch(ScriptedServer):
    """Notes whether Python's cycle collector was on when each page was asked for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.collector_on = []

    def pull(self, body):
        self.collector_on.append(gc.isenabled())
        return super().pull(body)


def test_first_sync_pauses_the_cycle_collector_and_always_restores_it(replica, page, server_row):
    """A first sync's pages are acyclic garbage: the collector is off while they
    stream in, and back on afterwards, even when the sync breaks off; a later
    (delta) pull leaves it alone, since an app process relies on it."""
    assert gc.isenabled()
    rows = [server_row("account", v, name=f"Company {v}") for v in range(1, 5)]
    pages = {
        (): page(("territory:t1", 2, {"account": rows[:2]}, {}), has_more=True),
        (("territory:t1", 2),): page(("territory:t1", 4, {"account": rows[2:]}, {})),
    }
    broken = CollectorWatch(pages, fail_at=(("territory:t1", 2),))
    engine = engine_for(replica, broken)
    with pytest.raises(ServerUnreachable):
        engine.pull()
    engine.close()
    assert broken.collector_on == [False, False]
    assert gc.isenabled()
    resumed = CollectorWatch(pages)
    engine = engine_for(replica, resumed)
    engine.pull()  # still the first sync: the load is unfinished
    assert resumed.collector_on == [False] and gc.isenabled()
    later = CollectorWatch({(("territory:t1", 4),): page(("territory:t1", 5, {"account": [
        {**rows[0], "version": 9, "name": "Renamed"}]}, {}))})
    engine.transport = later
    engine.pull()
    engine.close()
    assert later.collector_on == [True] and gc.isenabled()
    assert RecordService(replica).get("account", rows[0]["id"])["name"] == "Renamed"


def test_search_index_built_beside_the_first_sync_matches_the_rows(replica, page, server_row):
    accounts = [server_row("account", v, name=f"Müller {v}", city="Köln") for v in range(1, 4)]
    contacts = [server_row("contact", 10 + v, account_id=a["id"], first_name="Lena", last_name=f"Schulz{v}")
                for v, a in enumerate(accounts)]
    engine = engine_for(replica, ScriptedServer({
        (): page(("territory:t1", 20, {"account": accounts, "contact": contacts}, {})),
    }))
    engine.pull()
    engine.close()
    records = RecordService(replica)
    assert len(records.search("muller koln")) == 3
    assert sorted(h.id for h in records.search("lena schulz")) == sorted(c["id"] for c in contacts)
    conn = sqlite3.connect(replica.path)
    try:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'").fetchall():
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")  # raises if it disagrees
    finally:
        conn.close()
    assert sorted(p.name for p in replica.path.parent.iterdir() if "search" in p.name) == []
    records.delete("contact", contacts[0]["id"])
    assert sorted(h.id for h in records.search("schulz")) == sorted(c["id"] for c in contacts[1:])


def test_first_sync_keeps_the_settings_of_the_search_indexes(replica, page, server_row):
    conn = sqlite3.connect(replica.path, isolation_level=None)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
        for table in tables:
            conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', 7)")
    finally:
        conn.close()
    accounts = [server_row("account", v, name=f"Garage {v}", city="Nantes") for v in range(1, 4)]
    engine = engine_for(replica, ScriptedServer({(): page(("territory:t1", 3, {"account": accounts}, {}))}))
    engine.pull()
    engine.close()
    conn = sqlite3.connect(replica.path)
    try:
        assert {t: conn.execute(f"SELECT v FROM {t}_config WHERE k = 'automerge'").fetchone()[0]
                for t in tables} == {t: 7 for t in tables}
    finally:
        conn.close()
    assert len(RecordService(replica).search("garage nantes")) == 3


def test_a_bucket_that_left_the_subscriptions_is_forgotten_and_its_rows_dropped(replica, page, server_row):
    account = server_row("account", 2)
    engine = engine_for(replica, ScriptedServer({
        (): page(("territory:t1", 1, {"account": [account]}, {}), ("global", 1, {}, {})),
        (("global", 1), ("territory:t1", 1)): page(("global", 1, {}, {}), subscriptions=["global"],
                                                   dropped={"account": [account["id"]]}),
    }))
    engine.pull()
    engine.pull()
    engine.close()
    assert RecordService(replica).count("account") == 0
    assert engine_cursors(replica) == {"global": 1}


def test_records_made_on_the_laptop_get_ids_in_the_order_they_were_made(replica, page, server_row):
    # A row from before time-ordered ids (a random uuid4) stays as it is.
    older = server_row("account", 2, name="From the server")
    engine = engine_for(replica, ScriptedServer({(): page(("territory:t1", 1, {"account": [older]}, {}))}))
    engine.pull()
    engine.close()
    records = RecordService(replica)
    made = [records.create("account", {"name": f"Account {n}"})["id"] for n in range(5)]
    made.append(records.create("contact", {"account_id": made[0], "last_name": "Ng"})["id"])
    assert made == sorted(made) and len(set(made)) == len(made)
    assert all(uuid.UUID(row_id).version == 7 for row_id in made)
    assert records.get("account", older["id"])["name"] == "From the server"
    assert [op for _, row_id, op, _ in replica_outbox(replica) if row_id in made] == ["create"] * 6


def replica_outbox(replica):
    conn = sqlite3.connect(replica.path)
    try:
        return conn.execute("SELECT entity, row_id, op, state FROM outbox ORDER BY seq").fetchall()
    finally:
        conn.close()


def engine_cursors(replica):
    conn = sqlite3.connect(replica.path)
    try:
        return dict(conn.execute("SELECT bucket, cursor FROM bucket_cursor").fetchall())
    finally:
        conn.close()


def index_names(replica):
    conn = sqlite3.connect(replica.path)
    try:
        return sorted(r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"))
    finally:
        conn.close()
