"""What a person (or IT) wants to know about a replica at a glance."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import func, select

from fieldcrm.storage.local import ConflictRecord, OutboxEntry
from fieldcrm.storage.replica import Replica


def replica_status(replica: Replica) -> dict[str, Any]:
    with replica.read() as s:
        pending = s.execute(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == "pending")
        ).scalar_one()
        parked = s.execute(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == "parked")
        ).scalar_one()
        conflicts = s.execute(
            select(func.count()).select_from(ConflictRecord).where(ConflictRecord.resolved_at.is_(None))
        ).scalar_one()
        last_sync = replica.get_state("last_sync_at", s)
        server = replica.get_state("server_url", s)
        user = replica.get_state("username", s)
        auth_state = replica.get_state("auth_state", s)
        auth_message = replica.get_state("auth_message", s)
    size = sum(
        os.path.getsize(p) for p in (replica.path, f"{replica.path}-wal") if os.path.exists(p)
    )
    return {
        "profile": str(replica.profile_dir),
        "replica": str(replica.path),
        "replica_bytes": size,
        "pending": pending,
        "parked": parked,
        "conflicts": conflicts,
        "last_sync": last_sync,
        "server": server,
        "user": user,
        # "sign_in_needed" after the server refused the token (revoked, expired)
        "sign_in": auth_state or ("signed_in" if server else None),
        "sign_in_message": auth_message,
    }
