"""Orders to the ERP: throughput and latency through the server's worker, against plain Tryton.

Run: ``.venv/bin/python -m bench.erp_orders [--orders 40] --json``

A local Tryton (SQLite, from the ERP tests' cached template when there is one,
else built with ``trytond-admin``) and a server database with the small
organisation and the ERP's master data pulled. Each order (two lines) is
pushed as the laptop pushes it (``apply_mutation``: order, lines, then status
``submitted``), which queues its job; the in-process worker then sends the
queue. Reported: orders per minute through the worker draining a backlog, and,
with the worker waiting, the time from the push that submits one order (what
a laptop's sync sends) to the confirmed answer written back
(``sync_to_confirmed``; the settle delay is set to 0 here).

Reference, same run, same Tryton, taking turns with the server path
(``--rounds``, default 4): the same orders as a bare JSON-RPC loop
(``sale.sale.create`` with lines, ``quote``, ``confirm``, then reading the
state until ``processing``), which is the least any connector must do. The
connector's extra cost is ``overhead_pct`` (target: under 20 %).

Wall times on a shared machine are noisy, so each phase also reports CPU
seconds per order of this process (``client_cpu_s``: the loop, or the worker
with its server database) and of the Tryton process (``tryton_cpu_s``, from
``/proc``), and the JSON-RPC calls per order by method (``rpc``);
``cpu_overhead_pct`` compares the summed CPU of both sides.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

from bench.local_writes import machine
from fieldcrm.erp.tryton_rpc import TrytonClient
from fieldcrm.server.erp.local_tryton import LocalTryton, cached_template

ROOT = Path(__file__).resolve().parent.parent


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Meter:
    """CPU of this process and of Tryton, and the RPC calls sent, over one phase."""

    def __init__(self, tryton: LocalTryton):
        self.tryton = tryton
        self.calls: collections.Counter[str] = collections.Counter()
        self.ours = self.theirs = 0.0  # summed over every time the meter ran

    def __enter__(self) -> "Meter":
        meter, post = self, TrytonClient._post

        def counted(client, method, params, **how):
            meter.calls[method] += 1
            return post(client, method, params, **how)

        self._post, TrytonClient._post = post, counted
        self._ours, self._theirs = time.process_time(), _process_cpu(self.tryton.process.pid)
        return self

    def __exit__(self, *exc) -> None:
        TrytonClient._post = self._post
        self.ours += time.process_time() - self._ours
        self.theirs += _process_cpu(self.tryton.process.pid) - self._theirs

    def per_order(self, orders: int) -> dict:
        return {"client_cpu_s": round(self.ours / orders, 4), "tryton_cpu_s": round(self.theirs / orders, 4),
                "rpc_per_order": round(sum(self.calls.values()) / orders, 2),
                "rpc": {m.rsplit(".", 1)[-1] if m.startswith("model.sale.sale.") else m.removeprefix("model."):
                        round(n / orders, 2) for m, n in sorted(self.calls.items())}}


def _tryton(folder: Path) -> LocalTryton:
    from fieldcrm.erp import tryton_setup

    tryton = LocalTryton(folder / "tryton")
    built = tryton.prepare(cached_template(ROOT))
    tryton.start()
    if built:
        client = tryton.client()
        setup = tryton_setup.prepare_company(client)
        tryton_setup.seed_products(client, setup, 12)
        tryton_setup.seed_customers(client, 8)
        client.close()
    return tryton


def plain_tryton_loop(tryton: LocalTryton, count: int, meter: Meter) -> list[float]:
    """create + quote + confirm + wait for processing, as bare RPC calls."""
    client = tryton.client()
    company = client.context["company"]
    currency = client.model("company.company", "read", [company], ["currency"])[0]["currency"]
    party, = client.model("party.party", "search", [("code", "=", "CUST-0006")], 0, 1, None)
    address = client.model("party.party", "read", [party], ["addresses"])[0]["addresses"][0]
    products = client.model("product.product", "search", [("code", "in", ["FC-0007", "FC-0008"])], 0, 2, None)
    unit = client.model("product.product", "read", [products[0]], ["sale_uom"])[0]["sale_uom"]
    tax, = client.model("account.tax", "search", [], 0, 1, None)
    times = []
    with meter:
        for _ in range(count):
            started = time.perf_counter()
            sale, = client.model("sale.sale", "create", [{
                "party": party, "company": company, "currency": currency, "reference": f"ref-{uuid.uuid4()}",
                "invoice_address": address, "shipment_address": address,
                "lines": [["create", [{"type": "line", "product": p, "quantity": 2.0, "unit": unit,
                                       "unit_price": Decimal("10.00"), "taxes": [["add", [tax]]]}
                                      for p in products]]]}])
            client.model("sale.sale", "quote", [sale])
            client.model("sale.sale", "confirm", [sale])
            while client.model("sale.sale", "read", [sale], ["state"])[0]["state"] != "processing":
                time.sleep(0.2)
            times.append(time.perf_counter() - started)
    client.close()
    return times


class _KeptOpen:
    """The worker's connector kept across drains, as a long-running worker keeps it."""

    def __init__(self, connector):
        self.connector = connector

    def __getattr__(self, name):
        return getattr(self.connector, name)

    def close(self) -> None:
        pass


def through_the_server(tryton: LocalTryton, folder: Path):
    """A server with the ERP's master data; returns ``drain(n, meter)``, ``latencies(n)``, ``close()``."""
    from sqlalchemy import select

    from fieldcrm.server.db import Database
    from fieldcrm.server.erp import config
    from fieldcrm.server.erp.masterdata import pull_master_data
    from fieldcrm.server.erp.tables import ErpJob
    from fieldcrm.server.erp.worker import Worker
    from fieldcrm.server.migrate import upgrade
    from fieldcrm.server.push import apply_mutation
    from fieldcrm.server.scope import caller_for
    from fieldcrm.storage.reference import Product, User
    from fieldcrm.storage.sales import Account
    from fieldcrm.sync.wire import Mutation
    from tests.support.server import seed_small_org

    url = f"sqlite:///{folder / 'server.sqlite'}"
    db = Database(url, pool_size=2)
    upgrade(db.engine)
    org = seed_small_org(url)
    with db.write() as session:
        config.save_connection(session, kind="tryton", url=tryton.url, database=tryton.database,
                               user=tryton.user, password=tryton.password)
        config.set_value(session, "policy.default_territory", "NORTH")
        config.set_value(session, "policy.submit_settle", "0")
    connector = None
    with db.read() as session:
        connector = config.load_connection(session).connector()
    pull_master_data(db, connector, full=True)
    connector.close()
    with db.read() as session:
        account = session.execute(select(Account).where(Account.name == "Fjord Farms 6")).scalar_one()
        products = session.execute(select(Product.id).where(Product.sku.in_(["FC-0007", "FC-0008"]))).scalars().all()
        caller = caller_for(session, session.get(User, org.users["rep_north"]))
    seq = 0

    def push(entity: str, row_id: str, op: str, changes: dict, base_version: int = 0) -> None:
        nonlocal seq
        seq += 1
        result = apply_mutation(db, caller, "bench-laptop", Mutation(
            mutation_id=str(uuid.uuid4()), seq=seq, entity=entity, row_id=row_id, op=op, changes=changes,
            base_version=base_version, base={"status": "draft"} if op == "update" else {}))
        assert result.status == "applied", result

    def submit_one() -> str:
        order = str(uuid.uuid4())
        push("sales_order", order, "create", {"account_id": account.id, "owner_id": caller.id,
                                              "kind": "order", "status": "draft"})
        for product in products:
            push("sales_order_line", str(uuid.uuid4()), "create",
                 {"order_id": order, "product_id": product, "quantity": "2", "unit_price": "10.00"})
        push("sales_order", order, "update", {"status": "submitted"}, base_version=1)
        return order

    def state_of(order: str) -> str:
        with db.read() as session:
            return session.execute(select(ErpJob.state).where(ErpJob.row_id == order)).scalar_one()

    with db.read() as session:
        kept = _KeptOpen(config.load_connection(session).connector())

    def drain(count: int, meter: Meter) -> tuple[float, int]:
        """Throughput: a backlog of orders (field sales arriving at once), drained by the worker."""
        backlog = [submit_one() for _ in range(count)]
        started = time.perf_counter()
        with meter:
            Worker(db, idle_sleep=0.05, connector_factory=lambda: kept).run(exit_when_idle=True, pull=False)
        seconds = time.perf_counter() - started
        return seconds, sum(state_of(order) == "done" for order in backlog)

    def latencies(count: int) -> list[float]:
        """One order at a time with the worker waiting, from the push that submits it
        (what a laptop's sync sends) to the answer written back."""
        stop = threading.Event()
        worker = threading.Thread(target=Worker(db, idle_sleep=0.05, stop=stop).run, kwargs={"pull": False})
        worker.start()
        times = []
        try:
            for _ in range(count):
                pushed = time.perf_counter()
                order = submit_one()
                while state_of(order) != "done":
                    time.sleep(0.02)
                times.append(time.perf_counter() - pushed)
        finally:
            stop.set()
            worker.join()
        return times

    def close() -> None:
        kept.connector.close()
        db.dispose()

    return drain, latencies, close


def run(count: int, rounds: int = 4) -> dict:
    """The two paths take turns, ``rounds`` times, so a change in the machine's load
    (or Tryton's growing database) weighs on both alike."""
    plain, seconds, confirmed = [], 0.0, 0
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-erp-") as tmp:
        folder = Path(tmp)
        tryton = _tryton(folder)
        try:
            plain_meter, server_meter = Meter(tryton), Meter(tryton)
            drain, latencies, close = through_the_server(tryton, folder)
            for turn in range(rounds):
                share = count // rounds + (1 if turn < count % rounds else 0)
                plain += plain_tryton_loop(tryton, share, plain_meter)
                took, done = drain(share, server_meter)
                seconds, confirmed = seconds + took, confirmed + done
            latency = latencies(max(3, count // 4))
            close()
        finally:
            tryton.stop()
    plain_per_order = statistics.mean(plain)
    per_order = seconds / max(1, confirmed)
    server = {"orders": count, "confirmed": confirmed, "seconds": round(seconds, 2),
              "per_order_s": round(per_order, 3),
              "sync_to_confirmed_p50_s": round(statistics.median(latency), 2),
              "sync_to_confirmed_max_s": round(max(latency), 2), "latency_samples": len(latency)}
    plain_cpu = (plain_meter.ours + plain_meter.theirs) / count
    server_cpu = (server_meter.ours + server_meter.theirs) / max(1, confirmed)
    return {
        "bench": "erp_orders", "machine": machine(), "load_average_end": round(os.getloadavg()[0], 2),
        "rounds": rounds,
        "plain_tryton": {"orders": count, "per_order_s": round(plain_per_order, 3),
                         "orders_per_min": round(60 / plain_per_order, 1),
                         "p50_s": round(statistics.median(plain), 3), **plain_meter.per_order(count)},
        "through_server": {**server, "orders_per_min": round(60 / per_order, 1),
                           **server_meter.per_order(max(1, confirmed))},
        "overhead_pct": round((per_order / plain_per_order - 1) * 100, 1),
        "cpu_overhead_pct": round((server_cpu / plain_cpu - 1) * 100, 1),
        "target_overhead_pct": 20,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=4, help="turns the two paths take (default 4)")
    parser.add_argument("--json", action="store_true", help="print one JSON line (the default output)")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.orders, args.rounds)))


if __name__ == "__main__":
    main()
