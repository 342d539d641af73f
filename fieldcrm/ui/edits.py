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


def _snapshot(replica, rows: tuple[tuple[str, str], ...], fields: Mapping[str, Iterable[str]],
              parent_id: Optional[str], children: tuple[tuple[str, str], ...]):
    """(values of ``fields`` per row, ids of the children of ``parent_id``):
    one read, one query per entity, values in their stored (plain) form."""
    from sqlalchemy import select

    from fieldcrm.storage.registry import entity_class, to_plain

    values: dict[tuple[str, str], dict[str, Any]] = {}
    kids: set[tuple[str, str]] = set()
    by_entity: dict[str, list[str]] = {}
    for entity, row_id in rows:
        by_entity.setdefault(entity, []).append(row_id)
    with replica.read() as session:
        for entity, ids in by_entity.items():
            cls, names = entity_class(entity), tuple(fields[entity])
            for row_id, *found in session.execute(
                    select(cls.id, *(getattr(cls, n) for n in names)).where(cls.id.in_(ids))):
                values[(entity, row_id)] = {n: to_plain(v) for n, v in zip(names, found)}
        for entity, key in children:
            cls = entity_class(entity)
            kids.update((entity, i) for i in session.execute(
                select(cls.id).where(getattr(cls, key) == parent_id)).scalars())
    return values, kids


def tracked(replica, rows: Iterable[tuple[str, str]], work: Callable[[], Any], *,
            fields: Mapping[str, Iterable[str]], children: Iterable[tuple[str, str]] = (),
            text: str = "") -> tuple[Any, Edit]:
    """(``work()``'s result, the Edit that undoes it) — on the replica thread.

    For a service call that moves records (``rows``: (entity, id)), changing
    ``fields`` (per entity) and perhaps adding rows of ``children`` ((entity,
    its key to the first row): a won deal's note). Only ``fields`` are
    compared before and after, so a colleague's change to another field that
    a sync brings in meanwhile is never written back by the undo. Edit ▸ Undo
    says ``text`` when given, else "Undo move of …" the first row's noun.
    """
    rows, children = tuple(rows), tuple(children)
    parent = rows[0][1] if rows else None
    before, kids = _snapshot(replica, rows, fields, parent, children)
    result = work()
    after, kids_after = _snapshot(replica, rows, fields, parent, children)
    edits = []
    for row, old in before.items():
        new = after.get(row, {})
        previous = {k: v for k, v in old.items() if k in new and new[k] != v}
        if previous:
            edits.append(Edit(row[0], row[1], False, previous, moved=True))
    made = tuple(sorted(kids_after - kids))
    first = edits[0] if edits else Edit(*(rows[0] if rows else ("", "")), False, {}, moved=True)
    return result, replace(first, also_created=made, others=tuple(edits[1:]), text=text)


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
