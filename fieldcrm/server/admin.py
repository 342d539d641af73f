"""What an administrator does: territories, users, account moves, device revokes.

Every change here is a server change like any other: the row gets a new
version and its ops are appended in the same transaction, so laptops receive
it on their next pull.
"""

from __future__ import annotations

from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcrm.server import auth
from fieldcrm.server.distribution import place_changed
from fieldcrm.server.oplog import OpLog
from fieldcrm.storage.base import Entity
from fieldcrm.storage.reference import ROLES, Territory, TerritoryMember, User
from fieldcrm.storage.registry import row_to_dict
from fieldcrm.storage.sales import Account
from fieldcrm.storage.types import new_id, utcnow


class AdminError(ValueError):
    """A request an administrator must correct (unknown code, duplicate name...)."""


def _stamp(row: Entity, by: Optional[str]) -> None:
    row.version = (row.version or 0) + 1
    row.updated_at, row.updated_by = utcnow(), by


def _publish(session: Session, oplog: OpLog, row: Entity, *, by: Optional[str], old: Optional[dict] = None) -> None:
    _stamp(row, by)
    session.add(row)
    session.flush()
    place_changed(session, oplog, row, old=old)


def territory_by_code(session: Session, code: str) -> Territory:
    territory = session.execute(select(Territory).where(Territory.code == code)).scalar_one_or_none()
    if territory is None:
        raise AdminError(f"no territory with code {code!r}")
    return territory


def user_by_name(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise AdminError(f"no user named {username!r}")
    return user


def add_territory(session: Session, oplog: OpLog, *, code: str, name: str,
                  parent: Optional[str] = None, manager: Optional[str] = None, by: Optional[str] = None) -> Territory:
    if session.execute(select(Territory).where(Territory.code == code)).scalar_one_or_none() is not None:
        raise AdminError(f"a territory with code {code!r} already exists")
    territory = Territory(
        id=new_id(), code=code, name=name,
        parent_id=territory_by_code(session, parent).id if parent else None,
        manager_id=user_by_name(session, manager).id if manager else None,
    )
    _publish(session, oplog, territory, by=by)
    return territory


def add_user(session: Session, oplog: OpLog, *, username: str, role: str, password: str,
             display_name: Optional[str] = None, territories: Iterable[str] = (),
             manager: Optional[str] = None, by: Optional[str] = None) -> User:
    if role not in ROLES:
        raise AdminError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
    if not password:
        raise AdminError("the password is empty")
    if session.execute(select(User).where(User.username == username)).scalar_one_or_none() is not None:
        raise AdminError(f"a user named {username!r} already exists")
    members = [territory_by_code(session, code) for code in territories]
    user = User(
        id=new_id(), username=username, display_name=display_name or username, role=role,
        manager_id=user_by_name(session, manager).id if manager else None, active=True,
    )
    _publish(session, oplog, user, by=by)
    for territory in members:
        _publish(session, oplog, TerritoryMember(id=new_id(), territory_id=territory.id, user_id=user.id), by=by)
    auth.set_password(session, user.id, password)
    return user


def move_account(session: Session, oplog: OpLog, account_id: str, territory_code: str,
                 *, by: Optional[str] = None) -> dict:
    """Realign an account: it and every row hanging off it move to the new territory."""
    account = session.get(Account, account_id, with_for_update=True)
    if account is None:
        raise AdminError(f"no account with id {account_id!r}")
    territory = territory_by_code(session, territory_code)
    if account.territory_id == territory.id:
        return row_to_dict(account)
    old = {"territory_id": account.territory_id, "owner_id": account.owner_id}
    account.territory_id = territory.id
    _publish(session, oplog, account, by=by, old=old)
    return row_to_dict(account)


def revoke_devices(session: Session, username: str, device_id: Optional[str] = None) -> int:
    user = user_by_name(session, username)
    return auth.revoke_devices(session, user.id, device_id)


def set_territories(session: Session, oplog: OpLog, username: str, codes: Iterable[str],
                    *, by: Optional[str] = None) -> list[str]:
    """Make a user a member of exactly these territories.

    Their laptop's subscription follows on its next pull: buckets of
    territories they left are dropped there, new ones are downloaded.
    """
    user = user_by_name(session, username)
    wanted = {territory_by_code(session, code).id for code in codes}
    members = session.execute(select(TerritoryMember).where(TerritoryMember.user_id == user.id)).scalars().all()
    for member in members:
        if member.territory_id not in wanted:
            from fieldcrm.server.rows import delete_row

            delete_row(session, oplog, member, by=by)
    have = {m.territory_id for m in members}
    for territory_id in sorted(wanted - have):
        _publish(session, oplog, TerritoryMember(id=new_id(), territory_id=territory_id, user_id=user.id), by=by)
    return sorted(codes)
