"""Leads: prospects a rep works until they become customers or are dropped.

``convert_lead`` is the hand-over from marketing to sales: one replica
transaction makes the lead's company an account (in its owner's territory
when the owner has exactly one), its contact person a contact, and — when the
rep names one — a deal at the first stage; the lead is marked converted and
points at what it became. Each row goes to the outbox like any edit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import select

from fieldcrm.services.pipeline import currencies
from fieldcrm.storage.reference import TerritoryMember
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.sales import STAGE_PROBABILITY, Account, Contact, Lead, Opportunity
from fieldcrm.storage.types import utcnow
from fieldcrm.storage.validation import ValidationError, validate_changes


@dataclass(frozen=True)
class Converted:
    account_id: str
    contact_id: Optional[str]
    opportunity_id: Optional[str]


def split_name(name: str) -> tuple[Optional[str], str]:
    """(first name, last name) of a person's name as written on a card."""
    parts = name.split()
    if len(parts) < 2:
        return None, name.strip()
    return " ".join(parts[:-1]), parts[-1]


def _owner_territory(session, owner_id: Optional[str]) -> Optional[str]:
    if not owner_id:
        return None
    territories = session.execute(
        select(TerritoryMember.territory_id).where(TerritoryMember.user_id == owner_id).distinct()
    ).scalars().all()
    return territories[0] if len(territories) == 1 else None


def _new(session, cls, values: dict[str, Any]):
    row = cls(**validate_changes(cls, values, creating=True))
    session.add(row)
    session.flush()
    return row


def convert_lead(replica: Replica, lead_id: str, *, deal_name: Optional[str] = None,
                 amount: Optional[Decimal | str] = None, currency: Optional[str] = None,
                 expected_close: Optional[dt.date] = None) -> Converted:
    """Turn the lead into an account, a contact and (``deal_name`` given) a deal,
    in ``currency`` (by default the one most deals on the laptop are in).

    Refused with a ValidationError, writing nothing, when the lead is already
    converted or disqualified, or when a value does not fit.
    """
    if deal_name and not currency:
        currency = next(iter(currencies(replica)), None)  # None: no deals yet, the model's default
    with replica.edit() as session:
        lead = session.get(Lead, lead_id)
        if lead is None:
            from fieldcrm.services.records import NotFound

            raise NotFound("lead", lead_id)
        if lead.status == "converted":
            raise ValidationError({"status": "this lead was converted already"}, "lead")
        if lead.status == "disqualified":
            raise ValidationError(
                {"status": "a disqualified lead is not converted; set its status back first"}, "lead")
        owner = lead.owner_id or session.info.get("user_id")
        account = _new(session, Account, {
            "name": lead.company, "type": "prospect", "owner_id": owner,
            "territory_id": _owner_territory(session, owner), "phone": lead.phone,
            "email": lead.email, "city": lead.city, "notes": lead.notes,
        })
        contact = None
        if lead.contact_name and lead.contact_name.strip():
            first, last = split_name(lead.contact_name)
            contact = _new(session, Contact, {
                "account_id": account.id, "first_name": first, "last_name": last,
                "email": lead.email, "phone": lead.phone, "city": lead.city, "is_primary": True,
            })
        deal = None
        if deal_name and deal_name.strip():
            values: dict[str, Any] = {
                "account_id": account.id, "owner_id": owner, "name": deal_name.strip(),
                "stage": "prospecting", "probability": STAGE_PROBABILITY["prospecting"],
                "amount": amount if amount not in ("", None) else None,
                "expected_close": expected_close,
            }
            if currency:
                values["currency"] = currency
            deal = _new(session, Opportunity, values)
        lead.status = "converted"
        lead.converted_account_id = account.id
        lead.converted_opportunity_id = deal.id if deal else None
        lead.converted_at = utcnow()
        session.flush()
        return Converted(account.id, contact.id if contact else None, deal.id if deal else None)
