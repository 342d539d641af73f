"""Guard against the PySide6 build that over-releases ``None``.

PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` each time a
Python ``data()`` override returns ``None`` to C++. Every list view does that
for most roles, so after a while ``None``'s count reaches zero and the app
aborts. These tests fail on such a build long before a user would crash.
"""

import ctypes
import sys

import PySide6
import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QTableView

ROWS = 2_000
MIN_CALLS = 50_000
# A healthy build leaves None's count unchanged or higher; the faulty one
# lowers it by about one per call. Allow for unrelated drift in the process.
TOLERANCE = 200


class NoneModel(QAbstractTableModel):
    """One column of text; ``None`` for every role but display."""

    def __init__(self):
        super().__init__()
        self.calls = 0
        self.none_returns = 0

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else ROWS

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        self.calls += 1
        if role == Qt.ItemDataRole.DisplayRole:
            return f"row {index.row()}"
        self.none_returns += 1
        return None


class OverReleasingModel(NoneModel):
    """Behaves as the faulty build does: one reference to None lost per None."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        value = super().data(index, role)
        if value is None:
            ctypes.pythonapi.Py_DecRef(ctypes.py_object(None))
        return value


def none_refcount_drift(qtbot, model):
    """Let C++ call ``model.data()`` for every row and role a view asks for.

    Returns how far ``sys.getrefcount(None)`` moved while it did.
    """
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.verticalHeader().setResizeContentsPrecision(-1)  # every row, not a sample
    before = sys.getrefcount(None)
    while model.calls < MIN_CALLS:
        view.sizeHintForColumn(0)
    return sys.getrefcount(None) - before


def test_installed_pyside6_is_below_the_faulty_release():
    version = tuple(int(part) for part in PySide6.__version__.split(".")[:2])
    assert version < (6, 12), f"PySide6 {PySide6.__version__} is not supported"


def test_returning_none_from_data_keeps_none_alive(qtbot):
    model = NoneModel()
    drift = none_refcount_drift(qtbot, model)
    assert model.calls >= MIN_CALLS
    assert drift >= -TOLERANCE, (
        f"None lost {-drift} references over {model.calls} data() calls: "
        "this PySide6 build over-releases None"
    )


def test_guard_detects_an_over_releasing_build(qtbot):
    """The measurement above must be able to see the fault it guards against."""
    if sys.version_info >= (3, 12):
        pytest.skip("None is immortal from Python 3.12: its count never moves")
    model = OverReleasingModel()
    # Lend None more references than the simulated fault can take, so its
    # count never comes near zero; give back exactly what the fault took.
    loan = [None] * (4 * MIN_CALLS)
    try:
        drift = none_refcount_drift(qtbot, model)
    finally:
        for _ in range(model.none_returns):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
        del loan
    assert drift < -TOLERANCE
