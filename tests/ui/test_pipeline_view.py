"""The pipeline board as a rep and a manager use it: drag a card, move with the
keyboard, close a deal, filter, and read the forecast."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from fieldcrm.services.status import replica_status
from fieldcrm.storage.replica import REPLICA_FILE, Replica
from fieldcrm.ui.changes import ChangeBus
from fieldcrm.ui.pipeline.close_dialog import CloseDealDialog
from fieldcrm.ui.pipeline.view import PipelineView
from tests.support.replicas import copied_replica, insert

TODAY = dt.date(2025, 5, 15)
DEALS = [  # id, owner, stage, amount, probability, expected close, closed
    ("d1", "ann", "proposal", "10000", 50, "2025-05-20", None),
    ("d2", "ann", "negotiation", "4000", 75, "2025-06-10", None),
    ("d3", "ann", "won", "6000", 100, "2025-05-01", "2025-05-02"),
    ("d4", "sam", "prospecting", "20000", 10, "2025-05-30", None),
    ("d6", "sam", "qualification", "8000", 40, "2025-07-01", None),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pipeline-view")
    r = Replica.open(folder)
    insert(r, "user", id="mgr", username="mgr", display_name="Maria Manager", role="manager")
    insert(r, "user", id="ann", username="ann", display_name="Ann North", role="rep", manager_id="mgr")
    insert(r, "user", id="sam", username="sam", display_name="Sam South", role="rep", manager_id="mgr")
    insert(r, "territory", id="north", code="N", name="North", manager_id="mgr")
    insert(r, "territory_member", id="m1", territory_id="north", user_id="ann", quota=Decimal(120000))
    insert(r, "territory_member", id="m2", territory_id="north", user_id="sam", quota=Decimal(120000))
    insert(r, "account", id="acme", name="Acme", territory_id="north", owner_id="ann")
    for did, owner, stage, amount, p, close, closed in DEALS:
        insert(r, "opportunity", id=did, account_id="acme", owner_id=owner, name=f"Deal {did}", stage=stage,
               amount=Decimal(amount), currency="USD", probability=p, expected_close=dt.date.fromisoformat(close),
               closed_at=dt.date.fromisoformat(closed) if closed else None)
    r.close()
    return folder / REPLICA_FILE


@pytest.fixture
def replica(template, tmp_path):
    with copied_replica(template, tmp_path) as r:
        yield r


def open_view(qtbot, runner, replica, user="ann", role="rep"):
    replica.set_state("user_id", user)
    replica.set_state("role", role)
    ctx = SimpleNamespace(replica=replica, runner=runner, bus=ChangeBus())
    view = PipelineView(ctx, today=TODAY)
    qtbot.addWidget(view)
    view.resize(1300, 700)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.show()
    return view


def header(view, stage):
    c = view.columns[stage]
    return c.title.text() + " " + c.summary.text()


def card_ids(view, stage):
    return [c.id for c in view.columns[stage].model.cards]


def drop(view, card_id, stage):
    """Drag a card from its column and drop it on another, as the mouse would."""
    source = next(c for c in view.columns.values() if card_id in card_ids(view, c.stage))
    row = card_ids(view, source.stage).index(card_id)
    mime = source.model.mimeData([source.model.index(row)])
    target = view.columns[stage].cards.viewport()
    pos = QPoint(20, target.height() - 10)
    actions = Qt.DropAction.MoveAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(target, QDragEnterEvent(pos, actions, mime, buttons, mods))
    QApplication.sendEvent(target, QDragMoveEvent(pos, actions, mime, buttons, mods))
    QApplication.sendEvent(target, QDropEvent(pos, actions, mime, buttons, mods))


def pending(replica):
    return replica_status(replica)["pending"]


def test_dragging_a_card_moves_it_and_updates_totals_and_pending_changes(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica)
    assert "(1)" in header(view, "negotiation") and "Weighted USD 3k" in header(view, "negotiation")
    assert pending(replica) == 0
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        drop(view, "d1", "negotiation")
    assert card_ids(view, "proposal") == []
    assert sorted(card_ids(view, "negotiation")) == ["d1", "d2"]
    assert "(2)" in header(view, "negotiation")
    assert "Total USD 14k" in header(view, "negotiation") and "Weighted USD 10.5k" in header(view, "negotiation")
    assert pending(replica) == 1


def test_won_without_a_reason_is_refused_with_a_message(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica)
    drop(view, "d1", "won")
    dialog = view.findChild(CloseDealDialog)
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(view.refused, timeout=10_000):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert view.message.isVisible() and "why the deal was won" in view.message.text()
    assert card_ids(view, "proposal") == ["d1"] and "(1)" in header(view, "won")
    assert pending(replica) == 0


def test_won_with_a_reason_closes_the_deal(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica)
    drop(view, "d1", "won")
    dialog = view.findChild(CloseDealDialog)
    qtbot.keyClicks(dialog.reason, "Best service terms")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        dialog.ok.click()
    assert sorted(card_ids(view, "won")) == ["d1", "d3"] and not view.message.isVisible()


def test_ctrl_z_takes_back_a_won_deal_with_its_note(qtbot, runner, replica):
    from fieldcrm.services.records import RecordService
    from fieldcrm.ui.edits import EditHistory

    view = open_view(qtbot, runner, replica)
    view.ctx.edits = edits = EditHistory(view.ctx)
    texts = []
    edits.undo_available.connect(lambda available, text: texts.append((available, text)))
    drop(view, "d1", "won")
    dialog = view.findChild(CloseDealDialog)
    qtbot.keyClicks(dialog.reason, "Best service terms")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        dialog.ok.click()
    assert texts[-1] == (True, "Undo move of opportunity")
    records = RecordService(replica)
    notes = [a for a in records.list("activity") if a["opportunity_id"] == "d1"]
    assert [n["subject"] for n in notes] == ["Won: Best service terms"]

    with qtbot.waitSignal(view.loaded, timeout=10_000):
        assert edits.undo()
    assert card_ids(view, "proposal") == ["d1"] and card_ids(view, "won") == ["d3"]
    deal = records.get("opportunity", "d1")
    assert (deal["stage"], deal["probability"], deal["closed_at"]) == ("proposal", 50, None)
    assert [a for a in records.list("activity") if a["opportunity_id"] == "d1"] == []
    assert texts[-1] == (False, "")


def test_keyboard_moves_the_selected_card_to_the_next_stage(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica)
    cards = view.columns["qualification"].cards
    cards.setFocus()
    cards.setCurrentIndex(cards.model().index(0))
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(cards, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert sorted(card_ids(view, "proposal")) == ["d1", "d6"]
    assert card_ids(view, "qualification") == []


def test_owner_filter_shows_only_that_reps_deals(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.owner.setCurrentIndex(view.owner.findText("Sam South"))
    shown = sorted(i for stage in view.columns for i in card_ids(view, stage))
    assert shown == ["d4", "d6"]


def forecast_rows(view):
    table = view.forecast.table
    return {table.item(r, 0).text(): [table.item(r, c).text() for c in (1, 2, 3)] for r in range(table.rowCount())}


def test_forecast_table_chart_and_manager_rollup_match_hand_computed_numbers(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica, user="mgr", role="manager")
    view.tabs.setCurrentWidget(view.forecast)
    qtbot.waitUntil(lambda: view.forecast.table.rowCount() > 0, timeout=10_000)
    rows = forecast_rows(view)
    assert rows["2025-05"] == ["6,000", "13,000", "36,000"]  # won 6000; +5000 +2000; +10000 +20000
    assert rows["2025-06"] == ["0", "3,000", "4,000"]
    assert rows["2025-07"] == ["0", "3,200", "8,000"]
    months = list(rows)
    assert view.forecast.chart_values()[1][months.index("2025-05")] == pytest.approx(13000)
    assert view.forecast.rollup.isVisible()
    reps = view.forecast.reps
    by_name = {reps.item(r, 0).text(): [reps.item(r, c).text() for c in range(1, 6)] for r in range(reps.rowCount())}
    assert by_name["Ann North"] == ["10,000", "6,000", "11,000", "16,000", "60%"]  # May: quota 120k / 12


def test_a_rep_does_not_see_the_rollup(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica)
    view.tabs.setCurrentWidget(view.forecast)
    qtbot.waitUntil(lambda: view.forecast.table.rowCount() > 0, timeout=10_000)
    assert not view.forecast.rollup.isVisible()
