"""The main window: navigation, pages, search, status bar.

It knows the pages only through :data:`fieldcrm.ui.views.PAGES` and records
only through the :class:`Navigator`; opening a record is the opener's job.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QLabel, QListWidget, QListWidgetItem, QMainWindow, QSplitter, QStackedWidget, QToolBar,
    QWidget,
)

from fieldcrm.ui.actions import Actions, build_actions
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.opener import RecordOpener
from fieldcrm.ui.runner import Op
from fieldcrm.ui.search_box import GlobalSearch
from fieldcrm.ui.status_bar import AppStatusBar
from fieldcrm.ui.sync_ui import SyncUi
from fieldcrm.ui.views import PAGE_BY_KEY, PAGES, page_title

WINDOW_NAME = "main"
CREATABLE = ("account", "contact", "visit", "activity", "lead", "opportunity", "sales_order", "service_job")
# The replica's upkeep (full-text merges, log checkpoint) runs on this tick,
# on the replica thread, once nothing has been saved for a few seconds:
# never inside an edit, never on the GUI thread.
UPKEEP_TICK_MS = 2000
UPKEEP_QUIET_S = 5.0

log = logging.getLogger(__name__)


def _replica_upkeep(replica) -> bool:
    return replica.maintain(quiet_for=UPKEEP_QUIET_S)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, sync_controller=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("main-window")
        self.setWindowTitle(self.tr("fieldcrm"))
        self.actions: Actions = build_actions(self)
        self._pages: dict[str, QWidget] = {}
        self._history: list[str] = []
        #: The page to show once the replica is open (None when it is open).
        self._waiting_for: str | None = None

        self.nav = QListWidget(objectName="navigation")
        self.nav.setStyleSheet("QListWidget#navigation::item { padding: 6px 10px; }")
        self.nav.setFixedWidth(180)
        self.stack = QStackedWidget(objectName="pages")
        for page in PAGES:
            if page.in_navigation:
                item = QListWidgetItem(page_title(page))
                item.setData(Qt.ItemDataRole.UserRole, page.key)
                self.nav.addItem(item)
                if page.shortcut:
                    go = QAction(self, shortcut=page.shortcut)
                    go.triggered.connect(lambda _=False, k=page.key: self.show_page(k))
                    self.addAction(go)
        self.nav.currentItemChanged.connect(self._nav_changed)
        # Accounts is already current on an account's page: a click on it (or
        # Enter) still goes to the list.
        self.nav.itemClicked.connect(self._nav_clicked)
        self.nav.itemActivated.connect(self._nav_clicked)
        split = QSplitter()
        split.addWidget(self.nav)
        split.addWidget(self.stack)
        split.setStretchFactor(1, 1)
        split.setSizes([180, 1100])
        split.setChildrenCollapsible(False)
        self.setCentralWidget(split)

        self.search = GlobalSearch(ctx, overlay_parent=self)
        self._build_toolbar_and_menus()
        self.setStatusBar(AppStatusBar(ctx, self.actions.sync, self))
        self.opener = RecordOpener(ctx, self)
        self.sync = SyncUi(ctx, self, sync_controller)
        self._connect()
        self._upkeep_running = False
        self._upkeep = QTimer(self, interval=UPKEEP_TICK_MS)
        self._upkeep.timeout.connect(self._replica_upkeep)
        self._upkeep.start()

        if not ctx.prefs.restore_window(self, WINDOW_NAME):
            self.resize(1280, 800)
        start = ctx.prefs.get("ui/last_page")
        start = start if start in PAGE_BY_KEY and PAGE_BY_KEY[start].in_navigation else "today"
        if ctx.replica is None:
            self.opening = QLabel(self.tr("Opening your data…"), objectName="opening",
                                  alignment=Qt.AlignmentFlag.AlignCenter)
            self.stack.addWidget(self.opening)
            self._waiting_for = start
            self._select_in_navigation(start)
        else:
            self.show_page(start)
            QTimer.singleShot(0, self, self._prepare_pages)

    def replica_opened(self) -> None:
        """The replica is open (``ctx.replica`` is set): show the page asked for."""
        key, self._waiting_for = self._waiting_for, None
        self.statusBar().refresh()
        if key is not None:
            self.show_page(key, remember=False)
        QTimer.singleShot(0, self, self._prepare_pages)

    def _replica_upkeep(self) -> None:
        if self._upkeep_running or self.ctx.replica is None or self.ctx.closed:
            return
        self._upkeep_running = True
        Op(_replica_upkeep, self.ctx.replica).in_background() \
            .success(self._upkeep_done).failure(self._upkeep_failed).run(self.ctx.runner)

    def _upkeep_done(self, _more: bool = False) -> None:
        self._upkeep_running = False

    def _upkeep_failed(self, exc: BaseException) -> None:
        self._upkeep_running = False
        log.warning("replica upkeep left for later: %s", exc)

    def _prepare_pages(self) -> None:
        for page in PAGES:
            if page.prepare and not self.ctx.closed:
                self.page(page.key)

    # -- building -------------------------------------------------------------

    def _build_toolbar_and_menus(self) -> None:
        a = self.actions
        bar = QToolBar(self.tr("Main"), objectName="main-toolbar", movable=False)
        bar.addAction(a.back)
        bar.addAction(a.new_record)
        bar.addSeparator()
        bar.addWidget(self.search)
        bar.addSeparator()
        bar.addAction(a.sync)
        bar.addAction(a.sync_center)
        self.addToolBar(bar)
        menus = self.menuBar()
        for title, items in ((self.tr("&File"), (a.new_record, a.sign_in, a.quit)),
                             (self.tr("&Edit"), (a.undo, a.find, a.preferences)),
                             (self.tr("&Log"), (a.log_call, a.log_visit, a.log_note)),
                             (self.tr("&Sync"), (a.sync, a.sync_center))):
            menu = menus.addMenu(title)
            for act in items:
                menu.addAction(act)

    def _connect(self) -> None:
        a, nav = self.actions, self.ctx.navigator
        a.find.triggered.connect(self.search.focus)
        a.undo.triggered.connect(self.ctx.edits.undo)
        a.back.triggered.connect(self.go_back)
        a.quit.triggered.connect(self.close)
        a.new_record.triggered.connect(self._new_here)
        a.preferences.triggered.connect(self.edit_preferences)
        self.ctx.edits.undo_available.connect(self._undo_changed)
        self.ctx.edits.failed.connect(self.opener.show_error)
        self.ctx.runner.error.connect(lambda exc, _h: self.opener.show_error(exc))
        nav.show_page.connect(self.show_page)

    # -- pages ------------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The page widget for ``key``, made the first time it is shown."""
        widget = self._pages.get(key)
        if widget is None:
            widget = PAGE_BY_KEY[key].make(self.ctx)
            self._pages[key] = widget
            self.stack.addWidget(widget)
        return widget

    def show_page(self, key: str, *, remember: bool = True) -> QWidget:
        if self._waiting_for is not None:  # pages are made once the replica is open
            self._waiting_for = key
            self._select_in_navigation(key)
            return self.opening
        widget = self.page(key)
        current = self.current_page_key()
        if remember and current and current != key:
            self._history = (self._history + [current])[-20:]
        self.stack.setCurrentWidget(widget)
        self._select_in_navigation(key)
        self.actions.new_record.setEnabled(key in CREATABLE)
        self.actions.back.setEnabled(bool(self._history))
        if PAGE_BY_KEY[key].in_navigation:
            self.ctx.prefs.set("ui/last_page", key)
        return widget

    def _select_in_navigation(self, key: str) -> None:
        key = PAGE_BY_KEY[key].under or key if key in PAGE_BY_KEY else key
        self.nav.blockSignals(True)
        self.nav.clearSelection()
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.nav.setCurrentRow(row)
        self.nav.blockSignals(False)

    def current_page_key(self) -> str | None:
        current = self.stack.currentWidget()
        return next((k for k, w in self._pages.items() if w is current), None)

    def go_back(self) -> None:
        if self._history:
            self.show_page(self._history.pop(), remember=False)

    def _nav_changed(self, item, _previous) -> None:
        if item is not None:
            self.show_page(item.data(Qt.ItemDataRole.UserRole))

    def _nav_clicked(self, item) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        if key != self.current_page_key():
            self.show_page(key)

    def _new_here(self) -> None:
        key = self.current_page_key()
        if key in CREATABLE:
            self.ctx.navigator.new_record.emit(key, {})

    def edit_preferences(self):
        """Open Preferences (window-modal; the settings are stored on OK)."""
        from fieldcrm.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.ctx.prefs, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _undo_changed(self, available: bool, text: str) -> None:
        self.actions.undo.setEnabled(available)
        self.actions.undo.setText(text or self.tr("&Undo"))

    # -- closing ------------------------------------------------------------------

    def closeEvent(self, event) -> None:
        self._upkeep.stop()
        self.sync.controller.stop()
        self.ctx.prefs.save_window(self, WINDOW_NAME)
        for widget in self._pages.values():
            if hasattr(widget, "save_state"):
                widget.save_state()
        self.ctx.prefs.sync()
        super().closeEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.search.results.isVisible():
            self.search._place_results()

