"""Applying a laptop's batch of mutations in one transaction, recorded for retries.

Every mutation commits together with the record of having applied it
(``applied_mutation``) and the ops it appends, so a retried batch gets the
recorded answers and changes nothing. Per batch, not per mutation: one
look-up of the recorded mutations, one locking read per entity of the rows it
changes (in id order), one read of the buckets holding them and of the
technicians of the accounts involved, one flush of the rows' writes, one
insert of all records, and one numbering of all ops under the sorted counter
locks just before the commit.

A mutation is checked before it writes anything, so a rejected one needs no
savepoint: its record is its whole effect. When a mutation is rejected after
it wrote (it would leave the caller's territories) or the batch breaks a
constraint, the transaction rolls back and the batch runs again with a
savepoint per mutation; if even that cannot commit, one transaction per
mutation. Row versions are per-row counters: every accepted change adds one.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from fieldcrm.server.db import Database
from fieldcrm.server.distribution import BatchPlacement
from fieldcrm.server.mutation import MutationApplier, Rejected, result_of
from fieldcrm.server.oplog import OpLog
from fieldcrm.server.scope import Caller, CallerOf
from fieldcrm.server.tables import AppliedMutation
from fieldcrm.storage.base import Entity
from fieldcrm.storage.registry import ENTITIES
from fieldcrm.storage.types import utcnow
from fieldcrm.sync.wire import Mutation, MutationResult

log = logging.getLogger("fieldcrm.server.push")


def _record_values(caller: Caller, client_id: str, m: Mutation, result: MutationResult) -> dict[str, Any]:
    return dict(
        mutation_id=m.mutation_id, user_id=caller.id, client_id=client_id, seq=m.seq,
        entity=m.entity[:32], row_id=m.row_id, status=result.status,
        version=result.version if result.status in ("applied", "merged") else None,
        result=result.model_dump_json(), applied_at=utcnow(),
    )


def _record(session: Session, caller: Caller, client_id: str, m: Mutation, result: MutationResult) -> AppliedMutation:
    record = AppliedMutation(**_record_values(caller, client_id, m, result))
    session.add(record)
    return record


def _replay(recorded: AppliedMutation, caller: Caller, m: Mutation) -> MutationResult:
    if recorded.user_id != caller.id:
        return result_of(m, "rejected", message="this mutation id was already used; send the change under a new id")
    return MutationResult.model_validate_json(recorded.result)


def _is_retryable(exc: DBAPIError) -> bool:
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code in ("40001", "40P01") or "database is locked" in str(exc)


def apply_mutation(db: Database, caller: Caller, client_id: str, m: Mutation) -> MutationResult:
    """Apply one mutation (or return its recorded result) in its own transaction."""
    for attempt in range(5):
        try:
            with db.write() as session:
                recorded = session.get(AppliedMutation, m.mutation_id)
                if recorded is not None:
                    return _replay(recorded, caller, m)
                oplog = OpLog(session)
                try:
                    with session.begin_nested():
                        result = MutationApplier(session, oplog, caller, client_id, m).run()
                        session.flush()
                except Rejected as exc:
                    oplog = OpLog(session)
                    result = result_of(m, "rejected", message=str(exc))
                oplog.flush()
                _record(session, caller, client_id, m, result)
            return result
        except IntegrityError as exc:
            # A concurrent retry of the same mutation won, or the data broke a
            # constraint at commit: answer from the record, or reject.
            log.info("mutation %s hit a constraint: %s", m.mutation_id, exc.orig)
            with db.write() as session:
                recorded = session.get(AppliedMutation, m.mutation_id)
                if recorded is not None:
                    return _replay(recorded, caller, m)
                result = result_of(m, "rejected", message="the change does not fit the data on the server")
                _record(session, caller, client_id, m, result)
                return result
        except DBAPIError as exc:
            if not _is_retryable(exc) or attempt == 4:
                raise
    raise AssertionError("unreachable")


def _lock_rows(session: Session, mutations: list[Mutation]) -> dict[tuple[str, str], Entity]:
    """Lock the existing rows the batch updates or deletes, in one query per entity.

    Rows are locked in id order, so two batches over the same rows take their
    locks in the same order. The rows are returned so the session keeps them
    (its identity map holds rows only while something refers to them).
    """
    wanted: dict[str, set[str]] = {}
    for m in mutations:
        cls = ENTITIES.get(m.entity)
        if m.op in ("update", "delete") and cls is not None and not cls.__reference__:
            wanted.setdefault(m.entity, set()).add(m.row_id)
    locked: dict[tuple[str, str], Entity] = {}
    for entity, row_ids in sorted(wanted.items()):
        cls = ENTITIES[entity]
        for row in session.execute(
            select(cls).where(cls.id.in_(sorted(row_ids))).order_by(cls.id).with_for_update()
        ).scalars():
            locked[(entity, row.id)] = row
    return locked


class _NeedsSavepoints(Exception):
    """A mutation was rejected after it had changed rows: the batch runs again with savepoints."""


def _accounts_touched(locked: dict[tuple[str, str], Entity], mutations: list[Mutation]) -> set[str]:
    """Accounts whose technicians the batch's placements will ask for."""
    out = {m.row_id if m.entity == "account" else m.changes.get("account_id") for m in mutations}
    out.update(getattr(row, "account_id", None) for row in locked.values())
    out.update(row.id for (entity, _), row in locked.items() if entity == "account")
    return {a for a in out if isinstance(a, str)}


def _apply_batch(db: Database, caller_of: CallerOf, client_id: str, mutations: list[Mutation], *,
                 isolated: bool) -> list[MutationResult]:
    """All mutations in one transaction, each atomic with its record.

    Without ``isolated`` no mutation gets a savepoint: checks run before any
    write, so a rejected mutation has changed nothing and only its record is
    written; the rows' writes and all records go to the database together
    after the loop. A mutation rejected after it wrote (it would leave the
    caller's territories) raises ``_NeedsSavepoints``. With ``isolated``
    each mutation runs in a savepoint with its record, and a rejected one (or
    one that breaks a constraint) rolls back only its own savepoint and ops.
    The ops are numbered once, under one sorted set of counter locks, just
    before the commit.
    """
    results: list[MutationResult] = []
    with db.write() as session:
        caller = caller_of(session)
        recorded = {
            r.mutation_id: r for r in session.execute(
                select(AppliedMutation).where(AppliedMutation.mutation_id.in_({m.mutation_id for m in mutations}))
            ).scalars()
        }
        fresh = [m for m in mutations if m.mutation_id not in recorded]
        locked = _lock_rows(session, fresh)
        oplog = OpLog(session)
        oplog.preload((m.entity, m.row_id) for m in fresh)
        placement = BatchPlacement(session)
        placement.preload(_accounts_touched(locked, fresh))
        answered: dict[str, MutationResult] = {}  # this batch's answers, for a repeated mutation id
        records: list[dict[str, Any]] = []
        unrecorded: dict[tuple[str, str], list[int]] = {}
        for m in mutations:
            if m.mutation_id in recorded:
                results.append(_replay(recorded[m.mutation_id], caller, m))
                continue
            if m.mutation_id in answered:
                results.append(answered[m.mutation_id])
                continue
            applier = MutationApplier(session, oplog, caller, client_id, m, locked, placement=placement,
                                      unrecorded=unrecorded, isolated=isolated)
            result = (_apply_isolated(session, oplog, caller, client_id, m, applier, recorded) if isolated
                      else _apply_in_batch(applier, m))
            if not isolated:
                records.append(_record_values(caller, client_id, m, result))
                if result.version is not None and result.status in ("applied", "merged"):
                    unrecorded.setdefault((m.entity, m.row_id), []).append(result.version)
            answered[m.mutation_id] = result
            results.append(result)
        session.flush()
        if records:
            session.execute(insert(AppliedMutation.__table__), records)
        oplog.flush()
    return results


def _apply_in_batch(applier: MutationApplier, m: Mutation) -> MutationResult:
    try:
        return applier.run()
    except Rejected as exc:
        if applier.wrote:
            raise _NeedsSavepoints(str(exc)) from None
        # Nothing was written and no op was added: the answer is the whole effect.
        return result_of(m, "rejected", message=str(exc))


def _apply_isolated(session: Session, oplog: OpLog, caller: Caller, client_id: str, m: Mutation,
                    applier: MutationApplier, recorded: dict[str, AppliedMutation]) -> MutationResult:
    before = oplog.snapshot()
    try:
        with session.begin_nested():
            result = applier.run()
            recorded[m.mutation_id] = _record(session, caller, client_id, m, result)
            session.flush()
    except Rejected as exc:
        oplog.restore(before)
        result = result_of(m, "rejected", message=str(exc))
        recorded[m.mutation_id] = _record(session, caller, client_id, m, result)
    except IntegrityError as exc:
        # A concurrent retry of the same mutation won, or the data broke
        # a constraint: answer from the record, or reject.
        log.info("mutation %s hit a constraint: %s", m.mutation_id, exc.orig)
        oplog.restore(before)
        other = session.execute(
            select(AppliedMutation).where(AppliedMutation.mutation_id == m.mutation_id)
        ).scalar_one_or_none()
        if other is not None:
            recorded[m.mutation_id] = other
            result = _replay(other, caller, m)
        else:
            result = result_of(m, "rejected", message="the change does not fit the data on the server")
            recorded[m.mutation_id] = _record(session, caller, client_id, m, result)
    return result


def push(db: Database, caller_of: CallerOf, client_id: str, mutations: list[Mutation]) -> list[MutationResult]:
    """Apply a batch in one transaction.

    ``caller_of`` signs the request in (or refuses it) as the transaction's
    first statement. First without savepoints; when a mutation is rejected
    after it wrote, or the batch breaks a constraint, again with a savepoint
    per mutation; when that cannot commit either, one transaction per mutation.
    """
    if not mutations:
        with db.check() as session:
            caller_of(session)
        return []
    isolated = False
    for attempt in range(6):
        try:
            return _apply_batch(db, caller_of, client_id, mutations, isolated=isolated)
        except _NeedsSavepoints as exc:
            log.info("push batch has a mutation rejected after writing (%s); applying with savepoints", exc)
            isolated = True
        except IntegrityError as exc:
            if not isolated:
                log.info("push batch hit a constraint, applying with savepoints: %s", exc.orig)
                isolated = True
                continue
            log.info("push batch hit a constraint at commit, applying one by one: %s", exc.orig)
            break
        except DBAPIError as exc:
            if not _is_retryable(exc):
                raise
    with db.check() as session:
        caller = caller_of(session)
    return [apply_mutation(db, caller, client_id, m) for m in mutations]
