"""Push, pull and verify: the sync protocol (docs/sync-protocol.md)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from fieldcrm.server import pull as pulling
from fieldcrm.server.api.deps import SessionDep, SignIn, Token, check_protocol
from fieldcrm.server.push import push as apply_push
from fieldcrm.sync.wire import (
    PROTOCOL_VERSION, ErrorBody, PullRequest, PushRequest, PushResponse, VerifyRequest, VerifyResponse,
)

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])

_ERRORS = {401: {"model": ErrorBody}, 413: {"model": ErrorBody}, 426: {"model": ErrorBody}}

_PULL_SCHEMA = {
    "type": "object",
    "required": ["protocol", "subscriptions", "buckets", "dropped", "has_more"],
    "properties": {
        "protocol": {"type": "integer"},
        "subscriptions": {"type": "array", "items": {"type": "string"}},
        "buckets": {"type": "array", "items": {"type": "object"}},
        "dropped": {"type": "object"},
        "has_more": {"type": "boolean"},
    },
}


# Each route is one sync function: FastAPI hands it to the thread pool once,
# and the sign-in check runs in the route's own transaction (``SignIn``).
@router.post("/push", response_model=PushResponse, responses=_ERRORS)
def push(body: PushRequest, token: Token, db: SessionDep) -> PushResponse:
    check_protocol(body.protocol)
    results = apply_push(db, SignIn(token), body.client_id, body.mutations)
    return PushResponse(protocol=PROTOCOL_VERSION, results=results)


@router.post(
    "/pull", response_class=Response,
    responses={**_ERRORS, 200: {"content": {"application/json": {"schema": _PULL_SCHEMA}}}},
)
def pull(body: PullRequest, token: Token, db: SessionDep) -> Response:
    check_protocol(body.protocol)
    content = pulling.pull(db, SignIn(token), body)
    return Response(content=content, media_type="application/json")


@router.post("/verify", response_model=VerifyResponse, responses=_ERRORS)
def verify(body: VerifyRequest, token: Token, db: SessionDep) -> VerifyResponse:
    check_protocol(body.protocol)
    entities = pulling.verify(db, SignIn(token))
    return VerifyResponse(protocol=PROTOCOL_VERSION, entities=entities)
