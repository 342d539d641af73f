"""Wire types of the sync protocol, shared by the laptop and the server.

`docs/sync-protocol.md` describes the protocol in prose; these models are its
exact shape. Push requests and responses are validated with pydantic; pull
responses are large and are built and read as plain JSON (orjson) in the
shape of ``PullResponse`` below.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
# Versions the server still answers (it keeps serving the previous one while
# laptops upgrade).
SUPPORTED_PROTOCOLS = (1,)

MAX_PUSH_MUTATIONS = 500
MAX_REQUEST_BYTES = 8 * 1024 * 1024
# Attachment content: the largest file, and the largest body of one upload
# request (a file goes up in chunks of at most this size, resumably).
MAX_BLOB_BYTES = 25 * 1024 * 1024
BLOB_CHUNK_BYTES = 1024 * 1024
DEFAULT_PAGE_ROWS = 20_000

Op = Literal["create", "update", "delete"]
Outcome = Literal["applied", "merged", "conflict", "rejected"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(_Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    device_id: str = Field(min_length=1, max_length=64)
    device_name: str = Field(default="", max_length=200)


class UserInfo(BaseModel):
    id: str
    username: str
    display_name: str
    role: str


class LoginResponse(BaseModel):
    token: str
    expires_at: str
    user: UserInfo


class Mutation(_Strict):
    mutation_id: str = Field(min_length=1, max_length=36)
    seq: int = Field(ge=1)
    entity: str = Field(min_length=1, max_length=32)
    row_id: str = Field(min_length=1, max_length=36)
    op: Op
    changes: dict[str, Any] = Field(default_factory=dict)
    base: dict[str, Any] = Field(default_factory=dict)
    base_version: int = Field(default=0, ge=0)


class PushRequest(_Strict):
    protocol: int
    client_id: str = Field(min_length=1, max_length=36)
    mutations: list[Mutation] = Field(max_length=MAX_PUSH_MUTATIONS)


class FieldClash(BaseModel):
    base: Any = None
    mine: Any = None
    theirs: Any = None


class MutationResult(BaseModel):
    mutation_id: str
    seq: int
    status: Outcome
    # The row's version after this mutation (applied/merged), or the server's
    # current version (conflict).
    version: Optional[int] = None
    # The server's current row after the mutation (merged/conflict), so the
    # laptop can refresh it without waiting for the pull.
    row: Optional[dict[str, Any]] = None
    conflict_id: Optional[str] = None
    # "field" (same field changed on both sides), "deleted" (row deleted on the
    # server), "delete" (laptop deleted a row the server changed).
    conflict_kind: Optional[str] = None
    fields: dict[str, FieldClash] = Field(default_factory=dict)
    message: Optional[str] = None


class PushResponse(BaseModel):
    protocol: int
    results: list[MutationResult]


class PullRequest(_Strict):
    protocol: int
    client_id: str = Field(min_length=1, max_length=36)
    cursors: dict[str, int] = Field(default_factory=dict)
    limit: int = Field(default=DEFAULT_PAGE_ROWS, ge=1, le=50_000)


# PullResponse (plain JSON, built with orjson):
# {
#   "protocol": 1,
#   "subscriptions": ["global", "territory:<id>", "user:<id>"],
#   "buckets": [
#     {"bucket": "territory:<id>", "cursor": 1234, "has_more": false, "reset": false,
#      "puts": {"account": {"columns": ["id", "version", ...], "rows": [[...], ...]}},
#      "removes": {"contact": ["<id>", ...]}}
#   ],
#   "dropped": {"entity": ["<id>", ...]},   # rows to remove: their bucket left the subscription
#   "has_more": true                        # ask again with the new cursors
# }


class VerifyRequest(_Strict):
    protocol: int
    client_id: str = Field(min_length=1, max_length=36)


class EntityChecksum(BaseModel):
    count: int
    checksum: str


class VerifyResponse(BaseModel):
    protocol: int
    entities: dict[str, EntityChecksum]


class ErrorBody(BaseModel):
    detail: str
