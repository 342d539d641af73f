"""How fast the demo data set is made and loaded into a fresh replica.

Run: ``.venv/bin/python -m bench.generate [--accounts N] [--seed S] --json``

Three timings over the same rows, each into its own fresh (migrated, empty)
replica file:
- ``end_to_end``: ``load_into_replica``: generation, Core ``executemany``
  through the replica's sync session, search index rebuilt once at the end.
- ``load_pregenerated``: the same load from rows generated beforehand, which
  isolates what the database path costs.
- reference ``plain_sqlite3``: the same rows (pre-generated, turned into
  tuples beforehand) through a bare ``sqlite3`` ``executemany`` into the same
  table layout, then the same index rebuild.
Generation alone is timed too (``generate_only``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.local_writes import machine, main as bench_main
from fieldcrm.demo.generator import generate, load_into_replica, load_rows
from fieldcrm.storage import search
from fieldcrm.storage.registry import column_names, entity_class
from fieldcrm.storage.replica import REPLICA_FILE, Replica

TODAY = dt.date(2025, 3, 12)


def _rate(rows: int, seconds: float) -> dict:
    return {"seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)}


def _fresh(template: Path, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(template, folder / REPLICA_FILE)
    return folder


def plain_sqlite3_load(path: Path, chunks: list[tuple[str, list[tuple]]]) -> tuple[float, float]:
    """(insert seconds, index rebuild seconds) of a bare sqlite3 load."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    for cls in search.SEARCHABLE:
        for suffix in ("ai", "ad", "au"):
            db.execute(f"DROP TRIGGER IF EXISTS {cls.__tablename__}_fts_{suffix}")
    for entity, rows in chunks:
        columns = column_names(entity)
        table = entity_class(entity).__tablename__
        db.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
    inserted = time.perf_counter()
    for cls in search.SEARCHABLE:
        f = cls.__tablename__ + "_fts"
        db.execute(f"INSERT INTO {f}({f}) VALUES ('rebuild')")
    db.execute("COMMIT")
    done = time.perf_counter()
    db.close()
    return inserted - start, done - inserted


def run(accounts: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="fieldcrm-generate-") as scratch:
        root = Path(scratch)
        Replica.open(root / "template").close()
        template = root / "template" / REPLICA_FILE

        start = time.perf_counter()
        chunks = list(generate(seed, accounts, today=TODAY))
        generate_s = time.perf_counter() - start
        rows = sum(len(r) for _, r in chunks)

        replica = Replica.open(_fresh(template, root / "end-to-end"))
        start = time.perf_counter()
        counts = load_into_replica(replica, seed, accounts, today=TODAY)
        end_to_end_s = time.perf_counter() - start
        replica.close()
        assert sum(counts.values()) == rows

        replica = Replica.open(_fresh(template, root / "pregenerated"))
        start = time.perf_counter()
        load_rows(replica, chunks)
        load_s = time.perf_counter() - start
        replica.close()

        tuples = [(entity, [tuple(r[c] for c in column_names(entity)) for r in batch]) for entity, batch in chunks]
        insert_s, rebuild_s = plain_sqlite3_load(_fresh(template, root / "plain") / REPLICA_FILE, tuples)
    return {
        "bench": "generate",
        "accounts": accounts,
        "rows": rows,
        "children_per_account": round(
            (rows - sum(counts.get(e, 0) for e in ("user", "territory", "territory_member", "product",
                                                     "visit_plan", "account"))) / max(accounts, 1), 2),
        "end_to_end": _rate(rows, end_to_end_s),
        "generate_only": _rate(rows, generate_s),
        "load_pregenerated": _rate(rows, load_s),
        "reference_plain_sqlite3": {**_rate(rows, insert_s + rebuild_s),
                                    "insert_s": round(insert_s, 2), "index_rebuild_s": round(rebuild_s, 2)},
        "machine": machine(),
    }



if __name__ == "__main__":
    bench_main(bench=run, doc=__doc__, default_accounts=10_000)
