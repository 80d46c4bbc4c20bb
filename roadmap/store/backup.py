"""A whole state as one JSON-ready document, and back: every table, every row, every column, losslessly.

The document names its format and the schema revision it was taken at; rows are lists in the order of the
columns it lists. Dates are ISO days, instants ISO with their UTC offset (SQLite keeps none, so its naive
instants are UTC, which is what the app writes). Restoring checks every value against its column before
anything is written, and writes everything in one transaction: a refused document leaves nothing behind.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, String, Table, Text, func, select, text
from sqlalchemy.orm import Session

from roadmap.domain.errors import InvalidInput
from roadmap.store.tables import DERIVED_TABLES, Base, MetaRow

FORMAT = "ips-roadmap-backup"
VERSION = 1
# Rows of the meta table a fresh database already has (its link key): the backup's own replace them.
_REPLACED_ON_RESTORE = Base.metadata.tables[MetaRow.__tablename__]
# Integer columns are 32-bit on PostgreSQL: the same bound on both backends.
_INT_RANGE = (-(2**31), 2**31 - 1)
# The audit trail's documents nest a few levels (a rules file); anything far deeper is not the app's.
_JSON_DEPTH = 32


def _stored_tables() -> list[Table]:
    """Every table a backup holds: all but the derived ones, which are rebuilt from the rest when next read."""
    return [table for table in Base.metadata.sorted_tables if table.name not in DERIVED_TABLES]


def _stored_columns(table: Table) -> list[Column[Any]]:
    """The table's columns but the derived ones (a restored agency's due list is worked out afresh)."""
    return [column for column in table.columns if not column.info.get("derived")]


def dump(session: Session, schema: str) -> dict[str, Any]:
    """Every row of every table, read in this session's one transaction (a consistent snapshot)."""
    tables: dict[str, Any] = {}
    for table in _stored_tables():
        columns = _stored_columns(table)
        order = [column for column in table.primary_key.columns] or columns
        rows = session.execute(select(*columns).order_by(*order)).all()
        tables[table.name] = {
            "columns": [column.name for column in columns],
            "rows": [[_encode(column, value) for column, value in zip(columns, row, strict=True)] for row in rows],
        }
    return {"format": FORMAT, "version": VERSION, "schema": schema, "tables": tables}


def restore(session: Session, document: object, schema: str) -> dict[str, int]:
    """Write a dumped state into this (empty) database; returns rows per table. The caller commits."""
    tables = _checked_document(document, schema)
    decoded = {table.name: _decoded_rows(table, tables[table.name]) for table in _stored_tables()}
    for table in _stored_tables():
        if table is not _REPLACED_ON_RESTORE and session.scalar(select(func.count()).select_from(table)):
            raise InvalidInput(
                f"the database already holds a state (table {table.name} has rows): import-all needs a new, "
                "empty database (`ips-roadmap --database-url NEW init`)"
            )
    session.execute(_REPLACED_ON_RESTORE.delete())
    for table in _stored_tables():
        if decoded[table.name]:
            session.execute(table.insert(), decoded[table.name])
    if session.get_bind().dialect.name == "postgresql":
        _move_sequences_past_restored_ids(session)
    return {name: len(rows) for name, rows in decoded.items()}


def _checked_document(document: object, schema: str) -> Mapping[str, object]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(f'not an ips-roadmap backup (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise InvalidInput(f"backup format version {document.get('version')!r} is not {VERSION}, which this reads")
    if document.get("schema") != schema:
        raise InvalidInput(
            f"the backup was taken at schema revision {str(document.get('schema'))[:20]!r}, this version has "
            f"{schema}: restore it with the version that made it, or upgrade that database and export again"
        )
    tables = document.get("tables")
    expected = {table.name for table in _stored_tables()}
    if not isinstance(tables, dict) or set(tables) != expected:
        given = set(tables) if isinstance(tables, dict) else set()
        odd = sorted((given - expected) | (expected - given))[:3]
        raise InvalidInput(f"the backup's tables do not match this schema ({', '.join(map(str, odd)) or 'none'})")
    return tables


def _decoded_rows(table: Table, given: object) -> list[dict[str, object]]:
    columns = _stored_columns(table)
    names = [column.name for column in columns]
    if not isinstance(given, dict) or given.get("columns") != names or not isinstance(given.get("rows"), list):
        raise InvalidInput(f"table {table.name}: the backup must list columns {', '.join(names)} and its rows")
    decoded = []
    for number, row in enumerate(given["rows"], start=1):
        if not isinstance(row, list) or len(row) != len(names):
            raise InvalidInput(f"table {table.name} row {number}: expected {len(names)} values")
        decoded.append(
            {column.name: _decode(column, value, f"{table.name} row {number} {column.name}")
             for column, value in zip(columns, row, strict=True)}
        )  # fmt: skip
    return decoded


def _encode(column: Column[Any], value: object) -> object:
    if isinstance(value, datetime):
        # In UTC whatever the server's time zone, so the same state always exports the same text.
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plain_json(value: object, depth: int = 0) -> bool:
    """JSON the app could have written: str-keyed objects, lists, finite numbers, text without NUL; not too deep."""
    if depth > _JSON_DEPTH:
        return False
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, list):
        return all(_plain_json(each, depth + 1) for each in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain_json(key) and _plain_json(each, depth + 1)
                   for key, each in value.items())  # fmt: skip
    return False


def _decode(column: Column[Any], value: object, where: str) -> object:
    """The value as the column stores it, or InvalidInput naming the table, row and column."""
    if value is None:
        if not column.nullable:
            raise InvalidInput(f"{where}: a value is required")
        return None
    kind = column.type
    if isinstance(kind, Boolean):
        if isinstance(value, bool):
            return value
    elif isinstance(kind, Integer):
        if isinstance(value, int) and not isinstance(value, bool) and _INT_RANGE[0] <= value <= _INT_RANGE[1]:
            return value
    elif isinstance(kind, Float):
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    elif isinstance(kind, DateTime):
        if isinstance(value, str):
            return _instant(value, where)
    elif isinstance(kind, Date):
        if isinstance(value, str):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                day = None
            if day is None or day.isoformat() != value:  # only the form export writes: it reads back the same
                raise InvalidInput(f"{where}: {value[:30]!r} is not a date (YYYY-MM-DD)")
            return day
    elif isinstance(kind, JSON):
        if isinstance(value, list) and all(isinstance(each, str) for each in value):
            return value
        if column.info.get("document") and isinstance(value, dict) and _plain_json(value):
            return value
    elif isinstance(kind, String | Text):
        length = getattr(kind, "length", None)
        if isinstance(value, str) and (length is None or len(value) <= length) and "\x00" not in value:
            return value
    shown = repr(value)
    raise InvalidInput(f"{where}: {shown[:30]}{'...' if len(shown) > 30 else ''} does not fit the column")


def _instant(value: str, where: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{where}: {value[:40]!r} is not an ISO date and time") from None
    if instant.tzinfo is None or instant.utcoffset() or instant.isoformat() != value:
        # Only the form export writes (UTC, with its offset): it reads back exactly as given.
        raise InvalidInput(f"{where}: {value[:40]!r} is not an instant in UTC as export writes it")
    return instant


def _move_sequences_past_restored_ids(session: Session) -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not move: set each past the largest."""
    for table in _stored_tables():
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, Integer) and key[0].autoincrement in (True, "auto"):
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
                    f"COALESCE((SELECT MAX({key[0].name}) FROM {table.name}), 0) + 1, false)"
                )
            )
