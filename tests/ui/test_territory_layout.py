"""What the map draws for a large book stands for every account: each level of
detail has a dot of the account's colour within one cell of it, and the strip a
view asks for holds every account in it."""

import math
import random

from fieldcrm.services.territory import AccountMap, TerritoryInfo
from fieldcrm.ui.territory.layout import lay_out


def book(n: int = 5000) -> AccountMap:
    rnd = random.Random(11)
    data = AccountMap()
    data.territories = [TerritoryInfo(f"t{i}", f"T{i}", f"Territory {i}", None) for i in range(4)]
    for i in range(n):
        data.ids.append(f"a{i}")
        data.names.append(f"Account {i}")
        data.lats.append(48 + rnd.gauss(0, 0.8))
        data.lons.append(11 + rnd.gauss(0, 1.2))
        data.territory.append(i % 4)
        data.pipeline.append(rnd.random() * 1000 if rnd.random() < 0.3 else 0.0)
        data.overdue.append(rnd.random() < 0.2)
    return data


def dots(point_set):
    return [(p.x(), p.y()) for run in point_set.chunks for p in run]


def test_every_level_has_a_dot_of_each_accounts_colour_within_a_cell_of_it():
    layout = lay_out(book())
    members = {t: [(x, y) for x, y, tt in zip(layout.xs, layout.ys, layout.data.territory) if tt == t]
               for t in range(4)}
    assert sorted(dots(layout.levels[0].groups[0])) == sorted(members[0])  # level 0: every account
    for level in layout.levels[1:]:
        reach = level.cell / 2 * math.sqrt(2) + 1e-9
        for t, points in members.items():
            near = {(x // level.cell, y // level.cell) for x, y in dots(level.groups[t])}
            assert all((x // level.cell, y // level.cell) in near for x, y in points)
            centres = dots(level.groups[t])
            assert len(centres) <= len(points)
            sample = points[:: max(1, len(points) // 50)]
            assert all(min(math.dist(p, c) for c in centres) <= reach for p in sample)


def test_the_strip_a_view_shows_holds_every_account_in_it_and_the_zoom_picks_a_level():
    layout = lay_out(book(40_000))  # 10,000 accounts a territory: ten runs of points each
    xs = sorted(layout.xs)
    x0, x1 = xs[len(xs) // 3], xs[len(xs) // 2]
    level = layout.levels[0]
    shown = [x for t in level.groups.values() for run in t.between(x0, x1) for x in (p.x() for p in run)]
    inside = [x for x in layout.xs if x0 <= x <= x1]
    assert sorted(x for x in shown if x0 <= x <= x1) == sorted(inside)
    assert len(shown) < len(layout.xs) * 0.5  # the rest of the book is not drawn
    assert layout.level_for(4.0, 2.0) is layout.levels[0]  # zoomed in: every account
    assert layout.level_for(0.01, 2.0).cell == 128.0  # far out: the coarsest cells
    assert sorted(layout.indexes_between(x0, x1)) == sorted(i for i, x in enumerate(layout.xs) if x0 <= x <= x1)
