"""`fieldcrm`: the laptop's scripting command line.

Used by IT, power users and the end-to-end tests. Bad input exits non-zero
with one clear line on stderr and changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Optional, Sequence

from fieldcrm import __version__

from fieldcrm.cli.common import EXIT_OK, EXIT_USAGE, CliError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, exit 2
        raise CliError(f"{self.prog}: {message}", EXIT_USAGE)


# Each command module adds its sub-commands: register(subparsers) -> None.
def _command_modules():
    from fieldcrm.cli import attachments, records, status

    modules = [records, attachments, status]
    for optional in ("fieldcrm.cli.sync", "fieldcrm.cli.app", "fieldcrm.cli.selftest"):
        try:
            modules.append(__import__(optional, fromlist=["register"]))
        except ImportError:
            pass
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fieldcrm", description="fieldcrm laptop client")
    parser.add_argument("--version", action="version", version=f"fieldcrm {__version__}")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="use the replica and settings in DIR instead of the per-user data dir")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in _command_modules():
        module.register(sub)
        if hasattr(module, "register_options"):  # top-level flags such as --self-test
            module.register_options(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        from fieldcrm.cli.selftest import logged_run, top_level_handler

        handler: Optional[Callable] = top_level_handler(args) or getattr(args, "handler", None)
        if handler is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        with logged_run(args):
            return handler(args) or EXIT_OK
    except CliError as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("fieldcrm: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
