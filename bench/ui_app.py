"""The desktop app on a full replica: start, lists, search, account 360°, sync.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.ui_app [--accounts 100000] [--sync-accounts N] [--only-sync] --json

On a copy of the cached demo replica (``bench.local_writes.demo_replica``):

* ``cold_start_ms``: ``fieldcrm app`` in a fresh process (imports, settings,
  translations, window) until its event loop first turns with the window
  shown; median of three, each listed. ``cold_start_cpu_ms``: the process's
  CPU time by then. ``cold_start_ready_ms`` / ``cold_start_ready_cpu_ms``:
  until the replica is open (storage layer imported and migrations checked on
  the replica thread) and the first page's rows are on screen.
* ``accounts_ids_ms`` / ``accounts_first_screen_ms``: Ctrl+2 (once the start
  page has loaded) until the list knows its row count, and until the first
  screen of rows is filled in; ``accounts_first_screen_cpu_ms`` the process's
  CPU time (every thread) for it; ``accounts_all_ids_ms`` until every id is
  read (the list shows its count and first page before that).
* ``search_keystroke_ms``: the global search box, typed one key at a time at
  a person's pace; per key, from the search starting (the box waits
  ``TYPING_PAUSE_MS`` for a pause in typing) to the hits on screen.
* ``account_360_ms``: opening an account until its 360° page shows it
  (``account_360_cpu_ms``: CPU time of the process).
* ``max_stall_ms``: the longest gap of a 1 ms GUI timer during all of that;
  ``max_stall_cpu_ms``: the most CPU the GUI thread spent inside one gap (the
  rest of a long gap is waiting for a core on a loaded machine).
* ``reference_qsqltablemodel_ms`` / ``_cpu_ms``: Qt's own ``QSqlTableModel``
  (QSQLITE) on the same file: open the account table and fetch the first
  screen.
* ``sync_*``: with ``--sync-accounts N`` (0 skips it), a first sync of N
  accounts from a real server process (``bench.first_sync``'s cached seeded
  database) through the window's sync controller; the GUI thread's longest
  stall while it runs and the views refresh afterwards (``sync_max_stall_cpu_ms``:
  the GUI thread's own CPU inside that gap), and ``idle_max_stall_ms``, the
  longest gap of the same window idle for 3 s just before: the machine's noise.
  ``sync_max_stall_at_s`` / ``sync_max_stall_rows``: when that gap began
  (seconds after the sync started) and the rows pulled by then. ``--only-sync``
  measures this part alone (no cold start, lists or search).

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS_MS = {"cold_start_ms": 1500, "accounts_ids_ms": 100, "search_keystroke_ms": 30, "account_360_ms": 100}


def child_cold_start(profile: Path, started: float) -> None:
    """In the child process: open the app and report when the window is shown
    and turning its event loop, and when its replica is open and the first
    page's rows are on screen; CPU time of the process at each point."""
    from PySide6.QtCore import QTimer

    from fieldcrm.ui.app import run_app

    times: dict = {}

    def mark(name):
        times[name + "_ms"] = (time.time() - started) * 1000
        times[name + "_cpu_ms"] = time.process_time() * 1000

    def on_shown(window):
        QTimer.singleShot(0, lambda: mark("shown"))

    def on_window(window):
        page = window.stack.currentWidget()
        model = getattr(page, "model", None)

        def ready():
            if model is not None and model.rowCount() and model.row_data(0) is None:
                QTimer.singleShot(1, ready)
                return
            mark("ready")
            print(json.dumps(times), flush=True)
            window.close()

        QTimer.singleShot(0, ready)

    run_app(profile, on_window=on_window, on_shown=on_shown)


def cold_start(profile: Path, runs: int = 3) -> list[dict]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    runs_out = []
    for _ in range(runs):
        started = time.time()
        out = subprocess.run([sys.executable, "-m", "bench.ui_app", "--child-cold-start", str(profile),
                              "--started", repr(started)], env=env, capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        runs_out.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return runs_out


def in_window(profile: Path) -> dict:
    from bench.ui_lists import StallMonitor, run_until
    from fieldcrm.storage.replica import Replica
    from fieldcrm.ui import search_box
    from fieldcrm.ui.app import close_context, ensure_application, make_context
    from fieldcrm.ui.main_window import MainWindow

    ensure_application()
    replica = Replica.open(profile)
    ctx = make_context(replica, profile)
    out: dict = {}
    stall = StallMonitor()
    with stall:
        win = MainWindow(ctx)
        win.show()
        run_until(lambda: win.isVisible() and ctx.runner.pending == 0, 60)  # the start page has loaded
        started, cpu = time.perf_counter(), time.process_time()
        win.show_page("account")
        page = win.stack.currentWidget()
        run_until(lambda: page.model.rowCount() > 0, 60)
        out["accounts_ids_ms"] = (time.perf_counter() - started) * 1000
        run_until(lambda: page.model.row_data(0) is not None, 60)
        out["accounts_first_screen_ms"] = (time.perf_counter() - started) * 1000
        out["accounts_first_screen_cpu_ms"] = (time.process_time() - cpu) * 1000
        run_until(lambda: not page.model.loading, 60)
        out["accounts_all_ids_ms"] = (time.perf_counter() - started) * 1000
        out["accounts_rows"] = page.model.rowCount()
        first_id = page.model.id_at(0)

        box, shown = win.search, []
        show_groups = box.results.show_groups

        def record(*args, **kwargs):
            show_groups(*args, **kwargs)
            shown.append(time.perf_counter())

        box.results.show_groups = record
        box.focus()
        per_key = []
        for char in "mueller gmbh":
            before = len(shown)
            typed = time.perf_counter()
            box.insert(char)
            try:
                run_until(lambda: len(shown) > before, 10)
            except TimeoutError:
                continue  # a text too short to search shows nothing new
            per_key.append((shown[-1] - typed) * 1000 - search_box.TYPING_PAUSE_MS)
            _pause(0.15)  # a person's pace: each key waits out the typing pause
        out["search_keystroke_ms"] = statistics.median(per_key) if per_key else None
        out["search_keystroke_max_ms"] = max(per_key) if per_key else None
        box.results.hide()

        run_until(lambda: ctx.runner.pending == 0, 60)
        started, cpu = time.perf_counter(), time.process_time()
        ctx.navigator.open_record.emit("account", first_id)
        view = win.stack.currentWidget()
        run_until(lambda: getattr(view, "account", None) is not None and view.account["id"] == first_id, 60)
        out["account_360_ms"] = (time.perf_counter() - started) * 1000
        out["account_360_cpu_ms"] = (time.process_time() - cpu) * 1000
        _pause(0.5)
    out["max_stall_ms"] = stall.max_gap_ms
    out["max_stall_cpu_ms"] = stall.max_gap_cpu_ms
    win.close()
    close_context(ctx)
    replica.close()
    return out


def _pause(seconds: float) -> None:
    from bench.ui_lists import run_until

    until = time.perf_counter() + seconds
    run_until(lambda: time.perf_counter() >= until, seconds + 5)


def reference_qsqltablemodel(path: Path) -> tuple[float, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtSql import QSqlDatabase, QSqlTableModel
    from PySide6.QtWidgets import QTableView

    from bench.ui_lists import run_until

    started, cpu = time.perf_counter(), time.process_time()
    db = QSqlDatabase.addDatabase("QSQLITE", "reference")
    db.setDatabaseName(str(path))
    if not db.open():
        raise RuntimeError(db.lastError().text())
    model = QSqlTableModel(None, db)
    model.setTable("account")
    model.setSort(model.fieldIndex("name"), Qt.SortOrder.AscendingOrder)
    model.select()
    view = QTableView()
    view.setModel(model)
    view.resize(1100, 700)
    view.show()
    run_until(lambda: model.rowCount() > 0, 60)
    elapsed = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    view.close()
    del view, model
    db.close()
    del db
    QSqlDatabase.removeDatabase("reference")
    return elapsed


def first_sync_stall(accounts: int, work: Path) -> dict:
    from keyring.backend import KeyringBackend

    from bench.first_sync import ServerProcess, seeded_server_db
    from bench.ui_lists import StallMonitor, run_until
    from fieldcrm.services.sync_service import SyncService
    from fieldcrm.storage.replica import Replica
    from fieldcrm.sync.credentials import CredentialStore
    from fieldcrm.ui.app import close_context, make_context
    from fieldcrm.ui.main_window import MainWindow
    from fieldcrm.ui.sync_controller import SyncController

    class PlacedStall(StallMonitor):
        """Also notes when the longest gap began (seconds after the sync started)
        and how many rows the sync had pulled by then: with ``sync_seconds`` it
        tells a stall during the pull from one in the index build or the views'
        refresh afterwards."""

        def __init__(self):
            super().__init__()
            self.rows = self.max_gap_rows = 0
            self.max_gap_at_s = 0.0
            self._began = 0.0

        def note_rows(self, done: int, total: int) -> None:
            self.rows = max(self.rows, done)  # the verify step reports no rows

        def __enter__(self):
            self._began = time.perf_counter()
            return super().__enter__()

        def _tick(self) -> None:
            longest, gap_began = self.max_gap_ms, self._last
            super()._tick()
            if self.max_gap_ms > longest:
                self.max_gap_at_s, self.max_gap_rows = gap_began - self._began, self.rows

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def __init__(self):
            super().__init__()
            self.secrets = {}

        def set_password(self, service, username, password):
            self.secrets[(service, username)] = password

        def get_password(self, service, username):
            return self.secrets.get((service, username))

        def delete_password(self, service, username):
            self.secrets.pop((service, username), None)

    db_url, password = seeded_server_db(accounts, "sqlite", work)
    server = ServerProcess(db_url)
    try:
        replica = Replica.open(work / "laptop")
        service = SyncService(replica, CredentialStore(MemoryKeyring()))
        service.login(server.url, "admin", password)
        ctx = make_context(replica, work / "laptop")
        controller = SyncController(ctx, service=service)
        win = MainWindow(ctx, sync_controller=controller)
        win.show()
        win.show_page("account")
        results = []
        controller.round_finished.connect(results.append)
        idle = StallMonitor()
        with idle:  # the same window doing nothing: this machine's own noise
            _pause(3.0)
        stall = PlacedStall()
        controller.progress.connect(stall.note_rows)
        with stall:
            started = time.perf_counter()
            win.sync.start()
            run_until(lambda: bool(results), 3600)
            seconds = time.perf_counter() - started
            _pause(2.0)  # the views refresh with what arrived
        summary = results[0]
        win.close()
        close_context(ctx)
        replica.close()
        return {"sync_accounts": accounts, "sync_ok": summary.ok, "sync_rows": summary.pulled_rows,
                "sync_seconds": round(seconds, 1), "sync_max_stall_ms": round(stall.max_gap_ms, 1),
                "sync_max_stall_cpu_ms": round(stall.max_gap_cpu_ms, 1),
                "sync_max_stall_at_s": round(stall.max_gap_at_s, 1), "sync_max_stall_rows": stall.max_gap_rows,
                "idle_max_stall_ms": round(idle.max_gap_ms, 1)}
    finally:
        server.stop()


def _only_sync(accounts: int) -> int:
    from fieldcrm.ui.app import ensure_application

    ensure_application()
    with tempfile.TemporaryDirectory(prefix="fieldcrm-ui-bench-") as tmp:
        result = {"bench": "ui_app", "python": platform.python_version(), "cpus": os.cpu_count(),
                  "load": round(os.getloadavg()[0], 1), **first_sync_stall(accounts, Path(tmp))}
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in result.items()}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--sync-accounts", type=int, default=100_000, help="0: no first-sync measurement")
    parser.add_argument("--only-sync", action="store_true", help="only the first-sync measurement")
    parser.add_argument("--json", action="store_true", help="print one JSON line (the default output)")
    parser.add_argument("--child-cold-start", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--started", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_cold_start:
        child_cold_start(args.child_cold_start, args.started)
        return 0

    from bench.local_writes import demo_replica
    from fieldcrm.storage.replica import REPLICA_FILE
    from fieldcrm.ui.app import ensure_application

    if args.only_sync:
        return _only_sync(args.sync_accounts or 100_000)
    source, counts = demo_replica(args.accounts, args.seed)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-ui-bench-") as tmp:
        work = Path(tmp)
        profile = work / "profile"
        profile.mkdir()
        shutil.copy(source, profile / REPLICA_FILE)
        result: dict = {"bench": "ui_app", "accounts": counts.get("account", args.accounts),
                        "python": platform.python_version(), "cpus": os.cpu_count(),
                        "load": round(os.getloadavg()[0], 1)}
        starts = cold_start(profile)
        for key in ("shown_ms", "shown_cpu_ms", "ready_ms", "ready_cpu_ms"):
            result["cold_start_" + key.replace("shown_", "")] = statistics.median(run[key] for run in starts)
        result["cold_start_runs_ms"] = [round(run["shown_ms"]) for run in starts]
        ensure_application()
        result.update(in_window(profile))
        reference = reference_qsqltablemodel(profile / REPLICA_FILE)
        result["reference_qsqltablemodel_ms"], result["reference_qsqltablemodel_cpu_ms"] = reference
        if args.sync_accounts:
            result.update(first_sync_stall(args.sync_accounts, work))
    result["missed"] = [k for k, limit in TARGETS_MS.items() if result.get(k) is None or result[k] > limit]
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in result.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
