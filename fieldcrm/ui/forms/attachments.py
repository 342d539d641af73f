"""The files of a service job, account or visit, inside its form.

Attaching works offline: the file is copied into the profile and its row
waits in the outbox like any edit; the next sync uploads the content and then
the row. Opening a file that is not on this laptop downloads it first (a
network op, with the sign-in of the sync). Files open in the program the
desktop has for them.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)
import shiboken6

from fieldcrm.ui.changes import Change
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.entities import change_of
from fieldcrm.ui.formats import file_size
from fieldcrm.ui.file_opener import FileAttacher, FileOpener, error_text
from fieldcrm.ui.runner import Cancelled
from fieldcrm.ui.text import show_message

def _attachments_of(replica, entity: str, row_id: str) -> list[dict[str, Any]]:
    """On the replica thread: the record's attachments, each with ``path``
    (its file on this laptop, or None)."""
    from fieldcrm.services.attachments import AttachmentService

    service = AttachmentService(replica)
    rows = service.list_for(entity, row_id)
    signature = None
    if entity == "service_job":
        signature = service.records.get("service_job", row_id).get("signature_attachment_id")
    for row in rows:
        path = service.store.path_of(row["sha256"])
        row["path"] = str(path) if path is not None else None
        row["is_signature"] = row["id"] == signature
    return rows


def _remove(replica, attachment_id: str) -> None:
    from fieldcrm.services.records import RecordService

    RecordService(replica).delete("attachment", attachment_id)


class AttachmentsPanel(QWidget):
    """Attach, open and remove the files of one record (``entity``, ``row_id``)."""

    def __init__(self, ctx: AppContext, entity: str, row_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.entity, self.row_id = ctx, entity, row_id
        self.setObjectName("attachments")
        self.rows: list[dict[str, Any]] = []
        self.loaded = False

        self.table = QTableWidget(0, 3, objectName="attachment-list")
        self.table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Size"), self.tr("Where")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMaximumHeight(150)
        self.table.itemDoubleClicked.connect(lambda _item: self.open_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        # Enter opens, Delete removes: keys the list itself receives, so Enter
        # in a field of the form still saves the form.
        self.table.installEventFilter(self)

        self.attach_button = QPushButton(self.tr("&Attach file…"), objectName="attach-file")
        self.attach_button.clicked.connect(self.choose_file)
        self.open_button = QPushButton(self.tr("&Open"), objectName="open-file")
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton(self.tr("&Remove"), objectName="remove-file")
        self.remove_button.clicked.connect(self.remove_selected)
        self.sign_button = None
        if entity == "service_job":
            self.sign_button = QPushButton(self.tr("Customer &signature…"), objectName="sign-job")
            self.sign_button.clicked.connect(self.ask_signature)
        self.signature_dialog = None
        self.message = QLabel(objectName="attachments-message", wordWrap=True)
        self.message.hide()
        self.opener = FileOpener(ctx, self)
        self.opener.said.connect(self._say)
        self.attacher = FileAttacher(ctx, self, entity, row_id)
        self.attacher.said.connect(self._say)
        self.opener.fetched.connect(self.reload)  # it is on this laptop now

        own = [self.attach_button, self.open_button, self.remove_button]
        for button in own + ([self.sign_button] if self.sign_button else []):
            button.setAutoDefault(False)  # Enter in a field of the form still saves it
        buttons = QHBoxLayout()
        for button in own:
            buttons.addWidget(button)
        buttons.addStretch(1)
        if self.sign_button is not None:
            buttons.addWidget(self.sign_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("Files"))
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self._selection_changed()

        ctx.bus.subscribe(Change.ATTACHMENTS, lambda _c: self.reload(), owner=self)
        self.reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected() is not None:
                self.open_selected()
                return True
            if event.matches(QKeySequence.StandardKey.Delete) and self.selected() is not None:
                self.remove_selected()
                return True
        return super().eventFilter(watched, event)

    # -- the list -------------------------------------------------------------

    def reload(self) -> None:
        self.ctx.call(_attachments_of, self.entity, self.row_id, done=self._show, failed=self._failed,
                      owner=self)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        selected = self.selected()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            where = self.tr("on this laptop") if row["path"] else self.tr("on the server")
            name = row["name"]
            if row.get("is_signature"):
                name = self.tr("%1 (the customer's signature)").replace("%1", name)
            for column, text in enumerate((name, file_size(row.get("size")), where)):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, column, item)
            if selected is not None and row["id"] == selected["id"]:
                self.table.selectRow(i)
        self.loaded = True
        self._selection_changed()

    def selected(self) -> Optional[dict[str, Any]]:
        picked = self.table.selectionModel().selectedRows()
        if not picked or picked[0].row() >= len(self.rows):
            return None
        return self.rows[picked[0].row()]

    def _selection_changed(self) -> None:
        chosen = self.selected() is not None
        self.open_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def names(self) -> list[str]:
        return [row["name"] for row in self.rows]

    # -- attach ---------------------------------------------------------------

    def choose_file(self) -> None:
        self.attacher.choose()

    def attach(self, path: str) -> None:
        self.attacher.attach(path)

    # -- sign -----------------------------------------------------------------

    def ask_signature(self) -> QDialog:
        from fieldcrm.ui.forms.signature import SignatureDialog

        dialog = SignatureDialog(self.ctx, self.row_id, self)
        dialog.signed.connect(self._signed)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        self.signature_dialog = dialog
        return dialog

    def _signed(self, row: dict[str, Any]) -> None:
        self.ctx.bus.changed_data(change_of("attachment") | change_of("service_job"), source=self)
        self._say(self.tr("Signed; the signature is sent with the next sync."))

    # -- open -----------------------------------------------------------------

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.opener.open(row)

    # -- remove ---------------------------------------------------------------

    def remove_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Remove file"),
            self.tr("Remove %1 from this record? Everyone who sees the record loses it after the next sync.")
            .replace("%1", row["name"]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.call(_remove, row["id"], done=lambda _r: self._removed(row), failed=self._failed)

    def _removed(self, row: dict[str, Any]) -> None:
        self.ctx.bus.changed_data(change_of("attachment"), source=self)
        self._say(self.tr("%1 is removed.").replace("%1", row["name"]))

    # -- messages ---------------------------------------------------------------

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, Cancelled):
            self._say(error_text(exc), error=True)

    def _say(self, text: str, error: bool = False) -> None:
        if not shiboken6.isValid(self):  # the form was closed before a write ended
            return
        show_message(self.message, text, error)
