"""The task runner: where work runs, in what order, and what the user sees."""

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
import shiboken6

from fieldcrm.ui.runner import Cancelled, CancelToken, Op, Progress, TaskRunner


def wait_idle(qtbot, runner, timeout=5000):
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=timeout)


def test_replica_ops_run_in_submission_order_on_one_background_thread(qtbot, runner):
    ran, delivered = [], []

    def record(i, delay):
        time.sleep(delay)
        assert runner.is_replica_thread()
        ran.append((i, threading.get_ident()))
        return i

    for i in range(20):
        # Early ops are slower: a pool would let the later ones overtake.
        Op(record, i, 0.01 if i < 5 else 0).success(delivered.append).run(runner)
    wait_idle(qtbot, runner)

    assert [i for i, _ in ran] == list(range(20))
    assert delivered == list(range(20))
    threads = {ident for _, ident in ran}
    assert len(threads) == 1
    assert threads != {threading.get_ident()}
    assert not runner.is_replica_thread()


def test_callbacks_run_on_the_gui_thread(qtbot, runner):
    seen = []
    Op(lambda: 1).success(lambda _: seen.append(threading.get_ident())).run(runner)
    Op(lambda: 1 / 0).failure(lambda _: seen.append(threading.get_ident())).run(runner)
    wait_idle(qtbot, runner)
    assert seen == [threading.get_ident()] * 2


def test_network_ops_run_concurrently_off_the_gui_thread(qtbot, runner):
    both_started = threading.Barrier(2, timeout=5)
    threads = []

    def fetch():
        threads.append(threading.get_ident())
        both_started.wait()  # raises BrokenBarrierError unless run side by side
        return "ok"

    results = []
    for _ in range(2):
        Op(fetch, kind="network").success(results.append).run(runner)
    wait_idle(qtbot, runner)
    assert results == ["ok", "ok"]
    assert threading.get_ident() not in threads


def test_network_op_does_not_wait_behind_replica_work(qtbot, runner):
    release = threading.Event()
    order = []
    Op(lambda: release.wait(5)).success(lambda _: order.append("replica")).run(runner)
    Op(lambda: "net", kind="network").success(order.append).run(runner)
    qtbot.waitUntil(lambda: order == ["net"])
    release.set()
    wait_idle(qtbot, runner)
    assert order == ["net", "replica"]


def test_failure_reaches_the_failure_callback_with_the_exception(qtbot, runner):
    failures = []
    errors = []
    runner.error.connect(lambda exc, handle: errors.append(exc))

    def save():
        raise ValueError("name is required")

    Op(save).success(lambda _: pytest.fail("no success")).failure(failures.append).run(runner)
    wait_idle(qtbot, runner)
    assert [str(e) for e in failures] == ["name is required"]
    assert isinstance(failures[0], ValueError)
    assert errors == []


def test_unhandled_failure_reaches_the_runner_error_signal(qtbot, runner):
    def save():
        raise KeyError("account")

    with qtbot.waitSignal(runner.error, timeout=5000) as blocker:
        handle = Op(save).run(runner)
    exc, failed = blocker.args
    assert isinstance(exc, KeyError)
    assert failed is handle


def test_a_raising_success_callback_reaches_the_error_signal(qtbot, runner):
    def broken_view_update(result):
        raise RuntimeError("view went away")

    with qtbot.waitSignal(runner.error, timeout=5000) as blocker:
        Op(lambda: 42).success(broken_view_update).run(runner)
    assert str(blocker.args[0]) == "view went away"
    # The runner keeps working afterwards.
    results = []
    Op(lambda: 7).success(results.append).run(runner)
    wait_idle(qtbot, runner)
    assert results == [7]


def test_cancel_stops_a_running_op_that_checks_its_token(qtbot, runner):
    started = threading.Event()
    steps = []

    def import_accounts(cancel: CancelToken):
        started.set()
        for step in range(1000):
            cancel.raise_if_cancelled()
            steps.append(step)
            time.sleep(0.005)
        return "finished"

    outcomes = []
    handle = Op(import_accounts).success(outcomes.append).failure(outcomes.append).run(runner)
    assert started.wait(5)
    handle.cancel()
    wait_idle(qtbot, runner)
    assert len(outcomes) == 1 and isinstance(outcomes[0], Cancelled)
    assert len(steps) < 1000


def test_cancelled_op_that_has_not_started_never_runs(qtbot, runner):
    release = threading.Event()
    ran = []
    errors = []
    runner.error.connect(lambda exc, handle: errors.append(exc))
    Op(lambda: release.wait(5)).run(runner)
    queued = Op(lambda: ran.append("ran")).run(runner)
    queued.cancel()
    release.set()
    wait_idle(qtbot, runner)
    assert ran == []
    assert errors == []  # a cancellation without a failure callback is quiet


def test_result_that_arrives_after_cancel_is_discarded(qtbot, runner):
    # A list asks for page 0, then re-queries its ids: the page of the old ids
    # may already be on its way to the GUI thread when the owner cancels it.
    finished = threading.Event()
    outcomes = []

    def fetch_page():
        finished.set()
        return ["old row"]

    handle = Op(fetch_page).success(outcomes.append).failure(outcomes.append).run(runner)
    assert finished.wait(5)
    time.sleep(0.05)  # the result is queued for the GUI thread, not yet delivered
    handle.cancel()
    wait_idle(qtbot, runner)
    assert len(outcomes) == 1 and isinstance(outcomes[0], Cancelled)


def test_callbacks_of_an_op_whose_widget_was_deleted_are_dropped(qtbot, runner):
    # A form closed while its record is still being read: its widgets are gone
    # when the result arrives, and updating them would raise on the GUI thread.
    release = threading.Event()
    form = QWidget()
    outcomes, errors = [], []
    runner.error.connect(lambda exc, handle: errors.append(exc))
    Op(lambda: release.wait(5) and "row").owned_by(form).success(
        lambda row: outcomes.append(form.windowTitle())).run(runner)
    Op(lambda: "other").success(outcomes.append).run(runner)
    form.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(form), timeout=5000)
    release.set()
    wait_idle(qtbot, runner)
    assert outcomes == ["other"] and errors == []


def test_progress_reports_reach_the_progress_callback(qtbot, runner):
    def sync_accounts(progress):
        for done in range(1, 4):
            progress(done, 3, f"{done} of 3")
        return "synced"

    reports = []
    Op(sync_accounts, label="Sync").progress(reports.append).run(runner)
    wait_idle(qtbot, runner)
    assert [(p.done, p.total, p.text) for p in reports] == [(1, 3, "1 of 3"), (2, 3, "2 of 3"), (3, 3, "3 of 3")]


def test_fast_ops_show_no_busy_cursor_and_no_progress(qtbot, runner):
    signals = []
    runner.busy_changed.connect(lambda busy: signals.append(("busy", busy)))
    runner.progress_changed.connect(lambda state: signals.append(("progress", state)))
    for _ in range(10):
        Op(time.sleep, 0.02).run(runner)
    wait_idle(qtbot, runner)
    qtbot.wait(700)  # past both delays: a late timer must not flash the cursor
    assert signals == []
    assert QGuiApplication.overrideCursor() is None


def test_slow_op_shows_busy_cursor_then_progress_then_clears(qtbot, runner):
    release = threading.Event()
    with qtbot.waitSignal(runner.busy_changed, timeout=2000) as busy:
        Op(release.wait, 5, label="Loading accounts").run(runner)
    assert busy.args == [True]
    assert QGuiApplication.overrideCursor().shape() == Qt.CursorShape.BusyCursor

    with qtbot.waitSignal(runner.progress_changed, timeout=2000) as shown:
        pass
    state = shown.args[0]
    assert isinstance(state, Progress) and state.label == "Loading accounts"

    with qtbot.waitSignals([runner.busy_changed, runner.progress_changed], timeout=5000):
        release.set()
    assert QGuiApplication.overrideCursor() is None


def test_background_ops_never_show_the_busy_cursor(qtbot, runner):
    signals = []
    runner.busy_changed.connect(signals.append)
    Op(time.sleep, 0.7).in_background().run(runner)
    wait_idle(qtbot, runner)
    assert signals == []


def test_shutdown_waits_for_running_and_queued_replica_work(qtbot):
    runner = TaskRunner()
    saved = []

    def save(name):
        time.sleep(0.1)
        saved.append(name)

    Op(save, "first").run(runner)
    Op(save, "second").run(runner)
    runner.shutdown()
    assert saved == ["first", "second"]
    with pytest.raises(RuntimeError):
        Op(save, "late").run(runner)
