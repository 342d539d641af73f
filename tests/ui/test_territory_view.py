"""The territory map and list as a manager uses them: see the KPIs, select
accounts on the map, preview a move, apply it and find it in the outbox; and
as a rep: the day's route and the home base on the map."""

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu
from sqlalchemy import select

from fieldcrm.storage.local import OutboxEntry
from fieldcrm.storage.replica import REPLICA_FILE, Replica
from fieldcrm.ui.changes import ChangeBus
from fieldcrm.ui.prefs import open_prefs
from fieldcrm.ui.territory.route_layer import StopBadge
from fieldcrm.ui.territory.view import TerritoryView
from tests.support.replicas import copied_replica, insert

# North: three accounts in a row (west to east); South: one, far away.
ACCOUNTS = [("a1", "north", "ann", 52.50, 13.30), ("a2", "north", "ann", 52.50, 13.40),
            ("a3", "north", "ann", 52.50, 13.50), ("b1", "south", "sam", 48.10, 11.50)]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("territory-view")
    r = Replica.open(folder)
    insert(r, "user", id="mgr", username="mgr", display_name="Maria", role="manager")
    insert(r, "user", id="ann", username="ann", display_name="Ann", role="rep", manager_id="mgr")
    insert(r, "user", id="sam", username="sam", display_name="Sam", role="rep", manager_id="mgr")
    insert(r, "territory", id="north", code="N", name="North", manager_id="mgr")
    insert(r, "territory", id="south", code="S", name="South", manager_id="mgr")
    insert(r, "territory_member", id="m1", territory_id="north", user_id="ann")
    insert(r, "territory_member", id="m2", territory_id="south", user_id="sam")
    for aid, tid, owner, lat, lon in ACCOUNTS:
        insert(r, "account", id=aid, name=aid.upper(), territory_id=tid, owner_id=owner, lat=lat, lon=lon)
    insert(r, "opportunity", id="o3", account_id="a3", owner_id="ann", name="Deal", stage="proposal",
           amount=Decimal(5000), currency="EUR", probability=50)
    r.close()
    return folder / REPLICA_FILE


@pytest.fixture
def replica(template, tmp_path):
    with copied_replica(template, tmp_path) as r:
        yield r


def open_view(qtbot, runner, replica, user, role, prefs=None):
    replica.set_state("user_id", user)
    replica.set_state("role", role)
    view = TerritoryView(SimpleNamespace(replica=replica, runner=runner, bus=ChangeBus(), prefs=prefs))
    qtbot.addWidget(view)
    view.resize(1200, 700)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.show()
    return view


def kpi_rows(table):
    return {table.text_at(r)[0]: table.text_at(r)[1:] for r in range(table.rowCount())}


def screen_pos(view, lat, lon):
    return view.map.mapFromScene(view.map.projection.to_scene(lat, lon))


def shift_drag(qtbot, view, start: QPoint, end: QPoint):
    vp = view.map.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, start)
    qtbot.mouseMove(vp, end)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, end)


def test_territory_list_shows_kpis(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica, "ann", "rep")
    rows = kpi_rows(view.kpis)
    assert rows["North (N)"] == ["3", "EUR 5k", "–", "0"]
    assert rows["South (S)"][0] == "1"
    assert not view.realign.isVisible()  # only a manager realigns


def test_manager_moves_selected_accounts_with_a_preview_and_an_outbox_entry(qtbot, runner, replica):
    view = open_view(qtbot, runner, replica, "mgr", "manager")
    view.map.zoom_to(view.map.layer.boundingRect().adjusted(-1, -1, 1, 1))
    view.map.centerOn(view.map.projection.to_scene(52.5, 13.45))
    view.map.zoom(40)  # the three northern accounts fill the view
    # Shift+drag a box around the two eastern accounts of North.
    a2, a3 = screen_pos(view, 52.5, 13.40), screen_pos(view, 52.5, 13.50)
    shift_drag(qtbot, view, a2 - QPoint(10, 10), a3 + QPoint(10, 10))
    assert sorted(view.selected_ids) == ["a2", "a3"]
    assert "2 accounts selected" in view.selection_label.text()

    view.target.setCurrentIndex(view.target.findData("south"))
    with qtbot.waitSignal(view.previewed, timeout=10_000):
        qtbot.mouseClick(view.preview_button, Qt.MouseButton.LeftButton)
    preview = kpi_rows(view.preview_table)
    assert preview["North: now"][:2] == ["3", "EUR 5k"] and preview["North: after the move"][:2] == ["1", "0"]
    assert preview["South: now"][0] == "1" and preview["South: after the move"][:2] == ["3", "EUR 5k"]
    with replica.read() as s:
        assert s.execute(select(OutboxEntry)).first() is None  # a preview writes nothing

    with qtbot.waitSignal(view.realigned, timeout=10_000), qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(view.apply_button, Qt.MouseButton.LeftButton)
    assert "2 accounts moved" in view.message.text()
    with replica.read() as s:
        entries = {e.row_id: json.loads(e.changes) for e in s.execute(select(OutboxEntry)).scalars()}
    assert entries == {"a2": {"territory_id": "south", "owner_id": "sam"},
                       "a3": {"territory_id": "south", "owner_id": "sam"}}
    assert kpi_rows(view.kpis)["South (S)"][0] == "3"


def test_route_of_the_day_and_the_home_base_show_on_the_map(qtbot, runner, replica, tmp_path):
    tz = dt.datetime.now().astimezone().tzinfo
    for n, aid in enumerate(("a3", "a1", "a2")):  # driven east, then back west
        start = dt.datetime.combine(dt.date.today(), dt.time(9 + n), tz)
        insert(replica, "visit", id=f"v{n}", account_id=aid, owner_id="ann", planned_start=start,
               planned_end=start + dt.timedelta(minutes=45))
    prefs = open_prefs(tmp_path / "profile")
    view = open_view(qtbot, runner, replica, "ann", "rep", prefs=prefs)
    assert badges(view) == {"1": (52.5, 13.5), "2": (52.5, 13.3), "3": (52.5, 13.4)}
    assert "3 stops in driving order" in view.route_label.text()

    # The menu key on the map offers to put the home base at the middle of the view.
    view.map.zoom(8)
    view.map.centerOn(view.map.projection.to_scene(52.45, 13.2))
    middle = view.map.viewport().rect().center()
    QApplication.sendEvent(view.map.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard, middle, view.map.viewport().mapToGlobal(middle)))
    menu = view.map.findChild(QMenu, "map-menu")
    (action,) = menu.actions()
    assert action.text() == "Set my &home base here"
    with qtbot.waitSignal(view.route_shown, timeout=10_000):
        action.trigger()
    home = prefs.get("routing/home")
    assert home["name"] == "Home base"
    assert (home["lat"], home["lon"]) == pytest.approx((52.45, 13.2), abs=0.01)
    assert badges(view)["H"] == pytest.approx((52.45, 13.2), abs=0.01)
    assert "from Home base and back" in view.route_label.text()

    # Another day without visits: only the home base is left on the map.
    with qtbot.waitSignal(view.route_shown, timeout=10_000):
        view.route_day.setDate(view.route_day.date().addDays(1))
    assert set(badges(view)) == {"H"} and "no stops" in view.route_label.text()


def badges(view):
    """Mark -> (lat, lon) of the route's badges on the map."""
    return {item.mark: tuple(round(v, 4) for v in view.map.projection.to_geo(item.pos()))
            for item in view.map.scene().items() if isinstance(item, StopBadge)}


def drawn_names(view) -> dict[str, QRectF]:
    """The territory names the map's last paint drew: name -> rectangle in view pixels."""
    view.map.viewport().repaint()
    return dict(view.map.names.shown)


def assert_apart(names):
    rects = list(names.values())
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:]), names


def test_territory_names_never_cover_each_other_and_the_larger_territory_keeps_its_name(qtbot, runner, replica):
    # East: one account just east of North's three, so at most zooms their names meet.
    insert(replica, "territory", id="east", code="E", name="East", manager_id="mgr")
    insert(replica, "account", id="e1", name="E1", territory_id="east", owner_id="sam", lat=52.5, lon=13.9)
    view = open_view(qtbot, runner, replica, "mgr", "manager")
    whole = view.map.viewport().rect()

    names = drawn_names(view)  # everything in view: every name, each inside the map
    assert set(names) == {"North", "East", "South"}
    assert_apart(names)
    assert all(whole.contains(r.toAlignedRect()) for r in names.values()), names

    # North's and East's places 20 pixels apart: North's name would run over East's.
    north, east = view.map.projection.to_scene(52.5, 13.4), view.map.projection.to_scene(52.5, 13.9)
    view.map.zoom(20 / (view.map.mapFromScene(east).x() - view.map.mapFromScene(north).x()))
    view.map.centerOn(north)
    names = drawn_names(view)
    assert {"North", "East"} <= set(names)
    assert_apart(names)

    # So far out that all three places are one spot: no room for the third name; the
    # territory with the most accounts keeps its own, right of its place.
    view.map.zoom(0.002 / view.map.transform().m11())
    view.map.centerOn(north)
    names = drawn_names(view)
    assert len(names) == 2 and "North" in names
    assert_apart(names)
    spot = view.map.mapFromScene(north)
    assert names["North"].left() > spot.x()

    qtbot.keyClick(view.map, Qt.Key.Key_0)  # back to the whole map: every name again
    assert set(drawn_names(view)) == {"North", "East", "South"}
