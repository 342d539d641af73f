"""The Schedule page: the week or day of one person, or the team board; drag to
reschedule or reassign; the day's warnings and route; due visits into the plan;
the plan's submission and, for a manager, its approval."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QSplitter, QStackedWidget,
    QTabWidget, QVBoxLayout, QWidget,
)

from fieldcrm.services.people import current_person, field_people
from fieldcrm.services.scheduling import (
    day_span, day_warnings, pin_visit, plan_day, reschedule, route_of_day, schedule_entries,
)
from fieldcrm.services.visit_plans import check_in, check_out
from fieldcrm.storage.validation import ValidationError
from fieldcrm.ui.changes import Change
from fieldcrm.ui.edits import tracked
from fieldcrm.ui.formats import DAY_MONTH, DAY_MONTH_YEAR, SHORT_DAY, day_text, weekday_time
from fieldcrm.ui.labels import value_label
from fieldcrm.ui.runner import Op
from fieldcrm.ui.schedule.plan_panel import PlanPanel
from fieldcrm.ui.schedule.routing_prefs import PREFIX as ROUTING_PREFIX
from fieldcrm.ui.schedule.routing_prefs import (
    HOME, RoutingPrefs, move_home_base, routing_prefs, set_home_base,
)
from fieldcrm.ui.schedule.timeline import Lane, Timeline
from fieldcrm.ui.territory.map_view import AccountMapView
from fieldcrm.ui.territory.route_layer import RouteStop

#: what a drag or Optimise day changes on the calendar (what Ctrl+Z puts back)
MOVED_FIELDS = {
    "visit": ("planned_start", "planned_end", "owner_id", "route_order"),
    "service_job": ("scheduled_start", "scheduled_end", "technician_id", "status"),
}


def _optimise_day(replica, person_id: str, day: dt.date, tz, plan, undo_text: str):
    """(the plan, the Edit that puts the day back as it was) — on the replica thread."""
    rows = [(e.entity, e.id) for e in schedule_entries(replica, *day_span(day, tz), [person_id])]
    return tracked(replica, rows, plan, fields=MOVED_FIELDS, text=undo_text)


WATCHED = Change.VISITS | Change.JOBS | Change.VISIT_PLANS | Change.USERS


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def working_week(week: list[dt.date], shown: dt.date, busy: set[dt.date]) -> list[dt.date]:
    """Monday to Friday of ``week``, and on to Saturday or Sunday when that day
    has visits or jobs or is the day being looked at: a weekend call-out shows."""
    last = max([4] + [i for i, d in enumerate(week) if d in busy or d == shown])
    return week[:last + 1]


def _load(replica, mode: str, day: dt.date, person_id: Optional[str], tz, routing: RoutingPrefs) -> dict:
    me = current_person(replica)
    people = field_people(replica, manager_id=me.id if me and me.manages and me.role == "manager" else None) \
        if me and me.manages else []
    if mode == "board":
        days, who = [day], [p.id for p in people]
    else:
        days = [day] if mode == "day" else [monday(day) + dt.timedelta(days=i) for i in range(7)]
        who = [person_id or (me.id if me else "")]
    start, end = day_span(days[0], tz)[0], day_span(days[-1], tz)[1]
    entries = schedule_entries(replica, start, end, who)
    if mode == "week":
        days = working_week(days, day, {e.start.astimezone(tz).date() for e in entries})
    warnings = []
    for d in days:
        lo, hi = day_span(d, tz)
        hours = routing.hours_on(d, tz)
        for p in who:
            of_day = [e for e in entries if e.person_id == p and lo <= e.start < hi]
            warnings += day_warnings(of_day, hours=hours, travel=routing.travel)
    names = {p.id: p.name for p in people}
    if me:
        names.setdefault(me.id, me.name)
    return {"me": me, "people": people, "days": days, "who": who, "names": names,
            "entries": entries, "warnings": warnings}


class ScheduleView(QWidget):
    """``loaded()`` after the calendar shows fresh data; ``changed()`` after an edit."""

    loaded = Signal()
    changed = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None, *, today: Optional[dt.date] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("schedule-view")
        self.day = today or dt.date.today()
        self.tz = dt.datetime.now().astimezone().tzinfo
        self.me = None
        self.route: list[RouteStop] = []
        self._generation = 0

        self.mode = QComboBox(objectName="schedule-mode")
        for text, key in ((self.tr("Week"), "week"), (self.tr("Day"), "day"), (self.tr("Team board"), "board")):
            self.mode.addItem(text, key)
        self.person = QComboBox(objectName="schedule-person")
        self.date_label = QLabel(objectName="schedule-date")
        back, today_button, forward = (QPushButton(t) for t in (self.tr("◀"), self.tr("&Today"), self.tr("▶")))
        back.setToolTip(self.tr("Earlier (Alt+Left)"))
        forward.setToolTip(self.tr("Later (Alt+Right)"))
        back.clicked.connect(lambda: self.shift(-1))
        forward.clicked.connect(lambda: self.shift(+1))
        today_button.clicked.connect(lambda: self.go_to(dt.date.today()))
        self.mode.currentIndexChanged.connect(self.reload)
        self.person.activated.connect(self.reload)
        bar = QHBoxLayout()
        for w in (self.mode, back, today_button, forward, self.date_label):
            bar.addWidget(w)
        bar.addStretch()
        bar.addWidget(self.person)

        self.week = Timeline(vertical=True)
        self.single = Timeline(vertical=True)
        self.single.lane_size = 420.0
        self.board = Timeline(vertical=False)
        self.stack = QStackedWidget()
        for t in (self.week, self.single, self.board):
            t.entry_moved.connect(self.move_entry)
            t.entry_selected.connect(self._entry_selected)
            self.stack.addWidget(t)

        self.warnings = QListWidget(objectName="schedule-warnings")
        self.route_map = AccountMapView()
        self.route_map.setMinimumHeight(220)
        self.route_label = QLabel(objectName="route-summary", wordWrap=True)
        self.home_label = QLabel(objectName="home-summary", wordWrap=True)
        self.home_button = QPushButton(self.tr("Set &home base…"), objectName="set-home")
        self.home_button.clicked.connect(self.edit_home)
        self.route_map.home_requested.connect(self._home_picked)
        self.optimise_button = QPushButton(self.tr("&Optimise day"), objectName="optimise")
        self.pin_button = QPushButton(self.tr("&Pin / unpin"), objectName="pin")
        self.checkin_button = QPushButton(self.tr("Check &in"), objectName="check-in")
        self.checkout_button = QPushButton(self.tr("Check o&ut"), objectName="check-out")
        self.message = QLabel(objectName="schedule-message", wordWrap=True)
        day_tab = QWidget()
        dv = QVBoxLayout(day_tab)
        buttons = QHBoxLayout()
        for b in (self.optimise_button, self.pin_button, self.checkin_button, self.checkout_button):
            buttons.addWidget(b)
        dv.addLayout(buttons)
        dv.addWidget(self.message)
        dv.addWidget(QLabel(self.tr("<b>Warnings</b>")))
        dv.addWidget(self.warnings, 1)
        dv.addWidget(QLabel(self.tr("<b>Route</b>")))
        dv.addWidget(self.route_label)
        home_row = QHBoxLayout()
        home_row.addWidget(self.home_label, 1)
        home_row.addWidget(self.home_button)
        dv.addLayout(home_row)
        dv.addWidget(self.route_map, 2)
        self.plan = PlanPanel(ctx, self)
        self.side = QTabWidget(objectName="schedule-side")
        self.side.addTab(day_tab, self.tr("D&ay"))
        self.side.addTab(self.plan, self.tr("&Visit plan"))
        self.side.setMinimumWidth(380)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.stack)
        split.addWidget(self.side)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        split.setSizes([900, 440])
        self.side.setMaximumWidth(560)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self._build_actions()
        ctx.bus.subscribe(WATCHED, lambda _c: self.reload(), owner=self, skip_own=True)
        prefs = getattr(ctx, "prefs", None)
        if prefs is not None:
            prefs.changed.connect(self._setting_changed)
        self._draw_home()
        self.reload()

    def _build_actions(self) -> None:
        def action(text, keys, slot, button=None):
            a = QAction(text, self, shortcut=QKeySequence(keys))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.triggered.connect(slot)
            self.addAction(a)
            if button is not None:
                button.clicked.connect(a.trigger)
                button.setToolTip(f"{a.text().replace('&', '')} ({keys})")
            return a

        self.optimise_action = action(self.tr("Optimise the day's route"), "Ctrl+R", self.optimise, self.optimise_button)
        self.pin_action = action(self.tr("Pin or unpin the visit"), "Ctrl+P", self.toggle_pin, self.pin_button)
        self.checkin_action = action(self.tr("Check in"), "Ctrl+I", self.check_in, self.checkin_button)
        self.checkout_action = action(self.tr("Check out"), "Ctrl+U", self.check_out, self.checkout_button)
        action(self.tr("Earlier"), "Alt+Left", lambda: self.shift(-1))
        action(self.tr("Later"), "Alt+Right", lambda: self.shift(+1))

    def _setting_changed(self, name: str) -> None:
        if name == HOME:
            self._draw_home()
        elif name.startswith(ROUTING_PREFIX):
            self.reload()

    def routing(self) -> RoutingPrefs:
        """Working hours and travel as the settings say now."""
        return routing_prefs(getattr(self.ctx, "prefs", None))

    # -- navigation ------------------------------------------------------------
    @property
    def mode_key(self) -> str:
        return self.mode.currentData()

    def timeline(self) -> Timeline:
        return {"week": self.week, "day": self.single, "board": self.board}[self.mode_key]

    def shift(self, step: int) -> None:
        self.go_to(self.day + dt.timedelta(days=step * (7 if self.mode_key == "week" else 1)))

    def go_to(self, day: dt.date) -> None:
        self.day = day
        self.reload()

    def person_id(self) -> Optional[str]:
        return self.person.currentData() or (self.me.id if self.me else None)

    # -- loading -----------------------------------------------------------------
    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        self.stack.setCurrentWidget(self.timeline())
        Op(_load, self.ctx.replica, self.mode_key, self.day, self.person.currentData(), self.tz, self.routing()).success(
            lambda data: self._show(data, generation)).run(self.ctx.runner)

    def _show(self, data: dict, generation: int) -> None:
        if generation != self._generation:
            return
        self.me = data["me"]
        self._fill_people(data)
        names = data["names"]
        if self.mode_key == "board":
            lanes = [Lane((p.id, self.day), f"{p.name} ({value_label('user', 'role', p.role)})", self.day)
                     for p in data["people"]]
        else:
            pid = data["who"][0]
            lanes = [Lane((pid, d), day_text(d, SHORT_DAY), d) for d in data["days"]]
        timeline = self.timeline()
        timeline.tz = self.tz
        timeline.show_entries(lanes, data["entries"])
        timeline.show_day(self.day)
        timeline.flag(data["warnings"])
        first, last = data["days"][0], data["days"][-1]
        self.date_label.setText(day_text(first, DAY_MONTH_YEAR) if first == last
                                else f"{day_text(first, DAY_MONTH)} – {day_text(last, DAY_MONTH_YEAR)}")
        self.warnings.clear()
        for w in data["warnings"]:
            item = QListWidgetItem(f"⚠ {w.message}")
            item.setData(Qt.ItemDataRole.UserRole, w.id)
            self.warnings.addItem(item)
        if not data["warnings"]:
            self.warnings.addItem(self.tr("No overlaps, windows or drives out of reach."))
        self.optimise_button.setEnabled(self.mode_key != "board")
        self.plan.show_for(self.me, self.person_id(), monday(self.day), names)
        self._show_route()
        self.loaded.emit()

    def _fill_people(self, data: dict) -> None:
        current = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        if self.me:
            self.person.addItem(self.tr("Me ({name})").format(name=self.me.name), self.me.id)
        for p in data["people"]:
            self.person.addItem(f"{p.name} ({value_label('user', 'role', p.role)})", p.id)
        self.person.setCurrentIndex(max(0, self.person.findData(current)))
        self.person.setVisible(self.person.count() > 1 and self.mode_key != "board")
        self.person.blockSignals(False)

    def _show_route(self) -> None:
        pid = self.person_id()
        if pid and self.mode_key != "board":
            route = functools.partial(route_of_day, self.ctx.replica, pid, self.day, tz=self.tz)
            Op(route).success(self._draw_route).run(self.ctx.runner)

    def _draw_route(self, stops) -> None:
        self.route = [RouteStop(e.lat, e.lon, e.account_name) for e in sorted(stops, key=lambda e: e.start)]
        self.route_label.setText(self.tr("{day}: {n} stops in driving order.").format(
            day=day_text(self.day, SHORT_DAY), n=len(self.route)) if self.route else self.tr("No stops on this day."))
        self._draw_home()

    def _draw_home(self) -> None:
        home = self.routing().home
        self.route_map.show_route(self.route, RouteStop(home.lat, home.lon, home.name) if home else None)
        self.home_label.setText(
            self.tr("Routes start and end at {name} ({lat:.4f}, {lon:.4f}).").format(
                name=home.name or self.tr("your home base"), lat=home.lat, lon=home.lon) if home
            else self.tr("No home base: routes start and end at the middle of the day's stops."))

    def edit_home(self) -> None:
        prefs = getattr(self.ctx, "prefs", None)
        if prefs is None:
            return
        from fieldcrm.ui.schedule.home_dialog import HomeBaseDialog

        near = (self.route[0].lat, self.route[0].lon) if self.route else None
        dialog = HomeBaseDialog(self.routing().home, self, near=near)
        self._home_dialog = dialog
        dialog.accepted.connect(lambda: set_home_base(prefs, dialog.home()))
        dialog.open()

    def _home_picked(self, lat: float, lon: float) -> None:
        prefs = getattr(self.ctx, "prefs", None)
        if prefs is not None:
            move_home_base(prefs, lat, lon, self.tr("Home base"))

    # -- editing -------------------------------------------------------------------
    def _run(self, fn, *args, done_text: str = "", **kwargs) -> None:
        call = functools.partial(fn, self.ctx.replica, *args, **kwargs)
        Op(call).success(lambda _r: self._edited(done_text)).failure(self._failed).run(self.ctx.runner)

    def _edited(self, text: str) -> None:
        self.message.setText(text)
        self.ctx.bus.changed_data(Change.VISITS | Change.JOBS, source=self)
        self.changed.emit()
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        reason = exc.summary() if isinstance(exc, ValidationError) else str(exc)
        self.message.setText(self.tr("Not done: {reason}").format(reason=reason))
        self.reload()

    def move_entry(self, entity: str, entry_id: str, start: dt.datetime, lane_key) -> None:
        person = lane_key[0] if self.mode_key == "board" else None
        replica = self.ctx.replica
        move = functools.partial(reschedule, replica, entity, entry_id, start, person_id=person)
        done = self.tr("Moved to {when}.").format(when=weekday_time(start))
        Op(functools.partial(tracked, replica, [(entity, entry_id)], move, fields=MOVED_FIELDS)).success(
            lambda result: self._moved(done, result[1])).failure(self._failed).run(self.ctx.runner)

    def _moved(self, text: str, edit) -> None:
        edits = getattr(self.ctx, "edits", None)
        if edits is not None:
            edits.remember(edit)  # Ctrl+Z puts it back
        self._edited(text)

    def _entry_selected(self, entry) -> None:
        if entry is not None:
            self.day = entry.start.astimezone(self.tz).date()

    def selected(self):
        return self.timeline().selected_entry()

    def optimise(self) -> None:
        pid = self.person_id()
        if not pid:
            return
        routing = self.routing()
        self.message.setText(self.tr("Optimising the route…"))
        replica = self.ctx.replica
        plan = functools.partial(plan_day, replica, pid, self.day, tz=self.tz, hours=routing.hours,
                                 travel=routing.travel, seconds=1.0,
                                 home=routing.home.location if routing.home else None)
        call = functools.partial(_optimise_day, replica, pid, self.day, self.tz, plan,
                                 self.tr("Undo route optimisation"))
        Op(call).success(lambda result: self._moved(self._optimised_text(result[0], routing), result[1])).failure(
            self._failed).run(self.ctx.runner)

    def _optimised_text(self, plan, routing: RoutingPrefs) -> str:
        text = self.tr("Route optimised; pinned visits kept their place.")
        if plan.unplanned:
            text += " " + self.tr("{n} stops do not fit between {start} and {end} and stay where they were.").format(
                n=len(plan.unplanned), start=f"{routing.hours[0]:%H:%M}", end=f"{routing.hours[1]:%H:%M}")
        return text

    def toggle_pin(self) -> None:
        entry = self.selected()
        if entry is not None and entry.entity == "visit":
            self._run(pin_visit, entry.id, not entry.pinned,
                      done_text=self.tr("Unpinned.") if entry.pinned else self.tr("Pinned at its place."))

    def check_in(self) -> None:
        entry = self.selected()
        if entry is not None and entry.entity == "visit":
            # No positioning source on this machine: the time alone is kept.
            self._run(check_in, entry.id, dt.datetime.now(dt.timezone.utc), done_text=self.tr("Checked in."))

    def check_out(self) -> None:
        entry = self.selected()
        if entry is None or entry.entity != "visit":
            return
        from fieldcrm.ui.schedule.report_dialog import VisitReportDialog

        dialog = VisitReportDialog(entry.account_name, self)
        dialog.accepted.connect(lambda: self._run(check_out, entry.id, dt.datetime.now(dt.timezone.utc),
                                                  report=dialog.report(), done_text=self.tr("Visit done.")))
        dialog.open()
