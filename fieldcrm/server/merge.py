"""Field-level three-way merge of a laptop's update with the server's row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from fieldcrm.storage.registry import FieldInfo, fields_of, to_plain
from fieldcrm.storage.validation import FieldError, coerce

_MISSING = object()


def _normal(info: FieldInfo, value: Any) -> Any:
    """A value in comparable form (``10`` and ``"10.00"`` are the same amount)."""
    try:
        return coerce(info, value)
    except (FieldError, TypeError, ValueError):
        return value


@dataclass
class MergeOutcome:
    apply: dict[str, Any] = field(default_factory=dict)  # field → coerced value to write
    clashes: dict[str, dict[str, Any]] = field(default_factory=dict)  # field → base/mine/theirs


def three_way(
    entity: str, current: Mapping[str, Any], changes: Mapping[str, Any],
    base: Mapping[str, Any], *, unchanged_since_base: bool,
) -> MergeOutcome:
    """Decide per field: take the laptop's value, keep the server's, or clash.

    ``current`` holds the server's values, ``changes`` the laptop's coerced new
    values, ``base`` the values the laptop started from. A field the server
    did not change since the base takes the laptop's value; a field both
    changed to different values clashes and the server's value stays.
    """
    infos = fields_of(entity)
    out = MergeOutcome()
    for name, mine in changes.items():
        info = infos[name]
        theirs = current.get(name)
        if _normal(info, theirs) == mine:
            continue
        if name in base:
            original = _normal(info, base[name])
        elif unchanged_since_base:
            original = _normal(info, theirs)
        else:
            original = _MISSING
        if original is not _MISSING and original == _normal(info, theirs):
            out.apply[name] = mine
        else:
            out.clashes[name] = {
                "base": None if original is _MISSING else to_plain(original),
                "mine": to_plain(mine),
                "theirs": to_plain(theirs),
            }
    return out
