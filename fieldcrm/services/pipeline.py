"""The pipeline board: open and closed deals by stage, and moving a deal along.

``pipeline_board`` returns every stage with its cards and the column's count,
total and weighted amount (amount × probability). ``move_to_stage`` is the one
way a deal changes stage: it applies the stage rules (a won or lost deal needs
a reason and a close date that is not in the future; the probability follows
the stage unless the rep overrides it) in one replica transaction, so the
change reaches the outbox and syncs like any edit.

Amounts are kept per currency: a board that shows deals in several currencies
adds them up per currency, never across.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping, Optional

from sqlalchemy import func, select

from fieldcrm.storage.reference import Product, Territory, User
from fieldcrm.storage.registry import row_to_dict
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.sales import (
    STAGE_PROBABILITY, STAGES, Account, Activity, Opportunity, OpportunityLine,
)
from fieldcrm.storage.validation import ValidationError

OPEN_STAGES = tuple(s for s in STAGES if s not in ("won", "lost"))
CLOSED_STAGES = ("won", "lost")


@dataclass(frozen=True)
class PipelineFilter:
    """What the board shows. Empty fields mean "any"."""

    owner_id: Optional[str] = None
    territory_id: Optional[str] = None
    product_id: Optional[str] = None
    close_from: Optional[dt.date] = None  # expected (or actual) close, inclusive
    close_to: Optional[dt.date] = None  # inclusive


@dataclass(frozen=True)
class Card:
    id: str
    name: str
    account_id: str
    account_name: str
    owner_id: str
    owner_name: str
    stage: str
    amount: Decimal
    currency: str
    probability: int
    expected_close: Optional[dt.date]
    closed_at: Optional[dt.date]

    @property
    def weighted(self) -> Decimal:
        return self.amount * self.probability / 100


@dataclass
class Column:
    stage: str
    cards: list[Card] = field(default_factory=list)
    total: dict[str, Decimal] = field(default_factory=dict)  # currency → amount
    weighted: dict[str, Decimal] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.cards)


@dataclass(frozen=True)
class FilterChoices:
    owners: list[tuple[str, str]]
    territories: list[tuple[str, str]]
    products: list[tuple[str, str]]


def add_amount(totals: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    totals[currency] = totals.get(currency, Decimal(0)) + amount


def _filtered(stmt, flt: PipelineFilter):
    if flt.owner_id:
        stmt = stmt.where(Opportunity.owner_id == flt.owner_id)
    if flt.territory_id:
        stmt = stmt.where(Account.territory_id == flt.territory_id)
    if flt.product_id:
        has_product = select(OpportunityLine.opportunity_id).where(OpportunityLine.product_id == flt.product_id)
        stmt = stmt.where(Opportunity.id.in_(has_product))
    closing = func.coalesce(Opportunity.closed_at, Opportunity.expected_close)
    if flt.close_from:
        stmt = stmt.where(closing >= flt.close_from.isoformat())
    if flt.close_to:
        stmt = stmt.where(closing <= flt.close_to.isoformat())
    return stmt


def opportunity_facts(session, flt: PipelineFilter, columns) -> list:
    """Rows of ``columns`` for the deals ``flt`` selects (account joined)."""
    stmt = select(*columns).select_from(Opportunity).join(Account, Account.id == Opportunity.account_id)
    return session.execute(_filtered(stmt, flt)).all()


def _card(row, owner_name: str) -> Card:
    amount = Decimal(row.amount or 0)
    probability = row.probability if row.probability is not None else STAGE_PROBABILITY[row.stage]
    return Card(row.id, row.name, row.account_id, row.account_name, row.owner_id, owner_name,
                row.stage, amount, row.currency, probability, row.expected_close, row.closed_at)


_CARD_COLUMNS = (
    Opportunity.id, Opportunity.name, Opportunity.account_id, Account.name.label("account_name"),
    Opportunity.owner_id, Opportunity.stage, Opportunity.amount, Opportunity.currency,
    Opportunity.probability, Opportunity.expected_close, Opportunity.closed_at,
)


def pipeline_board(replica: Replica, flt: PipelineFilter = PipelineFilter()) -> list[Column]:
    """Every stage in order, with its cards (soonest close first) and totals."""
    columns = {stage: Column(stage) for stage in STAGES}
    with replica.read() as session:
        owners = dict(session.execute(select(User.id, User.display_name)).all())
        stmt = select(*_CARD_COLUMNS).select_from(Opportunity).join(Account, Account.id == Opportunity.account_id)
        stmt = _filtered(stmt, flt).order_by(
            func.coalesce(Opportunity.closed_at, Opportunity.expected_close), Opportunity.name)
        for row in session.execute(stmt):
            card = _card(row, owners.get(row.owner_id, ""))
            column = columns[card.stage]
            column.cards.append(card)
            add_amount(column.total, card.currency, card.amount)
            add_amount(column.weighted, card.currency, card.weighted)
    return list(columns.values())


def filter_choices(replica: Replica) -> FilterChoices:
    """Owners, territories and products a person can filter the board by."""
    with replica.read() as session:
        owner_ids = select(Opportunity.owner_id).distinct()
        owners = session.execute(
            select(User.id, User.display_name).where(User.id.in_(owner_ids)).order_by(User.display_name)).all()
        territories = session.execute(
            select(Territory.id, Territory.name, Territory.code).order_by(Territory.code)).all()
        products = session.execute(
            select(Product.id, Product.name).where(Product.id.in_(select(OpportunityLine.product_id).distinct()))
            .order_by(Product.name)).all()
    return FilterChoices(
        owners=[(r[0], r[1]) for r in owners],
        territories=[(r[0], f"{r[1]} ({r[2]})") for r in territories],
        products=[(r[0], r[1]) for r in products],
    )


def _stage_errors(stage: str, reason: Optional[str], close_date: Optional[dt.date],
                  probability: Optional[int], today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if stage not in STAGES:
        errors["stage"] = f"must be one of: {', '.join(STAGES)}"
        return errors
    if stage in CLOSED_STAGES:
        if not (reason or "").strip():
            errors["reason"] = f"say why the deal was {stage}"
        if close_date is not None and close_date > today:
            errors["close_date"] = "a deal cannot close in the future"
    if probability is not None:
        if not 0 <= probability <= 100:
            errors["probability"] = "must be between 0 and 100"
        elif stage == "won" and probability != 100 or stage == "lost" and probability != 0:
            errors["probability"] = f"a {stage} deal has a probability of {STAGE_PROBABILITY[stage]} %"
    return errors


class PipelineService:
    """Moving deals through the stages, over one replica."""

    def __init__(self, replica: Replica):
        self.replica = replica

    def move_to_stage(
        self,
        opportunity_id: str,
        stage: str,
        *,
        reason: Optional[str] = None,
        close_date: Optional[dt.date] = None,
        probability: Optional[int] = None,
        today: Optional[dt.date] = None,
    ) -> dict:
        """Put a deal in ``stage``; returns the saved opportunity as a dict.

        Won and lost need a ``reason`` (a lost reason is kept on the deal, a won
        reason as a note on it) and close on ``close_date`` (today if not
        given). Reopening a closed deal clears its close date and lost reason.
        ``probability`` overrides the stage's default for an open stage.
        """
        today = today or dt.date.today()
        errors = _stage_errors(stage, reason, close_date, probability, today)
        if errors:
            raise ValidationError(errors, "opportunity")
        with self.replica.edit() as session:
            opp = session.get(Opportunity, opportunity_id)
            if opp is None:
                from fieldcrm.services.records import NotFound

                raise NotFound("opportunity", opportunity_id)
            opp.stage = stage
            opp.probability = STAGE_PROBABILITY[stage] if probability is None else probability
            if stage in CLOSED_STAGES:
                opp.closed_at = close_date or today
                opp.lost_reason = reason.strip() if stage == "lost" else None
                if stage == "won":
                    session.add(Activity(
                        kind="note", subject=f"Won: {reason.strip()}"[:200], notes=reason.strip(),
                        account_id=opp.account_id, opportunity_id=opp.id,
                        owner_id=session.info.get("user_id") or opp.owner_id, done=True,
                    ))
            else:
                opp.closed_at = None
                opp.lost_reason = None
            session.flush()
            return row_to_dict(opp)


def totals_text(totals: Mapping[str, Decimal]) -> list[tuple[str, Decimal]]:
    """(currency, amount) pairs, largest first, for display."""
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def currencies(replica: Replica) -> list[str]:
    """Currencies of the deals on this laptop, the most used first."""
    with replica.read() as session:
        rows = session.execute(
            select(Opportunity.currency, func.count()).group_by(Opportunity.currency)
            .order_by(func.count().desc())).all()
    return [r[0] for r in rows]
