"""`fieldcrm attach` and `fieldcrm attachment get`.

``attach`` works offline: the file is copied into the profile and its row
waits in the outbox; the next sync sends both. ``attachment get`` writes an
attachment's file to ``--out``, downloading it from the server first when it
is not on this laptop (exit 3: the server cannot be reached; 4: sign in again).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from fieldcrm.cli.common import CliError, friendly_errors, open_replica, print_json

EXIT_UNREACHABLE, EXIT_SIGN_IN = 3, 4


def _attach(args) -> int:
    with friendly_errors():
        from fieldcrm.services.attachments import AttachmentService

        row = AttachmentService(open_replica(args)).attach(args.entity, args.id, args.file, name=args.name)
    print_json(row) if args.json else print(row["id"])
    return 0


def _download(args, service, attachment_id: str) -> Path:
    """The attachment's content from the server, with this laptop's sign-in."""
    from fieldcrm.cli.sync import _service
    from fieldcrm.sync.transport import SignInNeeded, SyncError

    if not service.replica.get_state("username"):  # before the keyring is opened for nothing
        raise CliError("fieldcrm: the file is not on this laptop and nobody is signed in: "
                       "run `fieldcrm login` first", EXIT_SIGN_IN)
    try:
        return _service(args, service.replica).fetch_attachment(attachment_id)
    except SignInNeeded as exc:
        raise CliError(f"fieldcrm: {exc}", EXIT_SIGN_IN) from None
    except SyncError as exc:
        from fieldcrm.sync.engine import error_kind

        code = EXIT_UNREACHABLE if error_kind(exc) == "unreachable" else 1
        raise CliError(f"fieldcrm: the file could not be downloaded: {exc}", code) from None


def _get(args) -> int:
    with friendly_errors():
        from fieldcrm.services.attachments import AttachmentService

        service = AttachmentService(open_replica(args))
        source = service.content_path(args.id) or _download(args, service, args.id)
    out = Path(args.out)
    try:
        if out.is_dir():
            out = out / service.records.get("attachment", args.id)["name"]
        shutil.copyfile(source, out)
    except OSError as exc:
        raise CliError(f"fieldcrm: cannot write {out}: {exc.strerror or exc}") from None
    print(out)
    return 0


def register(sub) -> None:
    p = sub.add_parser("attach", help="attach a file to a service job, account or visit; prints its id")
    p.add_argument("entity", metavar="ENTITY", help="service_job, account or visit")
    p.add_argument("id", metavar="ROW_ID")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--name", help="the name shown for the file (default: the file's own name)")
    p.add_argument("--json", action="store_true", help="print the new attachment row as JSON")
    p.set_defaults(handler=_attach)

    p = sub.add_parser("attachment", help="attachments' files")
    asub = p.add_subparsers(dest="attachment_command", metavar="ACTION", required=True, parser_class=type(p))
    g = asub.add_parser("get", help="write an attachment's file to --out, downloading it when needed")
    g.add_argument("id", metavar="ATTACHMENT_ID")
    g.add_argument("--out", required=True, type=Path, metavar="PATH", help="a file, or a folder to put it in")
    g.set_defaults(handler=_get)
