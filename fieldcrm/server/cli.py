"""fieldcrm-server: set up and run the central server.

    fieldcrm-server [--db URL] init
    fieldcrm-server territory add CODE --name NAME [--parent CODE] [--manager USERNAME]
    fieldcrm-server user add USERNAME --role ROLE [--territory CODE ...] [--manager USERNAME] --password-stdin
    fieldcrm-server user territories USERNAME [--territory CODE ...]
    fieldcrm-server account move ACCOUNT_ID --territory CODE
    fieldcrm-server seed-demo [--accounts N] [--seed S]
    fieldcrm-server serve [--host 127.0.0.1] [--port 8765] [--workers N] [--erp-worker]
    fieldcrm-server device revoke USERNAME [--device ID]
    fieldcrm-server compact [--older-than DAYS]
    fieldcrm-server erp configure|policy|pull|worker|status ...   (see fieldcrm.server.erp.cli)

The database is ``--db URL``, else ``FIELDCRM_SERVER_DB``, else a SQLite file
in the per-user data dir. Errors are one line on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import Optional, Sequence

from fieldcrm.server import admin, blobs
from fieldcrm.server.db import Database
from fieldcrm.server.erp import cli as erp_cli
from fieldcrm.server.migrate import current_revision, head_revision, upgrade
from fieldcrm.server.oplog import OpLog, compact
from fieldcrm.server.settings import DB_ENV, ServerSettings
from fieldcrm.storage.types import utcnow


class CliError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fieldcrm-server", description="The fieldcrm central server.")
    p.add_argument("--db", help=f"database URL (default: ${DB_ENV} or a SQLite file in the user data dir)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("init", help="create or upgrade the database schema")

    territory = sub.add_parser("territory", help="manage territories").add_subparsers(dest="action", required=True)
    t_add = territory.add_parser("add", help="add a territory")
    t_add.add_argument("code")
    t_add.add_argument("--name", required=True)
    t_add.add_argument("--parent", metavar="CODE")
    t_add.add_argument("--manager", metavar="USERNAME")

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="action", required=True)
    u_add = user.add_parser("add", help="add a user; the password is read from stdin")
    u_add.add_argument("username")
    u_add.add_argument("--role", required=True, choices=["rep", "technician", "manager", "admin"])
    u_add.add_argument("--territory", action="append", default=[], metavar="CODE")
    u_add.add_argument("--manager", metavar="USERNAME")
    u_add.add_argument("--name", help="display name (default: the username)")
    u_add.add_argument("--password-stdin", action="store_true", required=True,
                       help="read the password from the first line of stdin")

    u_terr = user.add_parser("territories", help="set the territories a user belongs to")
    u_terr.add_argument("username")
    u_terr.add_argument("--territory", action="append", default=[], metavar="CODE")

    account = sub.add_parser("account", help="manage accounts").add_subparsers(dest="action", required=True)
    a_move = account.add_parser("move", help="move an account (and its rows) to another territory")
    a_move.add_argument("account_id")
    a_move.add_argument("--territory", required=True, metavar="CODE")

    seed = sub.add_parser("seed-demo", help="load the demo organisation; prints every demo password once")
    seed.add_argument("--accounts", type=int, default=200)
    seed.add_argument("--seed", type=int, default=1)

    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--erp-worker", action="store_true", help="also run the ERP worker in this process")

    device = sub.add_parser("device", help="manage signed-in devices").add_subparsers(dest="action", required=True)
    d_revoke = device.add_parser("revoke", help="sign a user's device (or all devices) out")
    d_revoke.add_argument("username")
    d_revoke.add_argument("--device", metavar="ID")

    comp = sub.add_parser("compact", help="drop old REMOVE ops from the op log and uploads never finished")
    comp.add_argument("--older-than", type=float, default=None, metavar="DAYS")
    erp_cli.register(sub)
    return p


def _ready(db: Database) -> None:
    if current_revision(db.engine) != head_revision():
        raise CliError("the database is not initialised or is out of date: run 'fieldcrm-server init'")


def _read_password() -> str:
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise CliError("no password on stdin (use --password-stdin and pipe it in)")
    return password


def _admin_write(db: Database, fn, *args, **kwargs):
    with db.write() as session:
        oplog = OpLog(session)
        result = fn(session, oplog, *args, **kwargs)
        oplog.flush()
        return result


def _serve(settings: ServerSettings, args) -> int:
    import uvicorn

    from fieldcrm.server.logging_config import uvicorn_log_config

    os.environ[DB_ENV] = settings.db_url
    if args.erp_worker:
        from fieldcrm.server.erp.worker import run_in_thread

        run_in_thread(settings.db_url)
    uvicorn.run(
        "fieldcrm.server.app:app_from_env", factory=True, host=args.host, port=args.port,
        workers=args.workers if args.workers > 1 else None, access_log=False,
        log_config=uvicorn_log_config(), timeout_graceful_shutdown=30,
        # Laptops pause between requests of a round; keep their connections.
        timeout_keep_alive=30,
    )
    return 0


def run(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = ServerSettings.from_env(db_url=args.db)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    db = Database(settings.db_url, pool_size=2)
    try:
        if args.command == "init":
            upgrade(db.engine)
            print(f"database ready at revision {head_revision()}")
            return 0
        _ready(db)
        if args.command == "serve":
            db.dispose()
            return _serve(settings, args)
        if args.command == "erp":
            return erp_cli.run(db, args)
        if args.command == "territory":
            t = _admin_write(db, admin.add_territory, code=args.code, name=args.name,
                             parent=args.parent, manager=args.manager)
            print(f"territory {t.code} added ({t.id})")
        elif args.command == "user" and args.action == "territories":
            codes = _admin_write(db, admin.set_territories, args.username, args.territory)
            print(f"user {args.username} now belongs to: {', '.join(codes) or 'no territory'}")
        elif args.command == "user":
            password = _read_password()
            u = _admin_write(db, admin.add_user, username=args.username, role=args.role, password=password,
                             display_name=args.name, territories=args.territory, manager=args.manager)
            print(f"user {u.username} added ({u.id})")
        elif args.command == "account":
            row = _admin_write(db, admin.move_account, args.account_id, args.territory)
            print(f"account {row['id']} is now in territory {args.territory}")
        elif args.command == "device":
            with db.write() as session:
                count = admin.revoke_devices(session, args.username, args.device)
            print(f"{count} device token(s) revoked")
        elif args.command == "seed-demo":
            from fieldcrm.server.seed import seed_demo

            seed_demo(db, accounts=args.accounts, seed=args.seed, out=sys.stdout)
        elif args.command == "compact":
            days = settings.compaction_days if args.older_than is None else args.older_than
            with db.write() as session:
                cutoff = utcnow() - dt.timedelta(days=days)
                removed = compact(session, cutoff)
                dropped = blobs.drop_unfinished(session, cutoff)
            print(f"{removed} old REMOVE op(s) compacted")
            print(f"{dropped} unfinished upload(s) dropped")
        return 0
    finally:
        db.dispose()


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        return run(argv)
    except (CliError, admin.AdminError) as exc:
        print(f"fieldcrm-server: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a database that cannot be reached, and the like
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, (SQLAlchemyError, OSError)):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            print(f"fieldcrm-server: error: {first}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
