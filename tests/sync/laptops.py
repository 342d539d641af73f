"""A laptop for end-to-end sync tests: a replica, the sync service, real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

from fieldcrm.services.records import RecordService
from fieldcrm.services.sync_service import SyncService
from fieldcrm.storage.registry import ENTITY_CLASSES, row_to_dict
from fieldcrm.storage.replica import Replica
from fieldcrm.sync.credentials import CredentialStore
from fieldcrm.sync.transport import RetryPolicy, Transport
from fieldcrm.sync.wire import PROTOCOL_VERSION

FAST_RETRY = RetryPolicy(attempts=4, first_delay=0.05, max_delay=0.3)


def quick_transport(url: str, token: Optional[str], cancelled, *, read_timeout: float = 30.0) -> Transport:
    return Transport(url, token=token, cancelled=cancelled, retry=FAST_RETRY,
                     connect_timeout=2.0, read_timeout=read_timeout)


_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def fieldcrm(profile, env, *args, stdin=None) -> subprocess.CompletedProcess:
    """The ``fieldcrm`` command as a person (or IT's script) runs it, with ``env``
    on top of this machine's environment minus its proxy variables."""
    base = {k: v for k, v in os.environ.items() if k.upper() not in _PROXY_VARIABLES}
    return subprocess.run([sys.executable, "-m", "fieldcrm.cli.main", "--profile", str(profile), *args],
                          input=stdin, env={**base, **env}, capture_output=True, text=True, timeout=180)


class Laptop:
    def __init__(self, folder: Path, server_url: str, keyring_env: dict, *, page_rows: Optional[int] = None,
                 server_url_for_login: Optional[str] = None, transport_factory=quick_transport):
        self.folder = Path(folder)
        self.server_url = server_url_for_login or server_url
        self.replica = Replica.open(self.folder)
        self.credentials = CredentialStore.open(None, keyring_env)
        self.service = SyncService(self.replica, self.credentials, transport_factory=transport_factory,
                                   page_rows=page_rows)
        self.records = RecordService(self.replica)

    def login(self, username: str, password: str) -> None:
        self.username = username
        self.service.login(self.server_url, username, password)

    def sync(self, *, expect_ok: bool = True):
        summary = self.service.sync_now()
        if expect_ok:
            assert summary.ok, summary.error
        return summary

    def rows(self) -> dict[str, dict[str, dict]]:
        """Every server-origin row of the replica, per entity, by id."""
        out = {}
        with self.replica.read() as s:
            for cls in ENTITY_CLASSES:
                found = {o.id: row_to_dict(o) for o in s.query(cls).filter(cls.version > 0)}
                if found:
                    out[cls.__entity__] = found
        return out

    def outbox(self) -> list[tuple]:
        with self.replica.read() as s:
            return s.connection().exec_driver_sql(
                "SELECT entity, row_id, op, state, result FROM outbox ORDER BY seq").all()

    def close(self) -> None:
        self.replica.close()


def server_scope(server_url: str, username: str, password: str) -> dict[str, dict[str, dict]]:
    """What the server holds for this user now, read with a brand-new device (no laptop code)."""
    from tests.support.server import login

    client = login(server_url, username, password, device_id=f"check-{username}")
    out: dict[str, dict[str, dict]] = {}
    cursors: dict[str, int] = {}
    while True:
        page = client.pull(cursors).json()
        assert page["protocol"] == PROTOCOL_VERSION
        for bucket in page["buckets"]:
            cursors[bucket["bucket"]] = bucket["cursor"]
            for entity, block in bucket["puts"].items():
                for row in block["rows"]:
                    values = dict(zip(block["columns"], row))
                    out.setdefault(entity, {})[values["id"]] = values
            for entity, ids in bucket["removes"].items():
                for row_id in ids:
                    out.get(entity, {}).pop(row_id, None)
        if not page["has_more"]:
            break
    return {entity: rows for entity, rows in out.items() if rows}


def assert_replica_matches_server(laptop: Laptop, server_url: str, password: str) -> None:
    theirs = server_scope(server_url, laptop.username, password)
    mine = laptop.rows()
    assert sorted(mine) == sorted(theirs)
    for entity in theirs:
        assert set(mine[entity]) == set(theirs[entity]), entity
        for row_id, row in theirs[entity].items():
            assert mine[entity][row_id] == row, (entity, row_id)
