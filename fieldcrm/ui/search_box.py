"""The global search box: type, see the best hits grouped by type, open one.

Keys while typing: Down/Up move through the hits, Enter opens the selected
(or first) hit, Escape closes the results. The search runs on the replica
thread; a result arriving for an older text is dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QWidget

from fieldcrm.ui.context import AppContext
from fieldcrm.ui.entities import ENTITY_UI

#: A pause this long after a keystroke starts the search.
TYPING_PAUSE_MS = 60
HIT = Qt.ItemDataRole.UserRole + 1


class SearchResults(QListWidget):
    """The drop-down list of hits, drawn over the window's content."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("search-results")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setUniformItemSizes(True)
        self.hide()

    def show_groups(self, groups: list[dict], empty_text: str) -> None:
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        for group in groups:
            header = QListWidgetItem(ENTITY_UI[group["entity"]].title_plural())
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            header.setFont(bold)
            header.setForeground(QBrush(self.palette().color(QPalette.ColorRole.PlaceholderText)))
            self.addItem(header)
            for hit in group["hits"]:
                item = QListWidgetItem("    " + hit["title"])
                item.setData(HIT, (group["entity"], hit["id"]))
                self.addItem(item)
        if not groups:
            item = QListWidgetItem(empty_text)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(item)
        self.select_step(1, from_start=True)

    def hit_rows(self) -> list[int]:
        return [r for r in range(self.count()) if self.item(r).data(HIT) is not None]

    def select_step(self, step: int, from_start: bool = False) -> None:
        rows = self.hit_rows()
        if not rows:
            self.setCurrentRow(-1)
            return
        current = self.currentRow()
        if from_start or current not in rows:
            target = rows[0] if step > 0 else rows[-1]
        else:
            target = rows[max(0, min(len(rows) - 1, rows.index(current) + step))]
        self.setCurrentRow(target)

    def current_hit(self):
        item = self.currentItem()
        return None if item is None else item.data(HIT)


class GlobalSearch(QLineEdit):
    """The search field in the tool bar; results open through the navigator."""

    def __init__(self, ctx: AppContext, overlay_parent: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("global-search")
        self.setPlaceholderText(self.tr("Search accounts, contacts, deals… (Ctrl+K)"))
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(320)
        self.results = SearchResults(overlay_parent)
        self.results.itemClicked.connect(lambda _item: self.open_current())
        self._asked = self._shown = ""
        self._open_when_shown = False
        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._search)
        self.textEdited.connect(lambda _t: self._typing.start())
        self.textChanged.connect(lambda t: None if t.strip() else self.results.hide())
        self.installEventFilter(self)

    def _search(self) -> None:
        text = self.text().strip()
        self._asked = text
        if not text:
            self._shown = ""
            self.results.hide()
            return
        from fieldcrm.services.view_search import search_everything

        self.ctx.call(search_everything, text, done=lambda groups, t=text: self._show(t, groups))

    def _show(self, text: str, groups: list[dict]) -> None:
        if text != self._asked:
            return  # the person typed on; a newer search is coming
        self._shown = text
        self.results.show_groups(groups, self.tr("Nothing found for “%1”").replace("%1", text))
        self._place_results()
        self.results.show()
        self.results.raise_()
        if self._open_when_shown:
            self._open_when_shown = False
            self.open_current()

    def _place_results(self) -> None:
        parent = self.results.parentWidget()
        corner = self.mapTo(parent.window(), QPoint(0, self.height()))
        corner = parent.mapFrom(parent.window(), corner)
        rows = max(1, self.results.count())
        height = min(420, rows * (self.results.sizeHintForRow(0) + 2) + 8)
        self.results.setGeometry(corner.x(), corner.y() + 2, max(self.width(), 420), height)

    def open_current(self) -> bool:
        hit = self.results.current_hit()
        if hit is None:
            return False
        self.results.hide()
        self.clearFocus()
        self.ctx.navigator.open_record.emit(*hit)
        return True

    def eventFilter(self, obj, event) -> bool:
        if obj is self and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.isVisible():
                self.results.select_step(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._typing.isActive():  # Enter before the pause: search now
                    self._typing.stop()
                    self._search()
                if self._asked != self._shown:  # open the best hit once it is in
                    self._open_when_shown = True
                    return True
                return self.open_current()
            if key == Qt.Key.Key_Escape and self.results.isVisible():
                self.results.hide()
                return True
        if obj is self and event.type() == QEvent.Type.FocusOut:
            QTimer.singleShot(150, self._hide_unless_focused)
        return super().eventFilter(obj, event)

    def _hide_unless_focused(self) -> None:
        if not self.hasFocus():
            self.results.hide()

    def focus(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()
