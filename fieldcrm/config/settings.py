"""The typed, frozen site settings and the rules each key's value must follow."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal
from urllib.parse import urlsplit

Severity = Literal["error", "warning"]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MIN_SYNC_INTERVAL = 10
MAX_SYNC_INTERVAL = 24 * 60 * 60
DEFAULT_SOURCE = "default"


class SettingLockedError(PermissionError):
    """A setting the site file locks was about to be changed by the user."""


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with the configuration, worded for the person who fixes it."""

    source: str
    message: str
    key: str | None = None
    line: int | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}, line {self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


@dataclass(frozen=True)
class Proxy:
    """The proxy for plain and for TLS connections to the server."""

    http: str | None = None
    https: str | None = None

    def for_requests(self) -> dict[str, str]:
        return {scheme: url for scheme, url in (("http", self.http), ("https", self.https)) if url}


@dataclass(frozen=True)
class Settings:
    """The effective configuration: defaults, then site file, user file, environment."""

    server_url: str | None = None
    ca_bundle: Path | None = None
    proxy: Proxy | None = None
    tls_verify: bool = True
    sync_interval: int = 300
    log_level: str = "INFO"
    allow_erp_customer_create: bool = False
    keyring_backend: str | None = None
    compression: str = "auto"  # auto: gzip unless the server is on this machine; gzip; off
    locked: frozenset[str] = frozenset()
    sources: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    problems: tuple[ConfigProblem, ...] = ()
    files_read: tuple[Path, ...] = ()

    @property
    def errors(self) -> tuple[ConfigProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[ConfigProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    def source_of(self, key: str) -> str:
        """Where the effective value of ``key`` came from: a file, a variable or ``default``."""
        return self.sources.get(key, DEFAULT_SOURCE)

    def is_locked(self, key: str) -> bool:
        return key in self.locked

    def ensure_editable(self, key: str) -> None:
        """Raise :class:`SettingLockedError` when the site file locks ``key``."""
        if key not in SETTING_KEYS:
            raise KeyError(key)
        if key in self.locked:
            raise SettingLockedError(
                f"{key} is set by your IT department ({self.sources.get('locked', 'site file')}) "
                "and cannot be changed here"
            )

    def requests_verify(self) -> bool | str:
        """The ``verify=`` argument for requests: the CA bundle, or on/off."""
        if not self.tls_verify:
            return False
        return str(self.ca_bundle) if self.ca_bundle else True

    def requests_proxies(self) -> dict[str, str]:
        return self.proxy.for_requests() if self.proxy else {}

    def values(self) -> dict[str, object]:
        """The effective value of every key, as plain JSON-ready data."""
        out: dict[str, object] = {}
        for key in SETTING_KEYS:
            value = getattr(self, key)
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, Proxy):
                value = {"http": value.http, "https": value.https}
            out[key] = value
        out["locked"] = sorted(self.locked)
        return out


# --- the rules for each key -------------------------------------------------------


def _quoted(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def parse_server_url(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected the server's address such as \"https://crm.example.com\", got {_quoted(value)}")
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http:// or https:// address with a host name, got {_quoted(value)}")
    return url


def parse_path(value: object) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected the path of a PEM file, got {_quoted(value)}")
    return Path(value.strip()).expanduser()


def _parse_proxy_url(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a proxy address such as \"http://proxy:3128\", got {_quoted(value)}")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https", "socks5", "socks5h") or not parts.hostname:
        raise ValueError(f"expected a proxy address such as \"http://proxy:3128\", got {_quoted(value)}")
    return value.strip()


def parse_proxy(value: object) -> Proxy:
    if isinstance(value, str):
        url = _parse_proxy_url(value)
        return Proxy(http=url, https=url)
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"http", "https"})
        if unknown:
            raise ValueError(f"only \"http\" and \"https\" may be given, got {', '.join(unknown)}")
        return Proxy(
            http=_parse_proxy_url(value["http"]) if "http" in value else None,
            https=_parse_proxy_url(value["https"]) if "https" in value else None,
        )
    raise ValueError(f"expected a proxy address or a table with http and https, got {_quoted(value)}")


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {_quoted(value)}")


def parse_sync_interval(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number of seconds, got {_quoted(value)}")
    if not MIN_SYNC_INTERVAL <= value <= MAX_SYNC_INTERVAL:
        raise ValueError(
            f"expected between {MIN_SYNC_INTERVAL} and {MAX_SYNC_INTERVAL} seconds, got {value}"
        )
    return value


def parse_log_level(value: object) -> str:
    if isinstance(value, str) and value.strip().upper() in LOG_LEVELS:
        return value.strip().upper()
    raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}, got {_quoted(value)}")


def parse_keyring_backend(value: object) -> str:
    if isinstance(value, str) and "." in value.strip() and " " not in value.strip():
        return value.strip()
    raise ValueError(
        "expected a keyring backend class such as "
        f"\"keyring.backends.SecretService.Keyring\", got {_quoted(value)}"
    )


COMPRESSION_MODES = ("auto", "gzip", "off")


def parse_compression(value: object) -> str:
    if isinstance(value, str) and value.strip().lower() in COMPRESSION_MODES:
        return value.strip().lower()
    raise ValueError(f"expected one of {', '.join(COMPRESSION_MODES)}, got {_quoted(value)}")


PARSERS: Mapping[str, Callable[[object], object]] = MappingProxyType({
    "server_url": parse_server_url,
    "ca_bundle": parse_path,
    "proxy": parse_proxy,
    "tls_verify": parse_bool,
    "sync_interval": parse_sync_interval,
    "log_level": parse_log_level,
    "allow_erp_customer_create": parse_bool,
    "keyring_backend": parse_keyring_backend,
    "compression": parse_compression,
})
SETTING_KEYS: tuple[str, ...] = tuple(PARSERS)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def safety_warnings(settings: Settings) -> list[ConfigProblem]:
    """Warnings about an effective configuration that works but is risky."""
    found: list[ConfigProblem] = []

    def warn(key: str, message: str) -> None:
        found.append(ConfigProblem(settings.source_of(key), message, key, severity="warning"))

    if not settings.tls_verify:
        warn("tls_verify", "TLS certificate verification is turned OFF: anyone on the network "
             "path can read and change what is sent to the server, sign-in token included")
        if settings.ca_bundle:
            warn("ca_bundle", "is ignored because tls_verify is false")
    if settings.server_url:
        parts = urlsplit(settings.server_url)
        if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
            warn("server_url", "uses plain http://: the sign-in token and all data cross the "
                 "network unencrypted; use https://")
    if settings.ca_bundle and settings.tls_verify and not settings.ca_bundle.is_file():
        warn("ca_bundle", f"file {settings.ca_bundle} does not exist; connections to the server will fail")
    return found


def log_config_problems(settings: Settings, logger: logging.Logger | None = None) -> None:
    """Write every configuration problem to the log at its severity."""
    log = logger or logging.getLogger("fieldcrm.config")
    for problem in settings.problems:
        log.log(logging.ERROR if problem.severity == "error" else logging.WARNING, "%s", problem)
