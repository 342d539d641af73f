"""What the sync center lists: changes waiting to be sent, and those parked."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select

from fieldcrm.services.conflicts import ConflictService
from fieldcrm.services.views import names_of
from fieldcrm.storage.local import OutboxEntry
from fieldcrm.storage.replica import Replica

#: At most this many pending changes are listed (the count says how many there are).
OUTBOX_LIMIT = 500


def pending_changes(replica: Replica) -> list[dict[str, Any]]:
    """Changes waiting for the server, oldest first, with the record's title."""
    with replica.read() as s:
        entries = s.execute(select(OutboxEntry).where(OutboxEntry.state == "pending")
                            .order_by(OutboxEntry.seq).limit(OUTBOX_LIMIT)).scalars().all()
        titles: dict[tuple[str, str], str] = {}
        by_entity: dict[str, set[str]] = {}
        for e in entries:
            by_entity.setdefault(e.entity, set()).add(e.row_id)
        for entity, ids in by_entity.items():
            for row_id, title in names_of(s, entity, ids).items():
                titles[(entity, row_id)] = title
        return [{
            "id": e.mutation_id, "entity": e.entity, "row_id": e.row_id, "op": e.op,
            "title": titles.get((e.entity, e.row_id), ""),
            "fields": sorted(orjson.loads(e.changes or "{}")),
            "created_at": e.created_at.isoformat() if e.created_at else "",
            "sent": e.sent_count > 0,
        } for e in entries]


def parked_changes(replica: Replica) -> list[dict[str, Any]]:
    """Conflicts and rejections waiting for the person's decision, with titles."""
    changes = [c.as_dict() for c in ConflictService(replica).list_open()]
    with replica.read() as s:
        for change in changes:
            names = names_of(s, change["entity"], [change["row_id"]])
            change["title"] = names.get(change["row_id"], "")
    return changes


def settle(replica: Replica, change_id: str, choice: str, values: dict | None = None) -> None:
    """Apply the person's choice: keep_mine, take_theirs, discard or retry."""
    service = ConflictService(replica)
    if choice == "retry":
        service.retry(change_id, values)
    elif choice in ("keep_mine", "take_theirs", "discard"):
        getattr(service, choice)(change_id)
    else:
        raise ValueError(f"unknown choice {choice!r}")
