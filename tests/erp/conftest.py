"""A real Tryton server per test, started from a database prepared once.

The template database (modules activated, a company that can sell, seeded
products and customers) is built with ``trytond-admin`` and
:mod:`fieldcrm.erp.tryton_setup`, then kept under the pytest cache keyed by
the trytond version and the setup code, so later runs skip the ~50 s build.
Each test copies it, starts ``trytond`` on a free loopback port and stops it
by PID afterwards.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from fieldcrm.erp import tryton_setup
from fieldcrm.erp.tryton import TrytonConnector
from fieldcrm.erp.tryton_rpc import TrytonClient, TrytonSettings

MODULES = ["sale", "sale_opportunity", "account_credit_limit", "sale_credit_limit"]
DATABASE = "fieldcrm"
USER, PASSWORD = "admin", "admin-secret-1"
PRODUCTS, CUSTOMERS, LIMITED = 12, 8, 2  # the first LIMITED customers have a limit
CREDIT_LIMIT = 1000
TIMINGS: dict[str, float] = {}


def _tool(name: str) -> Path:
    path = Path(sys.executable).parent / name
    if not path.exists():
        pytest.fail(f"{name} is not installed next to {sys.executable}: "
                    "install the 'erp' extra (make venv)")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class TrytonServer:
    """A running trytond on loopback with its own copy of the database."""

    directory: Path
    port: int
    database: str = DATABASE
    user: str = USER
    password: str = PASSWORD
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.directory / "trytond.log"

    def settings(self, **changes) -> TrytonSettings:
        values = dict(url=self.url, database=self.database, user=self.user,
                      password=self.password, read_timeout=30.0)
        values.update(changes)
        return TrytonSettings(**values)

    @property
    def config(self) -> Path:
        return self.directory / "trytond.conf"

    def write_config(self) -> None:
        self.config.write_text(
            "[database]\nuri = sqlite://\n"
            f"path = {self.directory / 'db'}\n"
            f"[web]\nlisten = 127.0.0.1:{self.port}\n")

    def start(self) -> None:
        self.write_config()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(_tool("trytond")), "-c", str(self.config), "-d", self.database],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"trytond exited: {self.log.read_text()[-2000:]}")
            try:
                answer = requests.post(
                    f"{self.url}/rpc/", timeout=1,
                    json={"id": 0, "method": "common.server.version", "params": []})
                if answer.ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"trytond did not answer within 30 s: {self.log}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _template_key() -> str:
    import trytond

    digest = hashlib.sha256()
    digest.update(trytond.__version__.encode())
    digest.update(" ".join(MODULES).encode())
    digest.update(f"{PRODUCTS}/{CUSTOMERS}/{LIMITED}/{CREDIT_LIMIT}/{PASSWORD}".encode())
    digest.update(Path(tryton_setup.__file__).read_bytes())
    return f"trytond-{trytond.__version__}-{digest.hexdigest()[:12]}"


def _build_template(directory: Path) -> Path:
    """Initialise a database, make it able to sell and seed it; return the file."""
    db_dir = directory / "db"
    db_dir.mkdir(parents=True)
    (db_dir / f"{DATABASE}.sqlite").touch()
    server = TrytonServer(directory, _free_port())
    server.write_config()
    pass_file = directory / "admin-password"
    pass_file.write_text(PASSWORD + "\n")
    started = time.monotonic()
    subprocess.run(
        [str(_tool("trytond-admin")), "-c", str(server.config),
         "-d", DATABASE, "-u", *MODULES, "--activate-dependencies",
         "--email", "admin@example.com"],
        env={**os.environ, "TRYTONPASSFILE": str(pass_file)},
        check=True, capture_output=True)
    TIMINGS["trytond-admin init"] = time.monotonic() - started
    started = time.monotonic()
    server.start()
    try:
        client = TrytonClient(server.settings())
        setup = tryton_setup.prepare_company(client)
        tryton_setup.seed_products(client, setup, PRODUCTS)
        tryton_setup.seed_customers(client, CUSTOMERS, with_credit_limit=LIMITED,
                                    credit_limit=CREDIT_LIMIT)
        client.close()
    finally:
        server.stop()
    TIMINGS["company setup and seed"] = time.monotonic() - started
    return db_dir / f"{DATABASE}.sqlite"


def _copy_database(source: Path, target: Path) -> None:
    """One self-contained file: Tryton runs SQLite in WAL mode, so recent writes
    may still sit in ``<db>-wal`` next to the file; the backup API folds them in."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


@pytest.fixture(scope="session")
def tryton_template(request, tmp_path_factory) -> Path:
    """Path of a prepared Tryton SQLite database; built once, then cached."""
    cache = Path(request.config.cache.mkdir("tryton-template"))
    cached = cache / f"{_template_key()}.sqlite"
    if cached.exists():
        return cached
    started = time.monotonic()
    built = _build_template(tmp_path_factory.mktemp("tryton-template"))
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    _copy_database(built, partial)
    os.replace(partial, cached)
    TIMINGS["template build"] = time.monotonic() - started
    return cached


@pytest.fixture(scope="session")
def tryton_seed() -> dict[str, int]:
    """What the template was seeded with, for tests to check against."""
    return {"products": PRODUCTS, "customers": CUSTOMERS, "credit_limit": CREDIT_LIMIT}


@pytest.fixture
def tryton_server(tryton_template, tmp_path):
    """A fresh Tryton on loopback with a copy of the template database."""
    started = time.monotonic()
    (tmp_path / "db").mkdir()
    shutil.copyfile(tryton_template, tmp_path / "db" / f"{DATABASE}.sqlite")
    server = TrytonServer(tmp_path, _free_port())
    server.start()
    TIMINGS.setdefault("server start (first test)", time.monotonic() - started)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def erp(tryton_server):
    """The adapter under test, connected to the per-test server."""
    connector = TrytonConnector(tryton_server.settings())
    try:
        yield connector
    finally:
        connector.close()


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.write_line(
            "tryton fixture: " + ", ".join(f"{k} {v:.1f} s" for k, v in TIMINGS.items()))
