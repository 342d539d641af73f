"""Customers, products, prices and credit in from the ERP.

One pass (:func:`pull_master_data`):

1. customers changed since the stored cursor (archived ones included) become
   accounts: a party the server has never seen becomes a ``customer`` account
   in the default territory (policy ``default_territory``) or unassigned; a
   known one gets its ERP-owned fields (name, address, credit limit) updated;
2. the same for products and their list prices;
3. credit figures for the customers that changed (all linked ones on a full
   pass), since credit moves without the party being written;
4. on a full pass (``full=True`` or when ``reconcile_interval`` has passed),
   the ERP's complete id lists: a linked row the ERP no longer has was deleted
   there; the product is deactivated, the account blocked (accounts have no
   archive flag; a blocked account cannot order).

Rows are written in chunks, each one transaction with its ops. A cursor is
stored only after every record of its batch was written; a record the CRM
cannot hold (a name too long, a price below zero) is left out, named in the
summary and the last error, and keeps the cursor where it was so the next pass
tries it again: nothing the ERP sent is silently lost. Upserts compare values,
so a record delivered twice writes nothing the second time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcrm.erp.connector import ErpConnector, ErpCustomer, ErpProduct
from fieldcrm.server.db import Database
from fieldcrm.server.erp import config
from fieldcrm.server.erp.publish import create_from_erp, update_from_erp
from fieldcrm.server.erp.tables import ErpLink
from fieldcrm.server.oplog import OpLog
from fieldcrm.storage.reference import Product, Territory
from fieldcrm.storage.sales import Account
from fieldcrm.storage.types import new_id, utcnow
from fieldcrm.storage.validation import ValidationError

CHUNK = 500
CREDIT_CHUNK = 1000
CRM_CODE_PREFIX = "CRM-"  # ERP customer code of a customer the CRM created: CRM-<account id>


@dataclass
class PullSummary:
    full: bool = False
    customers: int = 0  # records received
    products: int = 0
    created: int = 0  # rows the CRM did not have
    updated: int = 0  # rows whose ERP-owned fields changed
    deactivated: int = 0  # gone from the ERP
    credit_checked: int = 0
    refused: list[str] = field(default_factory=list)  # records the CRM cannot hold, with why
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class MasterData:
    """Applies ERP records to the server database, one chunk per transaction."""

    def __init__(self, db: Database):
        self.db = db

    # -- links -------------------------------------------------------------------
    @staticmethod
    def _links(session: Session, entity: str, refs: Iterable[str]) -> dict[str, ErpLink]:
        refs = list(refs)
        found: dict[str, ErpLink] = {}
        for start in range(0, len(refs), 900):
            part = refs[start:start + 900]
            found.update((link.erp_ref, link) for link in session.execute(
                select(ErpLink).where(ErpLink.entity == entity, ErpLink.erp_ref.in_(part))).scalars())
        return found

    @staticmethod
    def link(session: Session, entity: str, erp_ref: str, row_id: str, *, active: bool = True) -> None:
        current = session.get(ErpLink, (entity, erp_ref))
        if current is None:
            session.add(ErpLink(entity=entity, erp_ref=erp_ref, row_id=row_id, erp_active=active))
        else:
            current.row_id, current.erp_active, current.deleted_at = row_id, active, None

    def _account_for(self, session: Session, customer: ErpCustomer, link: Optional[ErpLink]) -> Optional[Account]:
        if link is not None:
            account = session.get(Account, link.row_id, with_for_update=True)
            if account is not None:
                return account
        account = session.execute(
            select(Account).where(Account.erp_ref == customer.erp_ref).limit(1)).scalar_one_or_none()
        if account is None and (customer.code or "").startswith(CRM_CODE_PREFIX):
            account = session.get(Account, customer.code[len(CRM_CODE_PREFIX):], with_for_update=True)
        return account

    # -- customers ------------------------------------------------------------------
    def apply_customers(self, customers: list[ErpCustomer], summary: PullSummary) -> bool:
        """Write the customers; returns False when any was refused."""
        clean = True
        for start in range(0, len(customers), CHUNK):
            part = customers[start:start + CHUNK]
            with self.db.write() as session:
                oplog = OpLog(session)
                territory = self._default_territory(session)
                links = self._links(session, "account", (c.erp_ref for c in part))
                for customer in part:
                    try:
                        with session.begin_nested():
                            self._apply_customer(session, oplog, customer, links.get(customer.erp_ref),
                                                 territory, summary)
                    except ValidationError as exc:
                        clean = False
                        summary.refused.append(f"customer {customer.erp_ref} ({customer.name[:60]}): "
                                               f"{exc.summary()}")
                oplog.flush()
        return clean

    def _apply_customer(self, session: Session, oplog: OpLog, customer: ErpCustomer,
                        link: Optional[ErpLink], territory: Optional[str], summary: PullSummary) -> None:
        values = {
            "erp_ref": customer.erp_ref, "name": customer.name, "street": customer.street,
            "city": customer.city, "postal_code": customer.postal_code, "country": customer.country,
            "credit_limit": customer.credit_limit,
        }
        account = self._account_for(session, customer, link)
        if account is None:
            if not customer.active:
                return  # an archived party the CRM never had: nothing to sell to
            account = create_from_erp(session, oplog, "account", {
                **values, "id": new_id(), "type": "customer", "territory_id": territory,
                "erp_blocked": False,
            })
            summary.created += 1
        else:
            if not customer.active:
                values["erp_blocked"] = True
            elif link is not None and not link.erp_active:
                values["erp_blocked"] = False  # restored in the ERP; credit decides below
            if update_from_erp(session, oplog, account, values):
                summary.updated += 1
        self.link(session, "account", customer.erp_ref, account.id, active=customer.active)

    def _default_territory(self, session: Session) -> Optional[str]:
        code = config.policy(session, "default_territory").strip()
        if not code:
            return None
        territory = session.execute(select(Territory).where(Territory.code == code)).scalar_one_or_none()
        if territory is None:
            raise ValueError(f"the default territory {code!r} for new ERP customers does not exist")
        return territory.id

    # -- products ---------------------------------------------------------------------
    def apply_products(self, products: list[ErpProduct], summary: PullSummary) -> bool:
        clean = True
        for start in range(0, len(products), CHUNK):
            part = products[start:start + CHUNK]
            with self.db.write() as session:
                oplog = OpLog(session)
                links = self._links(session, "product", (p.erp_ref for p in part))
                for product in part:
                    try:
                        with session.begin_nested():
                            self._apply_product(session, oplog, product, links.get(product.erp_ref), summary)
                    except ValidationError as exc:
                        clean = False
                        summary.refused.append(f"product {product.erp_ref} ({product.name[:60]}): "
                                               f"{exc.summary()}")
                oplog.flush()
        return clean

    def _apply_product(self, session: Session, oplog: OpLog, product: ErpProduct,
                       link: Optional[ErpLink], summary: PullSummary) -> None:
        values = {"erp_ref": product.erp_ref, "sku": product.sku, "name": product.name,
                  "unit": product.unit or "unit", "list_price": product.list_price,
                  "currency": product.currency or "USD", "active": product.active}
        row = session.get(Product, link.row_id, with_for_update=True) if link is not None else None
        if row is None:
            row = session.execute(
                select(Product).where(Product.erp_ref == product.erp_ref).limit(1)).scalar_one_or_none()
        if row is None:
            row = create_from_erp(session, oplog, "product", {**values, "id": new_id()})
            summary.created += 1
        elif update_from_erp(session, oplog, row, values):
            summary.updated += 1
        self.link(session, "product", product.erp_ref, row.id, active=product.active)

    # -- credit ---------------------------------------------------------------------------
    def refresh_credit(self, connector: ErpConnector, refs: Optional[list[str]], summary: PullSummary) -> None:
        """Credit limit, amount and block for these customers (None: every linked one)."""
        if refs is None:
            with self.db.read() as session:
                refs = list(session.execute(select(ErpLink.erp_ref).where(
                    ErpLink.entity == "account", ErpLink.deleted_at.is_(None))).scalars())
        for start in range(0, len(refs), CREDIT_CHUNK):
            part = refs[start:start + CREDIT_CHUNK]
            status = connector.credit_status(part)
            with self.db.write() as session:
                oplog = OpLog(session)
                links = self._links(session, "account", status)
                for ref, credit in status.items():
                    link = links.get(ref)
                    account = session.get(Account, link.row_id, with_for_update=True) if link else None
                    if account is None:
                        continue
                    summary.credit_checked += 1
                    values = {"credit_limit": credit.credit_limit, "credit_amount": credit.credit_amount,
                              "erp_blocked": credit.blocked or not link.erp_active}
                    try:
                        with session.begin_nested():
                            if update_from_erp(session, oplog, account, values):
                                summary.updated += 1
                    except ValidationError as exc:
                        summary.refused.append(f"credit of customer {ref}: {exc.summary()}")
                oplog.flush()

    # -- hard deletes --------------------------------------------------------------------
    def reconcile(self, connector: ErpConnector, summary: PullSummary) -> None:
        """Compare the ERP's full id lists with the links; deactivate what is gone."""
        for entity, refs in (("account", connector.customer_refs()), ("product", connector.product_refs())):
            with self.db.write() as session:
                oplog = OpLog(session)
                links = session.execute(select(ErpLink).where(
                    ErpLink.entity == entity, ErpLink.deleted_at.is_(None))).scalars().all()
                for link in links:
                    if link.erp_ref in refs:
                        continue
                    link.deleted_at, link.erp_active = utcnow(), False
                    cls = Account if entity == "account" else Product
                    row = session.get(cls, link.row_id, with_for_update=True)
                    if row is not None:
                        values = {"erp_blocked": True} if entity == "account" else {"active": False}
                        update_from_erp(session, oplog, row, values)
                    summary.deactivated += 1
                oplog.flush()


def pull_master_data(db: Database, connector: ErpConnector, *, full: Optional[bool] = None) -> PullSummary:
    """One pass; ``full=None`` runs the id scan when ``reconcile_interval`` has passed."""
    started = time.monotonic()
    data = MasterData(db)
    with db.read() as session:
        cursors = {name: config.get_value(session, f"cursor.{name}") for name in ("customers", "products")}
        last_full = config.get_time(session, "last_full_at")
        interval = config.policy_seconds(session, "reconcile_interval")
    if full is None:
        full = last_full is None or (interval > 0 and (utcnow() - last_full).total_seconds() >= interval)
    summary = PullSummary(full=full)

    customers = connector.pull_customers(cursors["customers"])
    summary.customers = len(customers.records)
    customers_clean = data.apply_customers(list(customers.records), summary)
    products = connector.pull_products(cursors["products"])
    summary.products = len(products.records)
    products_clean = data.apply_products(list(products.records), summary)
    data.refresh_credit(connector, None if full else [c.erp_ref for c in customers.records], summary)
    if full:
        data.reconcile(connector, summary)
    summary.seconds = time.monotonic() - started
    with db.write() as session:
        if customers_clean:
            config.set_value(session, "cursor.customers", customers.cursor)
        if products_clean:
            config.set_value(session, "cursor.products", products.cursor)
        now = utcnow()
        config.set_time(session, "last_pull_at", now)
        if full:
            config.set_time(session, "last_full_at", now)
        if summary.refused:
            config.set_value(session, "last_pull_refused", "\n".join(summary.refused[:50]))
        else:
            config.set_value(session, "last_pull_refused", None)
    return summary
