"""Working hours and travel for the schedule, from the app's settings (``routing/*``).

A value that cannot be used (a time that is not HH:MM, a day that ends before it
starts, a road factor under 1 or a speed of zero) falls back to the default, so a
bad entry in the settings file never stops the day from being planned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fieldcrm.routing import TravelSettings
from fieldcrm.services.scheduling import WORKING_HOURS

PREFIX = "routing/"


@dataclass(frozen=True)
class RoutingPrefs:
    hours: tuple[dt.time, dt.time] = WORKING_HOURS
    travel: TravelSettings = TravelSettings()

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
    return RoutingPrefs(hours, travel)
