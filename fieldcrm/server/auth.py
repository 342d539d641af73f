"""Passwords, device tokens and the login rate limit.

Passwords are hashed with argon2. A login returns an opaque random token bound
to the device; the server keeps only its sha256, an expiry and a revocation
time, so a leaked database does not leak usable tokens. Failed logins are
written to the database, per username and per client address, so every server
process behind one database applies the same limit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from fieldcrm.server.settings import ServerSettings
from fieldcrm.server.tables import Credential, DeviceToken, LoginAttempt
from fieldcrm.storage.reference import TerritoryMember, User
from fieldcrm.storage.types import format_timestamp, utcnow

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so both cases cost the same."""
    return _hasher.hash("not a password of anyone")


class LoginRefused(Exception):
    """Wrong credentials (401) or too many attempts (429, ``retry_after`` seconds)."""

    def __init__(self, message: str, *, retry_after: Optional[int] = None):
        super().__init__(message)
        self.retry_after = retry_after


class NotSignedIn(Exception):
    """No valid token: missing, unknown, expired or revoked (401)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_password(session: Session, user_id: str, password: str) -> None:
    row = session.get(Credential, user_id)
    if row is None:
        session.add(Credential(user_id=user_id, password_hash=hash_password(password), changed_at=utcnow()))
    else:
        row.password_hash, row.changed_at = hash_password(password), utcnow()


def _recent_failures(session: Session, key: str, since: dt.datetime) -> int:
    return session.execute(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.key == key, LoginAttempt.at >= since)
    ).scalar_one()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: str
    user: User


def login(
    session: Session, settings: ServerSettings, *, username: str, password: str,
    device_id: str, device_name: str, address: str,
) -> IssuedToken:
    """Check a password and issue a device token; raises LoginRefused."""
    now = utcnow()
    since = now - dt.timedelta(seconds=settings.login_window_seconds)
    user_key, addr_key = f"user:{username.lower()}"[:120], f"addr:{address}"[:120]
    if (
        _recent_failures(session, user_key, since) >= settings.login_failures_per_user
        or _recent_failures(session, addr_key, since) >= settings.login_failures_per_address
    ):
        raise LoginRefused("too many failed sign-ins; try again later", retry_after=settings.login_window_seconds)
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    credential = session.get(Credential, user.id) if user is not None else None
    ok = False
    try:
        ok = _hasher.verify(credential.password_hash if credential else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or credential is None or user is None or not user.active:
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
        session.add_all([LoginAttempt(key=user_key, at=now), LoginAttempt(key=addr_key, at=now)])
        raise LoginRefused("wrong username or password")
    if _hasher.check_needs_rehash(credential.password_hash):
        credential.password_hash = hash_password(password)
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == user_key))
    # One live token per device: signing in again replaces the old one.
    session.execute(
        update(DeviceToken)
        .where(DeviceToken.user_id == user.id, DeviceToken.device_id == device_id, DeviceToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(days=settings.token_days)
    session.add(DeviceToken(
        token_hash=token_hash(token), user_id=user.id, device_id=device_id,
        device_name=device_name, created_at=now, expires_at=expires,
    ))
    return IssuedToken(token=token, expires_at=format_timestamp(expires), user=user)


@dataclass(frozen=True)
class SignedIn:
    """Who a live token belongs to, and the territories they are a member of.

    ``user`` is the user's row: ``id``, ``username``, ``display_name``,
    ``role``, ``manager_id``, ``active``.
    """

    user: Any
    device_id: str
    member_of: frozenset[str]


# Built once: every request runs it, so only its parameter changes. Token, user
# and memberships come back as one row per membership (or one row with no
# territory); Core rows, no ORM objects.
_SIGNED_IN = (
    select(
        DeviceToken.device_id, DeviceToken.revoked_at, DeviceToken.expires_at,
        User.id, User.username, User.display_name, User.role, User.manager_id, User.active,
        TerritoryMember.territory_id,
    )
    .join(User, User.id == DeviceToken.user_id, isouter=True)
    .join(TerritoryMember, TerritoryMember.user_id == DeviceToken.user_id, isouter=True)
    .where(DeviceToken.token_hash == bindparam("token_hash"))
)


def signed_in(session: Session, token: str) -> SignedIn:
    """The user a bearer token belongs to, read in one statement; raises NotSignedIn.

    Every request checks the token in the database, so a revocation holds
    from the very next request.
    """
    rows = session.connection().execute(_SIGNED_IN, {"token_hash": token_hash(token)}).all()
    if not rows:
        raise NotSignedIn("sign in again: this device is not signed in")
    first = rows[0]
    if first.revoked_at is not None:
        raise NotSignedIn("sign in again: this device was signed out")
    if first.expires_at <= utcnow():
        raise NotSignedIn("sign in again: the session expired")
    if first.id is None or not first.active:
        raise NotSignedIn("sign in again: this account is disabled")
    return SignedIn(first, first.device_id, frozenset(row.territory_id for row in rows if row.territory_id is not None))


def revoke_devices(session: Session, user_id: str, device_id: Optional[str] = None) -> int:
    """Revoke a user's live tokens (one device, or all); returns how many."""
    stmt = update(DeviceToken).where(DeviceToken.user_id == user_id, DeviceToken.revoked_at.is_(None))
    if device_id is not None:
        stmt = stmt.where(DeviceToken.device_id == device_id)
    return session.execute(stmt.values(revoked_at=utcnow())).rowcount or 0


def revoke_token(session: Session, token: str) -> None:
    session.execute(
        update(DeviceToken).where(DeviceToken.token_hash == token_hash(token)).values(revoked_at=utcnow())
    )
