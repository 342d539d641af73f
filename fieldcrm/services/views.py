"""What the desktop lists ask: matching ids in order, then rows by id.

A list of 100,000 accounts asks for its ids once (one indexed query that
returns only ids) and then for pages of rows as the person scrolls. Rows
carry the names of the records they point at (``account_name``,
``owner_name``) so a list never asks per row.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import func, literal_column, select, text

from fieldcrm.storage.registry import entity_class, fields_of, row_to_dict
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.search import fts_query
from fieldcrm.storage.validation import ValidationError, coerce

#: Name fields added to rows: field holding the id → (entity, added key).
LINKED_NAMES: dict[str, tuple[str, str]] = {
    "account_id": ("account", "account_name"),
    "contact_id": ("contact", "contact_name"),
    "owner_id": ("user", "owner_name"),
    "technician_id": ("user", "technician_name"),
    "territory_id": ("territory", "territory_name"),
    "product_id": ("product", "product_name"),
}

#: The ``open`` filter hides rows in these closed states.
_CLOSED_STATES = {
    "visit": ("status", ("done", "missed", "cancelled")),
    "activity": ("done", (True,)),
    "opportunity": ("stage", ("won", "lost")),
    "sales_order": ("status", ("confirmed", "cancelled", "rejected")),
    "service_job": ("status", ("completed", "cancelled")),
    "lead": ("status", ("converted", "disqualified")),
}


def label_of(entity: str, row: Mapping[str, Any]) -> str:
    """A record's human-readable title (its ``__label__`` fields)."""
    cls = entity_class(entity)
    return " ".join(str(row.get(f) or "") for f in cls.__label__).strip()


def _where(cls, entity: str, filters: Mapping[str, Any]):
    fields = fields_of(cls)
    conditions, errors = [], {}
    for name, raw in filters.items():
        if name == "open":
            closed = _CLOSED_STATES.get(entity)
            if closed and raw:
                column, values = closed
                conditions.append(getattr(cls, column).not_in(values))
            continue
        if name not in fields:
            errors[name] = f"is not a field of {entity}"
            continue
        try:
            value = coerce(fields[name], raw)
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        column = getattr(cls, name)
        conditions.append(column.is_(None) if value is None else column == value)
    if errors:
        raise ValidationError(errors, entity)
    return conditions


def _ids_statement(entity: str, sort_key: Optional[str], descending: bool,
                   filters: Optional[Mapping[str, Any]], search: str):
    """The ordered id query of a list, or None when the search can match nothing."""
    cls = entity_class(entity)
    fields = fields_of(cls)
    stmt = select(cls.id).where(*_where(cls, entity, filters or {}))
    query = fts_query(search) if search else None
    if search and query is None:
        return None
    if query is not None and cls.__search__:
        fts = cls.__tablename__ + "_fts"
        matching = text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :q").bindparams(q=query)
        stmt = stmt.where(literal_column(f"{cls.__tablename__}.rowid").in_(matching))
    key = sort_key if sort_key in fields else None
    if key is None:
        order = [getattr(cls, f) for f in cls.__label__]
    else:
        column = getattr(cls, key)
        order = [column.desc() if descending else column]
    return stmt.order_by(*order, cls.id)


def list_ids(
    replica: Replica,
    entity: str,
    *,
    sort_key: Optional[str] = None,
    descending: bool = False,
    filters: Optional[Mapping[str, Any]] = None,
    search: str = "",
) -> list[str]:
    """Ids of the rows matching ``filters`` and ``search``, in display order."""
    stmt = _ids_statement(entity, sort_key, descending, filters, search)
    if stmt is None:
        return []
    with replica.read() as session:
        # Ids are plain text: read them straight off the driver's cursor. For
        # 100,000 rows the ORM's result objects cost six times the query.
        # Row by row, not fetchall(): each one-value row is freed as soon as
        # its id is taken, so 100,000 live tuples never set off the garbage
        # collector (a full pass blocks every thread, the window's included).
        cursor = session.connection().execute(stmt).cursor
        return [row[0] for row in cursor]


def list_head(
    replica: Replica,
    entity: str,
    limit: int,
    *,
    sort_key: Optional[str] = None,
    descending: bool = False,
    filters: Optional[Mapping[str, Any]] = None,
    search: str = "",
) -> tuple[int, list[str]]:
    """(how many rows match, the first ``limit`` ids): what a list needs to
    show its first screen before :func:`list_ids` has read every id."""
    stmt = _ids_statement(entity, sort_key, descending, filters, search)
    if stmt is None:
        return 0, []
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    with replica.read() as session:
        total = session.connection().execute(count).scalar_one()
        head = [row[0] for row in session.connection().execute(stmt.limit(limit)).cursor]
    return total, head


def names_of(session, entity: str, ids: Iterable[str]) -> dict[str, str]:
    """Titles of the given rows of ``entity``, by id (unknown ids left out)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    cls = entity_class(entity)
    columns = [getattr(cls, f) for f in cls.__label__]
    out: dict[str, str] = {}
    wanted_list = list(wanted)
    for start in range(0, len(wanted_list), 500):
        chunk = wanted_list[start : start + 500]
        for row in session.execute(select(cls.id, *columns).where(cls.id.in_(chunk))):
            out[row[0]] = " ".join(str(v) for v in row[1:] if v).strip()
    return out


def add_linked_names(session, entity: str, rows: list[dict[str, Any]]) -> None:
    """Add ``account_name`` etc. to rows that point at other records."""
    fields = fields_of(entity)
    for field, (target, key) in LINKED_NAMES.items():
        if field not in fields:
            continue
        names = names_of(session, target, (r.get(field) for r in rows))
        for row in rows:
            row[key] = names.get(row.get(field) or "", "")


def rows_by_id(replica: Replica, entity: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """One page of rows, by id, with the names of linked records."""
    cls = entity_class(entity)
    with replica.read() as session:
        rows = [row_to_dict(o) for o in session.execute(select(cls).where(cls.id.in_(ids))).scalars()]
        add_linked_names(session, entity, rows)
    return {row["id"]: row for row in rows}


def choices_of(replica: Replica, entity: str, limit: int = 500) -> list[tuple[str, str]]:
    """(id, title) pairs to pick a linked record from, ordered by title."""
    cls = entity_class(entity)
    columns = [getattr(cls, f) for f in cls.__label__]
    with replica.read() as session:
        rows = session.execute(select(cls.id, *columns).order_by(*columns).limit(limit)).all()
    return [(r[0], " ".join(str(v) for v in r[1:] if v).strip()) for r in rows]


def record_with_names(replica: Replica, entity: str, row_id: str) -> dict[str, Any]:
    """One record with the names of what it links to (for a form's pickers)."""
    rows = rows_by_id(replica, entity, [row_id])
    if row_id not in rows:
        from fieldcrm.services.records import NotFound

        raise NotFound(entity, row_id)
    return rows[row_id]
