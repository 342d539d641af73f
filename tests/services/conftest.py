"""Shared set-up for the service tests: a fresh replica per test, rows written as a
sync would write them, and the replica's outbox.

Creating the schema is the slow part, so it is done once per session into a blank
replica file that each test copies.
"""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from fieldcrm.storage.local import OutboxEntry
from fieldcrm.storage.registry import entity_class
from fieldcrm.storage.replica import REPLICA_FILE, Replica


def _insert(replica: Replica, entity: str, **values) -> None:
    with replica.sync_write() as s:
        s.add(entity_class(entity)(**values))


def _outbox(replica: Replica) -> list[OutboxEntry]:
    with replica.read() as s:
        return s.execute(select(OutboxEntry).order_by(OutboxEntry.seq)).scalars().all()


@pytest.fixture(scope="session")
def blank_replica_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("blank-replica")
    Replica.open(folder).close()
    return folder / REPLICA_FILE


@pytest.fixture
def replica(blank_replica_file, tmp_path):
    """An empty replica of its own for one test, closed after it."""
    shutil.copy(blank_replica_file, tmp_path / REPLICA_FILE)
    r = Replica.open(tmp_path)
    yield r
    r.close()


@pytest.fixture
def insert():
    """``insert(replica, entity, **values)``: one row as a sync brings it, so no outbox entry."""
    return _insert


@pytest.fixture
def outbox():
    """``outbox(replica)``: the replica's outbox entries, oldest first."""
    return _outbox
