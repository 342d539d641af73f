"""`fieldcrm status`."""

from __future__ import annotations

from fieldcrm.cli.common import open_replica, print_json


def _status(args) -> int:
    from fieldcrm.services.status import replica_status

    info = replica_status(open_replica(args))
    if args.json:
        print_json(info)
        return 0
    print(f"profile:    {info['profile']}")
    print(f"server:     {info['server'] or 'not signed in'}")
    print(f"user:       {info['user'] or '-'}")
    print(f"pending:    {info['pending']} change(s) waiting to sync")
    print(f"parked:     {info['parked']} change(s) the server did not accept")
    print(f"conflicts:  {info['conflicts']} to settle")
    print(f"last sync:  {info['last_sync'] or 'never'}")
    print(f"replica:    {info['replica_bytes'] / 1e6:.1f} MB")
    return 0


def register(sub) -> None:
    p = sub.add_parser("status", help="pending changes, conflicts, last sync, replica size")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_status)
