"""The Territory page: the account map with the user's route of a day and home
base, territory KPIs, and (for a manager) moving accounts to another territory
with a before/after preview."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from fieldcrm.services.people import current_person
from fieldcrm.services.scheduling import route_of_day
from fieldcrm.services.territory import (
    map_of_accounts, preview_realignment, realign_territory, territory_kpis,
)
from fieldcrm.storage.validation import ValidationError
from fieldcrm.ui.changes import Change
from fieldcrm.ui.formats import SHORT_DAY, day_text, number
from fieldcrm.ui.pipeline.board import money
from fieldcrm.ui.runner import Op
from fieldcrm.ui.schedule.routing_prefs import HOME, move_home_base, routing_prefs
from fieldcrm.ui.territory.layout import lay_out
from fieldcrm.ui.territory.map_view import AccountMapView, territory_colour
from fieldcrm.ui.territory.route_layer import RouteStop
from fieldcrm.ui.text import counted

WATCHED = Change.ACCOUNTS | Change.TERRITORIES | Change.OPPORTUNITIES | Change.VISITS | Change.JOBS


def _load(replica, day: dt.date) -> dict:
    person = current_person(replica)
    return {"map": lay_out(map_of_accounts(replica)), "kpis": territory_kpis(replica),
            "manager": bool(person and person.manages), "route": _route(replica, person, day)}


def _route(replica, person, day: dt.date) -> list[RouteStop]:
    """The person's stops of ``day`` in driving order (the optimised order once planned)."""
    if person is None:
        return []
    return [RouteStop(e.lat, e.lon, e.account_name) for e in route_of_day(replica, person.id, day)]


def _my_route(replica, day: dt.date) -> list[RouteStop]:
    return _route(replica, current_person(replica), day)


def _cell(text: str, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _coverage(kpi) -> str:
    return "–" if kpi.coverage is None else f"{kpi.coverage:.0%}"


class KpiTable(QTableWidget):
    """One row per territory: accounts, open pipeline, visit coverage, open jobs."""

    def __init__(self, name: str, parent=None, *, label_column: str = ""):
        headers = [label_column or self.tr("Territory"), self.tr("Accounts"), self.tr("Open pipeline"),
                   self.tr("Visit coverage"), self.tr("Open jobs")]
        super().__init__(0, len(headers), parent, objectName=name)
        self.setHorizontalHeaderLabels(headers)
        self.verticalHeader().hide()
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def show_rows(self, rows: list[tuple[str, Any, Optional[QColor]]]) -> None:
        """(label, kpi, colour) per row."""
        self.setRowCount(len(rows))
        for i, (label, k, colour) in enumerate(rows):
            first = _cell(label)
            first.setData(Qt.ItemDataRole.UserRole, k.id)
            if colour is not None:
                first.setForeground(colour)
            self.setItem(i, 0, first)
            self.setItem(i, 1, _cell(number(k.accounts), True))
            self.setItem(i, 2, _cell(money(k.open_pipeline, k.currency), True))
            self.setItem(i, 3, _cell(_coverage(k), True))
            self.setItem(i, 4, _cell(number(k.open_jobs), True))

    def text_at(self, row: int) -> list[str]:
        return [self.item(row, c).text() for c in range(self.columnCount())]


class TerritoryView(QWidget):
    """``loaded()`` after the map and KPIs show; ``previewed()`` after a what-if;
    ``realigned(changed)`` after accounts were moved; ``route_shown()`` after the
    route of the chosen day (or the home base) is drawn anew."""

    loaded = Signal()
    previewed = Signal()
    realigned = Signal(list)
    route_shown = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("territory-view")
        self.selected_ids: list[str] = []
        self.route: list[RouteStop] = []
        self._index: dict[str, int] = {}
        self.map = AccountMapView()
        self.map.selection_changed.connect(self._selection_changed)
        self.map.home_requested.connect(self.set_home_here)
        hint = QLabel(self.tr("Wheel or +/- to zoom, drag to pan, Shift+drag to select accounts, 0 to see all; "
                              "right click (or the menu key) to set your home base."))
        hint.setStyleSheet("color: palette(placeholder-text);")
        hint.setWordWrap(True)
        self.route_day = QDateEdit(QDate.currentDate(), objectName="route-day", calendarPopup=True)
        self.route_day.dateChanged.connect(self.load_route)
        self.route_label = QLabel(objectName="route-summary", wordWrap=True)
        route_row = QHBoxLayout()
        day_label = QLabel(self.tr("R&oute of:"))
        day_label.setBuddy(self.route_day)
        route_row.addWidget(day_label)
        route_row.addWidget(self.route_day)
        route_row.addWidget(self.route_label, 1)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.map, 1)
        lv.addLayout(route_row)
        lv.addWidget(hint)

        self.kpis = KpiTable("territory-kpis")
        self.kpis.itemSelectionChanged.connect(self._territory_picked)
        self.select_territory = QPushButton(self.tr("Select its &accounts"), objectName="select-territory")
        self.select_territory.clicked.connect(self._select_territory_accounts)

        self.realign = QGroupBox(self.tr("Move accounts to another territory"), objectName="realign")
        self.selection_label = QLabel(objectName="selection")
        self.target = QComboBox(objectName="target-territory")
        self.preview_button = QPushButton(self.tr("&Preview"), objectName="preview")
        self.apply_button = QPushButton(self.tr("&Move accounts"), objectName="apply", enabled=False)
        self.preview_table = KpiTable("realign-preview")
        self.preview_table.setMaximumHeight(180)
        self.message = QLabel(objectName="territory-message", wordWrap=True)
        self.preview_button.clicked.connect(self.preview)
        self.apply_button.clicked.connect(self.apply)
        self.target.currentIndexChanged.connect(lambda: self.apply_button.setEnabled(False))
        rv = QVBoxLayout(self.realign)
        row = QHBoxLayout()
        to = QLabel(self.tr("&To:"))
        to.setBuddy(self.target)
        row.addWidget(to)
        row.addWidget(self.target, 1)
        row.addWidget(self.preview_button)
        row.addWidget(self.apply_button)
        rv.addWidget(self.selection_label)
        rv.addLayout(row)
        rv.addWidget(self.preview_table)
        rv.addWidget(self.message)
        self.realign.hide()

        right = QWidget()
        right.setMinimumWidth(520)
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.kpis, 1)
        side.addWidget(self.select_territory, 0, Qt.AlignmentFlag.AlignLeft)
        side.addWidget(self.realign)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        refresh = QAction(self.tr("&Refresh"), self, shortcut=QKeySequence.StandardKey.Refresh)
        refresh.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.triggered.connect(self.reload)
        self.addAction(refresh)
        ctx.bus.subscribe(WATCHED, lambda _c: self.reload(), owner=self, skip_own=True)
        self.prefs = getattr(ctx, "prefs", None)
        if self.prefs is not None:
            self.prefs.changed.connect(self._setting_changed)
        self._update_selection_label()
        self.reload()

    # -- loading -------------------------------------------------------------
    def reload(self) -> None:
        Op(_load, self.ctx.replica, self.day(), label=self.tr("Loading the map…")).success(
            self._show).run(self.ctx.runner)

    def day(self) -> dt.date:
        return self.route_day.date().toPython()

    def load_route(self) -> None:
        Op(_my_route, self.ctx.replica, self.day()).success(
            lambda stops: self._show_route(stops, fit=True)).run(self.ctx.runner)

    def _show(self, data: dict) -> None:
        self.data = data["map"].data
        self._index = {t.id: i for i, t in enumerate(self.data.territories)}
        self.map.show_accounts(self.data, fit=self.map.layer is None)
        keep = set(self.selected_ids)
        parents = {t.parent_id for t in self.data.territories}
        self.kpis.show_rows([(f"{k.name} ({k.code})", k, territory_colour(self._index.get(k.id, -1)))
                             for k in data["kpis"] if k.accounts or k.id not in parents])
        self.realign.setVisible(data["manager"])
        current = self.target.currentData()
        self.target.blockSignals(True)
        self.target.clear()
        for t in self.data.territories:
            self.target.addItem(f"{t.name} ({t.code})", t.id)
        self.target.setCurrentIndex(max(0, self.target.findData(current)))
        self.target.blockSignals(False)
        if keep:
            self.map.select_ids(keep)
        self._show_route(data["route"], fit=False)
        self.loaded.emit()

    # -- route and home base -----------------------------------------------------
    def _show_route(self, stops: list[RouteStop], *, fit: bool) -> None:
        self.route = stops
        home = routing_prefs(self.prefs).home
        base = RouteStop(home.lat, home.lon, home.name) if home else None
        self.map.show_route(stops, base, fit=fit)
        day = day_text(self.day(), SHORT_DAY)
        if not stops:
            text = self.tr("{day}: no stops with an address.").format(day=day)
        elif home:
            text = counted("TerritoryView", "{day}: %n stop in driving order, from {home} and back.",
                           "{day}: %n stops in driving order, from {home} and back.", len(stops)).format(
                day=day, home=home.name or self.tr("your home base"))
        else:
            text = counted("TerritoryView", "{day}: %n stop in driving order.",
                           "{day}: %n stops in driving order.", len(stops)).format(day=day)
        self.route_label.setText(text)
        self.route_shown.emit()

    def set_home_here(self, lat: float, lon: float) -> None:
        if self.prefs is not None:
            move_home_base(self.prefs, lat, lon, self.tr("Home base"))

    def _setting_changed(self, name: str) -> None:
        if name == HOME:
            self._show_route(self.route, fit=False)

    # -- selecting -------------------------------------------------------------
    def _selection_changed(self, ids: list) -> None:
        self.selected_ids = list(ids)
        self.apply_button.setEnabled(False)
        self.preview_table.setRowCount(0)
        self._update_selection_label()

    def _update_selection_label(self) -> None:
        n = len(self.selected_ids)
        self.selection_label.setText(
            counted("TerritoryView", "%n account selected", "%n accounts selected", n) if n
            else self.tr("Select accounts on the map (Shift+drag) or a territory's accounts from the list."))

    def _territory_picked(self) -> None:
        self.select_territory.setEnabled(bool(self.kpis.selectedItems()))

    def _select_territory_accounts(self) -> None:
        rows = {i.row() for i in self.kpis.selectedItems()}
        wanted = {self._index.get(self.kpis.item(r, 0).data(Qt.ItemDataRole.UserRole)) for r in rows}
        ids = {a for a, t in zip(self.data.ids, self.data.territory) if t in wanted}
        self.map.select_ids(ids)

    # -- realigning ------------------------------------------------------------
    def preview(self) -> None:
        target = self.target.currentData()
        if not self.selected_ids or target is None:
            self.message.setText(self.tr("Select the accounts to move first."))
            return
        Op(preview_realignment, self.ctx.replica, list(self.selected_ids), target).success(
            self._show_preview).failure(self._failed).run(self.ctx.runner)

    def _show_preview(self, p) -> None:
        rows = []
        after = {k.id: k for k in p.after}
        for k in p.before:
            colour = territory_colour(self._index.get(k.id, -1))
            rows.append((self.tr("{name}: now").format(name=k.name), k, colour))
            rows.append((self.tr("{name}: after the move").format(name=k.name), after[k.id], colour))
        self.preview_table.show_rows(rows)
        self.message.setText(self.tr("Nothing is changed until you press Move accounts."))
        self.apply_button.setEnabled(True)
        self.previewed.emit()

    def apply(self) -> None:
        target = self.target.currentData()
        Op(realign_territory, self.ctx.replica, list(self.selected_ids), target).success(
            self._applied).failure(self._failed).run(self.ctx.runner)

    def _applied(self, changed: list) -> None:
        self.apply_button.setEnabled(False)
        self.message.setText(counted("TerritoryView", "%n account moved; it is sent with the next sync.",
                                     "%n accounts moved; they are sent with the next sync.", len(changed)))
        self.ctx.bus.changed_data(Change.ACCOUNTS | Change.TERRITORIES | Change.PIPELINE, source=self)
        self.realigned.emit(changed)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        reason = exc.summary() if isinstance(exc, ValidationError) else str(exc)
        self.message.setText(self.tr("Not done: {reason}").format(reason=reason))
