"""Administration over HTTP: account moves and device revokes (admins only)."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from fieldcrm.server import admin
from fieldcrm.server.api.deps import AdminUser, SessionDep
from fieldcrm.server.oplog import OpLog
from fieldcrm.sync.wire import ErrorBody

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses={403: {"model": ErrorBody}})


class MoveAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    territory: str = Field(min_length=1, max_length=32, description="code of the new territory")


class RevokeDevices(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    device_id: Optional[str] = Field(default=None, min_length=1, max_length=64)


@router.post("/accounts/{account_id}/move", responses={404: {"model": ErrorBody}})
def move_account(account_id: str, body: MoveAccount, caller: AdminUser, db: SessionDep) -> dict:
    try:
        with db.write() as session:
            oplog = OpLog(session)
            row = admin.move_account(session, oplog, account_id, body.territory, by=caller.id)
            oplog.flush()
            return row
    except admin.AdminError as exc:
        raise HTTPException(404, str(exc)) from None


@router.post("/devices/revoke", responses={404: {"model": ErrorBody}})
def revoke_devices(body: RevokeDevices, caller: AdminUser, db: SessionDep) -> dict:
    try:
        with db.write() as session:
            return {"revoked": admin.revoke_devices(session, body.username, body.device_id)}
    except admin.AdminError as exc:
        raise HTTPException(404, str(exc)) from None
