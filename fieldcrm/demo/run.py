"""`make demo` / `fieldcrm demo`: a demo server, a signed-in demo rep, the app.

Everything lives under ``./.demo/`` (or the folder given): the server's
SQLite database, the laptop profile and, where this machine has no secure
keyring, a plain-text demo keyring (said so on the console). The server runs
as a subprocess on a loopback port and stops when the window closes.

Without the server parts installed, the demo still opens: the profile's
replica is filled from the demo generator instead.

The demo's calendar (visits done and ahead, today's round) is laid out
around the day it was made. On a later day, or after the demo data changed,
the demo starts afresh; the earlier one is moved aside, not deleted
(``previous-<day>/`` in the demo folder), with whatever was done in it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

DEMO_USER = "rep1"
DEMO_ACCOUNTS = 200
STATE_FILE = "demo.json"  # port and the demo rep's password (demo data only)


def say(text: str) -> None:
    print(f"fieldcrm demo: {text}", flush=True)


def _demo_day() -> str:
    """The day the generator lays the calendar around (it reads the UTC clock)."""
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def _data_format() -> int:
    from fieldcrm.demo.generator import DATA_FORMAT

    return DATA_FORMAT


def retire_stale_demo(folder: Path) -> Optional[Path]:
    """Move a demo made on another day (or from other demo data) aside, so this
    start makes a fresh one; returns where it went, or None when it is current."""
    state_path = folder / STATE_FILE
    if not state_path.exists():
        return None
    try:
        state = json.loads(state_path.read_text())
    except ValueError:
        state = {}
    made_on = state.get("made_on")
    if made_on == _demo_day() and state.get("data_format") == _data_format():
        return None
    base = folder / f"previous-{made_on or 'undated'}"
    target, n = base, 1
    while target.exists():
        n += 1
        target = base.with_name(f"{base.name}-{n}")
    target.mkdir(parents=True)
    for item in folder.iterdir():
        if item != target and not item.name.startswith("previous-"):
            item.rename(target / item.name)
    say(f"the demo was made on {made_on or 'an earlier day'}; starting a fresh one for today "
        f"(the earlier demo is kept in {target})")
    return target


def _mark_made(folder: Path) -> None:
    state_path = folder / STATE_FILE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    if "made_on" not in state:
        state.update(made_on=_demo_day(), data_format=_data_format())
        state_path.write_text(json.dumps(state))


def _free_port(preferred: Optional[int]) -> int:
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free loopback port")


class DemoServer:
    """``fieldcrm-server`` on a SQLite file under the demo folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.db_url = f"sqlite:///{folder / 'server.sqlite'}"
        self.state_path = folder / STATE_FILE
        self.state = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}
        self.process: Optional[subprocess.Popen] = None
        self.port = 0

    def _admin(self, *args: str) -> str:
        command = [sys.executable, "-m", "fieldcrm.server.cli", "--db", self.db_url, *args]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    def prepare(self) -> None:
        if "password" not in self.state:
            say("creating the demo server database (a minute the first time)…")
            self._admin("init")
            out = self._admin("seed-demo", "--accounts", str(DEMO_ACCOUNTS))
            for line in out.splitlines():
                name, _, password = line.strip().partition("\t")
                if name == DEMO_USER:
                    self.state["password"] = password
            self._save()

    def start(self) -> str:
        self.port = _free_port(self.state.get("port"))
        self.state["port"] = self.port
        self._save()
        log = open(self.folder / "server.log", "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fieldcrm.server.cli", "--db", self.db_url, "serve",
             "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        import requests

        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the demo server stopped; see {self.folder / 'server.log'}")
            try:
                if requests.get(f"{url}/health", timeout=1).ok:
                    return url
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError("the demo server did not answer within a minute")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def _save(self) -> None:
        self.state_path.write_text(json.dumps(self.state))


def demo_credentials(folder: Path):
    """The OS keyring when it is secure; else a plain-text keyring chosen for the demo."""
    from fieldcrm.sync.credentials import CredentialStore, choose_backend

    choice = choose_backend(None, os.environ)
    if choice.secure:
        return CredentialStore(choice.backend)
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(folder / "demo-keyring.cfg")
    say(f"no secure keyring on this machine ({choice.insecure_reason}); the demo keeps its "
        f"sign-in token in a plain-text demo keyring, {backend.file_path}")
    return CredentialStore(backend)


def offline_replica(profile: Path) -> None:
    """Fill the profile's replica from the demo generator (no server needed)."""
    from fieldcrm.demo.generator import load_into_replica
    from fieldcrm.services.records import RecordService
    from fieldcrm.storage.replica import Replica

    replica = Replica.open(profile)
    try:
        if RecordService(replica).count("account") == 0:
            say("filling a demo replica from the demo generator…")
            load_into_replica(replica, accounts=DEMO_ACCOUNTS)
            users = RecordService(replica).list("user", {"username": DEMO_USER})
            if users:
                replica.set_state("user_id", users[0]["id"])
    finally:
        replica.close()


def run(folder: Path, *, offline: bool = False) -> int:
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    retire_stale_demo(folder)
    profile = folder / "profile"
    profile.mkdir(parents=True, exist_ok=True)
    server = None
    service = None
    if not offline and getattr(sys, "frozen", False):
        # The desktop bundle carries no server: show the demo on generated data.
        say("this installed app has no embedded server; opening an offline demo")
        offline = True
    if not offline:
        try:
            from fieldcrm.services.sync_service import SyncService
            from fieldcrm.storage.replica import Replica

            server = DemoServer(folder)
            server.prepare()
            url = server.start()
            say(f"demo server at {url} (user {DEMO_USER}); it stops when the window closes")
            replica = Replica.open(profile)
            service = SyncService(replica, demo_credentials(folder))
            account = service.account()
            if account is None or account.server_url != url or account.sign_in_needed:
                if account is not None and account.server_url != url:
                    replica.close()
                    raise RuntimeError("the demo profile belongs to another server; delete "
                                       f"{folder} to start the demo afresh")
                service.login(url, DEMO_USER, server.state["password"], device_name="demo laptop")
            say("syncing…")
            summary = service.sync_now()
            say("synced" if summary.ok else f"sync did not finish: {summary.error}")
            replica.close()
        except ImportError as exc:
            say(f"the server parts are not installed ({exc.name}); opening an offline demo")
            offline = True
        except Exception:
            if server is not None:
                server.stop()
            raise
    if offline:
        offline_replica(profile)
    _mark_made(folder)
    from fieldcrm.ui.app import run_app

    def with_demo_sync(window):
        if service is not None:  # the window's own replica, the demo's keyring
            window.sync.controller.use_service(type(service)(
                window.ctx.replica, service.credentials, settings=window.ctx.site))

    try:
        return run_app(profile, on_window=with_demo_sync)
    finally:
        if server is not None:
            server.stop()
            say("demo server stopped")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="fieldcrm demo", description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path(".demo"), help="where the demo keeps its files")
    parser.add_argument("--offline", action="store_true", help="no server: a generated replica only")
    args = parser.parse_args(argv)
    return run(args.folder, offline=args.offline)


if __name__ == "__main__":
    sys.exit(main())
