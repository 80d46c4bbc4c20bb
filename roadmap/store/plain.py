"""Reads of plain rows: a Core statement run on the session's connection, without the ORM's result handling."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Executable, Result
from sqlalchemy.orm import Session


def plain(session: Session, statement: Executable, params: Mapping[str, Any] | None = None) -> Result[Any]:
    """The statement's rows as the driver gives them. Through `Session.execute` a Core select still passes through
    the ORM's result handling, which took two thirds of reading ten thousand agencies' listing rows; the session's
    pending changes are flushed first, as its own execute would, so the read sees this transaction's writes."""
    session.flush()
    return session.connection().execute(statement, params)
