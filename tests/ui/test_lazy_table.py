"""The lazy list model: 100,000 rows, fetched a page at a time."""

import threading

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import QTableView

from fieldcrm.ui.lazy_table import RIGHT, Column, LazyTableModel, ListQuery, configure_view

ROWS = 100_000
CITIES = ["Lyon", "Porto", "Graz", "Turku", "Gent", "Brno", "Cork"]
COLUMNS = [
    Column("name", "Name", 220),
    Column("city", "City", 120),
    Column("revenue", "Revenue", 100, RIGHT, lambda v: f"{v:,}"),
]


class AccountStore:
    """In-memory stand-in for the accounts service; records what it is asked."""

    def __init__(self, rows=ROWS):
        self.rows = {
            f"acc-{i:06d}": {
                "name": f"Account {i:06d}",
                "city": CITIES[i % len(CITIES)],
                "revenue": (i * 7919) % 100_003,
            }
            for i in range(rows)
        }
        self.id_queries = []
        self.page_sizes = []
        self.gate = threading.Event()
        self.gate.set()

    def fetch_ids(self, query: ListQuery):
        self.id_queries.append(query)
        ids = list(self.rows)
        if query.search:
            ids = [i for i in ids if query.search.lower() in self.rows[i]["name"].lower()]
        for key, value in query.filters.items():
            ids = [i for i in ids if self.rows[i][key] == value]
        if query.sort_key:
            ids.sort(key=lambda i: self.rows[i][query.sort_key], reverse=query.descending)
        return ids

    def fetch_rows(self, ids):
        assert self.gate.wait(10)
        self.page_sizes.append(len(ids))
        return {i: dict(self.rows[i]) for i in ids}


@pytest.fixture(scope="module")
def accounts():
    return AccountStore()


@pytest.fixture
def store(accounts):
    accounts.id_queries.clear()
    accounts.page_sizes.clear()
    return accounts


def open_view(qtbot, model, rows_expected=None):
    view = QTableView()
    qtbot.addWidget(view)
    configure_view(view, model)
    view.resize(700, 420)
    view.show()
    qtbot.waitExposed(view)
    if rows_expected is not None:
        qtbot.waitUntil(lambda: model.rowCount() == rows_expected, timeout=10_000)
    return view


def visible_rows(view):
    top = view.rowAt(0)
    bottom = view.rowAt(view.viewport().height() - 1)
    if bottom < 0:
        bottom = view.model().rowCount() - 1
    return range(top, bottom + 1)


def shown(view, row, column=0):
    return view.model().index(row, column).data()


def wait_until_shown(qtbot, view, expected_name):
    """Wait until every visible row shows its real name, then return the rows."""
    rows = visible_rows(view)
    qtbot.waitUntil(lambda: all(shown(view, r) == expected_name(r) for r in rows), timeout=5000)
    return rows


def test_scrolling_100k_rows_shows_the_right_rows_and_fetches_only_what_is_seen(
    qtbot, runner, store
):
    model = LazyTableModel(COLUMNS, store.fetch_ids, store.fetch_rows, runner=runner, max_pages=6)
    view = open_view(qtbot, model, ROWS)
    bar = view.verticalScrollBar()
    steps = 25
    pages_seen = set()
    for step in range(steps + 1):
        bar.setValue(bar.maximum() * step // steps)
        rows = wait_until_shown(qtbot, view, lambda r: f"Account {r:06d}")
        pages_seen |= {r // 200 for r in rows}
        assert len(rows) > 5

    assert shown(view, ROWS - 1) == "Account 099999"
    assert shown(view, ROWS - 1, 2) == f"{store.rows['acc-099999']['revenue']:,}"
    assert max(store.page_sizes) <= 200
    # Only pages the user looked at were fetched (the whole list is 500 pages).
    assert len(store.page_sizes) <= len(pages_seen) + 2
    assert model.cached_pages <= 6


def test_row_shows_a_placeholder_until_its_page_arrives(qtbot, runner, store):
    model = LazyTableModel(COLUMNS, store.fetch_ids, store.fetch_rows, runner=runner)
    qtbot.waitUntil(lambda: model.rowCount() == ROWS, timeout=10_000)
    store.gate.clear()
    try:
        index = model.index(1234, 0)
        assert index.data() == "…"
        with qtbot.waitSignal(model.dataChanged, timeout=5000) as changed:
            store.gate.set()
    finally:
        store.gate.set()
    first, last = changed.args[0], changed.args[1]
    assert first.row() <= 1234 <= last.row()
    assert index.data() == "Account 001234"
    assert model.index(1234, 2).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert model.index(1234, 0).data(LazyTableModel.IdRole) == "acc-001234"


def test_first_screen_and_count_show_before_every_id_is_read(qtbot, runner, store):
    ids_read = threading.Event()

    def fetch_head(query, limit):
        return len(store.rows), list(store.rows)[:limit]

    def slow_fetch_ids(query):
        assert ids_read.wait(10)
        return store.fetch_ids(query)

    model = LazyTableModel(COLUMNS, slow_fetch_ids, store.fetch_rows, runner=runner, fetch_head=fetch_head)
    try:
        view = open_view(qtbot, model, ROWS)
        wait_until_shown(qtbot, view, lambda r: f"Account {r:06d}")
        assert model.loading
        assert model.index(5000, 0).data() == "…"  # beyond the first page: still reading
        assert model.id_at(5000) is None
    finally:
        ids_read.set()
    qtbot.waitUntil(lambda: not model.loading, timeout=10_000)
    assert shown(view, 0) == "Account 000000"  # the first screen stayed on screen
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    wait_until_shown(qtbot, view, lambda r: f"Account {r:06d}")
    assert model.id_at(ROWS - 1) == "acc-099999"


def test_head_that_no_longer_matches_is_replaced_by_the_full_list(qtbot, runner, store):
    def stale_head(query, limit):  # rows changed between the two queries
        return 3, ["acc-000009", "acc-000008", "acc-000007"]

    model = LazyTableModel(COLUMNS, store.fetch_ids, store.fetch_rows, runner=runner, fetch_head=stale_head)
    view = open_view(qtbot, model, ROWS)
    wait_until_shown(qtbot, view, lambda r: f"Account {r:06d}")
    assert model.row_of("acc-000009") == 9


def click_header(qtbot, view, section):
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_clicking_a_column_header_sorts_by_querying_again(qtbot, runner, store):
    model = LazyTableModel(COLUMNS, store.fetch_ids, store.fetch_rows, runner=runner)
    view = open_view(qtbot, model, ROWS)
    revenues = sorted(row["revenue"] for row in store.rows.values())

    with qtbot.waitSignal(model.ids_loaded, timeout=10_000):
        click_header(qtbot, view, 2)
    assert store.id_queries[-1].sort_key == "revenue"
    qtbot.waitUntil(lambda: shown(view, 0, 2) == f"{revenues[0]:,}", timeout=5000)

    with qtbot.waitSignal(model.ids_loaded, timeout=10_000):
        click_header(qtbot, view, 2)
    assert store.id_queries[-1].descending
    qtbot.waitUntil(lambda: shown(view, 0, 2) == f"{revenues[-1]:,}", timeout=5000)
    assert view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_selected_account_stays_selected_when_the_list_is_sorted(qtbot, runner, store):
    model = LazyTableModel(COLUMNS, store.fetch_ids, store.fetch_rows, runner=runner)
    view = open_view(qtbot, model, ROWS)
    view.selectionModel().select(
        model.index(3, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    with qtbot.waitSignal(model.ids_loaded, timeout=10_000):
        click_header(qtbot, view, 2)
    selected = {index.row() for index in view.selectionModel().selectedRows()}
    assert selected == {model.row_of("acc-000003")}
    assert selected != {3}


def test_search_and_filters_narrow_the_list(qtbot, runner, store):
    model = LazyTableModel(COLUMNS, store.fetch_ids, store.fetch_rows, runner=runner)
    view = open_view(qtbot, model, ROWS)
    with qtbot.waitSignal(model.ids_loaded, timeout=10_000) as loaded:
        model.set_search("004242")
    assert loaded.args == [1]
    qtbot.waitUntil(lambda: shown(view, 0) == "Account 004242")

    with qtbot.waitSignal(model.ids_loaded, timeout=10_000) as loaded:
        model.set_query(ListQuery(filters={"city": "Graz"}))
    assert loaded.args == [sum(1 for r in store.rows.values() if r["city"] == "Graz")]
    qtbot.waitUntil(lambda: shown(view, 0, 1) == "Graz")


def test_refresh_keeps_rows_on_screen_until_fresh_data_arrives(qtbot, runner):
    store = AccountStore(rows=1000)
    model = LazyTableModel(COLUMNS, store.fetch_ids, store.fetch_rows, runner=runner)
    view = open_view(qtbot, model, 1000)
    qtbot.waitUntil(lambda: shown(view, 0) == "Account 000000")

    store.rows["acc-000000"]["name"] = "Account zero (renamed)"
    store.gate.clear()
    try:
        with qtbot.waitSignal(model.ids_loaded, timeout=5000):
            model.refresh()
        view.viewport().repaint()
        assert shown(view, 0) == "Account 000000"  # no flash of placeholders
    finally:
        store.gate.set()
    qtbot.waitUntil(lambda: shown(view, 0) == "Account zero (renamed)", timeout=5000)


def test_failed_fetch_is_reported_not_swallowed(qtbot, runner):
    def broken_ids(query):
        raise OSError("replica is locked")

    model = LazyTableModel(COLUMNS, broken_ids, dict, runner=runner)
    with qtbot.waitSignal(model.load_failed, timeout=5000) as failed:
        pass
    assert str(failed.args[0]) == "replica is locked"

    with qtbot.waitSignal(runner.error, timeout=5000) as unhandled:
        LazyTableModel(COLUMNS, broken_ids, dict, runner=runner)
    assert str(unhandled.args[0]) == "replica is locked"


def test_synchronous_mode_serves_rows_immediately(qtbot):
    store = AccountStore(rows=500)
    model = LazyTableModel(COLUMNS, store.fetch_ids, store.fetch_rows, page_size=100, max_pages=2)
    assert model.rowCount() == 500
    assert model.index(450, 0).data() == "Account 000450"
    assert model.index(10, 1).data() == CITIES[10 % len(CITIES)]
    assert model.cached_pages == 2
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == "Account 000499"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Revenue"
