"""A delta sync round: 100 local and 100 remote changes, end to end.

    python -m bench.delta_round [--accounts 1000] [--rounds 15] [--db sqlite|postgresql] --json

A real server process holds the demo organisation; two laptop replicas of
the admin (whole scope) are synced once. Each round, laptop B changes 100
accounts and syncs (not timed), laptop A changes 100 other accounts, then A's
round is timed in-process: push 100, pull B's changes, verify. Prints one
JSON line with the median and p90 round time in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

from bench.first_sync import ServerProcess, seeded_server_db
from fieldcrm.services.records import RecordService
from fieldcrm.services.sync_service import SyncService
from fieldcrm.storage.replica import Replica
from fieldcrm.sync.credentials import CredentialStore
from fieldcrm.sync.transport import Transport


class MemoryKeyring:
    """The token for the benchmark's own process only (no keyring is touched)."""

    def __init__(self):
        self.entries = {}

    def set_password(self, service, user, secret):
        self.entries[(service, user)] = secret

    def get_password(self, service, user):
        return self.entries.get((service, user))

    def delete_password(self, service, user):
        self.entries.pop((service, user), None)


class TimedTransport(Transport):
    """Counts the time spent waiting for the server's push answers."""

    waited = 0.0

    def push(self, body):
        started = time.perf_counter()
        try:
            return super().push(body)
        finally:
            TimedTransport.waited += time.perf_counter() - started


def laptop(folder: Path, url: str, password: str) -> tuple[SyncService, RecordService]:
    replica = Replica.open(folder)
    service = SyncService(replica, CredentialStore(MemoryKeyring()),
                          transport_factory=lambda u, t, c: TimedTransport(u, token=t, cancelled=c))
    service.login(url, "admin", password)
    summary = service.sync_now()
    assert summary.ok, summary.error
    return service, RecordService(replica)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="fieldcrm-delta-"))
    rng = random.Random(7)
    try:
        db_url, password = seeded_server_db(args.accounts, args.db, work)
        server = ServerProcess(db_url)
        try:
            a, a_records = laptop(work / "a", server.url, password)
            b, b_records = laptop(work / "b", server.url, password)
            ids = [r["id"] for r in a_records.list("account")]
            times, shapes, push_waits = [], [], []
            for n in range(args.rounds):
                picked = rng.sample(ids, 2 * args.changes)
                for row_id in picked[: args.changes]:
                    b_records.update("account", row_id, {"phone": f"b{n}-{row_id[:6]}"})
                assert b.sync_now().ok
                for row_id in picked[args.changes:]:
                    a_records.update("account", row_id, {"notes": f"a{n}"})
                TimedTransport.waited = 0.0
                started = time.perf_counter()
                summary = a.sync_now()
                times.append((time.perf_counter() - started) * 1000)
                push_waits.append(TimedTransport.waited * 1000)
                assert summary.ok, summary.error
                shapes.append((summary.pushed, summary.pulled_rows))
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    laptop_side = [t - w for t, w in zip(times, push_waits)]
    times.sort()
    out = {"median_ms": round(statistics.median(times), 1), "p90_ms": round(times[int(len(times) * 0.9) - 1], 1),
           "median_server_push_ms": round(statistics.median(push_waits), 1),
           "median_without_server_push_ms": round(statistics.median(laptop_side), 1),
           "rounds": args.rounds, "local_changes": args.changes, "remote_changes": args.changes,
           "pushed_per_round": shapes[-1][0], "pulled_rows_per_round": shapes[-1][1],
           "accounts": args.accounts, "db": args.db}
    print(orjson.dumps(out).decode() if args.json else out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
