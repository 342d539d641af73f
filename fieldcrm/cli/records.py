"""`fieldcrm records list|get|create|update|delete`."""

from __future__ import annotations

from fieldcrm.cli.common import friendly_errors, open_replica, parse_assignments, print_json


def _summary(row: dict, entity: str) -> str:
    from fieldcrm.storage.registry import entity_class

    cls = entity_class(entity)
    label = " ".join(str(row.get(f) or "") for f in cls.__label__).strip()
    return f"{row['id']}\t{label}"


def _list(args) -> int:
    with friendly_errors():
        from fieldcrm.services.records import RecordService

        rows = RecordService(open_replica(args)).list(
            args.entity, parse_assignments(args.where), search=args.search, limit=args.limit
        )
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print(_summary(row, args.entity))
    return 0


def _get(args) -> int:
    with friendly_errors():
        from fieldcrm.services.records import RecordService

        row = RecordService(open_replica(args)).get(args.entity, args.id)
    if args.json:
        print_json(row)
    else:
        width = max(len(k) for k in row)
        for key, value in row.items():
            print(f"{key.ljust(width)}  {'' if value is None else value}")
    return 0


def _create(args) -> int:
    with friendly_errors():
        from fieldcrm.services.records import RecordService

        row = RecordService(open_replica(args)).create(args.entity, parse_assignments(args.values))
    print_json(row) if args.json else print(row["id"])
    return 0


def _update(args) -> int:
    with friendly_errors():
        from fieldcrm.services.records import RecordService

        row = RecordService(open_replica(args)).update(args.entity, args.id, parse_assignments(args.values))
    if args.json:
        print_json(row)
    return 0


def _delete(args) -> int:
    with friendly_errors():
        from fieldcrm.services.records import RecordService

        RecordService(open_replica(args)).delete(args.entity, args.id)
    return 0


def register(sub) -> None:
    records = sub.add_parser("records", help="list, show, create, change and delete records")
    rsub = records.add_subparsers(dest="records_command", metavar="ACTION", required=True,
                                  parser_class=type(records))

    p = rsub.add_parser("list", help="list records of one type")
    p.add_argument("entity", metavar="ENTITY")
    p.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE")
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list)

    p = rsub.add_parser("get", help="show one record")
    p.add_argument("entity", metavar="ENTITY")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_get)

    p = rsub.add_parser("create", help="create a record; prints its id")
    p.add_argument("entity", metavar="ENTITY")
    p.add_argument("values", nargs="*", metavar="FIELD=VALUE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_create)

    p = rsub.add_parser("update", help="change fields of a record")
    p.add_argument("entity", metavar="ENTITY")
    p.add_argument("id", metavar="ID")
    p.add_argument("values", nargs="+", metavar="FIELD=VALUE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_update)

    p = rsub.add_parser("delete", help="delete a record")
    p.add_argument("entity", metavar="ENTITY")
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=_delete)
