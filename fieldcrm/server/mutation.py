"""One laptop mutation checked and applied inside an open transaction.

``MutationApplier`` checks a create, update or delete against the caller's
scope, validates and merges it (field-level three-way merge, conflicts
recorded with base, server and laptop values), writes the row and adds its
ops. It never commits: ``push`` decides the transaction and the savepoints.
"""

from __future__ import annotations

from typing import Any, Optional

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldcrm.server.blobs import NOT_UPLOADED, is_complete, is_sha256
from fieldcrm.server.distribution import BatchPlacement, Placement, place_changed, territory_bucket
from fieldcrm.server.erp.jobs import queue_erp_work
from fieldcrm.server.merge import three_way
from fieldcrm.server.oplog import OpLog
from fieldcrm.server.rows import delete_row, tombstone_visible
from fieldcrm.server.scope import Caller, manages
from fieldcrm.server.tables import AppliedMutation, ConflictRecord, Tombstone
from fieldcrm.storage.base import SYSTEM_FIELDS, Entity
from fieldcrm.storage.reference import User
from fieldcrm.storage.registry import ENTITIES, REFERENCES, fields_of, row_to_dict
from fieldcrm.storage.types import new_id, utcnow
from fieldcrm.storage.validation import ValidationError, validate_changes
from fieldcrm.sync.wire import Mutation, MutationResult

USER_LINKS = ("owner_id", "technician_id", "manager_id", "decided_by")
PERSONAL = ("visit", "activity", "visit_plan", "lead")
DECISIONS = ("approved", "returned")


class Rejected(Exception):
    """The mutation cannot be applied; the message tells the user what to fix."""


def result_of(m: Mutation, status: str, **kw: Any) -> MutationResult:
    return MutationResult(mutation_id=m.mutation_id, seq=m.seq, status=status, **kw)


class MutationApplier:
    """Applies one mutation for one caller inside an open transaction.

    ``isolated`` means the mutation runs in its own savepoint: each write is
    flushed at once, so a constraint shows on this mutation. Otherwise writes
    wait for the batch's flush, and ``wrote`` tells whether a rejection came
    after the mutation had changed anything (the batch then needs savepoints).
    """

    def __init__(self, session: Session, oplog: OpLog, caller: Caller, client_id: str, m: Mutation,
                 locked: Optional[dict[tuple[str, str], Entity]] = None, *,
                 placement: Optional[Placement] = None,
                 unrecorded: Optional[dict[tuple[str, str], list[int]]] = None, isolated: bool = True):
        self.s, self.oplog, self.caller, self.client_id, self.m = session, oplog, caller, client_id, m
        self.locked = locked or {}  # rows this transaction already holds FOR UPDATE
        self.placement = placement or Placement(session)
        # Versions this client produced earlier in the batch whose records are not written yet.
        self.unrecorded = unrecorded if unrecorded is not None else {}
        self.isolated = isolated
        self.wrote = False

    def _can_see(self, entity: str, row_id: str) -> bool:
        """``scope.can_see``, answered from the op log (counting this transaction's ops)."""
        return self.caller.is_admin or bool(self.oplog.held(entity, row_id) & self.caller.subscriptions)

    def run(self) -> MutationResult:
        m = self.m
        cls = ENTITIES.get(m.entity)
        if cls is None:
            raise Rejected(f"unknown record type {m.entity!r}")
        if cls.__reference__:
            raise Rejected(f"{m.entity} records are managed on the server and are read-only on laptops")
        changes = dict(m.changes)
        if "id" in changes and changes.pop("id") != m.row_id:
            raise Rejected("id: does not match the record being changed")
        self.cls, self.changes = cls, changes
        self._check_content()
        moves_technicians = m.entity == "service_job"  # may change who works on an account
        if moves_technicians and isinstance(self.placement, BatchPlacement):
            self.placement.forget()
        try:
            result = {"create": self.create, "update": self.update, "delete": self.delete}[m.op]()
        finally:
            if moves_technicians and isinstance(self.placement, BatchPlacement):
                self.placement.forget()
        queue_erp_work(self.s, m.entity, m.row_id)  # a submitted order's ERP job, in this transaction
        return result

    # -- checks ------------------------------------------------------------
    def _check_content(self) -> None:
        """An attachment names content the server holds in full (the laptop uploads it first)."""
        sha256 = self.changes.get("sha256")
        if self.m.entity == "attachment" and self.m.op != "delete" and is_sha256(sha256) \
                and not is_complete(self.s, sha256):
            raise Rejected(NOT_UPLOADED)

    def _validate(self, creating: bool, current: Optional[dict] = None) -> dict[str, Any]:
        try:
            return validate_changes(self.cls, self.changes, creating=creating, current=current)
        except ValidationError as exc:
            raise Rejected(exc.summary()) from None

    def _check_links(self, values: dict[str, Any]) -> None:
        fields = fields_of(self.cls)
        for name, value in values.items():
            if value is None or name not in fields:
                continue
            target = REFERENCES.get(name)
            if target is not None:
                ref_cls = ENTITIES[target]
                exists = self.s.get(ref_cls, value) is not None
                if not exists or not (ref_cls.__reference__ or self._can_see(target, value)):
                    raise Rejected(f"{name}: no such {target.replace('_', ' ')}")
            elif name in USER_LINKS and self.s.get(User, value) is None:
                raise Rejected(f"{name}: no such user")

    def _check_owner(self, values: dict[str, Any], current_owner: Optional[str] = None) -> None:
        if self.cls.__entity__ not in PERSONAL or self.caller.is_admin or "owner_id" not in values:
            return
        owner = values["owner_id"]
        if owner != self.caller.id and not manages(self.s, self.caller.id, owner):
            raise Rejected("owner_id: you can only plan and record work for yourself or your team")

    def _check_targets(self, row: Entity, targets: set[str], current: set[str]) -> None:
        """The row must stay in the caller's scope and be put in no foreign territory.

        Only a row that carries its own territory (an account) can be put in
        one: a foreign territory the caller names is refused. A child row
        (a job's photo, an account's activity) lands in its parent's buckets,
        and the parent is one the caller can see (``_check_links``), so a
        technician's photo on their own job may reach the job's territory.
        """
        if self.caller.is_admin:
            return
        subs = self.caller.subscriptions
        own = getattr(row, "territory_id", None)
        if own is not None:
            bucket = territory_bucket(own)
            if bucket not in subs and bucket not in current:
                raise Rejected("territory_id: not one of your territories")
        if not targets & subs:
            raise Rejected(f"this {self.m.entity.replace('_', ' ')} would leave your territories")

    def _check_plan_decision(self, row: Entity, apply: dict[str, Any]) -> None:
        if self.cls.__entity__ != "visit_plan" or "status" not in apply:
            return
        status = apply["status"]
        if status in DECISIONS:
            if not (self.caller.is_admin or manages(self.s, self.caller.id, row.owner_id)):
                raise Rejected("status: only the plan owner's manager can approve or return a plan")
            apply["decided_at"], apply["decided_by"] = utcnow(), self.caller.id
        elif row.owner_id != self.caller.id and not self.caller.is_admin:
            raise Rejected("status: only the plan's owner can change it to " + status)

    def _unchanged_since_base(self, row: Entity) -> bool:
        """No one else wrote the row since the laptop's base version.

        Versions the same laptop produced since then (an earlier entry of its
        own outbox) do not count as someone else's change.
        """
        base = self.m.base_version
        if row.version == base:
            return True
        if row.version < base:
            return False
        own = self.s.execute(
            select(func.count()).select_from(AppliedMutation).where(
                AppliedMutation.entity == self.m.entity, AppliedMutation.row_id == row.id,
                AppliedMutation.client_id == self.client_id, AppliedMutation.user_id == self.caller.id,
                AppliedMutation.version > base, AppliedMutation.version <= row.version,
            )
        ).scalar_one()
        own += sum(1 for v in self.unrecorded.get((self.m.entity, row.id), ()) if base < v <= row.version)
        return own == row.version - base

    def _stamp(self, row: Entity) -> None:
        row.updated_at, row.updated_by = utcnow(), self.caller.id

    def _conflict(self, kind: str, fields: dict, row: Optional[Entity], server_user: Optional[str],
                  version: int) -> MutationResult:
        self.wrote = True
        record = ConflictRecord(
            id=new_id(), entity=self.m.entity, row_id=self.m.row_id, kind=kind,
            mutation_id=self.m.mutation_id, laptop_user_id=self.caller.id, server_user_id=server_user,
            fields=orjson.dumps(fields).decode(), created_at=utcnow(),
        )
        self.s.add(record)
        return result_of(
            self.m, "conflict", version=version, row=row_to_dict(row) if row is not None else None,
            conflict_id=record.id, conflict_kind=kind, fields=fields,
            message={
                "field": "changed on the server too; the server's value was kept",
                "delete": "changed on the server since you saw it; not deleted",
                "deleted": "deleted on the server; restore it or drop your change",
            }[kind],
        )

    def _locked_row(self) -> tuple[Optional[Entity], Optional[Tombstone]]:
        """The row to change (locked), or its tombstone when it was deleted.

        A row outside the caller's scope is "not found", exactly like a row
        that never existed.
        """
        m = self.m
        if (m.entity, m.row_id) in self.locked:
            row = self.s.get(self.cls, m.row_id)
        else:
            row = self.s.get(self.cls, m.row_id, with_for_update=True)
        if row is not None and self._can_see(m.entity, m.row_id):
            return row, None
        tomb = self.s.get(Tombstone, (m.entity, m.row_id)) if row is None else None
        if tomb is None or not tombstone_visible(tomb, self.caller):
            raise Rejected(f"{m.entity.replace('_', ' ')} not found")
        return None, tomb

    # -- the three ops -------------------------------------------------------
    def create(self) -> MutationResult:
        m, cls = self.m, self.cls
        if self.s.get(cls, m.row_id) is not None:
            raise Rejected("a record with this id already exists")
        tomb = self.s.get(Tombstone, (m.entity, m.row_id))
        if tomb is not None and not tombstone_visible(tomb, self.caller):
            raise Rejected("a record with this id already exists")
        values = self._validate(creating=True)
        self._check_links(values)
        self._check_owner(values)
        row = cls(id=m.row_id, **values)
        if cls.__entity__ == "visit_plan" and values.get("status") in DECISIONS:
            raise Rejected("status: a new plan starts as a draft or submitted")
        row.version = tomb.version + 1 if tomb is not None else 1  # a restore continues the count
        self._stamp(row)
        self.wrote = True
        self.s.add(row)
        self.s.flush()
        targets = self.placement.buckets_of_row(row)
        self._check_targets(row, targets, set())
        if tomb is not None:
            self.s.delete(tomb)
        place_changed(self.s, self.oplog, row, old=None, targets=targets)
        return result_of(m, "applied", version=row.version)

    def update(self) -> MutationResult:
        m = self.m
        row, tomb = self._locked_row()
        if row is None:
            fields = {k: {"base": m.base.get(k), "mine": v, "theirs": None} for k, v in self.changes.items()}
            return self._conflict("deleted", fields, None, tomb.deleted_by, tomb.version)
        current = row_to_dict(row)
        values = self._validate(creating=False, current=current)
        self._check_links(values)
        self._check_owner(values)
        unchanged = self._unchanged_since_base(row)
        outcome = three_way(m.entity, current, values, m.base, unchanged_since_base=unchanged)
        self._check_plan_decision(row, outcome.apply)
        server_user = row.updated_by
        if outcome.apply:
            old = {k: getattr(row, k) for k in current}
            held = self.oplog.held(m.entity, row.id)
            self.wrote = True
            for name, value in outcome.apply.items():
                setattr(row, name, value)
            row.version += 1
            self._stamp(row)
            if self.isolated:
                self.s.flush()
            targets = self.placement.buckets_of_row(row)
            self._check_targets(row, targets, held)
            place_changed(self.s, self.oplog, row, old=old, targets=targets)
        if outcome.clashes:
            return self._conflict("field", outcome.clashes, row, server_user, row.version)
        if outcome.apply and not unchanged:
            return result_of(m, "merged", version=row.version, row=row_to_dict(row))
        return result_of(m, "applied", version=row.version)

    def delete(self) -> MutationResult:
        m = self.m
        row, tomb = self._locked_row()
        if row is None:
            return result_of(m, "applied", version=tomb.version, message="already deleted")
        if not self._unchanged_since_base(row):
            current = row_to_dict(row)
            fields = {
                k: {"base": m.base.get(k), "mine": None, "theirs": v}
                for k, v in current.items()
                if k not in SYSTEM_FIELDS and k in m.base and m.base.get(k) != v
            }
            return self._conflict("delete", fields, row, row.updated_by, row.version)
        self.wrote = True
        version = delete_row(self.s, self.oplog, row, by=self.caller.id)
        return result_of(m, "applied", version=version)
