"""The log file: location, line format, level, rotation and redaction of secrets."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from fieldcrm.config import load_settings
from fieldcrm.logs import LOG_FILE_NAME, SecretRegistry, configure_logging, default_log_dir
from fieldcrm.sync.credentials import CredentialStore

TOKEN = "fcrm_0a1b2c3d4e5f60718293a4b5c6d7e8f9"


@pytest.fixture
def app_logger():
    """A logger tree of its own, so the test leaves the root logger as it was."""
    logger = logging.getLogger("fieldcrm-logtest")
    logger.propagate = False
    yield logger
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def read_log(log_dir: Path) -> str:
    return (log_dir / LOG_FILE_NAME).read_text(encoding="utf-8")


def test_profile_puts_logs_in_its_logs_folder(tmp_path):
    assert default_log_dir(tmp_path / "profile") == tmp_path / "profile" / "logs"
    assert default_log_dir().name  # the platform's per-user folder


def test_line_has_time_level_logger_and_message(tmp_path, app_logger):
    configure_logging(tmp_path, "INFO", logger=app_logger)
    app_logger.getChild("sync").info("pulled %d changes", 12)
    line = read_log(tmp_path).strip()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d INFO +fieldcrm-logtest\.sync "
        r"\[MainThread\] pulled 12 changes",
        line,
    ), line


def test_level_comes_from_the_configuration(tmp_path, app_logger):
    settings = load_settings(site_file=None, user_file=None, env={"FIELDCRM_LOG_LEVEL": "warning"})
    configure_logging(tmp_path, settings.log_level, logger=app_logger)
    app_logger.info("routine detail")
    app_logger.warning("sync failed")
    text = read_log(tmp_path)
    assert "sync failed" in text and "routine detail" not in text


def test_configuring_twice_does_not_double_lines(tmp_path, app_logger):
    configure_logging(tmp_path, "INFO", logger=app_logger)
    configure_logging(tmp_path, "INFO", logger=app_logger)
    app_logger.info("once")
    assert read_log(tmp_path).count("once") == 1


def test_file_rotates(tmp_path, app_logger):
    configure_logging(tmp_path, "INFO", logger=app_logger, max_bytes=2_000, backup_count=2)
    for n in range(100):
        app_logger.info("visit %d checked in", n)
    assert (tmp_path / f"{LOG_FILE_NAME}.1").is_file()
    assert not (tmp_path / f"{LOG_FILE_NAME}.3").exists()


def test_token_known_to_the_credential_store_is_written_redacted(tmp_path, app_logger, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    secrets = SecretRegistry()
    configure_logging(tmp_path / "logs", "DEBUG", logger=app_logger, secrets=secrets)
    store = CredentialStore.open(
        None, {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}, secrets
    )
    store.save_token("https://crm.example.com", "alice", TOKEN)
    app_logger.debug("server echoed %s in its error page", TOKEN)
    text = read_log(tmp_path / "logs")
    assert TOKEN not in text
    assert "server echoed [REDACTED] in its error page" in text


def test_headers_passwords_and_tracebacks_are_redacted(tmp_path, app_logger):
    configure_logging(tmp_path, "DEBUG", logger=app_logger)
    app_logger.info("request headers %s", {"Authorization": "Bearer abc.DEF-123_xyz", "Accept": "json"})
    app_logger.info("Authorization: Basic dXNlcjpodW50ZXIy")
    app_logger.info("login form user=bob password=hunter2&remember=1")
    app_logger.info("proxy http://bob:pr0xyPass@proxy.corp:3128 in use")
    try:
        raise ConnectionError("server said: invalid bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")
    except ConnectionError:
        app_logger.exception("push failed")
    text = read_log(tmp_path)
    for secret in ("abc.DEF-123_xyz", "dXNlcjpodW50ZXIy", "hunter2", "pr0xyPass", "eyJhbGciOiJIUzI1NiJ9"):
        assert secret not in text, secret
    assert "'Authorization': 'Bearer [REDACTED]'" in text
    assert "'Accept': 'json'" in text  # the rest of the line stays readable
    assert "user=bob password=[REDACTED]&remember=1" in text
    assert "Traceback" in text and "push failed" in text
