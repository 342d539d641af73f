"""First sync of a large scope: a real server process, a fresh laptop replica.

    python -m bench.first_sync --accounts 100000 [--db sqlite|postgresql] --json

Seeds a server database with the demo organisation (N accounts with their
contacts, visits, activities, opportunities, orders and jobs; cached between
runs because seeding 100k accounts takes minutes), starts ``fieldcrm-server
serve``, signs the admin in on a fresh profile and times ``fieldcrm sync``
as a subprocess, end to end (process start, push, every pull page, indexes
and full-text index built, verify). Prints one JSON line:

    {"rows", "seconds", "rows_per_s", "reference_rows_per_s", "peak_rss_mb", ...}

``reference_rows_per_s`` is measured in the same run: the same pull pages,
already downloaded, decoded with orjson and inserted with executemany into a
fresh replica file with every index and the full-text index built after.
``peak_rss_mb`` is the laptop process's peak resident set. The machine is
shared, so CPU seconds are reported beside the wall times: ``laptop_cpu_s``
(the ``fieldcrm sync`` process), ``server_cpu_s`` (the server process while
that sync ran) and ``reference_cpu_s``; ``load_avg`` is the 1-minute load
average when the sync started.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
import platformdirs

from fieldcrm.demo.generator import DATA_FORMAT
from fieldcrm.storage.replica import Replica
from fieldcrm.sync.apply import ReplicaWriter
from fieldcrm.sync.transport import Transport
from fieldcrm.sync.wire import PROTOCOL_VERSION

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
CACHE = Path(platformdirs.user_cache_dir("fieldcrm-bench", appauthor=False))
PY = sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_cli(db_url: str, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "FIELDCRM_SERVER_DB": db_url}
    done = subprocess.run([PY, "-m", "fieldcrm.server.cli", *args], input=stdin, env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout


def _pg_database(name: str, *, create: bool) -> tuple[str, bool]:
    """The URL of database ``name`` and whether it already existed."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
        if not exists and create:
            conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, exists


def seeded_server_db(accounts: int, kind: str, work: Path) -> tuple[str, str]:
    """(database URL, admin password) of a server database holding the demo organisation."""
    CACHE.mkdir(parents=True, exist_ok=True)
    tag = f"{accounts}-demo{DATA_FORMAT}"
    secret_file = CACHE / f"{kind}-{tag}.admin"
    if kind == "sqlite":
        cached = CACHE / f"server-{tag}.sqlite"
        if not (cached.exists() and secret_file.exists()):
            fresh = CACHE / f"server-{tag}.seeding.sqlite"
            fresh.unlink(missing_ok=True)
            url = f"sqlite:///{fresh}"
            _server_cli(url, "init")
            secret_file.write_text(_admin_password(_server_cli(url, "seed-demo", "--accounts", str(accounts))))
            fresh.rename(cached)
        target = work / "server.sqlite"
        shutil.copy(cached, target)
        _server_cli(f"sqlite:///{target}", "init")  # the cache may predate a server migration
        return f"sqlite:///{target}", secret_file.read_text()
    url, existed = _pg_database(f"bench_first_sync_{accounts}_demo{DATA_FORMAT}", create=True)
    if not (existed and secret_file.exists()):
        _server_cli(url, "init")
        secret_file.write_text(_admin_password(_server_cli(url, "seed-demo", "--accounts", str(accounts))))
    _server_cli(url, "init")
    return url, secret_file.read_text()


def _admin_password(seed_output: str) -> str:
    for line in io.StringIO(seed_output):
        name, _, password = line.strip().partition("\t")
        if name == "admin":
            return password
    raise RuntimeError("seed-demo printed no admin password")


class ServerProcess:
    def __init__(self, db_url: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "FIELDCRM_SERVER_DB": db_url}
        self.proc = subprocess.Popen([PY, "-m", "fieldcrm.server.cli", "serve", "--port", str(self.port)],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = Transport(self.url)
        deadline = time.monotonic() + 90
        while True:
            try:
                probe.health()
                break
            except Exception:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("the server did not start")
                time.sleep(0.1)
        probe.close()

    def cpu_seconds(self) -> float | None:
        """User + system CPU the server process has used so far (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def laptop_env(work: Path) -> dict[str, str]:
    return {**os.environ, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            "XDG_DATA_HOME": str(work / "xdg"), "XDG_CONFIG_HOME": str(work / "xdg-config"),
            "FIELDCRM_SITE_CONFIG": str(work / "no-site.toml")}


def fieldcrm(profile: Path, env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "fieldcrm.cli.main", "--profile", str(profile), *args],
                          input=stdin, env=env, capture_output=True, text=True)


def timed_laptop_sync(server: ServerProcess, password: str, work: Path) -> dict:
    env = laptop_env(work)
    (work / "no-site.toml").write_text("")
    profile = work / "laptop"
    login = fieldcrm(profile, env, "login", "--server", server.url, "--user", "admin", "--password-stdin",
                     stdin=password + "\n")
    if login.returncode:
        raise RuntimeError(login.stderr)
    load_avg = os.getloadavg()[0]
    server_cpu = server.cpu_seconds()
    started = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "fieldcrm.cli.main", "--profile", str(profile), "sync", "--json"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    server_cpu_after = server.cpu_seconds()
    out = proc.stdout.read()
    if status != 0:
        raise RuntimeError(proc.stderr.read().decode())
    summary = orjson.loads(out)
    return {"rows": summary["pulled_rows"], "seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024,
            "sync_seconds": summary["seconds"], "profile": profile, "load_avg": load_avg,
            "laptop_cpu_s": usage.ru_utime + usage.ru_stime,
            "server_cpu_s": None if server_cpu is None else server_cpu_after - server_cpu}


def download_pages(server: ServerProcess, password: str) -> list[bytes]:
    """The admin's whole scope as raw pull pages (for the in-process reference)."""
    t = Transport(server.url)
    token = t.login("admin", password, "bench-reference", "bench")["token"]
    t.token = token
    pages, cursors = [], {}
    while True:
        response = t.session.post(server.url + "/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                                  data=orjson.dumps({"protocol": PROTOCOL_VERSION, "client_id": "bench-reference",
                                                     "cursors": cursors, "limit": 10_000}))
        response.raise_for_status()
        pages.append(response.content)
        page = orjson.loads(response.content)
        cursors.update({b["bucket"]: b["cursor"] for b in page["buckets"]})
        if not page["has_more"]:
            break
    t.close()
    return pages


def reference_load(pages: list[bytes], work: Path) -> tuple[int, float, float]:
    """Decode and insert the same pages into a fresh file, indexes built after."""
    folder = work / "reference"
    Replica.open(folder).close()
    writer = ReplicaWriter(folder / "replica.sqlite")
    writer.begin_bulk_load()
    rows = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for raw in pages:
        page = orjson.loads(raw)
        with writer.transaction():
            for bucket in page["buckets"]:
                for entity, block in bucket["puts"].items():
                    rows += writer.upsert_rows(entity, block["columns"], block["rows"])
    writer.finish_bulk_load()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    writer.close()
    return rows, seconds, cpu


def check_complete(profile: Path) -> dict:
    """Every index and the full-text index are in place after the first sync."""
    conn = sqlite3.connect(profile / "replica.sqlite")
    try:
        indexes = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchone()[0]
        triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0]
        fts_tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'")]
        try:  # each full-text index against its table's rows
            for table in fts_tables:
                conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
            fts_complete = bool(fts_tables)
        except sqlite3.DatabaseError:
            fts_complete = False
    finally:
        conn.close()
    return {"indexes": indexes, "search_triggers": triggers, "fts_complete": fts_complete}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="fieldcrm-first-sync-"))
    try:
        db_url, password = seeded_server_db(args.accounts, args.db, work)
        server = ServerProcess(db_url)
        try:
            result = timed_laptop_sync(server, password, work)
            complete = check_complete(result.pop("profile"))
            pages = download_pages(server, password)
        finally:
            server.stop()
        ref_rows, ref_seconds, ref_cpu = reference_load(pages, work)
        out = {
            "rows": result["rows"],
            "seconds": round(result["seconds"], 2),
            "rows_per_s": round(result["rows"] / result["seconds"]),
            "reference_rows_per_s": round(ref_rows / ref_seconds),
            "peak_rss_mb": round(result["peak_rss_mb"], 1),
            "laptop_cpu_s": round(result["laptop_cpu_s"], 2),
            "server_cpu_s": None if result["server_cpu_s"] is None else round(result["server_cpu_s"], 2),
            "reference_seconds": round(ref_seconds, 2), "reference_cpu_s": round(ref_cpu, 2),
            "load_avg": round(result["load_avg"], 2),
            "accounts": args.accounts, "db": args.db, "sync_seconds": result["sync_seconds"],
            "reference_rows": ref_rows, **complete,
        }
        out["ratio_to_reference"] = round(out["rows_per_s"] / out["reference_rows_per_s"], 2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(orjson.dumps(out).decode() if args.json else out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
