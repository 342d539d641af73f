"""The Kanban board: one column per stage, cards painted by a delegate.

Each column is a ``QListView`` over a list model whose rows live in C++ (a
``QStringListModel`` of the deal names): the view asks the model about every
row when it lays the column out, and a Python ``rowCount`` would cost a call
into Python per card. The delegate paints only the visible cards, so a column
of thousands opens and scrolls at the cost of one screenful. A card is
dragged to another column (its model hands the opportunity id over as MIME data) or moved with the keyboard;
either way the board only asks: ``move_requested(opportunity_id, stage)``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from PySide6.QtCore import (
    QByteArray, QMimeData, QModelIndex, QRect, QSize, QStringListModel, Qt, Signal,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QLabel, QListView, QStyle, QStyledItemDelegate, QVBoxLayout, QWidget,
)

from fieldcrm.services.pipeline import Card, Column
from fieldcrm.storage.sales import STAGES
from fieldcrm.ui.formats import SHORT_DATE, day_text, number
from fieldcrm.ui.labels import value_label

MIME = "application/x-fieldcrm-opportunity"
CARD_HEIGHT = 64
STAGE_COLOURS = {
    "prospecting": "#8d99ae", "qualification": "#4d908e", "proposal": "#277da1",
    "negotiation": "#f8961e", "won": "#43aa8b", "lost": "#c0392b",
}


def stage_title(stage: str) -> str:
    return value_label("opportunity", "stage", stage)


def money(amount: Decimal | float, currency: str = "") -> str:
    """12,345 → "12.3k" (German "12,3k"); short enough for a card or a column header."""
    value = float(amount)
    for limit, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            text = number(round(value / limit, 1), 1).removesuffix("0").rstrip(".,") + suffix
            break
    else:
        text = number(round(value))
    return f"{currency} {text}".strip()


def totals(amounts: Mapping[str, Decimal]) -> str:
    if not amounts:
        return money(0)
    ordered = sorted(amounts.items(), key=lambda kv: -kv[1])
    return " + ".join(money(v, c) for c, v in ordered)


class CardModel(QStringListModel):
    """The cards of one stage; the row count and the display text stay in C++."""

    CardRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, stage: str, parent=None):
        super().__init__(parent)
        self.stage = stage
        self.cards: list[Card] = []

    def set_cards(self, cards: list[Card]) -> None:
        self.cards = cards
        self.setStringList([c.name for c in cards])  # resets the model

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole or not index.isValid():
            return super().data(index, role)
        card = self.cards[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{card.name}\n{card.account_name} · {card.owner_name}\n{money(card.amount, card.currency)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{card.name}, {card.account_name}, {money(card.amount, card.currency)}"
        if role == self.CardRole:
            return card
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        return False  # cards change through the pipeline service only

    def insertRows(self, row, count, parent=QModelIndex()) -> bool:
        return False

    def removeRows(self, row, count, parent=QModelIndex()) -> bool:
        return False  # a card leaves its column when the board reloads after the move

    def flags(self, index: QModelIndex):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        return base if index.isValid() else Qt.ItemFlag.ItemIsDropEnabled

    def supportedDragActions(self):
        return Qt.DropAction.MoveAction

    def supportedDropActions(self):
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:
        data = QMimeData()
        ids = [self.cards[i.row()].id for i in indexes if i.isValid()]
        data.setData(MIME, QByteArray("\n".join(ids).encode()))
        return data

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data.hasFormat(MIME) and not self._own(data)

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        for opp_id in bytes(data.data(MIME)).decode().split("\n"):
            self.dropped.emit(opp_id, self.stage)
        return False  # the board reloads from the replica; nothing is removed here

    def _own(self, data) -> bool:
        ids = set(bytes(data.data(MIME)).decode().split("\n"))
        return any(c.id in ids for c in self.cards)

    dropped = Signal(str, str)


class CardDelegate(QStyledItemDelegate):
    """A card: deal name, account, amount and close date, with a stage stripe."""

    def sizeHint(self, option, index) -> QSize:
        return QSize(option.rect.width() or 200, CARD_HEIGHT)

    def paint(self, painter: QPainter, option, index) -> None:
        card: Card = index.data(CardModel.CardRole)
        painter.save()
        rect = option.rect.adjusted(4, 3, -4, -3)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(palette.color(QPalette.ColorRole.Highlight) if selected else "#c8ccd2"))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 4, 4)
        painter.fillRect(QRect(rect.left(), rect.top() + 2, 4, rect.height() - 4), QColor(STAGE_COLOURS[card.stage]))
        text = rect.adjusted(10, 4, -6, -4)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        fm = painter.fontMetrics()
        painter.drawText(text.left(), text.top() + fm.ascent(), fm.elidedText(card.name, Qt.TextElideMode.ElideRight,
                                                                              text.width()))
        painter.setFont(option.font)
        fm = painter.fontMetrics()
        line2 = text.top() + fm.height() + fm.ascent() + 1
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(text.left(), line2, fm.elidedText(f"{card.account_name} · {card.owner_name}",
                                                           Qt.TextElideMode.ElideRight, text.width()))
        line3 = line2 + fm.height() + 1
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        when = card.closed_at or card.expected_close
        label = day_text(when, SHORT_DATE) if when else ""
        room = text.width() - fm.horizontalAdvance(label) - 8
        painter.drawText(text.left(), line3, fm.elidedText(
            f"{money(card.amount, card.currency)} · {card.probability} %", Qt.TextElideMode.ElideRight, room))
        if label:
            painter.drawText(text.right() - fm.horizontalAdvance(label), line3, label)
        painter.restore()


class StageColumn(QFrame):
    """One stage: a header with count and totals, and its cards."""

    def __init__(self, stage: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.stage = stage
        self.setObjectName(f"stage-{stage}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(objectName="stage-title")
        self.summary = QLabel(objectName="stage-summary", wordWrap=True)
        self.summary.setStyleSheet("color: palette(placeholder-text);")
        # Room for both lines from the start: a label that grows when the cards arrive
        # would resize the list under it and make it paint every visible card twice.
        self.summary.setMinimumHeight(2 * self.summary.fontMetrics().lineSpacing())
        self.model = CardModel(stage, self)
        self.cards = QListView(objectName=f"cards-{stage}")
        self.cards.setModel(self.model)
        self.cards.setItemDelegate(CardDelegate(self.cards))
        self.cards.setUniformItemSizes(True)
        self.cards.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cards.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.cards.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.cards.setDragEnabled(True)
        self.cards.setAcceptDrops(True)
        self.cards.setDropIndicatorShown(True)
        self.cards.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.cards.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards.setAccessibleName(stage_title(stage))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.cards, 1)
        self.setMinimumWidth(190)

    def show_column(self, column: Column) -> None:
        colour = STAGE_COLOURS[self.stage]
        self.title.setText(f"<b style='color:{colour}'>{stage_title(self.stage)}</b> ({number(column.count)})")
        self.summary.setText(self.tr("Total {total}\nWeighted {weighted}").format(
            total=totals(column.total), weighted=totals(column.weighted)))
        self.model.set_cards(column.cards)

    def selected_card(self) -> Card | None:
        index = self.cards.currentIndex()
        return index.data(CardModel.CardRole) if index.isValid() else None


def next_stage(stage: str, step: int) -> str | None:
    i = STAGES.index(stage) + step
    return STAGES[i] if 0 <= i < len(STAGES) else None
