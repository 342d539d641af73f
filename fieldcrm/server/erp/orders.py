"""A CRM sales order as an ERP order, and the ERP's answer written back.

What the laptop sees, all as server changes on the order:

| outcome | ``status`` | ``erp_state`` | other fields |
| --- | --- | --- | --- |
| the ERP cannot be reached, is slow, refuses our login | stays ``submitted`` | ``waiting`` | |
| the ERP holds it but has not confirmed it | ``accepted`` | ERP state (``draft``, ``quotation``, ``confirmed``) | number, totals |
| confirmed and processing (or done) in the ERP | ``confirmed`` | ``processing`` / ``done`` | number, totals |
| refused by the ERP (credit limit, unknown product, closed period) or unsendable | ``rejected`` | ``rejected`` | ``rejection_reason`` |

Totals are the ERP's (its prices and taxes win); the CRM's unit prices are
what is asked for. A line without a unit price asks for the product's list
price.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcrm.erp.connector import NewCustomer, OrderLine, OrderRequest, OrderState, OrderStatus
from fieldcrm.server.erp.masterdata import CRM_CODE_PREFIX
from fieldcrm.server.erp.publish import update_from_erp
from fieldcrm.server.oplog import OpLog
from fieldcrm.storage.reference import Product
from fieldcrm.storage.sales import Account, SalesOrder, SalesOrderLine

WAITING, REJECTED = "waiting", "rejected"
STATUS_OF_STATE = {
    OrderState.DRAFT: "accepted", OrderState.QUOTATION: "accepted", OrderState.CONFIRMED: "accepted",
    OrderState.PROCESSING: "confirmed", OrderState.DONE: "confirmed", OrderState.CANCELLED: "cancelled",
}
SENDABLE = ("submitted",)


class Unsendable(Exception):
    """The CRM order cannot become an ERP order as it stands; the message says why."""


class NeedsCustomer(Exception):
    """The order's account is not in the ERP yet and may be created there."""

    def __init__(self, account_id: str):
        super().__init__(account_id)
        self.account_id = account_id


def order_request(session: Session, order: SalesOrder, *, may_create_customer: bool) -> OrderRequest:
    """The ERP request for this order; raises Unsendable or NeedsCustomer."""
    account = session.get(Account, order.account_id)
    if account is None:
        raise Unsendable("the order's account no longer exists")
    if not account.erp_ref:
        if may_create_customer and account.type == "customer":
            raise NeedsCustomer(account.id)
        raise Unsendable(f"account {account.name} is not linked to an ERP customer; "
                         "ask the back office to create it in the ERP")
    lines = session.execute(select(SalesOrderLine).where(SalesOrderLine.order_id == order.id)
                            .order_by(SalesOrderLine.id)).scalars().all()
    if not lines:
        raise Unsendable("the order has no lines")
    wanted = []
    for number, line in enumerate(lines, start=1):
        product = session.get(Product, line.product_id)
        if product is None:
            raise Unsendable(f"line {number}: its product no longer exists")
        if not product.erp_ref:
            raise Unsendable(f"product {product.name} is not an ERP product")
        price = line.unit_price if line.unit_price is not None else product.list_price
        if price is None:
            raise Unsendable(f"product {product.name} has no price")
        wanted.append(OrderLine(product.erp_ref, Decimal(line.quantity), Decimal(price)))
    return OrderRequest(crm_order_id=order.id, customer_erp_ref=account.erp_ref, lines=tuple(wanted),
                        order_date=order.order_date, description=(order.notes or None) and order.notes[:200])


def new_customer(account: Account) -> NewCustomer:
    """The ERP customer for a CRM account; its code names the account, so a retry finds it."""
    return NewCustomer(name=account.name, street=account.street, city=account.city,
                       postal_code=account.postal_code,
                       country=account.country if account.country and len(account.country) == 2 else None,
                       code=f"{CRM_CODE_PREFIX}{account.id}")


def write_status(session: Session, oplog: OpLog, order: SalesOrder, status: OrderStatus) -> bool:
    return update_from_erp(session, oplog, order, {
        "status": STATUS_OF_STATE[status.state], "erp_state": status.state.value,
        "erp_number": status.erp_number, "total_untaxed": status.untaxed, "total_tax": status.tax,
        "total": status.total, "rejection_reason": None,
    })


def write_rejected(session: Session, oplog: OpLog, order: SalesOrder, reason: str) -> bool:
    return update_from_erp(session, oplog, order, {
        "status": "rejected", "erp_state": REJECTED, "rejection_reason": reason[:2000],
    })


def write_waiting(session: Session, oplog: OpLog, order: SalesOrder) -> bool:
    """Sent to the ERP, waiting for it: not failed. Written once, not per retry."""
    if order.status not in SENDABLE:
        return False
    return update_from_erp(session, oplog, order, {"erp_state": WAITING})


def locked_order(session: Session, order_id: str) -> Optional[SalesOrder]:
    return session.get(SalesOrder, order_id, with_for_update=True)
