"""Product lines inside an order or opportunity form.

Prices come from the replica's copy of the ERP price list and are marked
provisional: the ERP sets the final amounts when it confirms the order.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from fieldcrm.services.view_forms import lines_of, products, save_lines
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.formats import money

PRODUCT, QUANTITY, PRICE, AMOUNT = range(4)


def _number(text: str) -> Optional[Decimal]:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None


class LinesEditor(QWidget):
    def __init__(self, ctx: AppContext, parent_entity: str, parent_id: Optional[str], parent=None):
        super().__init__(parent)
        self.ctx, self.parent_entity = ctx, parent_entity
        self.setObjectName("lines")
        self.dirty = False
        self._products: list[dict] = []
        self._ids: list[Optional[str]] = []
        self.table = QTableWidget(0, 4, objectName="lines-table")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Product"), self.tr("Quantity"), self.tr("Unit price"), self.tr("Amount")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(PRODUCT, 220)
        self.table.verticalHeader().hide()
        self.table.itemChanged.connect(self._item_changed)
        add = QPushButton(self.tr("Add line"), objectName="add-line")
        remove = QPushButton(self.tr("Remove line"), objectName="remove-line")
        add.clicked.connect(lambda: self.add_line())
        remove.clicked.connect(self.remove_line)
        self.total = QLabel(objectName="lines-total")
        note = QLabel(self.tr("Prices are provisional until the ERP confirms the order."),
                      objectName="provisional-note", wordWrap=True)
        note.setStyleSheet("color: #8a6d00;")
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        buttons.addWidget(self.total)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(f"<b>{self.tr('Lines')}</b>"))
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(note)
        ctx.call(products, done=self._products_loaded)
        if parent_id:
            ctx.call(lines_of, parent_entity, parent_id, done=self._lines_loaded)

    def _products_loaded(self, rows: list[dict]) -> None:
        self._products = rows
        for row in range(self.table.rowCount()):
            self._fill_combo(self.table.cellWidget(row, PRODUCT))

    def _fill_combo(self, combo: QComboBox) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        for p in self._products:
            if combo.findData(p["id"]) < 0:
                combo.addItem(f"{p['name']} ({p['sku']})" if p["sku"] else p["name"], p["id"])
        combo.setCurrentIndex(combo.findData(chosen) if chosen else -1)
        combo.blockSignals(False)

    def _lines_loaded(self, lines: list[dict]) -> None:
        for line in lines:
            self.add_line(line, mark_dirty=False)

    def add_line(self, line: Optional[dict] = None, *, mark_dirty: bool = True) -> None:
        line = line or {}
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        combo = QComboBox()
        if line.get("product_id"):
            combo.addItem(line.get("product_name") or line["product_id"], line["product_id"])
        self._fill_combo(combo)
        combo.currentIndexChanged.connect(lambda _i, c=combo: self._product_chosen(c))
        self.table.setCellWidget(row, PRODUCT, combo)
        self.table.setItem(row, QUANTITY, QTableWidgetItem(str(line.get("quantity") or "1")))
        self.table.setItem(row, PRICE, QTableWidgetItem(str(line.get("unit_price") or "")))
        amount = QTableWidgetItem()
        amount.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.table.setItem(row, AMOUNT, amount)
        self._ids.append(line.get("id"))
        self.table.blockSignals(False)
        self._recompute()
        if mark_dirty:
            self.dirty = True

    def remove_line(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            del self._ids[row]
            self.dirty = True
            self._recompute()

    def _product_chosen(self, combo: QComboBox) -> None:
        for row in range(self.table.rowCount()):
            if self.table.cellWidget(row, PRODUCT) is combo:
                product = next((p for p in self._products if p["id"] == combo.currentData()), None)
                if product and product["list_price"] is not None:
                    self.table.item(row, PRICE).setText(product["list_price"])
        self.dirty = True
        self._recompute()

    def _item_changed(self, _item) -> None:
        self.dirty = True
        self._recompute()

    def _recompute(self) -> None:
        self.table.blockSignals(True)
        total = Decimal(0)
        for row in range(self.table.rowCount()):
            qty = _number(self.table.item(row, QUANTITY).text())
            price = _number(self.table.item(row, PRICE).text())
            amount = qty * price if qty is not None and price is not None else None
            total += amount or 0
            self.table.item(row, AMOUNT).setText(money(amount) + " " + self.tr("(provisional)")
                                                 if amount is not None else "")
        self.table.blockSignals(False)
        self.total.setText(self.tr("Total %1 (provisional)").replace("%1", money(total)))

    def lines(self) -> list[dict[str, Any]]:
        out = []
        for row in range(self.table.rowCount()):
            out.append({
                "id": self._ids[row],
                "product_id": self.table.cellWidget(row, PRODUCT).currentData(),
                "quantity": self.table.item(row, QUANTITY).text().strip() or None,
                "unit_price": self.table.item(row, PRICE).text().strip() or None,
            })
        return out

    def save(self, parent_id: str, *, done: Callable[[], None], failed: Callable) -> None:
        from fieldcrm.ui.entities import change_of

        def saved(_count):
            self.dirty = False
            self.ctx.bus.changed_data(change_of(self.parent_entity))
            done()

        self.ctx.call(save_lines, self.parent_entity, parent_id, self.lines(), done=saved, failed=failed)
