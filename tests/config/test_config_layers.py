"""Layering, locking and environment overrides of the site configuration."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from fieldcrm.config import (
    Proxy,
    SettingLockedError,
    Settings,
    config_files,
    default_site_config_file,
    load_settings,
    load_site_settings,
    log_config_problems,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    return tmp_path / "etc" / "fieldcrm.toml", tmp_path / "home" / "fieldcrm.toml"


def test_no_files_and_no_environment_give_the_defaults_without_problems(files):
    site, user = files
    settings = load_settings(site_file=site, user_file=user, env={})
    assert settings == Settings(sources=settings.sources)
    assert settings.tls_verify is True
    assert settings.sync_interval == 300
    assert settings.problems == ()
    assert settings.source_of("server_url") == "default"


def test_user_file_overrides_site_file_and_environment_overrides_both(files):
    site, user = files
    write(site, 'server_url = "https://crm.example.com"\nsync_interval = 600\nlog_level = "warning"\n')
    write(user, "sync_interval = 120\n")
    settings = load_settings(
        site_file=site, user_file=user,
        env={"FIELDCRM_LOG_LEVEL": "debug", "FIELDCRM_ALLOW_ERP_CUSTOMER_CREATE": "yes"},
    )
    assert settings.server_url == "https://crm.example.com"
    assert settings.sync_interval == 120
    assert settings.log_level == "DEBUG"
    assert settings.allow_erp_customer_create is True
    assert settings.source_of("server_url") == str(site)
    assert settings.source_of("sync_interval") == str(user)
    assert settings.source_of("log_level") == "environment FIELDCRM_LOG_LEVEL"
    assert settings.files_read == (site, user)
    assert settings.problems == ()


def test_locked_setting_keeps_the_site_value_and_tells_which_file_tried(files):
    site, user = files
    write(site, 'server_url = "https://crm.example.com"\nlocked = ["server_url", "tls_verify"]\n')
    write(user, 'sync_interval = 60\nserver_url = "https://elsewhere.example.net"\n')
    settings = load_settings(site_file=site, user_file=user, env={})
    assert settings.server_url == "https://crm.example.com"
    assert settings.sync_interval == 60
    assert settings.locked == {"server_url", "tls_verify"}
    [warning] = settings.warnings
    assert str(warning) == f"{user}, line 2: server_url: locked by {site}; the value set there is kept"
    with pytest.raises(SettingLockedError, match="server_url"):
        settings.ensure_editable("server_url")
    settings.ensure_editable("sync_interval")  # not locked: no error


def test_environment_may_override_a_locked_setting_with_a_warning(files):
    site, user = files
    write(site, 'server_url = "https://crm.example.com"\nlocked = ["server_url"]\n')
    settings = load_settings(
        site_file=site, user_file=user, env={"FIELDCRM_SERVER_URL": "https://staging.example.com/"}
    )
    assert settings.server_url == "https://staging.example.com"
    assert settings.source_of("server_url") == "environment FIELDCRM_SERVER_URL"
    assert any(p.key == "FIELDCRM_SERVER_URL" and "locks" in p.message for p in settings.warnings)


def test_only_the_site_file_can_lock(files):
    site, user = files
    write(user, 'locked = ["server_url"]\n')
    settings = load_settings(site_file=site, user_file=user, env={})
    assert settings.locked == frozenset()
    assert [str(p) for p in settings.warnings] == [
        f"{user}, line 1: locked: only the site-wide file can lock settings; ignored"
    ]


def test_turning_tls_verification_off_is_explicit_and_warned(files, caplog):
    site, user = files
    write(user, "tls_verify = false\n")
    settings = load_settings(site_file=site, user_file=user, env={})
    assert settings.tls_verify is False
    assert settings.requests_verify() is False
    [warning] = [p for p in settings.problems if p.key == "tls_verify"]
    assert warning.severity == "warning" and warning.source == str(user)
    with caplog.at_level(logging.WARNING, logger="fieldcrm.config"):
        log_config_problems(settings)
    assert "TLS certificate verification is turned OFF" in caplog.text


def test_tls_verify_cannot_be_switched_off_by_a_vague_value(files):
    site, user = files
    write(user, 'tls_verify = "nah"\n')
    settings = load_settings(site_file=site, user_file=user, env={"FIELDCRM_TLS_VERIFY": "maybe"})
    assert settings.tls_verify is True
    assert len(settings.errors) == 2


def test_ca_bundle_and_proxy_feed_the_http_client(files, tmp_path):
    site, user = files
    bundle = write(tmp_path / "company-ca.pem", "-----BEGIN CERTIFICATE-----\n")
    write(site, f'ca_bundle = "{bundle}"\n[proxy]\nhttp = "http://proxy:3128"\nhttps = "http://proxy:3129"\n')
    settings = load_settings(site_file=site, user_file=user, env={})
    assert settings.requests_verify() == str(bundle)
    assert settings.proxy == Proxy("http://proxy:3128", "http://proxy:3129")
    assert settings.requests_proxies() == {"http": "http://proxy:3128", "https": "http://proxy:3129"}
    env_settings = load_settings(site_file=site, user_file=user, env={"FIELDCRM_PROXY": "http://other:8080"})
    assert env_settings.requests_proxies() == {"http": "http://other:8080", "https": "http://other:8080"}


def test_missing_ca_bundle_is_reported(files, tmp_path):
    site, user = files
    settings = load_settings(site_file=site, user_file=user,
                             env={"FIELDCRM_CA_BUNDLE": str(tmp_path / "gone.pem")})
    assert any(p.key == "ca_bundle" and "does not exist" in p.message for p in settings.warnings)


def test_plain_http_to_a_remote_server_is_warned_but_loopback_is_not(files):
    site, user = files
    remote = load_settings(site_file=site, user_file=user, env={"FIELDCRM_SERVER_URL": "http://crm.example.com"})
    local = load_settings(site_file=site, user_file=user, env={"FIELDCRM_SERVER_URL": "http://127.0.0.1:8000"})
    assert any(p.key == "server_url" and "unencrypted" in p.message for p in remote.warnings)
    assert local.problems == ()


def test_site_file_location_per_platform_and_override():
    assert str(default_site_config_file({}, "linux")) == "/etc/fieldcrm/fieldcrm.toml"
    assert str(default_site_config_file({}, "darwin")) == "/Library/Application Support/fieldcrm/fieldcrm.toml"
    assert str(default_site_config_file({"PROGRAMDATA": r"D:\ProgramData"}, "win32")) == (
        r"D:\ProgramData\fieldcrm\fieldcrm.toml"
    )
    found = config_files({"FIELDCRM_SITE_CONFIG": "/srv/it/crm.toml"}, profile=Path("/p"), platform="linux")
    assert found.site == Path("/srv/it/crm.toml") and found.site_explicit
    assert found.user == Path("/p/fieldcrm.toml")


def test_a_site_file_named_explicitly_but_missing_is_an_error(tmp_path):
    files = config_files({"FIELDCRM_SITE_CONFIG": str(tmp_path / "missing.toml")}, profile=tmp_path)
    settings = load_site_settings(files, {})
    assert [str(p) for p in settings.errors] == [
        f"{tmp_path / 'missing.toml'}: file not found; using the built-in defaults"
    ]
    assert settings.server_url is None
