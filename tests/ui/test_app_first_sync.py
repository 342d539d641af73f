"""A first sync from the window runs in a ``fieldcrm sync`` process of its own:
the window shows its progress and result, Cancel and closing the window end it
at once, a revoked token asks to sign in again, and later rounds run in the app."""

import sqlite3
import time

import psutil
import pytest

from fieldcrm.services import sync_service
from fieldcrm.services.records import RecordService
from fieldcrm.services.sync_service import SyncService
from fieldcrm.storage.replica import Replica
from fieldcrm.sync.credentials import CredentialStore
from fieldcrm.ui.app import close_context, make_context
from fieldcrm.ui.main_window import MainWindow
from fieldcrm.ui.sync_controller import SyncController
from tests.support.server import admin
from tests.ui.test_app_sync import MemoryKeyring, round_, server  # noqa: F401  (server: a fixture)

NO_TIMERS = dict(debounce=600, first_retry=600, max_retry=600)


@pytest.fixture
def rounds_here(monkeypatch):
    """How many rounds ran their sync engine inside the app's process."""
    counted = []
    engine = sync_service.SyncEngine

    class CountedEngine(engine):
        def run_round(self, **kwargs):
            counted.append(1)
            return super().run_round(**kwargs)

    monkeypatch.setattr(sync_service, "SyncEngine", CountedEngine)
    return counted


@pytest.fixture
def signed_in_window(qtbot, tmp_path, server):  # noqa: F811
    """A window on a fresh profile whose rep signed in before it opened (nothing
    pulled yet); ``start()`` starts syncing. Closed at the end if still open."""
    srv, org = server
    replica = Replica.open(tmp_path / "laptop")
    service = SyncService(replica, CredentialStore(MemoryKeyring()), page_rows=2)
    service.login(srv.url, "rep_north", org.passwords["rep_north"])
    ctx = make_context(replica, tmp_path / "laptop")
    win = MainWindow(ctx, sync_controller=SyncController(ctx, service=service, **NO_TIMERS))
    qtbot.addWidget(win)
    win.show()
    yield win
    if win.isVisible():
        win.close()
    close_context(ctx)
    replica.close()


def sync_processes() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if "sync" in p.cmdline()]


def holding_the_replica(win) -> sqlite3.Connection:
    """Another writer keeps the replica busy: a sync's first write waits for it."""
    conn = sqlite3.connect(str(win.ctx.replica.path), isolation_level=None, timeout=30)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_first_sync_runs_apart_and_shows_its_progress_and_result(qtbot, signed_in_window, server,  # noqa: F811
                                                                  rounds_here):
    win, (srv, org) = signed_in_window, server
    controller, bar = win.sync.controller, win.statusBar()
    steps, shown = [], []
    controller.progress.connect(lambda done, total: (steps.append(done), shown.append(bar.progress.isVisible())))
    with qtbot.waitSignal(controller.round_finished, timeout=60_000) as first:
        win.sync.start()
    summary = first.args[0]
    assert summary.ok, summary.error
    assert summary.pulled_rows >= 4  # two accounts, their contacts, the job, territories, users
    assert rounds_here == []  # the whole first sync ran in its own process
    assert steps and max(steps) == summary.pulled_rows and all(shown)  # page by page in the status bar
    assert not bar.progress.isVisible()
    assert controller.state == "online" and "Online" in bar.online.text()
    assert "received" in controller.log[-1]
    records = RecordService(win.ctx.replica)
    assert {a["name"] for a in records.list("account")} == {"north_a", "north_b"}
    assert records.search("north_a")  # the full-text index was built

    records.update("account", org.accounts["north_a"], {"city": "Laptopville"})
    summary = round_(qtbot, win)
    assert summary.ok and summary.pushed == 1
    assert rounds_here == [1]  # later rounds are small: they run in the app
    assert sync_processes() == []


def test_cancel_ends_a_first_sync_at_once_and_the_next_round_finishes_it(qtbot, signed_in_window,
                                                                         server):  # noqa: F811
    win, (srv, org) = signed_in_window, server
    controller = win.sync.controller
    busy = holding_the_replica(win)
    with qtbot.waitSignal(controller.state_changed, check_params_cb=lambda s, _d: s == "syncing", timeout=30_000):
        win.sync.start()
    qtbot.waitUntil(lambda: bool(sync_processes()), timeout=10_000)
    time.sleep(1.0)  # well into the round: waiting on the busy replica
    started = time.monotonic()
    with qtbot.waitSignal(controller.round_finished, timeout=10_000) as cancelled:
        controller.cancel()
    assert time.monotonic() - started < 5  # not after the replica's 30 s wait for the other writer
    assert cancelled.args[0].error_kind == "cancelled"
    qtbot.waitUntil(lambda: sync_processes() == [], timeout=5000)
    busy.execute("ROLLBACK")
    busy.close()

    with qtbot.waitSignal(controller.round_finished, timeout=60_000) as again:
        win.actions.sync.trigger()
    assert again.args[0].ok, again.args[0].error
    assert controller.state == "online"
    records = RecordService(win.ctx.replica)
    assert {a["name"] for a in records.list("account")} == {"north_a", "north_b"}
    assert records.search("north_b")


def test_closing_the_window_ends_a_first_sync(qtbot, signed_in_window):
    win = signed_in_window
    busy = holding_the_replica(win)
    win.sync.start()
    qtbot.waitUntil(lambda: bool(sync_processes()), timeout=30_000)
    win.close()
    qtbot.waitUntil(lambda: sync_processes() == [], timeout=5000)
    busy.execute("ROLLBACK")
    busy.close()


def test_revoked_token_during_a_first_sync_asks_to_sign_in_again(qtbot, signed_in_window, server):  # noqa: F811
    win, (srv, org) = signed_in_window, server
    admin(srv.db_url, "device", "revoke", "rep_north")
    with qtbot.waitSignal(win.sync.controller.round_finished, timeout=60_000) as first:
        win.sync.start()
    assert first.args[0].error_kind == "sign_in"
    assert win.sync.controller.state == "sign_in_again"
    assert "Sign in again" in win.statusBar().online.text()
    assert win.actions.sync.text() == "Sign in…"
