"""Push: retries change nothing, clashes are conflicts on record, nothing blocks the batch."""

from __future__ import annotations

import uuid

from tests.support.pages import Replica, mutation
from tests.support.server import login


def test_a_retried_batch_gets_the_same_answers_and_changes_nothing(server, org):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    laptop = Replica(rep).sync()
    account = org.accounts["north_a"]
    contact_id = str(uuid.uuid4())
    batch = [
        mutation("contact", contact_id, "create", {"account_id": account, "last_name": "Okafor"}),
        mutation("account", account, "update", {"phone": "+1 555 0100"}, base={"phone": None}, base_version=1),
        mutation("account", org.accounts["south_a"], "update", {"phone": "x"}, base_version=1),
    ]
    first = rep.push(batch).json()["results"]
    assert [r["status"] for r in first] == ["applied", "applied", "rejected"]
    laptop.sync()
    seen = laptop.rows["account"][account]
    assert seen["phone"] == "+1 555 0100" and seen["version"] == 2

    again = rep.push(batch).json()["results"]
    assert again == first
    # Nothing new to pull: the retry wrote no row and no op.
    page = rep.pull(laptop.cursors).json()
    assert page["buckets"] == []
    assert rep.get(f"/api/v1/records/account/{account}").json()["version"] == 2
    assert rep.get(f"/api/v1/records/contact/{contact_id}").json()["last_name"] == "Okafor"


def test_the_same_field_changed_on_two_laptops_is_a_conflict_both_users_see(server, org):
    north = login(server.url, "rep_north", org.passwords["rep_north"])
    manager = login(server.url, "manager1", org.passwords["manager1"])
    account = org.accounts["north_b"]
    first = north.push([mutation("account", account, "update", {"phone": "111", "city": "Lyon"},
                                 base={"phone": None, "city": "Springfield"}, base_version=1)]).json()["results"][0]
    assert first["status"] == "applied" and first["version"] == 2

    # The manager edited offline from version 1: phone clashes, segment merges.
    second = manager.push([mutation("account", account, "update", {"phone": "222", "segment": "key"},
                                    base={"phone": None, "segment": None}, base_version=1)]).json()["results"][0]
    assert second["status"] == "conflict" and second["conflict_kind"] == "field"
    assert second["fields"] == {"phone": {"base": None, "mine": "222", "theirs": "111"}}
    assert second["row"]["phone"] == "111"  # the value that reached the server first stays
    assert second["row"]["segment"] == "key" and second["row"]["city"] == "Lyon"

    for client in (north, manager):
        conflicts = client.get("/api/v1/conflicts").json()
        assert [c["id"] for c in conflicts] == [second["conflict_id"]]
        assert conflicts[0]["fields"]["phone"] == {"base": None, "mine": "222", "theirs": "111"}

    # Different fields only: merged, both kept.
    third = north.push([mutation("account", account, "update", {"website": "https://lyon.example"},
                                 base={"website": None}, base_version=2)]).json()["results"][0]
    assert third["status"] == "merged"
    assert third["row"]["website"] == "https://lyon.example" and third["row"]["segment"] == "key"


def test_delete_against_a_server_change_and_update_against_a_delete_are_conflicts(server, org):
    north = login(server.url, "rep_north", org.passwords["rep_north"])
    manager = login(server.url, "manager1", org.passwords["manager1"])
    contact = org.contacts["north_a"]
    changed = north.push([mutation("contact", contact, "update", {"title": "CFO"}, base={"title": None},
                                   base_version=1)]).json()["results"][0]
    assert changed["status"] == "applied"

    stale_delete = manager.push([mutation("contact", contact, "delete", base={"title": None},
                                          base_version=1)]).json()["results"][0]
    assert stale_delete["status"] == "conflict" and stale_delete["conflict_kind"] == "delete"
    assert north.get(f"/api/v1/records/contact/{contact}").status_code == 200  # not deleted

    deleted = manager.push([mutation("contact", contact, "delete", base={"title": "CFO"},
                                     base_version=2)]).json()["results"][0]
    assert deleted["status"] == "applied"
    assert north.get(f"/api/v1/records/contact/{contact}").status_code == 404

    late = north.push([mutation("contact", contact, "update", {"mobile": "+33 6"}, base={"mobile": None},
                                base_version=2)]).json()["results"][0]
    assert late["status"] == "conflict" and late["conflict_kind"] == "deleted"
    assert late["fields"]["mobile"]["mine"] == "+33 6"

    # Settling it by restoring: a create with the same id brings the row back.
    restored = north.push([mutation("contact", contact, "create", {
        "account_id": org.accounts["north_a"], "last_name": "Back again", "mobile": "+33 6"})]).json()["results"][0]
    assert restored["status"] == "applied" and restored["version"] == 4
    assert north.get(f"/api/v1/records/contact/{contact}").json()["mobile"] == "+33 6"


def test_a_bad_mutation_never_blocks_the_ones_behind_it(server, org):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    account = org.accounts["north_a"]
    results = rep.push([
        mutation("account", account, "update", {"lat": 123}, base_version=1),
        mutation("opportunity", str(uuid.uuid4()), "create", {"account_id": account, "name": "Pumps"}),
        mutation("product", str(uuid.uuid4()), "create", {"name": "Free lunch"}),
        mutation("account", account, "update", {"credit_limit": "9999999"}, base_version=1),
        mutation("nonsense", str(uuid.uuid4()), "create", {}),
        mutation("contact", str(uuid.uuid4()), "create", {"account_id": account, "last_name": "Ng"}),
    ]).json()["results"]
    statuses = [r["status"] for r in results]
    assert statuses == ["rejected", "rejected", "rejected", "rejected", "rejected", "applied"]
    assert "lat" in results[0]["message"] and "between" in results[0]["message"]
    assert "owner_id" in results[1]["message"]  # a required field, named
    assert "read-only" in results[2]["message"]
    assert "credit_limit" in results[3]["message"]
    assert "unknown record type" in results[4]["message"]


def test_a_change_refused_after_it_was_written_leaves_no_trace_and_blocks_nothing(server, org):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    laptop = Replica(rep).sync()
    north_a, north_b = org.accounts["north_a"], org.accounts["north_b"]
    batch = [
        mutation("account", north_a, "update", {"phone": "+1 555 0101"}, base={"phone": None}, base_version=1),
        # Into a territory the rep does not hold: refused once the new placement is known.
        mutation("account", north_b, "update", {"territory_id": org.territories["WEST"], "city": "Gone"},
                 base={"city": "Springfield"}, base_version=1),
        mutation("contact", org.contacts["north_b"], "update", {"title": "Buyer"}, base={"title": None},
                 base_version=1),
    ]
    first = rep.push(batch).json()["results"]
    assert [r["status"] for r in first] == ["applied", "rejected", "applied"]
    assert "territor" in first[1]["message"]
    moved = rep.get(f"/api/v1/records/account/{north_b}").json()
    assert moved["version"] == 1 and moved["city"] == "Springfield"
    assert moved["territory_id"] == org.territories["NORTH"]
    laptop.sync()
    assert laptop.rows["account"][north_a]["phone"] == "+1 555 0101"
    assert laptop.rows["contact"][org.contacts["north_b"]]["title"] == "Buyer"
    assert rep.push(batch).json()["results"] == first


def test_two_changes_of_one_row_in_a_batch_are_the_laptops_own_not_a_merge(server, org):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    account = org.accounts["north_a"]
    results = rep.push([
        mutation("account", account, "update", {"phone": "111"}, base={"phone": None}, base_version=1),
        # Written before the first answer came back: same base version.
        mutation("account", account, "update", {"city": "Lyon"}, base={"city": "Springfield"}, base_version=1),
    ]).json()["results"]
    assert [(r["status"], r["version"]) for r in results] == [("applied", 2), ("applied", 3)]
    row = rep.get(f"/api/v1/records/account/{account}").json()
    assert (row["phone"], row["city"], row["version"]) == ("111", "Lyon", 3)
