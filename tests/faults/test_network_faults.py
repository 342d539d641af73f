"""Bad networks between a laptop and a real server: cut, dropped and slow answers."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import create_engine, text

from fieldcrm.server.settings import normalise_db_url
from tests.faults.proxy import Fault, FaultProxy
from tests.sync.laptops import Laptop, assert_replica_matches_server


def applied_records(db_url: str) -> list[tuple]:
    engine = create_engine(normalise_db_url(db_url))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT mutation_id, row_id, version, status FROM applied_mutation")).all()
    finally:
        engine.dispose()


def test_first_sync_through_cut_dropped_and_slow_connections_completes(server, org, keyring_env, tmp_path):
    proxy = FaultProxy(server.port).start()
    try:
        laptop = Laptop(tmp_path / "rep", proxy.url, keyring_env, page_rows=2)
        laptop.login("rep_north", org.passwords["rep_north"])
        proxy.plan = [Fault("cut", after_bytes=400), Fault("drop"), Fault("drop_response"),
                      Fault("delay", seconds=0.3), Fault("cut", after_bytes=120), Fault("drop")]
        summary = laptop.sync()
        assert {"cut", "drop", "drop_response", "delay"} <= set(proxy.faults_done)
        assert summary.pulled_rows > 0
        assert_replica_matches_server(laptop, server.url, org.passwords["rep_north"])
        laptop.close()
    finally:
        proxy.stop()


def test_push_whose_answer_is_lost_is_applied_once(server, org, keyring_env, tmp_path):
    proxy = FaultProxy(server.port).start()
    try:
        laptop = Laptop(tmp_path / "rep", proxy.url, keyring_env)
        laptop.login("rep_north", org.passwords["rep_north"])
        laptop.sync()
        before = laptop.records.get("account", org.accounts["north_a"])["version"]
        laptop.records.update("account", org.accounts["north_a"], {"phone": "once"})
        created = laptop.records.create("contact", {"account_id": org.accounts["north_a"], "last_name": "Once"})
        proxy.plan = [Fault("drop_response"), Fault("cut", after_bytes=60)]  # the push, then its retry
        summary = laptop.sync()
        assert summary.applied == 2 and laptop.outbox() == []
        records = applied_records(server.db_url)
        assert sorted(r[1] for r in records) == sorted([org.accounts["north_a"], created["id"]])
        account = laptop.records.get("account", org.accounts["north_a"])
        assert (account["phone"], account["version"]) == ("once", before + 1)
        assert_replica_matches_server(laptop, server.url, org.passwords["rep_north"])
        laptop.close()
    finally:
        proxy.stop()


def test_cli_sync_with_the_server_down_fails_clearly_and_loses_nothing(server, org, keyring_env, tmp_path):
    laptop = Laptop(tmp_path / "rep", server.url, keyring_env)
    laptop.login("rep_north", org.passwords["rep_north"])
    laptop.sync()
    laptop.records.update("account", org.accounts["north_a"], {"phone": "typed offline"})
    laptop.close()
    server.stop()
    cli = [sys.executable, "-m", "fieldcrm.cli.main", "--profile", str(tmp_path / "rep")]
    down = subprocess.run([*cli, "sync"], capture_output=True, text=True, timeout=120)
    assert down.returncode == 3
    assert "cannot be reached" in down.stderr and "nothing waiting to be sent was lost" in down.stderr
    server.start()
    up = subprocess.run([*cli, "sync", "--json"], capture_output=True, text=True, timeout=120)
    assert up.returncode == 0, up.stderr
    assert '"applied":1' in up.stdout
    status = subprocess.run([*cli, "status", "--json"], capture_output=True, text=True, timeout=60)
    assert '"pending":0' in status.stdout
