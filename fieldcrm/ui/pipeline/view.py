"""The Pipeline page: the board of deals by stage, filters, and the forecast.

The view asks the pipeline services through the task runner and shows what
comes back; a move goes through ``PipelineService.move_to_stage`` (won and
lost ask for a reason and a date first) and is announced on the change bus.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QMenu, QScrollArea, QTabWidget, QVBoxLayout, QWidget,
)

from fieldcrm.services.pipeline import (
    CLOSED_STAGES, PipelineFilter, PipelineService, filter_choices, pipeline_board,
)
from fieldcrm.storage.sales import STAGES
from fieldcrm.storage.validation import ValidationError
from fieldcrm.ui.changes import Change
from fieldcrm.ui.edits import tracked
from fieldcrm.ui.pipeline.board import StageColumn, next_stage, stage_title
from fieldcrm.ui.pipeline.close_dialog import CloseDealDialog
from fieldcrm.ui.pipeline.forecast_panel import ForecastPanel
from fieldcrm.ui.runner import Op

#: what a move to another stage changes on the deal (what Ctrl+Z puts back)
MOVED_FIELDS = {"opportunity": ("stage", "probability", "closed_at", "lost_reason")}

WATCHED = Change.OPPORTUNITIES | Change.PIPELINE | Change.ACCOUNTS | Change.TERRITORIES


def close_period(key: str, today: dt.date) -> tuple[Optional[dt.date], Optional[dt.date]]:
    """(first, last) day of a named expected-close period."""
    q_first = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)

    def quarter_after(first: dt.date) -> dt.date:
        y, m = divmod(first.month + 2, 12)
        return dt.date(first.year + y, m + 1, 1)

    month_end = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    spans = {
        "month": (today.replace(day=1), month_end),
        "quarter": (q_first, quarter_after(q_first) - dt.timedelta(days=1)),
        "next_quarter": (quarter_after(q_first), quarter_after(quarter_after(q_first)) - dt.timedelta(days=1)),
        "year": (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)),
    }
    return spans.get(key, (None, None))


class PipelineView(QWidget):
    """``loaded()`` after the board shows fresh data; ``moved(id, stage)`` after a
    move is saved; ``refused(message)`` when the service says no."""

    loaded = Signal()
    moved = Signal(str, str)
    refused = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None, *, today: Optional[dt.date] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("pipeline-view")
        self._today = today
        self._generation = 0
        self._dialog: Optional[CloseDealDialog] = None
        self._filters_ready = False

        self.owner = self._combo("filter-owner", self.tr("All owners"))
        self.territory = self._combo("filter-territory", self.tr("All territories"))
        self.product = self._combo("filter-product", self.tr("All products"))
        self.period = self._combo("filter-period", self.tr("Any close date"))
        for key, text in (("month", self.tr("Closing this month")), ("quarter", self.tr("Closing this quarter")),
                          ("next_quarter", self.tr("Closing next quarter")), ("year", self.tr("Closing this year"))):
            self.period.addItem(text, key)
        bar = QHBoxLayout()
        for label, combo in ((self.tr("&Owner:"), self.owner), (self.tr("&Territory:"), self.territory),
                             (self.tr("&Close:"), self.period), (self.tr("&Product:"), self.product)):
            text = QLabel(label)
            text.setBuddy(combo)
            bar.addWidget(text)
            bar.addWidget(combo)
        bar.addStretch()

        self.message = QLabel(objectName="pipeline-message", wordWrap=True)
        self.message.setStyleSheet("background:#fdecea; color:#8a1c13; padding:4px; border-radius:3px;")
        self.message.hide()

        self.columns: dict[str, StageColumn] = {}
        strip = QWidget()
        row = QHBoxLayout(strip)
        row.setContentsMargins(0, 0, 0, 0)
        for stage in STAGES:
            column = StageColumn(stage)
            column.model.dropped.connect(self.request_move)
            column.cards.doubleClicked.connect(lambda _i, c=column: self._open(c))
            column.cards.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            column.cards.customContextMenuRequested.connect(lambda pos, c=column: self._menu(c, pos))
            self.columns[stage] = column
            row.addWidget(column, 1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(strip)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.forecast = ForecastPanel(ctx, today=today)
        self.tabs = QTabWidget(objectName="pipeline-tabs")
        self.tabs.addTab(scroll, self.tr("&Board"))
        self.tabs.addTab(self.forecast, self.tr("&Forecast"))
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self._build_actions()
        ctx.bus.subscribe(WATCHED, lambda _c: self.reload(), owner=self)
        self.load_filters()

    # -- building ----------------------------------------------------------
    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox(objectName=name)
        combo.addItem(everything, None)
        combo.setMinimumContentsLength(12)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.currentIndexChanged.connect(self._filter_changed)
        return combo

    def _build_actions(self) -> None:
        self.next_action = QAction(self.tr("Move to &next stage"), self, shortcut=QKeySequence("Ctrl+Right"))
        self.previous_action = QAction(self.tr("Move to &previous stage"), self,
                                       shortcut=QKeySequence("Ctrl+Left"))
        self.refresh_action = QAction(self.tr("&Refresh"), self, shortcut=QKeySequence.StandardKey.Refresh)
        for action in (self.next_action, self.previous_action, self.refresh_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.next_action.triggered.connect(lambda: self._step(+1))
        self.previous_action.triggered.connect(lambda: self._step(-1))
        self.refresh_action.triggered.connect(self.reload)

    # -- loading -----------------------------------------------------------
    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def load_filters(self) -> None:
        Op(filter_choices, self.ctx.replica).success(self._show_filters).run(self.ctx.runner)

    def _show_filters(self, choices) -> None:
        for combo, items in ((self.owner, choices.owners), (self.territory, choices.territories),
                             (self.product, choices.products)):
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for key, text in items:
                combo.addItem(text, key)
            combo.blockSignals(False)
        self._filters_ready = True
        self.reload()

    def current_filter(self) -> PipelineFilter:
        first, last = close_period(self.period.currentData() or "", self.today)
        return PipelineFilter(owner_id=self.owner.currentData(), territory_id=self.territory.currentData(),
                              product_id=self.product.currentData(), close_from=first, close_to=last)

    def _filter_changed(self) -> None:
        if self._filters_ready:
            self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation, flt = self._generation, self.current_filter()
        Op(pipeline_board, self.ctx.replica, flt).success(
            lambda board: self._show(board, generation)).run(self.ctx.runner)
        self.forecast.reload(flt)

    def _show(self, board, generation: int) -> None:
        if generation != self._generation:
            return  # an older answer: a newer one is on its way
        for column in board:
            self.columns[column.stage].show_column(column)
        self.loaded.emit()

    # -- moving ------------------------------------------------------------
    def selected(self):
        """(column, card) that has the keyboard focus or the last selection."""
        for column in self.columns.values():
            if column.cards.hasFocus() and column.selected_card():
                return column, column.selected_card()
        for column in self.columns.values():
            if column.selected_card():
                return column, column.selected_card()
        return None, None

    def _step(self, step: int) -> None:
        _column, card = self.selected()
        target = card and next_stage(card.stage, step)
        if target:
            self.request_move(card.id, target)

    def _menu(self, column: StageColumn, pos) -> None:
        card = column.selected_card()
        if card is None:
            return
        menu = QMenu(self)
        for stage in STAGES:
            if stage != card.stage:
                menu.addAction(stage_title(stage), lambda s=stage: self.request_move(card.id, s))
        menu.addSeparator()
        menu.addAction(self.next_action)
        menu.addAction(self.previous_action)
        menu.popup(column.cards.viewport().mapToGlobal(pos))

    def _card(self, opportunity_id: str):
        for column in self.columns.values():
            for card in column.model.cards:
                if card.id == opportunity_id:
                    return card
        return None

    def request_move(self, opportunity_id: str, stage: str) -> None:
        """Move a deal; won and lost ask for the reason and date first."""
        card = self._card(opportunity_id)
        if card is None or card.stage == stage:
            return
        if stage not in CLOSED_STAGES:
            self._save_move(opportunity_id, stage, {})
            return
        dialog = CloseDealDialog(card.name, stage, self, today=self.today)
        self._dialog = dialog
        dialog.accepted.connect(lambda: self._close_deal(dialog, opportunity_id, stage))
        dialog.open()

    def _close_deal(self, dialog: CloseDealDialog, opportunity_id: str, stage: str) -> None:
        reason, day = dialog.values()
        self._save_move(opportunity_id, stage, {"reason": reason, "close_date": day})

    def _save_move(self, opportunity_id: str, stage: str, extra: dict) -> None:
        replica = self.ctx.replica
        move = functools.partial(PipelineService(replica).move_to_stage, opportunity_id, stage,
                                 today=self.today, **extra)
        Op(functools.partial(tracked, replica, [("opportunity", opportunity_id)], move, fields=MOVED_FIELDS,
                             children=(("activity", "opportunity_id"),))).success(
            lambda result: self._moved(opportunity_id, stage, result[1])).failure(
            self._move_failed).run(self.ctx.runner)

    def _moved(self, opportunity_id: str, stage: str, edit) -> None:
        self.message.hide()
        edits = getattr(self.ctx, "edits", None)
        if edits is not None:
            edits.remember(edit)  # Ctrl+Z puts the deal back
        self.ctx.bus.changed_data(Change.OPPORTUNITIES | Change.PIPELINE | Change.ACTIVITIES, source=self)
        self.moved.emit(opportunity_id, stage)

    def _move_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            text = self.tr("The deal was not moved: {reason}").format(reason=exc.summary())
        else:
            text = self.tr("The deal was not moved: {reason}").format(reason=str(exc))
        self.message.setText(text)
        self.message.show()
        self.refused.emit(text)

    def _open(self, column: StageColumn) -> None:
        card = column.selected_card()
        navigator = getattr(self.ctx, "navigator", None)
        if card is not None and navigator is not None:
            navigator.open_record.emit("opportunity", card.id)

