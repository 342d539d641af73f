"""Master data from the ERP reaching a laptop: customers, credit, products, prices, deletions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.erp.test_orders_harness import ALL, erp_setup, keyring_env, money  # noqa: F401

pytestmark = pytest.mark.erp


def _party(client, code):
    party, = client.model("party.party", "search", [("code", "=", code), ALL], 0, 1, None)
    return party


def test_erp_customers_and_products_arrive_on_the_laptop_read_only(erp_setup):
    laptop = erp_setup.laptop
    alder = laptop.get("account", erp_setup.account_id("CUST-0001"))
    assert alder["name"] == "Alder Farms 1" and alder["type"] == "customer"
    assert money(alder["credit_limit"]) == Decimal("1000.00")
    assert alder["city"] and alder["country"] == "US"
    assert alder["territory_id"] == erp_setup.org.territories["NORTH"]
    assert alder["erp_blocked"] is False
    no_limit = laptop.get("account", erp_setup.account_id("CUST-0008"))
    assert no_limit["credit_limit"] is None

    products = {p["sku"]: p for p in laptop.find("product") if (p["sku"] or "").startswith("FC-")}
    assert len(products) == 12
    assert all(p["list_price"] is not None and p["active"] and p["erp_ref"] for p in products.values())

    refused = laptop.run("records", "update", "account", alder["id"], "credit_limit=50000", ok=False)
    assert refused.returncode != 0 and "credit_limit" in refused.stderr and "read-only" in refused.stderr
    assert money(laptop.get("account", alder["id"])["credit_limit"]) == Decimal("1000.00")
    refused = laptop.run("records", "update", "product", products["FC-0001"]["id"], "list_price=1", ok=False)
    assert refused.returncode != 0

    # Nothing changed in the ERP: a second pass writes nothing, the laptop receives nothing.
    again = erp_setup.pull()
    assert (again["customers"], again["products"], again["created"], again["updated"]) == (0, 0, 0, 0)
    assert erp_setup.laptop.sync()["pulled_rows"] == 0


def test_erp_changes_renames_prices_archives_and_deletes_reach_the_laptop(erp_setup):
    laptop, client = erp_setup.laptop, erp_setup.tryton()
    birch_id = erp_setup.account_id("CUST-0002")
    gone_id = erp_setup.account_id("CUST-0008")
    pump = laptop.find("product", sku="FC-0002")[0]
    valve = laptop.find("product", sku="FC-0001")[0]

    client.model("party.party", "write", [_party(client, "CUST-0002")], {"name": "Birch Builders North"})
    template, = client.model("product.product", "read", [int(pump["erp_ref"])], ["template"])
    client.model("product.template", "write", [template["template"]], {"list_price": Decimal("77.70")})
    client.model("product.product", "write", [int(valve["erp_ref"])], {"active": False})
    client.model("party.party", "delete", [_party(client, "CUST-0008")])
    new_party, = client.model("party.party", "create", [{"name": "Quarry Tools", "code": "CUST-0100"}])
    client.close()

    summary = erp_setup.pull("--full")
    assert summary["full"] and summary["deactivated"] == 1 and summary["created"] == 1
    laptop.sync()
    assert laptop.get("account", birch_id)["name"] == "Birch Builders North"
    assert money(laptop.get("product", pump["id"])["list_price"]) == Decimal("77.70")
    assert laptop.get("product", valve["id"])["active"] is False
    assert laptop.get("account", gone_id)["erp_blocked"] is True  # deleted in the ERP: no more orders
    quarry, = laptop.find("account", erp_ref=str(new_party))
    assert quarry["name"] == "Quarry Tools" and quarry["territory_id"] == erp_setup.org.territories["NORTH"]


def test_a_customer_the_crm_cannot_hold_is_named_and_taken_once_fixed(erp_setup):
    client = erp_setup.tryton()
    party, = client.model("party.party", "create", [{"name": "X" * 250, "code": "CUST-0200"}])
    client.model("party.party", "write", [_party(client, "CUST-0003")], {"name": "Cedar Supplies 3 (new)"})

    first = erp_setup.erp("pull", "--json", check=False)
    assert first.returncode == 1 and f"customer {party}" in first.stderr and "name" in first.stderr
    status = erp_setup.status()
    assert any(f"customer {party}" in line and "too long" in line for line in status["refused_in_last_pull"])
    erp_setup.laptop.sync()  # the good record of the same pass went through
    assert erp_setup.laptop.get("account", erp_setup.account_id("CUST-0003"))["name"] == "Cedar Supplies 3 (new)"

    client.model("party.party", "write", [party], {"name": "Xylem Pumps"})
    client.close()
    fixed = erp_setup.pull()
    assert fixed["refused"] == [] and fixed["created"] == 1
    assert erp_setup.status()["refused_in_last_pull"] == []
    erp_setup.laptop.sync()
    assert erp_setup.laptop.find("account", erp_ref=str(party))[0]["name"] == "Xylem Pumps"
