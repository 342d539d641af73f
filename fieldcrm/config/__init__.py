"""Site configuration: built-in defaults < site file < user file < environment.

See docs/configuration.md for every key, file location and the locking rules.
"""

from .loader import ENV_VARS, load_settings, load_site_settings
from .paths import (
    SITE_CONFIG_ENV,
    ConfigFiles,
    config_files,
    default_site_config_file,
    default_user_config_file,
)
from .settings import (
    SETTING_KEYS,
    ConfigProblem,
    Proxy,
    SettingLockedError,
    Settings,
    log_config_problems,
)

__all__ = [
    "ENV_VARS",
    "SETTING_KEYS",
    "SITE_CONFIG_ENV",
    "ConfigFiles",
    "ConfigProblem",
    "Proxy",
    "SettingLockedError",
    "Settings",
    "config_files",
    "default_site_config_file",
    "default_user_config_file",
    "load_settings",
    "load_site_settings",
    "log_config_problems",
]
