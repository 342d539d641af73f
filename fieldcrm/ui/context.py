"""What every view is handed: the replica's services, the runner, the bus.

Views receive one :class:`AppContext` instead of reaching for globals. The
:class:`Navigator` is how a view asks for a record to be shown or edited
without knowing which window or dialog does it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Optional

from PySide6.QtCore import QObject, Signal

from fieldcrm.ui.changes import ChangeBus
from fieldcrm.ui.runner import Op, TaskRunner

if TYPE_CHECKING:  # the storage layer is imported on the replica thread at start
    from fieldcrm.services.records import RecordService
    from fieldcrm.storage.replica import Replica


class Navigator(QObject):
    """Requests to show records; the main window decides how.

    ``open_record(entity, id)``: show it (the account 360° for accounts, the
    form for the rest). ``edit_record(entity, id)``: the form, for any record.
    ``new_record(entity, defaults)``: a form to create one.
    ``show_page(key)``: switch the main window to a page.
    """

    open_record = Signal(str, str)
    edit_record = Signal(str, str)
    new_record = Signal(str, object)
    show_page = Signal(str)


@dataclass
class AppContext:
    replica: Optional[Replica]  # None while the app is still opening it
    runner: TaskRunner
    bus: ChangeBus
    prefs: Any  # the UI settings object (window state, saved filters)
    navigator: Navigator = field(default_factory=Navigator)
    site: Any = None  # fieldcrm.config.Settings, when loaded
    edits: Any = None  # fieldcrm.ui.edits.EditHistory, set by the app
    sync: Any = None  # fieldcrm.ui.sync_controller.SyncController, set by the window
    closed: bool = False  # set when the app shuts down: late timers start nothing

    @property
    def records(self) -> RecordService:
        from fieldcrm.services.records import RecordService

        return RecordService(self.replica)

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Optional[Callable[[Any], None]] = None,
        failed: Optional[Callable[[BaseException], None]] = None,
        label: str = "",
        owner: Optional[QObject] = None,
    ):
        """Run ``fn(replica, *args)`` on the replica thread; ``done(result)`` after.

        With ``owner`` (the widget the callbacks update), they are dropped if
        it is deleted first. Once the app is closing, nothing new starts
        (returns None)."""
        if self.closed:
            return None
        op = Op(fn, self.replica, *args, label=label)
        if owner is not None:
            op.owned_by(owner)
        if done is not None:
            op.success(done)
        if failed is not None:
            op.failure(failed)
        return op.run(self.runner)
