"""``fieldcrm-server erp ...``: connect the server to an ERP and run the reconciliation.

    fieldcrm-server erp configure --kind tryton --url URL --database DB --user U --password-stdin
                                  [--ca-bundle PEM] [--no-verify-tls] [--no-check]
    fieldcrm-server erp policy [--allow-customer-create yes|no] [--default-territory CODE]
                               [--pull-interval S] [--reconcile-interval S] [--submit-settle S]
    fieldcrm-server erp pull [--full] [--json]
    fieldcrm-server erp worker [--exit-when-idle] [--no-pull]
    fieldcrm-server erp status [--json]
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading

from sqlalchemy import select

from fieldcrm.erp.connector import ErpError
from fieldcrm.server.db import Database
from fieldcrm.server.erp import config
from fieldcrm.server.erp.jobs import queue_status
from fieldcrm.storage.reference import Territory

POLICY_OPTIONS = {
    "allow_customer_create": "allow_erp_customer_create",
    "default_territory": "default_territory",
    "pull_interval": "pull_interval",
    "reconcile_interval": "reconcile_interval",
    "submit_settle": "submit_settle",
}


def register(sub) -> None:
    erp = sub.add_parser("erp", help="connect to the ERP and reconcile with it").add_subparsers(
        dest="action", required=True)
    conf = erp.add_parser("configure", help="store the ERP connection; the password is read from stdin")
    conf.add_argument("--kind", required=True, choices=config.KINDS)
    conf.add_argument("--url", required=True)
    conf.add_argument("--database", required=True)
    conf.add_argument("--user", required=True)
    conf.add_argument("--password-stdin", action="store_true", required=True,
                      help="read the ERP password from the first line of stdin")
    conf.add_argument("--ca-bundle", metavar="PEM", help="CA certificates for a private ERP certificate")
    conf.add_argument("--no-verify-tls", action="store_true", help="do not check the ERP's TLS certificate")
    conf.add_argument("--no-check", action="store_true", help="store without signing in to the ERP")

    pol = erp.add_parser("policy", help="how the server reconciles (shown by 'erp status')")
    pol.add_argument("--allow-customer-create", choices=("yes", "no"),
                     help="create customers made on laptops in the ERP")
    pol.add_argument("--default-territory", metavar="CODE",
                     help="territory of new ERP customers ('' leaves them unassigned)")
    pol.add_argument("--pull-interval", type=float, metavar="SECONDS",
                     help="master-data pull by the worker every so often; 0: never")
    pol.add_argument("--reconcile-interval", type=float, metavar="SECONDS",
                     help="full id scan for deletions in the ERP every so often")
    pol.add_argument("--submit-settle", type=float, metavar="SECONDS",
                     help="how long a submitted order waits for the rest of its lines")

    pull = erp.add_parser("pull", help="one master-data pass: customers, products, prices, credit")
    pull.add_argument("--full", action="store_true", help="also scan for rows deleted in the ERP")
    pull.add_argument("--json", action="store_true")

    work = erp.add_parser("worker", help="send queued orders and customers to the ERP")
    work.add_argument("--exit-when-idle", action="store_true", help="stop once no job is ready")
    work.add_argument("--no-pull", action="store_true", help="do not pull master data on the way")
    work.add_argument("--idle-sleep", type=float, default=1.0, metavar="SECONDS")

    stat = erp.add_parser("status", help="queue depth, last pull, last error")
    stat.add_argument("--json", action="store_true")


def _fail(message: str):
    from fieldcrm.server.cli import CliError

    raise CliError(message)


def _configure(db: Database, args) -> int:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        _fail("no password on stdin (use --password-stdin and pipe it in)")
    try:
        with db.write() as session:
            connection = config.save_connection(
                session, kind=args.kind, url=args.url, database=args.database, user=args.user,
                password=password, verify_tls=not args.no_verify_tls, ca_bundle=args.ca_bundle)
            if not args.no_check:
                connector = connection.connector()
                try:
                    connector.order_status("fieldcrm-connection-check")
                finally:
                    connector.close()
    except (ValueError, ErpError, config.SecretKeyError) as exc:
        _fail(f"ERP not configured: {exc}")
    print(f"ERP configured: {connection.describe()} (password encrypted with {config.secret_file()})")
    return 0


def _policy(db: Database, args) -> int:
    with db.write() as session:
        for option, key in POLICY_OPTIONS.items():
            value = getattr(args, option)
            if value is None:
                continue
            if option == "allow_customer_create":
                value = "true" if value == "yes" else "false"
            elif option == "default_territory" and value:
                if session.execute(select(Territory).where(Territory.code == value)).scalar_one_or_none() is None:
                    _fail(f"no territory with code {value!r}")
            elif option != "default_territory" and value < 0:
                _fail(f"--{option.replace('_', '-')} must not be negative")
            config.set_value(session, f"policy.{key}", str(value))
        shown = {key: config.policy(session, key) for key in config.DEFAULTS}
    for key, value in shown.items():
        print(f"{key} = {value}")
    return 0


def _pull(db: Database, args) -> int:
    from fieldcrm.server.erp.masterdata import pull_master_data
    from fieldcrm.server.erp.worker import record_error

    try:
        with db.read() as session:
            connection = config.load_connection(session)
        connector = connection.connector()
        try:
            summary = pull_master_data(db, connector, full=True if args.full else None)
        finally:
            connector.close()
    except (ErpError, config.ErpNotConfigured, config.SecretKeyError, ValueError) as exc:
        record_error(db, f"master-data pull: {exc}")
        _fail(f"ERP pull failed: {exc}")
    if args.json:
        print(json.dumps(summary.as_dict()))
    else:
        print(f"pulled {summary.customers} customer(s) and {summary.products} product(s): "
              f"{summary.created} new, {summary.updated} changed, {summary.deactivated} gone from the ERP, "
              f"credit checked for {summary.credit_checked}{' (full pass)' if summary.full else ''}; "
              f"{summary.seconds:.1f} s")
    for refused in summary.refused:
        print(f"  not taken: {refused}", file=sys.stderr)
    return 1 if summary.refused else 0


def _worker(db: Database, args) -> int:
    from fieldcrm.server.erp.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    with db.read() as session:
        try:
            config.load_connection(session)
        except config.ErpNotConfigured as exc:
            _fail(str(exc))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    Worker(db, idle_sleep=args.idle_sleep, stop=stop).run(exit_when_idle=args.exit_when_idle,
                                                          pull=not args.no_pull)
    return 0


def _status(db: Database, args) -> int:
    with db.read() as session:
        queue = queue_status(session)
        values = config.all_values(session)
        try:
            connection = config.load_connection(session).describe()
        except config.ErpNotConfigured:
            connection = None
        policies = {key: config.policy(session, key) for key in config.DEFAULTS}
    status = {
        "connection": connection,
        "queue": {"queued": queue.queued, "ready": queue.ready, "running": queue.running,
                  "failed": queue.failed, "done": queue.done,
                  "oldest_waiting": queue.oldest_waiting.isoformat() if queue.oldest_waiting else None},
        "last_pull": values.get("last_pull_at"), "last_full_reconcile": values.get("last_full_at"),
        "last_error": values.get("last_error"), "last_error_at": values.get("last_error_at"),
        "last_job_error": queue.last_job_error,
        "refused_in_last_pull": (values.get("last_pull_refused") or "").splitlines(),
        "policy": policies,
    }
    if args.json:
        print(json.dumps(status))
        return 0
    print(f"ERP: {connection or 'not configured'}")
    q = status["queue"]
    print(f"queue: {q['queued']} queued ({q['ready']} ready), {q['running']} running, "
          f"{q['failed']} need attention, {q['done']} done"
          + (f"; oldest waiting since {q['oldest_waiting']}" if q["oldest_waiting"] else ""))
    print(f"last pull: {status['last_pull'] or 'never'}; last full reconcile: {status['last_full_reconcile'] or 'never'}")
    print(f"last error: {status['last_error'] or 'none'}"
          + (f" (at {status['last_error_at']})" if status["last_error_at"] else ""))
    for refused in status["refused_in_last_pull"]:
        print(f"  not taken in the last pull: {refused}")
    return 0


def run(db: Database, args) -> int:
    return {"configure": _configure, "policy": _policy, "pull": _pull, "worker": _worker,
            "status": _status}[args.action](db, args)
