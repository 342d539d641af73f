"""`fieldcrm app` opens the desktop window; `fieldcrm demo` the demo with its own server."""

from __future__ import annotations


def _app(args) -> int:
    from fieldcrm.ui.app import run_app

    return run_app(args.profile)


def _demo(args) -> int:
    from fieldcrm.demo.run import run

    return run(args.folder, offline=args.offline)


def register(subparsers) -> None:
    app = subparsers.add_parser("app", help="open the desktop app on the profile's replica")
    app.set_defaults(handler=_app)
    demo = subparsers.add_parser("demo", help="start a demo server, sign a demo rep in and open the app")
    from pathlib import Path

    demo.add_argument("--folder", type=Path, default=Path(".demo"), help="where the demo keeps its files")
    demo.add_argument("--offline", action="store_true", help="no server: a generated replica only")
    demo.set_defaults(handler=_demo)
