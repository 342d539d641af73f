"""The territory and schedule services across laptops: a real server process on
loopback (SQLite database), laptops that edit their replica with the same calls as
the views and sync through ``SyncService``.

- A manager moves an account to another territory: after the reps sync, the account
  and its contact have left the old rep's laptop and reached the new rep's.
- A rep submits a visit plan offline; the manager approves it offline; the rep sees
  it approved after the round trip.
"""

import datetime as dt

import pytest

from fieldcrm.services.territory import realign_territory
from fieldcrm.services.visit_plans import (
    accept_due_visits, approve_plan, plan_for_period, plans_to_decide, submit_plan,
)
from tests.sync.conftest import keyring_env, laptops, org, server  # noqa: F401  (fixtures)


@pytest.fixture
def server_db(tmp_path):
    """SQLite is enough here: the server's dialects are covered by the sync suite."""
    return f"sqlite:///{tmp_path / 'server.sqlite'}"


def sign_in(make_laptop, passwords, *usernames):
    """A laptop per user, signed in and after its first sync."""
    out = []
    for username in usernames:
        laptop = make_laptop(username, passwords[username])
        laptop.sync()
        out.append(laptop)
    return out


def pending(laptop):
    return [(entity, op) for entity, _row, op, state, _result in laptop.outbox() if state == "pending"]


def test_an_account_moved_by_the_manager_leaves_the_old_reps_laptop_for_the_new_ones(laptops, org):
    manager, north, south = sign_in(laptops, org.passwords, "manager1", "rep_north", "rep_south")
    moved, contact = org.accounts["north_b"], org.contacts["north_b"]
    assert moved in north.rows()["account"] and contact in north.rows()["contact"]
    assert moved not in south.rows()["account"]

    changed = realign_territory(manager.replica, [moved], org.territories["SOUTH"])
    assert [(c["id"], c["to_territory"], c["to_owner"]) for c in changed] == [
        (moved, org.territories["SOUTH"], org.users["rep_south"])]
    assert pending(manager) == [("account", "update")]
    manager.sync()
    assert pending(manager) == []

    north.sync()
    south.sync()
    assert moved not in north.rows()["account"]
    assert contact not in north.rows().get("contact", {})
    assert org.accounts["north_a"] in north.rows()["account"]  # the rest of the territory stays
    arrived = south.rows()["account"][moved]
    assert (arrived["territory_id"], arrived["owner_id"]) == (org.territories["SOUTH"], org.users["rep_south"])
    assert south.rows()["contact"][contact]["account_id"] == moved


def test_a_plan_submitted_offline_and_approved_offline_reaches_the_rep_approved(laptops, org):
    rep, manager = sign_in(laptops, org.passwords, "rep_north", "manager1")
    monday = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    friday = monday + dt.timedelta(days=4)
    accounts = [org.accounts["north_a"], org.accounts["north_b"]]

    # The rep, between syncs: visits into the week's plan, then submitted.
    plan = accept_due_visits(rep.replica, org.users["rep_north"], monday, friday, [(a, monday) for a in accounts])
    submit_plan(rep.replica, plan["id"])
    assert ("visit_plan", "create") in pending(rep)
    assert plans_to_decide(manager.replica, org.users["manager1"]) == []  # nothing has travelled yet
    rep.sync()

    manager.sync()
    (waiting,) = plans_to_decide(manager.replica, org.users["manager1"])
    assert (waiting["id"], waiting["owner_id"], waiting["visits"]) == (plan["id"], org.users["rep_north"], 2)
    approve_plan(manager.replica, plan["id"], "Fine")
    assert plan_for_period(rep.replica, org.users["rep_north"], monday)["status"] == "submitted"
    manager.sync()
    assert plan_for_period(rep.replica, org.users["rep_north"], monday)["status"] == "submitted"

    rep.sync()
    seen = plan_for_period(rep.replica, org.users["rep_north"], monday)
    assert (seen["status"], seen["decided_by"], seen["manager_comment"]) == (
        "approved", org.users["manager1"], "Fine")
    assert pending(rep) == []
