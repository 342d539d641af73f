"""Starting the app: the window first, the replica behind it, and a timed quit."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

from fieldcrm.ui.app import close_context, make_context, open_replica
from fieldcrm.ui.main_window import MainWindow

from test_app_support import demo_replica  # noqa: F401  (fixture)


def test_window_shows_while_its_replica_opens_then_fills_the_page_asked_for(qtbot, demo_replica, tmp_path):
    profile = demo_replica.profile_dir
    demo_replica.close()
    ctx = make_context(None, profile)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.stack.currentWidget().text() == "Opening your data…"
    assert win.nav.count() == 12  # the navigation answers at once
    win.show_page("account")  # asked for before the replica is open
    assert win.nav.currentItem().text() == "Accounts"

    opened = []
    open_replica(ctx, profile, lambda replica: (win.replica_opened(), opened.append(replica)),
                 lambda exc: opened.append(exc))
    qtbot.waitUntil(lambda: bool(opened), timeout=30_000)
    page = win.stack.currentWidget()
    assert page.objectName() == "list-account"
    qtbot.waitUntil(lambda: page.model.rowCount() == 42, timeout=10_000)
    qtbot.waitUntil(lambda: page.model.index(0, 0).data() == "Acme Tools")
    qtbot.waitUntil(lambda: win.statusBar().pending.text() == "0 changes to send")
    win.close()
    close_context(ctx)
    ctx.replica.close()


def test_app_quits_by_itself_after_the_given_seconds(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "fieldcrm.cli.main", "--profile", str(tmp_path / "p"),
                          "app", "--quit-after", "0.5"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "p" / "replica.sqlite").exists()  # it opened (and made) the replica


def test_quit_after_wants_a_number_of_seconds(tmp_path):
    out = subprocess.run([sys.executable, "-m", "fieldcrm.cli.main", "--profile", str(tmp_path / "p"),
                          "app", "--quit-after", "soon"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "not a number of seconds" in out.stderr
    assert not (tmp_path / "p").exists()


def loaded_by(imports: str, watched: tuple[str, ...]) -> list[str]:
    """Which of ``watched`` a fresh interpreter has loaded after ``import <imports>``."""
    code = f"import sys, {imports}; print(sorted(m for m in {watched!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return ast.literal_eval(out.stdout.strip())


def test_window_modules_leave_the_storage_layer_to_the_replica_thread():
    """What the window needs to show must not import SQLAlchemy, Alembic or the
    routing solver: those load behind the shown window (see fieldcrm.ui.app)."""
    assert loaded_by("fieldcrm.cli.main, fieldcrm.ui.app, fieldcrm.ui.main_window",
                     ("sqlalchemy", "alembic", "fieldcrm.routing", "fieldcrm.storage.replica")) == []


def test_the_first_pages_leave_network_code_and_forms_until_they_are_used():
    """The start page (Today) and the account page are made on the GUI thread
    as the window opens; importing requests and the record forms there held
    the window still for about 0.2 s. They load when a file is first opened
    or a form first shown."""
    assert loaded_by("fieldcrm.ui.main_window, fieldcrm.ui.views.today, fieldcrm.ui.views.account_360",
                     ("requests", "fieldcrm.sync.transport", "fieldcrm.ui.forms.record_form",
                      "fieldcrm.ui.forms.attachments")) == []


def test_a_record_form_loads_no_network_code():
    """The first form opened (with its file panel) is made on the GUI thread:
    the network code loads only when a file is first downloaded."""
    assert loaded_by("fieldcrm.ui.forms.record_form, fieldcrm.ui.forms.attachments, fieldcrm.ui.forms.signature",
                     ("requests", "fieldcrm.sync.transport")) == []
