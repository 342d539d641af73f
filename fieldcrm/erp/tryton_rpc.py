"""Tryton's JSON-RPC over one HTTP session: login, typed values, error mapping.

:class:`TrytonClient` knows nothing about customers or orders; it sends
``method(*params)`` to ``<url>/<database>/`` and returns the decoded result,
or raises one of the :mod:`fieldcrm.erp.connector` errors.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import requests

from fieldcrm.erp.connector import (
    ErpAuthError,
    ErpConflict,
    ErpError,
    ErpProtocolError,
    ErpRateLimited,
    ErpRejected,
    ErpUnavailable,
)


@dataclass(frozen=True)
class TrytonSettings:
    """Where and as whom to reach a Tryton server."""

    url: str  # e.g. "https://erp.example.com:8000"
    database: str
    user: str
    password: str = field(repr=False)
    verify_tls: bool = True
    ca_bundle: str | None = None  # path to a PEM file for a private CA
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    language: str = "en"


# --- values on the wire -------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {
            "__class__": "datetime",
            "year": value.year, "month": value.month, "day": value.day,
            "hour": value.hour, "minute": value.minute, "second": value.second,
            "microsecond": value.microsecond,
        }
    if isinstance(value, dt.date):
        return {"__class__": "date", "year": value.year, "month": value.month,
                "day": value.day}
    if isinstance(value, dt.timedelta):
        return {"__class__": "timedelta", "seconds": value.total_seconds()}
    if isinstance(value, (bytes, bytearray)):
        return {"__class__": "bytes", "base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"cannot send {type(value).__name__} to Tryton")


def _decode_object(obj: dict[str, Any]) -> Any:
    kind = obj.get("__class__")
    if kind is None:
        return obj
    try:
        if kind == "Decimal":
            return Decimal(obj["decimal"])
        if kind == "datetime":
            return dt.datetime(obj["year"], obj["month"], obj["day"], obj["hour"],
                               obj["minute"], obj["second"], obj.get("microsecond", 0))
        if kind == "date":
            return dt.date(obj["year"], obj["month"], obj["day"])
        if kind == "time":
            return dt.time(obj["hour"], obj["minute"], obj["second"],
                           obj.get("microsecond", 0))
        if kind == "timedelta":
            return dt.timedelta(seconds=obj["seconds"])
        if kind == "bytes":
            return base64.b64decode(obj["base64"])
    except (KeyError, TypeError, ValueError, decimal.InvalidOperation) as exc:
        raise ErpProtocolError(f"the ERP sent a malformed {kind} value: {obj!r}") from exc
    return obj


def dumps(payload: Any) -> str:
    return json.dumps(payload, default=_encode, separators=(",", ":"))


def loads(text: str) -> Any:
    return json.loads(text, object_hook=_decode_object)


# --- errors in answers --------------------------------------------------------


def _error_from_answer(method: str, error: Any) -> ErpError:
    """Map the ``error`` member of a JSON-RPC answer to an ErpError."""
    if isinstance(error, list) and len(error) == 2 and isinstance(error[0], str):
        kind, args = error
        if kind == "UserError" and isinstance(args, list) and args:
            return ErpRejected(_join(args[0], args[1] if len(args) > 1 else ""))
        if kind == "UserWarning" and isinstance(args, list) and len(args) >= 2:
            return ErpRejected(_join(args[1], args[2] if len(args) > 2 else ""),
                               warning=str(args[0]))
        if kind == "ConcurrencyException":
            return ErpConflict(f"the record was changed in the ERP meanwhile ({args})")
        if kind == "LoginException":
            return ErpAuthError(f"the ERP asks for another login step: {args}")
        # A bare exception text (and maybe a traceback) from the server.
        return ErpProtocolError(f"the ERP failed on {method}: {kind}")
    return ErpProtocolError(f"the ERP sent an unreadable error for {method}: {error!r}")


def _join(message: Any, description: Any) -> str:
    message, description = str(message or "").strip(), str(description or "").strip()
    return f"{message} {description}" if description else message


def _http_error(status: int, url: str, response: requests.Response) -> ErpError:
    if status == 429:
        retry_after = response.headers.get("Retry-After")
        try:
            delay = float(retry_after) if retry_after else None
        except ValueError:
            delay = None
        return ErpRateLimited("the ERP asks to slow down (too many requests)", delay)
    if status == 403:
        return ErpAuthError("the ERP user is not allowed to do this (HTTP 403)")
    if status == 404:
        return ErpProtocolError(
            f"no Tryton database answers at {url} (HTTP 404): check URL and database name")
    if status >= 500:
        return ErpUnavailable(f"the ERP failed on its side (HTTP {status}); will retry")
    return ErpProtocolError(f"the ERP refused the request (HTTP {status}) at {url}")


# --- the client ---------------------------------------------------------------


class _SessionRefused(ErpAuthError):
    """HTTP 401: wrong password at login, or an expired session on a call."""


class TrytonClient:
    """One logged-in JSON-RPC session with a Tryton database.

    Not thread-safe: give each worker thread its own client.
    """

    def __init__(self, settings: TrytonSettings,
                 session: requests.Session | None = None) -> None:
        self.settings = settings
        self._http = session or requests.Session()
        self._http.verify = (settings.ca_bundle or True) if settings.verify_tls else False
        self._side: list[requests.Session] = []  # more connections, for reads sent together
        self._url = f"{settings.url.rstrip('/')}/{settings.database}/rpc/"
        self._ids = itertools.count(1)
        self._auth: str | None = None
        self._context: dict[str, Any] = {}

    # -- session

    @property
    def context(self) -> dict[str, Any]:
        """The user's preferences (company, language ...) sent with model calls."""
        if self._auth is None:
            self.login()
        return dict(self._context)

    def login(self) -> None:
        s = self.settings
        try:
            answer = self._post("common.db.login",
                                [s.user, {"password": s.password}, s.language],
                                authorize=False)
        except _SessionRefused:
            raise ErpAuthError(
                f"the ERP refused user {s.user!r} on database {s.database!r}: "
                "wrong user name or password") from None
        if (not isinstance(answer, list) or len(answer) < 2
                or not isinstance(answer[0], int) or not isinstance(answer[1], str)):
            raise ErpProtocolError(f"the ERP sent an unexpected login answer: {answer!r}")
        user_id, token = answer[0], answer[1]
        raw = f"{s.user}:{user_id}:{token}".encode()
        self._auth = "Session " + base64.b64encode(raw).decode("ascii")
        self.refresh_context()

    def refresh_context(self) -> None:
        """Read the user's preferences again (after the company changed, say)."""
        prefs = self._post("model.res.user.get_preferences", [True, {}], authorize=True)
        if not isinstance(prefs, dict):
            raise ErpProtocolError(f"the ERP sent unexpected preferences: {prefs!r}")
        self._context = prefs

    def close(self) -> None:
        if self._auth is not None:
            try:
                self._post("common.db.logout", [], authorize=True)
            except ErpError:
                pass
        self._auth = None
        self._http.close()
        for http in self._side:
            http.close()
        self._side = []

    # -- calls

    def call(self, method: str, *params: Any) -> Any:
        """Send one RPC call, logging in (again, once) when the session is refused."""
        if self._auth is None:
            self.login()
        try:
            return self._post(method, list(params), authorize=True)
        except _SessionRefused:
            pass
        self.login()
        return self._post(method, list(params), authorize=True)

    def model(self, model: str, method: str, *params: Any,
              context: dict[str, Any] | None = None) -> Any:
        """``model.<model>.<method>(*params, context)`` with the user's context."""
        ctx = self.context
        if context:
            ctx.update(context)
        return self.call(f"model.{model}.{method}", *params, ctx)

    def read_together(self, *calls: tuple[str, str, list[Any], dict[str, Any] | None]) -> list[Any]:
        """Several read-only ``(model, method, params, context)`` calls at once, each on a
        connection of its own; the answers in order, or the first call's error.

        For reads, and at most one write among them: writes go one at a time (Tryton on
        SQLite mis-numbers otherwise).
        """
        if self._auth is None:
            self.login()
        requests_ = [(f"model.{model}.{method}", [*params, {**self._context, **(context or {})}])
                     for model, method, params, context in calls]
        while len(self._side) < len(calls) - 1:
            http = requests.Session()
            http.verify = self._http.verify
            self._side.append(http)
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            futures = [pool.submit(self._post, method, params, authorize=True, http=http)
                       for (method, params), http in zip(requests_, [self._http, *self._side])]
        errors = [f.exception() for f in futures]
        if any(isinstance(e, _SessionRefused) for e in errors):
            return [self.call(method, *params) for method, params in requests_]  # logs in again
        for error in errors:
            if error is not None:
                raise error
        return [f.result() for f in futures]

    def _post(self, method: str, params: list[Any], *, authorize: bool,
              http: requests.Session | None = None) -> Any:
        request_id = next(self._ids)
        headers = {"Content-Type": "application/json"}
        if authorize and self._auth:
            headers["Authorization"] = self._auth
        body = dumps({"id": request_id, "method": method, "params": params})
        s = self.settings
        try:
            response = (http or self._http).post(self._url, data=body.encode("utf-8"),
                                       headers=headers,
                                       timeout=(s.connect_timeout, s.read_timeout))
        except requests.exceptions.SSLError as exc:
            raise ErpUnavailable(f"TLS check of the ERP at {s.url} failed: {exc}") from exc
        except requests.exceptions.Timeout as exc:
            raise ErpUnavailable(f"the ERP at {s.url} did not answer in time") from exc
        except requests.exceptions.RequestException as exc:
            raise ErpUnavailable(f"the ERP at {s.url} cannot be reached") from exc

        if response.status_code == 401:
            raise _SessionRefused(f"the ERP refused the session of {s.user!r} (HTTP 401)")
        if response.status_code != 200:
            raise _http_error(response.status_code, s.url, response)
        try:
            answer = loads(response.content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ErpProtocolError(
                f"the ERP at {s.url} sent something that is not JSON for {method}") from exc
        if not isinstance(answer, dict) or ("result" not in answer and "error" not in answer):
            raise ErpProtocolError(
                f"the ERP at {s.url} sent an answer without result for {method}")
        if answer.get("id") != request_id:
            raise ErpProtocolError(
                f"the ERP answered request {answer.get('id')!r}, not {request_id}")
        if answer.get("error") is not None:
            raise _error_from_answer(method, answer["error"])
        return answer["result"]
