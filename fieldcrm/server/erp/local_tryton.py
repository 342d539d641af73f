"""A local Tryton for the demo and the benches: initialise once, serve on loopback.

``trytond-admin`` activates the sale modules on a SQLite file (about a minute),
then :mod:`fieldcrm.erp.tryton_setup` makes a company that can sell and seeds
it. A prepared file can be given as ``template`` to skip that (the test suite
keeps one under ``.pytest_cache/d/tryton-template/`` and starts every test's
Tryton with this class).
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import requests

from fieldcrm.erp.tryton_rpc import TrytonClient, TrytonSettings

MODULES = ["sale", "sale_opportunity", "account_credit_limit", "sale_credit_limit"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_database(source: Path, target: Path) -> None:
    """One self-contained file: Tryton runs SQLite in WAL mode, so recent writes
    may still sit in ``<db>-wal`` next to the file; the backup API folds them in."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def cached_template(root: Path) -> Optional[Path]:
    """The newest template the ERP tests built, if any."""
    found = sorted((root / ".pytest_cache" / "d" / "tryton-template").glob("trytond-*.sqlite"),
                   key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


@dataclass
class LocalTryton:
    directory: Path
    port: int = field(default_factory=free_port)
    database: str = "fieldcrm"
    user: str = "admin"
    password: str = "admin-secret-1"
    read_timeout: float = 120.0
    process: Optional[subprocess.Popen] = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def db_file(self) -> Path:
        return self.directory / "db" / f"{self.database}.sqlite"

    @property
    def log(self) -> Path:
        return self.directory / "trytond.log"

    def settings(self, **changes) -> TrytonSettings:
        values = dict(url=self.url, database=self.database, user=self.user, password=self.password,
                      read_timeout=self.read_timeout)
        return TrytonSettings(**{**values, **changes})

    def _config(self) -> Path:
        path = self.directory / "trytond.conf"
        path.write_text(f"[database]\nuri = sqlite://\npath = {self.db_file.parent}\n"
                        f"[web]\nlisten = 127.0.0.1:{self.port}\n")
        return path

    def _tool(self, name: str) -> str:
        path = Path(sys.executable).with_name(name)
        if not path.exists():
            raise RuntimeError(f"{name} is not installed next to {sys.executable}: install the 'erp' extra")
        return str(path)

    def prepare(self, template: Optional[Path] = None) -> bool:
        """Make the database exist; returns True when it was built from nothing."""
        self.db_file.parent.mkdir(parents=True, exist_ok=True)
        if self.db_file.exists() and self.db_file.stat().st_size > 0:
            return False
        if template is not None:
            copy_database(template, self.db_file)
            return False
        self.db_file.touch()
        secret = self.directory / "admin-password"
        secret.write_text(self.password + "\n")
        os.chmod(secret, 0o600)
        subprocess.run([self._tool("trytond-admin"), "-c", str(self._config()), "-d", self.database,
                        "-u", *MODULES, "--activate-dependencies", "--email", "admin@example.com"],
                       env={**os.environ, "TRYTONPASSFILE": str(secret)}, check=True, capture_output=True)
        return True

    def start(self, timeout: float = 60) -> None:
        log = open(self.log, "ab")
        self.process = subprocess.Popen([self._tool("trytond"), "-c", str(self._config()), "-d", self.database],
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"trytond exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.post(f"{self.url}/rpc/", timeout=1, json={
                        "id": 0, "method": "common.server.version", "params": []}).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"trytond did not answer within {timeout:.0f} s: see {self.log}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)

    def client(self) -> TrytonClient:
        return TrytonClient(self.settings())
