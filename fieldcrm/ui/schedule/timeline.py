"""A calendar drawn as lanes of time: the week (a column per day) or the team
board (a row per rep or technician). Entries are blocks that can be dragged to
another time or lane; when one is dropped the timeline asks
``entry_moved(entity, id, start, lane_key)``. The grid and lane labels are
painted for the visible part only, so hundreds of lanes stay light.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView

from fieldcrm.services.scheduling import Entry

FIRST_HOUR, LAST_HOUR = 7, 19
SNAP_MINUTES = 15
HEADER = 28.0  # room for lane labels (vertical) or hour labels (horizontal)
COLOURS = {"visit": "#cfe2f3", "service_job": "#d9ead3"}
EDGES = {"visit": "#3d85c6", "service_job": "#6aa84f"}


@dataclass(frozen=True)
class Lane:
    key: tuple  # (person id, date)
    label: str
    day: dt.date


class EntryItem(QGraphicsRectItem):
    def __init__(self, entry: Entry, rect: QRectF, timeline: "Timeline"):
        super().__init__(rect)
        self.entry, self.timeline = entry, timeline
        self.warnings: list[str] = []
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape)
        self.setBrush(QBrush(QColor(COLOURS[entry.entity])))
        self.setPen(QPen(QColor(EDGES[entry.entity]), 1))
        pin = "📌 " if entry.pinned else ""
        order = f"{entry.route_order + 1}. " if entry.route_order is not None and entry.entity == "visit" else ""
        text = QGraphicsSimpleTextItem(f"{pin}{order}{entry.start.astimezone():%H:%M} {entry.account_name}", self)
        text.setPos(rect.left() + 3, rect.top() + 1)
        self.label = text
        self.setToolTip(f"{entry.account_name}\n{entry.title}\n"
                        f"{entry.start.astimezone():%H:%M}–{entry.end.astimezone():%H:%M}")
        self.setZValue(1)

    def flag(self, messages: list[str]) -> None:
        self.warnings = messages
        if messages:
            self.setPen(QPen(QColor("#cc0000"), 2.5))
            self.setToolTip(self.toolTip() + "\n⚠ " + "\n⚠ ".join(messages))

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if self.pos() != QPointF(0, 0):
            self.timeline.dropped(self)


class Timeline(QGraphicsView):
    """Lanes of time. ``vertical``: lanes are columns (the week); else rows (the board)."""

    entry_moved = Signal(str, str, object, object)  # entity, id, new start, lane key
    entry_selected = Signal(object)  # Entry or None

    def __init__(self, *, vertical: bool, parent=None):
        super().__init__(parent)
        self.vertical = vertical
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.lanes: list[Lane] = []
        self.items_by_id: dict[str, EntryItem] = {}
        self.tz = dt.datetime.now().astimezone().tzinfo
        self.gutter = 56.0 if vertical else 160.0
        self.lane_size = 150.0 if vertical else 30.0
        self.minute = 1.0 if vertical else 1.6  # pixels per minute
        self.scene().selectionChanged.connect(self._selection)

    # -- geometry ------------------------------------------------------------
    def _minutes(self, when: dt.datetime) -> float:
        local = when.astimezone(self.tz)
        return (local.hour - FIRST_HOUR) * 60 + local.minute + local.second / 60

    def block(self, lane: int, start: dt.datetime, end: dt.datetime) -> QRectF:
        a, b = self._minutes(start), max(self._minutes(end), self._minutes(start) + 15)
        if self.vertical:
            x = self.gutter + lane * self.lane_size
            return QRectF(x + 2, HEADER + a * self.minute, self.lane_size - 4, (b - a) * self.minute)
        y = HEADER + lane * self.lane_size
        return QRectF(self.gutter + a * self.minute, y + 2, (b - a) * self.minute, self.lane_size - 4)

    def locate(self, point: QPointF) -> tuple[int, float]:
        """(lane index, minutes after the first hour) under a scene point."""
        if self.vertical:
            return int((point.x() - self.gutter) // self.lane_size), (point.y() - HEADER) / self.minute
        return int((point.y() - HEADER) // self.lane_size), (point.x() - self.gutter) / self.minute

    def _length(self) -> float:
        return (LAST_HOUR - FIRST_HOUR) * 60 * self.minute

    # -- content -------------------------------------------------------------
    def show_entries(self, lanes: list[Lane], entries: list[Entry]) -> None:
        scene = self.scene()
        scene.clear()
        self.lanes = lanes
        self.items_by_id = {}
        index = {lane.key: i for i, lane in enumerate(lanes)}
        for e in entries:
            lane = index.get((e.person_id, e.start.astimezone(self.tz).date()))
            if lane is None:
                continue
            item = EntryItem(e, self.block(lane, e.start, e.end), self)
            scene.addItem(item)
            self.items_by_id[e.id] = item
        across, along = len(lanes) * self.lane_size, self._length()
        w, h = (across, along) if self.vertical else (along, across)
        scene.setSceneRect(0, 0, self.gutter + w + 4, HEADER + h + 4)
        self.viewport().update()

    def show_day(self, day: dt.date) -> None:
        """Scroll the week sideways so ``day``'s column is in view (a weekend day
        at the end of a narrow window)."""
        lane = next((i for i, l in enumerate(self.lanes) if l.day == day), None)
        if not self.vertical or lane is None:
            return
        x, bar, width = self.gutter + lane * self.lane_size, self.horizontalScrollBar(), self.viewport().width()
        if x + self.lane_size > bar.value() + width:
            bar.setValue(int(x + self.lane_size + 4 - width))
        elif x - self.gutter < bar.value():
            bar.setValue(int(x - self.gutter))

    def flag(self, warnings) -> None:
        by_id: dict[str, list[str]] = {}
        for w in warnings:
            if w.id:
                by_id.setdefault(w.id, []).append(w.message)
        for entry_id, messages in by_id.items():
            if entry_id in self.items_by_id:
                self.items_by_id[entry_id].flag(messages)

    def dropped(self, item: EntryItem) -> None:
        lane, minutes = self.locate(item.sceneBoundingRect().topLeft() + QPointF(
            (self.lane_size / 2 if self.vertical else 0), (0 if self.vertical else self.lane_size / 2)))
        lane = min(max(lane, 0), len(self.lanes) - 1)
        minutes = round(max(0.0, minutes) / SNAP_MINUTES) * SNAP_MINUTES
        day = self.lanes[lane].day
        start = dt.datetime.combine(day, dt.time(FIRST_HOUR), tzinfo=self.tz) + dt.timedelta(minutes=minutes)
        self.entry_moved.emit(item.entry.entity, item.entry.id, start, self.lanes[lane].key)

    def _selection(self) -> None:
        chosen = [i for i in self.scene().selectedItems() if isinstance(i, EntryItem)]
        self.entry_selected.emit(chosen[0].entry if chosen else None)

    def selected_entry(self) -> Optional[Entry]:
        chosen = [i for i in self.scene().selectedItems() if isinstance(i, EntryItem)]
        return chosen[0].entry if chosen else None

    # -- grid ------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, QColor("#ffffff"))
        grid = QPen(QColor("#e6e6e6"))
        painter.setPen(grid)
        for h in range(FIRST_HOUR, LAST_HOUR + 1):
            at = (h - FIRST_HOUR) * 60 * self.minute
            if self.vertical:
                painter.drawLine(QPointF(self.gutter, HEADER + at), QPointF(rect.right(), HEADER + at))
            else:
                painter.drawLine(QPointF(self.gutter + at, rect.top()), QPointF(self.gutter + at, rect.bottom()))
        first = max(0, int(self.locate(rect.topLeft())[0]))
        last = min(len(self.lanes), int(self.locate(rect.bottomRight())[0]) + 2)
        for i in range(first, last + 1):
            at = i * self.lane_size
            if self.vertical:
                painter.drawLine(QPointF(self.gutter + at, rect.top()), QPointF(self.gutter + at, rect.bottom()))
            else:
                painter.drawLine(QPointF(rect.left(), HEADER + at), QPointF(rect.right(), HEADER + at))

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        """Lane labels and hours stay in view while scrolling."""
        top_left = self.mapToScene(0, 0)
        painter.setPen(QColor("#555555"))
        first = max(0, int(self.locate(rect.topLeft())[0]))
        last = min(len(self.lanes), int(self.locate(rect.bottomRight())[0]) + 2)
        if self.vertical:
            painter.fillRect(QRectF(rect.left(), top_left.y(), rect.width(), HEADER), QColor("#f3f3f3"))
            painter.fillRect(QRectF(top_left.x(), rect.top(), self.gutter, rect.height()), QColor("#f3f3f3"))
            for i in range(first, last):
                painter.drawText(QRectF(self.gutter + i * self.lane_size, top_left.y(), self.lane_size, HEADER),
                                 Qt.AlignmentFlag.AlignCenter, self.lanes[i].label)
            for h in range(FIRST_HOUR, LAST_HOUR + 1):
                painter.drawText(QPointF(top_left.x() + 8, HEADER + (h - FIRST_HOUR) * 60 * self.minute + 12),
                                 f"{h:02d}:00")
        else:
            painter.fillRect(QRectF(top_left.x(), rect.top(), self.gutter, rect.height()), QColor("#f3f3f3"))
            painter.fillRect(QRectF(rect.left(), top_left.y(), rect.width(), HEADER), QColor("#f3f3f3"))
            for h in range(FIRST_HOUR, LAST_HOUR + 1):
                painter.drawText(QPointF(self.gutter + (h - FIRST_HOUR) * 60 * self.minute + 3, top_left.y() + 18),
                                 f"{h:02d}:00")
            for i in range(first, last):
                painter.drawText(QRectF(top_left.x() + 6, HEADER + i * self.lane_size, self.gutter - 8, self.lane_size),
                                 Qt.AlignmentFlag.AlignVCenter, self.lanes[i].label)
