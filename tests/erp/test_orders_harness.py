"""The parts the ERP reconciliation tests put together; this module holds no tests.

A real Tryton (``tryton_server`` from ``conftest``), the real central server
process on loopback with the small organisation, the server's ``erp`` CLI as
an administrator runs it, and a real laptop replica driven through the
``fieldcrm`` command line, signed in as ``rep_north``. ERP customers land in
territory NORTH (policy ``default_territory``), so the rep's laptop sees them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable, Optional

import pytest

from fieldcrm.erp.tryton_rpc import TrytonClient
from tests.support.server import SERVER_BIN, admin, seed_small_org, start_server

FIELDCRM = [sys.executable, "-m", "fieldcrm.cli.main"]
ALL = ("active", "in", [True, False])


def wait_until(predicate: Callable[[], object], timeout: float, what: str, step: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    pytest.fail(f"waited {timeout:.0f} s for {what}")


class Laptop:
    """A laptop replica: signed in and synced with the ``fieldcrm`` command line, as
    IT scripts it; records read and written with the same service the command
    line and the app use, in this process (one process per read would cost
    seconds each on a loaded machine)."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder, self.env = folder, env

    def run(self, *args: str, ok: bool = True, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
        proc = subprocess.run([*FIELDCRM, "--profile", str(self.folder), *args], input=stdin,
                              capture_output=True, text=True, timeout=120, env=self.env)
        if ok:
            assert proc.returncode == 0, f"fieldcrm {' '.join(args)}: {proc.stderr}"
        return proc

    def sync(self) -> dict:
        return json.loads(self.run("sync", "--json").stdout)

    def _records(self, work):
        from fieldcrm.services.records import RecordService
        from fieldcrm.storage.replica import Replica

        replica = Replica.open(self.folder)
        try:
            return work(RecordService(replica))
        finally:
            replica.close()

    def get(self, entity: str, row_id: str) -> dict:
        return self._records(lambda records: records.get(entity, row_id))

    def find(self, entity: str, **where: str) -> list[dict]:
        return self._records(lambda records: records.list(entity, where))

    def create(self, entity: str, **values) -> str:
        return self._records(lambda records: records.create(entity, values))["id"]

    def place_order(self, account_id: str, owner_id: str, lines: list[tuple[str, str, Optional[str]]]) -> str:
        """A draft with lines, then submitted: what the rep's order form does."""
        def work(records) -> str:
            order = records.create("sales_order", {"account_id": account_id, "owner_id": owner_id,
                                                   "kind": "order", "status": "draft"})["id"]
            for product_id, quantity, price in lines:
                values = {"order_id": order, "product_id": product_id, "quantity": quantity}
                if price is not None:
                    values["unit_price"] = price
                records.create("sales_order_line", values)
            records.update("sales_order", order, {"status": "submitted"})
            return order
        return self._records(work)


@dataclass
class ErpSetup:
    trytond: object  # fieldcrm.server.erp.local_tryton.LocalTryton
    server: object  # tests.support.server.ServerProcess
    org: object
    laptop: Laptop
    tmp_path: Path

    @property
    def db_url(self) -> str:
        return self.server.db_url

    def erp(self, *args: str, check: bool = True, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
        return admin(self.db_url, "erp", *args, check=check, stdin=stdin)

    def pull(self, *args: str) -> dict:
        return json.loads(self.erp("pull", "--json", *args).stdout)

    def status(self) -> dict:
        return json.loads(self.erp("status", "--json").stdout)

    def worker(self, *args: str, kill_after_submit: bool = False) -> subprocess.Popen:
        env = dict(os.environ)
        env.pop("FIELDCRM_ERP_KILL_AFTER_SUBMIT", None)
        if kill_after_submit:
            env["FIELDCRM_ERP_KILL_AFTER_SUBMIT"] = "1"
        log = open(self.tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log", "wb")
        proc = subprocess.Popen([SERVER_BIN, "--db", self.db_url, "erp", "worker", "--no-pull",
                                 "--idle-sleep", "0.2", *args], stdout=log, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
        log.close()
        return proc

    def send_orders(self, timeout: float = 120) -> None:
        """Run the worker until it has tried every submitted order once."""
        proc = self.worker("--exit-when-idle")
        assert proc.wait(timeout) == 0

    def tryton(self) -> TrytonClient:
        return TrytonClient(self.trytond.settings())

    def sales_with_reference(self, crm_order_id: str) -> list[dict]:
        client = self.tryton()
        try:
            return client.model("sale.sale", "search_read", [("reference", "=", crm_order_id)], 0, None,
                                None, ["number", "state", "total_amount"])
        finally:
            client.close()

    def account_id(self, erp_code: str) -> str:
        client = self.tryton()
        try:
            party, = client.model("party.party", "search", [("code", "=", erp_code), ALL], 0, 1, None)
        finally:
            client.close()
        found = self.laptop.find("account", erp_ref=str(party))
        assert len(found) == 1, f"the laptop has no account for ERP customer {erp_code}"
        return found[0]["id"]

    def product_id(self, sku: str) -> str:
        found = self.laptop.find("product", sku=sku)
        assert len(found) == 1, f"the laptop has no product {sku}"
        return found[0]["id"]

    @property
    def rep(self) -> str:
        return self.org.users["rep_north"]


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def set_policy(db_url: str, **values: str) -> None:
    """What ``fieldcrm-server erp policy`` stores (its own test runs the command)."""
    from fieldcrm.server.db import Database
    from fieldcrm.server.erp import config

    db = Database(db_url, pool_size=1)
    try:
        with db.write() as session:
            for key, value in values.items():
                config.set_value(session, f"policy.{key}", value)
    finally:
        db.dispose()


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.fixture
def keyring_env(tmp_path, monkeypatch) -> dict[str, str]:
    monkeypatch.setenv("FIELDCRM_SERVER_SECRET_FILE", str(tmp_path / "secret" / "server-secret.key"))
    (tmp_path / "site.toml").write_text("")
    return {**os.environ, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            "XDG_DATA_HOME": str(tmp_path / "xdg-data"), "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
            "FIELDCRM_SITE_CONFIG": str(tmp_path / "site.toml")}


@contextmanager
def running_erp_setup(tryton_server, tmp_path: Path, keyring_env: dict[str, str], db_url: str):
    """Tryton + server (ERP configured, master data pulled) + rep_north's synced laptop."""
    with start_server(db_url, tmp_path=tmp_path) as server:
        org = seed_small_org(server.db_url)
        admin(server.db_url, "erp", "configure", "--kind", "tryton", "--url", tryton_server.url,
              "--database", tryton_server.database, "--user", tryton_server.user, "--password-stdin",
              stdin=tryton_server.password + "\n")
        set_policy(server.db_url, default_territory="NORTH", submit_settle="1")
        laptop = Laptop(tmp_path / "laptop", keyring_env)
        setup = ErpSetup(tryton_server, server, org, laptop, tmp_path)
        setup.pull()
        laptop.run("login", "--server", server.url, "--user", "rep_north", "--password-stdin",
                   stdin=org.passwords["rep_north"] + "\n")
        laptop.sync()
        yield setup


@pytest.fixture
def erp_setup(tryton_server, tmp_path, keyring_env):
    """The whole chain on a SQLite server database."""
    with running_erp_setup(tryton_server, tmp_path, keyring_env, f"sqlite:///{tmp_path / 'server.sqlite'}") as setup:
        yield setup
