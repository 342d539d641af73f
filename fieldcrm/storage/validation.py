"""Field validation with messages a person can act on.

Every problem is reported per field (``{"probability": "must be between 0 and
100"}``), never as a stack trace, and nothing is written when any field fails.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Optional

from fieldcrm.storage.base import Entity
from fieldcrm.storage.registry import FieldInfo, fields_of
from fieldcrm.storage.types import parse_timestamp

_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}


class ValidationError(ValueError):
    """One or more fields were not acceptable; ``errors`` maps field → message."""

    def __init__(self, errors: Mapping[str, str], entity: Optional[str] = None):
        self.errors = dict(errors)
        self.entity = entity
        super().__init__(self.summary())

    def summary(self) -> str:
        parts = [f"{field}: {msg}" if field else msg for field, msg in self.errors.items()]
        return "; ".join(parts)


class FieldError(ValueError):
    pass


def coerce(field: FieldInfo, raw: Any) -> Any:
    """Turn text (CLI, forms) or JSON (wire) into the field's Python value."""
    if raw is None or (isinstance(raw, str) and raw.strip() == "" and field.kind != "text"):
        return None
    kind = field.kind
    try:
        if kind == "text":
            return raw if isinstance(raw, str) else str(raw)
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise FieldError("expected yes or no")
        if kind == "int":
            if isinstance(raw, bool):
                raise FieldError("expected a whole number")
            if isinstance(raw, float) and not raw.is_integer():
                raise FieldError("expected a whole number")
            return int(str(raw).strip()) if isinstance(raw, str) else int(raw)
        if kind == "float":
            if isinstance(raw, bool):
                raise FieldError("expected a number")
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise FieldError("expected a finite number")
            return value
        if kind == "decimal":
            if isinstance(raw, bool):
                raise FieldError("expected an amount")
            value = Decimal(str(raw).strip())
            if not value.is_finite():
                raise FieldError("expected a finite amount")
            return value
        if kind == "date":
            if isinstance(raw, dt.datetime):
                return raw.date()
            if isinstance(raw, dt.date):
                return raw
            return dt.date.fromisoformat(str(raw).strip())
        if kind == "timestamp":
            if isinstance(raw, dt.datetime):
                return raw if raw.tzinfo else raw.replace(tzinfo=dt.timezone.utc)
            return parse_timestamp(str(raw).strip())
    except FieldError:
        raise
    except (ValueError, TypeError, InvalidOperation, OverflowError):
        pass
    expected = {
        "int": "a whole number", "float": "a number", "decimal": "an amount such as 1250.00",
        "date": "a date as YYYY-MM-DD", "timestamp": "a date and time as YYYY-MM-DDTHH:MM",
    }[kind]
    raise FieldError(f"expected {expected}, got {raw!r}")


def _check_value(field: FieldInfo, value: Any) -> Optional[str]:
    if value is None:
        return "is required" if not field.nullable else None
    if field.choices and value not in field.choices:
        return f"must be one of: {', '.join(field.choices)} (got {value!r})"
    if field.kind == "text":
        if field.max_length and len(value) > field.max_length:
            return f"is too long ({len(value)} characters, at most {field.max_length})"
        if field.pattern and not re.fullmatch(field.pattern, value.strip()):
            return field.hint or "has the wrong form"
    if field.kind in ("int", "float", "decimal"):
        if field.minimum is not None and field.maximum is not None and not (
            field.minimum <= value <= field.maximum
        ):
            return f"must be between {field.minimum:g} and {field.maximum:g}"
        if field.minimum is not None and value < field.minimum:
            return "must not be negative" if field.minimum == 0 else f"must be at least {field.minimum:g}"
        if field.maximum is not None and value > field.maximum:
            return f"must be at most {field.maximum:g}"
    return None


def validate_changes(
    cls: type[Entity],
    values: Mapping[str, Any],
    *,
    creating: bool,
    current: Optional[Mapping[str, Any]] = None,
    allow_server_owned: bool = False,
) -> dict[str, Any]:
    """Coerce and check ``values`` for a create or an update of ``cls``.

    Returns the coerced values; raises ValidationError naming every bad field.
    """
    fields = fields_of(cls)
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, raw in values.items():
        field = fields.get(name)
        if field is None:
            errors[name] = f"is not a field of {cls.__entity__}"
            continue
        if field.system and not (creating and name == "id"):
            errors[name] = "is set by the server and cannot be edited"
            continue
        if field.server_owned and not allow_server_owned:
            source = "the server" if cls.__reference__ else "the ERP"
            errors[name] = f"comes from {source} and is read-only here"
            continue
        try:
            value = coerce(field, raw)
        except FieldError as exc:
            errors[name] = str(exc)
            continue
        problem = _check_value(field, value)
        if problem:
            errors[name] = problem
        else:
            clean[name] = value
    if creating:
        for name, field in fields.items():
            if field.required and name not in values and name not in errors:
                errors[name] = "is required"
    merged = dict(current or {})
    merged.update(clean)
    for start, end in cls.__windows__:
        a, b = merged.get(start), merged.get(end)
        if a is not None and b is not None and b <= a and start not in errors and end not in errors:
            errors[end] = f"must be after {start.replace('_', ' ')}"
    if errors:
        raise ValidationError(errors, cls.__entity__)
    return clean
