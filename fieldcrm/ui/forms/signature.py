"""The customer signs a service job on the laptop (finger, pen or mouse).

The strokes are kept as an image (PNG) attached to the job and marked as the
job's signature; like any attachment it is sent with the next sync, offline
until then.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout,
    QWidget,
)

from fieldcrm.ui.context import AppContext
from fieldcrm.ui.file_opener import error_text
from fieldcrm.ui.text import ERROR_STYLE

INK = QColor("#1a237e")


def _sign(replica, job_id: str, png: bytes, signer: str) -> dict[str, Any]:
    from fieldcrm.services.attachments import AttachmentService

    return AttachmentService(replica).sign_job(job_id, png, signer)


class SignaturePad(QWidget):
    """A white surface to sign on. Tablets and touch screens arrive as mouse
    events (Qt synthesises them), so one code path serves all three."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("signature-pad")
        self.setMinimumSize(420, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.strokes: list[QPainterPath] = []
        self._current: Optional[QPainterPath] = None

    def is_empty(self) -> bool:
        return not self.strokes

    def clear(self) -> None:
        self.strokes, self._current = [], None
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._current = QPainterPath(QPointF(event.position()))
        # A tap is a dot: a stroke needs a length to be drawn.
        self._current.lineTo(QPointF(event.position()) + QPointF(0.1, 0.1))
        self.strokes.append(self._current)
        self.update()

    def mouseMoveEvent(self, event) -> None:
        if self._current is not None:
            self._current.lineTo(QPointF(event.position()))
            self.update()

    def mouseReleaseEvent(self, event) -> None:
        if self._current is not None:
            self._current = None
            self.changed.emit()

    def _draw(self, painter: QPainter, width: int, height: int, guide: bool) -> None:
        painter.fillRect(0, 0, width, height, Qt.GlobalColor.white)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if guide:
            painter.setPen(QPen(QColor("#9e9e9e"), 1))
            painter.drawLine(24, height - 36, width - 24, height - 36)
            painter.drawText(24, height - 42, "×")
        painter.setPen(QPen(INK, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        for stroke in self.strokes:
            painter.drawPath(stroke)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        self._draw(painter, self.width(), self.height(), guide=True)
        painter.setPen(QPen(QColor("#bdbdbd"), 1))
        painter.drawRect(0, 0, self.width() - 1, self.height() - 1)
        painter.end()

    def to_png(self) -> bytes:
        """The strokes on white, without the guide line, as PNG bytes."""
        image = QImage(self.width(), self.height(), QImage.Format.Format_RGB32)
        painter = QPainter(image)
        self._draw(painter, image.width(), image.height(), guide=False)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data)


class SignatureDialog(QDialog):
    """``signed(row)`` with the new attachment row once the signature is kept."""

    signed = Signal(object)

    def __init__(self, ctx: AppContext, job_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.job_id = ctx, job_id
        self.setObjectName("signature-dialog")
        self.setWindowTitle(self.tr("Customer signature"))
        self.signer = QLineEdit(objectName="signer")
        self.signer.setPlaceholderText(self.tr("Name of the person signing"))
        self.pad = SignaturePad(self)
        self.error = QLabel(objectName="signature-error", wordWrap=True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.clear_button = QPushButton(self.tr("C&lear"), objectName="clear-signature")
        self.clear_button.setAutoDefault(False)
        self.buttons.addButton(self.clear_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.clear_button.clicked.connect(self.pad.clear)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)

        form = QFormLayout()
        form.addRow(self.tr("Signed by"), self.signer)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Sign in the box:")))
        layout.addWidget(self.pad, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.signer.textChanged.connect(self._update)
        self.pad.changed.connect(self._update)
        self._saving = False
        self._update()
        self.resize(520, 340)

    def _update(self) -> None:
        self.save_button.setEnabled(bool(self.signer.text().strip()) and not self.pad.is_empty()
                                    and not self._saving)
        self.clear_button.setEnabled(not self.pad.is_empty())

    def save(self) -> None:
        if self._saving or not self.save_button.isEnabled():
            return
        self._saving = True
        self._update()
        self.error.hide()
        self.ctx.call(_sign, self.job_id, self.pad.to_png(), self.signer.text(),
                      done=self._saved, failed=self._failed, label=self.tr("Saving the signature…"))

    def _saved(self, row: dict[str, Any]) -> None:
        self._saving = False
        self.signed.emit(row)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self._update()
        self.error.setText(error_text(exc))
        self.error.show()
