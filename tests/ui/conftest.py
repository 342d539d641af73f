"""Qt test set-up for the desktop UI: no display is needed.

The platform plugin is chosen when the QApplication is created, so the
variable must be set before anything imports PySide6.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402  (after the platform is chosen)

from fieldcrm.ui.runner import TaskRunner  # noqa: E402


@pytest.fixture
def runner(qtbot):
    """A task runner for one test; queued work is cancelled at the end."""
    runner = TaskRunner()
    yield runner
    runner.shutdown(cancel_pending=True)
