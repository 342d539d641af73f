"""Travel between two places: great-circle distance stretched to roads, at an average speed."""

from __future__ import annotations

import math

from fieldcrm.routing.model import Location, TravelSettings

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)


def great_circle_m(a: Location, b: Location) -> float:
    """Haversine distance in metres."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi = phi2 - phi1
    dlambda = math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def road_distance_m(a: Location, b: Location, settings: TravelSettings) -> float:
    return great_circle_m(a, b) * settings.road_factor


def travel_seconds(a: Location, b: Location, settings: TravelSettings) -> float:
    return road_distance_m(a, b, settings) / (settings.average_speed_kmh / 3.6)
