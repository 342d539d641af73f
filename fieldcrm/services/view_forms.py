"""What the record forms need beyond plain create/update.

Which fields a form shows, the service job status workflow, checks on the
shape of email addresses and web sites, finding a record to link to by what
a person types, and saving product lines with their order.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from sqlalchemy import select

from fieldcrm.services.records import RecordService
from fieldcrm.services.views import names_of
from fieldcrm.storage.reference import Product
from fieldcrm.storage.registry import fields_of
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.sales import LEAD_STATUSES
from fieldcrm.storage.validation import ValidationError

#: Fields no form shows: kept by the app itself or by devices (GPS, signatures).
HIDDEN = frozenset({
    "signature_attachment_id", "plan_id", "lat", "lon", "checkin_lat", "checkin_lon",
    "checkout_lat", "checkout_lon", "route_order", "pinned", "submitted_at", "closed_at",
    "done_at", "completed_at", "opportunity_id",
    "converted_account_id", "converted_opportunity_id", "converted_at",
})

#: Where a service job may go from each status.
JOB_FLOW: dict[str, tuple[str, ...]] = {
    "new": ("scheduled", "cancelled"),
    "scheduled": ("en_route", "on_hold", "cancelled"),
    "en_route": ("in_progress", "on_hold"),
    "in_progress": ("on_hold", "completed"),
    "on_hold": ("scheduled", "in_progress", "cancelled"),
    "completed": (),
    "cancelled": (),
}

#: Line records edited inside their parent's form: parent → (line entity, link field).
LINES = {
    "sales_order": ("sales_order_line", "order_id"),
    "opportunity": ("opportunity_line", "opportunity_id"),
}



def form_fields(entity: str, *, creating: bool) -> list[str]:
    """The fields a form shows, in table order (read-only ERP fields when editing)."""
    out = []
    for name, info in fields_of(entity).items():
        if info.system or name in HIDDEN:
            continue
        if info.server_owned and creating:
            continue
        out.append(name)
    return out


def allowed_statuses(entity: str, current: Optional[str]) -> Optional[tuple[str, ...]]:
    """The statuses a form offers (None: every choice)."""
    if entity == "lead":  # converted only by converting it; a converted lead stays so
        return ("converted",) if current == "converted" else tuple(s for s in LEAD_STATUSES if s != "converted")
    if entity != "service_job":
        return None
    if current is None:
        return ("new", "scheduled")
    return (current, *JOB_FLOW.get(current, ()))


def find_to_link(replica: Replica, entity: str, text: str, limit: int = 30) -> list[tuple[str, str]]:
    """(id, title) of records of ``entity`` matching what a person typed."""
    if entity == "user" or not text.strip():
        from fieldcrm.services.views import choices_of

        rows = choices_of(replica, entity, limit=limit)
        return [r for r in rows if text.lower() in r[1].lower()] if text.strip() else rows
    hits = RecordService(replica).search(text, entities=[entity], limit=limit)
    return [(h.id, h.title) for h in hits]


def products(replica: Replica) -> list[dict[str, Any]]:
    """Active products with their list prices (the replica's copy of the ERP's)."""
    with replica.read() as s:
        rows = s.execute(select(Product).where(Product.active.is_(True)).order_by(Product.name)).scalars()
        return [{"id": p.id, "name": p.name, "sku": p.sku or "", "unit": p.unit,
                 "list_price": str(p.list_price) if p.list_price is not None else None,
                 "currency": p.currency} for p in rows]


def lines_of(replica: Replica, parent: str, parent_id: str) -> list[dict[str, Any]]:
    line_entity, link = LINES[parent]
    rows = RecordService(replica).list(line_entity, {link: parent_id}, order_by="id")
    with replica.read() as s:
        names = names_of(s, "product", (r["product_id"] for r in rows))
    for row in rows:
        row["product_name"] = names.get(row["product_id"], "")
    return rows


def save_lines(replica: Replica, parent: str, parent_id: str, lines: list[Mapping[str, Any]]) -> int:
    """Make the parent's lines what the form shows: create, update, delete.

    Each line is one record edit (and one outbox entry). Returns the number of
    lines written; a bad line raises ValidationError naming ``line N: field``.
    """
    line_entity, link = LINES[parent]
    records = RecordService(replica)
    existing = {r["id"]: r for r in records.list(line_entity, {link: parent_id})}
    editable = [n for n, f in fields_of(line_entity).items() if not f.system and n != link]
    written = 0
    kept = set()
    for number, line in enumerate(lines, start=1):
        values = {k: line.get(k) for k in editable if k in line}
        try:
            if line.get("id") in existing:
                kept.add(line["id"])
                old = existing[line["id"]]
                changed = {k: v for k, v in values.items() if str(old.get(k)) != str(v)}
                if changed:
                    records.update(line_entity, line["id"], changed)
                    written += 1
            else:
                records.create(line_entity, {**values, link: parent_id})
                written += 1
        except ValidationError as exc:
            raise ValidationError({f"line {number}: {k}": v for k, v in exc.errors.items()},
                                  line_entity) from None
    for row_id in set(existing) - kept:
        records.delete(line_entity, row_id)
        written += 1
    return written
