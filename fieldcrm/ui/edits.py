"""Saving records from the UI, and undoing the last edit.

Every save goes through :class:`RecordService` on the replica thread, and is
announced on the change bus. Undo is itself an edit through the service: it
writes the previous values back (or deletes a record just created), so the
outbox and the server see an ordinary change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from PySide6.QtCore import QObject, Signal

from fieldcrm.ui.changes import ChangeBus
from fieldcrm.ui.entities import change_of, entity_noun
from fieldcrm.ui.runner import Op, TaskRunner

if TYPE_CHECKING:
    from fieldcrm.ui.context import AppContext


@dataclass(frozen=True)
class Edit:
    """One saved change: what it was, and what undoing it writes."""

    entity: str
    row_id: str
    created: bool
    previous: Mapping[str, Any]  # field -> value before the edit (updates)


def _save(replica, entity: str, row_id: Optional[str], values: Mapping[str, Any]):
    """(saved row, Edit) — runs on the replica thread."""
    from fieldcrm.services.records import RecordService
    from fieldcrm.storage.registry import fields_of

    records = RecordService(replica)
    if row_id is None:
        row = records.create(entity, values)
        return row, Edit(entity, row["id"], True, {})
    before = records.get(entity, row_id)
    row = records.update(entity, row_id, values)
    editable = fields_of(entity)
    previous = {k: before.get(k) for k in values if k in editable and before.get(k) != row.get(k)}
    return row, Edit(entity, row_id, False, previous)


def _undo(replica, edit: Edit) -> None:
    from fieldcrm.services.records import RecordService

    records = RecordService(replica)
    if edit.created:
        records.delete(edit.entity, edit.row_id)
    elif edit.previous:
        records.update(edit.entity, edit.row_id, dict(edit.previous))


class EditHistory(QObject):
    """Saves edits and remembers the last one so it can be undone.

    ``saved(entity, row)`` after each save; ``undo_available(bool, text)``
    when what Ctrl+Z would undo changes; ``undone(entity, row_id)``.
    """

    saved = Signal(str, object)
    undo_available = Signal(bool, str)
    undone = Signal(str, str)
    failed = Signal(object)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx  # its replica may still be opening when the window shows
        self._runner, self._bus = ctx.runner, ctx.bus
        self._last: Optional[Edit] = None

    @property
    def last(self) -> Optional[Edit]:
        return self._last

    def save(
        self,
        entity: str,
        row_id: Optional[str],
        values: Mapping[str, Any],
        *,
        done: Optional[Callable[[dict], None]] = None,
        failed: Optional[Callable[[BaseException], None]] = None,
        source: object = None,
    ):
        """Create (``row_id`` None) or update a record in the background."""

        def finished(result):
            row, edit = result
            if edit.created or edit.previous:
                self._remember(edit)
            self._bus.changed_data(change_of(entity), source=source)
            self.saved.emit(entity, row)
            if done is not None:
                done(row)

        return (
            Op(_save, self._ctx.replica, entity, row_id, dict(values), label=self.tr("Saving…"))
            .success(finished)
            .failure(failed or self.failed.emit)
            .run(self._runner)
        )

    def undo(self) -> bool:
        """Undo the last edit; False when there is nothing to undo."""
        edit = self._last
        if edit is None:
            return False
        self._last = None
        self.undo_available.emit(False, "")

        def finished(_):
            self._bus.changed_data(change_of(edit.entity))
            self.undone.emit(edit.entity, edit.row_id)

        Op(_undo, self._ctx.replica, edit, label=self.tr("Undoing…")).success(finished).failure(
            self.failed.emit).run(self._runner)
        return True

    def _remember(self, edit: Edit) -> None:
        self._last = edit
        what = entity_noun(edit.entity)
        text = self.tr("Undo new %1").replace("%1", what) if edit.created else \
            self.tr("Undo edit of %1").replace("%1", what)
        self.undo_available.emit(True, text)
