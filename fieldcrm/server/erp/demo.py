"""``make demo-erp``: a local Tryton, the embedded server connected to it, a laptop, one order.

1. Starts Tryton on loopback with a company, 12 products and 8 customers
   (``tryton_setup``; the first start initialises the database, about a minute).
2. Sets up the embedded server (SQLite) with territory DEMO and the rep
   ``demo-rep``, stores the ERP connection (``erp configure``), lets new ERP
   customers land in DEMO and pulls the master data (``erp pull``).
3. Serves it with the ERP worker in-process (``serve --erp-worker``).
4. On a laptop profile: signs in, syncs, places an order for the first customer
   with the ``fieldcrm`` command line, syncs it up, waits for the worker and
   syncs again, then shows the order with the ERP's number and status.

Everything lives under ``--folder`` (default ``./.demo-erp``); the server and
Tryton keep running until Ctrl-C. The demo laptop keeps its token in a plain
file keyring inside that folder: fine for a demo, never for real use.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fieldcrm.server.erp.local_tryton import LocalTryton, cached_template, free_port

REP, REP_PASSWORD = "demo-rep", "Demo-rep-pass-1"


def _say(text: str) -> None:
    print(f"\n== {text}", flush=True)


def _fieldcrm(folder: Path, env: dict, *args: str, stdin: str | None = None) -> str:
    out = subprocess.run([sys.executable, "-m", "fieldcrm.cli.main", "--profile", str(folder / "laptop"), *args],
                         input=stdin, capture_output=True, text=True, env=env, timeout=300)
    if out.returncode != 0:
        raise SystemExit(f"fieldcrm {' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout.strip()


def prepare_erp(folder: Path) -> LocalTryton:
    from fieldcrm.erp import tryton_setup

    tryton = LocalTryton(folder / "tryton", port=8069 if _port_free(8069) else free_port())
    if tryton.prepare(cached_template(Path.cwd())):
        print("Tryton database initialised")
    tryton.start()
    client = tryton.client()
    setup = tryton_setup.prepare_company(client)
    tryton_setup.seed_products(client, setup, 12)
    tryton_setup.seed_customers(client, 8, with_credit_limit=2)
    client.close()
    return tryton


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def prepare_server(db_url: str, tryton: LocalTryton) -> None:
    from sqlalchemy import select

    from fieldcrm.server import admin
    from fieldcrm.server.db import Database
    from fieldcrm.server.erp import config
    from fieldcrm.server.erp.masterdata import pull_master_data
    from fieldcrm.server.migrate import upgrade
    from fieldcrm.server.oplog import OpLog
    from fieldcrm.storage.reference import User

    db = Database(db_url, pool_size=2)
    try:
        upgrade(db.engine)
        with db.write() as session:
            if session.execute(select(User).where(User.username == REP)).scalar_one_or_none() is None:
                oplog = OpLog(session)
                admin.add_territory(session, oplog, code="DEMO", name="Demo territory")
                admin.add_user(session, oplog, username=REP, role="rep", password=REP_PASSWORD,
                               territories=["DEMO"])
                oplog.flush()
            config.save_connection(session, kind="tryton", url=tryton.url, database=tryton.database,
                                   user=tryton.user, password=tryton.password)
            config.set_value(session, "policy.default_territory", "DEMO")
            config.set_value(session, "policy.submit_settle", "1")
        with db.read() as session:
            connector = config.load_connection(session).connector()
        summary = pull_master_data(db, connector, full=True)
        connector.close()
        print(f"pulled {summary.customers} customers and {summary.products} products from Tryton")
    finally:
        db.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="fieldcrm with a local Tryton ERP")
    parser.add_argument("--folder", type=Path, default=Path(".demo-erp"))
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    folder = args.folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FIELDCRM_SERVER_SECRET_FILE": str(folder / "server-secret.key"),
           "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
           "XDG_DATA_HOME": str(folder / "xdg-data"), "XDG_CONFIG_HOME": str(folder / "xdg-config")}
    os.environ["FIELDCRM_SERVER_SECRET_FILE"] = env["FIELDCRM_SERVER_SECRET_FILE"]
    db_url = f"sqlite:///{folder / 'server.sqlite'}"

    signal.signal(signal.SIGTERM, _interrupt)  # stopped like Ctrl-C: Tryton and the server go too
    _say("starting Tryton with a company, products and customers")
    tryton = prepare_erp(folder)
    server = None
    try:
        print(f"Tryton at {tryton.url}, database {tryton.database}, user {tryton.user} / {tryton.password}")
        _say("setting up the server and pulling the ERP's master data")
        prepare_server(db_url, tryton)
        server_url = f"http://127.0.0.1:{args.port}"
        server = subprocess.Popen([str(Path(sys.executable).with_name("fieldcrm-server")), "--db", db_url,
                                   "serve", "--port", str(args.port), "--erp-worker"], env=env,
                                  stdout=open(folder / "server.log", "ab"), stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                import requests

                if requests.get(server_url + "/health", timeout=1).ok:
                    break
            except Exception:
                pass
            time.sleep(0.2)
        _say(f"laptop: sign in as {REP} and sync")
        print(_fieldcrm(folder, env, "login", "--server", server_url, "--user", REP, "--password-stdin",
                        stdin=REP_PASSWORD + "\n"))
        print(_fieldcrm(folder, env, "sync"))
        accounts = json.loads(_fieldcrm(folder, env, "records", "list", "account", "--json"))
        customer = next(a for a in accounts if a["erp_ref"] and a["credit_limit"] is None)
        products = json.loads(_fieldcrm(folder, env, "records", "list", "product", "--json"))
        rep_id = _rep_id(db_url)
        _say(f"laptop: an order for {customer['name']}, two lines, submitted")
        order = _fieldcrm(folder, env, "records", "create", "sales_order", f"account_id={customer['id']}",
                          f"owner_id={rep_id}", "kind=order", "status=draft")
        for product in products[:2]:
            _fieldcrm(folder, env, "records", "create", "sales_order_line", f"order_id={order}",
                      f"product_id={product['id']}", "quantity=3")
        _fieldcrm(folder, env, "records", "update", "sales_order", order, "status=submitted")
        print(_fieldcrm(folder, env, "sync"))
        _say("waiting for the ERP worker, then syncing again")
        for _ in range(60):
            time.sleep(2)
            _fieldcrm(folder, env, "sync")
            shown = json.loads(_fieldcrm(folder, env, "records", "get", "sales_order", order, "--json"))
            if shown["status"] != "submitted":
                break
        for key in ("status", "erp_number", "erp_state", "total_untaxed", "total_tax", "total",
                    "rejection_reason"):
            print(f"  {key:16} {shown[key]}")
        _say(f"server {server_url} (with the ERP worker) and Tryton {tryton.url} keep running; Ctrl-C stops")
        print(f"laptop profile: {folder / 'laptop'} (fieldcrm --profile {folder / 'laptop'} ...)")
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        tryton.stop()
    return 0


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def _rep_id(db_url: str) -> str:
    from sqlalchemy import select

    from fieldcrm.server.db import Database
    from fieldcrm.storage.reference import User

    db = Database(db_url, pool_size=1)
    try:
        with db.read() as session:
            return session.execute(select(User.id).where(User.username == REP)).scalar_one()
    finally:
        db.dispose()


if __name__ == "__main__":
    sys.exit(main())
