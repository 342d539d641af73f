"""A day's route on the map: the stops joined in driving order, each with its
number, from the home base and back to it when the user has one.

The line is in scene units; the badges ignore the view's zoom, so a number
stays readable however far out the map is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene

from fieldcrm.ui.territory.layout import Projection

ROUTE_COLOUR = QColor("#0b5394")
HOME_COLOUR = QColor("#2e7d32")
RADIUS = 9.0  # pixels


@dataclass(frozen=True)
class RouteStop:
    lat: float
    lon: float
    name: str


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    font.setPixelSize(11)
    return font


class StopBadge(QGraphicsItem):
    """A numbered disc (a green square marked H for the home base); its name is a
    :class:`PlaceName` beside it, drawn under every disc so no number is hidden."""

    def __init__(self, mark: str, name: str, colour: QColor, *, square: bool = False):
        super().__init__()
        self.mark, self.name, self.colour, self.square = mark, name, colour, square
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(5 if square else 4)
        self.setToolTip(f"{mark} {name}".strip())

    def boundingRect(self) -> QRectF:
        return QRectF(-RADIUS - 1, -RADIUS - 1, 2 * RADIUS + 2, 2 * RADIUS + 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(_bold())
        disc = QRectF(-RADIUS, -RADIUS, 2 * RADIUS, 2 * RADIUS)
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(self.colour)
        if self.square:
            painter.drawRoundedRect(disc, 3, 3)
        else:
            painter.drawEllipse(disc)
        painter.setPen(QColor("white"))
        painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, self.mark)


class PlaceName(QGraphicsItem):
    """A stop's name on a light patch, right of its badge."""

    def __init__(self, name: str, colour: QColor):
        super().__init__()
        self.name, self.colour = name, colour
        self.width = QFontMetricsF(_bold()).horizontalAdvance(name) + 8
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(3)

    def boundingRect(self) -> QRectF:
        return QRectF(RADIUS + 2, -8, self.width, 16)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        room = self.boundingRect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 215))
        painter.drawRoundedRect(room, 3, 3)
        painter.setFont(_bold())
        painter.setPen(self.colour.darker(130))
        painter.drawText(room.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, self.name)


def add_route(scene: QGraphicsScene, projection: Projection, stops: Sequence[RouteStop],
              home: Optional[RouteStop] = None) -> tuple[list[QGraphicsItem], QRectF]:
    """Add the route's items to ``scene`` (the home base alone when there are no
    stops): (the items, the scene rect they cover)."""
    points = [projection.to_scene(s.lat, s.lon) for s in stops]
    items: list[QGraphicsItem] = []
    covered = QRectF()
    if points:
        line = QPainterPath(points[0])
        for p in points[1:]:
            line.lineTo(p)
        items.append(_path(line, Qt.PenStyle.SolidLine))
        covered = line.boundingRect()
    if home is not None:
        base = projection.to_scene(home.lat, home.lon)
        if points:
            legs = QPainterPath(base)
            legs.lineTo(points[0])
            legs.moveTo(points[-1])
            legs.lineTo(base)
            items.append(_path(legs, Qt.PenStyle.DashLine))  # the drives out and back
        spot = QRectF(base.x() - 0.5, base.y() - 0.5, 1.0, 1.0)  # united() skips an empty rect
        covered = covered.united(spot) if points else spot
        name = home.name or QCoreApplication.translate("RouteLayer", "Home base")
        mark = QCoreApplication.translate("RouteLayer", "H", "home base on the map")
        items += _marked(base, StopBadge(mark, name, HOME_COLOUR, square=True), name, HOME_COLOUR)
    for n, (p, stop) in enumerate(zip(points, stops), start=1):
        items += _marked(p, StopBadge(str(n), stop.name, ROUTE_COLOUR), stop.name, ROUTE_COLOUR)
    for item in items:
        scene.addItem(item)
    return items, covered


def _marked(spot: QPointF, badge: StopBadge, name: str, colour: QColor) -> list[QGraphicsItem]:
    items: list[QGraphicsItem] = [badge]
    if name:
        items.append(PlaceName(name, colour))
    for item in items:
        item.setPos(spot)
    return items


def _path(path: QPainterPath, style: Qt.PenStyle) -> QGraphicsPathItem:
    pen = QPen(ROUTE_COLOUR, 3, style, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    pen.setCosmetic(True)
    item = QGraphicsPathItem(path)
    item.setPen(pen)
    item.setBrush(QBrush(Qt.BrushStyle.NoBrush))
    item.setZValue(2.5)
    return item
