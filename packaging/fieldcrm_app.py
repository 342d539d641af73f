"""Entry point of ``fieldcrm-app.exe`` on Windows: the desktop app without a console window.

``fieldcrm-app.exe [ARGS]`` is ``fieldcrm app [ARGS]``; the start-menu shortcut points here,
while ``fieldcrm.exe`` stays the console program for scripts and ``--self-test``.
"""

import sys

from fieldcrm.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["app", *sys.argv[1:]]))
