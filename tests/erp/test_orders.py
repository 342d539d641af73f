"""Orders from a laptop through the server to Tryton, and Tryton's answer back on the laptop."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from fieldcrm.server.db import Database
from fieldcrm.server.erp.tables import ErpJob
from tests.erp.test_orders_harness import ALL, erp_setup, keyring_env, money  # noqa: F401

pytestmark = pytest.mark.erp


def _jobs(db_url: str) -> dict[str, ErpJob]:
    db = Database(db_url, pool_size=1)
    try:
        with db.read() as session:
            return {job.row_id: job for job in session.execute(select(ErpJob)).scalars()}
    finally:
        db.dispose()


def test_orders_are_confirmed_or_rejected_in_tryton_and_the_answer_reaches_the_laptop(erp_setup):
    s, laptop = erp_setup, erp_setup.laptop
    cedar, alder = s.account_id("CUST-0003"), s.account_id("CUST-0001")  # Alder: 1,000 credit limit
    valve, pump = s.product_id("FC-0001"), s.product_id("FC-0002")
    pump_list_price = money(laptop.get("product", pump)["list_price"])

    good = laptop.place_order(cedar, s.rep, [(valve, "3", "12.50"), (pump, "1", None)])
    too_big = laptop.place_order(alder, s.rep, [(valve, "100", "20.00")])  # 2,000 + tax > 1,000

    client = s.tryton()
    archived, = client.model("product.product", "search", [("code", "=", "FC-0003"), ALL], 0, 1, None)
    client.model("product.product", "write", [archived], {"active": False})
    deleted_ref = laptop.get("product", s.product_id("FC-0004"))["erp_ref"]
    client.model("product.template", "delete", [
        client.model("product.product", "read", [int(deleted_ref)], ["template"])[0]["template"]])
    client.close()
    gone = laptop.place_order(cedar, s.rep, [(s.product_id("FC-0004"), "1", "5.00")])
    stale = laptop.place_order(cedar, s.rep, [(s.product_id("FC-0003"), "1", "5.00")])

    pushed = laptop.sync()
    assert pushed["rejected"] == 0
    assert set(_jobs(s.db_url)) == {good, too_big, gone, stale}  # queued with the orders
    s.send_orders()
    laptop.sync()

    confirmed = laptop.get("sales_order", good)
    sale, = s.sales_with_reference(good)
    assert confirmed["status"] == "confirmed" and confirmed["erp_state"] == "processing"
    assert confirmed["erp_number"] == sale["number"] and sale["state"] == "processing"
    untaxed = money(Decimal("3") * Decimal("12.50") + pump_list_price)
    assert money(confirmed["total_untaxed"]) == untaxed
    assert money(confirmed["total"]) == money(sale["total_amount"]) == money(untaxed * Decimal("1.1"))
    assert confirmed["rejection_reason"] is None

    refused = laptop.get("sales_order", too_big)
    assert refused["status"] == "rejected" and refused["erp_number"] is None
    assert "credit limit" in refused["rejection_reason"] and "Alder Farms 1" in refused["rejection_reason"]

    unknown = laptop.get("sales_order", gone)
    assert unknown["status"] == "rejected"
    assert f"does not know product(s) {deleted_ref}" in unknown["rejection_reason"]
    archived_answer = laptop.get("sales_order", stale)
    assert archived_answer["status"] == "rejected" and "archived" in archived_answer["rejection_reason"]
    assert s.sales_with_reference(gone) == [] and s.sales_with_reference(stale) == []

    # The credit the accepted order uses (Tryton counts open sales untaxed) shows on the
    # account without waiting for a pull.
    assert money(laptop.get("account", cedar)["credit_amount"]) == untaxed


def test_a_rejected_order_fixed_on_the_laptop_goes_through_once(erp_setup):
    s, laptop = erp_setup, erp_setup.laptop
    alder, valve = s.account_id("CUST-0001"), s.product_id("FC-0001")
    order = laptop.place_order(alder, s.rep, [(valve, "100", "20.00")])
    laptop.sync()
    s.send_orders()
    laptop.sync()
    assert laptop.get("sales_order", order)["status"] == "rejected"

    line, = laptop.find("sales_order_line", order_id=order)
    laptop._records(lambda records: records.update("sales_order_line", line["id"], {"quantity": "10"}))
    laptop._records(lambda records: records.update("sales_order", order, {"status": "submitted"}))
    laptop.sync()
    s.send_orders()
    laptop.sync()
    answer = laptop.get("sales_order", order)
    assert answer["status"] == "confirmed" and answer["rejection_reason"] is None
    sale, = s.sales_with_reference(order)  # the first, refused sale was reused, not doubled
    assert answer["erp_number"] == sale["number"] and money(answer["total_untaxed"]) == Decimal("200.00")


def test_a_customer_made_on_the_laptop_is_created_in_the_erp_when_the_policy_allows(erp_setup):
    s, laptop = erp_setup, erp_setup.laptop
    s.erp("policy", "--allow-customer-create", "yes")
    account = laptop.create("account", name="Harbour Tools", type="customer", city="Leeds", country="GB",
                            territory_id=s.org.territories["NORTH"], owner_id=s.rep)
    order = laptop.place_order(account, s.rep, [(s.product_id("FC-0001"), "2", "10.00")])
    laptop.sync()
    s.send_orders()
    laptop.sync()
    linked = laptop.get("account", account)
    assert linked["erp_ref"]
    client = s.tryton()
    party, = client.model("party.party", "read", [int(linked["erp_ref"])], ["name", "code"])
    client.close()
    assert party["name"] == "Harbour Tools" and party["code"] == f"CRM-{account}"
    assert laptop.get("sales_order", order)["status"] == "confirmed"
