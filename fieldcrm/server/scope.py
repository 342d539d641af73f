"""A caller's scope: the buckets they hold and the rows they may see.

- everyone: ``global`` and their own ``user:<id>`` bucket;
- reps (and anyone on a territory team): the territories they belong to;
- managers: the territories they manage, sub-territories included;
- admins: every territory.
A row is visible to a caller when one of their buckets holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from fieldcrm.server.distribution import GLOBAL, territory_bucket, user_bucket
from fieldcrm.server.oplog import PUT
from fieldcrm.server.tables import BucketOp
from fieldcrm.storage.reference import Territory, TerritoryMember, User


@dataclass(frozen=True)
class Caller:
    """The signed-in user a request acts for."""

    id: str
    username: str
    display_name: str
    role: str
    manager_id: str | None = None
    device_id: str = ""
    subscriptions: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def managed_territories(session: Session, user_id: str) -> set[str]:
    """Territories a manager manages, with every sub-territory below them."""
    parents = dict(session.execute(select(Territory.id, Territory.parent_id)).all())
    managed = set(session.execute(select(Territory.id).where(Territory.manager_id == user_id)).scalars())
    children: dict[str, list[str]] = {}
    for tid, parent in parents.items():
        if parent:
            children.setdefault(parent, []).append(tid)
    out, stack = set(), list(managed)
    while stack:
        tid = stack.pop()
        if tid in out:
            continue
        out.add(tid)
        stack.extend(children.get(tid, ()))
    return out


def subscriptions(session: Session, user: User, member_of: Iterable[str] | None = None) -> list[str]:
    """The buckets this user holds now, sorted (global first).

    ``member_of``: the user's territory memberships when the caller has read them already.
    """
    if member_of is None:
        member_of = session.execute(
            select(TerritoryMember.territory_id).where(TerritoryMember.user_id == user.id)
        ).scalars()
    territories: set[str] = set(member_of)
    if user.role == "admin":
        territories.update(session.execute(select(Territory.id)).scalars())
    elif user.role == "manager":
        territories.update(managed_territories(session, user.id))
    buckets = sorted(territory_bucket(t) for t in territories)
    return [GLOBAL, user_bucket(user.id), *buckets]


# A request's sign-in check, run as the first statement of the transaction
# that needs to know who is calling (``api.deps.SignIn``).
CallerOf = Callable[[Session], Caller]


def caller_for(
    session: Session, user: User, device_id: str = "", member_of: Iterable[str] | None = None,
) -> Caller:
    return Caller(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role,
        manager_id=user.manager_id, device_id=device_id,
        subscriptions=frozenset(subscriptions(session, user, member_of)),
    )


def holds(session: Session, buckets: Iterable[str], entity: str, row_id: str) -> bool:
    """Whether one of ``buckets`` holds the row now."""
    buckets = list(buckets)
    if not buckets:
        return False
    return bool(session.execute(
        select(exists().where(
            BucketOp.entity == entity, BucketOp.row_id == row_id,
            BucketOp.op == PUT, BucketOp.bucket.in_(buckets),
        ))
    ).scalar())


def can_see(session: Session, caller: Caller, entity: str, row_id: str) -> bool:
    """Whether the caller may see an existing row (admins see every row)."""
    if caller.is_admin:
        return True
    return holds(session, caller.subscriptions, entity, row_id)


def manages(session: Session, manager_id: str, user_id: str | None) -> bool:
    if not user_id:
        return False
    user = session.get(User, user_id)
    return user is not None and user.manager_id == manager_id
