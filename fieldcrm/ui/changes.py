"""Change notifications: after a write, say what changed; views refresh only
when something they show is in the set.

    bus.changed_data(Change.ACCOUNTS | Change.CONTACTS, source=self)
    bus.subscribe(Change.ACCOUNTS, self.reload, owner=self)

There is no "reset everything": a sync that touched visits and jobs emits
``Change.VISITS | Change.JOBS``, and the pipeline view does not move.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal


class Change(enum.Flag):
    """What kind of data changed. Combine with ``|``; test with ``in``."""

    NONE = 0
    ACCOUNTS = enum.auto()
    CONTACTS = enum.auto()
    VISIT_PLANS = enum.auto()
    VISITS = enum.auto()
    ACTIVITIES = enum.auto()
    OPPORTUNITIES = enum.auto()
    LEADS = enum.auto()
    ORDERS = enum.auto()
    JOBS = enum.auto()
    PRODUCTS = enum.auto()
    TERRITORIES = enum.auto()
    USERS = enum.auto()
    ATTACHMENTS = enum.auto()
    PIPELINE = enum.auto()
    SYNC = enum.auto()
    SETTINGS = enum.auto()

    @classmethod
    def from_names(cls, names: Iterable[str]) -> Change:
        """``{"accounts", "visits"}`` -> ``Change.ACCOUNTS | Change.VISITS``.

        Services report changes as plain names (they do not import the UI);
        an unknown name raises ``KeyError`` so a typo cannot go unnoticed.
        """
        result = cls.NONE
        for name in names:
            result |= cls[name.upper()]
        return result

    def names(self) -> frozenset[str]:
        return frozenset(m.name.lower() for m in Change if m and m in self)


class ChangeBus(QObject):
    """The one place changes are announced. Lives on the GUI thread.

    ``changed(changes: Change, source: object | None)``: ``source`` is who made
    the change (a view may skip refreshing after its own edit).
    """

    changed = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._batch_depth = 0
        self._batched = Change.NONE
        self._batch_source: object | None = None

    def changed_data(self, changes: Change | Iterable[str], source: object | None = None) -> None:
        """Announce ``changes`` (a :class:`Change` or names such as ``"accounts"``)."""
        if not isinstance(changes, Change):
            changes = Change.from_names(changes)
        if not changes:
            return
        if self._batch_depth:
            if self._batched and source is not self._batch_source:
                source = None  # several sources: nobody may skip the refresh
            self._batched |= changes
            self._batch_source = source
            return
        self.changed.emit(changes, source)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Collect every announcement inside the block into one emission."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0:
                changes, source = self._batched, self._batch_source
                self._batched, self._batch_source = Change.NONE, None
                if changes:
                    self.changed.emit(changes, source)

    def subscribe(
        self,
        flags: Change,
        callback: Callable[[Change], Any],
        *,
        owner: QObject,
        skip_own: bool = False,
    ) -> Subscription:
        """Call ``callback(changes)`` when any of ``flags`` changed.

        The subscription is a child of ``owner`` and ends when the owner is
        destroyed. With ``skip_own``, changes whose source is ``owner`` are
        ignored.
        """
        return Subscription(self, flags, callback, owner, skip_own)


class Subscription(QObject):
    """One view's interest in some flags; delete it (or its owner) to stop."""

    def __init__(
        self,
        bus: ChangeBus,
        flags: Change,
        callback: Callable[[Change], Any],
        owner: QObject,
        skip_own: bool,
    ) -> None:
        super().__init__(owner)
        self.flags = flags
        self._callback = callback
        self._owner = owner
        self._skip_own = skip_own
        bus.changed.connect(self._on_changed)

    def _on_changed(self, changes: Change, source: object | None) -> None:
        if not changes & self.flags:
            return
        if self._skip_own and source is self._owner:
            return
        self._callback(changes & self.flags)
