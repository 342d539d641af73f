"""How a 100,000-row list opens, scrolls and sorts: lazy model vs. all-in-memory.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.ui_lists [--rows N] --json``

Prints one JSON line. For each model: ``open_ms`` (from creating the model
to the first screen of real rows), ``scroll_max_stall_ms`` (the longest the
event loop was blocked while scrolling top to bottom), ``sort_ms`` and
``sort_max_stall_ms`` (click on a column until the first screen is sorted).
The rows live in an in-memory SQLite table, fetched the way the replica is:
ids first, then pages by ``WHERE id IN (...)``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import time
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import PySide6  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView  # noqa: E402

from fieldcrm.ui.lazy_table import RIGHT, Column, LazyTableModel, ListQuery, configure_view  # noqa: E402
from fieldcrm.ui.runner import TaskRunner  # noqa: E402

FIELDS = ("name", "city", "owner", "revenue")
CITIES = ("Lyon", "Porto", "Graz", "Turku", "Gent", "Brno", "Cork", "Basel", "Split")
COLUMNS = [
    Column("name", "Name", 240),
    Column("city", "City", 120),
    Column("owner", "Owner", 140),
    Column("revenue", "Revenue", 110, RIGHT, lambda v: f"{v:,.2f}"),
]


def make_replica(rows: int) -> sqlite3.Connection:
    """An in-memory account table shaped like the replica's."""
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute(
        "CREATE TABLE account (id TEXT PRIMARY KEY, name TEXT, city TEXT, owner TEXT, revenue REAL)"
    )
    rnd = random.Random(6)
    db.executemany(
        "INSERT INTO account VALUES (?, ?, ?, ?, ?)",
        (
            (
                f"{rnd.getrandbits(128):032x}",
                f"{rnd.choice(('Nord', 'Alpen', 'Rio', 'Baltic', 'Delta'))} {i:06d} GmbH",
                rnd.choice(CITIES),
                f"rep{rnd.randrange(40):02d}",
                round(rnd.uniform(0, 2_000_000), 2),
            )
            for i in range(rows)
        ),
    )
    db.execute("CREATE INDEX account_name ON account (name)")
    db.commit()
    return db


class AccountLists:
    """The two callables the accounts service gives the lazy model."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def fetch_ids(self, query: ListQuery) -> list[str]:
        key = query.sort_key if query.sort_key in FIELDS else "name"
        direction = "DESC" if query.descending else "ASC"
        sql = f"SELECT id FROM account ORDER BY {key} {direction}, id"
        return [row[0] for row in self.db.execute(sql)]

    def fetch_rows(self, ids: list[str]) -> dict[str, dict]:
        marks = ",".join("?" * len(ids))
        sql = f"SELECT id, {', '.join(FIELDS)} FROM account WHERE id IN ({marks})"
        return {row[0]: dict(zip(FIELDS, row[1:])) for row in self.db.execute(sql, ids)}


class StallMonitor:
    """Measures the longest gap between ticks of a 1 ms timer (``max_gap_ms``)
    and the most CPU the GUI thread itself spent within one gap
    (``max_gap_cpu_ms``): on a loaded machine a wall gap may be time spent
    waiting for a core, the CPU figure is work that blocked the event loop."""

    def __init__(self) -> None:
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._tick)
        self._last = self._last_cpu = 0.0
        self.max_gap_ms = self.max_gap_cpu_ms = 0.0

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.max_gap_ms = max(self.max_gap_ms, (now - self._last) * 1000)
        self.max_gap_cpu_ms = max(self.max_gap_cpu_ms, (cpu - self._last_cpu) * 1000)
        self._last, self._last_cpu = now, cpu

    def __enter__(self) -> StallMonitor:
        self.max_gap_ms = self.max_gap_cpu_ms = 0.0
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._tick()
        self._timer.stop()


def run_until(done: Callable[[], bool], timeout_s: float = 60.0) -> None:
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(1)
    deadline = time.perf_counter() + timeout_s

    def check() -> None:
        if done() or time.perf_counter() > deadline:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    if not done():
        raise TimeoutError("the list did not settle in time")


def first_screen_shown(view: QTableView) -> bool:
    model = view.model()
    if model.rowCount() == 0:
        return False
    top = max(view.rowAt(0), 0)
    bottom = view.rowAt(view.viewport().height() - 1)
    bottom = model.rowCount() - 1 if bottom < 0 else bottom
    placeholder = QApplication.translate("LazyTableModel", "…")
    return all(model.index(r, 0).data() not in (None, placeholder) for r in (top, bottom))


def scroll_top_to_bottom(view: QTableView, steps: int) -> float:
    """Scroll as a user dragging the thumb would; returns the max stall (ms)."""
    bar = view.verticalScrollBar()
    bar.setValue(0)
    position = {"step": 0}
    driver = QTimer()
    driver.setInterval(16)

    def advance() -> None:
        position["step"] += 1
        bar.setValue(bar.maximum() * position["step"] // steps)

    driver.timeout.connect(advance)
    with StallMonitor() as monitor:
        driver.start()
        run_until(lambda: position["step"] >= steps)
        driver.stop()
        run_until(lambda: first_screen_shown(view))
    return monitor.max_gap_ms


def sort_by_revenue(view: QTableView, model_ready: Callable[[], bool]) -> tuple[float, float]:
    start = time.perf_counter()
    with StallMonitor() as monitor:
        view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        run_until(lambda: model_ready() and first_screen_shown(view))
    return (time.perf_counter() - start) * 1000, monitor.max_gap_ms


def make_view() -> QTableView:
    view = QTableView()
    view.resize(900, 700)
    return view


def bench_lazy(lists: AccountLists, rows: int, steps: int) -> dict[str, float]:
    runner = TaskRunner()
    view = make_view()
    start = time.perf_counter()
    model = LazyTableModel(
        COLUMNS, lists.fetch_ids, lists.fetch_rows, runner=runner, query=ListQuery(sort_key="name")
    )
    configure_view(view, model)
    view.show()
    run_until(lambda: model.rowCount() == rows and first_screen_shown(view))
    open_ms = (time.perf_counter() - start) * 1000
    stall = scroll_top_to_bottom(view, steps)
    pages_fetched, pages_cached = model.fetched_pages, model.cached_pages
    sort_ms, sort_stall = sort_by_revenue(view, lambda: not model.loading)
    result = {
        "open_ms": round(open_ms, 1),
        "scroll_max_stall_ms": round(stall, 1),
        "sort_ms": round(sort_ms, 1),
        "sort_max_stall_ms": round(sort_stall, 1),
        "scroll_pages_fetched": pages_fetched,
        "scroll_pages_cached": pages_cached,
    }
    view.close()
    runner.shutdown(cancel_pending=True)
    return result


# Freeing a sorted QStandardItemModel of 400,000 items takes minutes in Qt;
# that is not what is measured, so the reference model lives until exit.
_KEEP_ALIVE: list[object] = []


def bench_standard(lists: AccountLists, rows: int, steps: int) -> dict[str, float]:
    """Reference: every row loaded into a QStandardItemModel up front."""
    view = make_view()
    start = time.perf_counter()
    model = QStandardItemModel(0, len(COLUMNS))
    model.setHorizontalHeaderLabels([column.title for column in COLUMNS])
    sql = f"SELECT {', '.join(FIELDS)} FROM account ORDER BY name"
    for record in lists.db.execute(sql):
        row = dict(zip(FIELDS, record))
        items = [QStandardItem(column.display(row)) for column in COLUMNS]
        items[3].setData(row["revenue"], Qt.ItemDataRole.UserRole)
        model.appendRow(items)
    model.setSortRole(Qt.ItemDataRole.UserRole)
    view.setModel(model)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.show()
    run_until(lambda: first_screen_shown(view))
    open_ms = (time.perf_counter() - start) * 1000
    stall = scroll_top_to_bottom(view, steps)
    sort_ms, sort_stall = sort_by_revenue(view, lambda: True)
    view.close()
    _KEEP_ALIVE.append((view, model))
    return {
        "open_ms": round(open_ms, 1),
        "scroll_max_stall_ms": round(stall, 1),
        "sort_ms": round(sort_ms, 1),
        "sort_max_stall_ms": round(sort_stall, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=200, help="scroll steps, 16 ms apart")
    parser.add_argument("--json", action="store_true", help="print one JSON line (the default output)")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    lists = AccountLists(make_replica(args.rows))
    lazy = bench_lazy(lists, args.rows, args.steps)
    standard = bench_standard(lists, args.rows, args.steps)
    print(
        json.dumps(
            {
                "bench": "ui_lists",
                "rows": args.rows,
                "scroll_steps": args.steps,
                "qpa": app.platformName(),
                "pyside6": PySide6.__version__,
                "cpus": os.cpu_count(),
                "loadavg_1min": round(os.getloadavg()[0], 2),
                "lazy": lazy,
                "standard_item_model": standard,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
    os._exit(0)  # skip freeing the reference model (see _KEEP_ALIVE)
