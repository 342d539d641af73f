"""Qt test set-up for the desktop UI: no display is needed.

The platform plugin is chosen when the QApplication is created, so the
variable must be set before anything imports PySide6.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
