"""Everything the map needs, worked out away from the GUI thread.

Projecting 100,000 accounts, grouping them by colour and outlining each
territory takes seconds of Python; :func:`lay_out` does it on the replica
thread (``QPolygonF``/``QPointF`` are plain values, safe off the GUI thread),
so the view only adds a few prepared items.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPolygonF

from fieldcrm.services.territory import AccountMap

SCALE = 100.0  # scene units per degree of latitude
HULL_GRID = 0.5  # scene units: points this close count as one for the outline


class Projection:
    """Equirectangular, longitude scaled by the cosine of the middle latitude."""

    def __init__(self, mid_lat: float):
        self.k = math.cos(math.radians(mid_lat))

    def to_scene(self, lat: float, lon: float) -> QPointF:
        return QPointF(lon * self.k * SCALE, -lat * SCALE)

    def to_geo(self, point: QPointF) -> tuple[float, float]:
        return -point.y() / SCALE, point.x() / (self.k * SCALE)


@dataclass
class MapLayout:
    data: AccountMap
    projection: Projection
    xs: list[float]
    ys: list[float]
    groups: dict[int, QPolygonF]  # territory index -> its accounts
    big: QPolygonF  # the top tenth by open pipeline
    overdue: QPolygonF
    bounds: QRectF
    outlines: dict[int, QPolygonF] = field(default_factory=dict)  # hulls
    centres: dict[int, QPointF] = field(default_factory=dict)


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain; the outline of a territory's accounts."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def lay_out(data: AccountMap) -> MapLayout:
    lats = sorted(data.lats)
    projection = Projection(lats[len(lats) // 2] if lats else 0.0)
    k = projection.k * SCALE
    xs = [lon * k for lon in data.lons]
    ys = [-lat * SCALE for lat in data.lats]
    members: dict[int, list[int]] = {}
    for i, t in enumerate(data.territory):
        members.setdefault(t, []).append(i)
    groups = {t: QPolygonF([QPointF(xs[i], ys[i]) for i in idx]) for t, idx in members.items()}
    pipelines = sorted(v for v in data.pipeline if v > 0)
    threshold = pipelines[int(len(pipelines) * 0.9)] if pipelines else math.inf
    big = QPolygonF([QPointF(xs[i], ys[i]) for i, v in enumerate(data.pipeline) if v >= threshold])
    overdue = QPolygonF([QPointF(xs[i], ys[i]) for i, o in enumerate(data.overdue) if o])
    bounds = QRectF()
    if xs:
        bounds = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).adjusted(-5, -5, 5, 5)
    layout = MapLayout(data, projection, xs, ys, groups, big, overdue, bounds)
    for t, idx in members.items():
        if t < 0:
            continue
        grid = {(round(xs[i] / HULL_GRID) * HULL_GRID, round(ys[i] / HULL_GRID) * HULL_GRID) for i in idx}
        hull = convex_hull(list(grid))
        if len(hull) >= 3:
            layout.outlines[t] = QPolygonF([QPointF(x, y) for x, y in hull])
        layout.centres[t] = QPointF(sum(xs[i] for i in idx) / len(idx), sum(ys[i] for i in idx) / len(idx))
    return layout
