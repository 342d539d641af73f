"""Size and start-up time of the packaged app (PyInstaller one-folder bundle).

Run: ``.venv/bin/python -m bench.bundle [--rebuild] --json``

Builds ``build.spec`` (or reuses the cached build, see :func:`ensure_bundle`) and prints
one JSON line: uncompressed MB, ``.tar.gz`` MB, the largest parts, and the wall time of
the built binary's ``--version`` (first run and median of the next runs) and of
``--self-test --json`` on a fresh profile; each against the budget in docs/packaging.md.

The build is cached in ``build/bundle-<hash>``, keyed by a hash of the spec,
``packaging/``, the laptop sources (``fieldcrm/`` without ``server/`` and ``erp/``),
``resources/``, ``pyproject.toml`` and the versions of Python, PyInstaller, PySide6 and
OR-Tools, so the packaging test and this bench share one build per source state.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from bench.local_writes import machine

ROOT = Path(__file__).resolve().parent.parent
APP = "fieldcrm"
BUDGET = {"uncompressed_mb": 200.0, "targz_mb": 80.0, "version_seconds": 1.0}
_HASHED = ("build.spec", "pyproject.toml", "packaging", "fieldcrm", "resources")
_NOT_BUNDLED = (("fieldcrm", "server"), ("fieldcrm", "erp"))
_STALE_SECONDS = 2 * 3600


@dataclass(frozen=True)
class Bundle:
    folder: Path            # dist/fieldcrm: what IT ships
    executable: Path
    built_now: bool
    build_seconds: float


def _hashed_files(root: Path):
    for name in _HASHED:
        top = root / name
        paths = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        for path in paths:
            rel = path.relative_to(root)
            if (path.is_file() and "__pycache__" not in rel.parts and path.suffix != ".pyc"
                    and rel.parts[:2] not in _NOT_BUNDLED):
                yield rel, path


def source_hash(root: Path = ROOT) -> str:
    """What the bundle is built from: when this is unchanged, the cached build is current."""
    digest = hashlib.sha256()
    versions = [sys.version]
    for dist in ("pyinstaller", "PySide6-Essentials", "PySide6-Addons", "ortools"):
        try:
            versions.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist}=missing")
    digest.update("\n".join(versions).encode())
    for rel, path in _hashed_files(root):
        digest.update(rel.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cache_dir(key: str) -> Path:
    return ROOT / "build" / f"bundle-{key}"


def _executable(folder: Path) -> Path:
    return folder / (f"{APP}.exe" if sys.platform.startswith("win") else APP)


def _prune_stale(keep: Path) -> None:
    """Other source states' builds, once nobody has used them for a while."""
    now = time.time()
    for old in keep.parent.glob("bundle-*"):
        if old in (keep, keep.with_suffix(".lock")) or now - old.stat().st_mtime <= _STALE_SECONDS:
            continue
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def ensure_bundle(*, rebuild: bool = False, root: Path = ROOT) -> Bundle:
    """The built one-folder bundle for the current sources, building it only when needed.

    A lock file keeps two test runs from building the same state at once; a build that
    fails, is interrupted, or saw the sources change under it leaves no ``complete.json``,
    so it is never reused.
    """
    key = source_hash(root)
    target = cache_dir(key)
    target.mkdir(parents=True, exist_ok=True)
    marker = target / "complete.json"
    with open(target.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = target / "dist" / APP
        if marker.is_file() and not rebuild:
            os.utime(target)
            info = json.loads(marker.read_text())
            return Bundle(folder, _executable(folder), False, info["build_seconds"])
        marker.unlink(missing_ok=True)
        started = time.monotonic()
        command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                   "--distpath", str(target / "dist"), "--workpath", str(target / "work"),
                   str(root / "build.spec")]
        result = subprocess.run(command, cwd=root, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"PyInstaller failed ({result.returncode}):\n{result.stderr[-4000:]}")
        seconds = round(time.monotonic() - started, 1)
        shutil.rmtree(target / "work", ignore_errors=True)
        # Sources edited while PyInstaller ran may be half in the bundle: use it this once,
        # but never let a later run take it for the current sources.
        if source_hash(root) == key:
            marker.write_text(json.dumps({"key": key, "build_seconds": seconds}))
    _prune_stale(target)
    return Bundle(folder, _executable(folder), True, seconds)


# --- measurements ----------------------------------------------------------------------


def _files(folder: Path):
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            yield path


def folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in _files(folder)) / 1e6, 1)


def targz_mb(folder: Path) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / f"{APP}.tar.gz"
        with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
            tar.add(folder, arcname=folder.name)
        return round(archive.stat().st_size / 1e6, 1)


def largest_parts(folder: Path, count: int = 15) -> list[dict[str, object]]:
    """The biggest files and package folders inside the bundle, in MB."""
    internal = folder / "_internal"
    sizes: dict[str, int] = {}
    for path in _files(internal if internal.is_dir() else folder):
        rel = path.relative_to(internal if internal.is_dir() else folder).parts
        if rel[0] == "PySide6" and len(rel) > 3:
            key = "/".join(rel[:4]) if rel[2] in ("plugins", "translations") else "/".join(rel)
        else:
            key = rel[0]
        sizes[key] = sizes.get(key, 0) + path.stat().st_size
    top = sorted(sizes.items(), key=lambda item: item[1], reverse=True)[:count]
    return [{"part": name, "mb": round(size / 1e6, 1)} for name, size in top]


def bundle_env(profile: Path) -> dict[str, str]:
    """A headless run on a throw-away profile with a keyring chosen on purpose."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDCRM_")}
    env.update({
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(profile / "xdg-data"),
        "XDG_CONFIG_HOME": str(profile / "xdg-config"),
        "XDG_STATE_HOME": str(profile / "xdg-state"),
        "FIELDCRM_SITE_CONFIG": str(profile / "site.toml"),
    })
    (profile / "site.toml").touch()
    return env


def _time_run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of the built program."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(bundle: Bundle, runs: int = 7) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-") as scratch:
        profile = Path(scratch)
        env = bundle_env(profile)
        exe = str(bundle.executable)
        version_runs = [_time_run([exe, "--version"], env) for _ in range(runs + 1)]
        self_test, _ = _time_run([exe, "--profile", str(profile / "p"), "--self-test", "--json"], env)
    version = [wall for wall, _ in version_runs]
    version_cpu = statistics.median(cpu for _, cpu in version_runs[1:])
    uncompressed, compressed = folder_mb(bundle.folder), targz_mb(bundle.folder)
    median = statistics.median(version[1:])
    return {
        "bench": "bundle",
        "bundle": str(bundle.folder),
        "built_now": bundle.built_now,
        "build_seconds": bundle.build_seconds,
        "uncompressed_mb": uncompressed,
        "targz_mb": compressed,
        "version_seconds": {"first": round(version[0], 3), "median": round(median, 3),
                            "max": round(max(version[1:]), 3), "cpu_median": round(version_cpu, 3),
                            "runs": runs},
        "self_test_seconds": round(self_test, 2),
        "budget": BUDGET,
        "within_budget": {"uncompressed": uncompressed <= BUDGET["uncompressed_mb"],
                          "targz": compressed <= BUDGET["targz_mb"],
                          "version": median <= BUDGET["version_seconds"]},
        "largest": largest_parts(bundle.folder),
        "machine": machine(),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="build even when a cached build is current")
    parser.add_argument("--runs", type=int, default=7, help="timed --version runs after the first")
    parser.add_argument("--json", action="store_true", help="print one JSON line (the default output)")
    args = parser.parse_args(argv)
    print(json.dumps(measure(ensure_bundle(rebuild=args.rebuild), runs=args.runs)))


if __name__ == "__main__":
    main()
