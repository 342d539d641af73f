"""Writers hold the replica's write lock from their first moment; readers never
take it, so a read inside an edit, or beside one, does not wait."""

import sqlite3

import pytest
from sqlalchemy import func, select

from fieldcrm.storage.sales import Account


def another_writer_can_start(replica) -> bool:
    """Whether a second program could begin writing right now (no waiting)."""
    db = sqlite3.connect(replica.path, timeout=0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        db.close()


@pytest.mark.parametrize("kind", ["edit", "sync_write"])
def test_a_writer_holds_the_write_lock_from_its_start(replica, kind):
    with getattr(replica, kind)():
        assert not another_writer_can_start(replica)
    assert another_writer_can_start(replica)


def test_readers_never_take_the_write_lock(replica, records):
    records.create("account", {"name": "Acme"})
    with replica.read() as s:
        assert s.execute(select(func.count()).select_from(Account)).scalar_one() == 1
        assert another_writer_can_start(replica)
    with replica.edit():
        # A read beside an open edit sees the last committed state at once.
        assert [a["name"] for a in records.list("account")] == ["Acme"]


def test_a_failed_edit_leaves_nothing_and_releases_the_lock(replica, records):
    with pytest.raises(RuntimeError):
        with replica.edit() as s:
            s.add(Account(name="Half"))
            s.flush()
            raise RuntimeError("interrupted")
    assert records.list("account") == []
    assert another_writer_can_start(replica)
