"""An offline map of accounts: a graticule, territory outlines and one dot per account.

No tiles and no basemap: positions are projected equirectangularly (longitude
scaled by the cosine of the data's middle latitude), so distances look right
at territory scale. All accounts are painted by one item from prepared point
lists, one per colour, so 100,000 accounts cost a few ``drawPoints`` calls;
zoomed out it draws a coarser level of the layout (one dot per colour and
on-screen pixel), zoomed in only the strip of points the view shows.
Zoom with the wheel or +/-, pan by dragging or with the arrow keys, select
with Shift+drag.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem, QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView, QMenu, QRubberBand,
    QStyleOptionGraphicsItem,
)

from fieldcrm.services.territory import AccountMap
from fieldcrm.ui.territory.layout import MapLayout, Projection, lay_out
from fieldcrm.ui.territory.route_layer import RouteStop, add_route

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d")


DOT_CELL = 0.8  # a dot may stand for the accounts in a cell up to 0.8 of its width on screen


def territory_colour(index: int) -> QColor:
    return QColor("#9aa0a6") if index < 0 else QColor(PALETTE[index % len(PALETTE)])


def _dot(colour: QColor, pixels: float) -> QPen:
    pen = QPen(colour, pixels, Qt.PenStyle.SolidLine, Qt.PenCapStyle.SquareCap)  # squares paint far faster
    pen.setCosmetic(True)
    return pen


class AccountLayer(QGraphicsItem):
    """Every account as a dot in its territory's colour; big open pipeline with a
    dark halo, an overdue visit with a red one, the selection highlighted."""

    def __init__(self, layout: MapLayout):
        super().__init__()
        self.layout = layout
        self.data = layout.data
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)  # a true exposedRect
        self.selected_poly = QPolygonF()
        self.selected: set[int] = set()
        self._bounds = layout.bounds

    def boundingRect(self) -> QRectF:
        return self._bounds

    def set_selected(self, indexes: set[int]) -> None:
        self.selected = indexes
        xs, ys = self.layout.xs, self.layout.ys
        self.selected_poly = QPolygonF([QPointF(xs[i], ys[i]) for i in sorted(indexes)])
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        size = max(3.0, min(8.0, 2.0 + math.log2(max(lod, 1.0))))  # pixels: larger as one zooms in
        reach = size * 2.4 / lod  # scene units: a dot just outside still shows its halo
        x0, x1 = option.exposedRect.left() - reach, option.exposedRect.right() + reach
        layout = self.layout
        # Each layer from the coarsest level whose cells are well under its dot on screen.
        layers = [(QColor("#d62728"), size * 2.0, lambda level: level.overdue),
                  (QColor(20, 20, 20, 190), size * 1.6, lambda level: level.big)]
        layers += [(territory_colour(index), size, lambda level, index=index: level.groups[index])
                   for index in layout.levels[0].groups]
        for colour, pixels, points_of in layers:
            runs = points_of(layout.level_for(lod, DOT_CELL * pixels)).between(x0, x1)
            if runs:
                painter.setPen(_dot(colour, pixels))
                for run in runs:
                    painter.drawPoints(run)
        if not self.selected_poly.isEmpty():
            painter.setPen(_dot(QColor("#ffd400"), size * 2.4))
            painter.drawPoints(self.selected_poly)
            painter.setPen(_dot(QColor("#111111"), size * 0.8))
            painter.drawPoints(self.selected_poly)

    def indexes_in(self, rect: QRectF) -> set[int]:
        y0, y1, ys = rect.top(), rect.bottom(), self.layout.ys
        return {i for i in self.layout.indexes_between(rect.left(), rect.right()) if y0 <= ys[i] <= y1}


class AccountMapView(QGraphicsView):
    """``selection_changed(account_ids)`` when the person selects with Shift+drag;
    ``home_requested(lat, lon)`` when they pick "Set my home base here" from the
    context menu (right click, or the menu key for the middle of the view)."""

    selection_changed = Signal(list)
    home_requested = Signal(float, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("account-map")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setBackgroundBrush(QColor("#f4f1ea"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(self.tr("Account map"))
        self.layer: Optional[AccountLayer] = None
        self.projection = Projection(0)
        self._band: Optional[QRubberBand] = None
        self._band_origin = None
        self._route: list[QGraphicsItem] = []
        self._route_data: tuple[list[RouteStop], Optional[RouteStop]] = ([], None)
        self._navigated = False

    # -- content -----------------------------------------------------------
    def show_accounts(self, data: AccountMap | MapLayout, *, fit: bool = True) -> None:
        """Show accounts; pass a :class:`MapLayout` made off the GUI thread for a large book."""
        layout = data if isinstance(data, MapLayout) else lay_out(data)
        # A new scene filled before the view shows it: items added to a shown scene
        # are repainted once more by the event loop after the first paint.
        self.scene().deleteLater()
        scene = QGraphicsScene(self)
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # a few dozen items
        self._route = []
        if not len(layout.data):
            self.layer = None
            self.setScene(scene)
            self.show_route(*self._route_data, fit=False)
            return
        self.projection = layout.projection
        self.layer = AccountLayer(layout)
        self._add_outlines(scene, layout)
        scene.addItem(self.layer)
        bounds = self.layer.boundingRect()
        room = max(bounds.width(), bounds.height(), 100.0)
        scene.setSceneRect(bounds.adjusted(-room, -room, room, room))  # room to pan past the edges
        self.setScene(scene)
        if fit:
            self._navigated = False
            self.fit_all()
        self.show_route(*self._route_data, fit=False)

    def _add_outlines(self, scene: QGraphicsScene, layout: MapLayout) -> None:
        font = QFont()
        font.setBold(True)
        for t, hull in layout.outlines.items():
            colour = territory_colour(t)
            fill = QColor(colour)
            fill.setAlpha(28)
            pen = QPen(colour, 1.5)
            pen.setCosmetic(True)
            path = QPainterPath()
            path.addPolygon(hull)
            path.closeSubpath()
            scene.addPath(path, pen, QBrush(fill)).setZValue(-1)
        for t, centre in layout.centres.items():
            label = QGraphicsSimpleTextItem(layout.data.territories[t].name)
            label.setFont(font)
            label.setBrush(territory_colour(t).darker(150))
            label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            label.setPos(centre)
            label.setZValue(2)
            scene.addItem(label)

    def zoom_to(self, rect: QRectF) -> None:
        self._navigated = True
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def fit_all(self) -> None:
        if self.layer is not None:
            b = self.layer.boundingRect()
            self.fitInView(b.adjusted(-b.width() * 0.06, -b.height() * 0.06, b.width() * 0.06, b.height() * 0.06),
                           Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self._navigated:
            self.fit_all()

    def show_route(self, stops: Sequence[RouteStop], home: Optional[RouteStop] = None, *,
                   fit: bool = True) -> None:
        """Draw a day's route: numbered stops joined in driving order, out from
        ``home`` and back when given; ``fit`` zooms to it. The route stays
        through :meth:`show_accounts` until it is replaced (no stops: removed)."""
        for item in self._route:
            self.scene().removeItem(item)
        self._route_data = (list(stops), home)
        self._route = []
        if not stops and home is None:
            return
        if self.layer is None:
            lats = sorted(s.lat for s in stops) or [home.lat]
            self.projection = Projection(lats[len(lats) // 2])
        self._route, bounds = add_route(self.scene(), self.projection, stops, home)
        if self.layer is None:
            self.scene().setSceneRect(bounds.adjusted(-50, -50, 50, 50))
        if fit and stops:
            self._navigated = True
            room = max(bounds.width(), bounds.height()) * 0.15 + 5  # the badges stick out
            self.fitInView(bounds.adjusted(-room, -room, room, room), Qt.AspectRatioMode.KeepAspectRatio)

    def select_in(self, scene_rect: QRectF) -> list[str]:
        if self.layer is None:
            return []
        indexes = self.layer.indexes_in(scene_rect)
        self.layer.set_selected(indexes)
        ids = [self.layer.data.ids[i] for i in sorted(indexes)]
        self.selection_changed.emit(ids)
        return ids

    def select_ids(self, ids: set[str]) -> None:
        if self.layer is not None:
            self.layer.set_selected({i for i, a in enumerate(self.layer.data.ids) if a in ids})
            self.selection_changed.emit([a for a in self.layer.data.ids if a in ids])

    # -- navigation ----------------------------------------------------------
    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        self._navigated = True
        if 1e-3 < current * factor < 5e3:
            self.scale(factor, factor)

    def wheelEvent(self, event) -> None:
        self.zoom(1.25 if event.angleDelta().y() > 0 else 0.8)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom(0.8)
        elif key == Qt.Key.Key_0:
            self._navigated = False
            self.fit_all()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and event.button() == Qt.MouseButton.LeftButton:
            self._band_origin = event.position().toPoint()
            self._band = self._band or QRubberBand(QRubberBand.Shape.Rectangle, self.viewport())
            self._band.setGeometry(QRect(self._band_origin, QSize()))
            self._band.show()
            return
        self._navigated = True
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._band_origin is not None:
            self._band.setGeometry(QRect(self._band_origin, event.position().toPoint()).normalized())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._band_origin is not None:
            rect = QRect(self._band_origin, event.position().toPoint()).normalized()
            self._band.hide()
            self._band_origin = None
            self.select_in(self.mapToScene(rect).boundingRect())
            return
        super().mouseReleaseEvent(event)

    def contextMenuEvent(self, event) -> None:
        keyboard = event.reason() == event.Reason.Keyboard
        spot = self.viewport().rect().center() if keyboard else event.pos()  # viewport coordinates
        lat, lon = self.projection.to_geo(self.mapToScene(spot))
        menu = QMenu(self, objectName="map-menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self.tr("Set my &home base here"), lambda: self.home_requested.emit(lat, lon))
        menu.popup(self.viewport().mapToGlobal(spot))

    # -- graticule -----------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawBackground(painter, rect)
        lat_top, lon_left = self.projection.to_geo(rect.topLeft())
        lat_bottom, lon_right = self.projection.to_geo(rect.bottomRight())
        span = max(abs(lat_top - lat_bottom), abs(lon_right - lon_left), 1e-6)
        step = _nice_step(span / 6)
        pen = QPen(QColor("#d8d2c4"), 1)
        pen.setCosmetic(True)
        painter.setPen(pen)
        lat = max(-90.0, math.floor(lat_bottom / step) * step)
        while lat <= min(90.0, lat_top + step):
            y = self.projection.to_scene(lat, 0).y()
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            lat += step
        lon = math.floor(lon_left / step) * step
        while lon <= lon_right + step:
            x = self.projection.to_scene(0, lon).x()
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            lon += step
        self._grid = (step, lat_bottom, lat_top, lon_left, lon_right)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        grid = getattr(self, "_grid", None)
        if not grid:
            return
        step, lat_bottom, lat_top, lon_left, lon_right = grid
        painter.save()
        painter.resetTransform()
        painter.setPen(QColor("#8a8170"))
        decimals = max(0, -int(math.floor(math.log10(step)))) if step < 1 else 0
        lat = max(-90.0, math.floor(lat_bottom / step) * step)
        while lat <= min(90.0, lat_top):
            y = self.mapFromScene(self.projection.to_scene(lat, 0)).y()
            painter.drawText(4, y - 2, f"{abs(lat):.{decimals}f}°{'N' if lat >= 0 else 'S'}")
            lat += step
        lon = math.floor(lon_left / step) * step
        while lon <= lon_right:
            x = self.mapFromScene(self.projection.to_scene(0, lon)).x()
            painter.drawText(x + 3, self.viewport().height() - 4, f"{abs(lon):.{decimals}f}°{'E' if lon >= 0 else 'W'}")
            lon += step
        painter.restore()


def _nice_step(raw: float) -> float:
    exponent = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10 ** exponent >= raw:
            return m * 10 ** exponent
    return 10 ** (exponent + 1)
