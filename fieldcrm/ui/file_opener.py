"""Attaching files to a record and opening them in the desktop's program,
from any view (a record's form, the account page).

Kept light to import (the storage layer and the network code are imported
when a file is first attached or opened, on the replica thread), so views
that list files do not slow the window's start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget
import shiboken6

from fieldcrm.ui.context import AppContext
from fieldcrm.ui.entities import change_of
from fieldcrm.ui.runner import Cancelled, Op


def _attach(replica, entity: str, row_id: str, path: str) -> dict[str, Any]:
    from fieldcrm.services.attachments import AttachmentService

    return AttachmentService(replica).attach(entity, row_id, Path(path))


def _named_copy(replica, attachment_id: str) -> Optional[Path]:
    from fieldcrm.services.attachments import AttachmentService

    return AttachmentService(replica).named_copy(attachment_id)


def error_text(exc: BaseException) -> str:
    """What a panel or dialog shows for a failed write: the services' messages
    (they name the file or field themselves), else the exception's text."""
    from fieldcrm.storage.validation import ValidationError

    if isinstance(exc, ValidationError):
        return "\n".join(str(message) for message in exc.errors.values())
    return str(exc)


class _FileAction(QObject):
    """Work on files for one widget: tells it what happens through ``said``
    (text, is an error; empty text clears the message), while it lives."""

    said = Signal(str, bool)

    def __init__(self, ctx: AppContext, widget: QWidget):
        super().__init__(widget)
        self.ctx, self.widget = ctx, widget

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, Cancelled):
            self._say(error_text(exc), True)

    def _say(self, text: str, error: bool = False) -> None:
        if shiboken6.isValid(self.widget):
            self.said.emit(text, error)


class FileOpener(_FileAction):
    """Opens an attachment (a row with ``id``, ``name`` and ``path``) in the
    desktop's program for it, downloading it first when only the server has
    it. Tells its widget what happens through ``said`` (text, is an error;
    empty text clears the message) and ``fetched`` (the file is on this
    laptop now). Its ops end with the widget it belongs to."""

    fetched = Signal()

    def open(self, row: dict[str, Any]) -> None:
        if row["path"]:
            self._open_copy(row)
            return
        service = self.ctx.sync.service if self.ctx.sync is not None else None
        if service is None:
            self._say(self.tr("%1 is on the server. Sign in to download it.").replace("%1", row["name"]), True)
            return
        self._say(self.tr("Downloading %1…").replace("%1", row["name"]))
        (Op(service.fetch_attachment, row["id"], kind="network",
            label=self.tr("Downloading %1…").replace("%1", row["name"]))
         .owned_by(self.widget)
         .success(lambda _path, r=row: self._downloaded(r))
         .failure(lambda exc, name=row["name"]: self._download_failed(name, exc))
         .run(self.ctx.runner))

    def _download_failed(self, name: str, exc: BaseException) -> None:
        if not isinstance(exc, Cancelled):
            self._say(self.tr("%1 could not be downloaded: %2").replace("%1", name).replace("%2", str(exc)), True)

    def _downloaded(self, row: dict[str, Any]) -> None:
        self.fetched.emit()
        self._open_copy(row)

    def _open_copy(self, row: dict[str, Any]) -> None:
        self.ctx.call(_named_copy, row["id"], done=self._open, failed=self._failed, owner=self.widget)

    def _open(self, path: Optional[Path]) -> None:
        if path is None:  # removed from this laptop meanwhile
            self.fetched.emit()
            return
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._say("")
        else:
            self._say(self.tr("No program on this computer opens %1. The file is at %2.")
                      .replace("%1", path.name).replace("%2", str(path)), True)


class FileAttacher(_FileAction):
    """Attaches a file the person picks to one record (``entity``,
    ``row_id``): copied into the profile and queued like any edit, offline
    too. Tells its widget what happens through ``said`` (text, is an error)
    and everyone through the change bus."""

    def __init__(self, ctx: AppContext, widget: QWidget, entity: str, row_id: str):
        super().__init__(ctx, widget)
        self.entity, self.row_id = entity, row_id

    def choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self.widget, self.tr("Attach a file"))
        if path:
            self.attach(path)

    def attach(self, path: str) -> None:
        self._say(self.tr("Attaching %1…").replace("%1", Path(path).name))
        # Not owned: the bus hears of the new file even if the widget is closed meanwhile.
        self.ctx.call(_attach, self.entity, self.row_id, str(path), done=self._attached, failed=self._failed)

    def _attached(self, row: dict[str, Any]) -> None:
        self.ctx.bus.changed_data(change_of("attachment"), source=self.widget)
        self._say(self.tr("%1 is attached; it is sent with the next sync.").replace("%1", row["name"]))
