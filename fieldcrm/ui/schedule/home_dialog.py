"""Where the user's routes start and end: a name and a position, kept in the
profile's settings (``routing/home``). Also set from the territory map's
context menu."""

from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QWidget,
)

from fieldcrm.ui.schedule.routing_prefs import HomeBase


class HomeBaseDialog(QDialog):
    """``home()`` after Ok; ``cleared`` is True when the user chose to have no base."""

    def __init__(self, current: Optional[HomeBase], parent: QWidget | None = None, *,
                 near: Optional[tuple[float, float]] = None):
        super().__init__(parent)
        self.setObjectName("home-base")
        self.setWindowTitle(self.tr("Home base"))
        self.cleared = False
        start = (current.lat, current.lon) if current else (near or (0.0, 0.0))
        self.name = QLineEdit(current.name if current else self.tr("Home"), objectName="home-name")
        self.lat = self._degrees("home-lat", 90, start[0])
        self.lon = self._degrees("home-lon", 180, start[1])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.clear_button = buttons.addButton(self.tr("&No home base"), QDialogButtonBox.ButtonRole.ResetRole)
        self.clear_button.setObjectName("home-clear")
        self.clear_button.setToolTip(self.tr("Routes start and end at the middle of the day's stops"))
        self.clear_button.clicked.connect(self._clear)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("Your routes start here and come back here."), wordWrap=True))
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Latitude:"), self.lat)
        form.addRow(self.tr("L&ongitude:"), self.lon)
        form.addRow(QLabel(self.tr("Or right click the territory map where it is."), wordWrap=True))
        form.addRow(buttons)

    @staticmethod
    def _degrees(name: str, limit: float, value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox(objectName=name, decimals=5, minimum=-limit, maximum=limit, singleStep=0.01)
        box.setSuffix("°")
        box.setValue(value)
        return box

    def _clear(self) -> None:
        self.cleared = True
        self.accept()

    def home(self) -> Optional[HomeBase]:
        if self.cleared:
            return None
        return HomeBase(self.lat.value(), self.lon.value(), self.name.text().strip())
