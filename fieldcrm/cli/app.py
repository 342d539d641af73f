"""`fieldcrm app` opens the desktop window; `fieldcrm demo` the demo with its own server."""

from __future__ import annotations


def _app(args) -> int:
    from fieldcrm.ui.app import run_app

    return run_app(args.profile, quit_after=args.quit_after)


def _seconds(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value < 86400:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return value


def _demo(args) -> int:
    from fieldcrm.demo.run import run

    return run(args.folder, offline=args.offline)


def register(subparsers) -> None:
    app = subparsers.add_parser("app", help="open the desktop app on the profile's replica")
    app.add_argument("--quit-after", type=_seconds, metavar="SECONDS",
                     help="close the window after SECONDS and exit 0 (a smoke test of the install)")
    app.set_defaults(handler=_app)
    demo = subparsers.add_parser("demo", help="start a demo server, sign a demo rep in and open the app")
    from pathlib import Path

    demo.add_argument("--folder", type=Path, default=Path(".demo"), help="where the demo keeps its files")
    demo.add_argument("--offline", action="store_true", help="no server: a generated replica only")
    demo.set_defaults(handler=_demo)
