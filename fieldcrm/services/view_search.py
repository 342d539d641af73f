"""Search across record types for the search box: best hits, grouped by type."""

from __future__ import annotations

from typing import Any

from fieldcrm.services.records import RecordService
from fieldcrm.storage.replica import Replica

#: Record types the search box offers, in the order their groups appear.
SEARCHED = ("account", "contact", "opportunity", "visit", "activity", "sales_order", "service_job")


def search_everything(replica: Replica, text: str, *, per_type: int = 5) -> list[dict[str, Any]]:
    """``[{"entity": ..., "hits": [{"id", "title"}, ...]}, ...]``, types in fixed order.

    Types without a hit are left out; an empty text finds nothing.
    """
    if not text.strip():
        return []
    hits = RecordService(replica).search(text, entities=SEARCHED, limit=per_type)
    groups: dict[str, list[dict[str, Any]]] = {}
    for hit in hits:
        groups.setdefault(hit.entity, []).append({"id": hit.id, "title": hit.title or hit.id})
    return [{"entity": e, "hits": groups[e]} for e in SEARCHED if e in groups]
