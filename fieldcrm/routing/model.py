"""What a rep's or technician's day is made of: stops, working days, and the plan.

Times are ``datetime`` values in the rep's local time (naive or aware, but the
same kind throughout one plan). Locations are WGS84 latitude/longitude.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True)
class TimeWindow:
    """When the customer lets the visit start (the visit may run past ``end``).

    Either two ``datetime`` values (one specific date) or two ``time`` values
    (the same hours on whichever working day the visit falls).
    """

    start: dt.datetime | dt.time
    end: dt.datetime | dt.time

    def __post_init__(self) -> None:
        if isinstance(self.start, dt.datetime) != isinstance(self.end, dt.datetime):
            raise ValueError("a time window needs two datetimes or two times of day")
        if self.end < self.start:
            raise ValueError(f"time window ends before it starts: {self.label()}")

    def label(self) -> str:
        return f"{clock(self.start)}–{clock(self.end)}"


@dataclass(frozen=True)
class Stop:
    """A visit to plan.

    ``appointment`` fixes the start time exactly. ``pinned_position`` keeps the
    stop at that 0-based place in the day's order when the rest is re-optimised.
    ``demand`` counts against :attr:`WorkingDay.capacity` (parts, boxes, samples).
    ``priority`` weighs which stops to keep when not everything fits.
    """

    id: str
    location: Location
    duration: dt.timedelta = dt.timedelta(minutes=30)
    name: str = ""
    window: TimeWindow | None = None
    appointment: dt.datetime | None = None
    pinned_position: int | None = None
    demand: int = 0
    priority: int = 1

    @property
    def title(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class WorkingDay:
    """One working day of one rep or technician: hours, where it starts and ends, load."""

    start: dt.datetime
    end: dt.datetime
    start_location: Location
    end_location: Location | None = None  # None: back where the day started
    capacity: int | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a working day must end after it starts")

    @property
    def home(self) -> Location:
        return self.end_location or self.start_location

    def hours(self) -> str:
        return f"{clock(self.start)}–{clock(self.end)}"


@dataclass(frozen=True)
class TravelSettings:
    """Travel time from the great-circle distance.

    road distance = haversine distance × ``road_factor``;
    travel time = road distance / ``average_speed_kmh``.
    """

    road_factor: float = 1.3
    average_speed_kmh: float = 40.0

    def __post_init__(self) -> None:
        if self.road_factor < 1 or self.average_speed_kmh <= 0:
            raise ValueError("road factor must be at least 1 and the speed positive")


@dataclass(frozen=True)
class Visit:
    """A planned stop: when the rep gets there, starts, and leaves."""

    stop: Stop
    arrival: dt.datetime
    start: dt.datetime
    end: dt.datetime
    distance_from_previous_m: float
    travel_from_previous: dt.timedelta

    @property
    def wait(self) -> dt.timedelta:
        return self.start - self.arrival


@dataclass(frozen=True)
class UnplannedStop:
    """A stop left out of the plan and why, in words a rep understands."""

    stop: Stop
    reason: str
    code: str  # window | appointment | working_hours | capacity | pinned_position | no_room


@dataclass
class RoutePlan:
    """One working day's route, in order, with the stops that did not fit."""

    day: WorkingDay
    visits: list[Visit]
    departure: dt.datetime
    return_time: dt.datetime
    distance_m: float
    travel_time: dt.timedelta
    unplanned: list[UnplannedStop] = field(default_factory=list)

    @property
    def stops(self) -> list[Stop]:
        return [v.stop for v in self.visits]


@dataclass
class DispatchPlan:
    """Several working days (a rep's week, or a crew of technicians on one day)."""

    routes: list[RoutePlan]
    unplanned: list[UnplannedStop]

    @property
    def distance_m(self) -> float:
        return sum(r.distance_m for r in self.routes)

    @property
    def travel_time(self) -> dt.timedelta:
        return sum((r.travel_time for r in self.routes), dt.timedelta())


def clock(value: dt.datetime | dt.time) -> str:
    return value.strftime("%H:%M")
