"""Talking to the central server: one HTTP session, retries, clear errors.

Every call goes through one ``requests.Session`` with connect/read timeouts,
TLS verification (the site's CA bundle when IT configured one), the site's
proxy, and gzip asked for when the server is across a network (the site's
``compression`` setting). Calls that are safe to repeat (push is idempotent by
mutation id; pull, verify and health only read; an attachment's upload
pieces are answered with where the server stands) are retried with exponential
backoff and jitter when the connection fails, the response is cut off, or the
server is busy (429/502/503/504). Protocol answers become exceptions a person
can act on: :class:`ServerUnreachable`, :class:`SignInNeeded`,
:class:`RequestRejected`, :class:`UpgradeNeeded`, :class:`ServerFault`.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional
from urllib.parse import urlsplit

import orjson
import requests

from fieldcrm.config.settings import is_loopback
from fieldcrm.sync.wire import PROTOCOL_VERSION

RETRY_STATUSES = frozenset({429, 502, 503, 504})


class SyncError(Exception):
    """A sync call did not succeed; the message is meant for the user."""


class ServerUnreachable(SyncError):
    """No answer from the server (network down, server stopped, cut off)."""


class SignInNeeded(SyncError):
    """The server no longer accepts this device's token (revoked or expired)."""


class RequestRejected(SyncError):
    """The server refused the request (4xx) and said why."""

    def __init__(self, status: int, detail: str, body: Optional[dict[str, Any]] = None):
        super().__init__(f"the server refused the request ({status}): {detail}")
        self.status, self.detail = status, detail
        self.body = body or {}  # the answer's JSON object, when it was one


class UpgradeNeeded(SyncError):
    """The server no longer speaks this client's protocol version."""


class ServerFault(SyncError):
    """The server failed (5xx) and retrying did not help."""


class Cancelled(SyncError):
    """The person (or the app) cancelled the sync."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    first_delay: float = 0.5
    max_delay: float = 15.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter exponential backoff for the attempt that just failed (1-based)."""
        ceiling = min(self.max_delay, self.first_delay * (2 ** (attempt - 1)))
        return rng.uniform(ceiling / 2, ceiling)


def _detail(response: requests.Response) -> str:
    try:
        body = orjson.loads(response.content)
    except (orjson.JSONDecodeError, requests.RequestException):
        return (response.text or response.reason or "").strip()[:300]
    if isinstance(body, dict) and "detail" in body:
        detail = body["detail"]
        if isinstance(detail, list) and detail:  # validation errors: the first one
            first = detail[0]
            where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
            return f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
        return str(detail)
    return str(body)[:300]


def _json_answer(response: requests.Response) -> dict[str, Any]:
    """The answer's JSON object; an empty or cut body is not an answer (JSONDecodeError)."""
    if response.status_code == 204:
        return {}
    answer = orjson.loads(response.content)
    if not isinstance(answer, dict):
        raise orjson.JSONDecodeError("not a JSON object", "", 0)
    return answer


class BlobBody:
    """A download's body as it arrives, in pieces; ``close`` ends it early.
    A connection cut while it is read raises ``ServerUnreachable``."""

    def __init__(self, response: requests.Response, chunk_bytes: int, base_url: str):
        self.response, self.chunk_bytes, self.base_url = response, chunk_bytes, base_url

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self.response.iter_content(self.chunk_bytes)
        except requests.RequestException as exc:
            raise ServerUnreachable(
                f"the download from {self.base_url} was cut off ({type(exc).__name__})") from exc

    def close(self) -> None:
        self.response.close()


def wants_gzip(server_url: str, compression: str) -> bool:
    """Ask for gzip answers? ``auto``: yes, unless the server runs on this machine.

    On loopback gzip only costs CPU (level 1 adds ~1.2 s of server CPU to a
    500k-row first sync); across a real network it halves what is sent.
    """
    if compression == "auto":
        return not is_loopback(urlsplit(server_url).hostname or "")
    return compression == "gzip"


class Transport:
    """The laptop's connection to one server.

    ``token`` is the device's bearer token (from the keyring; never stored
    here beyond this object's life). ``sleep`` and ``rng`` are injectable so
    backoff can be exercised without waiting.
    """

    def __init__(
        self,
        server_url: str,
        *,
        token: Optional[str] = None,
        verify: bool | str = True,
        proxies: Optional[dict[str, str]] = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        rng: Optional[random.Random] = None,
        cancelled: Callable[[], bool] = lambda: False,
        compression: str = "auto",
    ):
        self.base_url = server_url.rstrip("/")
        self.token = token
        self.timeout = (connect_timeout, read_timeout)
        self.retry = retry
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._cancelled = cancelled
        self.session = requests.Session()
        self.session.verify = verify
        # Explicit site proxies win; without them requests honours the
        # environment's HTTP(S)_PROXY / NO_PROXY as usual.
        if proxies:
            self.session.proxies.update(proxies)
        # Given with every request: requests lets REQUESTS_CA_BUNDLE /
        # CURL_CA_BUNDLE and HTTP(S)_PROXY in the environment override the
        # session's own values, which would silently drop IT's CA bundle or proxy.
        self._per_request = {"verify": verify}
        if proxies:
            self._per_request["proxies"] = dict(proxies)
        self.session.headers.update({
            "Accept": "application/json",
            "Accept-Encoding": "gzip" if wants_gzip(self.base_url, compression) else "identity",
            "User-Agent": f"fieldcrm-laptop/protocol-{PROTOCOL_VERSION}",
        })

    @classmethod
    def from_settings(cls, server_url: str, settings, **kwargs) -> "Transport":
        """A transport using the site settings' CA bundle, TLS switch and proxy."""
        return cls(server_url, verify=settings.requests_verify(),
                   proxies=settings.requests_proxies() or None,
                   compression=getattr(settings, "compression", "auto"), **kwargs)

    def close(self) -> None:
        self.session.close()

    # -- the protocol's calls ---------------------------------------------
    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health", None, retries=False, auth=False)

    def login(self, username: str, password: str, device_id: str, device_name: str) -> dict[str, Any]:
        body = {"username": username, "password": password,
                "device_id": device_id, "device_name": device_name}
        return self._call("POST", "/api/v1/auth/login", body, retries=False, auth=False)

    def logout(self) -> dict[str, Any]:
        return self._call("POST", "/api/v1/auth/logout", {}, retries=False)

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/api/v1/sync/push", body)

    def pull(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/api/v1/sync/pull", body)

    def verify(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/api/v1/sync/verify", body)

    # -- attachment content (docs/sync-protocol.md, "Attachment content") ---
    def blob_status(self, sha256: str) -> dict[str, Any]:
        """How much of this content the server holds: size, received, complete."""
        return self._call("GET", f"/api/v1/blobs/{sha256}/status", None)

    def put_blob_chunk(self, sha256: str, offset: int, size: int, chunk: bytes) -> dict[str, Any]:
        """One piece of an upload at ``offset`` of ``size`` bytes; the status after it.

        Safe to retry: a piece the server already stored is answered 409 with
        the server's ``received`` (``RequestRejected.body``), to resume from.
        """
        return self._call("PUT", f"/api/v1/blobs/{sha256}?offset={int(offset)}&size={int(size)}", None,
                          raw=chunk)

    def open_blob(self, sha256: str, start: int = 0, chunk_bytes: int = 256 * 1024) -> tuple[int, "BlobBody"]:
        """The content from byte ``start`` on, as it arrives: (the byte the
        body starts at, the body). The start is 0 when the server sends the
        whole content instead of the part asked for.

        Starting the download is retried like any read; a download cut in the
        middle raises ``ServerUnreachable`` while the body is read (the caller
        goes on from what it kept, later).
        """
        headers = {"Range": f"bytes={int(start)}-"} if start > 0 else None
        response = self._exchange("GET", f"/api/v1/blobs/{sha256}", None, None, retries=True, auth=True,
                                  stream=True, read=lambda r: r, accept="application/octet-stream",
                                  headers=headers)
        offset = 0
        if response.status_code == 206:
            answered = re.fullmatch(r"bytes (\d+)-\d+/\d+", response.headers.get("Content-Range", ""))
            if answered is None or int(answered.group(1)) != start:
                response.close()
                raise ServerFault(f"the server sent another part of the file than asked for "
                                  f"({response.headers.get('Content-Range')!r} for byte {start} on)")
            offset = start
        return offset, BlobBody(response, chunk_bytes, self.base_url)

    # -- the machinery ----------------------------------------------------
    def _call(self, method: str, path: str, body: Any, *, retries: bool = True, auth: bool = True,
              raw: Optional[bytes] = None):
        """A JSON answer to a JSON body (or to ``raw`` bytes)."""
        data, content_type = None, None
        if body is not None:
            data, content_type = orjson.dumps(body), "application/json"
        elif raw is not None:
            data, content_type = raw, "application/octet-stream"
        return self._exchange(method, path, data, content_type, retries=retries, auth=auth,
                              stream=False, read=_json_answer)

    def _exchange(self, method: str, path: str, data: Optional[bytes], content_type: Optional[str], *,
                  retries: bool, auth: bool, stream: bool, read: Callable[[requests.Response], Any],
                  accept: Optional[str] = None, headers: Optional[dict[str, str]] = None):
        """One call with its retries: ``read(response)`` of an answer under 400.

        ``stream``: the body is left for ``read`` (a download); otherwise it is
        read here, so a cut body counts as a failed attempt.
        """
        headers = dict(headers or {})
        if auth:
            if not self.token:
                raise SignInNeeded("sign in again: this laptop has no sign-in token for the server")
            headers["Authorization"] = f"Bearer {self.token}"
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        attempts = self.retry.attempts if retries else 1
        for attempt in range(1, attempts + 1):
            if self._cancelled():
                raise Cancelled("sync cancelled")
            try:
                response = self.session.request(method, self.base_url + path, data=data, headers=headers,
                                                timeout=self.timeout, stream=stream, **self._per_request)
                if not stream:
                    response.content  # noqa: B018  (read it all here: a cut body raises here)
            except requests.exceptions.SSLError as exc:
                raise ServerUnreachable(f"the server's certificate could not be verified: {exc}") from exc
            except requests.RequestException as exc:
                if attempt == attempts:
                    raise ServerUnreachable(
                        f"the server at {self.base_url} cannot be reached ({type(exc).__name__})"
                    ) from exc
                self._sleep(self.retry.delay(attempt, self._rng))
                continue
            status = response.status_code
            if (status in RETRY_STATUSES or status >= 500) and attempt < attempts:
                response.close()
                wait = self.retry.delay(attempt, self._rng)
                after = response.headers.get("Retry-After", "")
                if after.isdigit():
                    wait = min(max(wait, float(after)), self.retry.max_delay)
                self._sleep(wait)
                continue
            if status < 400:
                try:
                    return read(response)
                except orjson.JSONDecodeError as exc:
                    if attempt == attempts:
                        raise ServerUnreachable("the server's answer was cut off or garbled") from exc
                    self._sleep(self.retry.delay(attempt, self._rng))
                    continue
            try:
                self._raise_for(response, status)
            finally:
                response.close()
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _raise_for(self, response: requests.Response, status: int):
        detail = _detail(response)
        if status == 401:
            raise SignInNeeded(detail if detail.startswith("sign in again") else f"sign in again: {detail}")
        if status == 426:
            raise UpgradeNeeded(f"this version of fieldcrm is too old for the server: {detail}")
        if status in RETRY_STATUSES:
            raise ServerUnreachable(f"the server is busy or unavailable ({status}): {detail}")
        if 400 <= status < 500:
            try:
                body = orjson.loads(response.content)
            except (orjson.JSONDecodeError, requests.RequestException):
                body = None
            raise RequestRejected(status, detail, body if isinstance(body, dict) else None)
        raise ServerFault(f"the server failed ({status}): {detail}")
