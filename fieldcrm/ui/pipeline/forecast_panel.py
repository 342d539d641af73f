"""Expected revenue by month or quarter (chart and table), and for a manager the
roll-up per rep and per territory against quota."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from PySide6.QtCharts import (
    QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis,
)
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QSplitter, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from fieldcrm.services.forecast import forecast, period_of, quota_rollup
from fieldcrm.services.people import current_person
from fieldcrm.services.pipeline import PipelineFilter, currencies
from fieldcrm.ui.formats import number
from fieldcrm.ui.runner import Op

SERIES_COLOURS = ("#43aa8b", "#277da1", "#b8c4d6")  # won, weighted, best case


def _load(replica, flt: PipelineFilter, unit: str, currency: Optional[str], today: dt.date) -> dict:
    """Everything the panel shows, in one trip to the replica thread."""
    known = currencies(replica)
    currency = currency if currency in known else (known[0] if known else "USD")
    person = current_person(replica)
    # Two periods back (what was won), the current one, and what lies ahead.
    back = today.replace(day=1) - dt.timedelta(days=45 if unit == "month" else 170)
    out = {"currencies": known, "currency": currency,
           "rows": forecast(replica, start=back, count=8 if unit == "month" else 5, unit=unit,
                            currency=currency, flt=flt),
           "manager": bool(person and person.manages), "period": period_of(today, unit).label}
    if out["manager"]:
        out["reps"] = quota_rollup(replica, day=today, unit=unit, currency=currency, by="rep", flt=flt)
        out["territories"] = quota_rollup(replica, day=today, unit=unit, currency=currency, by="territory",
                                          flt=flt)
    return out


def _number(value) -> QTableWidgetItem:
    item = QTableWidgetItem(number(round(float(value))))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


class ForecastPanel(QWidget):
    """``loaded()`` after fresh numbers are shown."""

    loaded = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None, *, today: Optional[dt.date] = None):
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self._flt = PipelineFilter()
        self._generation = 0
        self.unit = QComboBox(objectName="forecast-unit")
        self.unit.addItem(self.tr("By month"), "month")
        self.unit.addItem(self.tr("By quarter"), "quarter")
        self.currency = QComboBox(objectName="forecast-currency")
        self.unit.currentIndexChanged.connect(lambda: self.reload())
        self.currency.activated.connect(lambda: self.reload())
        bar = QHBoxLayout()
        for text, combo in ((self.tr("&Period:"), self.unit), (self.tr("C&urrency:"), self.currency)):
            label = QLabel(text)
            label.setBuddy(combo)
            bar.addWidget(label)
            bar.addWidget(combo)
        bar.addStretch()

        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QChartView(self.chart, objectName="forecast-chart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(240)
        self.table = _table("forecast-table", [self.tr("Period"), self.tr("Won"), self.tr("Weighted"),
                                               self.tr("Best case")])
        rollup_headers = [self.tr("Name"), self.tr("Quota"), self.tr("Won"), self.tr("Weighted"),
                          self.tr("Best case"), self.tr("Attainment")]
        self.reps = _table("rollup-reps", rollup_headers)
        self.territories = _table("rollup-territories", rollup_headers)
        self.rollup = QGroupBox(self.tr("This period against quota"), objectName="rollup")
        box = QHBoxLayout(self.rollup)
        for title, table in ((self.tr("Per rep"), self.reps), (self.tr("Per territory"), self.territories)):
            column = QVBoxLayout()
            column.addWidget(QLabel(f"<b>{title}</b>"))
            column.addWidget(table)
            box.addLayout(column)
        self.rollup.hide()

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.chart_view)
        top.addWidget(self.table)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(top, 3)
        layout.addWidget(self.rollup, 2)

    def reload(self, flt: Optional[PipelineFilter] = None) -> None:
        if flt is not None:
            self._flt = flt
        self._generation += 1
        generation = self._generation
        today = self._today or dt.date.today()
        Op(_load, self.ctx.replica, self._flt, self.unit.currentData(), self.currency.currentData(), today).success(
            lambda data: self._show(data, generation)).run(self.ctx.runner)

    def _show(self, data: dict, generation: int) -> None:
        if generation != self._generation:
            return
        self.currency.blockSignals(True)
        self.currency.clear()
        for code in data["currencies"]:
            self.currency.addItem(code, code)
        self.currency.setCurrentIndex(max(0, self.currency.findData(data["currency"])))
        self.currency.blockSignals(False)
        rows = data["rows"]
        self._show_chart(rows, data["currency"])
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(r.period.label))
            for j, value in enumerate((r.won, r.weighted, r.best_case), start=1):
                self.table.setItem(i, j, _number(value))
        self.rollup.setVisible(data["manager"])
        self.rollup.setTitle(self.tr("{period} against quota").format(period=data["period"]))
        if data["manager"]:
            self._fill_rollup(self.reps, data["reps"])
            self._fill_rollup(self.territories, data["territories"])
        self.loaded.emit()

    def _show_chart(self, rows, currency: str) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        series = QBarSeries()
        names = (self.tr("Won"), self.tr("Weighted"), self.tr("Best case"))
        for name, colour, pick in zip(names, SERIES_COLOURS, (lambda r: r.won, lambda r: r.weighted,
                                                               lambda r: r.best_case)):
            bars = QBarSet(name)
            bars.setColor(QColor(colour))
            bars.append([float(pick(r)) for r in rows])
            series.append(bars)
        self.chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append([r.period.short_label for r in rows])
        y = QValueAxis()
        top = max([float(r.best_case) for r in rows] + [1.0])
        y.setRange(0, top * 1.05)
        y.applyNiceNumbers()
        y.setLabelFormat("%'.0f")
        y.setTitleText(currency)
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        self.chart.setTitle(self.tr("Expected revenue ({currency})").format(currency=currency))

    def _fill_rollup(self, table: QTableWidget, rows) -> None:
        table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            table.setItem(i, 0, QTableWidgetItem("    " * r.depth + r.name))
            for j, value in enumerate((r.quota, r.won, r.weighted, r.best_case), start=1):
                table.setItem(i, j, _number(value))
            share = r.attainment
            item = QTableWidgetItem("–" if share is None else f"{share:.0%}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if share is not None:
                item.setForeground(QColor("#2e7d32" if share >= 1 else "#b26a00" if share >= 0.5 else "#c62828"))
            table.setItem(i, 5, item)

    def chart_values(self) -> list[list[float]]:
        """What the bars show, series by series (won, weighted, best case)."""
        series = self.chart.series()
        if not series:
            return []
        return [[s.at(i) for i in range(s.count())] for s in series[0].barSets()]
