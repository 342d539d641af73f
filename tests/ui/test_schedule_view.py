"""The schedule as a rep and a manager use it: due visits into the plan, optimise
the day, pin a visit and re-optimise, drag to reschedule, warnings, submit and
approve the plan, a home base that starts and ends the day, and a team board
of 200 people."""

import datetime as dt
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QDialogButtonBox

from fieldcrm.routing import TravelSettings
from fieldcrm.services.scheduling import WORKING_HOURS, day_span, schedule_entries
from fieldcrm.services.visit_plans import plan_for_period
from fieldcrm.storage.replica import REPLICA_FILE, Replica
from fieldcrm.ui.changes import ChangeBus
from fieldcrm.ui.prefs import open_prefs
from fieldcrm.ui.schedule.home_dialog import HomeBaseDialog
from fieldcrm.ui.schedule.routing_prefs import RoutingPrefs, routing_prefs
from fieldcrm.ui.schedule.view import ScheduleView
from fieldcrm.ui.territory.route_layer import StopBadge
from tests.support.replicas import copied_replica, insert

MONDAY = dt.date(2030, 6, 3)
PLACES = {"c3": 3, "c1": 1, "c5": 5, "c2": 2, "c6": 6, "c4": 4}  # km east of the office, out of order


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schedule-view")
    r = Replica.open(folder)
    insert(r, "user", id="mgr", username="mgr", display_name="Maria", role="manager")
    insert(r, "user", id="ann", username="ann", display_name="Ann", role="rep", manager_id="mgr")
    for n, (aid, km) in enumerate(PLACES.items()):
        insert(r, "account", id=aid, name=f"{n} Customer {km} km", owner_id="ann", lat=52.52,
               lon=13.30 + km * 3 / 67.8, visit_frequency_days=28)
    r.close()
    return folder / REPLICA_FILE


@pytest.fixture
def replica(template, tmp_path):
    with copied_replica(template, tmp_path) as r:
        yield r


def open_view(qtbot, runner, replica, user="ann", role="rep", prefs=None):
    replica.set_state("user_id", user)
    replica.set_state("role", role)
    view = ScheduleView(SimpleNamespace(replica=replica, runner=runner, bus=ChangeBus(), prefs=prefs), today=MONDAY)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    with qtbot.waitSignal(view.plan.loaded, timeout=10_000):
        view.show()
    return view


def visits(view):
    return sorted((i.entry for i in view.week.items_by_id.values()), key=lambda e: e.start)


def out_and_back(kms):
    """Driven out along the line and back without doubling back twice (the shortest tours)."""
    peak = kms.index(max(kms))
    up, down = kms[:peak + 1], kms[peak:]
    return up == sorted(up) and down == sorted(down, reverse=True)


def click(qtbot, view, button):
    with qtbot.waitSignal(view.plan.loaded, timeout=20_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_due_visits_accepted_optimised_pinned_and_reoptimised(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica)
    assert view.plan.due.count() == 6 and "No visit plan" in view.plan.status.text()
    click(qtbot, view, view.plan.accept_button)
    assert view.plan.due.count() == 0 and "Draft" in view.plan.status.text()
    assert [e.account_id for e in visits(view)] == list(PLACES)  # as accepted, zig-zagging
    click(qtbot, view, view.optimise_button)
    kms = [PLACES[e.account_id] for e in visits(view)]
    assert kms != list(PLACES.values()) and out_and_back(kms)
    assert "optimised" in view.message.text()
    drive = view.route_label.text()
    assert "6 stops" in drive
    # Pin the third stop, then re-optimise: it stays third.
    third = visits(view)[2]
    view.week.items_by_id[third.id].setSelected(True)
    click(qtbot, view, view.pin_button)
    assert view.week.items_by_id[third.id].entry.pinned
    click(qtbot, view, view.optimise_button)
    assert [e.id for e in visits(view)].index(third.id) == 2


def test_ctrl_z_puts_an_optimised_day_back_as_it_was(qtbot, runner, replica):
    from fieldcrm.ui.edits import EditHistory

    view = open_view(qtbot, runner, replica)
    view.ctx.edits = edits = EditHistory(view.ctx)
    click(qtbot, view, view.plan.accept_button)
    as_accepted = [(e.id, e.start, e.end, e.route_order) for e in visits(view)]
    texts = []
    edits.undo_available.connect(lambda available, text: texts.append(text))
    click(qtbot, view, view.optimise_button)
    assert [PLACES[e.account_id] for e in visits(view)] != list(PLACES.values())
    assert texts == ["Undo route optimisation"]

    with qtbot.waitSignal(view.loaded, timeout=10_000):
        assert edits.undo()
    assert [(e.id, e.start, e.end, e.route_order) for e in visits(view)] == as_accepted


def test_optimise_keeps_the_day_within_the_day_end_of_the_settings(qtbot, runner, replica, tmp_path):
    prefs = open_prefs(tmp_path / "profile")
    prefs.set("routing/day_end", "11:00")
    view = open_view(qtbot, runner, replica, prefs=prefs)
    click(qtbot, view, view.plan.accept_button)
    click(qtbot, view, view.optimise_button)
    placed = [e for e in visits(view) if e.route_order is not None]
    # Six visits of 45 minutes and the drives between them fill 08:00-17:00, not 08:00-11:00.
    assert 0 < len(placed) < len(PLACES)
    assert all(e.end.astimezone(view.tz).time() <= dt.time(11) for e in placed)
    assert "do not fit between 08:00 and 11:00" in view.message.text()


def test_unusable_routing_settings_fall_back_to_the_defaults_one_by_one(tmp_path):
    prefs = open_prefs(tmp_path / "profile")
    assert routing_prefs(prefs) == RoutingPrefs(WORKING_HOURS, TravelSettings())
    prefs.set("routing/day_start", "noon")
    prefs.set("routing/road_factor", 0.5)
    prefs.set("routing/average_speed_kmh", 60.0)
    assert routing_prefs(prefs) == RoutingPrefs(WORKING_HOURS, TravelSettings(1.3, 60.0))
    prefs.set("routing/day_start", "07:30")
    prefs.set("routing/day_end", "07:00")  # ends before it starts
    assert routing_prefs(prefs).hours == WORKING_HOURS
    prefs.set("routing/day_end", "18:00")
    assert routing_prefs(prefs).hours == (dt.time(7, 30), dt.time(18))


def test_dragging_a_visit_reschedules_it_and_an_overlap_is_flagged(qtbot, runner, replica):
    tz = dt.datetime.now().astimezone().tzinfo
    for vid, aid, hour in (("v1", "c1", 9), ("v2", "c2", 11)):
        start = dt.datetime.combine(MONDAY, dt.time(hour), tz)
        insert(replica, "visit", id=vid, account_id=aid, owner_id="ann", planned_start=start,
               planned_end=start + dt.timedelta(hours=1))
    view = open_view(qtbot, runner, replica)
    assert view.warnings.item(0).text().startswith("No overlaps")
    item = view.week.items_by_id["v2"]
    item.setPos(QPointF(0, -view.week.minute * 105))  # dragged up to 09:15
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.week.dropped(item)
    (moved,) = [e for e in schedule_entries(replica, *day_span(MONDAY, tz), ["ann"]) if e.id == "v2"]
    assert moved.start.astimezone(tz).time() == dt.time(9, 15)
    texts = [view.warnings.item(i).text() for i in range(view.warnings.count())]
    assert any("overlaps" in t for t in texts)
    assert view.week.items_by_id["v2"].warnings


def test_the_week_runs_on_to_a_weekend_day_that_has_a_visit(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica)
    assert [lane.day.weekday() for lane in view.week.lanes] == [0, 1, 2, 3, 4]
    tz = dt.datetime.now().astimezone().tzinfo
    saturday = dt.datetime.combine(MONDAY + dt.timedelta(days=5), dt.time(10), tz)
    insert(replica, "visit", id="sat", account_id="c1", owner_id="ann", planned_start=saturday,
           planned_end=saturday + dt.timedelta(hours=1))
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.reload()
    assert [lane.day.weekday() for lane in view.week.lanes] == [0, 1, 2, 3, 4, 5]
    assert "sat" in view.week.items_by_id
    assert view.date_label.text().startswith("03 Jun – 08 Jun")
    # looking at a Sunday shows the whole week, scrolled so that Sunday is in view
    view.resize(700, 800)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.go_to(MONDAY + dt.timedelta(days=6))
    assert len(view.week.lanes) == 7
    week = view.week
    sunday_right = week.gutter + 7 * week.lane_size
    left = week.horizontalScrollBar().value()
    assert left > 0 and left + week.viewport().width() >= sunday_right


def test_ctrl_z_puts_a_dragged_visit_back(qtbot, runner, replica):
    from fieldcrm.ui.edits import EditHistory

    tz = dt.datetime.now().astimezone().tzinfo
    start = dt.datetime.combine(MONDAY, dt.time(11), tz)
    insert(replica, "visit", id="v2", account_id="c2", owner_id="ann", planned_start=start,
           planned_end=start + dt.timedelta(minutes=45))
    view = open_view(qtbot, runner, replica)
    view.ctx.edits = edits = EditHistory(view.ctx)
    item = view.week.items_by_id["v2"]
    item.setPos(QPointF(0, -view.week.minute * 105))  # dragged up to 09:15
    with qtbot.waitSignal(edits.undo_available, timeout=10_000) as said:
        view.week.dropped(item)
    assert said.args == [True, "Undo move of visit"]

    with qtbot.waitSignal(edits.undone, timeout=10_000):
        assert edits.undo()
    (back,) = [e for e in schedule_entries(replica, *day_span(MONDAY, tz), ["ann"]) if e.id == "v2"]
    assert (back.start.astimezone(tz).time(), back.end.astimezone(tz).time()) == (dt.time(11), dt.time(11, 45))
    qtbot.waitUntil(lambda: view.week.items_by_id["v2"].entry.start.astimezone(tz).time() == dt.time(11))


def test_plan_submitted_by_the_rep_and_approved_by_the_manager(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica)
    click(qtbot, view, view.plan.accept_button)
    click(qtbot, view, view.plan.submit_button)
    assert "Submitted" in view.plan.status.text()
    manager = open_view(qtbot, runner, replica, user="mgr", role="manager")
    manager.side.setCurrentWidget(manager.plan)
    assert manager.plan.decide.isVisible() and "Ann" in manager.plan.waiting.item(0).text()
    click(qtbot, manager, manager.plan.approve_button)
    assert plan_for_period(replica, "ann", MONDAY)["status"] == "approved"
    assert not manager.plan.decide.isVisible()


def test_team_board_shows_two_hundred_people(qtbot, runner, replica):
    for n in range(200):
        insert(replica, "user", id=f"t{n}", username=f"t{n}", display_name=f"Tech {n:03d}", role="technician",
               manager_id="mgr")
    view = open_view(qtbot, runner, replica, user="mgr", role="manager")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.mode.setCurrentIndex(view.mode.findData("board"))
    assert len(view.board.lanes) == 201


def test_home_base_set_in_its_dialog_starts_and_ends_the_optimised_day(qtbot, runner, replica, tmp_path):
    prefs = open_prefs(tmp_path / "profile")
    view = open_view(qtbot, runner, replica, prefs=prefs)
    assert "No home base" in view.home_label.text()
    click(qtbot, view, view.plan.accept_button)
    qtbot.mouseClick(view.home_button, Qt.MouseButton.LeftButton)
    dialog = view.findChild(HomeBaseDialog)
    dialog.name.setText("Depot")
    dialog.lat.setValue(52.52)
    dialog.lon.setValue(12.90)  # 27 km west of the office, 30 km from the nearest customer
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    assert prefs.get("routing/home") == {"lat": 52.52, "lon": 12.9, "name": "Depot"}
    assert "Depot" in view.home_label.text()
    click(qtbot, view, view.optimise_button)
    day = visits(view)
    # The day starts at 08:00 in the depot: the first visit waits for the drive of about an
    # hour (from the middle of the stops it would start minutes after 08:00).
    assert day[0].start.astimezone(view.tz).time() >= dt.time(8, 50)
    assert out_and_back([PLACES[e.account_id] for e in day])
    marks = {i.mark: i.name for i in view.route_map.scene().items() if isinstance(i, StopBadge)}
    assert marks["H"] == "Depot" and {str(n) for n in range(1, 7)} <= set(marks)

    qtbot.mouseClick(view.home_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.findChild(HomeBaseDialog).clear_button, Qt.MouseButton.LeftButton)
    assert prefs.get("routing/home") == {} and "No home base" in view.home_label.text()
