"""Saving records from the UI, and undoing the last edit.

Every save goes through :class:`RecordService` on the replica thread, and is
announced on the change bus. Undo is itself an edit through the service: it
writes the previous values back (or deletes a record just created), so the
outbox and the server see an ordinary change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional

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
    #: (entity, id) of rows the edit made besides (a won deal's note): removed on undo
    also_created: tuple[tuple[str, str], ...] = ()
    moved: bool = False  # a move on the pipeline or the schedule: "Undo move of …"
    others: tuple["Edit", ...] = ()  # more records the same action changed (an optimised day)
    text: str = ""  # what Edit ▸ Undo says, when the record's noun does not say it


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


def _child_ids(replica, parent_id: str, children: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    from sqlalchemy import select

    from fieldcrm.storage.registry import entity_class

    found: set[tuple[str, str]] = set()
    with replica.read() as session:
        for entity, key in children:
            cls = entity_class(entity)
            found.update((entity, i) for i in session.execute(
                select(cls.id).where(getattr(cls, key) == parent_id)).scalars())
    return found


def tracked(replica, entity: str, row_id: str, work: Callable[[], Any], *, fields: Iterable[str],
            children: Iterable[tuple[str, str]] = (), moved: bool = False) -> tuple[Any, Edit]:
    """(``work()``'s result, the Edit that undoes it) — on the replica thread.

    For a service call that changes ``fields`` of one record (and may add rows
    of ``children``: (entity, its key to the record)). Only ``fields`` are
    compared before and after, so a colleague's change to another field that
    a sync brings in meanwhile is never written back by the undo.
    """
    from fieldcrm.services.records import RecordService

    records, fields, children = RecordService(replica), tuple(fields), tuple(children)
    before = records.get(entity, row_id)
    kids = _child_ids(replica, row_id, children) if children else set()
    result = work()
    after = records.get(entity, row_id)
    previous = {k: before.get(k) for k in fields if before.get(k) != after.get(k)}
    made = tuple(sorted(_child_ids(replica, row_id, children) - kids)) if children else ()
    return result, Edit(entity, row_id, False, previous, made, moved)


def tracked_rows(replica, rows: Iterable[tuple[str, str]], work: Callable[[], Any], *,
                 fields: Mapping[str, Iterable[str]], text: str) -> tuple[Any, Edit]:
    """As :func:`tracked`, for an action that changes several records (``rows``:
    (entity, id)); ``fields`` per entity. Edit ▸ Undo then says ``text``."""
    from fieldcrm.services.records import RecordService

    records = RecordService(replica)
    before = {row: records.get(*row) for row in rows}
    result = work()
    edits = []
    for (entity, row_id), old in before.items():
        new = records.get(entity, row_id)
        previous = {k: old.get(k) for k in fields[entity] if old.get(k) != new.get(k)}
        if previous:
            edits.append(Edit(entity, row_id, False, previous, moved=True))
    if not edits:
        return result, Edit("", "", False, {})
    return result, replace(edits[0], others=tuple(edits[1:]), text=text)


def _undo(replica, edit: Edit) -> None:
    from fieldcrm.services.records import NotFound, RecordService

    records = RecordService(replica)
    if edit.created:
        records.delete(edit.entity, edit.row_id)
    elif edit.previous:
        records.update(edit.entity, edit.row_id, dict(edit.previous))
    for entity, row_id in edit.also_created:
        try:
            records.delete(entity, row_id)
        except NotFound:
            pass  # already removed by hand
    for other in edit.others:
        try:
            _undo(replica, other)
        except NotFound:
            pass  # removed meanwhile: nothing to put back


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
            self.remember(edit)
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
            change = change_of(edit.entity)
            for entity, _row_id in edit.also_created + tuple((o.entity, o.row_id) for o in edit.others):
                change |= change_of(entity)
            self._bus.changed_data(change)
            self.undone.emit(edit.entity, edit.row_id)

        Op(_undo, self._ctx.replica, edit, label=self.tr("Undoing…")).success(finished).failure(
            self.failed.emit).run(self._runner)
        return True

    def remember(self, edit: Edit) -> None:
        """Make ``edit`` the one Ctrl+Z undoes (an edit that changed nothing is not kept)."""
        if not (edit.created or edit.previous or edit.also_created):
            return
        self._last = edit
        what = entity_noun(edit.entity)
        if edit.text:
            text = edit.text
        elif edit.created:
            text = self.tr("Undo new %1")
        elif edit.moved:
            text = self.tr("Undo move of %1")
        else:
            text = self.tr("Undo edit of %1")
        self.undo_available.emit(True, text.replace("%1", what))
