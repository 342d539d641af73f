"""Typed dependencies the routes declare: the database, the settings, the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from fieldcrm.server.auth import NotSignedIn, signed_in
from fieldcrm.server.db import Database
from fieldcrm.server.scope import Caller, caller_for
from fieldcrm.server.settings import ServerSettings
from fieldcrm.sync.wire import SUPPORTED_PROTOCOLS

_bearer = HTTPBearer(auto_error=False)


# Dependencies that do no I/O are ``async def``: FastAPI calls them on the event
# loop instead of handing each one to the thread pool.
async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_settings(request: Request) -> ServerSettings:
    return request.app.state.settings


SessionDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[ServerSettings, Depends(get_settings)]


async def get_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The bearer token sent; only its presence is checked here (no I/O)."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise HTTPException(401, "sign in again: no token was sent", headers={"WWW-Authenticate": "Bearer"})
    return credentials.credentials


Token = Annotated[str, Depends(get_token)]


class SignIn:
    """The sign-in check of one request, run in the first transaction that needs it.

    The sync routes hand this to the work they do, so the token is checked on
    the request's own connection and transaction rather than in one of its own.
    Later transactions of the same request (a retried push) reuse the answer.
    """

    def __init__(self, token: str):
        self.token = token
        self._caller: Caller | None = None

    def __call__(self, session: Session) -> Caller:
        if self._caller is None:
            try:
                who = signed_in(session, self.token)
            except NotSignedIn as exc:
                raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
            self._caller = caller_for(session, who.user, who.device_id, who.member_of)
        return self._caller


def get_caller(db: SessionDep, token: Token) -> Caller:
    with db.check() as session:
        return SignIn(token)(session)


CurrentUser = Annotated[Caller, Depends(get_caller)]


async def get_admin(caller: CurrentUser) -> Caller:
    if not caller.is_admin:
        raise HTTPException(403, "only an administrator can do this")
    return caller


AdminUser = Annotated[Caller, Depends(get_admin)]


async def bearer_token(credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> str | None:
    return credentials.credentials if credentials else None


def check_protocol(protocol: int) -> None:
    if protocol not in SUPPORTED_PROTOCOLS:
        speaks = ", ".join(str(p) for p in SUPPORTED_PROTOCOLS)
        raise HTTPException(426, f"protocol {protocol} is not supported; this server speaks {speaks}: update the app")
