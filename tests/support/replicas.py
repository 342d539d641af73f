"""Small replica helpers shared by view and service tests."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from typing import Iterator

from fieldcrm.storage.registry import entity_class
from fieldcrm.storage.replica import REPLICA_FILE, Replica


def insert(replica: Replica, entity: str, **values) -> None:
    """A row as it arrives from the server: written without an outbox entry."""
    with replica.sync_write() as s:
        s.add(entity_class(entity)(**values))


@contextmanager
def copied_replica(template, tmp_path) -> Iterator[Replica]:
    """A fresh replica copied from a prepared template file."""
    shutil.copy(template, tmp_path / REPLICA_FILE)
    replica = Replica.open(tmp_path)
    try:
        yield replica
    finally:
        replica.close()
