"""Helpers shared by the command modules: opening the replica, printing."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Any, Iterator

import orjson

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A problem the person running the command can fix; exits with ``code``."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn the domain's errors into one clear line and a non-zero exit."""
    from fieldcrm.services.records import NotFound
    from fieldcrm.storage.capture import ReadOnlyError
    from fieldcrm.storage.registry import UnknownEntity
    from fieldcrm.storage.validation import ValidationError

    try:
        yield
    except ValidationError as exc:
        what = exc.entity or "record"
        raise CliError(f"fieldcrm: invalid {what}: {exc.summary()}", EXIT_USAGE) from None
    except UnknownEntity as exc:
        raise CliError(f"fieldcrm: {exc}", EXIT_USAGE) from None
    except NotFound as exc:
        raise CliError(f"fieldcrm: {exc}") from None
    except ReadOnlyError as exc:
        raise CliError(f"fieldcrm: {exc}") from None


def open_replica(args):
    from fieldcrm.storage.replica import Replica

    try:
        return Replica.open(args.profile)
    except Exception as exc:  # a replica that cannot open is a message, not a trace
        raise CliError(f"fieldcrm: cannot open the replica: {exc}") from None


def parse_assignments(items: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CliError(f"fieldcrm: expected FIELD=VALUE, got {item!r}", EXIT_USAGE)
        values[name.strip()] = value
    return values


def print_json(value: Any) -> None:
    sys.stdout.write(orjson.dumps(value, default=str).decode() + "\n")
