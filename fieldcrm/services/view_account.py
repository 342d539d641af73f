"""Everything about one account on one page (the account 360°)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fieldcrm.services.records import NotFound
from fieldcrm.services.views import add_linked_names
from fieldcrm.storage.blobs import BlobStore
from fieldcrm.storage.registry import row_to_dict
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.sales import Account, Activity, Contact, Opportunity, SalesOrder, Visit
from fieldcrm.storage.service import ATTACHABLE, Attachment, ServiceJob

#: Rows of each section shown at most (the lists show the rest).
SECTION_LIMIT = 200
#: Fields of the account that come from the ERP and are read-only here.
ERP_FACTS = ("erp_ref", "credit_limit", "credit_amount", "erp_blocked")


def _rows(session, entity: str, stmt) -> list[dict[str, Any]]:
    rows = [row_to_dict(o) for o in session.execute(stmt.limit(SECTION_LIMIT)).scalars()]
    add_linked_names(session, entity, rows)
    return rows


def _timeline(activities: list[dict], visits: list[dict]) -> list[dict[str, Any]]:
    """Activities and visits merged, newest first, as one history."""
    items = []
    for a in activities:
        when = a.get("done_at") or a.get("due_at") or a.get("updated_at") or ""
        items.append({"entity": "activity", "id": a["id"], "when": when, "kind": a["kind"],
                      "title": a["subject"], "detail": a.get("notes") or "",
                      "who": a.get("owner_name", ""), "done": bool(a.get("done"))})
    for v in visits:
        when = v.get("checkin_at") or v.get("planned_start") or ""
        items.append({"entity": "visit", "id": v["id"], "when": when, "kind": "visit",
                      "title": v.get("objective") or "", "detail": v.get("report") or "",
                      "who": v.get("owner_name", ""), "done": v.get("status") == "done"})
    items.sort(key=lambda i: i["when"] or "", reverse=True)
    return items


def _files(session, store: BlobStore, account_id: str, account_name: str) -> list[dict[str, Any]]:
    """The files of the account and of its service jobs and visits, newest
    first, each with the record it is on (``on_entity``, ``on_id``,
    ``on_title``) and ``path``: its content on this laptop, or None."""
    job_ids = select(ServiceJob.id).where(ServiceJob.account_id == account_id)
    visit_ids = select(Visit.id).where(Visit.account_id == account_id)
    rows = _rows(session, "attachment", select(Attachment).where(
        (Attachment.account_id == account_id) | Attachment.job_id.in_(job_ids) | Attachment.visit_id.in_(visit_ids))
        .order_by(Attachment.updated_at.desc(), Attachment.name))
    titles = {("account", account_id): account_name}
    for entity, column, title in (("service_job", "job_id", ServiceJob.title), ("visit", "visit_id", Visit.objective)):
        ids = {row[column] for row in rows if row.get(column)}
        if ids:
            table = title.class_
            titles.update({(entity, i): t or "" for i, t in session.execute(
                select(table.id, title).where(table.id.in_(ids)))})
    for row in rows:
        entity, on_id = next(((e, row[c]) for e, c in ATTACHABLE.items() if row.get(c)), ("account", account_id))
        path = store.path_of(row["sha256"])
        row.update(on_entity=entity, on_id=on_id, on_title=titles.get((entity, on_id), ""),
                   path=str(path) if path is not None else None)
    return rows


def account_overview(replica: Replica, account_id: str) -> dict[str, Any]:
    """The account with its contacts, history, open deals, orders, jobs,
    visits and files."""
    with replica.read() as s:
        account = s.get(Account, account_id)
        if account is None:
            raise NotFound("account", account_id)
        head = row_to_dict(account)
        add_linked_names(s, "account", [head])
        contacts = _rows(s, "contact", select(Contact).where(Contact.account_id == account_id)
                         .order_by(Contact.is_primary.desc(), Contact.last_name, Contact.first_name))
        activities = _rows(s, "activity", select(Activity).where(Activity.account_id == account_id)
                           .order_by(Activity.due_at.desc()))
        visits = _rows(s, "visit", select(Visit).where(Visit.account_id == account_id)
                       .order_by(Visit.planned_start.desc()))
        opportunities = _rows(s, "opportunity", select(Opportunity).where(
            Opportunity.account_id == account_id, Opportunity.stage.not_in(("won", "lost")))
            .order_by(Opportunity.expected_close))
        orders = _rows(s, "sales_order", select(SalesOrder).where(SalesOrder.account_id == account_id)
                       .order_by(SalesOrder.order_date.desc()))
        jobs = _rows(s, "service_job", select(ServiceJob).where(ServiceJob.account_id == account_id)
                     .order_by(ServiceJob.scheduled_start.desc()))
        files = _files(s, BlobStore(replica.profile_dir), account_id, head.get("name") or "")
    return {
        "account": head,
        "erp": {name: head.get(name) for name in ERP_FACTS},
        "contacts": contacts,
        "timeline": _timeline(activities, visits),
        "opportunities": opportunities,
        "orders": orders,
        "jobs": jobs,
        "visits": visits,
        "files": files,
    }
