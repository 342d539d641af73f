"""The Tryton adapter against a real Tryton server on loopback (no mocks).

Only the malformed-answer tests use a tiny HTTP server of their own: a real
Tryton never sends broken JSON or a bare 503 on demand.
"""

from __future__ import annotations

import http.server
import threading
from decimal import Decimal

import pytest

from fieldcrm.erp.connector import (
    ErpAuthError,
    ErpConnector,
    ErpProtocolError,
    ErpRateLimited,
    ErpRejected,
    ErpUnavailable,
    NewCustomer,
    OrderLine,
    OrderRequest,
    OrderState,
)
from fieldcrm.erp.tryton import TrytonConnector
from fieldcrm.erp.tryton_rpc import TrytonSettings

pytestmark = pytest.mark.erp

ALL = ("active", "in", [True, False])
PRODUCTS, CUSTOMERS, CREDIT_LIMIT = 12, 8, 1000  # what the template holds


@pytest.fixture(autouse=True)
def _template_holds_what_these_tests_expect(tryton_seed):
    assert tryton_seed == {"products": PRODUCTS, "customers": CUSTOMERS,
                           "credit_limit": CREDIT_LIMIT}


def ref_of(erp, model, code):
    found = erp.client.model(model, "search", [("code", "=", code), ALL], 0, 1, None)
    assert found, f"seeded {model} {code} is missing"
    return str(found[0])


def count_sales(erp, crm_order_id):
    return erp.client.model("sale.sale", "search_count",
                            [("reference", "=", crm_order_id)])


def order(crm_id, customer, *lines):
    return OrderRequest(crm_id, customer, tuple(
        OrderLine(product, Decimal(qty), Decimal(price)) for product, qty, price in lines))


# --- master data --------------------------------------------------------------


def test_adapter_implements_the_connector_interface(erp):
    assert isinstance(erp, ErpConnector)


def test_customers_arrive_once_then_only_what_changed(erp):
    first = erp.pull_customers(None)
    seeded = {c.code: c for c in first.records if (c.code or "").startswith("CUST-")}
    assert len(seeded) == CUSTOMERS
    one = seeded["CUST-0001"]
    assert one.credit_limit == Decimal(CREDIT_LIMIT)
    assert seeded["CUST-0008"].credit_limit is None
    assert one.street and one.city and one.postal_code and one.country == "US"
    assert erp.pull_customers(first.cursor).records == ()

    party, = erp.client.model("party.party", "create", [{"name": "Quarry Tools"}])
    erp.client.model("party.party", "write", [int(seeded["CUST-0002"].erp_ref)],
                     {"name": "Birch Builders (renamed)"})
    second = erp.pull_customers(first.cursor)
    assert {c.name for c in second.records} == {"Quarry Tools", "Birch Builders (renamed)"}
    assert erp.pull_customers(second.cursor).records == ()

    erp.client.model("party.party", "write", [party], {"active": False})
    third = erp.pull_customers(second.cursor)
    assert [(c.erp_ref, c.active) for c in third.records] == [(str(party), False)]


def test_an_address_change_brings_the_customer_again(erp):
    cursor = erp.pull_customers(None).cursor
    customer = ref_of(erp, "party.party", "CUST-0003")
    address, = erp.client.model("party.party", "read", [int(customer)], ["addresses"])
    erp.client.model("party.address", "write", address["addresses"][:1],
                     {"city": "Bremen", "postal_code": "28195"})
    changed = erp.pull_customers(cursor).records
    assert [(c.erp_ref, c.city, c.postal_code) for c in changed] == [
        (customer, "Bremen", "28195")]


def test_products_arrive_with_prices_and_price_changes_come_through(erp):
    first = erp.pull_products(None)
    products = {p.sku: p for p in first.records}
    assert len(products) == PRODUCTS
    valve = products["FC-0001"]
    assert valve.list_price is not None and valve.list_price > 0
    assert (valve.currency, valve.unit, valve.active) == ("USD", "u", True)
    assert erp.pull_products(first.cursor).records == ()

    template, = erp.client.model("product.product", "read", [int(valve.erp_ref)],
                                 ["template"])
    erp.client.model("product.template", "write", [template["template"]],
                     {"list_price": Decimal("123.45")})
    erp.client.model("product.product", "write",
                     [int(products["FC-0002"].erp_ref)], {"active": False})
    changed = {p.sku: p for p in erp.pull_products(first.cursor).records}
    assert set(changed) == {"FC-0001", "FC-0002"}
    assert changed["FC-0001"].list_price == Decimal("123.45")
    assert changed["FC-0002"].active is False


def test_full_scan_reveals_hard_deleted_customers(erp):
    party, = erp.client.model("party.party", "create", [{"name": "Short Lived"}])
    archived = ref_of(erp, "party.party", "CUST-0004")
    erp.client.model("party.party", "write", [int(archived)], {"active": False})
    before = erp.customer_refs()
    assert {str(party), archived} <= before
    erp.client.model("party.party", "delete", [party])
    assert erp.customer_refs() == before - {str(party)}
    assert len(erp.product_refs()) == PRODUCTS


def test_created_customer_comes_back_in_the_next_pull(erp):
    cursor = erp.pull_customers(None).cursor
    ref = erp.create_customer(NewCustomer(
        name="Harbor Hotel", street="1 Quay Road", city="Leeds", postal_code="LS1 4AP",
        country="GB"))
    pulled, = erp.pull_customers(cursor).records
    assert (pulled.erp_ref, pulled.name, pulled.street, pulled.city, pulled.country) == (
        ref, "Harbor Hotel", "1 Quay Road", "Leeds", "GB")
    with pytest.raises(ErpRejected, match="country 'ZZ'"):
        erp.create_customer(NewCustomer(name="Nowhere Ltd", country="ZZ"))


# --- orders -------------------------------------------------------------------


def test_order_is_confirmed_and_processing_with_number_and_totals(erp):
    customer = ref_of(erp, "party.party", "CUST-0005")
    pump, filt = ref_of(erp, "product.product", "FC-0002"), ref_of(
        erp, "product.product", "FC-0003")
    status = erp.submit_order(order("crm-100", customer,
                                    (pump, "2", "40.00"), (filt, "3", "5.50")))
    assert status.state == OrderState.PROCESSING
    assert status.erp_number
    assert (status.untaxed, status.tax, status.total) == (
        Decimal("96.50"), Decimal("9.65"), Decimal("106.15"))
    assert erp.order_status("crm-100") == status
    assert erp.order_status("crm-never-sent") is None


def test_a_customer_tax_rule_of_the_erp_applies_to_the_order(erp):
    """Exempt customers: a rule that maps the sales tax to none leaves the order untaxed."""
    client = erp.client
    customer = ref_of(erp, "party.party", "CUST-0007")
    tax, = client.model("account.tax", "search", [], 0, 1, None)
    rule, = client.model("account.tax.rule", "create", [{
        "name": "Exempt", "kind": "sale", "company": client.context["company"],
        "lines": [["create", [{"origin_tax": tax, "tax": None}]]]}])
    client.model("party.party", "write", [int(customer)], {"customer_tax_rule": rule})
    pump = ref_of(erp, "product.product", "FC-0002")
    exempt = erp.submit_order(order("crm-150", customer, (pump, "2", "40.00")))
    assert (exempt.untaxed, exempt.tax, exempt.total) == (Decimal("80.00"), 0, Decimal("80.00"))
    taxed = erp.submit_order(order("crm-151", ref_of(erp, "party.party", "CUST-0006"), (pump, "2", "40.00")))
    assert (taxed.untaxed, taxed.tax, taxed.total) == (Decimal("80.00"), Decimal("8.00"), Decimal("88.00"))


def test_submitting_the_same_order_twice_creates_one_sale(erp):
    customer = ref_of(erp, "party.party", "CUST-0006")
    product = ref_of(erp, "product.product", "FC-0004")
    request = order("crm-200", customer, (product, "1", "10.00"))
    first = erp.submit_order(request)
    again = erp.submit_order(request)
    assert again == first
    assert count_sales(erp, "crm-200") == 1


def test_credit_limit_blocks_the_order_with_a_message_naming_the_limit(erp):
    customer = ref_of(erp, "party.party", "CUST-0001")
    product = ref_of(erp, "product.product", "FC-0005")
    # Exactly the limit is still accepted, and the customer is then blocked.
    accepted = erp.submit_order(order("crm-300", customer, (product, "10", "100.00")))
    assert accepted.state == OrderState.PROCESSING
    credit = erp.credit_status([customer])[customer]
    assert (credit.credit_limit, credit.credit_amount, credit.blocked) == (
        Decimal(CREDIT_LIMIT), Decimal("1000.00"), True)

    with pytest.raises(ErpRejected) as rejected:
        erp.submit_order(order("crm-301", customer, (product, "1", "20.00")))
    message = str(rejected.value)
    assert "credit limit" in message and "1000.00" in message
    assert "Alder Farms 1" in message and "crm-301" in message
    assert erp.order_status("crm-301").state == OrderState.QUOTATION

    # Once the limit is raised, sending the same order again goes through once.
    erp.client.model("party.party", "write", [int(customer)],
                     {"credit_limit_amount": Decimal(5000)})
    retried = erp.submit_order(order("crm-301", customer, (product, "1", "20.00")))
    assert retried.state == OrderState.PROCESSING
    assert count_sales(erp, "crm-301") == 1


def test_unknown_product_is_rejected_clearly_and_creates_nothing(erp):
    customer = ref_of(erp, "party.party", "CUST-0007")
    known = ref_of(erp, "product.product", "FC-0006")
    with pytest.raises(ErpRejected, match=r"does not know product\(s\) 999999"):
        erp.submit_order(order("crm-400", customer,
                               (known, "1", "1.00"), ("999999", "1", "1.00")))
    assert count_sales(erp, "crm-400") == 0


def test_unknown_customer_is_rejected(erp):
    product = ref_of(erp, "product.product", "FC-0006")
    with pytest.raises(ErpRejected, match="does not know customer 424242"):
        erp.submit_order(order("crm-401", "424242", (product, "1", "1.00")))



def archive(erp, model, ref):
    """Archive a record as a back-office user would, accepting Tryton's warning if it asks."""
    try:
        erp.client.model(model, "write", [int(ref)], {"active": False})
    except ErpRejected as asked:
        assert asked.warning, asked
        user, = erp.client.model("res.user", "search", [("login", "=", erp.client.settings.user)], 0, 1, None)
        erp.client.model("res.user.warning", "create", [{"user": user, "name": asked.warning, "always": False}])
        erp.client.model(model, "write", [int(ref)], {"active": False})


def test_changes_right_after_a_passed_check_are_still_rejected_clearly(erp):
    """Checks that passed are trusted for a few seconds; a customer or product the ERP
    archived or stopped selling in that time still gets its clear rejection, no sale left."""
    customer = ref_of(erp, "party.party", "CUST-0008")
    pump, filt, valve = (ref_of(erp, "product.product", code) for code in ("FC-0009", "FC-0010", "FC-0011"))
    assert erp.submit_order(order("crm-500", customer, (pump, "1", "10.00"), (filt, "1", "5.00"))).state \
        == OrderState.PROCESSING

    template, = erp.client.model("product.product", "read", [int(filt)], ["template"])
    erp.client.model("product.template", "write", [template["template"]], {"salable": False})
    with pytest.raises(ErpRejected, match=r"crm-501: product \[FC-0010\].* cannot be sold"):
        erp.submit_order(order("crm-501", customer, (filt, "1", "5.00")))
    assert count_sales(erp, "crm-501") == 0

    assert erp.submit_order(order("crm-502", customer, (pump, "1", "10.00"))).state == OrderState.PROCESSING
    archive(erp, "product.product", pump)
    with pytest.raises(ErpRejected, match=r"crm-503: product \[FC-0009\].* is archived in the ERP"):
        erp.submit_order(order("crm-503", customer, (pump, "1", "10.00")))
    assert count_sales(erp, "crm-503") == 0

    assert erp.submit_order(order("crm-504", customer, (valve, "1", "7.00"))).state == OrderState.PROCESSING
    archive(erp, "party.party", customer)
    with pytest.raises(ErpRejected, match=r"crm-505: customer .* is archived in the ERP"):
        erp.submit_order(order("crm-505", customer, (valve, "1", "7.00")))
    assert count_sales(erp, "crm-505") == 0


# --- failures -----------------------------------------------------------------


def test_wrong_password_is_an_auth_error(tryton_server):
    connector = TrytonConnector(tryton_server.settings(password="not-the-password"))
    with pytest.raises(ErpAuthError, match="wrong user name or password"):
        connector.pull_customers(None)


def test_expired_session_logs_in_again_transparently(erp):
    erp.pull_products(None)
    erp.client.call("common.db.logout")  # the server forgets our session
    assert len(erp.pull_products(None).records) == PRODUCTS


def test_stopped_server_means_unavailable(erp, tryton_server):
    erp.pull_products(None)
    tryton_server.stop()
    with pytest.raises(ErpUnavailable, match="cannot be reached"):
        erp.pull_products(None)


class _FakeErp(http.server.BaseHTTPRequestHandler):
    """Answers every POST with the status and body the test chose."""

    status, body, headers_to_send = 200, b"", {}

    def do_POST(self):  # noqa: N802 (http.server naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(self.status)
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_erp():
    """A loopback HTTP server whose single answer the test sets."""

    def serve(status, body, headers=None):
        handler = type("Handler", (_FakeErp,), {
            "status": status, "body": body, "headers_to_send": headers or {}})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return TrytonConnector(TrytonSettings(
            f"http://127.0.0.1:{server.server_port}", "db", "admin", "pw"))

    servers = []
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_answer_that_is_not_json_is_a_protocol_error(fake_erp):
    with pytest.raises(ErpProtocolError, match="not JSON"):
        fake_erp(200, b"<html>proxy error</html>").pull_customers(None)


def test_malformed_decimal_is_a_protocol_error(fake_erp):
    body = b'{"id": 1, "result": [{"__class__": "Decimal", "decimal": "ten"}, "s"]}'
    with pytest.raises(ErpProtocolError, match="malformed Decimal"):
        fake_erp(200, body).pull_customers(None)


def test_server_error_and_rate_limit_are_retryable(fake_erp):
    with pytest.raises(ErpUnavailable) as failed:
        fake_erp(503, b"").pull_customers(None)
    assert failed.value.retryable
    with pytest.raises(ErpRateLimited) as limited:
        fake_erp(429, b"", {"Retry-After": "7"}).pull_customers(None)
    assert limited.value.retry_after == 7.0


def test_confirmed_but_unprocessable_order_is_rejected_with_the_erp_reason(tryton_server):
    # Tryton answers "confirmed" and processes afterwards; here processing must
    # create an invoice for a product that has no accounts, so it fails.
    erp = TrytonConnector(tryton_server.settings(), processing_wait=0.5)
    m = erp.client.model
    unit, = m("product.uom", "search", [("symbol", "=", "u")], 0, 1, None)
    template, = m("product.template", "create", [{
        "name": "Loose Part", "type": "goods", "default_uom": unit, "sale_uom": unit,
        "salable": True, "list_price": Decimal(5), "products": [["create", [{}]]]}])
    product, = m("product.product", "search", [("template", "=", template)], 0, 1, None)
    m("sale.configuration", "write", [1], {"sale_invoice_method": "order"})
    request = order("crm-500", ref_of(erp, "party.party", "CUST-0008"),
                    (str(product), "1", "5.00"))

    with pytest.raises(ErpRejected, match="confirmed order crm-500 but cannot process "
                                          "it: .*Account Category.*Loose Part"):
        erp.submit_order(request)
    assert erp.order_status("crm-500").state == OrderState.CONFIRMED

    # The back office fixes the product; sending again completes the same sale.
    category, = m("product.category", "search", [("accounting", "=", True)], 0, 1, None)
    m("product.template", "write", [template], {"account_category": category})
    assert erp.submit_order(request).state == OrderState.PROCESSING
    assert count_sales(erp, "crm-500") == 1
    erp.close()
