"""Reading pull responses and building mutations, as a laptop would."""

from __future__ import annotations

import itertools
import uuid
from typing import Any, Optional

_seq = itertools.count(1)


def mutation(entity: str, row_id: str, op: str, changes: Optional[dict] = None, *,
             base: Optional[dict] = None, base_version: int = 0, seq: Optional[int] = None) -> dict[str, Any]:
    return {
        "mutation_id": str(uuid.uuid4()), "seq": seq or next(_seq), "entity": entity, "row_id": row_id,
        "op": op, "changes": changes or {}, "base": base or {}, "base_version": base_version,
    }


def rows_of(page: dict, entity: str) -> dict[str, dict]:
    """Every row of an entity PUT in a pull response, keyed by id."""
    out = {}
    for bucket in page["buckets"]:
        block = bucket["puts"].get(entity)
        if block:
            for values in block["rows"]:
                row = dict(zip(block["columns"], values))
                out[row["id"]] = row
    return out


def removed_ids(page: dict, entity: str) -> set[str]:
    return {rid for bucket in page["buckets"] for rid in bucket["removes"].get(entity, [])}


def cursors_of(page: dict, cursors: Optional[dict] = None) -> dict:
    cursors = dict(cursors or {})
    cursors.update({b["bucket"]: b["cursor"] for b in page["buckets"]})
    return {b: c for b, c in cursors.items() if b in page["subscriptions"]}


class Replica:
    """A laptop's view built only from pull responses: rows by entity and id."""

    def __init__(self, client):
        self.client = client
        self.cursors: dict[str, int] = {}
        self.rows: dict[str, dict[str, dict]] = {}
        self.last: dict = {}

    def sync(self, limit: Optional[int] = None) -> "Replica":
        while True:
            r = self.client.pull(self.cursors, limit=limit)
            assert r.status_code == 200, r.text
            page = self.last = r.json()
            for bucket in page["buckets"]:
                for entity, block in bucket["puts"].items():
                    table = self.rows.setdefault(entity, {})
                    for values in block["rows"]:
                        row = dict(zip(block["columns"], values))
                        table[row["id"]] = row
                for entity, ids in bucket["removes"].items():
                    for rid in ids:
                        self.rows.get(entity, {}).pop(rid, None)
            for entity, ids in page["dropped"].items():
                for rid in ids:
                    self.rows.get(entity, {}).pop(rid, None)
            self.cursors = cursors_of(page, self.cursors)
            if not page["has_more"]:
                return self

    def ids(self, entity: str) -> set[str]:
        return set(self.rows.get(entity, {}))
