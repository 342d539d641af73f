"""Commit order on PostgreSQL: a transaction that appends to a bucket after
another one opened can neither take an earlier sequence nor commit ahead of it,
so a pull never skips the late commit."""

from __future__ import annotations

import threading

import pytest

from fieldcrm.server.db import Database
from fieldcrm.server.distribution import place_changed
from fieldcrm.server.oplog import OpLog
from fieldcrm.storage.sales import Account
from tests.support.pages import Replica
from tests.support.postgres import pg_database, require_postgres
from tests.support.server import login, seed_small_org, start_server


def _rename(session, account_id: str, name: str) -> dict[str, int]:
    account = session.get(Account, account_id, with_for_update=True)
    old = {"territory_id": account.territory_id, "owner_id": account.owner_id}
    account.name, account.version = name, account.version + 1
    session.flush()
    oplog = OpLog(session)
    place_changed(session, oplog, account, old=old)
    return oplog.flush()


@pytest.mark.postgres
def test_a_late_commit_to_a_bucket_is_never_skipped(tmp_path):
    require_postgres()
    with pg_database() as url, start_server(url, tmp_path=tmp_path) as server:
        org = seed_small_org(url)
        laptop = Replica(login(server.url, "rep_north", org.passwords["rep_north"])).sync()
        bucket = f"territory:{org.territories['NORTH']}"
        db = Database(url)
        second_appended, second_may_commit = threading.Event(), threading.Event()
        seqs: dict[str, int] = {}

        def second():
            with db.write() as s2:
                seqs["second"] = _rename(s2, org.accounts["north_b"], "renamed second")[bucket]
                second_appended.set()
                second_may_commit.wait(60)

        try:
            with db.write() as s1:
                seqs["first"] = _rename(s1, org.accounts["north_a"], "renamed first")[bucket]
                worker = threading.Thread(target=second)
                worker.start()
                # The second writer waits for the bucket's counter: it cannot
                # take a sequence (or commit) while the first is open.
                assert not second_appended.wait(1.5)
                laptop.sync()
                assert laptop.rows["account"][org.accounts["north_a"]]["name"] == "north_a"
            assert second_appended.wait(30)
            assert seqs["second"] > seqs["first"]
            laptop.sync()  # sees the first commit; the second is not committed yet
            assert laptop.rows["account"][org.accounts["north_a"]]["name"] == "renamed first"
            assert laptop.rows["account"][org.accounts["north_b"]]["name"] == "north_b"
            assert laptop.cursors[bucket] == seqs["first"]
        finally:
            second_may_commit.set()
            worker.join(60)
        laptop.sync()  # the late commit is picked up from the cursor
        assert laptop.rows["account"][org.accounts["north_b"]]["name"] == "renamed second"
        assert laptop.cursors[bucket] == seqs["second"]
        db.dispose()
