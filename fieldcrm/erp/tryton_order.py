"""Placing CRM orders as Tryton sales, at most once per CRM order id.

The CRM order id is stored in the sale's ``reference``. Submitting looks for
that sale first, so a retry after a crash or a lost answer continues the same
sale instead of creating a second one:

* none yet: create it (draft) with the requested lines;
* draft or quotation (an earlier try stopped there, e.g. on a credit block):
  put it back to draft and replace its lines with the requested ones;
* then quote, confirm, and make sure Tryton really started processing it;
* confirmed, processing or done: report it as it is.

Orders must be sent one at a time per CRM order id (the server's job worker
does); two concurrent first submissions of the same id could both create.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from fieldcrm.erp.connector import (
    ErpProtocolError,
    ErpRejected,
    ErpUnavailable,
    OrderRequest,
    OrderState,
    OrderStatus,
)
from fieldcrm.erp.tryton_rpc import TrytonClient

_WITH_ARCHIVED = {"active_test": False}
_STATUS_FIELDS = ["reference", "number", "state", "untaxed_amount", "tax_amount",
                  "total_amount", "currency.code"]
# A sale line's unit and taxes are read with the checks. When the party has no
# tax rule and the product an accounting category, Tryton's
# ``sale.line.on_change_product`` gives exactly the product's sale unit and its
# category's customer taxes; only otherwise is it asked, one call per line.
_CUSTOMER_FIELDS = ["name", "active", "addresses", "customer_tax_rule"]
_PRODUCT_FIELDS = ["rec_name", "active", "salable", "sale_uom", "template.account_category",
                   "template.account_category.customer_taxes_used"]
_ACCEPTED = {OrderState.PROCESSING, OrderState.DONE}
# With checks remembered, the sale is read back for these while it is quoted.
_VERIFY_FIELDS = ["party.active", "lines.product.active", "lines.product.salable"]


class OrderWriter:
    def __init__(self, client: TrytonClient, *, processing_wait: float = 5.0,
                 check_ttl: float = 30.0) -> None:
        self.client = client
        self.processing_wait = processing_wait
        # Customer and product checks that passed are trusted this many seconds.
        self.check_ttl = check_ttl
        self._checked: dict[tuple[str, int | None], tuple[float, dict[str, Any]]] = {}
        self._currencies: dict[int, int] = {}  # company id -> its currency id

    def status(self, crm_order_id: str) -> OrderStatus | None:
        found = self._find(crm_order_id)
        return _status_from_row(found) if found else None

    def submit(self, order: OrderRequest) -> OrderStatus:
        if not order.lines:
            raise ErpRejected(f"Order {order.crm_order_id} has no lines.")
        recent = self._recent_checks(order)
        if recent is None:
            # The lookup and both checks are reads: sent together, they cost one wait.
            found, customers, products = self.client.read_together(
                self._find_call(order.crm_order_id), self._customer_call(order), self._products_call(order))
        else:
            (found,), (customers, products) = self.client.read_together(
                self._find_call(order.crm_order_id)), recent
        found = _first_live(found)
        created = found is None
        try:
            if created:
                values, customer = self._sale_values(order, customers)
                values["lines"] = [["create", self._line_values(order, values, customer, products)]]
                sale, = self.client.model("sale.sale", "create", [values])
            else:
                sale, current = found["id"], _status_from_row(found)
                if current.state in (OrderState.CANCELLED, *_ACCEPTED):
                    return current
                if current.state == OrderState.CONFIRMED:
                    return self._ensure_processing(order, sale)
                if current.state == OrderState.QUOTATION:
                    self._button(order, "draft", sale)
                self._replace_lines(order, sale, found["lines"], customers, products)
        except ErpRejected as exc:
            if recent is None or exc.message.startswith(f"Order {order.crm_order_id}:"):
                raise
            self._recheck(order)  # a remembered check went stale: name what changed
            raise ErpRejected(f"The ERP did not accept order {order.crm_order_id}: {exc.message}",
                              warning=exc.warning) from exc
        if recent is None:
            self._remember(customers, products)
            self._button(order, "quote", sale)
        else:
            self._quote_and_verify(order, sale, created)
        self._button(order, "confirm", sale)
        return self._ensure_processing(order, sale)

    # -- checks remembered for a short while

    def _recent_checks(self, order: OrderRequest) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
        """The customer and product rows as checks passed them less than ``check_ttl``
        seconds ago, or None when any is missing or older."""
        now = time.monotonic()
        keys = [("party.party", _int_ref(order.customer_erp_ref))] + [
            ("product.product", _int_ref(ref)) for ref in {line.product_erp_ref for line in order.lines}]
        rows = []
        for key in keys:
            kept = self._checked.get(key)
            if kept is None or kept[0] < now:
                return None
            rows.append(kept[1])
        return rows[:1], rows[1:]

    def _remember(self, customers: list[dict[str, Any]], products: list[dict[str, Any]]) -> None:
        if self.check_ttl <= 0:
            return
        until = time.monotonic() + self.check_ttl
        if len(self._checked) > 10_000:
            self._checked.clear()
        for model, rows in (("party.party", customers), ("product.product", products)):
            for row in rows:
                self._checked[(model, row["id"])] = (until, row)

    def _forget(self, order: OrderRequest) -> None:
        self._checked.pop(("party.party", _int_ref(order.customer_erp_ref)), None)
        for line in order.lines:
            self._checked.pop(("product.product", _int_ref(line.product_erp_ref)), None)

    def _recheck(self, order: OrderRequest) -> None:
        """Checks the customer and products afresh; raises ErpRejected naming the one
        that is no longer acceptable."""
        self._forget(order)
        customers, products = self.client.read_together(self._customer_call(order), self._products_call(order))
        values, customer = self._sale_values(order, customers)
        self._line_values(order, values, customer, products)

    def _quote_and_verify(self, order: OrderRequest, sale: int, created: bool) -> None:
        """With remembered checks: quote and, at the same time, read whether the sale's
        customer and products are still active and salable (Tryton itself accepts an
        archived party or product on a sale). A stale one takes the sale back out."""
        try:
            _, rows = self.client.read_together(
                ("sale.sale", "quote", [[sale]], None),
                ("sale.sale", "read", [[sale], _VERIFY_FIELDS], _WITH_ARCHIVED))
        except ErpRejected as exc:
            raise ErpRejected(f"The ERP did not accept order {order.crm_order_id}: {exc.message}",
                              warning=exc.warning) from exc
        row, = rows
        party = row.get("party.") or {}
        stale = not party.get("active") or any(
            not (line.get("product.") or {}).get("active") or not (line.get("product.") or {}).get("salable")
            for line in row.get("lines.") or [])
        if not stale:
            return
        if created:  # nothing of this order stays behind
            self.client.model("sale.sale", "cancel", [sale])
            self.client.model("sale.sale", "delete", [sale])
        else:
            self.client.model("sale.sale", "draft", [sale])
        self._recheck(order)
        raise ErpRejected(f"Order {order.crm_order_id}: its customer or a product changed in the ERP.")

    # -- steps

    def _find(self, crm_order_id: str) -> dict[str, Any] | None:
        """The sale holding this CRM order id (a live one first), with its status and lines."""
        model, method, params, context = self._find_call(crm_order_id)
        return _first_live(self.client.model(model, method, *params, context=context))

    @staticmethod
    def _find_call(crm_order_id: str) -> tuple[str, str, list[Any], dict[str, Any] | None]:
        return ("sale.sale", "search_read", [[("reference", "=", crm_order_id)], 0, None,
                                             [("id", "ASC")], [*_STATUS_FIELDS, "lines"]], None)

    @staticmethod
    def _customer_call(order: OrderRequest) -> tuple[str, str, list[Any], dict[str, Any] | None]:
        party = _int_ref(order.customer_erp_ref) or -1  # not a number: no such party
        return ("party.party", "search_read", [[("id", "=", party)], 0, 1, None, _CUSTOMER_FIELDS],
                _WITH_ARCHIVED)

    @staticmethod
    def _products_call(order: OrderRequest) -> tuple[str, str, list[Any], dict[str, Any] | None]:
        ids = [i for i in (_int_ref(line.product_erp_ref) for line in order.lines) if i]
        return ("product.product", "search_read", [[("id", "in", ids)], 0, None, None, _PRODUCT_FIELDS],
                _WITH_ARCHIVED)

    def _sale_values(self, order: OrderRequest,
                     rows: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The sale's header values, and the customer (``rows``: as its check read it)."""
        party = _int_ref(order.customer_erp_ref)
        if not rows:
            raise ErpRejected(
                f"Order {order.crm_order_id}: the ERP does not know customer "
                f"{order.customer_erp_ref}.")
        customer = rows[0]
        if not customer["active"]:
            raise ErpRejected(
                f"Order {order.crm_order_id}: customer {customer['name']} is archived "
                "in the ERP.")
        if not customer["addresses"]:
            raise ErpRejected(
                f"Order {order.crm_order_id}: customer {customer['name']} has no "
                "address in the ERP.")
        context = self.client.context
        company = context.get("company")
        if not company:
            raise ErpProtocolError(
                f"ERP user {self.client.settings.user!r} has no current company")
        if company not in self._currencies:
            row, = self.client.model("company.company", "read", [company], ["currency"])
            self._currencies[company] = row["currency"]
        values: dict[str, Any] = {
            "party": party, "company": company, "currency": self._currencies[company],
            "reference": order.crm_order_id,
            "invoice_address": customer["addresses"][0],
            "shipment_address": customer["addresses"][0],
        }
        if order.order_date:
            values["sale_date"] = order.order_date
        if order.description:
            values["description"] = order.description
        return values, customer

    def _line_values(self, order: OrderRequest, sale: dict[str, Any], customer: dict[str, Any],
                     product_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        products = self._checked_products(order, product_rows)
        lines = []
        for line in order.lines:
            product = int(line.product_erp_ref)
            if line.quantity <= 0:
                raise ErpRejected(f"Order {order.crm_order_id}: quantity "
                                  f"{line.quantity} is not a positive quantity.")
            category = (products[product].get("template.") or {}).get("account_category.")
            if customer.get("customer_tax_rule") is None and category:
                lines.append({
                    "type": "line", "product": product, "quantity": float(line.quantity),
                    "unit": products[product]["sale_uom"], "unit_price": line.unit_price,
                    "taxes": [["add", _ids(category.get("customer_taxes_used"))]],
                })
                continue
            changes = self.client.model("sale.line", "on_change_product", {
                "product": product, "quantity": float(line.quantity), "type": "line",
                "unit": None, "unit_price": None, "taxes": [],
                "_parent_sale.party": sale["party"],
                "_parent_sale.currency": sale["currency"],
                "_parent_sale.company": sale["company"],
                "_parent_sale.sale_date": sale.get("sale_date"),
            })
            lines.append({
                "type": "line", "product": product, "quantity": float(line.quantity),
                "unit": changes.get("unit"), "unit_price": line.unit_price,
                "taxes": [["add", _added_ids(changes.get("taxes"))]],
            })
        return lines

    @staticmethod
    def _checked_products(order: OrderRequest, rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
        """The order's products by id (``rows``: as their check read them); raises
        ErpRejected naming an unknown, archived or unsalable one."""
        ids = {ref: _int_ref(ref) for ref in {line.product_erp_ref for line in order.lines}}
        by_id = {row["id"]: row for row in rows}
        unknown = sorted(ref for ref, i in ids.items() if i not in by_id)
        if unknown:
            raise ErpRejected(
                f"Order {order.crm_order_id}: the ERP does not know product(s) "
                f"{', '.join(unknown)}.")
        for row in by_id.values():
            if not row["active"]:
                raise ErpRejected(f"Order {order.crm_order_id}: product "
                                  f"{row['rec_name']} is archived in the ERP.")
            if not row["salable"]:
                raise ErpRejected(f"Order {order.crm_order_id}: product "
                                  f"{row['rec_name']} cannot be sold.")
        return by_id

    def _replace_lines(self, order: OrderRequest, sale: int, old_lines: list[int],
                       customers: list[dict[str, Any]], products: list[dict[str, Any]]) -> None:
        values, customer = self._sale_values(order, customers)
        values["lines"] = [["delete", old_lines],
                           ["create", self._line_values(order, values, customer, products)]]
        self.client.model("sale.sale", "write", [sale], values)

    def _button(self, order: OrderRequest, name: str, sale: int) -> None:
        try:
            self.client.model("sale.sale", name, [sale])
        except ErpRejected as exc:
            if name == "process":
                why = f"The ERP confirmed order {order.crm_order_id} but cannot process it"
            else:
                why = f"The ERP did not accept order {order.crm_order_id}"
            raise ErpRejected(f"{why}: {exc.message}", warning=exc.warning) from exc

    def _ensure_processing(self, order: OrderRequest, sale: int) -> OrderStatus:
        """Confirming queues the processing; see that it happened, or why not."""
        deadline = time.monotonic() + self.processing_wait
        while True:
            status = self._read_status(sale)
            if status.state != OrderState.CONFIRMED:
                break
            if time.monotonic() >= deadline:
                # Run the processing ourselves: its error, if any, names the cause.
                self._button(order, "process", sale)
                status = self._read_status(sale)
                break
            time.sleep(0.2)
        if status.state in _ACCEPTED:
            return status
        if status.state == OrderState.CONFIRMED:
            raise ErpUnavailable(f"The ERP confirmed order {order.crm_order_id} "
                                 "but has not processed it yet.")
        raise ErpRejected(f"The ERP left order {order.crm_order_id} in state "
                          f"{status.state.value}.")

    def _read_status(self, sale: int) -> OrderStatus:
        row, = self.client.model("sale.sale", "read", [sale], _STATUS_FIELDS)
        return _status_from_row(row)


def _first_live(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Of the sales with one reference, the first not cancelled, else the first."""
    live = [r for r in rows if r["state"] != "cancelled"]
    if live:
        return live[0]
    return rows[0] if rows else None


def _status_from_row(row: dict[str, Any]) -> OrderStatus:
    try:
        return OrderStatus(
            crm_order_id=row["reference"] or "",
            erp_ref=str(row["id"]),
            erp_number=row["number"] or None,
            state=OrderState(row["state"]),
            untaxed=_amount(row["untaxed_amount"]),
            tax=_amount(row["tax_amount"]),
            total=_amount(row["total_amount"]),
            currency=(row.get("currency.") or {}).get("code") or "",
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ErpProtocolError(f"the ERP sent an unreadable sale {row.get('id')}: {exc}") from exc


def _int_ref(ref: str) -> int | None:
    return int(ref) if ref.isdigit() else None


def _amount(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, (Decimal, int)):
        return Decimal(value)
    raise TypeError(f"{value!r} is not an amount")


def _ids(value: Any) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(i, int) for i in value):
        raise ErpProtocolError(f"the ERP sent unreadable ids: {value!r}")
    return value


def _added_ids(taxes: Any) -> list[int]:
    """Tax ids from an on_change answer: ``{"add": [[index, {"id": 1}], ...]}``."""
    if not taxes:
        return []
    try:
        return [int(entry[1]["id"]) for entry in taxes.get("add", [])]
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        raise ErpProtocolError(f"the ERP sent unreadable taxes: {taxes!r}") from exc
