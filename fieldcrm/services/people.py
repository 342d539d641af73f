"""Who is using this laptop, and the people a view lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select

from fieldcrm.storage.reference import User
from fieldcrm.storage.replica import Replica

MANAGING_ROLES = ("manager", "admin")


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str

    @property
    def manages(self) -> bool:
        return self.role in MANAGING_ROLES


def current_person(replica: Replica) -> Optional[Person]:
    """The signed-in user (from the replica's sync state), or None before sign-in."""
    with replica.read() as session:
        user_id = replica.get_state("user_id", session)
        if not user_id:
            return None
        row = session.get(User, user_id)
        role = replica.get_state("role", session) or (row.role if row else "rep")
        name = row.display_name if row else (replica.get_state("display_name", session) or "")
    return Person(user_id, name, role)


def field_people(replica: Replica, *, manager_id: Optional[str] = None) -> list[Person]:
    """Active reps and technicians, a manager's team when ``manager_id`` is given."""
    with replica.read() as session:
        stmt = select(User.id, User.display_name, User.role).where(
            User.role.in_(("rep", "technician")), User.active.is_(True))
        if manager_id:
            stmt = stmt.where(User.manager_id == manager_id)
        rows = session.execute(stmt.order_by(User.role, User.display_name)).all()
    return [Person(*r) for r in rows]
