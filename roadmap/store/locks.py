"""Holding rows against other writers until the transaction ends, on both backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from roadmap.store.tables import CHANGES_NOTHING_DUE


def is_sqlite(session: Session) -> bool:
    """Whether the session's database is SQLite (no row locks: one write lock for the whole file)."""
    return session.get_bind().dialect.name == "sqlite"


def write_lock(session: Session, column: InstrumentedAttribute[Any], *chosen: ColumnElement[bool]) -> None:
    """SQLite: take the database's write lock for this transaction by writing the chosen rows unchanged.

    A second writer then waits here until this transaction ends, and reads what it committed. Nothing changes,
    so the session's loaded rows need no syncing (evaluating them would cost most of a flush). Taken even when
    no row is chosen.
    """
    unchanged = update(column.class_).where(*chosen).values({column.key: column})
    session.execute(unchanged.execution_options(synchronize_session=False, **{CHANGES_NOTHING_DUE: True}))


def hold(
    session: Session, order: InstrumentedAttribute[Any], *chosen: ColumnElement[bool], key_share: bool = False
) -> None:
    """Hold the chosen rows of `order`'s table until this transaction commits or rolls back.

    PostgreSQL locks the rows (`FOR UPDATE`), in `order`, so that two writers of overlapping sets take them in
    the same order and wait for each other instead of deadlocking; on SQLite, the write lock. `key_share`
    takes `FOR NO KEY UPDATE` instead: it does not wait for writers that only added rows pointing at the held
    ones (their `FOR KEY SHARE`), which two such writers would otherwise deadlock on.
    """
    if is_sqlite(session):
        write_lock(session, order, *chosen)
    else:
        query = select(order.class_.id).where(*chosen).order_by(order)
        session.execute(query.with_for_update(key_share=key_share))
