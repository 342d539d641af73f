"""Reading single rows and the caller's conflicts, always within scope."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, HTTPException
from sqlalchemy import or_, select

from fieldcrm.server.api.deps import CurrentUser, SessionDep
from fieldcrm.server.scope import can_see
from fieldcrm.server.tables import ConflictRecord
from fieldcrm.storage.registry import ENTITIES, row_to_dict
from fieldcrm.sync.wire import ErrorBody

router = APIRouter(prefix="/api/v1", tags=["records"])


@router.get("/records/{entity}/{row_id}", responses={404: {"model": ErrorBody}})
def get_record(entity: str, row_id: str, caller: CurrentUser, db: SessionDep) -> dict[str, Any]:
    cls = ENTITIES.get(entity)
    if cls is None:
        raise HTTPException(404, f"unknown record type {entity!r}")
    with db.read() as session:
        row = session.get(cls, row_id)
        # A row outside the caller's scope answers exactly like a missing one.
        if row is None or not can_see(session, caller, entity, row_id):
            raise HTTPException(404, f"{entity.replace('_', ' ')} not found")
        return row_to_dict(row)


@router.get("/conflicts")
def list_conflicts(caller: CurrentUser, db: SessionDep) -> list[dict[str, Any]]:
    """Conflicts the caller is part of: their laptop's change or their server change."""
    with db.read() as session:
        rows = session.execute(
            select(ConflictRecord)
            .where(or_(ConflictRecord.laptop_user_id == caller.id, ConflictRecord.server_user_id == caller.id))
            .order_by(ConflictRecord.created_at)
        ).scalars()
        return [
            {
                "id": c.id, "entity": c.entity, "row_id": c.row_id, "kind": c.kind,
                "mutation_id": c.mutation_id, "laptop_user_id": c.laptop_user_id,
                "server_user_id": c.server_user_id, "fields": orjson.loads(c.fields),
                "created_at": c.created_at.isoformat(),
            }
            for c in rows
        ]
