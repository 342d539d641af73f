"""``python -m fieldcrm`` and the entry point of the packaged app (see build.spec)."""

import sys

from fieldcrm.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
