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

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fieldcrm.erp.connector import CreditStatus, ErpConnector, ErpCustomer, ErpProduct
from fieldcrm.server.db import Database
from fieldcrm.server.erp import config
from fieldcrm.server.erp.publish import ErpChanges
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

    @staticmethod
    def _write_links(session: Session, entity: str, found: dict[str, ErpLink],
                     wanted: dict[str, tuple[str, bool]]) -> None:
        """Link each ERP ref to its row: ``wanted`` maps ref -> (row id, still active in the ERP)."""
        new = []
        for ref, (row_id, active) in wanted.items():
            current = found.get(ref)
            if current is None:
                new.append({"entity": entity, "erp_ref": ref, "row_id": row_id, "erp_active": active})
            elif (current.row_id, current.erp_active, current.deleted_at) != (row_id, active, None):
                current.row_id, current.erp_active, current.deleted_at = row_id, active, None
        if new:
            session.execute(insert(ErpLink), new)

    @staticmethod
    def _rows_by_ref(session: Session, cls: type, refs: list[str], links: dict[str, ErpLink],
                     codes: Optional[dict[str, str]] = None) -> dict[str, Any]:
        """The CRM row of each ERP ref: by its link, else by ``erp_ref``, else by the row id
        its ERP code names (``codes``: ref -> row id), each read for all refs at once."""
        by_id = _locked_rows(session, cls.id, [links[r].row_id for r in refs if r in links])
        found = {r: by_id[links[r].row_id] for r in refs if r in links and links[r].row_id in by_id}
        for row in _locked_rows(session, cls.erp_ref, [r for r in refs if r not in found]).values():
            found.setdefault(row.erp_ref, row)
        wanted = {ref: row_id for ref, row_id in (codes or {}).items() if ref not in found}
        by_id = _locked_rows(session, cls.id, wanted.values())
        found.update((ref, by_id[row_id]) for ref, row_id in wanted.items() if row_id in by_id)
        return found

    # -- customers ------------------------------------------------------------------
    def apply_customers(self, customers: list[ErpCustomer], summary: PullSummary,
                        credit_from: Optional[ErpConnector] = None) -> tuple[bool, set[str]]:
        """Write the customers, with their credit read from ``credit_from`` page by page.

        Returns whether none was refused, and the refs whose credit was written.
        """
        clean, credited = True, set()
        for start in range(0, len(customers), CHUNK):
            part = customers[start:start + CHUNK]
            refs = [c.erp_ref for c in part]
            credit = credit_from.credit_status(refs) if credit_from is not None else {}
            with self.db.write() as session:
                oplog = OpLog(session)
                territory = self._default_territory(session)
                links = self._links(session, "account", refs)
                codes = {c.erp_ref: c.code[len(CRM_CODE_PREFIX):] for c in part
                         if (c.code or "").startswith(CRM_CODE_PREFIX)}
                accounts = self._rows_by_ref(session, Account, refs, links, codes)
                changes = ErpChanges(session, oplog, "account")
                linked: dict[str, tuple[str, bool]] = {}
                for customer in part:
                    try:
                        row_id = self._apply_customer(changes, customer, accounts.get(customer.erp_ref),
                                                      links.get(customer.erp_ref), territory,
                                                      credit.get(customer.erp_ref), summary)
                    except ValidationError as exc:
                        clean = False
                        summary.refused.append(f"customer {customer.erp_ref} ({customer.name[:60]}): "
                                               f"{exc.summary()}")
                        continue
                    if row_id is not None:
                        linked[customer.erp_ref] = (row_id, customer.active)
                        if customer.erp_ref in credit:
                            credited.add(customer.erp_ref)
                changes.write()
                self._write_links(session, "account", links, linked)
                oplog.flush()
        summary.credit_checked += len(credited)
        return clean, credited

    @staticmethod
    def _apply_customer(changes: ErpChanges, customer: ErpCustomer, account: Optional[Account],
                        link: Optional[ErpLink], territory: Optional[str], credit: Optional[CreditStatus],
                        summary: PullSummary) -> Optional[str]:
        """The account's id once written (None: an archived party the CRM never had)."""
        values = {
            "erp_ref": customer.erp_ref, "name": customer.name, "street": customer.street,
            "city": customer.city, "postal_code": customer.postal_code, "country": customer.country,
            "credit_limit": customer.credit_limit,
        }
        if credit is not None:
            values.update(credit_limit=credit.credit_limit, credit_amount=credit.credit_amount,
                          erp_blocked=credit.blocked or not customer.active)
        if account is None:
            if not customer.active:
                return None  # an archived party the CRM never had: nothing to sell to
            row_id = changes.create({"erp_blocked": False, **values, "id": new_id(), "type": "customer",
                                     "territory_id": territory})
            summary.created += 1
            return row_id
        if not customer.active:
            values["erp_blocked"] = True
        elif link is not None and not link.erp_active and credit is None:
            values["erp_blocked"] = False  # restored in the ERP; credit decides later
        if changes.update(account, values):
            summary.updated += 1
        return account.id

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
            refs = [p.erp_ref for p in part]
            with self.db.write() as session:
                oplog = OpLog(session)
                links = self._links(session, "product", refs)
                rows = self._rows_by_ref(session, Product, refs, links)
                changes = ErpChanges(session, oplog, "product")
                linked: dict[str, tuple[str, bool]] = {}
                for product in part:
                    values = {"erp_ref": product.erp_ref, "sku": product.sku, "name": product.name,
                              "unit": product.unit or "unit", "list_price": product.list_price,
                              "currency": product.currency or "USD", "active": product.active}
                    row = rows.get(product.erp_ref)
                    try:
                        if row is None:
                            row_id = changes.create({**values, "id": new_id()})
                            summary.created += 1
                        else:
                            row_id = row.id
                            if changes.update(row, values):
                                summary.updated += 1
                    except ValidationError as exc:
                        clean = False
                        summary.refused.append(f"product {product.erp_ref} ({product.name[:60]}): "
                                               f"{exc.summary()}")
                        continue
                    linked[product.erp_ref] = (row_id, product.active)
                changes.write()
                self._write_links(session, "product", links, linked)
                oplog.flush()
        return clean

    # -- credit ---------------------------------------------------------------------------
    def refresh_credit(self, connector: ErpConnector, refs: Optional[list[str]], summary: PullSummary) -> None:
        """Credit limit, amount and block for these customers (None: every linked one)."""
        if refs is None:
            with self.db.read() as session:
                refs = list(session.execute(select(ErpLink.erp_ref).where(
                    ErpLink.entity == "account", ErpLink.deleted_at.is_(None))).scalars())
        for start in range(0, len(refs), CREDIT_CHUNK):
            status = connector.credit_status(refs[start:start + CREDIT_CHUNK])
            with self.db.write() as session:
                oplog = OpLog(session)
                links = self._links(session, "account", status)
                accounts = _locked_rows(session, Account.id, [link.row_id for link in links.values()])
                changes = ErpChanges(session, oplog, "account")
                for ref, credit in status.items():
                    account = accounts.get(links[ref].row_id) if ref in links else None
                    if account is None:
                        continue
                    summary.credit_checked += 1
                    values = {"credit_limit": credit.credit_limit, "credit_amount": credit.credit_amount,
                              "erp_blocked": credit.blocked or not links[ref].erp_active}
                    try:
                        if changes.update(account, values):
                            summary.updated += 1
                    except ValidationError as exc:
                        summary.refused.append(f"credit of customer {ref}: {exc.summary()}")
                changes.write()
                oplog.flush()

    # -- hard deletes --------------------------------------------------------------------
    def reconcile(self, connector: ErpConnector, summary: PullSummary) -> None:
        """Compare the ERP's full id lists with the links; deactivate what is gone."""
        for entity, refs in (("account", connector.customer_refs()), ("product", connector.product_refs())):
            cls = Account if entity == "account" else Product
            with self.db.write() as session:
                oplog = OpLog(session)
                gone = [link for link in session.execute(select(ErpLink).where(
                    ErpLink.entity == entity, ErpLink.deleted_at.is_(None))).scalars() if link.erp_ref not in refs]
                rows = _locked_rows(session, cls.id, [link.row_id for link in gone])
                changes = ErpChanges(session, oplog, entity)
                for link in gone:
                    link.deleted_at, link.erp_active = utcnow(), False
                    if link.row_id in rows:
                        changes.update(rows[link.row_id],
                                       {"erp_blocked": True} if entity == "account" else {"active": False})
                    summary.deactivated += 1
                changes.write()
                oplog.flush()


def _locked_rows(session: Session, column, keys: Iterable[str]) -> dict[str, Any]:
    """Rows whose ``column`` is one of ``keys``, locked for update, by ``column``'s value."""
    keys = sorted(set(keys))
    cls = column.class_
    found: dict[str, Any] = {}
    for start in range(0, len(keys), 900):
        for row in session.execute(select(cls).where(column.in_(keys[start:start + 900])).with_for_update()).scalars():
            found.setdefault(getattr(row, column.key), row)
    return found


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
    customers_clean, credited = data.apply_customers(list(customers.records), summary, credit_from=connector)
    products = connector.pull_products(cursors["products"])
    summary.products = len(products.records)
    products_clean = data.apply_products(list(products.records), summary)
    if full:  # credit moves without the party being written: every other linked customer too
        with db.read() as session:
            others = [ref for ref in session.execute(select(ErpLink.erp_ref).where(
                ErpLink.entity == "account", ErpLink.deleted_at.is_(None))).scalars() if ref not in credited]
    else:
        others = [c.erp_ref for c in customers.records if c.erp_ref not in credited]
    if others:
        data.refresh_credit(connector, others, summary)
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
