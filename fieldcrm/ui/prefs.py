"""The desktop app's settings: the shared table plus what the window keeps."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable

from fieldcrm.ui.settings import DEFAULTS, Deferred, Setting, Settings


def _working_hours(end: int) -> Deferred:
    def compute() -> str:
        from fieldcrm.services.scheduling import WORKING_HOURS

        return f"{WORKING_HOURS[end]:%H:%M}"

    return Deferred(compute)


def _travel(name: str) -> Deferred:
    def compute() -> float:
        from fieldcrm.routing import TravelSettings

        return getattr(TravelSettings, name)

    return Deferred(compute)


APP_DEFAULTS: dict[str, Setting] = {
    **DEFAULTS,
    "lists/saved_filters": Setting(dict, {}, "Named filters per list: entity -> name -> query"),
    "ui/last_page": Setting(str, "today", "The page shown when the app opens"),
    "routing/day_start": Setting(str, _working_hours(0), "When the working day starts (HH:MM)"),
    "routing/day_end": Setting(str, _working_hours(1), "When the working day ends (HH:MM)"),
    "routing/road_factor": Setting(float, _travel("road_factor"),
                                   "Road distance over straight-line distance (at least 1)"),
    "routing/average_speed_kmh": Setting(float, _travel("average_speed_kmh"), "Average driving speed, km/h"),
    "routing/home": Setting(dict, {}, "Where routes start and end: {\"lat\", \"lon\", \"name\"}; "
                                      "empty: the middle of the day's stops"),
}

SETTINGS_FILE = "fieldcrm-ui.ini"


#: site configuration key -> (the app setting it gives the default of, conversion)
SITE_DEFAULTS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    # seconds in the site file, whole minutes in the app (rounded up, at least one)
    "sync_interval": ("sync/interval_minutes", lambda seconds: max(1, math.ceil(int(seconds) / 60))),
}


def site_defaults(site: Any) -> tuple[dict[str, Any], frozenset[str]]:
    """(defaults, locked) the site configuration gives the app's settings: a key
    IT set (site file, user file or environment) becomes the default, and a key
    the site file locks is shown read-only with that value."""
    overrides: dict[str, Any] = {}
    locked: set[str] = set()
    if site is None:
        return overrides, frozenset()
    for key, (name, convert) in SITE_DEFAULTS.items():
        if key in site.sources or key in site.locked:
            overrides[name] = convert(getattr(site, key))
        if key in site.locked:
            locked.add(name)
    return overrides, frozenset(locked)


def open_prefs(profile_dir: Path, site: Any = None, **kwargs: Any) -> Settings:
    """The settings kept in the profile folder, beside the replica, with the
    defaults and locks of the site configuration ``site``."""
    overrides, locked = site_defaults(site)
    return Settings.at(Path(profile_dir) / SETTINGS_FILE, defaults=APP_DEFAULTS,
                       overrides=overrides, locked=locked, **kwargs)


def saved_filters(prefs: Settings, entity: str) -> dict[str, dict]:
    return dict(prefs.get("lists/saved_filters").get(entity, {}))


def save_filter(prefs: Settings, entity: str, name: str, query: dict) -> None:
    every = prefs.get("lists/saved_filters")
    every.setdefault(entity, {})[name] = query
    prefs.set("lists/saved_filters", every)


def delete_filter(prefs: Settings, entity: str, name: str) -> None:
    every = prefs.get("lists/saved_filters")
    every.get(entity, {}).pop(name, None)
    prefs.set("lists/saved_filters", every)
