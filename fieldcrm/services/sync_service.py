"""Sign in, sign out and sync: the use cases the UI and the CLI share.

``SyncService`` does one thing at a time and returns plain data; the
``SyncScheduler`` (in ``fieldcrm.sync.scheduler``) decides when to call it. No
Qt here: the UI drives both from its background runner and listens to the
callbacks.

What the replica remembers about the server lives in ``sync_state``: server
URL, user id, username, display name, role and device id. The token lives in
the OS keyring only (``fieldcrm.sync.credentials``).

A first sync asked for with ``first_sync_apart=True`` (the desktop app) runs
in a ``fieldcrm sync`` process of its own: decoding and writing hundreds of
thousands of rows (and the full garbage-collector passes the decoding sets
off) would otherwise hold the interpreter lock the window's thread needs, up
to hundreds of milliseconds at a time. The token goes to that
process on its standard input; its progress and summary come back as JSON
lines on its standard output; cancelling ends the process (a round is safe to
stop at any point: the next one carries on where it stopped). Later rounds
bring a few rows and run in this process.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import platform
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional

import orjson

from fieldcrm.storage.replica import Replica
from fieldcrm.sync.credentials import CredentialStore
from fieldcrm.sync.engine import CancelToken, Progress, SyncEngine, SyncSummary, error_kind
from fieldcrm.sync.scheduler import SyncScheduler
from fieldcrm.sync.transport import SignInNeeded, SyncError, Transport

AUTH_STATE = "auth_state"  # "signed_in", "sign_in_needed", "signed_out"
AUTH_MESSAGE = "auth_message"
_ACCOUNT_KEYS = ("server_url", "user_id", "username", "display_name", "role", "device_id")
_SUMMARY_FIELDS = {f.name for f in dataclasses.fields(SyncSummary)}

log = logging.getLogger(__name__)


def fieldcrm_command() -> list[str]:
    """How to start the ``fieldcrm`` command from this process: the console
    program beside the packaged app, or this interpreter running the package."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).with_name("fieldcrm.exe" if os.name == "nt" else "fieldcrm"))]
    return [sys.executable, "-m", "fieldcrm"]


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
        self._own_transport = transport_factory is None  # a separate process can build the same one
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
        first_sync_apart: bool = False,
    ) -> SyncSummary:
        """One full round (push, pull, verify). Never raises for sync problems:
        the summary's ``error`` and ``error_kind`` say what stopped it.

        ``first_sync_apart``: when this round is a first sync (or finishes an
        interrupted one), run it in a ``fieldcrm sync`` process of its own so
        this process's threads stay responsive."""
        with self._round_lock:
            cancel = cancel or CancelToken()
            self._current_cancel = cancel
            try:
                return self._round(progress, cancel, verify, first_sync_apart)
            finally:
                self._current_cancel = None

    def cancel_current(self) -> None:
        token = self._current_cancel
        if token is not None:
            token.cancel()

    def _round(self, progress, cancel: CancelToken, verify: bool, apart: bool = False) -> SyncSummary:
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
        summary = None
        if apart and self._own_transport and self.first_sync_pending():
            summary = self._round_in_process_of_its_own(token, progress, cancel, verify)
        if summary is None:
            summary = self._round_here(account, token, progress, cancel, verify)
        if summary.error_kind == "sign_in":
            self._set_auth("sign_in_needed", summary.error)
        elif summary.ok and account.auth_state != "signed_in":
            self._set_auth("signed_in", None)
        return summary

    def _round_here(self, account: SyncAccount, token: str, progress, cancel: CancelToken,
                    verify: bool) -> SyncSummary:
        transport = self._transport_factory(account.server_url, token, lambda: cancel.cancelled)
        kwargs = {"page_rows": self._page_rows} if self._page_rows else {}
        engine = SyncEngine(self.replica.path, transport, self.replica.client_id(),
                            progress=progress, cancel=cancel, **kwargs)
        try:
            return engine.run_round(verify=verify)
        finally:
            engine.close()
            transport.close()

    def first_sync_pending(self) -> bool:
        """Whether the next round loads the replica from scratch (nothing pulled
        yet, or a first sync that was stopped before it finished)."""
        from fieldcrm.sync.apply import ReplicaWriter

        writer = ReplicaWriter(self.replica.path)
        try:
            return writer.in_bulk_load() or writer.is_fresh()
        finally:
            writer.close()

    def _round_in_process_of_its_own(self, token: str, progress, cancel: CancelToken,
                                     verify: bool) -> Optional[SyncSummary]:
        """The round as ``fieldcrm sync --progress-json --token-stdin``; ``None``
        when that process cannot be started (the round then runs here)."""
        command = [*fieldcrm_command(), "--profile", str(self.replica.profile_dir), "sync",
                   "--progress-json", "--token-stdin", *([] if verify else ["--no-verify"])]
        env = dict(os.environ)
        if self._page_rows:
            env["FIELDCRM_SYNC_PAGE_ROWS"] = str(self._page_rows)
        with tempfile.TemporaryFile() as errors:
            try:
                child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                                         env=env, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
            except OSError as exc:
                log.warning("the first sync runs in the app: %s cannot be started (%s)", command[0], exc)
                return None
            finished = threading.Event()
            watcher = threading.Thread(target=_end_when_cancelled, args=(child, cancel, finished),
                                       name="sync-process-watch", daemon=True)
            watcher.start()
            try:
                child.stdin.write(token.encode() + b"\n")
                child.stdin.close()
            except OSError:
                pass  # it already stopped: its exit says why
            try:
                summary = _read_child_lines(child.stdout, progress)
            except BaseException:
                child.terminate()
                raise
            finally:
                finished.set()
                code = child.wait()
                watcher.join()
            if summary is not None:
                return summary
            if cancel.cancelled:
                return SyncSummary(error="sync cancelled", error_kind="cancelled")
            errors.seek(0)
            said = errors.read().decode(errors="replace").strip().splitlines()
            detail = f": {said[-1]}" if said else ""
            return SyncSummary(error=f"the sync process stopped unexpectedly (exit code {code}){detail}",
                               error_kind="failed")

    def scheduler(self, *, interval: Optional[float] = None, debounce: float = 5.0,
                  on_result: Optional[Callable[[SyncSummary], None]] = None,
                  progress: Optional[Callable[[Progress], None]] = None) -> SyncScheduler:
        """A scheduler running this service's rounds (not started; call ``start()``)."""
        if interval is None:
            interval = getattr(self.settings, "sync_interval", 300)
        return SyncScheduler(lambda: self.sync_now(progress), self.server_reachable,
                             interval=interval, debounce=debounce, on_result=on_result)

    def fetch_attachment(self, attachment_id: str) -> Path:
        """An attachment's file on this laptop, downloaded first when it is not here.

        Raises ``SignInNeeded`` when nobody is signed in or the token is gone,
        ``SyncError`` when the server cannot be reached or does not give it.
        """
        from fieldcrm.services.attachments import AttachmentService

        attachments = AttachmentService(self.replica)
        here = attachments.content_path(attachment_id)
        if here is not None:
            return here
        account = self.account()
        if account is None:
            raise SignInNeeded("the file is not on this laptop and nobody is signed in: sign in first")
        token = self.credentials.load_token(account.server_url, account.username)
        if not token:
            raise SignInNeeded("sign in again: no sign-in token on this laptop")
        transport = self._transport_factory(account.server_url, token, lambda: False)
        try:
            return attachments.fetch_content(attachment_id, transport)
        finally:
            transport.close()

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


def _end_when_cancelled(child: subprocess.Popen, cancel: CancelToken, finished: threading.Event) -> None:
    while not finished.wait(0.05):
        if cancel.cancelled:
            child.terminate()
            return


def _read_child_lines(stdout, progress) -> Optional[SyncSummary]:
    """Forward the progress lines of ``fieldcrm sync --progress-json``; its summary."""
    summary = None
    for line in stdout:
        try:
            message = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # not one of ours
        if not isinstance(message, dict):
            continue
        if isinstance(message.get("summary"), dict):
            summary = SyncSummary(**{k: v for k, v in message["summary"].items() if k in _SUMMARY_FIELDS})
        elif progress is not None and "phase" in message:
            progress(Progress(message["phase"], message.get("done") or 0, message.get("total")))
    return summary


__all__ = [
    "CancelToken", "Progress", "ProfileBelongsToSomeoneElse", "SignInNeeded",
    "SyncAccount", "SyncService", "SyncSummary",
]
