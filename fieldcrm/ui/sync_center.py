"""The sync center: what waits to be sent, what the server did not take, the log.

A conflict shows base, mine and theirs side by side with Keep mine, Take
theirs and Edit (change my values, then send them again). A rejection shows
the server's message with Fix and retry, and Discard.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QListWidget, QPlainTextEdit, QPushButton, QSplitter, QTabWidget,
    QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from fieldcrm.services.view_sync import parked_changes, pending_changes, settle
from fieldcrm.ui.changes import Change
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.entities import change_of, entity_title
from fieldcrm.ui.formats import when

BASE, MINE, THEIRS = 1, 2, 3


def _plain(value) -> str:
    return "" if value is None else str(value)


class SyncCenter(QDialog):
    def __init__(self, ctx: AppContext, controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.controller = ctx, controller
        self.setObjectName("sync-center")
        self.setWindowTitle(self.tr("Sync center"))
        self.changes: list[dict] = []

        self.outbox = QTreeWidget(objectName="outbox")
        self.outbox.setRootIsDecorated(False)
        self.outbox.setHeaderLabels([self.tr("Made"), self.tr("Record"), self.tr("Change"), self.tr("Fields")])
        self.outbox.setColumnWidth(0, 140)
        self.outbox.setColumnWidth(1, 260)

        self.parked = QListWidget(objectName="parked")
        self.message = QLabel(objectName="server-message", wordWrap=True)
        self.message.setStyleSheet("color: #b3261e;")
        self.fields = QTableWidget(0, 4, objectName="conflict-fields")
        self.fields.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Before"), self.tr("Mine"),
                                               self.tr("Theirs (server)")])
        self.fields.horizontalHeader().setStretchLastSection(True)
        self.fields.verticalHeader().hide()
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text in (("keep_mine", self.tr("Keep mine")), ("take_theirs", self.tr("Take theirs")),
                          ("retry", self.tr("Send my edited values")), ("discard", self.tr("Discard mine"))):
            button = QPushButton(text, objectName=key.replace("_", "-"))
            button.clicked.connect(lambda _=False, k=key: self.choose(k))
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch()
        detail = QWidget()
        d = QVBoxLayout(detail)
        d.addWidget(self.message)
        d.addWidget(QLabel(self.tr("To edit, change values in the “Mine” column, then send them.")))
        d.addWidget(self.fields, 1)
        d.addLayout(row)
        split = QSplitter()
        split.addWidget(self.parked)
        split.addWidget(detail)
        split.setSizes([260, 560])

        self.log_view = QPlainTextEdit(objectName="sync-log", readOnly=True)
        self.log_view.setPlainText("\n".join(controller.log) if controller else "")
        if controller is not None:
            controller.log_added.connect(self.log_view.appendPlainText)

        self.tabs = QTabWidget(objectName="sync-tabs")
        self.tabs.addTab(split, self.tr("Needs attention"))
        self.tabs.addTab(self.outbox, self.tr("Waiting to be sent"))
        self.tabs.addTab(self.log_view, self.tr("Sync log"))
        sync = QPushButton(self.tr("Sync now"), objectName="sync-now")
        if controller is not None:
            sync.clicked.connect(controller.sync_now)
        bottom = QHBoxLayout()
        bottom.addStretch()
        bottom.addWidget(sync)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.resize(900, 560)
        self.parked.currentRowChanged.connect(self._show_change)
        ctx.bus.subscribe(Change.SYNC, lambda _c: self.reload(), owner=self)
        self.reload()

    def reload(self) -> None:
        self.ctx.call(parked_changes, done=self._show_parked)
        self.ctx.call(pending_changes, done=self._show_outbox)

    def _show_outbox(self, entries: list[dict]) -> None:
        self.outbox.clear()
        for e in entries:
            self.outbox.addTopLevelItem(QTreeWidgetItem([
                when(e["created_at"]), f"{entity_title(e['entity'])}: {e['title']}",
                {"create": self.tr("new"), "update": self.tr("edit"), "delete": self.tr("delete")}[e["op"]],
                ", ".join(e["fields"])]))
        self.tabs.setTabText(1, self.tr("Waiting to be sent (%1)").replace("%1", str(len(entries))))

    def _show_parked(self, changes: list[dict]) -> None:
        current = self.current_change()
        self.changes = changes
        self.parked.clear()
        for c in changes:
            kind = self.tr("Conflict") if c["kind"] == "conflict" else self.tr("Rejected")
            self.parked.addItem(f"{kind} — {entity_title(c['entity'])}: {c['title'] or c['row_id'][:8]}")
        self.tabs.setTabText(0, self.tr("Needs attention (%1)").replace("%1", str(len(changes))))
        ids = [c["id"] for c in changes]
        self.parked.setCurrentRow(ids.index(current["id"]) if current and current["id"] in ids
                                  else (0 if changes else -1))
        if not changes:
            self._show_change(-1)

    def current_change(self) -> Optional[dict]:
        row = self.parked.currentRow()
        return self.changes[row] if 0 <= row < len(self.changes) else None

    def _show_change(self, row: int) -> None:
        change = self.changes[row] if 0 <= row < len(self.changes) else None
        self.fields.setRowCount(0)
        for button in self.buttons.values():
            button.setEnabled(change is not None)
        if change is None:
            self.message.setStyleSheet("")
            self.message.setText(self.tr("Nothing needs your attention."))
            return
        self.message.setStyleSheet("color: #b3261e;")
        conflict = change["kind"] == "conflict"
        self.buttons["keep_mine"].setVisible(conflict)
        self.buttons["take_theirs"].setVisible(conflict)
        self.message.setText(change["message"] or "")
        for name, values in change["fields"].items():
            r = self.fields.rowCount()
            self.fields.insertRow(r)
            cells = [name.replace("_", " "), _plain(values.get("base")), _plain(values.get("mine")),
                     _plain(values.get("theirs"))]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column != MINE:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setData(Qt.ItemDataRole.UserRole, name)
                self.fields.setItem(r, column, item)

    def edited_values(self, change: dict) -> dict:
        """The 'Mine' values the person changed in the table."""
        out = {}
        for r in range(self.fields.rowCount()):
            name = self.fields.item(r, 0).data(Qt.ItemDataRole.UserRole)
            text = self.fields.item(r, MINE).text()
            if text != _plain(change["fields"][name].get("mine")):
                out[name] = text or None
        return out

    def choose(self, choice: str) -> None:
        change = self.current_change()
        if change is None:
            return
        values = self.edited_values(change) if choice == "retry" else None

        def done(_):
            self.ctx.bus.changed_data(change_of(change["entity"]))
            if self.controller is not None and choice in ("keep_mine", "retry"):
                self.controller.sync_now()

        self.ctx.call(settle, change["id"], choice, values, done=done,
                      failed=lambda exc: self.message.setText(str(exc)))
