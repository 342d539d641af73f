"""The one table model every list view uses: ids up front, rows in pages.

A list view declares its columns as data and hands over two plain callables
that the service layer provides::

    fetch_ids(query: ListQuery) -> list[str]          # all matching ids, in order
    fetch_rows(ids: list[str]) -> dict[str, dict]     # one page of rows by id
    fetch_head(query, n) -> (count, first n ids)      # optional: the first screen first

They run on the task runner's replica thread. The model keeps only the ids
and an LRU cache of pages; a row that is not loaded yet shows a placeholder
while its page is fetched, so 100,000 accounts open and scroll without a
stall. With ``fetch_head``, a list that has no rows yet shows its row count
and first page before every id is read. Without a runner the model fetches
synchronously (tests, tiny lists).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

from PySide6.QtCore import (
    SIGNAL,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from fieldcrm.ui.runner import Cancelled, Op, OpHandle, TaskRunner

Row = Mapping[str, Any]
FetchIds = Callable[["ListQuery"], Sequence[str]]
FetchRows = Callable[[list[str]], Mapping[str, Row]]
FetchHead = Callable[["ListQuery", int], tuple[int, Sequence[str]]]

PAGE_SIZE = 200
#: Pages kept in memory per model (LRU): 20 x 200 rows.
MAX_PAGES = 20
#: Page fetches queued at once; newer requests (where the user is now) win.
MAX_IN_FLIGHT = 2
#: Requested pages remembered while fetches are busy; older ones are dropped
#: (the user has scrolled past them).
MAX_WANTED = 6

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class Column:
    """One column of a list view. ``title`` is already translated (``tr()``)."""

    key: str
    title: str
    width: int = 120
    align: Qt.AlignmentFlag = LEFT
    formatter: Callable[[Any], str] | None = None
    sortable: bool = True

    def display(self, row: Row) -> str:
        value = row.get(self.key)
        if self.formatter is not None:
            return self.formatter(value)
        return "" if value is None else str(value)


@dataclass(frozen=True)
class ListQuery:
    """What ``fetch_ids`` is asked for: sort, filters and search text."""

    sort_key: str | None = None
    descending: bool = False
    filters: Mapping[str, Any] = field(default_factory=dict)
    search: str = ""


@dataclass(frozen=True)
class _Head:
    count: int
    ids: list[str]
    rows: Mapping[str, Row]


@dataclass(frozen=True)
class _Ids:
    ids: list[str]
    positions: dict[str, int]
    how: str  # "same", "reorder" (same rows, other order) or "reset"


class LazyTableModel(QAbstractTableModel):
    """Table model over a list of ids whose rows are fetched page by page.

    Signals: ``ids_loaded(int)`` after each (re)query with the row count;
    ``page_loaded(int)`` when a page arrives; ``load_failed(exception)`` when a
    fetch fails (without a receiver the failure goes to the runner's
    ``error`` signal).
    """

    IdRole = Qt.ItemDataRole.UserRole + 1
    RowRole = Qt.ItemDataRole.UserRole + 2

    ids_loaded = Signal(int)
    page_loaded = Signal(int)
    load_failed = Signal(object)

    def __init__(
        self,
        columns: Sequence[Column],
        fetch_ids: FetchIds,
        fetch_rows: FetchRows,
        *,
        runner: TaskRunner | None = None,
        query: ListQuery = ListQuery(),
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
        fetch_head: FetchHead | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._fetch_ids = fetch_ids
        self._fetch_rows = fetch_rows
        self._fetch_head = fetch_head
        self._runner = runner
        self._query = query
        self._page_size = page_size
        self._max_pages = max(2, max_pages)
        self._placeholder = QCoreApplication.translate("LazyTableModel", "…")

        #: ``None`` stands for the ids after the first page while only the
        #: head of the list is known.
        self._ids: list[str | None] = []
        self._positions: dict[str, int] = {}
        self._head_only = False
        self._pages: OrderedDict[int, Mapping[str, Row]] = OrderedDict()
        self._stale: set[int] = set()
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._in_flight: dict[int, OpHandle | None] = {}
        self._flush_scheduled = False
        self._generation = 0
        self._ids_handle: OpHandle | None = None
        self._loading = False
        #: How many pages were fetched since the model was made.
        self.fetched_pages = 0
        self.refresh()

    # -- what the view asks ------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            row = self._row(index.row())
            return self._placeholder if row is None else column.display(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == self.IdRole:
            return self._ids[index.row()]
        if role == self.RowRole:
            return self._row(index.row())
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            column = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return column.align
            return None
        return super().headerData(section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns) or not self._columns[column].sortable:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(replace(self._query, sort_key=self._columns[column].key, descending=descending))

    # -- what the list view calls -------------------------------------------

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def query(self) -> ListQuery:
        return self._query

    @property
    def loading(self) -> bool:
        """True while the ids are being (re)queried."""
        return self._loading

    @property
    def cached_pages(self) -> int:
        return len(self._pages)

    def set_query(self, query: ListQuery) -> None:
        """Re-query the ids for ``query`` (sort, filters, search)."""
        if query == self._query and (self._loading or self._ids):
            return
        self._query = query
        self.refresh()

    def set_search(self, text: str) -> None:
        self.set_query(replace(self._query, search=text))

    def set_filters(self, filters: Mapping[str, Any]) -> None:
        self.set_query(replace(self._query, filters=dict(filters)))

    def refresh(self) -> None:
        """Query the ids again, e.g. when the change bus says the data changed.

        Rows already shown stay on screen until their fresh page arrives.
        """
        self._generation += 1
        generation, query = self._generation, self._query
        if self._ids_handle is not None:
            self._ids_handle.cancel()
        self._loading = True
        if self._runner is None:
            self._apply_ids(generation, self._query_ids(query, self._ids))
            return
        if self._fetch_head is not None and not self._ids:
            # Nothing on screen: count and first page first; all ids once they
            # are shown, so reading them does not hold up the first screen.
            self._ids_handle = (
                Op(self._query_head, query, label=self._loading_label())
                .success(lambda result: self._apply_head(generation, result))
                .failure(self._fetch_failed)
                .run(self._runner)
            )
            return
        self._query_all_ids(generation)

    def _loading_label(self) -> str:
        return QCoreApplication.translate("LazyTableModel", "Loading list…")

    def _query_all_ids(self, generation: int) -> None:
        self._ids_handle = (
            Op(self._query_ids, self._query, self._ids, label=self._loading_label())
            .success(lambda result: self._apply_ids(generation, result))
            .failure(self._fetch_failed)
            .run(self._runner)
        )

    def id_at(self, row: int) -> str | None:
        """The row's id (``None`` past the first page while the list opens)."""
        return self._ids[row]

    def row_of(self, row_id: str) -> int:
        """The row showing ``row_id``, or -1."""
        return self._positions.get(row_id, -1)

    def row_data(self, row: int) -> Row | None:
        """The row's fields if its page is loaded (never fetches)."""
        page = self._pages.get(row // self._page_size)
        return None if page is None else page.get(self._ids[row])

    # -- ids ------------------------------------------------------------

    def _query_head(self, query: ListQuery) -> _Head:
        """Runs on the replica thread: the row count and the first page."""
        count, ids = self._fetch_head(query, self._page_size)
        ids = list(ids)
        return _Head(count, ids, self._fetch_rows(ids) if ids else {})

    def _apply_head(self, generation: int, head: _Head) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._ids = head.ids + [None] * max(0, head.count - len(head.ids))
        self._positions = {row_id: row for row, row_id in enumerate(head.ids)}
        self._pages.clear()
        self._stale.clear()
        self._head_only = True
        if head.ids:
            self._store(0, head.rows)
        self.endResetModel()
        self.ids_loaded.emit(head.count)
        if generation == self._generation:  # no receiver asked for another query
            self._query_all_ids(generation)

    def _query_ids(self, query: ListQuery, old: list[str]) -> _Ids:
        """Runs on the replica thread: fetch the ids and do the O(n) work of
        comparing them with what is shown, so the GUI thread never does.
        ``old`` is still current when the result is applied: only the newest
        query's result is ever applied."""
        ids = list(self._fetch_ids(query))
        positions = {row_id: row for row, row_id in enumerate(ids)}
        if ids == old:
            how = "same"
        elif len(ids) == len(old) and len(positions) == len(ids) and positions.keys() == set(old):
            how = "reorder"
        else:
            how = "reset"
        return _Ids(ids, positions, how)

    def _apply_ids(self, generation: int, result: _Ids) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._ids_handle = None
        for handle in self._in_flight.values():
            if handle is not None:
                handle.cancel()
        self._in_flight.clear()
        self._wanted.clear()
        ids = result.ids
        if self._head_only:
            self._head_only = False
            if len(ids) == len(self._ids) and ids[: self._page_size] == self._ids[: self._page_size]:
                # The head was right: the first page stays, the rest fills in.
                self._ids, self._positions = result.ids, result.positions
                if ids:
                    self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(self._columns) - 1))
                self.ids_loaded.emit(len(ids))
                return
            result = replace(result, how="reset")
        if result.how == "same":
            # Same rows in the same places: keep showing them, fetch afresh.
            self._stale = set(self._pages)
            if ids:
                last = self.index(len(ids) - 1, len(self._columns) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
        elif result.how == "reorder":
            self._reorder(result)
        else:
            self.beginResetModel()
            self._set_ids(result)
            self.endResetModel()
        self.ids_loaded.emit(len(ids))

    def _set_ids(self, result: _Ids) -> None:
        self._ids = result.ids
        self._positions = result.positions
        self._pages.clear()
        self._stale.clear()

    def _reorder(self, result: _Ids) -> None:
        """Same rows, new order (a sort): selection and current row follow ids."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        kept = [(self._ids[i.row()], i.column()) for i in before]
        self._set_ids(result)
        if before:
            after = [self.index(result.positions[row_id], column) for row_id, column in kept]
            self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # -- pages ------------------------------------------------------------

    def _row(self, row: int) -> Row | None:
        number = row // self._page_size
        page = self._pages.get(number)
        if self._head_only and number > 0:
            return None  # its ids are still being read
        if page is None or number in self._stale:
            self._request(number)
            page = self._pages.get(number)  # fetched inline without a runner
        if page is None:
            return None
        self._pages.move_to_end(number)
        return page.get(self._ids[row])

    def _page_ids(self, number: int) -> list[str]:
        start = number * self._page_size
        return self._ids[start : start + self._page_size]

    def _request(self, number: int) -> None:
        if self._runner is None:
            self.fetched_pages += 1
            self._store(number, self._fetch_rows(self._page_ids(number)))
            return
        if number in self._in_flight:
            return
        self._wanted[number] = None
        self._wanted.move_to_end(number)
        while len(self._wanted) > MAX_WANTED:
            self._wanted.popitem(last=False)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            QTimer.singleShot(0, self, self._flush)

    def _flush(self) -> None:
        """Start fetches for the most recently requested pages first."""
        self._flush_scheduled = False
        if self._runner.closed:  # the window went away before the timer fired
            return
        while self._wanted and len(self._in_flight) < MAX_IN_FLIGHT:
            number, _ = self._wanted.popitem(last=True)
            if number in self._in_flight or (number in self._pages and number not in self._stale):
                continue
            generation = self._generation
            self._in_flight[number] = None
            self.fetched_pages += 1
            self._in_flight[number] = (
                Op(self._fetch_rows, self._page_ids(number))
                .success(lambda rows, n=number, g=generation: self._page_arrived(g, n, rows))
                .failure(lambda exc, n=number, g=generation: self._page_failed(g, n, exc))
                .run(self._runner)
            )

    def _page_arrived(self, generation: int, number: int, rows: Mapping[str, Row]) -> None:
        if generation != self._generation:
            return
        self._in_flight.pop(number, None)
        self._store(number, rows)
        first = number * self._page_size
        last = min(first + self._page_size, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(
                self.index(first, 0),
                self.index(last, len(self._columns) - 1),
                [Qt.ItemDataRole.DisplayRole],
            )
        self.page_loaded.emit(number)
        self._flush()

    def _page_failed(self, generation: int, number: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._in_flight.pop(number, None)
        self._fetch_failed(exc)

    def _store(self, number: int, rows: Mapping[str, Row]) -> None:
        self._pages[number] = rows
        self._pages.move_to_end(number)
        self._stale.discard(number)
        while len(self._pages) > self._max_pages:
            evicted, _ = self._pages.popitem(last=False)
            self._stale.discard(evicted)

    def _fetch_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            return
        self._loading = False
        if self.receivers(SIGNAL("load_failed(PyObject)")) == 0:
            raise exc  # the runner reports it on its error signal
        self.load_failed.emit(exc)


def configure_view(view: QTableView, model: LazyTableModel, row_height: int | None = None) -> None:
    """Set up ``view`` the way every list view should use the lazy model.

    Fixed row heights (measuring 100,000 rows is the classic stall), the
    declared column widths, whole-row selection and header click sorting.
    """
    view.setModel(model)
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(row_height or view.fontMetrics().height() + 8)
    rows.hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for section, column in enumerate(model.columns):
        header.resizeSection(section, column.width)
    header.setStretchLastSection(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    keys = [column.key for column in model.columns]
    query = model.query
    if query.sort_key in keys:
        order = Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(keys.index(query.sort_key), order)
    else:
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)


__all__ = [
    "CENTER",
    "LEFT",
    "RIGHT",
    "Column",
    "LazyTableModel",
    "ListQuery",
    "configure_view",
]
