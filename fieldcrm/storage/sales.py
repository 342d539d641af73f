"""Accounts and the sales side: contacts, visits, activities, opportunities, orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldcrm.storage.base import EMAIL, WEB, Entity, choices
from fieldcrm.storage.types import Day, Timestamp

ACCOUNT_TYPES = ("customer", "prospect", "partner")
PLAN_STATUSES = ("draft", "submitted", "approved", "returned")
VISIT_STATUSES = ("planned", "checked_in", "done", "missed", "cancelled")
ACTIVITY_KINDS = ("call", "meeting", "email", "task", "note")
STAGES = ("prospecting", "qualification", "proposal", "negotiation", "won", "lost")
STAGE_PROBABILITY = {
    "prospecting": 10, "qualification": 25, "proposal": 50,
    "negotiation": 75, "won": 100, "lost": 0,
}
LEAD_SOURCES = ("web", "event", "referral", "campaign", "call", "other")
LEAD_STATUSES = ("new", "contacted", "qualified", "disqualified", "converted")
ORDER_KINDS = ("quote", "order")
ORDER_STATUSES = ("draft", "submitted", "accepted", "rejected", "confirmed", "cancelled")


def _child_of(table: str) -> ForeignKey:
    """A composition link: the child lives and dies with its parent."""
    return ForeignKey(f"{table}.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED")


class Account(Entity):
    __tablename__ = "account"
    __entity__ = "account"
    # Lists open sorted by name: without this index 100k accounts are sorted on every open.
    __table_args__ = (Index("ix_account_name_id", "name", "id"),)
    __server_owned__ = frozenset({"erp_ref", "credit_limit", "credit_amount", "erp_blocked"})
    __search__ = ("name", "city", "phone", "email", "industry")
    __label__ = ("name",)

    erp_ref: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16), default="prospect", info=choices(*ACCOUNT_TYPES))
    industry: Mapped[Optional[str]] = mapped_column(String(64))
    segment: Mapped[Optional[str]] = mapped_column(String(64))
    territory_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    owner_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    street: Mapped[Optional[str]] = mapped_column(String(200))
    city: Mapped[Optional[str]] = mapped_column(String(100))
    postal_code: Mapped[Optional[str]] = mapped_column(String(20))
    region: Mapped[Optional[str]] = mapped_column(String(100))
    country: Mapped[Optional[str]] = mapped_column(String(64))
    phone: Mapped[Optional[str]] = mapped_column(String(64))
    email: Mapped[Optional[str]] = mapped_column(String(200), info=EMAIL)
    website: Mapped[Optional[str]] = mapped_column(String(200), info=WEB)
    lat: Mapped[Optional[float]] = mapped_column(Float, info={"min": -90, "max": 90})
    lon: Mapped[Optional[float]] = mapped_column(Float, info={"min": -180, "max": 180})
    visit_frequency_days: Mapped[Optional[int]] = mapped_column(Integer, info={"min": 1})
    notes: Mapped[Optional[str]] = mapped_column(Text)
    # From the ERP: read-only on laptops.
    credit_limit: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2))
    credit_amount: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2))
    erp_blocked: Mapped[bool] = mapped_column(Boolean, default=False)


class Contact(Entity):
    __tablename__ = "contact"
    __entity__ = "contact"
    __table_args__ = (Index("ix_contact_first_name_id", "first_name", "id"),)
    __parent__ = ("account_id", "account")
    __search__ = ("first_name", "last_name", "email", "phone", "mobile", "city")
    __label__ = ("first_name", "last_name")

    account_id: Mapped[str] = mapped_column(String(36), _child_of("account"), index=True)
    first_name: Mapped[Optional[str]] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[Optional[str]] = mapped_column(String(100))
    phone: Mapped[Optional[str]] = mapped_column(String(64))
    mobile: Mapped[Optional[str]] = mapped_column(String(64))
    email: Mapped[Optional[str]] = mapped_column(String(200), info=EMAIL)
    city: Mapped[Optional[str]] = mapped_column(String(100))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[Optional[str]] = mapped_column(Text)


class VisitPlan(Entity):
    __tablename__ = "visit_plan"
    __entity__ = "visit_plan"
    __windows__ = (("period_start", "period_end"),)
    __label__ = ("period_start",)

    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    period_start: Mapped[dt.date] = mapped_column(Day)
    period_end: Mapped[dt.date] = mapped_column(Day)
    status: Mapped[str] = mapped_column(String(16), default="draft", info=choices(*PLAN_STATUSES))
    manager_comment: Mapped[Optional[str]] = mapped_column(Text)
    submitted_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    decided_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    decided_by: Mapped[Optional[str]] = mapped_column(String(36))


class Visit(Entity):
    __tablename__ = "visit"
    __entity__ = "visit"
    __windows__ = (("planned_start", "planned_end"), ("checkin_at", "checkout_at"))
    __search__ = ("objective", "report")
    __label__ = ("objective",)

    account_id: Mapped[str] = mapped_column(String(36), index=True)
    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    plan_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    contact_id: Mapped[Optional[str]] = mapped_column(String(36))
    planned_start: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp, index=True)
    planned_end: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    status: Mapped[str] = mapped_column(String(16), default="planned", info=choices(*VISIT_STATUSES))
    objective: Mapped[Optional[str]] = mapped_column(Text)
    report: Mapped[Optional[str]] = mapped_column(Text)
    checkin_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    checkin_lat: Mapped[Optional[float]] = mapped_column(Float, info={"min": -90, "max": 90})
    checkin_lon: Mapped[Optional[float]] = mapped_column(Float, info={"min": -180, "max": 180})
    checkout_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    checkout_lat: Mapped[Optional[float]] = mapped_column(Float, info={"min": -90, "max": 90})
    checkout_lon: Mapped[Optional[float]] = mapped_column(Float, info={"min": -180, "max": 180})
    route_order: Mapped[Optional[int]] = mapped_column(Integer, info={"min": 0})
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)


class Activity(Entity):
    __tablename__ = "activity"
    __entity__ = "activity"
    __search__ = ("subject", "notes")
    __label__ = ("subject",)

    kind: Mapped[str] = mapped_column(String(16), info=choices(*ACTIVITY_KINDS))
    subject: Mapped[str] = mapped_column(String(200))
    notes: Mapped[Optional[str]] = mapped_column(Text)
    account_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    contact_id: Mapped[Optional[str]] = mapped_column(String(36))
    opportunity_id: Mapped[Optional[str]] = mapped_column(String(36))
    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    due_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)


class Opportunity(Entity):
    __tablename__ = "opportunity"
    __entity__ = "opportunity"
    __parent__ = ("account_id", "account")
    __search__ = ("name", "next_step")
    __label__ = ("name",)

    account_id: Mapped[str] = mapped_column(String(36), _child_of("account"), index=True)
    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(16), default="prospecting", info=choices(*STAGES))
    amount: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2), info={"min": 0})
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    probability: Mapped[Optional[int]] = mapped_column(Integer, info={"min": 0, "max": 100})
    expected_close: Mapped[Optional[dt.date]] = mapped_column(Day)
    lost_reason: Mapped[Optional[str]] = mapped_column(Text)
    next_step: Mapped[Optional[str]] = mapped_column(Text)
    closed_at: Mapped[Optional[dt.date]] = mapped_column(Day)


class OpportunityLine(Entity):
    __tablename__ = "opportunity_line"
    __entity__ = "opportunity_line"
    __parent__ = ("opportunity_id", "opportunity")

    opportunity_id: Mapped[str] = mapped_column(String(36), _child_of("opportunity"), index=True)
    product_id: Mapped[str] = mapped_column(String(36))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=Decimal(1), info={"min": 0})
    unit_price: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2), info={"min": 0})


class SalesOrder(Entity):
    __tablename__ = "sales_order"
    __entity__ = "sales_order"
    __parent__ = ("account_id", "account")
    __server_owned__ = frozenset({
        "erp_number", "erp_state", "total_untaxed", "total_tax", "total", "rejection_reason",
    })
    __search__ = ("erp_number", "notes")
    __label__ = ("erp_number",)

    account_id: Mapped[str] = mapped_column(String(36), _child_of("account"), index=True)
    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    opportunity_id: Mapped[Optional[str]] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(8), default="quote", info=choices(*ORDER_KINDS))
    status: Mapped[str] = mapped_column(String(16), default="draft", info=choices(*ORDER_STATUSES))
    order_date: Mapped[Optional[dt.date]] = mapped_column(Day)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    notes: Mapped[Optional[str]] = mapped_column(Text)
    submitted_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    # From the ERP: read-only on laptops.
    erp_number: Mapped[Optional[str]] = mapped_column(String(64))
    erp_state: Mapped[Optional[str]] = mapped_column(String(32))
    total_untaxed: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2))
    total_tax: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2))
    total: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2))
    rejection_reason: Mapped[Optional[str]] = mapped_column(Text)


class SalesOrderLine(Entity):
    __tablename__ = "sales_order_line"
    __entity__ = "sales_order_line"
    __parent__ = ("order_id", "sales_order")

    order_id: Mapped[str] = mapped_column(String(36), _child_of("sales_order"), index=True)
    product_id: Mapped[str] = mapped_column(String(36))
    description: Mapped[Optional[str]] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=Decimal(1), info={"min": 0})
    unit_price: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2), info={"min": 0})


class Lead(Entity):
    """Someone who may become a customer: a card from a trade fair, a web
    enquiry, a referral. Worked by its owner until it is converted into an
    account (with a contact and, if there is one, a deal) or disqualified."""

    __tablename__ = "lead"
    __entity__ = "lead"
    __table_args__ = (Index("ix_lead_company_id", "company", "id"),)
    __search__ = ("company", "contact_name", "email", "phone", "city")
    __label__ = ("company",)

    company: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[Optional[str]] = mapped_column(String(200))
    email: Mapped[Optional[str]] = mapped_column(String(200), info=EMAIL)
    phone: Mapped[Optional[str]] = mapped_column(String(64))
    city: Mapped[Optional[str]] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(16), default="other", info=choices(*LEAD_SOURCES))
    status: Mapped[str] = mapped_column(String(16), default="new", info=choices(*LEAD_STATUSES))
    # Whoever records the lead when not given (the laptop's user, the server's caller).
    owner_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    notes: Mapped[Optional[str]] = mapped_column(Text)
    converted_account_id: Mapped[Optional[str]] = mapped_column(String(36))
    converted_opportunity_id: Mapped[Optional[str]] = mapped_column(String(36))
    converted_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
