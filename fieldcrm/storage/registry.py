"""What the product knows about each entity: its class, fields and rules.

The services, the CLI, the sync engine and the server all ask here instead of
hard-coding entity lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import Boolean, Float, Integer, Numeric

from fieldcrm.storage.base import SYSTEM_FIELDS, Entity
from fieldcrm.storage.reference import Product, Territory, TerritoryMember, User
from fieldcrm.storage.sales import (
    Account, Activity, Contact, Lead, Opportunity, OpportunityLine, SalesOrder, SalesOrderLine,
    Visit, VisitPlan,
)
from fieldcrm.storage.service import (
    Attachment, JobChecklistItem, JobPart, JobTimeEntry, ServiceJob,
)
from fieldcrm.storage.types import Day, Timestamp

# Parents before children: the order rows are created, loaded and checked in.
ENTITY_CLASSES: tuple[type[Entity], ...] = (
    User, Territory, TerritoryMember, Product,
    Account, Contact, VisitPlan, Visit, Activity, Opportunity, OpportunityLine,
    SalesOrder, SalesOrderLine, ServiceJob, JobChecklistItem, JobPart, JobTimeEntry,
    Attachment, Lead,
)
ENTITIES: dict[str, type[Entity]] = {cls.__entity__: cls for cls in ENTITY_CLASSES}
BY_TABLE: dict[str, type[Entity]] = {cls.__tablename__: cls for cls in ENTITY_CLASSES}


class UnknownEntity(LookupError):
    def __init__(self, name: str):
        known = ", ".join(sorted(ENTITIES))
        super().__init__(f"unknown record type {name!r} (known: {known})")
        self.name = name


@dataclass(frozen=True)
class FieldInfo:
    name: str
    kind: str  # text, int, float, decimal, bool, date, timestamp
    required: bool
    nullable: bool
    choices: Optional[tuple[str, ...]]
    minimum: Optional[float]
    maximum: Optional[float]
    max_length: Optional[int]
    pattern: Optional[str]
    hint: Optional[str]
    server_owned: bool
    system: bool


def entity_class(name: str) -> type[Entity]:
    try:
        return ENTITIES[name]
    except KeyError:
        raise UnknownEntity(name) from None


def _kind(column) -> str:
    t = column.type
    if isinstance(t, Timestamp):
        return "timestamp"
    if isinstance(t, Day):
        return "date"
    if isinstance(t, Boolean):
        return "bool"
    if isinstance(t, Integer):
        return "int"
    if isinstance(t, Numeric) and not isinstance(t, Float):
        return "decimal"
    if isinstance(t, Float):
        return "float"
    return "text"


_FIELDS_CACHE: dict[str, dict[str, FieldInfo]] = {}


def fields_of(entity: str | type[Entity]) -> dict[str, FieldInfo]:
    """Every column of an entity, in table order, with its rules."""
    cls = entity_class(entity) if isinstance(entity, str) else entity
    cached = _FIELDS_CACHE.get(cls.__entity__)
    if cached is not None:
        return cached
    out: dict[str, FieldInfo] = {}
    for col in cls.__table__.columns:
        info = col.info or {}
        has_default = col.default is not None or col.server_default is not None
        out[col.name] = FieldInfo(
            name=col.name,
            kind=_kind(col),
            required=not col.nullable and not has_default and col.name not in SYSTEM_FIELDS,
            nullable=bool(col.nullable),
            choices=info.get("choices"),
            minimum=info.get("min"),
            maximum=info.get("max"),
            max_length=getattr(col.type, "length", None) if _kind(col) == "text" else None,
            pattern=info.get("pattern"),
            hint=info.get("hint"),
            server_owned=col.name in cls.__server_owned__ or cls.__reference__,
            system=col.name in SYSTEM_FIELDS,
        )
    _FIELDS_CACHE[cls.__entity__] = out
    return out


def column_names(entity: str | type[Entity]) -> list[str]:
    return list(fields_of(entity))


_ALREADY_PLAIN = frozenset({str, int, float, bool, type(None)})


def to_plain(value: Any) -> Any:
    """A stored value as plain JSON-friendly data (the wire and CLI form)."""
    if type(value) in _ALREADY_PLAIN:  # most values: one lookup, no isinstance chain
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        from fieldcrm.storage.types import format_timestamp
        return format_timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def row_to_dict(obj: Entity) -> dict[str, Any]:
    return {name: to_plain(getattr(obj, name)) for name in fields_of(type(obj))}


# Fields that point at another entity's row, checked when a person sets them.
# (User links are not checked on laptops: the user directory may be partial.)
REFERENCES: dict[str, str] = {
    "account_id": "account",
    "contact_id": "contact",
    "opportunity_id": "opportunity",
    "order_id": "sales_order",
    "job_id": "service_job",
    "product_id": "product",
    "plan_id": "visit_plan",
    "territory_id": "territory",
    "visit_id": "visit",
    "converted_account_id": "account",
    "converted_opportunity_id": "opportunity",
}
