"""Support bundle and the self-test checks for configuration, keyring, disk and server.

Each check returns a :class:`CheckResult`; ``fieldcrm --self-test`` runs them and
:func:`collect_diagnostics` packs the result, the logs and the effective configuration
into one zip that IT can send to support. Nothing secret goes into the zip: every text
passes the same redaction as the log file.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import ssl
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import requests

import fieldcrm
from fieldcrm.config import Settings
from fieldcrm.logs import SecretRegistry, redact
from fieldcrm.sync.credentials import check_keyring

LOW_DISK_BYTES = 500 * 1024 * 1024
HEALTH_PATH = "/health"

Severity = Literal["ok", "warning", "error"]


@dataclass(frozen=True)
class CheckResult:
    """One self-test line: ``ok`` is false whenever something needs a person's attention."""

    name: str
    ok: bool
    detail: str
    severity: Severity = "ok"

    @classmethod
    def passed(cls, name: str, detail: str) -> CheckResult:
        return cls(name, True, detail, "ok")

    @classmethod
    def warning(cls, name: str, detail: str) -> CheckResult:
        return cls(name, False, detail, "warning")

    @classmethod
    def failed(cls, name: str, detail: str) -> CheckResult:
        return cls(name, False, detail, "error")


# --- checks ------------------------------------------------------------------------


def check_config(settings: Settings) -> CheckResult:
    """Were the configuration files read without errors or warnings?"""
    files = ", ".join(str(p) for p in settings.files_read) or "no configuration file"
    if not settings.problems:
        if not settings.files_read:
            return CheckResult.passed("configuration", "no configuration file; built-in defaults in use")
        return CheckResult.passed("configuration", f"read {files} without problems")
    listing = "\n".join(f"- {problem}" for problem in settings.problems)
    summary = f"{len(settings.errors)} error(s), {len(settings.warnings)} warning(s) in {files}:\n{listing}"
    if settings.errors:
        return CheckResult.failed("configuration", summary)
    return CheckResult.warning("configuration", summary)


def check_keyring_backend(settings: Settings, env: Mapping[str, str]) -> CheckResult:
    """Is the keyring backend secure (or chosen on purpose), and does a round trip work?"""
    status = check_keyring(settings.keyring_backend, env)
    if not status.usable:
        return CheckResult.failed("keyring", status.detail)
    if not status.secure:
        return CheckResult.warning("keyring", status.detail)
    return CheckResult.passed("keyring", status.detail)


def _existing_parent(path: Path) -> Path:
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk_space(data_dir: Path, minimum_bytes: int = LOW_DISK_BYTES) -> CheckResult:
    """Is there room for the replica and attachments where the data folder is?"""
    try:
        usage = shutil.disk_usage(_existing_parent(data_dir))
    except OSError as exc:
        return CheckResult.failed("disk space", f"cannot read the free space of {data_dir}: {exc}")
    free_mb = usage.free // (1024 * 1024)
    if usage.free < minimum_bytes:
        return CheckResult.warning(
            "disk space",
            f"only {free_mb} MB free on the drive of {data_dir} (less than "
            f"{minimum_bytes // (1024 * 1024)} MB); sync and photos may fail",
        )
    return CheckResult.passed("disk space", f"{free_mb} MB free on the drive of {data_dir}")


def _find_cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of ``kind`` among the causes, reasons and args of ``exc``."""
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind):
            return item
        stack.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return None


def _tls_failure(url: str, settings: Settings, exc: BaseException) -> str:
    cause = _find_cause(exc, ssl.SSLError)
    if isinstance(cause, ssl.SSLCertVerificationError):
        reason = cause.verify_message or cause.reason or str(cause)
    elif cause is not None:
        reason = cause.reason or str(cause)
    else:
        reason = str(exc)
    trusted = (f"the CA bundle {settings.ca_bundle}" if settings.ca_bundle
               else "the system's trusted certificate authorities")
    return (f"TLS check of {url} failed: {reason}. The server's certificate was checked against "
            f"{trusted}; if the server uses a company certificate authority, set ca_bundle "
            "to that authority's PEM file")


def _connection_failure(url: str, exc: BaseException) -> str:
    refused = _find_cause(exc, ConnectionRefusedError)
    if refused is not None:
        return f"cannot connect to {url}: connection refused (is the server running and the address right?)"
    if _find_cause(exc, socket.gaierror) is not None:
        host = urlsplit(url).hostname
        return f"cannot connect to {url}: the host name {host} could not be resolved (check the address and DNS)"
    return f"cannot connect to {url}: {exc}"


def check_server(
    settings: Settings,
    *,
    timeout: float = 10.0,
    session: requests.Session | None = None,
) -> CheckResult:
    """GET ``<server_url>/health`` with the configured CA bundle and proxy."""
    name = "server"
    if not settings.server_url:
        return CheckResult.failed(name, "no server_url is configured")
    url = settings.server_url + HEALTH_PATH
    if settings.tls_verify and settings.ca_bundle and not settings.ca_bundle.is_file():
        return CheckResult.failed(
            name, f"the CA bundle {settings.ca_bundle} (ca_bundle) does not exist, so the "
            f"certificate of {url} cannot be checked")
    http = session or requests.Session()
    try:
        response = http.get(url, timeout=timeout, verify=settings.requests_verify(),
                            proxies=settings.requests_proxies() or None)
    except requests.exceptions.SSLError as exc:
        return CheckResult.failed(name, _tls_failure(url, settings, exc))
    except requests.exceptions.ProxyError as exc:
        return CheckResult.failed(name, f"the proxy did not pass the request to {url}: {exc}")
    except requests.exceptions.Timeout:
        return CheckResult.failed(name, f"no answer from {url} within {timeout:g} s")
    except requests.exceptions.ConnectionError as exc:
        return CheckResult.failed(name, _connection_failure(url, exc))
    except (requests.exceptions.RequestException, OSError) as exc:
        # requests raises OSError itself when the CA bundle file is missing.
        return CheckResult.failed(name, f"cannot reach {url}: {exc}")
    finally:
        if session is None:
            http.close()
    if not response.ok:
        return CheckResult.failed(name, f"{url} answered HTTP {response.status_code} {response.reason}")
    if url.startswith("http://"):
        security = "plain http, not encrypted"
    elif settings.tls_verify:
        security = "TLS certificate verified"
    else:
        security = "TLS certificate NOT verified (tls_verify is false)"
    return CheckResult.passed(name, f"{url} answered HTTP {response.status_code} ({security})")


# --- support bundle ----------------------------------------------------------------


def _redacted(value: object, secrets: SecretRegistry | None) -> object:
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, Mapping):
        return {str(k): _redacted(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redacted(v, secrets) for v in value]
    return value


def _json(value: object, secrets: SecretRegistry | None) -> str:
    return json.dumps(_redacted(value, secrets), indent=2, ensure_ascii=False, default=str) + "\n"


def config_report(settings: Settings) -> dict[str, object]:
    """The effective configuration with the origin of each value and every problem."""
    return {
        "values": settings.values(),
        "sources": {key: settings.source_of(key) for key in settings.values()},
        "files_read": [str(p) for p in settings.files_read],
        "problems": [{**asdict(p), "text": str(p)} for p in settings.problems],
    }


def self_test_report(results: Sequence[CheckResult] | Mapping[str, object]) -> dict[str, object]:
    """The self-test as JSON-ready data; a mapping is taken as already prepared."""
    if isinstance(results, Mapping):
        return dict(results)
    checks = [asdict(result) for result in results]
    return {"ok": all(result.ok for result in results), "checks": checks}


def collect_diagnostics(
    zip_path: Path,
    *,
    log_dir: Path,
    config: Settings,
    self_test_result: Sequence[CheckResult] | Mapping[str, object],
    secrets: SecretRegistry | None = None,
) -> Path:
    """Write a support zip with logs, effective configuration and self-test; return its path.

    Layout: ``about.json``, ``config.json``, ``config-files/<n>-<name>`` (the TOML files
    that were read), ``self-test.json`` and ``logs/<file>``. Every text is redacted. The
    zip is written to a temporary file first, so a failure never leaves half a bundle.
    """
    zip_path = Path(zip_path)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    about = {
        "fieldcrm": fieldcrm.__version__,
        "python": sys.version,
        "platform": platform.platform(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    fd, tmp_name = tempfile.mkstemp(prefix=".diagnostics-", suffix=".zip", dir=zip_path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr("about.json", _json(about, secrets))
            bundle.writestr("config.json", _json(config_report(config), secrets))
            for number, path in enumerate(config.files_read, start=1):
                text = _read_text(path)
                if text is not None:
                    bundle.writestr(f"config-files/{number}-{path.name}", redact(text, secrets))
            bundle.writestr("self-test.json", _json(self_test_report(self_test_result), secrets))
            log_dir = Path(log_dir)
            if log_dir.is_dir():
                for path in sorted(p for p in log_dir.iterdir() if p.is_file()):
                    text = _read_text(path)
                    if text is not None:
                        bundle.writestr(f"logs/{path.name}", redact(text, secrets))
        os.replace(tmp_name, zip_path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return zip_path


def _read_text(path: Path) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
