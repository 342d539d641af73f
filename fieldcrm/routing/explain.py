"""Why a stop is not in the plan, in words a rep understands.

First the stop alone: can any working day hold it at all (hours, window,
appointment, van capacity)? Then with the others: is there any place in a
planned day where it could go without breaking a rule?
"""

from __future__ import annotations

from fieldcrm.routing.check import find_violations
from fieldcrm.routing.model import (
    RoutePlan,
    Stop,
    TravelSettings,
    UnplannedStop,
    WorkingDay,
    clock,
)
from fieldcrm.routing.schedule import allowed_starts, time_route


def stand_alone_problem(
    stop: Stop, days: list[WorkingDay], travel: TravelSettings
) -> UnplannedStop | None:
    """Why ``stop`` cannot be planned even on an otherwise empty day (``None``: it can)."""
    hours = _hours(days)
    capacities = [d.capacity for d in days]
    if None not in capacities and stop.demand > max(capacities):
        return UnplannedStop(
            stop, f"needs {stop.demand} units, more than the {max(capacities)} the van carries",
            "capacity",
        )
    if not any(allowed_starts(stop, day) for day in days):
        if stop.appointment is not None:
            return UnplannedStop(
                stop, f"the appointment at {clock(stop.appointment)} is outside "
                      f"working hours {hours}", "appointment",
            )
        return UnplannedStop(
            stop, f"outside the customer's window {stop.window.label()}: "
                  f"no working hours then ({hours})", "window",
        )
    codes = set()
    for day in days:
        alone = time_route([stop], day, travel=travel)
        found = [v for v in find_violations(alone, travel=travel) if v.code != "pinned_position"]
        if not found:
            return None
        codes |= {v.code for v in found}
    if "appointment" in codes:
        return UnplannedStop(
            stop, f"the appointment at {clock(stop.appointment)} cannot be reached "
                  f"within working hours {hours}", "appointment",
        )
    if "window" in codes:
        return UnplannedStop(
            stop, f"outside the customer's window {stop.window.label()}: it cannot be "
                  f"reached in time within working hours {hours}", "window",
        )
    return UnplannedStop(
        stop, f"does not fit in the working day ({hours}), even as the only visit",
        "working_hours",
    )


def explain_unplanned(
    stop: Stop, days: list[WorkingDay], plans: list[RoutePlan], travel: TravelSettings
) -> UnplannedStop:
    """Why ``stop`` (possible alone) found no place among the planned visits."""
    hours = _hours(days)
    codes: set[str] = set()
    for plan in plans:
        ordered = plan.stops
        positions = range(len(ordered) + 1)
        if stop.pinned_position is not None:
            positions = [stop.pinned_position] if stop.pinned_position <= len(ordered) else []
        for at in positions:
            trial = time_route(ordered[:at] + [stop] + ordered[at:], plan.day, travel=travel)
            found = find_violations(trial, travel=travel)
            if not found:
                return UnplannedStop(
                    stop, "not placed within the planning time; plan again with more time",
                    "search_time",
                )
            codes |= {v.code for v in found}
    if stop.pinned_position is not None:
        return UnplannedStop(
            stop, f"cannot be kept at position {stop.pinned_position + 1} "
                  "without breaking the day's other visits", "pinned_position",
        )
    if "capacity" in codes and not codes - {"capacity", "pinned_position"}:
        return UnplannedStop(stop, "the van is already full", "capacity")
    if stop.appointment is not None:
        return UnplannedStop(
            stop, f"the appointment at {clock(stop.appointment)} clashes with other visits",
            "appointment",
        )
    if stop.window is not None:
        return UnplannedStop(
            stop, f"outside the customer's window {stop.window.label()}: "
                  "other visits already fill that time", "window",
        )
    return UnplannedStop(
        stop, f"does not fit in the working day ({hours}) with the other visits", "no_room"
    )


def _hours(days: list[WorkingDay]) -> str:
    if len(days) == 1:
        return days[0].hours()
    return f"{len(days)} working days"
