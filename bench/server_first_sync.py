"""Server CPU for a first sync: 100k accounts + 400k contacts to one laptop.

Loads a SQLite server database, runs ``fieldcrm-server serve`` as a process,
pulls every page over loopback as a laptop would, and reads the server
process's CPU time with psutil. Reference, measured in the same run: a plain
SQLite read of the same rows + orjson list-of-lists encode, in-process.

    .venv/bin/python bench/server_first_sync.py [--accounts 100000] [--children 4]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fieldcrm.server.db import Database  # noqa: E402
from fieldcrm.server.seed import load  # noqa: E402
from fieldcrm.storage.registry import fields_of  # noqa: E402
from tests.support.server import admin, login, start_server  # noqa: E402

TERRITORIES = 10


def _rows(accounts: int, children: int, territory_ids: list[str], owner_ids: list[str]):
    stamp = "2026-11-01T08:00:00.000000Z"
    template_a = {name: None for name in fields_of("account")}
    template_c = {name: None for name in fields_of("contact")}
    batch_a, batch_c = [], []
    for n in range(accounts):
        t = n % TERRITORIES
        account_id = str(uuid.UUID(int=n + 1))
        batch_a.append({**template_a, "id": account_id, "version": 1, "updated_at": stamp, "name": f"Account {n}",
                        "type": "customer", "territory_id": territory_ids[t], "owner_id": owner_ids[t],
                        "city": "Lyon", "phone": "+33 4 00 00 00", "lat": 45.7, "lon": 4.8,
                        "credit_limit": "10000.00", "erp_blocked": False})
        for c in range(children):
            batch_c.append({**template_c, "id": str(uuid.UUID(int=(n + 1) << 8 | c)), "version": 1,
                            "updated_at": stamp, "account_id": account_id, "first_name": "Ana",
                            "last_name": f"Contact {n}-{c}", "email": "ana@example.com", "is_primary": c == 0})
        if len(batch_a) == 5000:
            yield "account", batch_a
            yield "contact", batch_c
            batch_a, batch_c = [], []
    if batch_a:
        yield "account", batch_a
        yield "contact", batch_c


def reference_cpu(db_path: Path) -> float:
    """Plain SQLite read of the same rows + orjson list-of-lists, in-process."""
    started = time.process_time()
    conn = sqlite3.connect(db_path)
    for table in ("account", "contact"):
        cur = conn.execute(f"SELECT * FROM {table}")
        columns = [d[0] for d in cur.description]
        while True:
            rows = cur.fetchmany(20_000)
            if not rows:
                break
            orjson.dumps({"columns": columns, "rows": rows})
    conn.close()
    return time.process_time() - started


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--accounts", type=int, default=100_000)
    p.add_argument("--children", type=int, default=4)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        db_path = tmp_path / "server.sqlite"
        url = f"sqlite:///{db_path}"
        admin(url, "init")
        admin(url, "user", "add", "boss", "--role", "manager", "--password-stdin", stdin="boss-pw-1\n")
        admin(url, "territory", "add", "ALL", "--name", "All", "--manager", "boss")
        for t in range(TERRITORIES):
            admin(url, "territory", "add", f"T{t}", "--name", f"T{t}", "--parent", "ALL")
            admin(url, "user", "add", f"rep{t}", "--role", "rep", "--territory", f"T{t}", "--password-stdin",
                  stdin="rep-pw-1\n")
        db = Database(url)
        with db.read() as s:
            from sqlalchemy import text
            territory_ids = [s.execute(text("SELECT id FROM territory WHERE code = :c"), {"c": f"T{t}"}).scalar_one()
                             for t in range(TERRITORIES)]
            owner_ids = [s.execute(text("SELECT id FROM app_user WHERE username = :u"), {"u": f"rep{t}"}).scalar_one()
                         for t in range(TERRITORIES)]
        started = time.perf_counter()
        load(db, _rows(args.accounts, args.children, territory_ids, owner_ids))
        load_s = time.perf_counter() - started
        db.dispose()

        with start_server(url, tmp_path=tmp_path) as server:
            laptop = login(server.url, "boss", "boss-pw-1")
            proc = psutil.Process(server.pid)
            cpu0 = sum(proc.cpu_times()[:2])
            started = time.perf_counter()
            cursors, rows, pages, wire = {}, 0, 0, 0
            while True:
                r = laptop.pull(cursors, limit=20_000)
                r.raise_for_status()
                wire += len(r.content)
                page = orjson.loads(r.content)
                pages += 1
                for b in page["buckets"]:
                    cursors[b["bucket"]] = b["cursor"]
                    rows += sum(len(block["rows"]) for block in b["puts"].values())
                if not page["has_more"]:
                    break
            wall = time.perf_counter() - started
            server_cpu = sum(proc.cpu_times()[:2]) - cpu0
        print(json.dumps({
            "bench": "server_first_sync", "db": "sqlite", "accounts": args.accounts,
            "children": args.accounts * args.children, "rows_pulled": rows, "pages": pages,
            "wire_mb": round(wire / 2**20, 1), "server_cpu_s": round(server_cpu, 2),
            "wall_s": round(wall, 2), "rows_per_s": round(rows / wall),
            "reference_cpu_s": round(reference_cpu(db_path), 2), "load_s": round(load_s, 1),
            "target_server_cpu_s": 5.0,
        }))


if __name__ == "__main__":
    main()
