"""An offline map of accounts: a graticule, territory outlines and one dot per account.

No tiles and no basemap: positions are projected equirectangularly (longitude
scaled by the cosine of the data's middle latitude), so distances look right
at territory scale. All accounts are painted by one item from prepared point
lists, one per colour, so 100,000 accounts cost a few ``drawPoints`` calls;
zoomed out it draws a coarser level of the layout (one dot per colour and
on-screen pixel), zoomed in only the strip of points the view shows.
Territory names sit beside their territory's middle and never on each other:
each takes the first free place right, left, above or below it, and at a zoom
where none is free the territory with fewer accounts goes without its name.
Zoom with the wheel or +/-, pan by dragging or with the arrow keys, select
with Shift+drag.
"""

from __future__ import annotations

import math
from typing import Iterator, Optional, Sequence

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem, QGraphicsScene, QGraphicsView, QMenu, QRubberBand,
    QStyleOptionGraphicsItem,
)

from fieldcrm.services.territory import AccountMap
from fieldcrm.ui.territory.layout import MapLayout, Projection, lay_out
from fieldcrm.ui.territory.route_layer import RouteStop, add_route

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d")


DOT_CELL = 0.8  # a dot may stand for the accounts in a cell up to 0.8 of its width on screen
NAME_GAP = 6.0  # pixels between a territory's middle and its name
MIDDLE_ROOM = 4.0  # pixels around another territory's middle that a name leaves free when it can
GRID = 64.0  # pixels: cells of the lookup of names already placed
NAME_PATCH = QColor(255, 255, 255, 200)  # under a territory's name, so it reads on its dots


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


Box = tuple[float, float, float, float]  # left, top, right, bottom in pixels


class _Boxes:
    """Boxes on screen, looked up by the grid cells they touch: a name is checked
    against its neighbours only, so a book with hundreds of territories stays cheap."""

    def __init__(self):
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _cells(self, box: Box) -> Iterator[tuple[int, int]]:
        for cx in range(math.floor(box[0] / GRID), math.floor(box[2] / GRID) + 1):
            for cy in range(math.floor(box[1] / GRID), math.floor(box[3] / GRID) + 1):
                yield cx, cy

    def add(self, box: Box) -> None:
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append(box)

    def overlaps(self, box: Box) -> bool:
        left, top, right, bottom = box
        return any(left < o[2] and o[0] < right and top < o[3] and o[1] < bottom
                   for cell in self._cells(box) for o in self.cells.get(cell, ()))


def place_names(anchors: Sequence[tuple[float, float]], sizes: Sequence[tuple[float, float]],
                view: Optional[QRectF] = None, gap: float = NAME_GAP) -> list[Optional[QRectF]]:
    """Where each name goes on screen (pixels), the names in order of importance:
    the first of right of, left of, above and below its anchor that overlaps no
    name placed before it, preferring one inside ``view`` and then one that leaves
    the other anchors free; ``None`` when every place is taken (the name is left
    out at this zoom)."""
    names, middles = _Boxes(), _Boxes()
    for x, y in anchors:
        middles.add((x - MIDDLE_ROOM, y - MIDDLE_ROOM, x + MIDDLE_ROOM, y + MIDDLE_ROOM))
    edges = (view.left(), view.top(), view.right(), view.bottom()) if view is not None else None

    def rank(box: Box) -> int:  # 0 is best
        outside = edges is not None and not (edges[0] <= box[0] and edges[1] <= box[1]
                                             and box[2] <= edges[2] and box[3] <= edges[3])
        return 2 * outside + middles.overlaps(box)

    placed: list[Optional[QRectF]] = []
    for (x, y), (w, h) in zip(anchors, sizes):
        free = [box for box in ((x + gap, y - h / 2, x + gap + w, y + h / 2),  # right
                                (x - gap - w, y - h / 2, x - gap, y + h / 2),  # left
                                (x - w / 2, y - gap - h, x + w / 2, y - gap),  # above
                                (x - w / 2, y + gap, x + w / 2, y + gap + h))  # below
                if not names.overlaps(box)]
        if not free:
            placed.append(None)
            continue
        box = min(free, key=rank)  # the first of the best
        names.add(box)
        placed.append(QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1]))
    return placed


class TerritoryNames(QGraphicsItem):
    """Each territory's name in its colour beside the territory's middle, placed by
    :func:`place_names` for what the view shows, the territories with more accounts
    first. ``shown`` is what the last paint drew: (name, rectangle in view pixels)."""

    def __init__(self, layout: MapLayout, bounds: QRectF):
        super().__init__()
        self.font = QFont()
        self.font.setBold(True)
        metrics = QFontMetricsF(self.font)
        order = sorted(layout.centres, key=lambda t: (-layout.counts.get(t, 0), layout.data.territories[t].name))
        self.names = [layout.data.territories[t].name for t in order]
        self.colours = [territory_colour(t).darker(150) for t in order]
        self.middles = [layout.centres[t] for t in order]
        # Each name on a light patch, a pixel apart from the next (the box is the patch and that pixel).
        self.sizes = [(metrics.horizontalAdvance(name) + 10, metrics.height() + 2) for name in self.names]
        widest = max((w for w, _ in self.sizes), default=0.0)
        self.room = (widest / 2 + NAME_GAP, metrics.height() + NAME_GAP)  # how far a name above or below reaches
        self._bounds = bounds  # the scene rect: names near the data never reach past it
        self._placed_for: Optional[tuple] = None  # the view's transform and size the places were found for
        self._offsets: list[Optional[QPointF]] = []  # from the middle to the name's corner, pixels
        self.shown: list[tuple[str, QRectF]] = []
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(2)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        to_view = painter.worldTransform()
        anchors = [to_view.map(m) for m in self.middles]
        view = QRectF(widget.rect()) if widget is not None else None
        placed_for = (to_view.m11(), to_view.m22(), to_view.dx(), to_view.dy(), view)
        if placed_for != self._placed_for:
            offsets = [None if r is None else r.topLeft() - a for r, a in
                       zip(place_names([(a.x(), a.y()) for a in anchors], self.sizes, view), anchors)]
            panned = self._placed_for is not None and self._placed_for[:2] == placed_for[:2]
            if panned and offsets != self._offsets:
                self.update()  # the view scrolled its old pixels, names included: draw them all anew
            self._placed_for, self._offsets = placed_for, offsets
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font)
        self.shown = []
        for name, colour, (w, h), anchor, offset in zip(self.names, self.colours, self.sizes, anchors,
                                                        self._offsets):
            if offset is not None:
                rect = QRectF(anchor + offset, QSizeF(w, h)).adjusted(1, 1, -1, -1)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(NAME_PATCH)
                painter.drawRoundedRect(rect, 3, 3)
                painter.setPen(colour)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, name)
                self.shown.append((name, rect))
        painter.restore()


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
        self.names: Optional[TerritoryNames] = None
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
            self.layer = self.names = None
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
        self.names = TerritoryNames(layout, scene.sceneRect())
        scene.addItem(self.names)
        self.setScene(scene)
        if fit:
            self._navigated = False
            self.fit_all()
        self.show_route(*self._route_data, fit=False)

    def _add_outlines(self, scene: QGraphicsScene, layout: MapLayout) -> None:
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

    def zoom_to(self, rect: QRectF) -> None:
        self._navigated = True
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def fit_all(self) -> None:
        if self.layer is None:
            return
        b = self.layer.boundingRect()
        b = b.adjusted(-b.width() * 0.06, -b.height() * 0.06, b.width() * 0.06, b.height() * 0.06)
        self.fitInView(b, Qt.AspectRatioMode.KeepAspectRatio)
        if self.names is not None:  # room at the edges for a name above or below its place
            w, h = self.names.room
            w, h = min(w, self.viewport().width() / 4), min(h, self.viewport().height() / 4)
            for _ in range(2):  # the margin shrinks the zoom a little: fit once more with the new one
                scale = self.transform().m11()
                self.fitInView(b.adjusted(-w / scale, -h / scale, w / scale, h / scale),
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
