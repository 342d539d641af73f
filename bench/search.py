"""How fast the search box answers on a full replica.

Run: ``.venv/bin/python -m bench.search [--accounts N] [--seed S] --json``

On the demo replica for N accounts (default 100,000, shared with
``bench.local_writes``), runs 200 queries a person would type: prefixes of
company and contact names, cities, e-mail addresses and phone fragments, one
to three tokens, in English and Chinese. Times ``fieldcrm.storage.search.search``
alone (default limit) and reports p50/p95 ms overall and per kind of query,
with the slowest queries and how many rows each matched.

Reference, in the same run: the same FTS5 MATCH for each query without
ranking (``LIMIT 20`` in index order, accounts only), the floor any ranking
sits on.

Then the same queries again after a burst of 1,000 local writes (the
``bench.local_writes`` mix) with no idle upkeep in between, so the indexes
hold the small segments edits leave until the app merges them when idle
(``search_after_writes``). Works on a copy: the kept replica is not changed.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict

import shutil
import tempfile
from pathlib import Path

from bench.local_writes import Stopwatch, _account_ids, demo_replica, machine, percentiles, time_record_service
from bench.local_writes import main as bench_main
from fieldcrm.storage import search
from fieldcrm.storage.replica import REPLICA_FILE, Replica

QUERIES = 200
BURST_WRITES = 1000
TARGET_P95_MS = 10.0
_WORD = re.compile(r"\w+")


def _prefix(rng: random.Random, word: str, shortest: int = 2) -> str:
    if len(word) <= shortest:
        return word
    return word[: rng.randint(shortest, len(word))]


def realistic_queries(conn, rng: random.Random, count: int = QUERIES) -> list[tuple[str, str]]:
    """(kind, text) pairs drawn from the replica's own rows."""
    def sample(table: str, columns: str) -> list[tuple]:
        top = conn.exec_driver_sql(f"SELECT max(rowid) FROM {table}").scalar_one() or 0
        picked = ",".join(str(n) for n in sorted({rng.randint(1, top) for _ in range(400)}))
        return conn.exec_driver_sql(f"SELECT {columns} FROM {table} WHERE rowid IN ({picked}) ORDER BY rowid").all()

    accounts = sample("account", "name, city, phone")
    contacts = sample("contact", "first_name, last_name, email, mobile")
    makers = {
        "company_prefix": lambda: _prefix(rng, _WORD.findall(rng.choice(accounts)[0])[0], 2),
        "company_two_words": lambda: " ".join(
            _prefix(rng, w, 3) for w in _WORD.findall(rng.choice(accounts)[0])[:2]),
        "city": lambda: _prefix(rng, rng.choice(accounts)[1], 2),
        "contact_name": lambda: " ".join(
            _prefix(rng, w or "", 1) for w in rng.choice(contacts)[:2] if w)[:40],
        "email_prefix": lambda: _prefix(rng, rng.choice(contacts)[2].split("@")[0], 3),
        "phone_fragment": lambda: _phone_fragment(rng, rng.choice(accounts + contacts)),
        "name_and_city": lambda: (lambda a: f"{_prefix(rng, _WORD.findall(a[0])[0], 3)} {a[1]}")(
            rng.choice(accounts)),
    }
    kinds = sorted(makers)
    return [(kind, makers[kind]()) for kind in (kinds[i % len(kinds)] for i in range(count))]


def _phone_fragment(rng: random.Random, row: tuple) -> str:
    phone = row[-1] or "555"
    groups = _WORD.findall(phone)
    group = max(groups, key=len)
    return _prefix(rng, group, 3)


def _matches(conn, text: str) -> dict[str, int]:
    query = search.fts_query(text)
    out = {}
    if query is None:
        return out
    for cls in search.SEARCHABLE:
        f = cls.__tablename__ + "_fts"
        n = conn.exec_driver_sql(f"SELECT count(*) FROM {f} WHERE {f} MATCH ?", (query,)).scalar_one()
        if n:
            out[cls.__entity__] = n
    return out


def _timed_queries(conn, queries) -> list[tuple[float, float, str, str]]:
    for _, text in queries[:20]:  # warm the page cache and statement cache
        search.search(conn, text)
    timed: list[tuple[float, float, str, str]] = []
    for kind, text in queries:
        with Stopwatch() as watch:
            search.search(conn, text)
        timed.append((watch.wall_ms, watch.cpu_ms, kind, text))
    return timed


def run(accounts: int, seed: int) -> dict:
    source, counts = demo_replica(accounts, seed)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-search-") as scratch:
        shutil.copy(source, Path(scratch) / REPLICA_FILE)
        replica = Replica.open(Path(scratch))
        try:
            with replica.engine.connect() as conn:
                queries = realistic_queries(conn, rng)
                timed = _timed_queries(conn, queries)
                floor = []
                for _, text in queries:
                    if search.fts_query(text) is None:
                        continue  # too short to search: search() returns at once
                    with Stopwatch() as watch:
                        conn.exec_driver_sql(
                            "SELECT account.id FROM account_fts JOIN account ON account.rowid = account_fts.rowid "
                            "WHERE account_fts MATCH ? LIMIT 20", (search.fts_query(text),)).all()
                    floor.append(watch.wall_ms)
                slowest = sorted(timed, reverse=True)[:5]
                slow_detail = [{"query": t, "kind": k, "ms": round(ms, 2), "matches": _matches(conn, t)}
                               for ms, _, k, t in slowest]
            ids = _account_ids(replica.path, rng, BURST_WRITES)
            time_record_service(replica, ids, rng)
            with replica.engine.connect() as conn:
                after_writes = _timed_queries(conn, queries)
        finally:
            replica.close()
    by_kind = defaultdict(list)
    for ms, _, kind, _ in timed:
        by_kind[kind].append(ms)
    overall = percentiles([t[0] for t in timed])
    return {
        "bench": "search",
        "accounts": counts.get("account", 0),
        "contacts": counts.get("contact", 0),
        "rows": sum(counts.values()),
        "queries": len(timed),
        "search": overall,
        "search_cpu": percentiles([t[1] for t in timed]),
        "search_after_writes": percentiles([t[0] for t in after_writes]),
        "search_after_writes_cpu": percentiles([t[1] for t in after_writes]),
        "burst_writes": BURST_WRITES,
        "by_kind_p95_ms": {k: percentiles(v)["p95_ms"] for k, v in sorted(by_kind.items())},
        "slowest": slow_detail,
        "reference_unranked_account_match": percentiles(floor),
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": overall["p95_ms"] < TARGET_P95_MS,
        "machine": machine(),
    }



if __name__ == "__main__":
    bench_main(bench=run, doc=__doc__, default_accounts=100_000)
