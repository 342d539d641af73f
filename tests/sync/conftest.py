"""Fresh replicas for the sync tests, copied from one migrated template."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from fieldcrm.storage.registry import fields_of
from fieldcrm.storage.replica import REPLICA_FILE, Replica


@pytest.fixture(scope="session")
def replica_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("replica-template")
    replica = Replica.open(folder)
    replica.close()
    return folder / REPLICA_FILE


@pytest.fixture
def make_replica(tmp_path, replica_template):
    opened = []

    def make(name: str = "laptop") -> Replica:
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(replica_template, folder / REPLICA_FILE)
        replica = Replica.open(folder)
        opened.append(replica)
        return replica

    yield make
    for replica in opened:
        replica.close()


@pytest.fixture
def replica(make_replica) -> Replica:
    return make_replica()


def _server_row(entity: str, version: int, **values) -> dict:
    """A complete row as the server sends it (every column, stored form)."""
    row = {}
    for name, info in fields_of(entity).items():
        row[name] = None
    row.update({"id": str(uuid.uuid4()), "version": version, "updated_at": "2026-01-02T03:04:05.000000Z"})
    defaults = {
        "account": {"name": "Acme", "type": "customer", "erp_blocked": False},
        "contact": {"last_name": "Doe", "is_primary": False},
        "opportunity": {"name": "Deal", "stage": "prospecting", "currency": "EUR"},
    }
    row.update(defaults.get(entity, {}))
    row.update(values)
    return row


def _page(*buckets, subscriptions=None, dropped=None, has_more=False) -> dict:
    """A pull response. Each bucket: (name, cursor, {entity: [rows]}, {entity: [ids]})."""
    out = []
    for name, cursor, puts, removes in buckets:
        block = {}
        for entity, rows in puts.items():
            columns = list(rows[0])
            block[entity] = {"columns": columns, "rows": [[r[c] for c in columns] for r in rows]}
        out.append({"bucket": name, "cursor": cursor, "has_more": False, "reset": False,
                    "puts": block, "removes": removes})
    return {"protocol": 1, "subscriptions": subscriptions or [b[0] for b in buckets],
            "buckets": out, "dropped": dropped or {}, "has_more": has_more}


@pytest.fixture
def server_row():
    return _server_row


@pytest.fixture
def page():
    return _page
