"""What any ERP adapter offers the CRM server, and the values that cross it.

The server's ERP worker depends on this module only; an adapter (today
:mod:`fieldcrm.erp.tryton`) turns these calls into the ERP's own protocol.

Rules every adapter keeps:

* Amounts are :class:`decimal.Decimal`, never floats.
* ERP references (``erp_ref``) are strings, whatever the ERP uses inside.
* Cursors are opaque strings: store them as given, pass them back unchanged.
  ``None`` means "from the beginning".
* Errors are raised as one of the :class:`ErpError` subclasses below, so the
  worker can decide between "retry later", "stop and alert an admin" and
  "tell the sales rep".
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Protocol, TypeVar, runtime_checkable

# --- errors ---------------------------------------------------------------


class ErpError(Exception):
    """Base of every error an ERP adapter raises. ``str()`` is readable."""

    #: True when sending the same call again later may succeed.
    retryable = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ErpUnavailable(ErpError):
    """The ERP cannot be reached or failed on its side (network, 5xx, timeout)."""

    retryable = True


class ErpAuthError(ErpError):
    """The ERP refused our credentials or our user lacks a permission."""


class ErpRateLimited(ErpError):
    """The ERP asks us to slow down (HTTP 429)."""

    retryable = True

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ErpRejected(ErpError):
    """A business rule of the ERP refused the request; a person can act on it.

    ``message`` is written for a sales rep (credit limit exceeded, unknown
    product, closed fiscal year ...). ``warning`` holds the ERP's name for the
    check when it is one an authorised ERP user may override.
    """

    def __init__(self, message: str, *, warning: str | None = None) -> None:
        super().__init__(message)
        self.warning = warning


class ErpConflict(ErpError):
    """Someone else changed the record in the ERP since we read it."""

    retryable = True


class ErpProtocolError(ErpError):
    """The ERP answered something we cannot understand (or a programming error)."""


# --- values ---------------------------------------------------------------

T = TypeVar("T")


@dataclass(frozen=True)
class ChangeBatch(Generic[T]):
    """Records changed since a cursor, and the cursor to ask from next time."""

    records: tuple[T, ...]
    cursor: str


@dataclass(frozen=True)
class ErpCustomer:
    """A customer (Tryton: party) as the CRM's account needs it."""

    erp_ref: str
    name: str
    code: str | None
    street: str | None
    city: str | None
    postal_code: str | None
    country: str | None  # ISO 3166-1 alpha-2, e.g. "DE"
    credit_limit: Decimal | None  # None: no limit set
    active: bool  # False when archived in the ERP
    changed_at: dt.datetime  # UTC


@dataclass(frozen=True)
class ErpProduct:
    erp_ref: str
    sku: str | None
    name: str
    unit: str  # the sale unit's symbol, e.g. "u", "kg"
    list_price: Decimal | None
    currency: str  # ISO 4217 code of the list price
    active: bool
    changed_at: dt.datetime  # UTC


@dataclass(frozen=True)
class CreditStatus:
    erp_ref: str
    credit_limit: Decimal | None  # None: no limit set
    credit_amount: Decimal  # what counts against the limit (open orders + receivable)
    receivable: Decimal  # posted, unpaid invoices
    blocked: bool  # True when credit_amount has reached the limit
    currency: str


@dataclass(frozen=True)
class NewCustomer:
    """A customer created in the CRM that the ERP does not know yet."""

    name: str
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    code: str | None = None  # the ERP's customer number, if the CRM chose one


@dataclass(frozen=True)
class OrderLine:
    product_erp_ref: str
    quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class OrderRequest:
    crm_order_id: str  # idempotency key: at most one ERP order per value
    customer_erp_ref: str
    lines: tuple[OrderLine, ...]
    order_date: dt.date | None = None
    description: str | None = None


class OrderState(str, enum.Enum):
    DRAFT = "draft"
    QUOTATION = "quotation"
    CONFIRMED = "confirmed"  # accepted, not yet processed
    PROCESSING = "processing"  # accepted and handed to delivery/invoicing
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class OrderStatus:
    crm_order_id: str
    erp_ref: str
    erp_number: str | None
    state: OrderState
    untaxed: Decimal
    tax: Decimal
    total: Decimal
    currency: str


# --- the interface ----------------------------------------------------------


@runtime_checkable
class ErpConnector(Protocol):
    """The operations the CRM server needs from an ERP."""

    def pull_customers(self, cursor: str | None) -> ChangeBatch[ErpCustomer]:
        """Customers created or changed since ``cursor``, archived ones included."""
        ...

    def pull_products(self, cursor: str | None) -> ChangeBatch[ErpProduct]:
        """Products whose data or list price changed since ``cursor``."""
        ...

    def customer_refs(self) -> frozenset[str]:
        """Every customer reference the ERP holds (active or not).

        A reference the CRM has but this set lacks was deleted in the ERP.
        """
        ...

    def product_refs(self) -> frozenset[str]:
        """Every product reference the ERP holds (active or not)."""
        ...

    def credit_status(self, erp_refs: list[str]) -> dict[str, CreditStatus]:
        """Credit figures for the given customers; unknown refs are left out."""
        ...

    def create_customer(self, customer: NewCustomer) -> str:
        """Create the customer in the ERP and return its ``erp_ref``."""
        ...

    def submit_order(self, order: OrderRequest) -> OrderStatus:
        """Place the order, at most once per ``crm_order_id``.

        Returns only when the ERP has accepted and started processing it;
        raises :class:`ErpRejected` when a business rule refuses it.
        """
        ...

    def order_status(self, crm_order_id: str) -> OrderStatus | None:
        """The ERP's view of an order, or ``None`` when it never arrived."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...
