"""Start the desktop app on a profile: settings, window, then the replica.

The window shows before the storage layer is even imported: SQLAlchemy, the
models and the replica's migrations load on the runner's replica thread as
its first op, while the window already paints and answers. Every later
replica op is queued behind that one, so it finds the replica open.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from fieldcrm.ui.changes import ChangeBus
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.edits import EditHistory
from fieldcrm.ui.prefs import open_prefs
from fieldcrm.ui.runner import Op, TaskRunner

if TYPE_CHECKING:
    from fieldcrm.storage.replica import Replica
    from fieldcrm.ui.main_window import MainWindow

log = logging.getLogger(__name__)

#: Loaded on the replica thread with the replica, so the first page builds
#: without importing them on the GUI thread.
PRELOAD = ("fieldcrm.services.views", "fieldcrm.services.view_today", "fieldcrm.services.view_account",
           "fieldcrm.services.view_search", "fieldcrm.services.status", "fieldcrm.services.records")


def load_site_config(profile_dir: Path):
    """The site configuration (server address, keyring policy), problems kept on it."""
    from fieldcrm.config import config_files, load_site_settings

    return load_site_settings(config_files(os.environ, profile=profile_dir), os.environ)


def default_profile_dir() -> Path:
    """The per-user data folder (as :func:`fieldcrm.storage.replica.default_profile_dir`,
    without importing the storage layer)."""
    import platformdirs

    from fieldcrm.config.paths import APP_NAME

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def make_context(replica: Optional[Replica], profile_dir: Optional[Path] = None, *, site=None,
                 prefs=None) -> AppContext:
    """Everything a window needs, for one replica (``None``: still opening,
    see :func:`open_replica`). Call on the GUI thread."""
    profile_dir = Path(profile_dir or replica.profile_dir)
    runner = TaskRunner()
    bus = ChangeBus()
    ctx = AppContext(replica=replica, runner=runner, bus=bus, prefs=prefs or open_prefs(profile_dir, site), site=site)
    ctx.edits = EditHistory(ctx)
    return ctx


def _open_replica(profile_dir: Path) -> Replica:
    """On the replica thread: import the storage layer, open and migrate."""
    from fieldcrm.storage.replica import Replica

    replica = Replica.open(profile_dir)
    for module in PRELOAD:
        importlib.import_module(module)
    return replica


def open_replica(ctx: AppContext, profile_dir: Path, opened: Callable[[Replica], None],
                 failed: Callable[[BaseException], None]) -> None:
    """Queue the replica's opening as the next replica op; ``opened(replica)``
    runs on the GUI thread with ``ctx.replica`` already set."""

    def done(replica: Replica) -> None:
        ctx.replica = replica
        opened(replica)

    Op(_open_replica, profile_dir, label=QApplication.translate("App", "Opening your data…")) \
        .success(done).failure(failed).run(ctx.runner)


def close_context(ctx: AppContext) -> None:
    """Let queued saves finish, then stop the workers."""
    ctx.closed = True
    ctx.runner.shutdown()
    ctx.prefs.sync()


def ensure_application(argv: Optional[list[str]] = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or sys.argv[:1])
        app.setApplicationName("fieldcrm")
        app.setOrganizationName("fieldcrm")
        app.setApplicationDisplayName("fieldcrm")
    return app


def run_app(profile_dir: Optional[Path] = None, *, on_window: Optional[Callable[[MainWindow], None]] = None,
            on_shown: Optional[Callable[[MainWindow], None]] = None,
            quit_after: Optional[float] = None) -> int:
    """Open the main window on the profile's replica; returns the exit code.

    ``on_shown(window)`` runs as soon as the window is shown, ``on_window(window)``
    once its replica is open and its pages can be used. With ``quit_after``
    the window closes itself after that many seconds (exit code 0).
    """
    app = ensure_application()
    profile_dir = Path(profile_dir) if profile_dir else default_profile_dir()
    try:
        site = load_site_config(profile_dir)
    except Exception:  # a broken site file must not keep the app from opening
        site = None
    prefs = open_prefs(profile_dir, site)
    from fieldcrm.ui.language import install_translators
    from fieldcrm.ui.main_window import MainWindow

    install_translators(app, prefs.get("ui/language"))
    ctx = make_context(None, profile_dir, site=site, prefs=prefs)
    window = MainWindow(ctx)
    exit_code = 0

    def opened(_replica: Replica) -> None:
        window.replica_opened()
        if on_window is not None:
            on_window(window)
        window.sync.start()

    def failed(exc: BaseException) -> None:
        nonlocal exit_code
        log.error("the replica in %s could not be opened", profile_dir, exc_info=exc)
        exit_code = 1
        QMessageBox.critical(window, QApplication.translate("App", "fieldcrm"),
                             QApplication.translate("App", "Your data in %1 could not be opened:\n%2")
                             .replace("%1", str(profile_dir)).replace("%2", str(exc) or type(exc).__name__))
        window.close()

    open_replica(ctx, profile_dir, opened, failed)
    window.show()
    if on_shown is not None:
        on_shown(window)
    if quit_after is not None:
        QTimer.singleShot(round(quit_after * 1000), window, window.close)
    try:
        code = app.exec()
        return exit_code or code
    finally:
        close_context(ctx)
        if ctx.replica is not None:
            ctx.replica.close()
