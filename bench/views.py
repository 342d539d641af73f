"""How the pipeline board and the territory map open and move with a large book.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.views``

Prints one JSON line:

* ``pipeline``: 5,000 deals on the board (six stage columns, cards painted by
  a delegate): ``open_ms`` from handing the cards to the columns to the first
  painted screen (a pass of the event loop, then a repaint that lays out the
  columns and paints their cards; a repaint alone paints them without cards),
  and ``scroll_max_stall_ms`` while every column is scrolled top to bottom.
  Reference: one ``QListWidget`` holding the same 5,000 cards as text items,
  opened and scrolled the same way.
* ``map``: 100,000 accounts in 20 territories: ``prepare_off_gui_ms`` for
  projecting and outlining them (the replica thread's share in the app),
  ``open_ms`` from handing the prepared map to the view to the first painted
  screen,
  ``pan_zoom_max_stall_ms`` over a scripted zoom in, pan and zoom out.
  Reference: a plain ``QGraphicsScene`` with 100,000 ellipse items, opened,
  panned and zoomed the same way.

Each ``*_ms`` has a ``*_cpu_ms`` twin: the process's CPU time for the same
span (for a stall: the most CPU one step took), which the other programs on a
shared machine do not inflate the way they inflate the wall clock.

The data is made in memory (same shapes the services return), so the numbers
are the views' own; loading the same from a replica happens on the replica
thread and never blocks the window.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import time
from decimal import Decimal

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QPen  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication, QGraphicsScene, QGraphicsView, QHBoxLayout, QListWidget, QWidget,
)

from bench.ui_lists import StallMonitor  # noqa: E402
from fieldcrm.services.pipeline import Card, Column, add_amount  # noqa: E402
from fieldcrm.services.territory import AccountMap, TerritoryInfo  # noqa: E402
from fieldcrm.storage.sales import STAGE_PROBABILITY, STAGES  # noqa: E402
from fieldcrm.ui.pipeline.board import StageColumn  # noqa: E402
from fieldcrm.ui.territory.layout import lay_out  # noqa: E402
from fieldcrm.ui.territory.map_view import AccountMapView  # noqa: E402


def settle(app: QApplication, ms: float = 30) -> None:
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        app.processEvents()


def make_columns(deals: int, rnd: random.Random) -> list[Column]:
    columns = {s: Column(s) for s in STAGES}
    for i in range(deals):
        stage = rnd.choice(STAGES)
        amount = Decimal(rnd.randrange(500, 400_000))
        card = Card(f"o{i}", f"Deal {i:05d} – compressor upgrade", f"a{i}", f"Account {i % 997:03d} GmbH",
                    "u1", "Ann North", stage, amount, "USD", STAGE_PROBABILITY[stage],
                    dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randrange(365)), None)
        c = columns[stage]
        c.cards.append(card)
        add_amount(c.total, "USD", amount)
        add_amount(c.weighted, "USD", card.weighted)
    return list(columns.values())


class Clock:
    """Wall and CPU milliseconds of a span."""

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall_ms = (time.perf_counter() - self._wall) * 1000
        self.cpu_ms = (time.process_time() - self._cpu) * 1000


def scroll_all(app, views) -> tuple[float, float]:
    """(longest stall, most CPU of one step), both in ms."""
    worst_cpu = 0.0
    with StallMonitor() as monitor:
        for view in views:
            bar = view.verticalScrollBar()
            steps = 40
            for k in range(steps + 1):
                with Clock() as step:
                    bar.setValue(bar.maximum() * k // steps)
                    app.processEvents()
                worst_cpu = max(worst_cpu, step.cpu_ms)
    return monitor.max_gap_ms, worst_cpu


def bench_pipeline(app, deals: int) -> dict:
    rnd = random.Random(3)
    columns = make_columns(deals, rnd)
    window = QWidget()
    row = QHBoxLayout(window)
    stage_columns = [StageColumn(c.stage) for c in columns]
    for sc in stage_columns:
        row.addWidget(sc)
    window.resize(1400, 800)
    window.show()
    settle(app)
    with Clock() as opening:
        for sc, c in zip(stage_columns, columns):
            sc.show_column(c)
        app.processEvents()
        window.repaint()
    stall, stall_cpu = scroll_all(app, [sc.cards for sc in stage_columns])
    window.close()

    ref = QListWidget()
    ref.resize(1400, 800)
    ref.show()
    settle(app)
    cards = [card for c in columns for card in c.cards]
    with Clock() as ref_opening:
        ref.addItems([f"{c.name}\n{c.account_name} · {c.owner_name}\nUSD {c.amount} · {c.probability} %"
                      for c in cards])
        app.processEvents()
        ref.repaint()
    ref_stall, ref_stall_cpu = scroll_all(app, [ref])
    ref.close()
    return {"deals": deals, **_times(opening, stall, stall_cpu, "scroll"),
            "reference_list_widget": _times(ref_opening, ref_stall, ref_stall_cpu, "scroll")}


def _times(opening: Clock, stall: float, stall_cpu: float, moving: str) -> dict:
    return {"open_ms": round(opening.wall_ms, 1), "open_cpu_ms": round(opening.cpu_ms, 1),
            f"{moving}_max_stall_ms": round(stall, 1), f"{moving}_max_step_cpu_ms": round(stall_cpu, 1)}


def make_map(accounts: int, rnd: random.Random) -> AccountMap:
    data = AccountMap()
    centres = [(rnd.uniform(30, 55), rnd.uniform(-10, 30)) for _ in range(20)]
    data.territories = [TerritoryInfo(f"t{i}", f"T{i:02d}", f"Territory {i}", None) for i in range(20)]
    for i in range(accounts):
        t = i % 20
        lat, lon = centres[t]
        data.ids.append(f"a{i}")
        data.names.append(f"Account {i}")
        data.lats.append(lat + rnd.gauss(0, 0.4))
        data.lons.append(lon + rnd.gauss(0, 0.6))
        data.territory.append(t)
        data.pipeline.append(rnd.random() * 100_000 if rnd.random() < 0.3 else 0.0)
        data.overdue.append(rnd.random() < 0.2)
    return data


def pan_zoom(app, view: QGraphicsView) -> tuple[float, float]:
    """Zoom in on one spot in 12 steps, pan across in 20, zoom back out:
    (longest stall, most CPU of one step), both in ms."""
    centre = view.mapToScene(view.viewport().rect().center())
    moves = [lambda: (view.scale(1.3, 1.3), view.centerOn(centre))] * 12
    moves += [lambda k=k: view.centerOn(centre + QPointF(k * 40, k * 10) / view.transform().m11())
              for k in range(20)]
    moves += [lambda: view.scale(1 / 1.3, 1 / 1.3)] * 12
    worst_cpu = 0.0
    with StallMonitor() as monitor:
        for move in moves:
            with Clock() as step:
                move()
                view.viewport().repaint()
                app.processEvents()
            worst_cpu = max(worst_cpu, step.cpu_ms)
    return monitor.max_gap_ms, worst_cpu


def bench_map(app, accounts: int) -> dict:
    data = make_map(accounts, random.Random(5))
    with Clock() as prepare:
        layout = lay_out(data)  # on the replica thread in the app
    view = AccountMapView()
    view.resize(1200, 800)
    view.show()
    settle(app)
    with Clock() as opening:
        view.show_accounts(layout)
        view.viewport().repaint()
    stall, stall_cpu = pan_zoom(app, view)
    view.close()

    scene = QGraphicsScene()
    ref = QGraphicsView(scene)
    ref.resize(1200, 800)
    ref.show()
    settle(app)
    k = math.cos(math.radians(42))
    pen, brush = QPen(QColor("#1f77b4")), QBrush(QColor("#1f77b4"))
    with Clock() as ref_opening:
        for lat, lon in zip(data.lats, data.lons):
            scene.addEllipse(lon * k * 100 - 1, -lat * 100 - 1, 2, 2, pen, brush)
        ref.fitInView(scene.itemsBoundingRect())
        ref.viewport().repaint()
    ref_stall, ref_stall_cpu = pan_zoom(app, ref)
    ref.close()
    return {"accounts": accounts, "prepare_off_gui_ms": round(prepare.wall_ms, 1),
            "prepare_off_gui_cpu_ms": round(prepare.cpu_ms, 1), **_times(opening, stall, stall_cpu, "pan_zoom"),
            "reference_graphics_scene": _times(ref_opening, ref_stall, ref_stall_cpu, "pan_zoom")}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=5000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print one JSON line (what it always prints)")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    result = {"bench": "views", "pipeline": bench_pipeline(app, args.deals), "map": bench_map(app, args.accounts)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
