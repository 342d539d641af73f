"""Sign in and out: device-bound tokens."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from fieldcrm.server import auth
from fieldcrm.server.api.deps import CurrentUser, SessionDep, SettingsDep, bearer_token
from fieldcrm.sync.wire import ErrorBody, LoginRequest, LoginResponse, UserInfo
from fastapi import Depends

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post(
    "/login", response_model=LoginResponse,
    responses={401: {"model": ErrorBody}, 429: {"model": ErrorBody}},
)
def login(body: LoginRequest, request: Request, db: SessionDep, settings: SettingsDep) -> LoginResponse:
    address = request.client.host if request.client else "unknown"
    refused = None
    with db.write() as session:
        try:
            issued = auth.login(
                session, settings, username=body.username, password=body.password,
                device_id=body.device_id, device_name=body.device_name, address=address,
            )
            user = issued.user
            response = LoginResponse(
                token=issued.token, expires_at=issued.expires_at,
                user=UserInfo(id=user.id, username=user.username, display_name=user.display_name, role=user.role),
            )
        except auth.LoginRefused as exc:
            refused = exc  # the failed attempt is committed with this transaction
    if refused is not None:
        if refused.retry_after is not None:
            raise HTTPException(429, str(refused), headers={"Retry-After": str(refused.retry_after)})
        raise HTTPException(401, str(refused))
    return response


@router.post("/logout", responses={401: {"model": ErrorBody}})
def logout(caller: CurrentUser, db: SessionDep, token: str | None = Depends(bearer_token)) -> dict:
    with db.write() as session:
        auth.revoke_token(session, token or "")
    return {"status": "signed out"}
