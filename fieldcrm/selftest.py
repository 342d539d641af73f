"""The self-test an installer or the help desk runs on a laptop: ``fieldcrm --self-test``.

It runs, in order: configuration, keyring, replica, disk space and server, and says for
each ``ok``, ``warning`` (works, but somebody should look) or ``error`` (does not work).
The run passes when no check is an error: warnings never fail it. The check functions
for configuration, keyring, disk and server live in :mod:`fieldcrm.diagnostics`; this
module adds the replica check, runs them all, and turns an unexpected exception in any
check into an error line instead of a traceback.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import fieldcrm
from fieldcrm.config import Settings, config_files, load_site_settings
from fieldcrm.diagnostics import (
    CheckResult,
    check_config,
    check_disk_space,
    check_keyring_backend,
    check_server,
)

log = logging.getLogger(__name__)

EXIT_PASSED, EXIT_FAILED = 0, 1


@dataclass(frozen=True)
class CheckOutcome:
    """One line of the self-test, with how long the check took."""

    result: CheckResult
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return {**dataclasses.asdict(self.result), "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class SelfTestReport:
    """Every check's outcome; ``passed`` is true when none of them is an error."""

    profile_dir: Path
    outcomes: tuple[CheckOutcome, ...]

    @property
    def failures(self) -> list[CheckResult]:
        return [o.result for o in self.outcomes if o.result.severity == "error"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [o.result for o in self.outcomes if o.result.severity == "warning"]

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def exit_code(self) -> int:
        return EXIT_PASSED if self.passed else EXIT_FAILED

    def as_dict(self) -> dict[str, object]:
        """The machine-readable report (``--json`` and ``self-test.json`` in the support zip)."""
        return {
            "ok": self.passed,
            "fieldcrm": fieldcrm.__version__,
            "profile": str(self.profile_dir),
            "failures": len(self.failures),
            "warnings": len(self.warnings),
            "checks": [o.as_dict() for o in self.outcomes],
        }


# --- the replica check ---------------------------------------------------------------


def _read_only_value(path: Path, sql: str) -> str | None:
    """One value from a replica file, read without changing anything (``None`` if unreadable)."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = db.execute(sql).fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        db.close()
    return row[0] if row and row[0] else None


def _nearest_existing(folder: Path) -> Path:
    folder = folder.absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def check_replica(profile_dir: Path) -> CheckResult:
    """Does the replica open and migrate to the current schema, and is its file sound?

    An existing replica is opened as the app opens it, which migrates it. Where there is
    none yet (a fresh installation) a throw-away replica is made in a temporary folder
    to prove the bundled migrations run, and the profile folder must be writable; no
    replica is left behind.
    """
    from fieldcrm.services.status import replica_status
    from fieldcrm.storage.migrate import current_revision, head_revision
    from fieldcrm.storage.replica import REPLICA_FILE, Replica

    name = "replica"
    path = Path(profile_dir) / REPLICA_FILE
    if not path.exists():
        with tempfile.TemporaryDirectory(prefix="fieldcrm-self-test-") as scratch:
            replica = Replica.open(Path(scratch))
            revision = current_revision(replica.engine)
            replica.close()
        folder = _nearest_existing(Path(profile_dir))
        if not os.access(folder, os.W_OK):
            return CheckResult.failed(
                name, f"no replica yet at {path}, and {folder} cannot be written, so the app "
                "cannot make one: give the user write access or choose another --profile")
        return CheckResult.passed(
            name, f"no replica yet at {path}; the app makes one at first start "
            f"(a new replica migrates to schema {revision})")

    before = _read_only_value(path, "SELECT version_num FROM alembic_version")
    replica = Replica.open(Path(profile_dir))
    try:
        after = current_revision(replica.engine)
        with replica.engine.connect() as conn:
            integrity = conn.exec_driver_sql("PRAGMA quick_check").scalar()
        status = replica_status(replica)
    finally:
        replica.close()
    if integrity != "ok":
        return CheckResult.failed(
            name, f"{path} is damaged (SQLite quick_check: {integrity}); changes not yet sent "
            "may be lost: collect diagnostics and contact support before resetting it")
    if after != head_revision():
        return CheckResult.failed(name, f"{path} is at schema {after}, expected {head_revision()}")
    migrated = f"migrated from schema {before} to {after}" if before != after else f"schema {after}"
    return CheckResult.passed(
        name, f"{path} opens ({migrated}); {status['pending']} change(s) waiting to sync, "
        f"{status['parked']} not accepted, {status['conflicts']} conflict(s)")


def signed_in_server(profile_dir: Path) -> str | None:
    """The server this profile's replica is signed in to, read without opening it for writing."""
    from fieldcrm.storage.replica import REPLICA_FILE

    path = Path(profile_dir) / REPLICA_FILE
    if not path.is_file():
        return None
    return _read_only_value(path, "SELECT value FROM sync_state WHERE key = 'server_url'")


def check_configured_server(settings: Settings, profile_dir: Path, timeout: float) -> CheckResult:
    """The server of the site configuration, else the one the profile signed in to."""
    if not settings.server_url:
        signed_in = signed_in_server(profile_dir)
        if signed_in is None:
            return CheckResult.passed(
                "server", "skipped: no server_url is configured and this profile has not signed in")
        settings = dataclasses.replace(settings, server_url=signed_in.rstrip("/"))
    return check_server(settings, timeout=timeout)


# --- running them --------------------------------------------------------------------


def _timed(name: str, check: Callable[[], CheckResult]) -> CheckOutcome:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # a broken check is a failed check, never a traceback
        log.exception("Self-test check %s raised", name)
        result = CheckResult.failed(name, f"the check itself failed: {type(exc).__name__}: {exc}")
    outcome = CheckOutcome(result, time.perf_counter() - started)
    level = {"ok": logging.INFO, "warning": logging.WARNING}.get(result.severity, logging.ERROR)
    log.log(level, "Self-test %s: %s: %s", name, result.severity, result.detail)
    return outcome


def load_settings_for(profile_dir: Path | None, env: Mapping[str, str]) -> Settings:
    return load_site_settings(config_files(env, profile=profile_dir), env)


def run_self_test(
    profile_dir: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    server_timeout: float = 10.0,
) -> SelfTestReport:
    """Run every check for the profile (the per-user data folder when ``None``)."""
    from fieldcrm.storage.replica import default_profile_dir

    env = os.environ if env is None else env
    folder = Path(profile_dir) if profile_dir is not None else default_profile_dir()
    if settings is None:
        settings = load_settings_for(profile_dir, env)
    resolved = settings
    checks: list[tuple[str, Callable[[], CheckResult]]] = [
        ("configuration", lambda: check_config(resolved)),
        ("keyring", lambda: check_keyring_backend(resolved, env)),
        ("replica", lambda: check_replica(folder)),
        ("disk space", lambda: check_disk_space(folder)),
        ("server", lambda: check_configured_server(resolved, folder, server_timeout)),
    ]
    log.info("Self-test of fieldcrm %s on profile %s", fieldcrm.__version__, folder)
    return SelfTestReport(folder, tuple(_timed(name, check) for name, check in checks))


_LABELS = {"ok": "ok", "warning": "warning", "error": "FAILED"}


def format_report(report: SelfTestReport) -> str:
    """One line per check, then a verdict, for a person reading a terminal."""
    width = max(len(o.result.name) for o in report.outcomes)
    lines = []
    for outcome in report.outcomes:
        result = outcome.result
        detail_lines = [part.strip().removeprefix("- ") for part in result.detail.splitlines()]
        detail = "; ".join(part for part in detail_lines if part)
        lines.append(f"{_LABELS[result.severity]:<8} {result.name:<{width}}  {detail}")
    total = len(report.outcomes)
    warned = f", {len(report.warnings)} warning(s)" if report.warnings else ""
    if report.passed:
        lines.append(f"self-test passed: {total} checks{warned}")
    else:
        lines.append(f"self-test FAILED: {len(report.failures)} of {total} checks failed{warned}")
    return "\n".join(lines)
