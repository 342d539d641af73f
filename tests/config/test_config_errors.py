"""Bad configuration files give messages naming file, line and key, and keep the app usable."""

from __future__ import annotations

from pathlib import Path

from fieldcrm.config import load_settings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_value_names_file_line_and_key_and_keeps_the_default(tmp_path):
    site = write(tmp_path / "site.toml", 'server_url = "https://crm.example.com"\nsync_interval = "often"\n')
    settings = load_settings(site_file=site, user_file=None, env={})
    assert settings.sync_interval == 300
    assert settings.server_url == "https://crm.example.com"  # the good key in the same file still counts
    [error] = settings.errors
    assert (error.source, error.line, error.key) == (str(site), 2, "sync_interval")
    assert str(error) == (
        f'{site}, line 2: sync_interval: expected a whole number of seconds, got "often"; setting ignored'
    )


def test_bad_user_value_falls_back_to_the_site_value(tmp_path):
    site = write(tmp_path / "site.toml", "sync_interval = 900\n")
    user = write(tmp_path / "user.toml", "sync_interval = 3\n")
    settings = load_settings(site_file=site, user_file=user, env={})
    assert settings.sync_interval == 900
    assert "expected between 10 and 86400 seconds, got 3" in str(settings.errors[0])


def test_toml_syntax_error_gives_the_line_and_ignores_only_that_file(tmp_path):
    site = write(tmp_path / "site.toml", 'server_url = "https://crm.example.com"\n')
    user = write(tmp_path / "user.toml", "log_level = \"DEBUG\"\nsync_interval = \n")
    settings = load_settings(site_file=site, user_file=user, env={})
    [error] = settings.errors
    assert error.source == str(user) and error.line == 2
    assert "not valid TOML" in error.message and "whole file is ignored" in error.message
    assert settings.server_url == "https://crm.example.com"
    assert settings.log_level == "INFO"
    assert settings.files_read == (site, user)


def test_unknown_keys_are_warnings_with_a_suggestion(tmp_path):
    site = write(tmp_path / "site.toml", 'sync_intervall = 60\ncolour = "blue"\n')
    settings = load_settings(site_file=site, user_file=None, env={})
    assert settings.errors == ()
    messages = [str(p) for p in settings.warnings]
    assert messages == [
        f'{site}, line 1: sync_intervall: unknown setting, ignored; did you mean "sync_interval"?',
        f"{site}, line 2: colour: unknown setting, ignored",
    ]


def test_bad_environment_values_name_the_variable(tmp_path):
    settings = load_settings(site_file=None, user_file=None, env={
        "FIELDCRM_SYNC_INTERVAL": "often",
        "FIELDCRM_SERVER_URL": "crm.example.com",
        "FIELDCRM_LOG_LEVEL": "chatty",
        "FIELDCRM_PROXY": "",  # empty counts as unset
    })
    assert [p.key for p in settings.errors] == [
        "FIELDCRM_SERVER_URL", "FIELDCRM_SYNC_INTERVAL", "FIELDCRM_LOG_LEVEL"
    ]
    assert str(settings.errors[1]) == (
        'environment: FIELDCRM_SYNC_INTERVAL: expected a whole number of seconds, got "often"; setting ignored'
    )
    assert (settings.server_url, settings.sync_interval, settings.log_level) == (None, 300, "INFO")


def test_unreadable_file_is_reported_not_fatal(tmp_path):
    folder = tmp_path / "fieldcrm.toml"
    folder.mkdir()  # a folder where the file should be
    latin = tmp_path / "latin.toml"
    latin.write_bytes('server_url = "https://caf\xe9"\n'.encode("latin-1"))
    settings = load_settings(site_file=folder, user_file=latin, env={})
    assert len(settings.errors) == 2
    assert all("cannot be read" in p.message for p in settings.errors)


def test_bad_lock_list_is_reported(tmp_path):
    site = write(tmp_path / "site.toml", 'locked = "server_url"\n')
    settings = load_settings(site_file=site, user_file=None, env={})
    assert settings.locked == frozenset()
    assert settings.errors[0].key == "locked" and settings.errors[0].line == 1
