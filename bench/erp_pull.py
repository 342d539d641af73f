"""Master-data pull: 10,000 ERP customers and 2,000 products into the server.

Run: ``.venv/bin/python -m bench.erp_pull [--customers 10000] [--products 2000] --json``

A local Tryton is seeded once with ``tryton_setup`` (in chunks) and kept in
``/tmp/fieldcrm-bench/``; each run copies it, starts ``trytond`` and pulls
into a fresh SQLite server database with the small organisation
(``default_territory`` NORTH, so every customer becomes an account with its
ops). Reported: the first (full) pass in seconds and rows per second, split
into the time the connector spends reading Tryton (``erp_read_s``, measured
alone first, as the reference) and the server's writing; then a second pass
with nothing changed (what the worker does every ``pull_interval``). CPU
seconds of this process (``server_cpu_s``: connector and server writes) and
of Tryton (``tryton_cpu_s``) are given for the first pass, since wall time on
a shared machine is noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from bench.erp_orders import _process_cpu
from bench.local_writes import machine
from fieldcrm.server.erp.local_tryton import LocalTryton, cached_template, copy_database

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path("/tmp/fieldcrm-bench")


def _again(step, tries: int = 5):
    """Seeding steps are idempotent: a busy Tryton (HTTP 503) is simply asked again."""
    from fieldcrm.erp.connector import ErpUnavailable

    for attempt in range(tries):
        try:
            return step()
        except ErpUnavailable:
            if attempt == tries - 1:
                raise
            time.sleep(2)


def seeded_tryton(customers: int, products: int) -> Path:
    """A Tryton database file with that many seeded customers and products (cached)."""
    from fieldcrm.erp import tryton_setup

    target = CACHE / f"tryton-{customers}c-{products}p.sqlite"
    if target.exists():
        return target
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-seed-") as tmp:
        tryton = LocalTryton(Path(tmp))
        tryton.prepare(cached_template(ROOT))
        tryton.start()
        try:
            client = tryton.client()
            setup = tryton_setup.prepare_company(client)
            for n in range(50, products + 50, 50):
                _again(lambda: tryton_setup.seed_products(client, setup, min(n, products)))
            for n in range(250, customers + 250, 250):
                _again(lambda: tryton_setup.seed_customers(client, min(n, customers)))
            client.close()
        finally:
            tryton.stop()
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        copy_database(tryton.db_file, partial)
        partial.rename(target)
    return target


def run(customers: int, products: int) -> dict:
    from fieldcrm.server.db import Database
    from fieldcrm.server.erp import config
    from fieldcrm.server.erp.masterdata import pull_master_data
    from fieldcrm.server.migrate import upgrade
    from tests.support.server import seed_small_org

    source = seeded_tryton(customers, products)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-pull-") as tmp:
        folder = Path(tmp)
        tryton = LocalTryton(folder / "tryton")
        tryton.prepare(source)
        tryton.start()
        try:
            url = f"sqlite:///{folder / 'server.sqlite'}"
            db = Database(url, pool_size=2)
            upgrade(db.engine)
            seed_small_org(url)
            with db.write() as session:
                config.save_connection(session, kind="tryton", url=tryton.url, database=tryton.database,
                                       user=tryton.user, password=tryton.password)
                config.set_value(session, "policy.default_territory", "NORTH")
            with db.read() as session:
                connector = config.load_connection(session).connector()

            started = time.perf_counter()  # reference: reading Tryton alone
            read_customers = len(connector.pull_customers(None).records)
            read_products = len(connector.pull_products(None).records)
            refs = sorted(connector.customer_refs())
            credit = len(connector.credit_status(refs[:1000]))
            erp_read = time.perf_counter() - started

            started, cpu, tryton_cpu = time.perf_counter(), time.process_time(), _process_cpu(tryton.process.pid)
            first = pull_master_data(db, connector, full=True)
            first_s = time.perf_counter() - started
            first_cpu = time.process_time() - cpu
            first_tryton_cpu = _process_cpu(tryton.process.pid) - tryton_cpu
            started = time.perf_counter()
            second = pull_master_data(db, connector, full=False)
            second_s = time.perf_counter() - started
            connector.close()
            db.dispose()
        finally:
            tryton.stop()
    rows = first.customers + first.products
    return {
        "bench": "erp_pull", "machine": machine(), "load_average_end": round(os.getloadavg()[0], 2),
        "erp": {"customers": read_customers, "products": read_products},
        "first_pass": {"customers": first.customers, "products": first.products, "created": first.created,
                       "credit_checked": first.credit_checked, "seconds": round(first_s, 1),
                       "rows_per_s": round(rows / first_s, 1), "server_cpu_s": round(first_cpu, 1),
                       "tryton_cpu_s": round(first_tryton_cpu, 1)},
        "erp_read_s": round(erp_read, 1), "erp_read_credit_sample": credit,
        "server_write_s": round(first_s - erp_read, 1),
        "unchanged_pass": {"customers": second.customers, "products": second.products,
                           "updated": second.updated, "seconds": round(second_s, 1)},
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--json", action="store_true", help="print one JSON line (the default output)")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.customers, args.products)))


if __name__ == "__main__":
    main()
