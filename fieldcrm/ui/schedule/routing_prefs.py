"""Working hours, travel and home base for the schedule, from the app's settings
(``routing/*``).

A value that cannot be used (a time that is not HH:MM, a day that ends before it
starts, a road factor under 1 or a speed of zero, a home base off the globe)
falls back to the default, so a bad entry in the settings file never stops the
day from being planned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional

from fieldcrm.routing import Location, TravelSettings
from fieldcrm.services.scheduling import WORKING_HOURS

PREFIX = "routing/"
HOME = PREFIX + "home"


@dataclass(frozen=True)
class HomeBase:
    """Where the user's routes start and end."""

    lat: float
    lon: float
    name: str = ""

    @property
    def location(self) -> Location:
        return Location(self.lat, self.lon)

    def as_setting(self) -> dict:
        return {"lat": self.lat, "lon": self.lon, "name": self.name}


def home_base(value: Any) -> Optional[HomeBase]:
    """The home base a ``routing/home`` value names, or None (not set or unusable)."""
    if not isinstance(value, dict):
        return None
    try:
        lat, lon = float(value["lat"]), float(value["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return HomeBase(lat, lon, str(value.get("name") or ""))


def set_home_base(prefs: Any, home: Optional[HomeBase]) -> None:
    """Store ``home`` in the settings; None forgets it (routes start at the middle of their stops)."""
    if home is None:
        prefs.reset(HOME)
    else:
        prefs.set(HOME, home.as_setting())


def move_home_base(prefs: Any, lat: float, lon: float, name: str) -> None:
    """Put the home base at (lat, lon), keeping its name (``name`` for a new one)."""
    current = home_base(prefs.get(HOME))
    set_home_base(prefs, HomeBase(round(lat, 5), round(lon, 5), current.name if current else name))


@dataclass(frozen=True)
class RoutingPrefs:
    hours: tuple[dt.time, dt.time] = WORKING_HOURS
    travel: TravelSettings = TravelSettings()
    home: Optional[HomeBase] = None

    def hours_on(self, day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        return dt.datetime.combine(day, self.hours[0], tz), dt.datetime.combine(day, self.hours[1], tz)


def routing_prefs(prefs: Any) -> RoutingPrefs:
    """The routing settings of ``prefs`` (the defaults when there are none)."""
    if prefs is None:
        return RoutingPrefs()
    try:
        hours = (dt.time.fromisoformat(prefs.get(PREFIX + "day_start")),
                 dt.time.fromisoformat(prefs.get(PREFIX + "day_end")))
        if hours[1] <= hours[0]:
            hours = WORKING_HOURS
    except ValueError:
        hours = WORKING_HOURS
    road, speed = prefs.get(PREFIX + "road_factor"), prefs.get(PREFIX + "average_speed_kmh")
    default = TravelSettings()
    travel = TravelSettings(road if road >= 1 else default.road_factor,
                            speed if speed > 0 else default.average_speed_kmh)
    return RoutingPrefs(hours, travel, home_base(prefs.get(HOME)))
