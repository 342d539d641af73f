"""Build :class:`Settings` from defaults, the site file, the user file and the environment.

Nothing here is fatal: every problem is collected on the settings object so the app
can start, show it, and fall back to the lower layer (or the default) for that key.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from .paths import ConfigFiles
from .settings import (
    PARSERS,
    SETTING_KEYS,
    ConfigProblem,
    Settings,
    safety_warnings,
)

ENV_VARS: Mapping[str, str] = MappingProxyType({
    "FIELDCRM_SERVER_URL": "server_url",
    "FIELDCRM_CA_BUNDLE": "ca_bundle",
    "FIELDCRM_PROXY": "proxy",
    "FIELDCRM_TLS_VERIFY": "tls_verify",
    "FIELDCRM_SYNC_INTERVAL": "sync_interval",
    "FIELDCRM_LOG_LEVEL": "log_level",
    "FIELDCRM_ALLOW_ERP_CUSTOMER_CREATE": "allow_erp_customer_create",
    "FIELDCRM_KEYRING_BACKEND": "keyring_backend",
    "FIELDCRM_COMPRESSION": "compression",
})

_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off"})
_TOML_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")


@dataclasses.dataclass
class _Layer:
    """The valid values one file or the environment contributes."""

    source: str
    values: dict[str, object] = dataclasses.field(default_factory=dict)
    locked: frozenset[str] | None = None
    lines: dict[str, int | None] = dataclasses.field(default_factory=dict)
    problems: list[ConfigProblem] = dataclasses.field(default_factory=list)


def _key_line(text: str, key: str) -> int | None:
    """The line where ``key`` is set at the top level of a TOML text, when it can be found."""
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=|^\s*\[\s*{re.escape(key)}\s*\]")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _unknown_key_message(key: str) -> str:
    close = difflib.get_close_matches(key, [*SETTING_KEYS, "locked"], n=1)
    hint = f"; did you mean \"{close[0]}\"?" if close else ""
    return f"unknown setting, ignored{hint}"


def _parse_locked(value: object, layer: _Layer, line: int | None) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        layer.problems.append(ConfigProblem(
            layer.source, f"expected a list of setting names such as [\"server_url\"], got {value!r}",
            "locked", line))
        return
    unknown = [item for item in value if item not in SETTING_KEYS]
    for item in unknown:
        layer.problems.append(ConfigProblem(
            layer.source, f"\"{item}\" is not a setting that can be locked; ignored",
            "locked", line, "warning"))
    layer.locked = frozenset(item for item in value if item in SETTING_KEYS)


def read_config_file(path: Path, *, is_site: bool, must_exist: bool = False) -> _Layer:
    """Read one TOML file into a layer; a missing file gives an empty layer."""
    layer = _Layer(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if must_exist:
            layer.problems.append(ConfigProblem(layer.source, "file not found; using the built-in defaults"))
        return layer
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        layer.problems.append(ConfigProblem(layer.source, f"cannot be read ({reason}); file ignored"))
        return layer
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_LINE.search(message)
        line = int(match.group(1)) if match else None
        reason = _TOML_LINE.sub("", message)
        layer.problems.append(ConfigProblem(
            layer.source, f"not valid TOML ({reason}); the whole file is ignored", line=line))
        return layer
    for key, value in data.items():
        line = layer.lines[key] = _key_line(text, key)
        if key == "locked":
            if is_site:
                _parse_locked(value, layer, line)
            else:
                layer.problems.append(ConfigProblem(
                    layer.source, "only the site-wide file can lock settings; ignored",
                    key, line, "warning"))
            continue
        parser = PARSERS.get(key)
        if parser is None:
            layer.problems.append(ConfigProblem(layer.source, _unknown_key_message(key), key, line, "warning"))
            continue
        try:
            layer.values[key] = parser(value)
        except ValueError as exc:
            layer.problems.append(ConfigProblem(layer.source, f"{exc}; setting ignored", key, line))
    return layer


def _env_value(key: str, raw: str) -> object:
    """Turn an environment string into the TOML-like value the key's rule expects."""
    text = raw.strip()
    if key in ("tls_verify", "allow_erp_customer_create"):
        if text.lower() in _TRUE_WORDS:
            return True
        if text.lower() in _FALSE_WORDS:
            return False
    if key == "sync_interval" and text.isdigit():
        return int(text)
    return text


def read_environment(env: Mapping[str, str]) -> _Layer:
    """The layer the ``FIELDCRM_*`` variables make; an empty variable counts as unset."""
    layer = _Layer("environment")
    for var, key in ENV_VARS.items():
        raw = env.get(var, "")
        if not raw.strip():
            continue
        try:
            layer.values[key] = PARSERS[key](_env_value(key, raw))
        except ValueError as exc:
            layer.problems.append(ConfigProblem(layer.source, f"{exc}; setting ignored", var))
    return layer


def load_settings(
    *,
    site_file: Path | None,
    user_file: Path | None,
    env: Mapping[str, str],
    site_file_must_exist: bool = False,
) -> Settings:
    """Layer defaults < site file < user file < environment into one :class:`Settings`.

    The site file's ``locked`` list keeps the user file from changing those keys;
    environment variables still may (for IT troubleshooting), with a warning.
    """
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    problems: list[ConfigProblem] = []
    files_read: list[Path] = []
    locked: frozenset[str] = frozenset()

    if site_file is not None:
        site = read_config_file(site_file, is_site=True, must_exist=site_file_must_exist)
        problems += site.problems
        values.update(site.values)
        sources.update(dict.fromkeys(site.values, site.source))
        if site.locked is not None:
            locked = site.locked
            sources["locked"] = site.source
        if site_file.is_file():
            files_read.append(site_file)

    if user_file is not None:
        user = read_config_file(user_file, is_site=False)
        problems += user.problems
        for key, value in user.values.items():
            if key in locked:
                problems.append(ConfigProblem(
                    user.source, f"locked by {sources['locked']}; the value set there is kept",
                    key, user.lines.get(key), "warning"))
                continue
            values[key] = value
            sources[key] = user.source
        if user_file.is_file():
            files_read.append(user_file)

    environment = read_environment(env)
    problems += environment.problems
    for key, value in environment.values.items():
        var = next(name for name, k in ENV_VARS.items() if k == key)
        if key in locked:
            problems.append(ConfigProblem(
                "environment", f"overrides {key}, which {sources['locked']} locks "
                "(allowed for troubleshooting)", var, None, "warning"))
        values[key] = value
        sources[key] = f"environment {var}"

    settings = Settings(
        **values,
        locked=locked,
        sources=MappingProxyType(sources),
        files_read=tuple(files_read),
    )
    problems += safety_warnings(settings)
    return dataclasses.replace(settings, problems=tuple(problems))


def load_site_settings(files: ConfigFiles, env: Mapping[str, str]) -> Settings:
    """Load the settings from the files :func:`~fieldcrm.config.paths.config_files` found."""
    return load_settings(
        site_file=files.site,
        user_file=files.user,
        env=env,
        site_file_must_exist=files.site_explicit,
    )

