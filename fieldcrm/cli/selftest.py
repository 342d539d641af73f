"""`fieldcrm --self-test [--json]`, `fieldcrm --collect-diagnostics FILE.zip`, and the run's log.

Exit codes of ``--self-test``: 0 every check passed (warnings allowed), 1 at least one
check failed. ``--collect-diagnostics`` exits 0 when the zip was written, whatever the
self-test inside it found, and says where the zip is.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from fieldcrm.cli.common import EXIT_USAGE, CliError, print_json

log = logging.getLogger("fieldcrm.cli")


class _RunAction(argparse.Action):
    """A top-level flag that picks what the run does (like a sub-command would)."""

    def __init__(self, option_strings, dest, handler, **kwargs):
        self.handler = handler
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, "top_level_handler", None) not in (None, self.handler):
            parser.error("give either --self-test or --collect-diagnostics, not both")
        namespace.top_level_handler = self.handler
        namespace.top_level_option = option_string
        setattr(namespace, self.dest, True if self.nargs == 0 else values)


def register(sub) -> None:
    """No sub-commands: the self-test is a top-level flag (see :func:`register_options`)."""


def register_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("support")
    group.add_argument("--self-test", action=_RunAction, handler=_self_test, nargs=0,
                       help="check configuration, keyring, replica, disk space and server; "
                            "exit 0 when nothing failed, 1 when a check failed")
    group.add_argument("--json", dest="self_test_json", action="store_true",
                       help="with --self-test: print the result as JSON")
    group.add_argument("--collect-diagnostics", action=_RunAction, handler=_collect,
                       metavar="FILE.zip", type=Path,
                       help="write logs, configuration (secrets removed) and the self-test "
                            "result into FILE.zip for support")


def top_level_handler(args):
    """The handler a top-level flag chose, refusing a flag mixed with a sub-command."""
    handler = getattr(args, "top_level_handler", None)
    if handler is not None and getattr(args, "command", None):
        raise CliError(f"fieldcrm: --self-test and --collect-diagnostics cannot be combined "
                       f"with the command {args.command!r}", EXIT_USAGE)
    if handler is None and getattr(args, "self_test_json", False):
        raise CliError("fieldcrm: --json at the top level goes with --self-test", EXIT_USAGE)
    return handler


# --- the run's log -------------------------------------------------------------------


def _log_level(args) -> str:
    try:
        from fieldcrm.selftest import load_settings_for

        return load_settings_for(args.profile, os.environ).log_level
    except Exception:  # a configuration problem is reported by the self-test, not here
        return "INFO"


@contextmanager
def logged_run(args) -> Iterator[None]:
    """Write this run's log to ``<profile>/logs`` or the per-user log folder.

    The handler is removed when the command ends, so a command run inside another
    program (the tests, a script) leaves its logging as it was.
    """
    from fieldcrm.logs import configure_logging, default_log_dir

    root = logging.getLogger()
    previous_level = root.level
    try:
        handler = configure_logging(default_log_dir(args.profile), _log_level(args))
    except OSError as exc:  # a read-only home must not stop the command
        print(f"fieldcrm: warning: cannot write the log: {exc}", file=sys.stderr)
        yield
        return
    from fieldcrm import __version__

    what = getattr(args, "top_level_option", None) or f"command {args.command}"
    log.info("fieldcrm %s: %s, profile %s", __version__, what, args.profile or "per-user data folder")
    try:
        yield
    except Exception:
        log.exception("fieldcrm stopped on an unexpected error")
        raise
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(previous_level)


# --- handlers ------------------------------------------------------------------------


def _self_test(args) -> int:
    from fieldcrm.selftest import format_report, run_self_test

    report = run_self_test(args.profile)
    if args.self_test_json:
        print_json(report.as_dict())
    else:
        print(format_report(report))
    return report.exit_code


def _collect(args) -> int:
    from fieldcrm.diagnostics import collect_diagnostics
    from fieldcrm.logs import default_log_dir
    from fieldcrm.selftest import load_settings_for, run_self_test

    target: Path = args.collect_diagnostics
    if target.suffix.lower() != ".zip":
        raise CliError(f"fieldcrm: the diagnostics file must end in .zip, got {str(target)!r}", EXIT_USAGE)
    if target.is_dir():
        raise CliError(f"fieldcrm: {target} is a folder; give a file name such as {target / 'fieldcrm-diagnostics.zip'}",
                       EXIT_USAGE)
    settings = load_settings_for(args.profile, os.environ)
    report = run_self_test(args.profile, settings=settings)
    for handler in logging.getLogger().handlers:
        handler.flush()
    try:
        written = collect_diagnostics(target, log_dir=default_log_dir(args.profile), config=settings,
                                      self_test_result=report.as_dict())
    except OSError as exc:
        raise CliError(f"fieldcrm: cannot write {target}: {exc.strerror or exc}") from None
    size_kb = max(1, written.stat().st_size // 1024)
    verdict = "passed" if report.passed else f"FAILED ({len(report.failures)} check(s))"
    print(f"wrote {written} ({size_kb} KB): logs, configuration with secrets removed, "
          f"self-test ({verdict})")
    return 0
