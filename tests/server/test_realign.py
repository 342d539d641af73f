"""Realignment: when an account moves or a job changes hands, the rows move
between laptops (REMOVE where they left, PUT where they arrive)."""

from __future__ import annotations

from tests.support.pages import Replica, mutation
from tests.support.server import admin, login


def test_moving_an_account_moves_its_children_between_laptops(server, org):
    account, contact = org.accounts["south_a"], org.contacts["south_a"]
    west = Replica(login(server.url, "rep_west", org.passwords["rep_west"])).sync()
    manager = Replica(login(server.url, "manager1", org.passwords["manager1"])).sync()
    south = Replica(login(server.url, "rep_south", org.passwords["rep_south"])).sync()
    assert account in manager.ids("account") and account not in west.ids("account")

    admin_client = login(server.url, "admin", org.passwords["admin"])
    moved = admin_client.post(f"/api/v1/admin/accounts/{account}/move", {"territory": "WEST"})
    assert moved.status_code == 200 and moved.json()["territory_id"] == org.territories["WEST"]

    west.sync()
    assert account in west.ids("account") and contact in west.ids("contact")
    manager.sync()  # WEST is not managed by manager1
    assert account not in manager.ids("account") and contact not in manager.ids("contact")
    south.sync()  # still the owner: the account stays on the owner's laptop
    assert account in south.ids("account") and contact in south.ids("contact")
    assert south.rows["account"][account]["territory_id"] == org.territories["WEST"]

    # The CLI does the same, and refuses an unknown territory with one line.
    failed = admin(server.db_url, "account", "move", account, "--territory", "NOWHERE", check=False)
    assert failed.returncode != 0 and failed.stderr.strip().count("\n") == 0 and "NOWHERE" in failed.stderr
    admin(server.db_url, "account", "move", account, "--territory", "SOUTH")
    assert account in manager.sync().ids("account") and account not in west.sync().ids("account")


def test_a_technician_loses_the_account_when_the_job_goes_to_someone_else(server, org):
    tech = Replica(login(server.url, "tech1", org.passwords["tech1"])).sync()
    job, account = org.jobs["north_a"], org.accounts["north_a"]
    assert job in tech.ids("service_job") and account in tech.ids("account")
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    result = rep.push([mutation("service_job", job, "update", {"technician_id": None},
                                base={"technician_id": org.users["tech1"]}, base_version=1)]).json()["results"][0]
    assert result["status"] == "applied"
    tech.sync()
    assert tech.ids("service_job") == set() and tech.ids("account") == set() and tech.ids("contact") == set()


def test_a_rep_who_leaves_a_territory_drops_its_rows(server, org):
    rep = Replica(login(server.url, "rep_south", org.passwords["rep_south"])).sync()
    manager_account = org.accounts["north_b"]
    admin(server.db_url, "user", "territories", "rep_south", "--territory", "NORTH")
    rep.sync()
    assert f"territory:{org.territories['SOUTH']}" not in rep.cursors
    # Still the owner of south_a: kept. The NORTH accounts arrived.
    assert rep.ids("account") == {org.accounts["south_a"], org.accounts["north_a"], manager_account}
    admin(server.db_url, "user", "territories", "rep_south")
    rep.sync()
    assert rep.ids("account") == {org.accounts["south_a"]}
    assert rep.ids("contact") == {org.contacts["south_a"]}
