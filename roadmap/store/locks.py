"""Holding rows against other writers until the transaction ends, on both backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session


def hold(session: Session, order: InstrumentedAttribute[Any], *chosen: ColumnElement[bool]) -> None:
    """Hold the chosen rows of `order`'s table until this transaction commits or rolls back.

    PostgreSQL locks the rows (`FOR UPDATE`), in `order`, so that two writers of overlapping sets take them in
    the same order and wait for each other instead of deadlocking. SQLite has no row locks: a write that
    changes nothing takes the database's write lock, so the other writer waits for this one to commit. Either
    way the other then reads what this one committed.
    """
    table = order.class_
    if session.get_bind().dialect.name == "sqlite":
        unchanged = update(table).where(*chosen).values({order.key: order})
        session.execute(unchanged.execution_options(synchronize_session=False))
    else:
        session.execute(select(table.id).where(*chosen).order_by(order).with_for_update())
