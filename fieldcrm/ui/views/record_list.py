"""A list of one record type: lazy table, filter box, quick filter, saved filters."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QPushButton,
    QTableView, QVBoxLayout, QWidget,
)

from fieldcrm.services.views import list_head, list_ids, rows_by_id
from fieldcrm.storage.registry import fields_of
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.entities import ENTITY_UI
from fieldcrm.ui.labels import value_label
from fieldcrm.ui.lazy_table import LazyTableModel, ListQuery, configure_view
from fieldcrm.ui.prefs import save_filter, saved_filters
from fieldcrm.ui.text import counted

RECORDS = (QT_TRANSLATE_NOOP("RecordListView", "%n record"), QT_TRANSLATE_NOOP("RecordListView", "%n records"))

#: Wait this long after the last keystroke before filtering.
TYPING_PAUSE_MS = 200
HAS_OPEN_FILTER = {"visit", "activity", "opportunity", "sales_order", "service_job", "lead"}


def _fetch_ids(replica, entity, query: ListQuery):
    return list_ids(replica, entity, sort_key=query.sort_key, descending=query.descending,
                    filters=query.filters, search=query.search)


def _fetch_head(replica, entity, query: ListQuery, limit: int):
    return list_head(replica, entity, limit, sort_key=query.sort_key, descending=query.descending,
                     filters=query.filters, search=query.search)


class RecordListView(QWidget):
    """Every record list: columns from :data:`ENTITY_UI`, rows from the services."""

    def __init__(self, ctx: AppContext, entity: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.entity = ctx, entity
        self.ui = ENTITY_UI[entity]
        self.setObjectName(f"list-{entity}")

        self.filter_box = QLineEdit(placeholderText=self.tr("Filter %1…").replace(
            "%1", self.ui.in_sentence_plural()))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setObjectName("filter")
        self.quick = QComboBox(objectName="quick-filter")
        self.quick.addItem(self.tr("All"), None)
        if self.ui.quick_filter:
            for value in fields_of(entity)[self.ui.quick_filter].choices or ():
                self.quick.addItem(value_label(entity, self.ui.quick_filter, value), value)
        self.quick.setVisible(bool(self.ui.quick_filter))
        self.open_only = QCheckBox(self.tr("Open only"), objectName="open-only")
        self.open_only.setVisible(entity in HAS_OPEN_FILTER)
        self.saved = QComboBox(objectName="saved-filters")
        self.saved.setMinimumContentsLength(14)
        self.save_button = QPushButton(self.tr("Save filter…"), objectName="save-filter")
        self.new_button = QPushButton(self.tr("New %1").replace("%1", self.ui.in_sentence()),
                                      objectName="new-record")
        self.count = QLabel(objectName="count")
        self.convert_button = QPushButton(self.tr("&Convert…"), objectName="convert-lead")
        self.convert_button.setToolTip(self.tr("Make the selected lead an account, with its contact and a deal"))
        self.convert_button.setVisible(entity == "lead")

        bar = QHBoxLayout()
        bar.addWidget(self.filter_box, 3)
        bar.addWidget(self.quick)
        bar.addWidget(self.open_only)
        bar.addWidget(self.saved, 1)
        bar.addWidget(self.save_button)
        bar.addStretch()
        bar.addWidget(self.count)
        bar.addWidget(self.convert_button)
        bar.addWidget(self.new_button)

        self.model = LazyTableModel(
            [spec.column() for spec in self.ui.columns],
            partial(_fetch_ids, ctx.replica, entity),
            partial(rows_by_id, ctx.replica, entity),
            runner=ctx.runner, fetch_head=partial(_fetch_head, ctx.replica, entity), parent=self,
        )
        self.table = QTableView(objectName="table")
        configure_view(self.table, self.model)
        self.table.setAlternatingRowColors(True)
        self.table.activated.connect(self._open_index)
        ctx.prefs.restore_header(self.table.horizontalHeader(), f"list-{entity}")

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._apply_filters)
        self.filter_box.textChanged.connect(self._typing.start)
        self.filter_box.returnPressed.connect(self._apply_filters)
        self.quick.currentIndexChanged.connect(self._apply_filters)
        self.open_only.toggled.connect(self._apply_filters)
        self.saved.activated.connect(self._use_saved)
        self.save_button.clicked.connect(self._ask_save_filter)
        self.new_button.clicked.connect(lambda: ctx.navigator.new_record.emit(entity, {}))
        self.convert_button.clicked.connect(self._convert)
        self.convert_button.setEnabled(False)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.convert_button.setEnabled(current.isValid()))
        self.model.ids_loaded.connect(self._show_count)
        self._fill_saved()
        ctx.bus.subscribe(self.ui.change, lambda _c: self.model.refresh(), owner=self)

    # -- filtering ------------------------------------------------------------

    def current_filter(self) -> dict:
        filters = {}
        if self.quick.currentData() is not None:
            filters[self.ui.quick_filter] = self.quick.currentData()
        if self.open_only.isChecked():
            filters["open"] = True
        return {"search": self.filter_box.text().strip(), "filters": filters}

    def _apply_filters(self) -> None:
        self._typing.stop()
        f = self.current_filter()
        self.model.set_query(replace(self.model.query, search=f["search"], filters=f["filters"]))

    def apply_saved(self, query: dict) -> None:
        filters = dict(query.get("filters", {}))
        for widget in (self.filter_box, self.quick, self.open_only):
            widget.blockSignals(True)
        self.filter_box.setText(query.get("search", ""))
        quick = filters.get(self.ui.quick_filter) if self.ui.quick_filter else None
        self.quick.setCurrentIndex(max(0, self.quick.findData(quick)))
        self.open_only.setChecked(bool(filters.get("open")))
        for widget in (self.filter_box, self.quick, self.open_only):
            widget.blockSignals(False)
        self._apply_filters()

    def _fill_saved(self) -> None:
        self.saved.clear()
        self.saved.addItem(self.tr("Saved filters"), None)
        for name, query in sorted(saved_filters(self.ctx.prefs, self.entity).items()):
            self.saved.addItem(name, query)

    def _use_saved(self, index: int) -> None:
        query = self.saved.itemData(index)
        if query is not None:
            self.apply_saved(query)

    def _ask_save_filter(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save filter"), self.tr("Name of this filter:"))
        if ok and name.strip():
            save_filter(self.ctx.prefs, self.entity, name.strip(), self.current_filter())
            self._fill_saved()
            self.saved.setCurrentIndex(self.saved.findText(name.strip()))

    # -- rows ------------------------------------------------------------------

    def _show_count(self, n: int) -> None:
        self.count.setText(counted("RecordListView", *RECORDS, n))

    def _open_index(self, index) -> None:
        row_id = self.model.id_at(index.row()) if index.isValid() else None
        if row_id is not None:  # None: the list is still reading its ids
            self.ctx.navigator.open_record.emit(self.entity, row_id)

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def _convert(self) -> None:
        from fieldcrm.ui.convert_lead import convert_selected

        convert_selected(self.ctx, self, self.selected_id())

    def save_state(self) -> None:
        self.ctx.prefs.save_header(self.table.horizontalHeader(), f"list-{self.entity}")

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self._open_index(self.table.currentIndex())
            return
        super().keyPressEvent(event)
