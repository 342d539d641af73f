"""Full sync rounds between laptops and a real server process (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlite3

from fieldcrm.services.conflicts import ConflictService
from tests.support.server import admin
from tests.sync.laptops import assert_replica_matches_server


def server_conflicts(db_url: str, row_id: str) -> list[tuple]:
    from sqlalchemy import create_engine, text

    from fieldcrm.server.settings import normalise_db_url

    engine = create_engine(normalise_db_url(db_url))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT kind, fields FROM conflict WHERE row_id = :r"), {"r": row_id}).all()
    finally:
        engine.dispose()


def test_two_laptops_edit_offline_and_converge_with_the_clash_on_record(server, org, laptops):
    rep = laptops("rep_north", org.passwords["rep_north"])
    boss = laptops("manager1", org.passwords["manager1"])
    rep.sync()
    boss.sync()
    north_a, north_b = org.accounts["north_a"], org.accounts["north_b"]

    # Offline on both: different fields of north_a, the same field of north_b.
    rep.records.update("account", north_a, {"phone": "+1 555 0100"})
    boss.records.update("account", north_a, {"city": "Shelbyville"})
    rep.records.update("account", north_b, {"notes": "rep's note"})
    boss.records.update("account", north_b, {"notes": "manager's note"})
    new_contact = rep.records.create("contact", {"account_id": north_a, "last_name": "Nguyen"})

    first = rep.sync()
    second = boss.sync()
    rep.sync()
    assert (first.applied, first.conflicts) == (3, 0)
    assert second.conflicts == 1 and second.merged == 1

    for laptop in (rep, boss):
        account = laptop.records.get("account", north_a)
        assert (account["phone"], account["city"]) == ("+1 555 0100", "Shelbyville")
        assert laptop.records.get("account", north_b)["notes"] == "rep's note"  # reached the server first
        assert laptop.records.get("contact", new_contact["id"])["last_name"] == "Nguyen"
        assert laptop.outbox() == [] or laptop is boss
    [parked] = ConflictService(boss.replica).list_open()
    assert parked.row_id == north_b and parked.fields["notes"]["mine"] == "manager's note"
    assert ConflictService(rep.replica).list_open() == []
    [(kind, _fields)] = server_conflicts(server.db_url, north_b)
    assert kind == "field"

    # The manager keeps theirs after all: one action, sent like any edit.
    ConflictService(boss.replica).resolve(parked.id, "mine")
    assert boss.sync().applied == 1
    rep.sync()
    assert rep.records.get("account", north_b)["notes"] == "manager's note"
    for laptop, user in ((rep, "rep_north"), (boss, "manager1")):
        assert laptop.outbox() == []
        assert_replica_matches_server(laptop, server.url, org.passwords[user])


def test_three_laptops_syncing_in_different_orders_converge(server, org, laptops):
    a = laptops("rep_north", org.passwords["rep_north"], "a")
    b = laptops("rep_north", org.passwords["rep_north"], "b")  # the same rep's second laptop
    c = laptops("manager1", org.passwords["manager1"], "c")
    for laptop in (a, b, c):
        laptop.sync()
    target = org.accounts["north_a"]
    a.records.update("account", target, {"phone": "A"})
    b.records.update("account", target, {"email": "b@example.com"})
    c.records.update("account", target, {"website": "https://c.example.com", "phone": "C"})
    c.sync()
    a.sync()
    b.sync()
    for laptop in (b, a, c, a):
        laptop.sync()
    expected = {"phone": "C", "email": "b@example.com", "website": "https://c.example.com"}
    for laptop in (a, b, c):
        row = laptop.records.get("account", target)
        assert {k: row[k] for k in expected} == expected
    assert len(ConflictService(a.replica).list_open()) == 1  # a's phone lost to c's, on record
    for laptop, user in ((a, "rep_north"), (b, "rep_north"), (c, "manager1")):
        assert_replica_matches_server(laptop, server.url, org.passwords[user])


def test_realigned_account_leaves_the_old_territorys_laptop_with_its_children(server, org, laptops):
    # manager1 sees north_b through the NORTH territory only; rep_north also owns it.
    boss = laptops("manager1", org.passwords["manager1"])
    west = laptops("rep_west", org.passwords["rep_west"])
    owner = laptops("rep_north", org.passwords["rep_north"])
    for laptop in (boss, west, owner):
        laptop.sync()
    moved, contact = org.accounts["north_b"], org.contacts["north_b"]
    assert boss.records.get("contact", contact)["account_id"] == moved
    assert moved not in {r["id"] for r in west.records.list("account")}

    admin(server.db_url, "account", "move", moved, "--territory", "WEST")
    summary = boss.sync()
    west.sync()
    owner.sync()
    assert summary.removed_rows >= 2
    assert moved not in {r["id"] for r in boss.records.list("account")}
    assert contact not in {r["id"] for r in boss.records.list("contact")}
    assert boss.records.search("Contact of north_b") == []
    assert west.records.get("account", moved)["territory_id"] == org.territories["WEST"]
    assert west.records.get("contact", contact)["account_id"] == moved
    assert owner.records.get("contact", contact)["account_id"] == moved  # still the owner's account
    for laptop, user in ((boss, "manager1"), (west, "rep_west"), (owner, "rep_north")):
        assert_replica_matches_server(laptop, server.url, org.passwords[user])


def test_keeping_mine_on_a_conflict_whose_row_was_deleted_meanwhile_brings_the_whole_row_back(
        server, org, laptops):
    rep = laptops("rep_north", org.passwords["rep_north"])
    boss = laptops("manager1", org.passwords["manager1"])
    rep.sync()
    boss.sync()
    contact = org.contacts["north_a"]
    rep.records.update("contact", contact, {"phone": "+1 555 0111"})
    boss.records.update("contact", contact, {"phone": "+1 555 0222"})
    boss.sync()
    assert rep.sync().conflicts == 1
    # The manager deletes the contact before the rep decides; the rep's next pull takes it away.
    boss.records.delete("contact", contact)
    boss.sync()
    rep.sync()
    assert contact not in {r["id"] for r in rep.records.list("contact")}
    [parked] = ConflictService(rep.replica).list_open()
    assert parked.conflict_kind == "deleted" and "removed on the server" in parked.message

    ConflictService(rep.replica).resolve(parked.id, "mine")
    assert rep.sync().applied == 1
    boss.sync()
    for laptop in (rep, boss):
        back = laptop.records.get("contact", contact)
        assert (back["phone"], back["account_id"]) == ("+1 555 0111", org.accounts["north_a"])
        assert back["last_name"]
    for laptop, user in ((rep, "rep_north"), (boss, "manager1")):
        assert laptop.outbox() == []
        assert ConflictService(laptop.replica).list_open() == [] or laptop is boss
        assert_replica_matches_server(laptop, server.url, org.passwords[user])


def test_a_laptop_behind_a_compacted_op_log_downloads_again_and_loses_nothing(server, org, laptops):
    rep = laptops("rep_north", org.passwords["rep_north"])
    boss = laptops("manager1", org.passwords["manager1"])
    rep.sync()
    boss.sync()
    gone = boss.records.create("contact", {"account_id": org.accounts["north_a"], "last_name": "Brief"})
    boss.sync()
    rep.sync()
    assert rep.records.get("contact", gone["id"])["last_name"] == "Brief"
    boss.records.delete("contact", gone["id"])
    boss.sync()
    # The server forgets that REMOVE before the rep's laptop has seen it.
    compacted = admin(server.db_url, "compact", "--older-than", "0").stdout
    assert int(compacted.split()[0]) >= 1, compacted
    rep.records.update("account", org.accounts["north_a"], {"phone": "+1 555 0333"})  # pending meanwhile

    summary = rep.sync()
    assert summary.applied == 1 and summary.removed_rows >= 1  # no REMOVE op left: the reset found it
    assert gone["id"] not in {r["id"] for r in rep.records.list("contact")}
    assert rep.records.get("account", org.accounts["north_a"])["phone"] == "+1 555 0333"
    assert rep.outbox() == []
    boss.sync()
    assert boss.records.get("account", org.accounts["north_a"])["phone"] == "+1 555 0333"
    for laptop, user in ((rep, "rep_north"), (boss, "manager1")):
        assert_replica_matches_server(laptop, server.url, org.passwords[user])


def test_revoked_device_asks_to_sign_in_again_and_keeps_the_outbox(server, org, laptops):
    rep = laptops("rep_north", org.passwords["rep_north"])
    rep.sync()
    rep.records.update("account", org.accounts["north_a"], {"phone": "kept while signed out"})
    admin(server.db_url, "device", "revoke", "rep_north")
    summary = rep.sync(expect_ok=False)
    assert summary.error_kind == "sign_in" and "sign in again" in summary.error
    assert rep.service.account().sign_in_needed
    assert [row[2:4] for row in rep.outbox()] == [("update", "pending")]
    rep.login("rep_north", org.passwords["rep_north"])
    assert rep.sync().applied == 1
    assert rep.outbox() == []
    assert_replica_matches_server(rep, server.url, org.passwords["rep_north"])


def test_verify_repairs_a_replica_that_drifted(server, org, laptops):
    rep = laptops("rep_north", org.passwords["rep_north"])
    rep.sync()
    conn = sqlite3.connect(rep.replica.path)
    with conn:  # behind the engine's back: a row lost, a stale row left over
        conn.execute("DELETE FROM contact WHERE id = ?", (org.contacts["north_a"],))
        conn.execute("UPDATE account SET id = 'f0000000-0000-4000-8000-000000000000' WHERE id = ?",
                     (org.accounts["north_b"],))
    conn.close()
    summary = rep.sync()
    assert set(summary.refetched) >= {"account", "contact"}
    assert_replica_matches_server(rep, server.url, org.passwords["rep_north"])
