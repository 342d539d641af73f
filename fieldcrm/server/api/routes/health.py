"""Liveness: answers without authentication."""

from __future__ import annotations

from fastapi import APIRouter

from fieldcrm.sync.wire import SUPPORTED_PROTOCOLS

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict:
    return {"status": "ok", "protocols": list(SUPPORTED_PROTOCOLS)}
