"""The app syncs by itself: after edits, and when the server comes back, against the real server."""

import time

import pytest

from fieldcrm.services.records import RecordService
from test_app_sync import close_window, log_visit, open_window, server, sign_in  # noqa: F401  (fixture)

DEBOUNCE = 1.0
MAX_RETRY = 2.0


@pytest.fixture
def app(qtbot, tmp_path):
    win = open_window(qtbot, tmp_path, debounce=DEBOUNCE, first_retry=0.5, max_retry=MAX_RETRY)
    yield win
    close_window(win)


def test_edits_pile_up_offline_and_go_out_by_themselves_when_the_server_is_back(qtbot, app, server):
    srv, org = server
    sign_in(qtbot, app, srv, org)
    controller, bar = app.sync.controller, app.statusBar()
    assert "Online" in bar.online.text()

    srv.stop()
    with qtbot.waitSignal(controller.round_finished, timeout=30_000) as failed:
        log_visit(qtbot, app, org.accounts["north_a"], "Checked the new pump")
    assert failed.args[0].error_kind == "unreachable"
    qtbot.waitUntil(lambda: "Offline" in bar.online.text(), timeout=5000)
    log_visit(qtbot, app, org.accounts["north_b"], "Left a brochure")
    qtbot.waitUntil(lambda: bar.pending_count == 2, timeout=5000)
    assert "2 changes to send" in bar.pending.text()
    # while offline the app keeps probing on its own, and says it is offline
    probes = controller.scheduler.probes
    qtbot.waitUntil(lambda: controller.scheduler.probes >= probes + 2, timeout=int(4 * MAX_RETRY * 1000))
    assert "Offline" in bar.online.text() and bar.pending_count == 2

    srv.restart()  # nobody clicks anything from here on
    with qtbot.waitSignal(controller.round_finished, timeout=int((MAX_RETRY + 30) * 1000)) as back:
        pass
    assert back.args[0].ok and back.args[0].pushed == 2, back.args[0]
    qtbot.waitUntil(lambda: bar.pending_count == 0, timeout=5000)
    assert "Online" in bar.online.text()
    assert "0 changes to send" in bar.pending.text()


def test_an_edit_made_online_is_sent_after_a_short_pause(qtbot, app, server):
    srv, org = server
    sign_in(qtbot, app, srv, org)
    controller, bar = app.sync.controller, app.statusBar()
    with qtbot.waitSignal(controller.round_finished, timeout=30_000) as sent:
        log_visit(qtbot, app, org.accounts["north_a"], "Demo of the new pump")
        saved_at = time.monotonic()
    assert time.monotonic() - saved_at >= DEBOUNCE * 0.5  # not at once: it waits for a pause in typing
    assert sent.args[0].ok and sent.args[0].pushed == 1, sent.args[0]
    qtbot.waitUntil(lambda: bar.pending_count == 0, timeout=5000)
    visit = RecordService(app.ctx.replica).list("visit", {"objective": "Demo of the new pump"})[0]
    assert visit["version"] > 0  # the server has it
    # what the round brought in is not mistaken for a new local edit
    with qtbot.assertNotEmitted(controller.round_finished, wait=int(3 * DEBOUNCE * 1000)):
        pass
