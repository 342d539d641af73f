"""Delta sync rounds: many laptops against one server (or two) on PostgreSQL.

Each simulated laptop signs in, does a first sync, then, for the run's
duration, does a round every ``--interval`` seconds (a random phase each; a
round that overruns its slot is followed at once by the next): push 10
changes to 10 different accounts of its own, pull until nothing more (it
receives its team's changes: ten reps share a territory). 10 s is the
shortest sync interval the app allows (``MIN_SYNC_INTERVAL``; the default is
300 s), so 200 laptops offer 20 rounds/s. ``--interval 0`` is the closed
loop: no pause between rounds, i.e. the servers' saturation throughput, where
latency is only laptops / throughput (Little's law).

Reports rounds/s, round latency percentiles, the servers' CPU and the load
generator's own CPU, for one server process and for two processes on the same
database; each ``--interval`` given runs in turn on the same servers.

    .venv/bin/python bench/server_rounds.py [--laptops 200] [--seconds 60] [--interval 10 --interval 0]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.pages import Replica, mutation  # noqa: E402
from tests.support.postgres import pg_database  # noqa: E402
from tests.support.server import login, start_server  # noqa: E402

PER_TERRITORY = 10
ACCOUNTS_PER_REP = 10
CHANGES_PER_ROUND = 10


def build_org(url: str, laptops: int) -> None:
    from fieldcrm.server import admin
    from fieldcrm.server.db import Database
    from fieldcrm.server.oplog import OpLog
    from fieldcrm.server.seed import create_row

    db = Database(url)
    with db.write() as s:
        log = OpLog(s)
        for t in range((laptops + PER_TERRITORY - 1) // PER_TERRITORY):
            territory = admin.add_territory(s, log, code=f"T{t}", name=f"Territory {t}")
            for r in range(PER_TERRITORY):
                n = t * PER_TERRITORY + r
                if n >= laptops:
                    break
                user = admin.add_user(s, log, username=f"rep{n}", role="rep", password="bench-pw-1",
                                      territories=[territory.code])
                for a in range(ACCOUNTS_PER_REP):
                    account = create_row(s, log, "account", {"id": str(uuid.uuid4()), "name": f"A{n}-{a}",
                                         "territory_id": territory.id, "owner_id": user.id}, by=None)
                    create_row(s, log, "contact", {"id": str(uuid.uuid4()), "account_id": account.id,
                                                   "last_name": f"C{n}-{a}"}, by=None)
        log.flush()
    db.dispose()


def signed_in_laptops(urls: list[str], laptops: int) -> list[Replica]:
    """Every laptop signed in (spread over the servers) and synced once."""
    clients = [login(urls[n % len(urls)], f"rep{n}", "bench-pw-1", device_id=f"bench-{n}") for n in range(laptops)]
    return [Replica(c).sync() for c in clients]


def run_laptops(replicas: list[Replica], servers: list, seconds: float, interval: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def laptop(n: int) -> None:
        replica, rng = replicas[n], random.Random(n)
        own = [row for row in replica.rows["account"].values() if row["owner_id"] == replica.client.user["id"]]
        next_round = time.monotonic() + rng.uniform(0, interval)
        while True:
            now = time.monotonic()
            if next_round > now:
                time.sleep(max(0.0, min(next_round, stop_at) - now))
            if time.monotonic() >= stop_at:
                return
            # Late by more than a slot: the next round starts right after this one, no catching up.
            next_round = max(next_round + interval, time.monotonic())
            started = time.perf_counter()
            batch = []
            for row in rng.sample(own, min(CHANGES_PER_ROUND, len(own))):
                batch.append(mutation("account", row["id"], "update", {"notes": uuid.uuid4().hex},
                                      base={"notes": row.get("notes")}, base_version=row["version"]))
            try:
                r = replica.client.push(batch)
            except requests.RequestException as exc:  # counted, then the laptop tries again
                with lock:
                    errors.append(f"push {type(exc).__name__}")
                continue
            if r.status_code != 200:
                with lock:
                    errors.append(f"push {r.status_code}")
                continue
            for m, result in zip(batch, r.json()["results"]):
                if result["status"] in ("applied", "merged"):
                    replica.rows["account"][m["row_id"]].update(m["changes"], version=result["version"])
            try:
                replica.sync()
            except requests.RequestException as exc:
                with lock:
                    errors.append(f"pull {type(exc).__name__}")
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=laptop, args=(n,)) for n in range(len(replicas))]
    server_procs = [psutil.Process(s.pid) for s in servers]
    server_cpu = sum(sum(p.cpu_times()[:2]) for p in server_procs)
    own_cpu, began = time.process_time(), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    own_cpu = time.process_time() - own_cpu
    server_cpu = sum(sum(p.cpu_times()[:2]) for p in server_procs) - server_cpu
    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 3)  # noqa: E731
    return {"servers": len(servers), "interval_s": interval,
            "offered_rounds_per_s": round(len(replicas) / interval, 1) if interval else None,
            "rounds": len(latencies), "rounds_per_s": round(len(latencies) / elapsed, 1),
            "p50_s": pick(0.50), "p95_s": pick(0.95), "p99_s": pick(0.99), "errors": len(errors),
            "server_cpu_s": round(server_cpu, 1),
            "server_cpu_ms_per_round": round(1000 * server_cpu / max(1, len(latencies)), 1),
            "generator_cpu_s": round(own_cpu, 1), "load_average": round(os.getloadavg()[0], 1)}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--laptops", type=int, default=200)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--interval", type=float, action="append", metavar="S",
                   help="seconds between a laptop's rounds; 0 = closed loop; repeat for several runs (default 10)")
    p.add_argument("--servers", type=int, action="append", choices=(1, 2),
                   help="server processes; repeat for several runs (default 1 and 2)")
    args = p.parse_args()
    results = []
    for processes in args.servers or (1, 2):
        with pg_database() as url, tempfile.TemporaryDirectory() as tmp:
            servers = [start_server(url, tmp_path=Path(tmp))]
            build_org(url, args.laptops)
            if processes == 2:
                servers.append(start_server(url, tmp_path=Path(tmp)))
            try:
                replicas = signed_in_laptops([s.url for s in servers], args.laptops)
                for interval in args.interval or (10.0,):
                    results.append(run_laptops(replicas, servers, args.seconds, interval))
            finally:
                for s in servers:
                    s.stop()
    print(json.dumps({"bench": "server_rounds", "db": "postgresql", "laptops": args.laptops,
                      "seconds": args.seconds, "changes_up_per_round": CHANGES_PER_ROUND, "results": results,
                      "target_p99_s": 1.0}))


if __name__ == "__main__":
    main()
