"""Start the desktop app on a profile: replica, runner, bus, settings, window."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import QApplication

from fieldcrm.storage.replica import Replica, default_profile_dir
from fieldcrm.ui.changes import ChangeBus
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.edits import EditHistory
from fieldcrm.ui.prefs import open_prefs
from fieldcrm.ui.runner import TaskRunner


def load_site_config(profile_dir: Path):
    """The site configuration (server address, keyring policy), problems kept on it."""
    from fieldcrm.config import config_files, load_site_settings

    return load_site_settings(config_files(os.environ, profile=profile_dir), os.environ)


def make_context(replica: Replica, profile_dir: Optional[Path] = None, *, site=None) -> AppContext:
    """Everything a window needs, for one replica. Call on the GUI thread."""
    profile_dir = Path(profile_dir or replica.profile_dir)
    runner = TaskRunner()
    bus = ChangeBus()
    ctx = AppContext(replica=replica, runner=runner, bus=bus, prefs=open_prefs(profile_dir), site=site)
    ctx.edits = EditHistory(replica, runner, bus)
    return ctx


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


def run_app(profile_dir: Optional[Path] = None, *, on_window=None) -> int:
    """Open the main window on the profile's replica; returns the exit code."""
    app = ensure_application()
    profile_dir = Path(profile_dir) if profile_dir else default_profile_dir()
    replica = Replica.open(profile_dir)
    try:
        site = load_site_config(profile_dir)
    except Exception:  # a broken site file must not keep the app from opening
        site = None
    ctx = make_context(replica, profile_dir, site=site)
    from fieldcrm.ui.language import install_translators
    from fieldcrm.ui.main_window import MainWindow

    install_translators(app, ctx.prefs.get("ui/language"))
    window = MainWindow(ctx)
    if on_window is not None:
        on_window(window)
    window.show()
    window.sync.start()
    try:
        return app.exec()
    finally:
        close_context(ctx)
        replica.close()
