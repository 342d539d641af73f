"""Signing in, working offline and syncing from the window, against the real server."""

import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt

from fieldcrm.services.records import RecordService
from fieldcrm.services.status import replica_status
from fieldcrm.services.sync_service import SyncService
from fieldcrm.storage.replica import Replica
from fieldcrm.sync.credentials import CredentialStore
from fieldcrm.ui.app import close_context, make_context
from fieldcrm.ui.main_window import MainWindow
from fieldcrm.ui.sync_controller import SyncController
from tests.support.pages import mutation
from tests.support.server import admin, login, seed_small_org, start_server


class MemoryKeyring(KeyringBackend):
    """A test backend behind the OS keyring API."""

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


@pytest.fixture
def server(tmp_path):
    srv = start_server(tmp_path=tmp_path)
    org = seed_small_org(srv.db_url)
    yield srv, org
    if srv.running:
        srv.stop()


def open_window(qtbot, tmp_path, **timing):
    """The main window on a fresh laptop profile. ``timing``: the scheduler's
    debounce and probe pauses (seconds)."""
    replica = Replica.open(tmp_path / "laptop")
    ctx = make_context(replica, tmp_path / "laptop")
    service = SyncService(replica, CredentialStore(MemoryKeyring()))
    win = MainWindow(ctx, sync_controller=SyncController(ctx, service=service, **timing))
    qtbot.addWidget(win)
    win.show()
    win.sync.start()
    return win


def close_window(win):
    win.close()
    close_context(win.ctx)
    win.ctx.replica.close()


@pytest.fixture
def app(qtbot, tmp_path):
    """For tests that sync with the button: no round starts by itself after an edit
    or while offline, so each round is the one the test asked for."""
    win = open_window(qtbot, tmp_path, debounce=600, first_retry=600, max_retry=600)
    yield win
    close_window(win)


def sign_in(qtbot, win, srv, org, user="rep_north"):
    qtbot.waitUntil(lambda: win.sync.controller.state == "signed_out", timeout=5000)
    assert "Sign in" in win.statusBar().online.text()
    win.actions.sync.trigger()  # the Sync button offers to sign in first
    dialog = win.sync.dialog
    qtbot.keyClicks(dialog.server, srv.url)
    qtbot.keyClicks(dialog.username, user)
    qtbot.keyClicks(dialog.password, org.passwords[user])
    with qtbot.waitSignal(win.sync.controller.round_finished, timeout=30_000) as round_:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert round_.args[0].ok, round_.args[0].error
    return round_.args[0]


def log_visit(qtbot, win, account_id, objective):
    """Open the account, click Log visit, type the objective and save."""
    win.ctx.navigator.open_record.emit("account", account_id)
    page = win.stack.currentWidget()
    qtbot.waitUntil(lambda: page.account is not None and page.account["id"] == account_id, timeout=5000)
    forms = len(win.opener.forms)
    qtbot.mouseClick(page.findChild(type(page.edit_button), "log-visit"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(win.opener.forms) > forms, timeout=5000)
    form = win.opener.forms[-1]
    qtbot.keyClicks(form.editors["objective"].widget, objective)
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.save()


def round_(qtbot, win):
    with qtbot.waitSignal(win.sync.controller.round_finished, timeout=30_000) as done:
        win.actions.sync.trigger()
    return done.args[0]


def test_visit_logged_offline_is_sent_when_the_server_is_back(qtbot, app, server):
    srv, org = server
    sign_in(qtbot, app, srv, org)
    assert app.sync.controller.state == "online"
    records = RecordService(app.ctx.replica)
    assert {a["name"] for a in records.list("account")} == {"north_a", "north_b"}

    srv.stop()
    log_visit(qtbot, app, org.accounts["north_a"], "Checked the new pump")
    bar = app.statusBar()
    qtbot.waitUntil(lambda: bar.pending_count == 1, timeout=5000)
    assert "1 change to send" in bar.pending.text()

    summary = round_(qtbot, app)
    assert not summary.ok
    assert app.sync.controller.state == "offline"
    assert "Offline" in bar.online.text()
    assert bar.pending_count == 1

    srv.restart()
    summary = round_(qtbot, app)
    assert summary.ok and summary.pushed == 1
    qtbot.waitUntil(lambda: bar.pending_count == 0, timeout=5000)
    assert "Online" in bar.online.text()
    visit = records.list("visit", {"objective": "Checked the new pump"})[0]
    assert visit["version"] > 0  # acknowledged: the server gave it its version


def test_conflict_is_resolved_from_the_sync_center(qtbot, app, server):
    srv, org = server
    sign_in(qtbot, app, srv, org)
    account_id = org.accounts["north_a"]
    # the rep edits the city on the laptop...
    app.ctx.navigator.edit_record.emit("account", account_id)
    form = app.opener.forms[-1]
    qtbot.waitUntil(form.isEnabled)
    form.editors["city"].widget.setText("")
    qtbot.keyClicks(form.editors["city"].widget, "Laptopville")
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.save()
    # ...while the manager changes it on the server
    manager = login(srv.url, "manager1", org.passwords["manager1"], device_id="desk-1")
    answer = manager.push([mutation("account", account_id, "update", {"city": "Servertown"},
                                    base={"city": "Springfield"}, base_version=1)])
    assert answer.status_code == 200, answer.text
    summary = round_(qtbot, app)
    assert summary.conflicts == 1, summary

    center = app.sync.show_center()
    qtbot.waitUntil(lambda: center.parked.count() == 1, timeout=5000)
    assert center.parked.item(0).text().startswith("Conflict")
    cells = [center.fields.item(0, c).text() for c in range(4)]
    assert cells == ["city", "Springfield", "Laptopville", "Servertown"]
    with qtbot.waitSignal(app.sync.controller.round_finished, timeout=30_000):
        qtbot.mouseClick(center.buttons["keep_mine"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: center.parked.count() == 0, timeout=5000)
    assert RecordService(app.ctx.replica).get("account", account_id)["city"] == "Laptopville"
    assert replica_status(app.ctx.replica)["conflicts"] == 0


def test_rejected_edit_shows_the_servers_message(qtbot, app, server):
    srv, org = server
    sign_in(qtbot, app, srv, org)
    # a rep approves their own visit plan (as `fieldcrm records update` lets them try);
    # only their manager may, and the server says so
    records = RecordService(app.ctx.replica)
    plan = records.create("visit_plan", {"owner_id": org.users["rep_north"], "status": "submitted",
                                         "period_start": "2026-12-07", "period_end": "2026-12-11"})
    assert round_(qtbot, app).ok
    records.update("visit_plan", plan["id"], {"status": "approved"})
    summary = round_(qtbot, app)
    assert summary.rejected == 1, summary
    center = app.sync.show_center()
    qtbot.waitUntil(lambda: center.parked.count() == 1, timeout=5000)
    assert center.parked.item(0).text().startswith("Rejected")
    assert "manager" in center.message.text()
    assert not center.buttons["keep_mine"].isVisible()
    assert "1 to review" in app.statusBar().problems.text()
    qtbot.mouseClick(center.buttons["discard"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: center.parked.count() == 0, timeout=5000)
    assert replica_status(app.ctx.replica)["parked"] == 0
    assert records.get("visit_plan", plan["id"])["status"] == "submitted"


def test_revoked_token_asks_to_sign_in_again(qtbot, app, server):
    srv, org = server
    sign_in(qtbot, app, srv, org)
    admin(srv.db_url, "device", "revoke", "rep_north")
    summary = round_(qtbot, app)
    assert summary.error_kind == "sign_in"
    assert app.sync.controller.state == "sign_in_again"
    assert "Sign in again" in app.statusBar().online.text()
    assert app.actions.sync.text() == "Sign in…"


def test_a_round_that_received_rows_leaves_merging_the_search_index_to_the_idle_upkeep(qtbot, app, server):
    srv, org = server
    app._upkeep.stop()  # the test looks before the upkeep's tick would run it
    summary = sign_in(qtbot, app, srv, org)
    assert summary.pulled_rows > 0
    assert app.ctx.replica.upkeep_pending()
    while app.ctx.replica.maintain(quiet_for=0):
        pass
    assert not app.ctx.replica.upkeep_pending()
    assert round_(qtbot, app).pulled_rows == 0  # nothing new: nothing to merge
    assert not app.ctx.replica.upkeep_pending()
