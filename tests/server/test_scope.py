"""Scope: a rep outside a territory can neither read nor write its rows, and
learns nothing about them; the rows go where the distribution rules say."""

from __future__ import annotations

import uuid

from tests.support.pages import Replica, mutation
from tests.support.server import login


def test_each_user_receives_exactly_their_scope(server, org):
    north = Replica(login(server.url, "rep_north", org.passwords["rep_north"])).sync()
    south = Replica(login(server.url, "rep_south", org.passwords["rep_south"])).sync()
    manager = Replica(login(server.url, "manager1", org.passwords["manager1"])).sync(limit=3)
    tech = Replica(login(server.url, "tech1", org.passwords["tech1"])).sync()
    a = org.accounts
    assert north.ids("account") == {a["north_a"], a["north_b"]}
    assert south.ids("account") == {a["south_a"]}
    assert manager.ids("account") == {a["north_a"], a["north_b"], a["south_a"]}  # sub-territories of EAST
    assert tech.ids("account") == {a["north_a"]} and tech.ids("contact") == {org.contacts["north_a"]}
    assert tech.ids("service_job") == {org.jobs["north_a"]}
    # Reference data reaches everyone.
    assert len(south.ids("territory")) == 4 and org.users["rep_north"] in south.ids("user")
    # The server's own count agrees with what each laptop holds.
    for laptop in (north, south, manager, tech):
        entities = laptop.client.verify().json()["entities"]
        assert entities["account"]["count"] == len(laptop.ids("account"))
        assert entities["contact"]["count"] == len(laptop.ids("contact"))


def test_a_rep_cannot_read_or_write_another_territory_and_learns_nothing(server, org):
    south = login(server.url, "rep_south", org.passwords["rep_south"])
    foreign, missing = org.accounts["north_a"], str(uuid.uuid4())

    seen, unknown = (south.get(f"/api/v1/records/account/{i}") for i in (foreign, missing))
    assert seen.status_code == unknown.status_code == 404
    assert seen.json() == unknown.json()

    results = south.push([
        mutation("account", foreign, "update", {"name": "Mine now"}, base_version=1),
        mutation("account", missing, "update", {"name": "Mine now"}, base_version=1),
        mutation("account", foreign, "delete", base_version=1),
        mutation("contact", str(uuid.uuid4()), "create", {"account_id": foreign, "last_name": "Spy"}),
        mutation("contact", org.contacts["north_a"], "update", {"title": "x"}, base_version=1),
        # Moving one's own account into a foreign territory.
        mutation("account", org.accounts["south_a"], "update", {"territory_id": org.territories["NORTH"]},
                 base_version=1),
    ]).json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 6
    assert results[0]["message"] == results[1]["message"] == results[2]["message"] == "account not found"
    assert results[3]["message"] == "account_id: no such account"
    assert "territor" in results[5]["message"]
    assert all(r["row"] is None and r["version"] is None for r in results)

    # A forged cursor for the foreign bucket yields nothing: no rows, no ids.
    page = south.pull({f"territory:{org.territories['NORTH']}": 0}).json()
    assert f"territory:{org.territories['NORTH']}" not in [b["bucket"] for b in page["buckets"]]
    assert page["dropped"] == {}
    assert foreign not in str(page)

    # Nothing changed on the north side.
    north = login(server.url, "rep_north", org.passwords["rep_north"])
    assert north.get(f"/api/v1/records/account/{foreign}").json()["name"] == "north_a"


def test_only_the_owners_manager_approves_a_visit_plan(server, org):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    other = login(server.url, "rep_south", org.passwords["rep_south"])
    manager = login(server.url, "manager1", org.passwords["manager1"])
    plan = str(uuid.uuid4())
    created = rep.push([mutation("visit_plan", plan, "create", {
        "owner_id": org.users["rep_north"], "period_start": "2026-12-07", "period_end": "2026-12-11",
        "status": "submitted"})]).json()["results"][0]
    assert created["status"] == "applied"
    assert plan in Replica(manager).sync().ids("visit_plan")  # it reaches the manager for approval

    own = rep.push([mutation("visit_plan", plan, "update", {"status": "approved"},
                             base={"status": "submitted"}, base_version=1)]).json()["results"][0]
    assert own["status"] == "rejected" and "manager" in own["message"]
    foreign = other.push([mutation("visit_plan", plan, "update", {"status": "approved"},
                                   base={"status": "submitted"}, base_version=1)]).json()["results"][0]
    assert foreign["status"] == "rejected" and foreign["message"] == "visit plan not found"
    approved = manager.push([mutation("visit_plan", plan, "update", {"status": "approved"},
                                      base={"status": "submitted"}, base_version=1)]).json()["results"][0]
    assert approved["status"] == "applied"
    row = rep.get(f"/api/v1/records/visit_plan/{plan}").json()
    assert row["status"] == "approved" and row["decided_by"] == org.users["manager1"]


def test_a_technician_records_work_on_their_own_job_in_another_territory(server, org):
    """tech1 holds no territory; the job's account is in NORTH. Time, checklist and
    photo rows on the job land in the job's buckets; nothing else opens up."""
    tech = login(server.url, "tech1", org.passwords["tech1"])
    job, north_a = org.jobs["north_a"], org.accounts["north_a"]
    entry, item = str(uuid.uuid4()), str(uuid.uuid4())
    results = tech.push([
        mutation("job_time_entry", entry, "create", {
            "job_id": job, "technician_id": org.users["tech1"], "started_at": "2026-11-30T08:00:00Z",
            "ended_at": "2026-11-30T09:30:00Z"}),
        mutation("job_checklist_item", item, "create", {"job_id": job, "label": "Check the seals"}),
        mutation("job_checklist_item", str(uuid.uuid4()), "create",
                 {"job_id": str(uuid.uuid4()), "label": "Not my job"}),
        mutation("account", north_a, "update", {"territory_id": org.territories["WEST"]},
                 base={"territory_id": org.territories["NORTH"]}, base_version=1),
    ]).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "rejected"], results
    assert results[2]["message"] == "job_id: no such service job"
    assert results[3]["message"] == "territory_id: not one of your territories"

    # The rep of the account's territory sees the technician's work; another rep does not.
    north = Replica(login(server.url, "rep_north", org.passwords["rep_north"])).sync()
    south = Replica(login(server.url, "rep_south", org.passwords["rep_south"])).sync()
    assert north.ids("job_time_entry") == {entry} and item in north.ids("job_checklist_item")
    assert south.ids("job_time_entry") == set() and item not in south.ids("job_checklist_item")
    assert north.rows["account"][north_a]["territory_id"] == org.territories["NORTH"]
