"""Delta sync rounds: many laptops against one server (or two) on PostgreSQL.

Each simulated laptop signs in, does a first sync, then loops for the run's
duration: push 10 changes, pull until nothing more (it receives its team's
changes, about 10 per round each). Reports rounds/s and round latency
percentiles for one server process and for two processes on the same database.

    .venv/bin/python bench/server_rounds.py [--laptops 200] [--seconds 60]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.pages import Replica, mutation  # noqa: E402
from tests.support.postgres import pg_database  # noqa: E402
from tests.support.server import login, start_server  # noqa: E402

PER_TERRITORY = 10
ACCOUNTS_PER_REP = 5


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


def run_laptops(urls: list[str], laptops: int, seconds: float) -> dict:
    clients = [login(urls[n % len(urls)], f"rep{n}", "bench-pw-1", device_id=f"bench-{n}") for n in range(laptops)]
    replicas = [Replica(c).sync() for c in clients]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def laptop(n: int) -> None:
        replica, rng = replicas[n], random.Random(n)
        own = [row for row in replica.rows["account"].values() if row["owner_id"] == replica.client.user["id"]]
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            batch = []
            for _ in range(10):
                row = rng.choice(own)
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

    threads = [threading.Thread(target=laptop, args=(n,)) for n in range(laptops)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 3)  # noqa: E731
    return {"servers": len(urls), "rounds": len(latencies), "rounds_per_s": round(len(latencies) / elapsed, 1),
            "p50_s": pick(0.50), "p95_s": pick(0.95), "p99_s": pick(0.99), "errors": len(errors)}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--laptops", type=int, default=200)
    p.add_argument("--seconds", type=float, default=60)
    args = p.parse_args()
    results = []
    for processes in (1, 2):
        with pg_database() as url, tempfile.TemporaryDirectory() as tmp:
            servers = [start_server(url, tmp_path=Path(tmp))]
            build_org(url, args.laptops)
            if processes == 2:
                servers.append(start_server(url, tmp_path=Path(tmp)))
            try:
                results.append(run_laptops([s.url for s in servers], args.laptops, args.seconds))
            finally:
                for s in servers:
                    s.stop()
    print(json.dumps({"bench": "server_rounds", "db": "postgresql", "laptops": args.laptops,
                      "seconds": args.seconds, "changes_up_per_round": 10, "results": results,
                      "target_p99_s": 1.0}))


if __name__ == "__main__":
    main()
