"""Runs first in the packaged app, before fieldcrm is imported.

Programs the app starts (the browser for a link, the PDF viewer for an attachment, the
mail client) must not inherit the bundle's library path: they would load fieldcrm's
copies of Qt, OpenSSL or ICU instead of their own and crash. PyInstaller keeps the
caller's original value in ``<name>_ORIG``; children get that back. The app itself has
already loaded its libraries, so it is not affected.
"""

import os
import sys


def _restore_child_environment() -> None:
    for name in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"):
        original = os.environ.pop(f"{name}_ORIG", None)
        if original is not None:
            os.environ[name] = original
        elif name in os.environ and getattr(sys, "_MEIPASS", None) in os.environ[name]:
            del os.environ[name]


if getattr(sys, "frozen", False):
    _restore_child_environment()
