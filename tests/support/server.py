"""Run the real central server as a process on loopback, for tests.

API (kept stable for every suite that imports it):

``start_server(db_url: str | None = None, *, tmp_path, workers: int = 1, env: dict | None = None) -> ServerProcess``
    Initialises the database (``fieldcrm-server init``; a SQLite file under
    ``tmp_path`` when ``db_url`` is None) and runs ``fieldcrm-server serve`` on
    a free 127.0.0.1 port, waiting until ``GET /health`` answers.

``ServerProcess``
    ``.url`` (``http://127.0.0.1:PORT``), ``.db_url``, ``.port``, ``.pid``,
    ``.log_path`` (stdout+stderr of the process, JSON access lines included),
    ``.stop()`` (SIGTERM, waits for a clean exit: in-flight requests finish),
    ``.kill()`` (SIGKILL), ``.restart()`` (start again on the same port and
    database), ``.running``. Usable as a context manager (stops on exit).

``admin(db_url: str, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess``
    Runs ``fieldcrm-server --db DB_URL ARGS...`` (text mode); raises
    ``AdminFailed`` on a non-zero exit when ``check``.

``seed_small_org(db_url: str) -> SmallOrg``
    On an initialised database: territories EAST (managed by ``manager1``),
    NORTH and SOUTH under EAST, WEST (no manager); users ``rep_north``
    (NORTH), ``rep_south`` (SOUTH), ``rep_west`` (WEST), ``manager1``,
    ``tech1`` and ``admin``; each password is ``SmallOrg.passwords[username]``.
    Accounts ``north_a``, ``north_b`` (NORTH, owned by rep_north), ``south_a``
    (SOUTH, rep_south), ``west_a`` (WEST, rep_west), each with one contact
    (``SmallOrg.contacts[account name]``); a service job on ``north_a``
    assigned to ``tech1`` (``SmallOrg.jobs["north_a"]``).

``login(url, username, password, device_id="laptop-1") -> ApiClient``
    Signs in over HTTP; the client has ``.token``, ``.user`` and
    ``.push(mutations)``, ``.pull(cursors, limit=None)``, ``.verify()``,
    ``.get(path)``, ``.post(path, json)`` returning ``requests.Response``.

``PostgreSQL``: ``tests.support.postgres.pg_database()`` (a context manager
yielding the URL of a fresh database, dropped afterwards) and
``require_postgres()``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import requests

from tests.support.postgres import pg_database, require_postgres  # noqa: F401  (re-exported)

SERVER_BIN = str(Path(sys.executable).with_name("fieldcrm-server"))
PROTOCOL = 1


class AdminFailed(RuntimeError):
    def __init__(self, args, result: subprocess.CompletedProcess):
        super().__init__(f"fieldcrm-server {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
        self.result = result


def _command(db_url: str, *args: str) -> list[str]:
    return [SERVER_BIN, "--db", db_url, *args]


def admin(db_url: str, *args: str, stdin: Optional[str] = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(_command(db_url, *args), input=stdin, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AdminFailed(args, result)
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServerProcess:
    db_url: str
    port: int
    log_path: Path
    workers: int = 1
    env: dict[str, str] = field(default_factory=dict)
    proc: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> Optional[int]:
        return self.proc.pid if self.proc else None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout: float = 60) -> "ServerProcess":
        args = ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            _command(self.db_url, *args), stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **self.env}, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}: {self.log_path.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server did not answer /health within {timeout}s: {self.log_path.read_text()[-2000:]}")

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM and wait: the server finishes in-flight requests, then exits."""
        if not self.running:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        if self.running:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def restart(self) -> "ServerProcess":
        self.stop()
        return self.start()

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc) -> None:
        if self.running:
            self.stop()


def start_server(db_url: Optional[str] = None, *, tmp_path, workers: int = 1,
                 env: Optional[dict[str, str]] = None) -> ServerProcess:
    tmp_path = Path(tmp_path)
    db_url = db_url or f"sqlite:///{tmp_path / 'server.sqlite'}"
    admin(db_url, "init")
    log_path = tmp_path / f"server-{uuid.uuid4().hex[:6]}.log"
    return ServerProcess(db_url=db_url, port=free_port(), log_path=log_path, workers=workers,
                         env=dict(env or {})).start()


# -- a small organisation with known passwords ------------------------------------

@dataclass
class SmallOrg:
    users: dict[str, str]  # username → id
    passwords: dict[str, str]
    territories: dict[str, str]  # code → id
    accounts: dict[str, str]  # name → id
    contacts: dict[str, str]  # account name → contact id
    jobs: dict[str, str]  # account name → service job id


def seed_small_org(db_url: str) -> SmallOrg:
    from fieldcrm.server import admin as server_admin
    from fieldcrm.server.db import Database
    from fieldcrm.server.oplog import OpLog
    from fieldcrm.server.seed import create_row

    db = Database(db_url, pool_size=1)
    passwords = {name: f"{name}-Pw-7731" for name in
                 ("admin", "manager1", "rep_north", "rep_south", "rep_west", "tech1")}
    try:
        with db.write() as s:
            log = OpLog(s)
            add_user = lambda name, role, **kw: server_admin.add_user(  # noqa: E731
                s, log, username=name, role=role, password=passwords[name], **kw)
            users = {"admin": add_user("admin", "admin").id, "manager1": add_user("manager1", "manager").id}
            territories = {}
            for code, parent, manager in (("EAST", None, "manager1"), ("NORTH", "EAST", None),
                                          ("SOUTH", "EAST", None), ("WEST", None, None)):
                territories[code] = server_admin.add_territory(
                    s, log, code=code, name=code.title(), parent=parent, manager=manager).id
            for name, code in (("rep_north", "NORTH"), ("rep_south", "SOUTH"), ("rep_west", "WEST")):
                users[name] = add_user(name, "rep", territories=[code], manager="manager1").id
            users["tech1"] = add_user("tech1", "technician", manager="manager1").id
            accounts, contacts = {}, {}
            for name, code, owner in (("north_a", "NORTH", "rep_north"), ("north_b", "NORTH", "rep_north"),
                                      ("south_a", "SOUTH", "rep_south"), ("west_a", "WEST", "rep_west")):
                account = create_row(s, log, "account", {
                    "id": str(uuid.uuid4()), "name": name, "territory_id": territories[code],
                    "owner_id": users[owner], "type": "customer", "city": "Springfield",
                }, by=users["admin"])
                accounts[name] = account.id
                contacts[name] = create_row(s, log, "contact", {
                    "id": str(uuid.uuid4()), "account_id": account.id, "last_name": f"Contact of {name}",
                }, by=users["admin"]).id
            jobs = {"north_a": create_row(s, log, "service_job", {
                "id": str(uuid.uuid4()), "account_id": accounts["north_a"], "title": "Repair the pump",
                "technician_id": users["tech1"],
            }, by=users["admin"]).id}
            log.flush()
    finally:
        db.dispose()
    return SmallOrg(users=users, passwords=passwords, territories=territories, accounts=accounts,
                    contacts=contacts, jobs=jobs)


# -- a thin HTTP client ------------------------------------------------------------

class ApiClient:
    def __init__(self, url: str, token: str, user: dict, client_id: Optional[str] = None):
        self.url, self.token, self.user = url, token, user
        self.client_id = client_id or str(uuid.uuid4())
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        # As the laptop's transport on loopback: uncompressed answers.
        self.http.headers["Accept-Encoding"] = "identity"

    def post(self, path: str, json: Any) -> requests.Response:
        return self.http.post(self.url + path, json=json, timeout=120)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.url + path, timeout=60)

    def push(self, mutations: list[dict]) -> requests.Response:
        return self.post("/api/v1/sync/push", {"protocol": PROTOCOL, "client_id": self.client_id,
                                               "mutations": mutations})

    def pull(self, cursors: Optional[dict] = None, limit: Optional[int] = None) -> requests.Response:
        body: dict[str, Any] = {"protocol": PROTOCOL, "client_id": self.client_id, "cursors": cursors or {}}
        if limit is not None:
            body["limit"] = limit
        return self.post("/api/v1/sync/pull", body)

    def verify(self) -> requests.Response:
        return self.post("/api/v1/sync/verify", {"protocol": PROTOCOL, "client_id": self.client_id})


def login(url: str, username: str, password: str, device_id: str = "laptop-1") -> ApiClient:
    r = requests.post(url + "/api/v1/auth/login", json={
        "username": username, "password": password, "device_id": device_id, "device_name": "test laptop",
    }, timeout=60)
    r.raise_for_status()
    body = r.json()
    return ApiClient(url, body["token"], body["user"])
