"""The Tryton adapter: :class:`~fieldcrm.erp.connector.ErpConnector` over JSON-RPC.

Customers are Tryton parties, products are ``product.product`` variants with
the list price of their template, orders are ``sale.sale`` records whose
``reference`` holds the CRM order id.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Callable, TypeVar

from fieldcrm.erp.connector import (
    ChangeBatch,
    CreditStatus,
    ErpCustomer,
    ErpProduct,
    ErpProtocolError,
    ErpRejected,
    NewCustomer,
    OrderRequest,
    OrderStatus,
)
from fieldcrm.erp.tryton_order import OrderWriter
from fieldcrm.erp.tryton_rpc import TrytonClient, TrytonSettings

T = TypeVar("T")

# Archived records too, in sub-domains as well: Tryton adds ("active", "=", True)
# to every nested domain list that does not name "active" itself.
WITH_ARCHIVED = {"active_test": False}


class TrytonConnector:
    """Talks to one Tryton database as one user. Not thread-safe.

    ``overlap`` is how far back each incremental pull looks again, to catch
    rows written by transactions that committed after a previous pull but are
    stamped earlier (PostgreSQL stamps rows with the transaction's start
    time). Rows already delivered with the same stamp are not sent twice.
    """

    page_size = 500
    #: At most this many (id, stamp) pairs ride in a cursor; beyond it, the
    #: oldest rows of the overlap window may be delivered a second time.
    max_seen = 5000

    def __init__(self, settings: TrytonSettings, *,
                 overlap: dt.timedelta = dt.timedelta(minutes=10),
                 processing_wait: float = 5.0) -> None:
        self.client = TrytonClient(settings)
        self.overlap = overlap
        self._orders = OrderWriter(self.client, processing_wait=processing_wait)

    def close(self) -> None:
        self.client.close()

    # -- master data

    def pull_customers(self, cursor: str | None) -> ChangeBatch[ErpCustomer]:
        return self._pull(
            cursor, "party.party",
            ["name", "code", "active", "last_modified_at", "addresses",
             "credit_limit_amount"],
            lambda since: ["OR", ("last_modified_at", ">=", since),
                           ("addresses.last_modified_at", ">=", since)],
            self._customers_from_rows)

    def pull_products(self, cursor: str | None) -> ChangeBatch[ErpProduct]:
        return self._pull(
            cursor, "product.product",
            ["code", "name", "active", "last_modified_at", "list_price_used",
             "sale_uom.symbol", "default_uom.symbol", "template.active",
             "template.last_modified_at"],
            lambda since: ["OR", ("last_modified_at", ">=", since),
                           ("template.last_modified_at", ">=", since)],
            self._products_from_rows)

    def customer_refs(self) -> frozenset[str]:
        return self._all_refs("party.party")

    def product_refs(self) -> frozenset[str]:
        return self._all_refs("product.product")

    def credit_status(self, erp_refs: list[str]) -> dict[str, CreditStatus]:
        ids = [int(ref) for ref in erp_refs if ref.isdigit()]
        if not ids:
            return {}
        rows = self.client.model(
            "party.party", "search_read", [("id", "in", ids)], 0, None, None,
            ["credit_limit_amount", "credit_amount", "receivable", "currency.code"],
            context=WITH_ARCHIVED)
        result = {}
        for row in rows:
            limit = _decimal_or_none(row, "credit_limit_amount")
            amount = _decimal_or_none(row, "credit_amount") or Decimal(0)
            result[str(row["id"])] = CreditStatus(
                erp_ref=str(row["id"]),
                credit_limit=limit,
                credit_amount=amount,
                receivable=_decimal_or_none(row, "receivable") or Decimal(0),
                blocked=limit is not None and amount >= limit,
                currency=_related(row, "currency", "code") or "",
            )
        return result

    def create_customer(self, customer: NewCustomer) -> str:
        address: dict[str, Any] = {
            "street": customer.street, "city": customer.city,
            "postal_code": customer.postal_code,
        }
        if customer.country:
            found = self.client.model("country.country", "search",
                                      [("code", "=", customer.country.upper())],
                                      0, 1, None)
            if not found:
                raise ErpRejected(
                    f"The ERP does not know the country {customer.country!r} of "
                    f"customer {customer.name!r}.")
            address["country"] = found[0]
        values: dict[str, Any] = {"name": customer.name,
                                  "addresses": [["create", [address]]]}
        if customer.code:
            values["code"] = customer.code
        party_id, = self.client.model("party.party", "create", [values])
        return str(party_id)

    # -- orders

    def submit_order(self, order: OrderRequest) -> OrderStatus:
        return self._orders.submit(order)

    def order_status(self, crm_order_id: str) -> OrderStatus | None:
        return self._orders.status(crm_order_id)

    # -- incremental pull

    def _pull(self, cursor: str | None, model: str, fields: list[str],
              changed_since: Callable[[dt.datetime], list[Any]],
              convert: Callable[[list[dict[str, Any]]], list[tuple[T, dt.datetime]]],
              ) -> ChangeBatch[T]:
        mark, seen = _decode_cursor(cursor)
        since = mark - self.overlap if mark else None
        delivered: list[T] = []
        stamps: dict[int, dt.datetime] = {}
        last_id = 0
        while True:
            domain: list[Any] = [("id", ">", last_id)]
            if since is not None:
                domain.append(changed_since(since))
            rows = self.client.model(model, "search_read", domain, 0, self.page_size,
                                     [("id", "ASC")], fields, context=WITH_ARCHIVED)
            if not isinstance(rows, list):
                raise ErpProtocolError(f"the ERP sent {type(rows).__name__} for {model}")
            for row, (record, stamp) in zip(rows, convert(rows)):
                stamps[row["id"]] = stamp
                if seen.get(row["id"]) != stamp:
                    delivered.append(record)
            if len(rows) < self.page_size:
                break
            last_id = rows[-1]["id"]
        new_mark = max([mark, *stamps.values()], key=lambda d: d or dt.datetime.min)
        keep_from = new_mark - self.overlap if new_mark else None
        recent = sorted(((stamp, rid) for rid, stamp in stamps.items()
                         if keep_from is not None and stamp >= keep_from), reverse=True)
        window = {rid: stamp for stamp, rid in recent[:self.max_seen]}
        return ChangeBatch(tuple(delivered), _encode_cursor(new_mark, window))

    def _customers_from_rows(self, rows: list[dict[str, Any]]
                             ) -> list[tuple[ErpCustomer, dt.datetime]]:
        address_ids = [a for row in rows for a in row.get("addresses") or []]
        addresses = {}
        if address_ids:
            for addr in self.client.model(
                    "party.address", "read", address_ids,
                    ["street", "city", "postal_code", "country.code", "invoice",
                     "last_modified_at"]):
                addresses[addr["id"]] = addr
        result = []
        for row in rows:
            own = [addresses[a] for a in row.get("addresses") or [] if a in addresses]
            chosen = next((a for a in own if a.get("invoice")), own[0] if own else {})
            stamp = max([_stamp(row), *(_stamp(a) for a in own)])
            result.append((ErpCustomer(
                erp_ref=str(row["id"]),
                name=_text(row, "name"),
                code=row.get("code") or None,
                street=chosen.get("street") or None,
                city=chosen.get("city") or None,
                postal_code=chosen.get("postal_code") or None,
                country=_related(chosen, "country", "code"),
                credit_limit=_decimal_or_none(row, "credit_limit_amount"),
                active=bool(row.get("active")),
                changed_at=stamp.replace(tzinfo=dt.timezone.utc),
            ), stamp))
        return result

    def _products_from_rows(self, rows: list[dict[str, Any]]
                            ) -> list[tuple[ErpProduct, dt.datetime]]:
        currency = self._company_currency()
        result = []
        for row in rows:
            template = row.get("template.") or {}
            stamp = max(_stamp(row), _stamp(template))
            unit = _related(row, "sale_uom", "symbol") or _related(
                row, "default_uom", "symbol")
            result.append((ErpProduct(
                erp_ref=str(row["id"]),
                sku=row.get("code") or None,
                name=_text(row, "name"),
                unit=unit or "",
                list_price=_decimal_or_none(row, "list_price_used"),
                currency=currency,
                active=bool(row.get("active")) and bool(template.get("active", True)),
                changed_at=stamp.replace(tzinfo=dt.timezone.utc),
            ), stamp))
        return result

    def _company_currency(self) -> str:
        company = self.client.context.get("company")
        if not company:
            raise ErpProtocolError(
                f"ERP user {self.client.settings.user!r} has no current company")
        row, = self.client.model("company.company", "read", [company], ["currency.code"])
        return _related(row, "currency", "code") or ""

    def _all_refs(self, model: str) -> frozenset[str]:
        refs: set[str] = set()
        last_id = 0
        page = 10_000
        while True:
            ids = self.client.model(model, "search", [("id", ">", last_id)], 0,
                                    page, [("id", "ASC")], context=WITH_ARCHIVED)
            if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
                raise ErpProtocolError(f"the ERP sent unreadable ids for {model}")
            refs.update(str(i) for i in ids)
            if len(ids) < page:
                return frozenset(refs)
            last_id = ids[-1]


# --- cursor -------------------------------------------------------------------


def _encode_cursor(mark: dt.datetime | None, seen: dict[int, dt.datetime]) -> str:
    return json.dumps({
        "v": 1,
        "mark": mark.isoformat() if mark else None,
        "seen": {str(rid): stamp.isoformat() for rid, stamp in sorted(seen.items())},
    }, separators=(",", ":"))


def _decode_cursor(cursor: str | None) -> tuple[dt.datetime | None, dict[int, dt.datetime]]:
    if cursor is None:
        return None, {}
    try:
        data = json.loads(cursor)
        if data.get("v") != 1:
            raise ValueError("unknown version")
        mark = dt.datetime.fromisoformat(data["mark"]) if data["mark"] else None
        seen = {int(k): dt.datetime.fromisoformat(v) for k, v in data["seen"].items()}
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"not a Tryton pull cursor: {cursor[:80]!r}") from exc
    return mark, seen


# --- reading rows -------------------------------------------------------------


def _stamp(row: dict[str, Any]) -> dt.datetime:
    value = row.get("last_modified_at")
    if not isinstance(value, dt.datetime):
        raise ErpProtocolError(f"the ERP sent no modification time for record {row!r}")
    return value


def _text(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if not isinstance(value, str):
        raise ErpProtocolError(f"the ERP sent no {name} for record {row.get('id')}")
    return value


def _related(row: dict[str, Any], name: str, field: str) -> Any:
    return (row.get(f"{name}.") or {}).get(field)


def _decimal_or_none(row: dict[str, Any], name: str) -> Decimal | None:
    value = row.get(name)
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    raise ErpProtocolError(f"the ERP sent {value!r} for {name}, not an amount")


__all__ = ["TrytonConnector", "TrytonSettings"]
