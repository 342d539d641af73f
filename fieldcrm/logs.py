"""The app's log file: where it lives, its line format, and the filter that hides secrets.

Every record passes :class:`RedactingFilter` before it is written, so bearer tokens,
``Authorization`` headers, ``password=...`` pairs, passwords in URLs and every token the
credential store has handled (see :class:`SecretRegistry`) never reach the file.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import platformdirs

LOG_FILE_NAME = "fieldcrm.log"
REDACTED = "[REDACTED]"
LINE_FORMAT = "%(asctime)s %(levelname)-8s %(name)s [%(threadName)s] %(message)s"
_HANDLER_NAME = "fieldcrm-file"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization / Proxy-Authorization headers, as text or as a dict's repr.
    (re.compile(r"""(?i)((?:proxy-)?authorization['"]?\s*[:=]\s*['"]?)(?:(bearer|basic|token|digest)\s+)?[^\s'",;}]+"""),
     lambda m: f"{m.group(1)}{m.group(2) + ' ' if m.group(2) else ''}{REDACTED}"),
    # A bearer token anywhere else.
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*"), rf"\g<1>{REDACTED}"),
    # key=value and "key": "value" pairs whose key names a secret.
    (re.compile(r"""(?i)\b((?:password|passwd|pwd|secret|client_secret|api_key|apikey|access_token|refresh_token|token)['"]?\s*=\s*['"]?)[^\s'"&,;}]+"""),
     rf"\g<1>{REDACTED}"),
    (re.compile(r"""(?i)(['"](?:password|passwd|pwd|secret|client_secret|api_key|apikey|access_token|refresh_token|token)['"]\s*:\s*['"])[^'"]*"""),
     rf"\g<1>{REDACTED}"),
    (re.compile(r"(?i)\b((?:password|passwd|secret)\s*:\s*)\S+"), rf"\g<1>{REDACTED}"),
    # user:password@ in URLs (proxy settings, mostly).
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:)[^\s@/]+@"), rf"\g<1>{REDACTED}@"),
)


class SecretRegistry:
    """The secret values the app currently holds, so the log can hide them wherever they appear.

    The credential store adds each token it saves or loads. Shared by reference between
    the credential store and the log filter; safe to use from several threads.
    """

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        for value in values:
            self.add(value)

    def add(self, value: str | None) -> None:
        if value:
            with self._lock:
                self._values.add(value)

    def values(self) -> list[str]:
        """The known secrets, longest first so a secret containing another is hidden whole."""
        with self._lock:
            return sorted(self._values, key=len, reverse=True)

    def __contains__(self, value: object) -> bool:
        with self._lock:
            return value in self._values


def redact(text: str, secrets: SecretRegistry | None = None) -> str:
    """``text`` with every secret this module can recognise replaced by ``[REDACTED]``."""
    if secrets is not None:
        for value in secrets.values():
            text = text.replace(value, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Renders each record's message and traceback, then hides the secrets in them."""

    def __init__(self, secrets: SecretRegistry | None = None) -> None:
        super().__init__()
        self.secrets = secrets
        self._traceback_formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message, self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._traceback_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


class _LineFormatter(logging.Formatter):
    """``2024-05-01T14:03:07.123+02:00 WARNING  fieldcrm.sync [MainThread] message``."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


def default_log_dir(profile: Path | None = None) -> Path:
    """``<profile>/logs`` with ``--profile DIR``, else the platform's per-user log folder."""
    if profile is not None:
        return Path(profile) / "logs"
    return platformdirs.user_log_path("fieldcrm", appauthor=False)


def configure_logging(
    log_dir: Path,
    level: str = "INFO",
    *,
    secrets: SecretRegistry | None = None,
    logger: logging.Logger | None = None,
    max_bytes: int = 2_000_000,
    backup_count: int = 5,
) -> logging.handlers.RotatingFileHandler:
    """Send ``logger``'s records (the root logger by default) to ``log_dir/fieldcrm.log``.

    The file rotates at ``max_bytes`` keeping ``backup_count`` old files. Calling this
    again replaces the handler it installed before. Returns the handler so the caller
    can close it on shutdown.
    """
    target = logger if logger is not None else logging.getLogger()
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    for old in [h for h in target.handlers if h.get_name() == _HANDLER_NAME]:
        target.removeHandler(old)
        old.close()
    handler = logging.handlers.RotatingFileHandler(
        log_dir / LOG_FILE_NAME, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
    )
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(_LineFormatter(LINE_FORMAT))
    handler.addFilter(RedactingFilter(secrets))
    target.addHandler(handler)
    target.setLevel(getattr(logging, level.upper(), logging.INFO))
    return handler
