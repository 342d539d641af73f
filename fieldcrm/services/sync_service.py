"""Sign in, sign out and sync: the use cases the UI and the CLI share.

``SyncService`` does one thing at a time and returns plain data; the
``SyncScheduler`` (in ``fieldcrm.sync.scheduler``) decides when to call it. No
Qt here: the UI drives both from its background runner and listens to the
callbacks.

What the replica remembers about the server lives in ``sync_state``: server
URL, user id, username, display name, role and device id. The token lives in
the OS keyring only (``fieldcrm.sync.credentials``).
"""

from __future__ import annotations

import os
import platform
import threading
from dataclasses import dataclass
from typing import Callable, Mapping, Optional

from fieldcrm.storage.replica import Replica
from fieldcrm.sync.credentials import CredentialStore
from fieldcrm.sync.engine import CancelToken, Progress, SyncEngine, SyncSummary, error_kind
from fieldcrm.sync.scheduler import SyncScheduler
from fieldcrm.sync.transport import SignInNeeded, SyncError, Transport

AUTH_STATE = "auth_state"  # "signed_in", "sign_in_needed", "signed_out"
AUTH_MESSAGE = "auth_message"
_ACCOUNT_KEYS = ("server_url", "user_id", "username", "display_name", "role", "device_id")


class ProfileBelongsToSomeoneElse(SyncError):
    """The replica holds another user's (or server's) data."""


@dataclass(frozen=True)
class SyncAccount:
    server_url: str
    user_id: str
    username: str
    display_name: str
    role: str
    device_id: str
    auth_state: str
    auth_message: Optional[str]

    @property
    def sign_in_needed(self) -> bool:
        return self.auth_state != "signed_in"


TransportFactory = Callable[[str, Optional[str], Callable[[], bool]], Transport]


class SyncService:
    """Sign-in and sync rounds for one replica.

    ``credentials``: where tokens live (the OS keyring through the site's
    backend policy). ``settings``: the site configuration (CA bundle, proxy);
    ``transport_factory`` builds the HTTP transport (tests pass short
    timeouts here).
    """

    def __init__(
        self,
        replica: Replica,
        credentials: CredentialStore,
        *,
        settings=None,
        transport_factory: Optional[TransportFactory] = None,
        page_rows: Optional[int] = None,
    ):
        self.replica = replica
        self.credentials = credentials
        self.settings = settings
        self._transport_factory = transport_factory or self._default_transport
        self._page_rows = page_rows
        self._round_lock = threading.Lock()
        self._current_cancel: Optional[CancelToken] = None

    @classmethod
    def open(cls, replica: Replica, settings=None, env: Optional[Mapping[str, str]] = None, **kwargs) -> "SyncService":
        """The service with the keyring and settings of this machine."""
        env = os.environ if env is None else env
        site_backend = getattr(settings, "keyring_backend", None)
        return cls(replica, CredentialStore.open(site_backend, env), settings=settings, **kwargs)

    def _default_transport(self, server_url: str, token: Optional[str], cancelled) -> Transport:
        if self.settings is not None:
            return Transport.from_settings(server_url, self.settings, token=token, cancelled=cancelled)
        return Transport(server_url, token=token, cancelled=cancelled)

    # -- who is signed in -----------------------------------------------------
    def account(self) -> Optional[SyncAccount]:
        with self.replica.read() as s:
            values = {k: self.replica.get_state(k, s) for k in (*_ACCOUNT_KEYS, AUTH_STATE, AUTH_MESSAGE)}
        if not values["server_url"] or not values["username"]:
            return None
        return SyncAccount(
            server_url=values["server_url"], user_id=values["user_id"] or "", username=values["username"],
            display_name=values["display_name"] or values["username"], role=values["role"] or "",
            device_id=values["device_id"] or "", auth_state=values[AUTH_STATE] or "signed_out",
            auth_message=values[AUTH_MESSAGE],
        )

    def login(self, server_url: str, username: str, password: str, *, device_name: Optional[str] = None) -> SyncAccount:
        """Exchange the password for a device token, kept in the keyring."""
        server_url = server_url.strip().rstrip("/")
        device_id = self.replica.client_id()
        transport = self._transport_factory(server_url, None, lambda: False)
        try:
            answer = transport.login(username, password, device_id, device_name or platform.node() or "laptop")
        finally:
            transport.close()
        user = answer["user"]
        self._check_owner(server_url, user["id"])
        self.credentials.save_token(server_url, user["username"], answer["token"])
        with self.replica.sync_write() as s:
            for key, value in (("server_url", server_url), ("user_id", user["id"]),
                               ("username", user["username"]), ("display_name", user.get("display_name")),
                               ("role", user.get("role")), ("device_id", device_id),
                               (AUTH_STATE, "signed_in"), (AUTH_MESSAGE, None)):
                self.replica.set_state(key, value, s)
        return self.account()

    def _check_owner(self, server_url: str, user_id: str) -> None:
        current = self.account()
        if current is None or (current.server_url == server_url and current.user_id == user_id):
            return
        raise ProfileBelongsToSomeoneElse(
            f"this profile holds {current.username}'s data from {current.server_url}; "
            "use another profile to sign in as a different user or to another server"
        )

    def logout(self) -> bool:
        """Revoke the device token (when the server answers) and forget it here.

        The outbox is kept: changes made before signing out are sent after the
        next sign-in. Returns whether the server confirmed the revocation.
        """
        account = self.account()
        if account is None:
            return False
        token = self.credentials.load_token(account.server_url, account.username)
        confirmed = False
        if token:
            transport = self._transport_factory(account.server_url, token, lambda: False)
            try:
                transport.logout()
                confirmed = True
            except SyncError:
                confirmed = False
            finally:
                transport.close()
        self.credentials.delete_token(account.server_url, account.username)
        self._set_auth("signed_out", "signed out")
        return confirmed

    def _set_auth(self, state: str, message: Optional[str]) -> None:
        with self.replica.sync_write() as s:
            self.replica.set_state(AUTH_STATE, state, s)
            self.replica.set_state(AUTH_MESSAGE, message, s)

    # -- a round ----------------------------------------------------------------
    def sync_now(
        self,
        progress: Optional[Callable[[Progress], None]] = None,
        cancel: Optional[CancelToken] = None,
        *,
        verify: bool = True,
    ) -> SyncSummary:
        """One full round (push, pull, verify). Never raises for sync problems:
        the summary's ``error`` and ``error_kind`` say what stopped it."""
        with self._round_lock:
            cancel = cancel or CancelToken()
            self._current_cancel = cancel
            try:
                return self._round(progress, cancel, verify)
            finally:
                self._current_cancel = None

    def cancel_current(self) -> None:
        token = self._current_cancel
        if token is not None:
            token.cancel()

    def _round(self, progress, cancel: CancelToken, verify: bool) -> SyncSummary:
        account = self.account()
        if account is None:
            return SyncSummary(error="not signed in: run `fieldcrm login` first", error_kind="sign_in")
        try:
            token = self.credentials.load_token(account.server_url, account.username)
        except Exception as exc:  # a keyring that cannot be read is a sign-in problem to show
            return SyncSummary(error=f"the sign-in token cannot be read: {exc}", error_kind="sign_in")
        if not token:
            self._set_auth("sign_in_needed", "sign in again: no sign-in token on this laptop")
            return SyncSummary(error="sign in again: no sign-in token on this laptop", error_kind="sign_in")
        transport = self._transport_factory(account.server_url, token, lambda: cancel.cancelled)
        kwargs = {"page_rows": self._page_rows} if self._page_rows else {}
        engine = SyncEngine(self.replica.path, transport, self.replica.client_id(),
                            progress=progress, cancel=cancel, **kwargs)
        try:
            summary = engine.run_round(verify=verify)
        finally:
            engine.close()
            transport.close()
        if summary.error_kind == "sign_in":
            self._set_auth("sign_in_needed", summary.error)
        elif summary.ok and account.auth_state != "signed_in":
            self._set_auth("signed_in", None)
        return summary

    def scheduler(self, *, interval: Optional[float] = None, debounce: float = 5.0,
                  on_result: Optional[Callable[[SyncSummary], None]] = None,
                  progress: Optional[Callable[[Progress], None]] = None) -> SyncScheduler:
        """A scheduler running this service's rounds (not started; call ``start()``)."""
        if interval is None:
            interval = getattr(self.settings, "sync_interval", 300)
        return SyncScheduler(lambda: self.sync_now(progress), self.server_reachable,
                             interval=interval, debounce=debounce, on_result=on_result)

    def server_reachable(self) -> bool:
        """A cheap ``/health`` probe (no sign-in needed)."""
        account = self.account()
        if account is None:
            return False
        transport = self._transport_factory(account.server_url, None, lambda: False)
        try:
            transport.health()
            return True
        except SyncError as exc:
            return error_kind(exc) not in ("unreachable", "server")
        finally:
            transport.close()


__all__ = [
    "CancelToken", "Progress", "ProfileBelongsToSomeoneElse", "SignInNeeded",
    "SyncAccount", "SyncService", "SyncSummary",
]
