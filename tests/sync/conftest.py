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


# -- a real server process and laptops talking to it ----------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def server_db(request, tmp_path):
    from tests.support.postgres import server_database

    with server_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def server(server_db, tmp_path):
    from tests.support.server import start_server

    with start_server(server_db, tmp_path=tmp_path) as process:
        yield process


@pytest.fixture
def org(server):
    from tests.support.server import seed_small_org

    return seed_small_org(server.db_url)


@pytest.fixture
def keyring_env(tmp_path, monkeypatch) -> dict:
    """keyrings.alt's file backend in a temporary XDG_DATA_HOME, chosen explicitly."""
    env = {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
           "XDG_DATA_HOME": str(tmp_path / "xdg-data"), "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
           "FIELDCRM_SITE_CONFIG": str(tmp_path / "site.toml")}
    (tmp_path / "site.toml").write_text("")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def laptops(tmp_path, server, keyring_env):
    from tests.sync.laptops import Laptop

    made = []

    def make(username: str, password: str, name: str | None = None) -> "Laptop":
        laptop = Laptop(tmp_path / (name or f"laptop-{len(made)}-{username}"), server.url, keyring_env)
        laptop.login(username, password)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.close()
