"""How fast a person's edit lands on a full replica: row and outbox entry together.

Run: ``.venv/bin/python -m bench.local_writes [--accounts N] [--seed S] --json``

On a copy of a replica holding the demo data set for N accounts (default
100,000; built once with the generator and kept under the temp folder,
keyed by N and seed), times 1,000 local writes through ``RecordService``:
half ``update`` of an account (a new phone number and note), half ``create``
of a contact at an account. Each is one transaction in which change capture
writes the outbox entry. Reports p50/p95/p99 in milliseconds.

Reference, in the same run and on the same file: a bare ``sqlite3``
``UPDATE account`` plus ``INSERT INTO outbox`` in one transaction, what the
write costs without validation, the ORM and change capture.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from fieldcrm.demo.generator import load_into_replica
from fieldcrm.services.records import RecordService
from fieldcrm.storage.replica import REPLICA_FILE, Replica
from fieldcrm.storage.types import format_timestamp, utcnow

CACHE_DIR = Path(tempfile.gettempdir()) / "fieldcrm-bench"
WRITES = 1000
WARM_UP = 20
TARGET_P95_MS = 2.0


def demo_replica(accounts: int, seed: int) -> tuple[Path, dict[str, int]]:
    """A replica file holding the demo data set, built on first use and kept.

    Returns the file and the rows per entity. Built in a scratch folder and
    moved into place when complete, so an interrupted build is never reused;
    kept per demo data format, so a generator change makes a new one.
    """
    from fieldcrm.demo.generator import DATA_FORMAT

    folder = CACHE_DIR / f"demo-{accounts}-seed{seed}-data{DATA_FORMAT}"
    counts_file = folder / "counts.json"
    if counts_file.exists():
        return folder / REPLICA_FILE, json.loads(counts_file.read_text())
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="build-", dir=CACHE_DIR))
    replica = Replica.open(scratch)
    counts = load_into_replica(replica, seed=seed, accounts=accounts)
    with replica.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    replica.close()
    (scratch / "counts.json").write_text(json.dumps(counts))
    try:
        scratch.rename(folder)
    except OSError:  # built meanwhile by another run
        shutil.rmtree(scratch, ignore_errors=True)
    return folder / REPLICA_FILE, json.loads(counts_file.read_text())


class Stopwatch:
    """Wall and CPU time of one operation, in milliseconds.

    On a shared machine the wall time carries other processes' load; the
    CPU time of this process shows what the operation itself costs.
    """

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall_ms = (time.perf_counter() - self.wall) * 1000
        self.cpu_ms = (time.process_time() - self.cpu) * 1000


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 3), "p95_ms": round(cuts[94], 3), "p99_ms": round(cuts[98], 3),
        "max_ms": round(max(samples_ms), 3), "n": len(samples_ms),
    }


def machine() -> dict:
    return {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count(), "platform": platform.platform(),
            "load_average_1m": round(os.getloadavg()[0], 2)}


def _account_ids(path: Path, rng: random.Random, count: int) -> list[str]:
    with sqlite3.connect(path) as db:
        ids = [r[0] for r in db.execute("SELECT id FROM account ORDER BY rowid")]
    return [rng.choice(ids) for _ in range(count)]


def time_record_service(replica: Replica, account_ids: list[str], rng: random.Random) -> dict[str, list[float]]:
    records = RecordService(replica)
    samples: dict[str, list[float]] = {"update": [], "create": [], "cpu": [], "update_cpu": [], "create_cpu": []}
    for n, account_id in enumerate(account_ids):
        if n % 2 == 0:
            kind = "update"
            values = {"phone": f"(555) {rng.randint(200, 999)}-{rng.randrange(10000):04d}",
                      "notes": f"Called back on visit {n}"}
            with Stopwatch() as watch:
                records.update("account", account_id, values)
        else:
            kind = "create"
            values = {"account_id": account_id, "first_name": "Dana", "last_name": f"Okafor {n}",
                      "email": f"dana.okafor{n}@example.com", "mobile": "555-0100"}
            with Stopwatch() as watch:
                records.create("contact", values)
        if n >= WARM_UP:
            samples[kind].append(watch.wall_ms)
            samples["cpu"].append(watch.cpu_ms)
            samples[f"{kind}_cpu"].append(watch.cpu_ms)
    return samples


def time_bare_sqlite(path: Path, account_ids: list[str]) -> dict[str, list[float]]:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    samples: dict[str, list[float]] = {"wall": [], "cpu": []}
    for n, account_id in enumerate(account_ids):
        now = format_timestamp(utcnow())
        changes = json.dumps({"notes": f"Bare note {n}"})
        with Stopwatch() as watch:
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE account SET notes = ?, updated_at = ? WHERE id = ?",
                       (f"Bare note {n}", now, account_id))
            db.execute(
                "INSERT INTO outbox (mutation_id, entity, row_id, op, changes, base, base_version, "
                "created_at, state, sent_count) VALUES (?, 'account', ?, 'update', ?, '{}', 1, ?, 'pending', 0)",
                (str(uuid.uuid4()), account_id, changes, now),
            )
            db.execute("COMMIT")
        if n >= WARM_UP:
            samples["wall"].append(watch.wall_ms)
            samples["cpu"].append(watch.cpu_ms)
    db.close()
    return samples


def run(accounts: int, seed: int) -> dict:
    load_at_start = round(os.getloadavg()[0], 2)
    started = time.perf_counter()
    source, counts = demo_replica(accounts, seed)
    prepare_s = time.perf_counter() - started
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-writes-") as scratch:
        shutil.copy(source, Path(scratch) / REPLICA_FILE)
        ids = _account_ids(Path(scratch) / REPLICA_FILE, rng, WRITES + WARM_UP)
        replica = Replica.open(Path(scratch))
        try:
            samples = time_record_service(replica, ids, rng)
        finally:
            replica.close()
        bare = time_bare_sqlite(Path(scratch) / REPLICA_FILE, ids)
    both = samples["update"] + samples["create"]
    p95 = percentiles(both)["p95_ms"]
    return {
        "bench": "local_writes",
        "accounts": counts.get("account", 0),
        "contacts": counts.get("contact", 0),
        "rows": sum(counts.values()),
        "writes": percentiles(both),
        "update_account": percentiles(samples["update"]),
        "create_contact": percentiles(samples["create"]),
        "writes_cpu": percentiles(samples["cpu"]),
        "update_account_cpu": percentiles(samples["update_cpu"]),
        "create_contact_cpu": percentiles(samples["create_cpu"]),
        "reference_bare_sqlite_update_insert": percentiles(bare["wall"]),
        "reference_cpu": percentiles(bare["cpu"]),
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": p95 < TARGET_P95_MS,
        "replica_ready_s": round(prepare_s, 1),
        "machine": {**machine(), "load_average_1m_at_start": load_at_start},
    }


def main(argv=None, *, bench=None, doc: str = "", default_accounts: int = 100_000) -> None:
    """The command line every foundation bench shares: prints one JSON line."""
    parser = argparse.ArgumentParser(description=(doc or __doc__).splitlines()[0])
    parser.add_argument("--accounts", type=int, default=default_accounts)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", action="store_true", help="print one JSON line (the default output)")
    args = parser.parse_args(argv)
    print(json.dumps((bench or run)(args.accounts, args.seed), ensure_ascii=False))


if __name__ == "__main__":
    main()
