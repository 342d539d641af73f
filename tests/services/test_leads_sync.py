"""Leads across laptops, through a real server process on loopback (SQLite):

- a rep writes a lead down and converts it into an account, a contact and a
  deal before the laptop is online again; one sync sends it all, nothing is
  parked, the manager's laptop gets the lead and the new account, and another
  rep sees neither;
- the outbox keeps an update that points at a record made after its row's
  unsent creation in its own entry (the server applies entries in order): a
  visit put into a plan made after it reaches the server instead of being
  refused with "no such visit plan".
"""

import datetime as dt

from fieldcrm.services.leads import convert_lead
from tests.services.test_views_sync import server_db  # noqa: F401  (SQLite server: fixture)
from tests.services.test_views_sync import sign_in as signed_in
from tests.sync.conftest import keyring_env, laptops, org, server  # noqa: F401  (fixtures)


def not_applied(laptop):
    return [(entity, op, state, result) for entity, _row, op, state, result in laptop.outbox()]


def test_a_lead_converted_offline_reaches_the_server_and_the_manager_with_its_account(laptops, org):
    rep, manager, other = signed_in(laptops, org.passwords, "rep_north", "manager1", "rep_south")
    lead = rep.records.create("lead", {"company": "Northwind Pumps", "contact_name": "Eva Lind",
                                       "email": "eva@northwind.example", "source": "event"})
    done = convert_lead(rep.replica, lead["id"], deal_name="Pump retrofit", amount="12500.00")

    summary = rep.sync()
    assert (summary.rejected, summary.conflicts) == (0, 0)
    assert not_applied(rep) == []

    manager.sync()
    other.sync()
    arrived = manager.rows()
    assert arrived["lead"][lead["id"]]["status"] == "converted"
    assert arrived["lead"][lead["id"]]["converted_account_id"] == done.account_id
    account = arrived["account"][done.account_id]
    assert (account["name"], account["owner_id"], account["territory_id"]) == \
        ("Northwind Pumps", org.users["rep_north"], org.territories["NORTH"])
    assert arrived["opportunity"][done.opportunity_id]["name"] == "Pump retrofit"
    assert arrived["contact"][done.contact_id]["last_name"] == "Lind"
    assert lead["id"] not in other.rows().get("lead", {})
    assert done.account_id not in other.rows().get("account", {})


def test_a_visit_put_into_a_plan_made_after_it_is_not_refused(laptops, org):
    (rep,) = signed_in(laptops, org.passwords, "rep_north")
    monday = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    start = dt.datetime.combine(monday, dt.time(9), dt.timezone.utc)
    visit = rep.records.create("visit", {"account_id": org.accounts["north_a"], "owner_id": org.users["rep_north"],
                                         "planned_start": start, "planned_end": start + dt.timedelta(hours=1)})
    plan = rep.records.create("visit_plan", {"owner_id": org.users["rep_north"], "period_start": monday,
                                             "period_end": monday + dt.timedelta(days=4)})
    rep.records.update("visit", visit["id"], {"plan_id": plan["id"]})
    assert [(e, op) for e, _r, op, _s, _res in rep.outbox()] == [
        ("visit", "create"), ("visit_plan", "create"), ("visit", "update")]

    summary = rep.sync()
    assert (summary.rejected, summary.conflicts) == (0, 0)
    assert not_applied(rep) == []
    assert rep.rows()["visit"][visit["id"]]["plan_id"] == plan["id"]
