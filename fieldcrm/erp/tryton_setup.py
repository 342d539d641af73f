"""Make a fresh Tryton database able to sell, and seed it with demo data.

Everything goes over RPC through :class:`~fieldcrm.erp.tryton_rpc.TrytonClient`,
so it works on any Tryton 8.2 database with the ``sale``,
``sale_opportunity``, ``account_credit_limit`` and ``sale_credit_limit``
modules activated. Each step first looks for what it would create, so running
it twice changes nothing.

Sales are configured with ``invoice_method = manual`` (no invoices, so no
posting is needed to confirm) and ``shipment_method = order``: Tryton's
``sale_credit_limit`` checks the credit limit only for sales shipped on order.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fieldcrm.erp.connector import ErpProtocolError
from fieldcrm.erp.tryton_rpc import TrytonClient

COUNTRIES = {"US": "United States", "DE": "Germany", "FR": "France", "GB": "United Kingdom"}

_CITIES = [
    ("Springfield", "62701", "US"), ("Portland", "97201", "US"),
    ("Hamburg", "20095", "DE"), ("Köln", "50667", "DE"),
    ("Lyon", "69001", "FR"), ("Leeds", "LS1 1UR", "GB"),
]
_FIRST = ["Alder", "Birch", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harbor",
          "Iris", "Juniper", "Kestrel", "Linden", "Maple", "Nordic", "Orchid", "Pioneer"]
_LAST = ["Farms", "Builders", "Supplies", "Logistics", "Dental", "Garage", "Bakery",
         "Hardware", "Clinic", "Hotel"]
_GOODS = ["Valve", "Pump", "Filter", "Sensor", "Bracket", "Hose", "Gasket", "Motor",
          "Panel", "Cable", "Switch", "Bearing"]
_SIZES = ["S", "M", "L", "XL"]


@dataclass(frozen=True)
class SellingSetup:
    """Ids of what a selling company needs, as found or created."""

    company: int
    currency: int
    tax: int
    account_category: int
    payment_term: int


def prepare_company(client: TrytonClient, *, company_name: str = "Fieldcrm Demo Ltd",
                    currency_code: str = "USD", tax_rate: Decimal = Decimal("0.10"),
                    today: dt.date | None = None) -> SellingSetup:
    """Currency, company, chart, fiscal years, tax, product category, payment term."""
    today = today or dt.date.today()
    currency = _ensure_currency(client, currency_code)
    company = _ensure_company(client, company_name, currency)
    _ensure_chart(client, company)
    for year in (today.year, today.year + 1):
        _ensure_fiscal_year(client, company, year)
    tax = _ensure_tax(client, company, tax_rate)
    category = _ensure_account_category(client, company, tax)
    term = _ensure_payment_term(client)
    client.model("sale.configuration", "write", [1], {
        "sale_invoice_method": "manual",
        "sale_shipment_method": "order",
    })
    for code, name in COUNTRIES.items():
        _find_or_create(client, "country.country", [("code", "=", code)],
                        {"code": code, "name": name})
    return SellingSetup(company, currency, tax, category, term)


def seed_products(client: TrytonClient, setup: SellingSetup, count: int,
                  *, seed: int = 7) -> list[int]:
    """Create products ``FC-0001`` … with list prices; return product ids in order."""
    rng = random.Random(seed)
    unit = _one(client, "product.uom", [("symbol", "=", "u")])
    codes = [f"FC-{n:04d}" for n in range(1, count + 1)]
    existing = {row["code"]: row["id"] for row in client.model(
        "product.product", "search_read",
        [("code", "in", codes), ("active", "in", [True, False])], 0, None, None,
        ["code"])}
    templates = []
    for n, code in enumerate(codes):
        price = Decimal(rng.randrange(500, 50000)) / 100
        if code not in existing:
            name = f"{_GOODS[n % len(_GOODS)]} {_SIZES[(n // len(_GOODS)) % len(_SIZES)]}"
            templates.append({
                "name": f"{name} {n + 1}", "code": code, "type": "goods",
                "default_uom": unit, "sale_uom": unit, "salable": True,
                "list_price": price, "account_category": setup.account_category,
                "products": [["create", [{}]]],
            })
    if templates:
        client.model("product.template", "create", templates)
        existing = {row["code"]: row["id"] for row in client.model(
            "product.product", "search_read", [("code", "in", codes)], 0, None, None,
            ["code"])}
    return [existing[code] for code in codes]


def seed_customers(client: TrytonClient, count: int, *, with_credit_limit: int = 0,
                   credit_limit: Decimal = Decimal("1000"), seed: int = 11) -> list[int]:
    """Create customers ``CUST-0001`` … with one address each; return party ids.

    The first ``with_credit_limit`` of them get ``credit_limit``.
    """
    rng = random.Random(seed)
    countries = {row["code"]: row["id"] for row in client.model(
        "country.country", "search_read", [("code", "in", list(COUNTRIES))], 0, None,
        None, ["code"])}
    codes = [f"CUST-{n:04d}" for n in range(1, count + 1)]
    existing = _party_ids(client, codes)
    new = []
    for n, code in enumerate(codes):
        city, postal_code, country = _CITIES[n % len(_CITIES)]
        name = f"{_FIRST[n % len(_FIRST)]} {_LAST[(n // len(_FIRST)) % len(_LAST)]}"
        if code in existing:
            continue
        new.append({
            "name": f"{name} {n + 1}", "code": code,
            "addresses": [["create", [{
                "street": f"{rng.randrange(1, 300)} Market Street",
                "city": city, "postal_code": postal_code,
                "country": countries.get(country),
            }]]],
        })
    if new:
        client.model("party.party", "create", new)
        existing = _party_ids(client, codes)
    limited = [existing[code] for code in codes[:with_credit_limit]]
    if limited:
        client.model("party.party", "write", limited, {"credit_limit_amount": credit_limit})
    return [existing[code] for code in codes]


# --- steps --------------------------------------------------------------------


def _ensure_currency(client: TrytonClient, code: str) -> int:
    return _find_or_create(client, "currency.currency", [("code", "=", code)], {
        "code": code, "name": code, "symbol": code, "rounding": Decimal("0.01"),
        "digits": 2,
        "rates": [["create", [{"date": dt.date(1970, 1, 1), "rate": Decimal(1)}]]],
    })


def _ensure_company(client: TrytonClient, name: str, currency: int) -> int:
    found = client.model("company.company", "search", [], 0, 1, None)
    if found:
        company = found[0]
    else:
        party = _find_or_create(client, "party.party", [("name", "=", name)],
                                {"name": name})
        wizard = _Wizard(client, "company.company.config")
        wizard.goto("company")
        wizard.goto("add", {"company": {"party": party, "currency": currency}})
        wizard.close()
        company = client.model("company.company", "search", [], 0, 1, None)[0]
    client.refresh_context()
    if client.context.get("company") != company:
        raise ErpProtocolError(
            f"ERP user {client.settings.user!r} does not work for company {company}")
    return company


def _ensure_chart(client: TrytonClient, company: int) -> None:
    template = _one(client, "account.account.template", [("parent", "=", None)])
    chart = {"company": company, "account_template": template}
    if not client.model("account.account", "search", [("company", "=", company)],
                        0, 1, None):
        wizard = _Wizard(client, "account.create_chart")
        wizard.goto("account")
        wizard.goto("create_account", {"account": chart})
        wizard.close()
    config, = client.model("account.configuration", "read", [1],
                           ["default_account_receivable"])
    if config["default_account_receivable"] is None:
        accounts = _chart_accounts(client, company)
        wizard = _Wizard(client, "account.create_chart")
        wizard.goto("create_properties", {"account": chart, "properties": {
            "company": company,
            "account_receivable": accounts["receivable"],
            "account_payable": accounts["payable"],
            "category_account_expense": accounts["expense"],
            "category_account_revenue": accounts["revenue"],
        }})
        wizard.close()


def _chart_accounts(client: TrytonClient, company: int) -> dict[str, int]:
    accounts = {}
    for kind in ("receivable", "payable", "revenue", "expense"):
        domain: list[Any] = [(f"type.{kind}", "=", True), ("company", "=", company),
                             ("closed", "!=", True)]
        if kind in ("receivable", "payable"):
            domain.append(("party_required", "=", True))
        found = client.model("account.account", "search", domain, 0, 1,
                             [("code", "ASC"), ("id", "ASC")])
        if not found:
            raise ErpProtocolError(f"the chart of accounts has no {kind} account")
        accounts[kind] = found[0]
    return accounts


def _ensure_fiscal_year(client: TrytonClient, company: int, year: int) -> int:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found = client.model("account.fiscalyear", "search",
                         [("company", "=", company), ("start_date", "<=", start),
                          ("end_date", ">=", end)], 0, 1, None)
    if found:
        return found[0]
    move_type = _one(client, "ir.sequence.type", [("name", "=", "Account Move")])
    invoice_type = _one(client, "ir.sequence.type", [("name", "=", "Invoice")])
    move_seq, invoice_seq = client.model("ir.sequence.strict", "create", [
        {"name": f"Moves {year}", "sequence_type": move_type, "company": company},
        {"name": f"Invoices {year}", "sequence_type": invoice_type, "company": company},
    ])
    fiscal_year, = client.model("account.fiscalyear", "create", [{
        "name": str(year), "start_date": start, "end_date": end, "company": company,
        "move_sequence": move_seq,
        "invoice_sequences": [["create", [{
            "company": company,
            "out_invoice_sequence": invoice_seq, "in_invoice_sequence": invoice_seq,
            "out_credit_note_sequence": invoice_seq,
            "in_credit_note_sequence": invoice_seq,
        }]]],
    }])
    client.model("account.fiscalyear", "create_period", [fiscal_year])
    return fiscal_year


def _ensure_tax(client: TrytonClient, company: int, rate: Decimal) -> int:
    name = f"Sales tax {rate * 100:g}%"
    found = client.model("account.tax", "search",
                         [("company", "=", company), ("name", "=", name)], 0, 1, None)
    if found:
        return found[0]
    account = _tax_account(client, company)
    return client.model("account.tax", "create", [{
        "name": name, "description": name, "type": "percentage", "rate": rate,
        "company": company, "invoice_account": account, "credit_note_account": account,
    }])[0]


def _tax_account(client: TrytonClient, company: int) -> int:
    """A balance-sheet account for collected tax, preferring one named for tax."""
    domain: list[Any] = [("company", "=", company), ("type.statement", "=", "balance"),
                         ("closed", "!=", True), ("party_required", "=", False),
                         ("type", "!=", None)]
    order = [("code", "ASC"), ("id", "ASC")]
    found = (client.model("account.account", "search",
                          domain + [("type.name", "ilike", "%tax%")], 0, 1, order)
             or client.model("account.account", "search", domain, 0, 1, order))
    if not found:
        raise ErpProtocolError("the chart of accounts has no account for taxes")
    return found[0]


def _ensure_account_category(client: TrytonClient, company: int, tax: int) -> int:
    accounts = _chart_accounts(client, company)
    return _find_or_create(client, "product.category", [("name", "=", "Goods")], {
        "name": "Goods", "accounting": True,
        "account_expense": accounts["expense"], "account_revenue": accounts["revenue"],
        "customer_taxes": [["add", [tax]]],
    })


def _ensure_payment_term(client: TrytonClient) -> int:
    return _find_or_create(
        client, "account.invoice.payment_term", [("name", "=", "Direct")],
        {"name": "Direct", "lines": [["create", [{"type": "remainder"}]]]})


# --- helpers ------------------------------------------------------------------


class _Wizard:
    """Drive a Tryton wizard state by state, as the desktop client does."""

    def __init__(self, client: TrytonClient, name: str) -> None:
        self.client, self.name = client, name
        self.session, _start, _end = client.call(
            f"wizard.{name}.create", client.context)

    def goto(self, state: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.call(f"wizard.{self.name}.execute", self.session, data or {},
                                state, self.client.context)

    def close(self) -> None:
        self.client.call(f"wizard.{self.name}.delete", self.session, self.client.context)


def _one(client: TrytonClient, model: str, domain: list[Any]) -> int:
    found = client.model(model, "search", domain, 0, 2, None)
    if len(found) != 1:
        raise ErpProtocolError(
            f"expected one {model} matching {domain}, the ERP has {len(found)}")
    return found[0]


def _find_or_create(client: TrytonClient, model: str, domain: list[Any],
                    values: dict[str, Any]) -> int:
    found = client.model(model, "search", domain, 0, 1, None)
    if found:
        return found[0]
    return client.model(model, "create", [values])[0]


def _party_ids(client: TrytonClient, codes: list[str]) -> dict[str, int]:
    rows = client.model("party.party", "search_read",
                        [("code", "in", codes), ("active", "in", [True, False])],
                        0, None, None, ["code"])
    return {row["code"]: row["id"] for row in rows}
