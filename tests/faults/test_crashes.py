"""Processes dying mid-sync: the laptop killed with SIGKILL at random points, the
server killed mid-push. After recovery every accepted mutation was applied once,
no outbox entry was lost, and the replica equals the server's rows for its scope.

``FIELDCRM_FAULT_TRIALS`` sets the number of laptop kills (50 by default);
each run prints its seed, and ``FIELDCRM_FAULT_SEED`` replays one.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from fieldcrm.server.settings import normalise_db_url
from tests.sync.laptops import Laptop, assert_replica_matches_server

TRIALS = int(os.environ.get("FIELDCRM_FAULT_TRIALS", "50"))


def server_rows(db_url: str, sql: str, **params) -> list[tuple]:
    engine = create_engine(normalise_db_url(db_url))
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def assert_each_mutation_applied_once(db_url: str) -> None:
    """Every applied mutation produced its own version of its row, none twice."""
    records = server_rows(db_url, "SELECT row_id, version FROM applied_mutation WHERE status IN ('applied', 'merged')")
    per_row: dict[str, list[int]] = {}
    for row_id, version in records:
        per_row.setdefault(row_id, []).append(version)
    for row_id, versions in per_row.items():
        assert len(versions) == len(set(versions)), f"row {row_id} got the same version twice: {versions}"


def test_laptop_killed_at_random_points_of_sync_loses_and_duplicates_nothing(server, org, laptops, keyring_env, tmp_path):
    seed = int(os.environ.get("FIELDCRM_FAULT_SEED", random.randrange(1 << 30)))
    print(f"laptop-kill trials: seed {seed}, {TRIALS} trials (FIELDCRM_FAULT_SEED={seed} replays)")
    rng = random.Random(seed)
    rep = Laptop(tmp_path / "rep", server.url, keyring_env)
    rep.login("rep_north", org.passwords["rep_north"])
    rep.sync()
    boss = laptops("manager1", org.passwords["manager1"])
    boss.sync()
    accounts = [org.accounts["north_a"], org.accounts["north_b"]]
    expected_phone: dict[str, str] = {}
    expected_notes: dict[str, str] = {}
    created: dict[str, str] = {}
    cli = [sys.executable, "-m", "fieldcrm.cli.main", "--profile", str(tmp_path / "rep"), "sync"]
    env = {**os.environ, **keyring_env, "FIELDCRM_SYNC_PAGE_ROWS": "2"}
    kills = 0
    for trial in range(TRIALS):
        for _ in range(rng.randint(1, 4)):
            account = rng.choice(accounts)
            if rng.random() < 0.5:
                expected_phone[account] = f"{trial}-{rng.randrange(1000)}"
                rep.records.update("account", account, {"phone": expected_phone[account]})
            else:
                row = rep.records.create("contact", {"account_id": account, "last_name": f"T{trial}"})
                created[row["id"]] = f"T{trial}"
        account = rng.choice(accounts)  # someone else changes other fields meanwhile
        expected_notes[account] = f"manager {trial}"
        boss.records.update("account", account, {"notes": expected_notes[account]})
        boss.records.create("activity", {"kind": "note", "subject": f"S{trial}", "account_id": account,
                                         "owner_id": org.users["manager1"]})
        boss.sync()
        proc = subprocess.Popen(cli, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(rng.uniform(0.2, 1.5))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
        conn = sqlite3.connect(rep.replica.path)
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",), f"trial {trial} (seed {seed})"
        conn.close()
    summary = rep.sync()
    boss.sync()
    assert kills > 0, "no sync was interrupted; the trials tested nothing"
    assert rep.outbox() == [] and summary.conflicts == 0 and summary.rejected == 0
    for account in accounts:
        row = rep.records.get("account", account)
        assert row["phone"] == expected_phone.get(account, row["phone"]), f"seed {seed}"
        assert row["notes"] == expected_notes.get(account, row["notes"]), f"seed {seed}"
    on_server = dict(server_rows(server.db_url, "SELECT id, last_name FROM contact"))
    assert {k: on_server.get(k) for k in created} == created, f"seed {seed}"
    assert_each_mutation_applied_once(server.db_url)
    assert_replica_matches_server(rep, server.url, org.passwords["rep_north"])
    assert_replica_matches_server(boss, server.url, org.passwords["manager1"])
    rep.close()


def _marked_sent(laptop) -> bool:
    conn = sqlite3.connect(laptop.replica.path)
    try:
        return conn.execute("SELECT 1 FROM outbox WHERE sent_count > 0 LIMIT 1").fetchone() is not None
    finally:
        conn.close()


class PushHeldUp:
    """Holds the server's push in the middle, however fast the server is: on
    PostgreSQL a lock on the account row the batch ends by updating (the
    server has written the batch's 400 contacts and waits there, inside its
    transaction); on SQLite the database's write lock (the server has the
    batch and waits to begin writing it). ``release`` lets it go on."""

    def __init__(self, db_url: str, account_id: str):
        self.engine = create_engine(normalise_db_url(db_url))
        self.conn = self.engine.connect()
        if self.engine.dialect.name == "sqlite":
            self.conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            self.conn.begin()
            self.conn.execute(text("SELECT id FROM account WHERE id = :id FOR UPDATE"), {"id": account_id})

    def server_waits_inside_its_transaction(self) -> bool:
        """PostgreSQL: a server backend waits on the row lock with its
        transaction open (SQLite cannot show this: assumed)."""
        if self.engine.dialect.name == "sqlite":
            return True
        with self.engine.connect() as other:
            return bool(other.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND xact_start IS NOT NULL")).scalar())

    def release(self) -> None:
        if self.engine.dialect.name == "sqlite":
            self.conn.exec_driver_sql("ROLLBACK")
        else:
            self.conn.rollback()
        self.conn.close()
        self.engine.dispose()


@pytest.mark.parametrize("server_db", ["sqlite", "postgres"], indirect=True)
def test_server_killed_mid_push_applies_every_mutation_once_after_restart(server, org, laptops):
    rep = laptops("rep_north", org.passwords["rep_north"])
    rep.sync()
    ids = [rep.records.create("contact", {"account_id": org.accounts["north_a"], "last_name": f"C{n}"})["id"]
           for n in range(400)]
    rep.records.update("account", org.accounts["north_a"], {"phone": "after the crash"})
    outcome = {}
    held = PushHeldUp(server.db_url, org.accounts["north_a"])
    round_thread = threading.Thread(target=lambda: outcome.setdefault("first", rep.sync(expect_ok=False)))
    round_thread.start()
    # The laptop commits "sent" on its entries right before the request
    # leaves; the server applies the whole batch in one transaction, held up
    # in the middle. Kill it there.
    deadline = time.monotonic() + 60
    try:
        while not _marked_sent(rep):
            assert time.monotonic() < deadline, "the push never started"
            time.sleep(0.01)
        while not held.server_waits_inside_its_transaction():
            assert time.monotonic() < deadline, "the server never reached the held-up row"
            time.sleep(0.01)
        time.sleep(0.5)  # SQLite: the request reaches the server and waits
        assert not server_rows(server.db_url, "SELECT 1 FROM applied_mutation LIMIT 1"), \
            "the batch was already committed: the kill came too late to test anything"
        server.kill()
    finally:
        held.release()
    round_thread.join(120)
    assert outcome["first"].error_kind == "unreachable"
    assert len(rep.outbox()) == 401  # nothing dropped, nothing squashed into sent entries
    server.start()
    summary = rep.sync()
    assert rep.outbox() == [] and summary.rejected == 0 and summary.conflicts == 0
    on_server = {r[0] for r in server_rows(server.db_url, "SELECT id FROM contact")}
    assert set(ids) <= on_server
    recorded = server_rows(server.db_url, "SELECT mutation_id FROM applied_mutation")
    assert len(recorded) == len({r[0] for r in recorded}) == 401
    assert_each_mutation_applied_once(server.db_url)
    assert rep.records.get("account", org.accounts["north_a"])["phone"] == "after the crash"
    assert_replica_matches_server(rep, server.url, org.passwords["rep_north"])
