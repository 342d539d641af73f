"""`fieldcrm login|logout|sync|conflicts`.

Exit codes of ``sync``: 0 the round completed (everything pending was sent
and answered, the pull finished); 3 the server cannot be reached; 4 sign in
again; 1 anything else. Nothing pending is ever lost by a failed round.

``sync --progress-json --token-stdin`` is how the desktop app runs a first
sync in a process of its own: the device token comes as the first line of
standard input (never the command line or the environment, and the keyring
is not opened), each progress step is one JSON line on standard output
(``{"phase": "pull", "done": 5000, "total": null}``) and the last line is
``{"summary": {...}}``.
"""

from __future__ import annotations

import os
import sys

from fieldcrm.cli.common import open_replica, print_json
from fieldcrm.cli.main import EXIT_USAGE, CliError

EXIT_UNREACHABLE, EXIT_SIGN_IN = 3, 4


def _settings(args):
    from fieldcrm.config import config_files, load_site_settings

    return load_site_settings(config_files(os.environ, profile=args.profile), os.environ)


class _GivenToken:
    """The credentials of a round whose token was handed over on standard input:
    nothing is read from or written to the keyring."""

    def __init__(self, token: str):
        self._token = token

    def load_token(self, server_url: str, username: str):
        return self._token


def _service(args, replica=None, token=None):
    from fieldcrm.services.sync_service import SyncService
    from fieldcrm.sync.credentials import InsecureKeyringError, KeyringUnavailableError

    page_rows = os.environ.get("FIELDCRM_SYNC_PAGE_ROWS", "").strip()  # tuning for IT, and tests
    options = {"page_rows": int(page_rows) if page_rows.isdigit() else None}
    if token is not None:
        return SyncService(replica or open_replica(args), _GivenToken(token), settings=_settings(args), **options)
    try:
        return SyncService.open(replica or open_replica(args), _settings(args), **options)
    except (InsecureKeyringError, KeyringUnavailableError) as exc:
        raise CliError(f"fieldcrm: {exc}") from None


def _login(args) -> int:
    from fieldcrm.sync.transport import SyncError

    if not args.password_stdin:
        raise CliError("fieldcrm: give the password on standard input with --password-stdin", EXIT_USAGE)
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CliError("fieldcrm: no password on standard input", EXIT_USAGE)
    service = _service(args)
    server = args.server or getattr(service.settings, "server_url", None)
    if not server:
        raise CliError("fieldcrm: give the server's address with --server URL", EXIT_USAGE)
    try:
        account = service.login(server, args.user, password)
    except SyncError as exc:
        raise CliError(f"fieldcrm: sign-in failed: {exc}", EXIT_SIGN_IN) from None
    print(f"signed in to {account.server_url} as {account.username} ({account.role})")
    return 0


def _logout(args) -> int:
    service = _service(args)
    if service.account() is None:
        print("not signed in")
        return 0
    confirmed = service.logout()
    pending = " (changes not yet sent stay on this laptop until you sign in again)"
    print(("signed out" if confirmed else "signed out on this laptop; the server was not reached") + pending)
    return 0


def _progress_printer():
    if not sys.stderr.isatty():
        return None

    def show(progress) -> None:
        total = f"/{progress.total}" if progress.total else ""
        sys.stderr.write(f"\r{progress.phase}: {progress.done}{total}   ")
        if progress.phase == "done":
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _progress_lines(progress) -> None:
    print_json({"phase": progress.phase, "done": progress.done, "total": progress.total})
    sys.stdout.flush()


def _sync(args) -> int:
    token = None
    if args.token_stdin:
        token = sys.stdin.readline().rstrip("\r\n")
        if not token:
            raise CliError("fieldcrm: no token on standard input", EXIT_USAGE)
    service = _service(args, token=token)
    progress = _progress_lines if args.progress_json else _progress_printer()
    summary = service.sync_now(progress, verify=not args.no_verify)
    if args.progress_json:
        print_json({"summary": summary.as_dict()})
    elif args.json:
        print_json(summary.as_dict())
    if summary.ok:
        if not (args.json or args.progress_json):
            print(f"pushed {summary.pushed} ({summary.applied} applied, {summary.merged} merged, "
                  f"{summary.conflicts} conflicts, {summary.rejected} rejected); "
                  f"pulled {summary.pulled_rows} rows, removed {summary.removed_rows}; "
                  f"{summary.seconds:.1f} s")
            for message in summary.parked_messages:
                print(f"  needs your attention: {message}")
        return 0
    code = {"unreachable": EXIT_UNREACHABLE, "sign_in": EXIT_SIGN_IN}.get(summary.error_kind, 1)
    print(f"fieldcrm: sync did not complete: {summary.error}; nothing waiting to be sent was lost",
          file=sys.stderr)
    return code


def _conflicts(args) -> int:
    from fieldcrm.services.conflicts import ConflictService, ParkedChangeNotFound

    service = ConflictService(open_replica(args))
    if getattr(args, "conflicts_command", None) == "resolve":
        try:
            service.resolve(args.id, args.keep)
        except ParkedChangeNotFound as exc:
            raise CliError(f"fieldcrm: {exc}") from None
        print(f"settled {args.id}: keeping {args.keep}")
        return 0
    changes = service.list_open()
    if args.json:
        print_json([c.as_dict() for c in changes])
        return 0
    if not changes:
        print("nothing to settle")
    for c in changes:
        print(f"{c.id}\t{c.kind}\t{c.entity} {c.row_id}\t{c.message}")
        for name, v in c.fields.items():
            print(f"    {name}: base={v.get('base')!r} mine={v.get('mine')!r} theirs={v.get('theirs')!r}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("login", help="sign in to the server; the token goes to the OS keyring")
    p.add_argument("--server", metavar="URL", help="the server's address (default: the site config's)")
    p.add_argument("--user", required=True, metavar="NAME")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(handler=_login)

    p = sub.add_parser("logout", help="sign out: revoke and forget this laptop's token")
    p.set_defaults(handler=_logout)

    p = sub.add_parser("sync", help="one full sync round: send changes, receive changes, check")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-verify", action="store_true", help="skip the final count/checksum comparison")
    p.add_argument("--progress-json", action="store_true",
                   help="one JSON line per progress step on standard output, then the summary")
    p.add_argument("--token-stdin", action="store_true",
                   help="read the device token from standard input instead of the keyring")
    p.set_defaults(handler=_sync)

    p = sub.add_parser("conflicts", help="changes the server did not take, and settling them")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_conflicts)
    csub = p.add_subparsers(dest="conflicts_command", metavar="ACTION", parser_class=type(p))
    r = csub.add_parser("resolve", help="settle one: keep my values or the server's")
    r.add_argument("id", metavar="ID")
    r.add_argument("--keep", required=True, choices=("mine", "theirs"))
    r.set_defaults(handler=_conflicts, json=False)
