"""Everything the map needs, worked out away from the GUI thread.

Projecting 100,000 accounts, grouping them by colour and outlining each
territory takes seconds of Python; :func:`lay_out` does it on the replica
thread (``QPolygonF``/``QPointF`` are plain values, safe off the GUI thread),
so the view only adds a few prepared items.

Level of detail: besides every account (level 0) the layout keeps coarser
levels where the accounts of one colour that share a grid cell (2, 4, 8 …
scene units wide) are one dot in the cell's middle. Zoomed out, the map draws
the coarsest level whose cells are under a pixel on screen, so it looks the
same with far fewer dots. Every level's points are sorted by x, so a view
draws only the runs of points in the strip it shows.
"""

from __future__ import annotations

import math
import struct
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from PySide6.QtCore import QByteArray, QDataStream, QPointF, QRectF
from PySide6.QtGui import QPolygonF

from fieldcrm.services.territory import AccountMap

SCALE = 100.0  # scene units per degree of latitude
HULL_GRID = 0.5  # scene units: points this close count as one for the outline
CHUNK = 1024  # points per run of a PointSet
DETAIL_CELLS = (2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0)  # scene units, one level each


class Projection:
    """Equirectangular, longitude scaled by the cosine of the middle latitude."""

    def __init__(self, mid_lat: float):
        self.k = math.cos(math.radians(mid_lat))

    def to_scene(self, lat: float, lon: float) -> QPointF:
        return QPointF(lon * self.k * SCALE, -lat * SCALE)

    def to_geo(self, point: QPointF) -> tuple[float, float]:
        return -point.y() / SCALE, point.x() / (self.k * SCALE)


def polygon(pairs: list[tuple[float, float]]) -> QPolygonF:
    """A ``QPolygonF`` of ``pairs``, read from their bytes: seven times faster than
    making a ``QPointF`` per point (the layout streams 100,000s of them)."""
    flat = [v for pair in pairs for v in pair]
    raw = QByteArray(struct.pack(f">I{len(flat)}d", len(pairs), *flat))  # QDataStream's own layout
    points = QPolygonF()
    QDataStream(raw) >> points
    return points


class PointSet:
    """Points sorted by x in runs of ``CHUNK``: the strip a view shows is a few runs."""

    def __init__(self, pairs: list[tuple[float, float]]):
        pairs = sorted(pairs)
        self.count = len(pairs)
        runs = [pairs[i:i + CHUNK] for i in range(0, len(pairs), CHUNK)]
        self.chunks = [polygon(run) for run in runs]
        self.starts = [run[0][0] for run in runs]  # both ascending, as the points are sorted
        self.ends = [run[-1][0] for run in runs]

    def __len__(self) -> int:
        return self.count

    def between(self, x0: float, x1: float) -> list[QPolygonF]:
        """The runs that hold the points with x0 <= x <= x1 (and a few beside them)."""
        return self.chunks[bisect_left(self.ends, x0):bisect_right(self.starts, x1)]


@dataclass
class DetailLevel:
    cell: float  # scene units one dot stands for; 0: every account is its own dot
    groups: dict[int, PointSet]  # territory index -> its accounts
    big: PointSet  # the top tenth by open pipeline
    overdue: PointSet


@dataclass
class MapLayout:
    data: AccountMap
    projection: Projection
    xs: list[float]
    ys: list[float]
    levels: list[DetailLevel]  # every account first, then coarser and coarser
    by_x: list[int]  # account indexes in the order of their x
    bounds: QRectF
    outlines: dict[int, QPolygonF] = field(default_factory=dict)  # hulls
    centres: dict[int, QPointF] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)  # accounts per territory: whose name the map keeps

    def level_for(self, pixels_per_unit: float, cell_pixels: float = 1.0) -> DetailLevel:
        """The coarsest level whose cells are at most ``cell_pixels`` wide on screen."""
        chosen = self.levels[0]
        for level in self.levels[1:]:
            if level.cell * pixels_per_unit > cell_pixels:
                break
            chosen = level
        return chosen

    def indexes_between(self, x0: float, x1: float) -> list[int]:
        """Accounts with x0 <= x <= x1 (scene units)."""
        sorted_xs = self._sorted_xs
        return self.by_x[bisect_left(sorted_xs, x0):bisect_right(sorted_xs, x1)]

    @property
    def _sorted_xs(self) -> list[float]:
        if not hasattr(self, "_xs_cache"):
            self._xs_cache = [self.xs[i] for i in self.by_x]
        return self._xs_cache


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


def _coarser(pairs: list[tuple[float, float]], cell: float) -> list[tuple[float, float]]:
    """One point in the middle of each ``cell``-wide grid cell that holds any of ``pairs``."""
    cells = {(x // cell, y // cell) for x, y in pairs}
    return [((cx + 0.5) * cell, (cy + 0.5) * cell) for cx, cy in cells]


def detail_levels(groups: dict[int, list[tuple[float, float]]], big: list[tuple[float, float]],
                  overdue: list[tuple[float, float]]) -> list[DetailLevel]:
    """Every account, then each coarser level made from the one before (cells nest)."""
    levels = [DetailLevel(0.0, {t: PointSet(p) for t, p in groups.items()}, PointSet(big), PointSet(overdue))]
    for cell in DETAIL_CELLS:
        groups = {t: _coarser(p, cell) for t, p in groups.items()}
        big, overdue = _coarser(big, cell), _coarser(overdue, cell)
        levels.append(DetailLevel(cell, {t: PointSet(p) for t, p in groups.items()}, PointSet(big),
                                  PointSet(overdue)))
    return levels


def outline(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull of ``points``, made from the westmost and eastmost point of
    each ``HULL_GRID``-high row (off by less than a row from the exact hull)."""
    rows: dict[float, list[tuple[float, float]]] = {}
    for p in points:
        row = rows.get(p[1] // HULL_GRID)
        if row is None:
            rows[p[1] // HULL_GRID] = [p, p]
        elif p[0] < row[0][0]:
            row[0] = p
        elif p[0] > row[1][0]:
            row[1] = p
    return convex_hull([p for row in rows.values() for p in row])


def lay_out(data: AccountMap) -> MapLayout:
    lats = sorted(data.lats)
    projection = Projection(lats[len(lats) // 2] if lats else 0.0)
    k = projection.k * SCALE
    xs = [lon * k for lon in data.lons]
    ys = [-lat * SCALE for lat in data.lats]
    members: dict[int, list[tuple[float, float]]] = {}
    for t, x, y in zip(data.territory, xs, ys):
        members.setdefault(t, []).append((x, y))
    pipelines = sorted(v for v in data.pipeline if v > 0)
    threshold = pipelines[int(len(pipelines) * 0.9)] if pipelines else math.inf
    levels = detail_levels(members, [(x, y) for x, y, v in zip(xs, ys, data.pipeline) if v >= threshold],
                           [(x, y) for x, y, o in zip(xs, ys, data.overdue) if o])
    bounds = QRectF()
    if xs:
        bounds = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).adjusted(-5, -5, 5, 5)
    layout = MapLayout(data, projection, xs, ys, levels, sorted(range(len(xs)), key=xs.__getitem__), bounds)
    for t, points in members.items():
        if t < 0:
            continue
        hull = outline(points)
        if len(hull) >= 3:
            layout.outlines[t] = polygon(hull)
        layout.centres[t] = QPointF(sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points))
        layout.counts[t] = len(points)
    return layout
