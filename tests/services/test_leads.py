"""Leads on the laptop: written down by a rep, worked, and converted into an
account with its contact and a first deal, offline, through the outbox."""


import pytest

from fieldcrm.services.leads import convert_lead, split_name
from fieldcrm.services.records import RecordService
from fieldcrm.storage.validation import ValidationError


@pytest.fixture
def rep(replica, insert):
    insert(replica, "user", id="mgr", username="mgr", display_name="Maria Manager", role="manager")
    insert(replica, "user", id="ann", username="ann", display_name="Ann North", role="rep", manager_id="mgr")
    insert(replica, "territory", id="north", code="N", name="North", manager_id="mgr")
    insert(replica, "territory_member", id="m1", territory_id="north", user_id="ann")
    replica.set_state("user_id", "ann")
    return replica


def test_a_new_lead_belongs_to_the_rep_who_writes_it_down(rep, outbox):
    lead = RecordService(rep).create("lead", {"company": "Northwind Pumps", "contact_name": "Eva Maria Lind",
                                              "source": "event"})
    assert (lead["owner_id"], lead["status"]) == ("ann", "new")
    assert [(e.entity, e.op) for e in outbox(rep)] == [("lead", "create")]


def test_a_lead_needs_a_company_and_a_known_source(rep, outbox):
    with pytest.raises(ValidationError) as err:
        RecordService(rep).create("lead", {"contact_name": "Eva Lind", "source": "billboard"})
    assert set(err.value.errors) == {"company", "source"}
    assert outbox(rep) == []


def test_converting_makes_an_account_contact_and_deal_in_one_go(rep, outbox):
    records = RecordService(rep)
    lead = records.create("lead", {"company": "Northwind Pumps", "contact_name": "Eva Maria Lind",
                                   "email": "eva@northwind.example", "phone": "+49 30 1234", "city": "Berlin",
                                   "source": "event", "status": "qualified"})
    done = convert_lead(rep, lead["id"], deal_name="Pump retrofit", amount="12500.00", currency="EUR")

    account = records.get("account", done.account_id)
    assert (account["name"], account["type"], account["owner_id"], account["territory_id"], account["city"]) == \
        ("Northwind Pumps", "prospect", "ann", "north", "Berlin")
    contact = records.get("contact", done.contact_id)
    assert (contact["first_name"], contact["last_name"], contact["email"], contact["account_id"]) == \
        ("Eva Maria", "Lind", "eva@northwind.example", done.account_id)
    deal = records.get("opportunity", done.opportunity_id)
    assert (deal["name"], deal["stage"], deal["probability"], deal["amount"], deal["currency"]) == \
        ("Pump retrofit", "prospecting", 10, "12500.00", "EUR")
    lead = records.get("lead", lead["id"])
    assert (lead["status"], lead["converted_account_id"], lead["converted_opportunity_id"]) == \
        ("converted", done.account_id, done.opportunity_id)
    assert lead["converted_at"] is not None
    # the server hears of the account before the rows that point at it
    assert [(e.entity, e.op) for e in outbox(rep)] == [
        ("lead", "create"), ("account", "create"), ("contact", "create"), ("opportunity", "create"),
        ("lead", "update")]


def test_a_lead_is_converted_once_and_a_disqualified_one_not_at_all(rep, outbox):
    records = RecordService(rep)
    lead = records.create("lead", {"company": "Bolt & Nut"})
    done = convert_lead(rep, lead["id"])
    assert done.contact_id is None and done.opportunity_id is None
    before = len(outbox(rep))
    with pytest.raises(ValidationError, match="converted already"):
        convert_lead(rep, lead["id"])
    dropped = records.create("lead", {"company": "Tin Can Ltd", "status": "disqualified"})
    with pytest.raises(ValidationError, match="disqualified"):
        convert_lead(rep, dropped["id"], deal_name="Cans")
    assert len(outbox(rep)) == before + 1  # only the second lead's own insert
    assert len(records.list("account")) == 1


def test_a_bad_deal_amount_converts_nothing(rep, outbox):
    records = RecordService(rep)
    lead = records.create("lead", {"company": "Northwind Pumps"})
    with pytest.raises(ValidationError):
        convert_lead(rep, lead["id"], deal_name="Retrofit", amount="-5")
    assert records.get("lead", lead["id"])["status"] == "new"
    assert records.list("account") == []


def test_names_split_into_first_and_last():
    assert split_name("Eva Maria Lind") == ("Eva Maria", "Lind")
    assert split_name("  Lind ") == (None, "Lind")
