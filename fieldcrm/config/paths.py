"""Where the configuration files live on each operating system."""

from __future__ import annotations

import ntpath
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "fieldcrm"
CONFIG_FILE_NAME = "fieldcrm.toml"
SITE_CONFIG_ENV = "FIELDCRM_SITE_CONFIG"


@dataclass(frozen=True)
class ConfigFiles:
    """The two configuration files a laptop reads, lowest precedence first.

    ``site_explicit`` is true when the site file was named by
    ``FIELDCRM_SITE_CONFIG``: a missing file is then an error, while a missing
    file at the platform's default location is normal.
    """

    site: Path
    user: Path
    site_explicit: bool = False


def default_site_config_file(
    env: Mapping[str, str], platform: str = sys.platform
) -> Path:
    """The system-wide file IT deploys, at the platform's usual place."""
    if platform.startswith("win"):
        program_data = env.get("PROGRAMDATA") or r"C:\ProgramData"
        return Path(ntpath.join(program_data, APP_NAME, CONFIG_FILE_NAME))
    if platform == "darwin":
        return Path("/Library/Application Support") / APP_NAME / CONFIG_FILE_NAME
    return Path("/etc") / APP_NAME / CONFIG_FILE_NAME


def default_user_config_file(profile: Path | None = None) -> Path:
    """The per-user file: in the ``--profile`` folder when one is given."""
    if profile is not None:
        return Path(profile) / CONFIG_FILE_NAME
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / CONFIG_FILE_NAME


def config_files(
    env: Mapping[str, str],
    *,
    profile: Path | None = None,
    platform: str = sys.platform,
) -> ConfigFiles:
    """The files to read for this environment, profile and platform."""
    override = env.get(SITE_CONFIG_ENV, "").strip()
    if override:
        site, explicit = Path(override).expanduser(), True
    else:
        site, explicit = default_site_config_file(env, platform), False
    return ConfigFiles(site=site, user=default_user_config_file(profile), site_explicit=explicit)
